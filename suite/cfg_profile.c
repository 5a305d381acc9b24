/* A DUT profile as an engine configuration; see cfg_profile.h. */
#include "cfg_profile.h"
#include "consts.h"
#include "util.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/* RFC 2407 4.6.2.1 identification types by address family: host and subnet forms. */
static const struct {
	int family;
	size_t len;
	uint8_t host, subnet;
} id_family[] = {
	{AF_INET, 4, IK_ID_TYPE_IPV4_ADDR, IK_ID_TYPE_IPV4_ADDR_SUBNET},
	{AF_INET6, 16, IK_ID_TYPE_IPV6_ADDR, IK_ID_TYPE_IPV6_ADDR_SUBNET},
};

/* The profile's lifetime policy as the selection code names it (select.h). */
static const struct {
	enum ik_lifetime_policy profile;
	enum ik_life_policy engine;
} life_map[] = {
	{IK_LIFETIME_STRICT, IK_LIFE_STRICT},
	{IK_LIFETIME_LENIENT, IK_LIFE_LENIENT},
	{IK_LIFETIME_OBEY, IK_LIFE_OBEY},
};

static enum ik_life_policy life_policy(enum ik_lifetime_policy p)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(life_map); i++)
		if (life_map[i].profile == p)
			return life_map[i].engine;
	return IK_LIFE_LENIENT;
}

/* RFC 2407 4.6.2: phase 1 ID protocol and port are 0/0 (or UDP/500); we send 0/0. */
bool ik_id_from_ident(struct ik_id *id, const struct ik_ident *in, struct ik_status *st)
{
	memset(id, 0, sizeof(*id));
	id->type = (uint8_t)in->type;
	switch (in->type) {
	case IK_ID_IPV4_ADDR: /* RFC 2407 4.6.2.2: four octets */
	case IK_ID_IPV6_ADDR: /* 4.6.2.6: sixteen octets */
	case IK_ID_KEY_ID:    /* 4.6.2.12: opaque octets */
		if (!in->bin_len || in->bin_len > sizeof(id->data))
			return ik_fail(st, 0, "identity '%s' has no usable value", in->text);
		memcpy(id->data, in->bin, in->bin_len);
		id->len = in->bin_len;
		return true;
	case IK_ID_FQDN:      /* 4.6.2.3: the name, no terminating NUL */
	case IK_ID_USER_FQDN: /* 4.6.2.4 */
		id->len = strlen(in->value);
		if (!id->len || id->len > sizeof(id->data))
			return ik_fail(st, 0, "identity '%s' is empty or too long", in->text);
		memcpy(id->data, in->value, id->len);
		return true;
	case IK_ID_DER_ASN1_DN:
		return ik_fail(
			st, 0,
			"identity '%s' is a distinguished name (ID_DER_ASN1_DN): not supported "
			"with pre-shared keys yet; use an address, @fqdn or user@fqdn",
			in->text);
	}
	return ik_fail(st, 0, "identity '%s' has an unknown type %d", in->text, (int)in->type);
}

void ik_id_from_subnet(struct ik_id *id, const struct ik_subnet *s)
{
	memset(id, 0, sizeof(*id));
	for (size_t i = 0; i < IK_ARRAY_SIZE(id_family); i++) {
		size_t n = id_family[i].len;
		if (id_family[i].family != s->family)
			continue;
		memcpy(id->data, s->addr, n);
		id->len = n;
		if (s->prefix >= 8 * n) {
			id->type = id_family[i].host;
			return;
		}
		/* RFC 2407 4.6.2.5/7: address then mask, both n octets. */
		id->type = id_family[i].subnet;
		for (size_t b = 0; b < n; b++) {
			unsigned bits = s->prefix > 8 * b ? s->prefix - 8 * (unsigned)b : 0;
			id->data[n + b] = (uint8_t)(bits >= 8 ? 0xff : (0xff00 >> bits) & 0xff);
		}
		id->len = 2 * n;
		return;
	}
}

/* The endpoint's first subnet, or the endpoint itself as a host when it lists none. */
static void endpoint_ts(struct ik_id *id, const struct ik_endpoint *ep)
{
	struct ik_subnet host = {.family = ep->addr.ss.ss_family};

	if (ep->n_subnets) {
		ik_id_from_subnet(id, &ep->subnet[0]);
		return;
	}
	if (host.family == AF_INET) {
		memcpy(host.addr, &((const struct sockaddr_in *)&ep->addr.ss)->sin_addr, 4);
		host.prefix = 32;
	} else {
		memcpy(host.addr, &((const struct sockaddr_in6 *)&ep->addr.ss)->sin6_addr, 16);
		host.prefix = 128;
	}
	ik_id_from_subnet(id, &host);
}

/*
 * The DUT's view: the peer identities it accepts (auth.peer_ids). id_remote stays the tester's;
 * "any" clears it (type 0: any well-formed identity), a list adds the others.
 */
static bool peer_ids(struct ik_cfg *c, const struct ik_profile *p, struct ik_status *st)
{
	_Static_assert(IK_PROFILE_MAX_PEER_IDS <= IK_MAX_PEER_IDS, "room for every listed id");
	if (p->peer_ids.any) {
		memset(&c->id_remote, 0, sizeof(c->id_remote));
		return true;
	}
	for (size_t i = 0; i < p->peer_ids.n; i++) {
		if (ik_ident_same(&p->peer_ids.id[i], &p->tester.id))
			continue;
		if (!ik_id_from_ident(&c->id_remote_also[c->n_id_remote_also], &p->peer_ids.id[i],
		                      st))
			return false;
		c->n_id_remote_also++;
	}
	return true;
}

/* With signatures a distinguished name is the DER subject of a certificate: ik_cfg_certs fills
 * it in once the certificates are loaded (RFC 4945 3.1). */
static bool profile_id(struct ik_id *id, const struct ik_ident *in, bool rsa, struct ik_status *st)
{
	if (!rsa || in->type != IK_ID_DER_ASN1_DN)
		return ik_id_from_ident(id, in, st);
	memset(id, 0, sizeof(*id));
	id->type = IK_ID_TYPE_DER_ASN1_DN;
	return true;
}

static bool fill_p1(struct ik_cfg *c, const struct ik_profile *p, struct ik_status *st)
{
	if (p->p1.n_prop > IK_MAX_XFORMS)
		return ik_fail(st, 0, "%s: %zu phase 1 proposals, the engine offers at most %d",
		               p->path, p->p1.n_prop, IK_MAX_XFORMS);
	for (size_t i = 0; i < p->p1.n_prop; i++) {
		const struct ik_p1_proposal *q = &p->p1.prop[i];
		if (!q->enc_id || !q->hash_id || !q->group)
			return ik_fail(st, 0, "%s: phase 1 proposal %zu cannot be used in IKEv1",
			               p->path, i + 1);
		/* RFC 2409 Appendix A: one value per attribute class; an rsa-sig profile turns
		 * every transform to RSA signatures in ik_cfg_certs. */
		c->p1[i] = (struct ik_p1_xform){.enc = q->enc_id,
		                                .keylen = q->key_bits,
		                                .hash = q->hash_id,
		                                .auth = IK_P1_AUTH_PSK,
		                                .group = q->group};
	}
	c->np1 = p->p1.n_prop;
	c->p1_life = p->p1.lifetime;
	c->p1_policy = life_policy(p->p1.lifetime_policy);
	/* Only aggressive mode allowed: start it (connect --aggressive forces it anyway). */
	c->aggressive = p->p1.modes == IK_MODE_AGGRESSIVE;
	c->am3_encrypted = p->p1.am3 == IK_AM3_ENCRYPTED;
	return true;
}

/* RFC 2409 5.5: the engine offers one PFS group for all proposals: a group named by the
 * proposals themselves wins over [phase2] pfs, and they must agree on it. */
static bool fill_p2(struct ik_cfg *c, const struct ik_profile *p, struct ik_status *st)
{
	uint16_t named = 0;

	if (p->p2.n_prop > IK_MAX_XFORMS)
		return ik_fail(st, 0, "%s: %zu phase 2 proposals, the engine offers at most %d",
		               p->path, p->p2.n_prop, IK_MAX_XFORMS);
	for (size_t i = 0; i < p->p2.n_prop; i++) {
		const struct ik_p2_proposal *q = &p->p2.prop[i];
		if (!q->esp_id)
			return ik_fail(st, 0, "%s: phase 2 proposal %zu has no ESP transform id",
			               p->path, i + 1);
		if (q->group && named && q->group != named)
			return ik_fail(
				st, 0,
				"%s: phase 2 proposals name different PFS groups (%u and %u); "
				"the engine offers one group for all",
				p->path, named, q->group);
		if (q->group)
			named = q->group;
		c->p2[i] = (struct ik_p2_xform){.proto = IK_PROTO_ESP,
		                                .id = q->esp_id,
		                                .keylen = q->key_bits,
		                                .auth = q->auth_alg};
	}
	c->np2 = p->p2.n_prop;
	c->pfs_group = named ? named : p->p2.pfs_group;
	for (size_t i = 0; i < c->np2; i++)
		c->p2[i].group = c->pfs_group;
	c->p2_life = p->p2.lifetime;
	c->p2_life_kb = p->p2.lifetime_kb;
	c->p2_policy = life_policy(p->p2.lifetime_policy);
	c->transport = p->p2.mode == IK_IPSEC_TRANSPORT;
	return true;
}

static void ip4_of(uint8_t *dst, const struct ik_addr *a)
{
	memcpy(dst, &((const struct sockaddr_in *)&a->ss)->sin_addr, 4);
}

/*
 * [xauth] and [modecfg] (docs/xauth.md). The XAUTH gateway is phase 1's responder and the
 * client its initiator (draft-beaulieu-ike-xauth-02 5: the edge device requests), so one engine
 * gets both parts and plays the one its role gives it: `connect` the client, `serve` the
 * gateway. Phase 1 offers XAUTHInitPreShared (7.2): the initiator is the one XAUTH authenticates.
 */
static void fill_xauth(struct ik_cfg *c, const struct ik_profile *p)
{
	struct ik_xauth_cfg *x = &c->xauth;

	bool xa = p->features.xauth || p->features.xauth_client;

	x->client = x->gateway = xa;
	x->cfg_client = x->cfg_gateway = p->features.modecfg;
	/* draft-dukes-ike-mode-cfg-02 2: "set/acknowledge" (push) or "request/reply" (pull) */
	x->cfg_push = p->features.modecfg && p->modecfg.push;
	snprintf(x->me.name, sizeof(x->me.name), "%.63s", p->xauth.user);
	snprintf(x->me.password, sizeof(x->me.password), "%.63s", p->xauth.password);
	x->users[0] = x->me;
	x->nusers = xa;
	if (p->features.modecfg) {
		ip4_of(x->pool, &p->modecfg.pool);
		ip4_of(x->netmask, &p->modecfg.netmask);
	}
	if (p->features.modecfg && p->modecfg.dns.ss.ss_family == AF_INET)
		ip4_of(x->dns[x->ndns++], &p->modecfg.dns);
	for (size_t i = 0; xa && i < c->np1; i++)
		c->p1[i].auth = IK_P1_AUTH_XAUTH_INIT_PSK;
}

bool ik_cfg_from_profile(struct ik_cfg *c, const struct ik_profile *p, bool as_dut,
                         struct ik_status *st)
{
	const struct ik_endpoint *me = as_dut ? &p->dut : &p->tester;
	const struct ik_endpoint *peer = as_dut ? &p->tester : &p->dut;

	memset(c, 0, sizeof(*c));
	bool rsa = ik_auth_pki(p->auth);
	if (!rsa && p->auth != IK_PROFILE_AUTH_PSK)
		return ik_fail(st, 0, "%s: authentication method %d is not supported", p->path,
		               p->auth);
	/* The profile already put each endpoint's IKE port into its address. */
	c->local = me->addr.ss;
	c->local_len = me->addr.len;
	c->remote = peer->addr.ss;
	c->remote_len = peer->addr.len;
	ik_addr_set_port(&c->local, me->port);
	ik_addr_set_port(&c->remote, peer->port);
	c->natt = p->features.nat_t;
	c->natt_port = c->natt ? me->nat_t_port : 0;
	c->remote_natt_port = peer->nat_t_port;
	if (p->psk_len > sizeof(c->psk))
		return ik_fail(st, 0, "%s: pre-shared key longer than %zu octets", p->path,
		               sizeof(c->psk));
	memcpy(c->psk, p->psk, p->psk_len);
	c->psk_len = p->psk_len;
	struct ik_status why;
	if (!profile_id(&c->id_local, &me->id, rsa, &why) ||
	    !profile_id(&c->id_remote, &peer->id, rsa, &why) || (as_dut && !peer_ids(c, p, &why)))
		return ik_fail(st, 0, "%s: %s", p->path, why.why);
	if (!fill_p1(c, p, st) || !fill_p2(c, p, st))
		return false;
	fill_xauth(c, p);
	/* Quick mode client IDs: our side's first subnet is IDci when we initiate. */
	endpoint_ts(&c->ts_local, me);
	endpoint_ts(&c->ts_remote, peer);
	if (!me->n_subnets && !peer->n_subnets)
		c->ts_local.type = c->ts_remote.type = 0; /* host to host: no IDs (RFC 2409 5.5) */
	/* RFC 3947 3.2 as if a NAT were in front of us, of the peer, or of both */
	c->nat_sim = (me->simulate_nat & IK_NATSIM_TESTER) != 0;
	c->nat_sim_peer = (me->simulate_nat & IK_NATSIM_DUT) != 0;
	c->natt_start = me->start_on_natt;   /* RFC 3947 4: a negotiation that begins on 4500 */
	c->natt_no_marker = me->omit_marker; /* RFC 3948 2.2 broken on purpose */
	/* RFC 2407 4.6.3.2, RFC 4303 3.4.3: a receiver without anti-replay says so in its QM2 */
	c->replay_off =
		as_dut ? p->features.anti_replay_set && !p->features.anti_replay : !me->anti_replay;
	/* tester.dpd_vid = no: the tester sends no DPD vendor ID (RFC 3706 5.1, DPD-016) */
	c->dpd = p->features.dpd && (as_dut || p->tester.dpd_vid);
	/* RFC 3706 5.5: the DUT side probes an idle peer after phase1.dpd seconds (serve); the tester
	 * only answers, so a case hears the DUT's queries alone. */
	c->dpd_delay = as_dut ? p->p1.dpd_delay : 0;
	/* RFC 3948 4: the DUT side, behind a NAT, keeps it open every natt.keepalive s (serve) */
	c->keepalive_ms = as_dut && c->natt ? p->natt.keepalive * 1000u : 0;
	c->frag = (uint8_t)me->fragmentation;
	c->xauth.req_type = as_dut ? 0 : (uint16_t)p->tester.xauth_type;
	c->xauth.reply_status_ok = !as_dut && p->tester.xauth_reply;
	c->xauth.go_on_fail = !as_dut && p->tester.xauth_on_fail;
	c->xauth.clear_req_after = as_dut ? 0 : (uint8_t)p->tester.xauth_clear_request;
	c->xauth.cfg_unanswered = as_dut ? 0 : (uint8_t)p->tester.cfg_unanswered;
	/* draft-beaulieu-ike-xauth-02 6: the DUT side (serve) re-runs XAUTH after xauth.reauth s;
	 * draft-dukes-ike-mode-cfg-02 3.4: the tester gateway's INTERNAL_ADDRESS_EXPIRY */
	c->xauth.reauth_s = as_dut ? p->xauth.reauth : 0;
	c->xauth.cfg_expiry = as_dut ? 0 : p->tester.cfg_expiry;
	c->frag_size = me->fragment_size;
	c->nonce_len = as_dut ? 0 : me->nonce_length;
	c->pke_hash1 = me->send_hash1; /* RFC 2409 5.2 HASH(1) when initiating */
	/* RFC 2407 4.6.3: the tester starts afresh, so it tells the DUT to drop old SAs. */
	c->initial_contact = !as_dut;
	c->refuse_aggressive = as_dut && !(p->p1.modes & IK_MODE_AGGRESSIVE);
	return !rsa || ik_cfg_certs(c, p, as_dut, st);
}

size_t ik_cfg_one_group(struct ik_cfg *c)
{
	size_t kept = 0, n = c->np1;

	for (size_t i = 0; i < n; i++)
		if (c->p1[i].group == c->p1[0].group)
			c->p1[kept++] = c->p1[i];
	c->np1 = kept;
	return n - kept;
}
