/*
 * XAUTH (draft-beaulieu-ike-xauth-02) and mode-config (draft-dukes-ike-mode-cfg-02) over the
 * transaction exchange (xchg_trans.c), after main or aggressive mode:
 *
 *   client (IPsec host)                               gateway (edge device)
 *                                  <-- REQUEST(NAME="" PASSWORD="")        XAUTH, 5.1
 *   REPLY(NAME="joe" PASSWORD="foobar") -->
 *                                  <-- SET(STATUS=OK | FAIL)
 *   ACK -->                                       (FAIL: the phase 1 SA is deleted, 6)
 *   REQUEST(ADDRESS NETMASK DNS) -->                                       mode-config, 5.1
 *                                  <-- REPLY(ADDRESS=10.0.0.1 ...)
 *                        or (push) <-- SET(ADDRESS=...)  ACK -->
 *
 * A transaction's first message is one of four kinds (kinds[]); what its receiver answers is a
 * row of answers[], what follows once it is done a row of nexts[]. XAUTH comes "after a phase
 * 1 exchange has completed and before any other exchange with the exception of Info mode" (6):
 * a gateway refuses mode-config and quick mode until XAUTH said OK.
 */
#include "consts.h"
#include "crypto.h"
#include "rng.h"
#include "util.h"
#include "xchg.h"

#include <string.h>

enum kind { K_NONE, K_XAUTH_REQ, K_XAUTH_SET, K_CFG_REQ, K_CFG_SET };

static const char *const kind_names[] = {"unknown", "XAUTH REQUEST", "XAUTH SET",
                                         "mode-config REQUEST", "mode-config SET"};

static const struct ik_cfg_attr *find(const struct ik_cfg_msg *c, uint16_t type)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->a[i].type == type)
			return &c->a[i];
	return NULL;
}

/* draft-beaulieu-ike-xauth-02 6.2: its attributes are 16520-16529 (the private range). */
bool ik_cfg_has_xauth(const struct ik_cfg_msg *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->a[i].type >= IK_CFG_ATTR_XAUTH_TYPE &&
		    c->a[i].type <= IK_CFG_ATTR_XAUTH_ANSWER)
			return true;
	return false;
}

static enum kind kind_of(const struct ik_cfg_msg *c)
{
	if (c->type == IK_CFG_TYPE_REQUEST)
		return ik_cfg_has_xauth(c) ? K_XAUTH_REQ : K_CFG_REQ;
	if (c->type == IK_CFG_TYPE_SET)
		return find(c, IK_CFG_ATTR_XAUTH_STATUS) ? K_XAUTH_SET : K_CFG_SET;
	return K_NONE;
}

/* ---- building ATTR contents ---- */

static void put(struct ik_cfg_msg *c, uint16_t type, const void *v, size_t len)
{
	if (c->n == IK_CFG_MAX_ATTRS)
		return;
	struct ik_cfg_attr *a = &c->a[c->n++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	a->len = (uint8_t)(len < sizeof(a->v) ? len : sizeof(a->v));
	if (a->len)
		memcpy(a->v, v, a->len);
}

static void put_tv(struct ik_cfg_msg *c, uint16_t type, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	put(c, type, b, 2);
	c->a[c->n - 1].tv = true;
}

static uint16_t tv_value(const struct ik_cfg_attr *a)
{
	return (uint16_t)(a->v[0] << 8 | a->v[1]);
}

static struct ik_cfg_msg start(uint8_t type, uint16_t id)
{
	return (struct ik_cfg_msg){.type = type, .id = id};
}

/* ---- the client's answers ---- */

/* The client is phase 1's initiator, the gateway its responder (5): a profile gives an engine
 * both parts, its role picks the one it plays, so a peer cannot make a gateway take its SET. */
static bool client_side(const struct ik_sa *sa)
{
	return sa->role == IK_INITIATOR;
}

/* 6.1: a REPLY "MUST contain the filled in authentication attributes that were requested", or
 * XAUTH-STATUS FAIL when it cannot fill them; 6.2: XAUTH-TYPE echoed only when it came. */
static bool answer_xauth_req(struct ik_sa *sa, struct ik_qm *qm, struct ik_status *st)
{
	const struct ik_xauth_cfg *x = &sa->eng->cfg.xauth;
	const struct ik_cfg_msg *in = &qm->tx_in;
	struct ik_cfg_msg *out = &qm->tx_out;
	const struct ik_cfg_attr *type = find(in, IK_CFG_ATTR_XAUTH_TYPE);

	if (!client_side(sa))
		return ik_fail(st, 0, "XAUTH REQUEST to the gateway (phase 1 responder): dropped");
	*out = start(IK_CFG_TYPE_REPLY, in->id);
	/* A test of the gateway (XA-EDGE-011): STATUS OK and no credentials, which 6.2 forbids the
	 * client ("MAY be sent in a REPLY message by a remote peer, in which case it MUST be set to
	 * FAIL"); the gateway must not log anybody in on it. */
	if (x->reply_status_ok) {
		put_tv(out, IK_CFG_ATTR_XAUTH_STATUS, IK_XAUTH_STATUS_OK);
		return true;
	}
	/* Quirk xauth-any-type: any type is answered with the password, as generic. */
	bool other = type && tv_value(type) != IK_XAUTH_TYPE_GENERIC &&
	             !(IK_HAS(sa->eng->cfg.quirks, XAUTH_ANY_TYPE));
	if (!x->client || other) {
		if (other)
			IK_LOG(sa->eng,
			       "XAUTH REQUEST of type %s, which we lack: REPLY XAUTH_STATUS FAIL "
			       "(draft-beaulieu-ike-xauth-02 5, 6.1)",
			       ik_name(IK_T_XAUTH_TYPE, tv_value(type)));
		put_tv(out, IK_CFG_ATTR_XAUTH_STATUS, IK_XAUTH_STATUS_FAIL);
		return true;
	}
	if (type)
		put_tv(out, IK_CFG_ATTR_XAUTH_TYPE, IK_XAUTH_TYPE_GENERIC);
	if (find(in, IK_CFG_ATTR_XAUTH_USER_NAME))
		put(out, IK_CFG_ATTR_XAUTH_USER_NAME, x->me.name, strlen(x->me.name));
	/* A REQUEST after XAUTH was done is a re-authentication (6); a test of the gateway
	 * (XA-EDGE-020, reauth_fail) answers it with a wrong password. */
	sa->xa.reauth = sa->xa.xauth_done;
	bool wrong = sa->xa.reauth && x->reauth_fail;
	if (find(in, IK_CFG_ATTR_XAUTH_USER_PASSWORD))
		put(out, IK_CFG_ATTR_XAUTH_USER_PASSWORD,
		    wrong ? "not-the-password" : x->me.password,
		    wrong ? 16 : strlen(x->me.password));
	return true;
}

/* 6.1: the ACK's "attributes are not relevant ... no attributes SHOULD be included". */
static bool answer_xauth_set(struct ik_sa *sa, struct ik_qm *qm, struct ik_status *st)
{
	/* only the edge device states the result (5): a SET from the client is no login */
	if (!client_side(sa))
		return ik_fail(st, 0, "XAUTH SET to the gateway (phase 1 responder): dropped");
	/* Quirk xauth-ignore-fail: a FAIL is taken as OK (6: the SA MUST be deleted instead). */
	bool ok = tv_value(find(&qm->tx_in, IK_CFG_ATTR_XAUTH_STATUS)) == IK_XAUTH_STATUS_OK;
	sa->xa.xauth_ok = ok || IK_HAS(sa->eng->cfg.quirks, XAUTH_IGNORE_FAIL);
	/* A re-authentication we failed on purpose: the SA is kept, to see whether the gateway
	 * tears it down (6, XAUTH-6-07) */
	if (!ok && sa->xa.reauth && sa->eng->cfg.xauth.reauth_fail) {
		sa->xa.xauth_ok = sa->xa.reauth_failed = true;
		IK_LOG(sa->eng,
		       "XAUTH re-authentication FAIL: the SA is kept to see the gateway's "
		       "Deletes");
	}
	/* A tester judging a gateway (XA-EDGE-012) goes on after a FAIL on purpose: the gateway
	 * MUST have deleted the SA (6), so what it sends next is judged. */
	if (!ok && sa->eng->cfg.xauth.go_on_fail) {
		sa->xa.xauth_ok = sa->xa.fail_taken = true;
		IK_LOG(sa->eng, "XAUTH FAIL taken as OK to see whether the gateway deleted the SA");
	}
	qm->tx_out = start(IK_CFG_TYPE_ACK, qm->tx_in.id);
	/* Quirk xauth-ack-new-id: the ACK under another identifier (mode-cfg 3.2, xauth 6). */
	if (IK_HAS(sa->eng->cfg.quirks, XAUTH_ACK_NEW_ID))
		qm->tx_out.id ^= 0x5a5a;
	/* Quirk xauth-ack-attrs: the user name again (6.1: "no attributes SHOULD be included"). */
	if (IK_HAS(sa->eng->cfg.quirks, XAUTH_ACK_ATTRS))
		put(&qm->tx_out, IK_CFG_ATTR_XAUTH_USER_NAME, sa->eng->cfg.xauth.me.name,
		    strlen(sa->eng->cfg.xauth.me.name));
	return true;
}

/* What a client keeps of a REPLY or SET: address, netmask, DNS (draft-dukes 3.4); a later one
 * (a renewal) replaces the DNS servers. */
static void take_cfg(struct ik_sa *sa, const struct ik_cfg_msg *c)
{
	struct ik_xa_state *xa = &sa->xa;
	if (find(c, IK_CFG_ATTR_INTERNAL_IP4_DNS))
		xa->ndns = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct ik_cfg_attr *a = &c->a[i];
		if (a->len != 4)
			continue;
		if (a->type == IK_CFG_ATTR_INTERNAL_IP4_ADDRESS)
			memcpy(xa->addr, a->v, 4), xa->cfg_done = true;
		else if (a->type == IK_CFG_ATTR_INTERNAL_IP4_NETMASK)
			memcpy(xa->netmask, a->v, 4);
		else if (a->type == IK_CFG_ATTR_INTERNAL_IP4_DNS && xa->ndns < IK_XA_MAX_DNS)
			memcpy(xa->dns[xa->ndns++], a->v, 4);
	}
}

/* draft-dukes 2: "The Acknowledge code MUST return the zero length attributes that it
 * accepted." */
static bool answer_cfg_set(struct ik_sa *sa, struct ik_qm *qm, struct ik_status *st)
{
	if (!sa->eng->cfg.xauth.cfg_client || !client_side(sa))
		return ik_fail(st, 0,
		               "mode-config SET, but we asked for no configuration: dropped");
	take_cfg(sa, &qm->tx_in);
	qm->tx_out = start(IK_CFG_TYPE_ACK, qm->tx_in.id);
	/* Quirk xauth-ack-new-id: the ACK under another identifier (mode-cfg 3.2, xauth 6). */
	if (IK_HAS(sa->eng->cfg.quirks, XAUTH_ACK_NEW_ID))
		qm->tx_out.id ^= 0x5a5a;
	/* Quirk modecfg-ack-values: the values come back with the types. */
	bool values = IK_HAS(sa->eng->cfg.quirks, MODECFG_ACK_VALUES);
	for (size_t i = 0; i < qm->tx_in.n; i++) {
		const struct ik_cfg_attr *a = &qm->tx_in.a[i];
		put(&qm->tx_out, a->type, values ? a->v : NULL, values ? a->len : 0);
	}
	return true;
}

/* ---- the gateway's answers ---- */

static void fill_more(const struct ik_sa *sa, const struct ik_cfg_msg *asked,
                      struct ik_cfg_msg *out);

/* The address, netmask and DNS servers a gateway hands out, as asked for (draft-dukes 5.1:
 * "The responder MAY only send up to the number of addresses requested"; it MAY add others). */
static void fill_cfg(const struct ik_sa *sa, const struct ik_cfg_msg *asked, struct ik_cfg_msg *out)
{
	const struct ik_xauth_cfg *x = &sa->eng->cfg.xauth;
	if (!asked || find(asked, IK_CFG_ATTR_INTERNAL_IP4_ADDRESS))
		put(out, IK_CFG_ATTR_INTERNAL_IP4_ADDRESS, sa->xa.addr, 4);
	if (!asked || find(asked, IK_CFG_ATTR_INTERNAL_IP4_NETMASK))
		put(out, IK_CFG_ATTR_INTERNAL_IP4_NETMASK, x->netmask, 4);
	for (size_t i = 0; i < x->ndns; i++)
		if (!asked || find(asked, IK_CFG_ATTR_INTERNAL_IP4_DNS))
			put(out, IK_CFG_ATTR_INTERNAL_IP4_DNS, x->dns[i], 4);
	if (asked)
		fill_more(sa, asked, out);
}

/* 3.4 SUPPORTED_ATTRIBUTES: what a gateway answers, "each in 2 octets" (the IPv4 attributes;
 * IPv6 ones only with IPv6, which serve does not hand out). */
static const uint16_t supported[] = {
	IK_CFG_ATTR_INTERNAL_IP4_ADDRESS, IK_CFG_ATTR_INTERNAL_IP4_NETMASK,
	IK_CFG_ATTR_INTERNAL_IP4_DNS,     IK_CFG_ATTR_INTERNAL_ADDRESS_EXPIRY,
	IK_CFG_ATTR_APPLICATION_VERSION,  IK_CFG_ATTR_INTERNAL_IP4_SUBNET,
	IK_CFG_ATTR_SUPPORTED_ATTRIBUTES,
};

/* 3.4 INTERNAL_IP6_SUBNET: "a 16 octet IPv6 address the second being a one octet prefix-mask",
 * from an RFC 2407 4.6.2.7 address and mask (its leading ones). */
static void put_subnet6(struct ik_cfg_msg *out, const uint8_t *addr_mask)
{
	uint8_t v[17];
	memcpy(v, addr_mask, 16);
	v[16] = 0;
	for (int i = 0; i < 128 && (addr_mask[16 + i / 8] & (0x80 >> (i % 8))); i++)
		v[16]++;
	put(out, IK_CFG_ATTR_INTERNAL_IP6_SUBNET, v, sizeof(v));
}

/* What a gateway has besides address, netmask and DNS, asked for in a REQUEST (3.4): the
 * address's lifetime (the ISAKMP SA's), its version, the subnet it protects (the profile's,
 * RFC 2407 4.6.2.5 form: address and mask) and its list of attributes. */
static void fill_more(const struct ik_sa *sa, const struct ik_cfg_msg *asked,
                      struct ik_cfg_msg *out)
{
	const struct ik_cfg *c = &sa->eng->cfg;
	static const char version[] = "ikecheck " IKECHECK_VERSION;
	uint8_t b[2 * IK_ARRAY_SIZE(supported)];
	uint32_t life = c->p1_life;
	uint8_t l[4] = {(uint8_t)(life >> 24), (uint8_t)(life >> 16), (uint8_t)(life >> 8),
	                (uint8_t)life};

	if (life && find(asked, IK_CFG_ATTR_INTERNAL_ADDRESS_EXPIRY))
		put(out, IK_CFG_ATTR_INTERNAL_ADDRESS_EXPIRY, l, 4);
	if (find(asked, IK_CFG_ATTR_APPLICATION_VERSION)) /* not NUL terminated */
		put(out, IK_CFG_ATTR_APPLICATION_VERSION, version, sizeof(version) - 1);
	if (c->ts_local.type == IK_ID_TYPE_IPV4_ADDR_SUBNET && c->ts_local.len == 8 &&
	    find(asked, IK_CFG_ATTR_INTERNAL_IP4_SUBNET))
		put(out, IK_CFG_ATTR_INTERNAL_IP4_SUBNET, c->ts_local.data, 8);
	if (c->ts_local.type == IK_ID_TYPE_IPV6_ADDR_SUBNET && c->ts_local.len == 32 &&
	    find(asked, IK_CFG_ATTR_INTERNAL_IP6_SUBNET))
		put_subnet6(out, c->ts_local.data);
	for (size_t i = 0; i < IK_ARRAY_SIZE(supported); i++)
		b[2 * i] = (uint8_t)(supported[i] >> 8), b[2 * i + 1] = (uint8_t)supported[i];
	if (find(asked, IK_CFG_ATTR_SUPPORTED_ATTRIBUTES))
		put(out, IK_CFG_ATTR_SUPPORTED_ATTRIBUTES, b, sizeof(b));
}

/* Quirk modecfg-bad-values: what 3.4 forbids in a REPLY, all at once: a second address (3 asked
 * for one) with no value, a second netmask that is none, empty values for what it lacks (NBNS,
 * DHCP), a 2-octet expiry, a NUL-terminated version, a 4-octet subnet, an IPv6 subnet without its
 * prefix length, an odd-length list. */
static void bad_values(struct ik_cfg_msg *out)
{
	static const uint8_t odd[] = {0xff, 0x00, 0xff, 0x00};
	static const uint8_t sixteen[16] = {0x20, 0x01, 0x0d, 0xb8}; /* no prefix length */
	put(out, IK_CFG_ATTR_INTERNAL_IP4_ADDRESS, NULL, 0);
	put(out, IK_CFG_ATTR_INTERNAL_IP4_NETMASK, odd, 4);
	put(out, IK_CFG_ATTR_INTERNAL_IP4_NBNS, NULL, 0);
	put(out, IK_CFG_ATTR_INTERNAL_IP4_DHCP, NULL, 0);
	put(out, IK_CFG_ATTR_INTERNAL_ADDRESS_EXPIRY, odd, 2);
	put(out, IK_CFG_ATTR_APPLICATION_VERSION, "ikecheck", 9);
	put(out, IK_CFG_ATTR_INTERNAL_IP4_SUBNET, odd, 4);
	put(out, IK_CFG_ATTR_INTERNAL_IP6_SUBNET, sixteen, sizeof(sixteen));
	put(out, IK_CFG_ATTR_SUPPORTED_ATTRIBUTES, odd, 3);
}

/* Quirk modecfg-any-type: the private attributes asked for (20000) are sent back as known, with
 * a value (3.4: "Unknown private attributes SHOULD be silently discarded"). */
static void echo_private(const struct ik_cfg_msg *asked, struct ik_cfg_msg *out)
{
	static const uint8_t v[4] = {0, 0, 0, 1};
	for (size_t i = 0; i < asked->n; i++)
		if (asked->a[i].type >= 16384 && asked->a[i].type <= 32767 &&
		    (asked->a[i].type < IK_CFG_ATTR_XAUTH_TYPE ||
		     asked->a[i].type > IK_CFG_ATTR_XAUTH_ANSWER))
			put(out, asked->a[i].type, v, 4);
}

/* The pool's next address for this SA: the first, plus one per SA handed one before (the
 * engine's count). */
static void lease(struct ik_sa *sa)
{
	const uint8_t *p = sa->eng->cfg.xauth.pool;
	uint32_t a = ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]) +
	             sa->eng->xa_leases++;
	for (int i = 0; i < 4; i++)
		sa->xa.addr[i] = (uint8_t)(a >> (24 - 8 * i));
	/* what the SA was given, for the gateway's own log (IK_EV_MODECFG) */
	const struct ik_xauth_cfg *x = &sa->eng->cfg.xauth;
	memcpy(sa->xa.netmask, x->netmask, 4);
	memcpy(sa->xa.dns, x->dns, sizeof(sa->xa.dns));
	sa->xa.ndns = x->ndns;
}

/* The mode-config quirks of a REPLY: modecfg-bad-values, modecfg-any-type's echoes and
 * modecfg-new-id (another identifier than the REQUEST's, 2: "A common identifier is used"). */
static void cfg_quirks(const struct ik_sa *sa, struct ik_qm *qm)
{
	ik_quirks_t q = sa->eng->cfg.quirks;
	if (IK_HAS(q, MODECFG_BAD_VALUES))
		bad_values(&qm->tx_out);
	if (IK_HAS(q, MODECFG_ANY_TYPE))
		echo_private(&qm->tx_in, &qm->tx_out);
	if (IK_HAS(q, MODECFG_NEW_ID))
		qm->tx_out.id = (uint16_t)(qm->tx_out.id + 1);
}

/* Whether a REQUEST carries a value, a client's suggestion (draft-dukes-ike-mode-cfg-02 2). */
static bool suggests(const struct ik_cfg_msg *m)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->a[i].len)
			return true;
	return false;
}

static bool answer_cfg_req(struct ik_sa *sa, struct ik_qm *qm, struct ik_status *st)
{
	const struct ik_xauth_cfg *x = &sa->eng->cfg.xauth;
	if (!x->cfg_gateway || client_side(sa))
		return ik_fail(st, 0, "mode-config REQUEST, but we hand out no configuration");
	/* draft-beaulieu-ike-xauth-02 6: XAUTH "MUST be used ... before any other exchange".
	 * Quirk modecfg-before-xauth: answered all the same. */
	if (x->gateway && !sa->xa.xauth_ok &&
	    !(IK_HAS(sa->eng->cfg.quirks, MODECFG_BEFORE_XAUTH))) {
		sa->xa.refused++;
		return ik_fail(st, 0,
		               "mode-config REQUEST before XAUTH was done refused "
		               "(draft-beaulieu-ike-xauth-02 6)");
	}
	if (suggests(&qm->tx_in) && IK_HAS(sa->eng->cfg.quirks, MODECFG_SUGGEST_SILENT))
		return ik_fail(st, 0, "mode-config REQUEST with suggested values left unanswered");
	if (!sa->xa.addr[0])
		lease(sa);
	qm->tx_out = start(IK_CFG_TYPE_REPLY, qm->tx_in.id);
	fill_cfg(sa, &qm->tx_in, &qm->tx_out);
	ik_xa_expiry_put(sa, &qm->tx_in, &qm->tx_out);
	cfg_quirks(sa, qm);
	/* Quirk modecfg-silent: a REQUEST of nothing it knows goes unanswered (2: "A Reply MUST
	 * always be sent when a Request is received, even if it is an empty Reply"). */
	if (!qm->tx_out.n && IK_HAS(sa->eng->cfg.quirks, MODECFG_SILENT))
		return ik_fail(st, 0, "mode-config REQUEST of nothing we know left unanswered");
	sa->xa.cfg_done = true;
	return true;
}

static bool answer_none(struct ik_sa *sa, struct ik_qm *qm, struct ik_status *st)
{
	/* Quirk modecfg-any-type: a message of an unknown type is answered as a REQUEST. */
	if (IK_HAS(sa->eng->cfg.quirks, MODECFG_ANY_TYPE) && qm->tx_in.type > IK_CFG_TYPE_ACK)
		return answer_cfg_req(sa, qm, st);
	/* draft-dukes 3.3: "Messages with unknown types SHOULD be silently discarded." */
	return ik_fail(st, 0, "transaction of type %s is no first message: dropped",
	               ik_name(IK_T_CFG_TYPE, qm->tx_in.type));
}

static const struct {
	enum kind k;
	bool (*fn)(struct ik_sa *, struct ik_qm *, struct ik_status *);
} answers[] = {
	{K_NONE, answer_none},           {K_XAUTH_REQ, answer_xauth_req},
	{K_XAUTH_SET, answer_xauth_set}, {K_CFG_REQ, answer_cfg_req},
	{K_CFG_SET, answer_cfg_set},
};

bool ik_xa_answer(struct ik_sa *sa, struct ik_qm *qm, struct ik_status *st)
{
	enum kind k = kind_of(&qm->tx_in);
	for (size_t i = 0; i < IK_ARRAY_SIZE(answers); i++)
		if (answers[i].k == k)
			return answers[i].fn(sa, qm, st);
	return answer_none(sa, qm, st);
}

/* ---- what follows ---- */

static void tx_start(struct ik_sa *sa, struct ik_cfg_msg m)
{
	IK_LOG(sa->eng, "%s %s (identifier %u)", ik_name(IK_T_CFG_TYPE, m.type),
	       kind_names[kind_of(&m)], m.id);
	ik_trans_initiate(sa, &m);
}

/* draft-dukes 5.1: REQUEST INTERNAL_ADDRESS (and what else we want) with empty values. One
 * sent while XAUTH is still to come (a test of the gateway) is remembered as early. */
static void cfg_request(struct ik_sa *sa)
{
	uint16_t id;
	ik_rng_bytes(&id, sizeof(id));
	struct ik_cfg_msg m = start(IK_CFG_TYPE_REQUEST, id);
	/* Quirk modecfg-req-no-addr: no address asked (5.1: "MUST contain at least an
	 * INTERNAL_ADDRESS attribute"). */
	if (!(IK_HAS(sa->eng->cfg.quirks, MODECFG_REQ_NO_ADDR)))
		put(&m, IK_CFG_ATTR_INTERNAL_IP4_ADDRESS, NULL, 0);
	put(&m, IK_CFG_ATTR_INTERNAL_IP4_NETMASK, NULL, 0);
	put(&m, IK_CFG_ATTR_INTERNAL_IP4_DNS, NULL, 0);
	tx_start(sa, m);
	if (sa->eng->cfg.xauth.client && !sa->xa.xauth_done && sa->txs)
		sa->xa.early_msgid = sa->txs->msgid;
}

void ik_xa_request_cfg(struct ik_sa *sa)
{
	cfg_request(sa);
}

/* The client has what it waited for: quick mode may go (once). */
static void client_ready(struct ik_sa *sa)
{
	if (sa->xa.quick_started || sa->role != IK_INITIATOR || !sa->eng->auto_quick)
		return;
	sa->xa.quick_started = true;
	ik_quick_initiate(sa);
}

static void fail_sa(struct ik_sa *sa, const char *why)
{
	struct ik_status st;
	ik_fail(&st, 0, "%s", why);
	ik_sa_fail(sa, NULL, &st);
}

/* Gateway that asked for another type than generic (req_type, a test of the client): a REPLY
 * of that type, or STATUS FAIL (6.1), is what the client may say; we check no challenge answer,
 * so both end in FAIL. A password under no or another type is the client ignoring the type
 * (6.2: "The XAUTH-TYPE in a REPLY MUST be identical to the XAUTH-TYPE in the REQUEST"): it
 * is checked as a generic login, so a client that goes on shows it. */
static bool type_answered(struct ik_sa *sa, const struct ik_cfg_msg *in)
{
	uint16_t asked = sa->eng->cfg.xauth.req_type;
	const struct ik_cfg_attr *t = find(in, IK_CFG_ATTR_XAUTH_TYPE);
	if (!asked)
		return false;
	if ((t && tv_value(t) == asked) || find(in, IK_CFG_ATTR_XAUTH_STATUS))
		return true;
	sa->xa.type_ignored = true;
	IK_LOG(sa->eng,
	       "the client answered XAUTH_TYPE %s as %s (draft-beaulieu-ike-xauth-02 6.2: the "
	       "REPLY's type MUST be the REQUEST's)",
	       ik_name(IK_T_XAUTH_TYPE, asked),
	       t ? ik_name(IK_T_XAUTH_TYPE, tv_value(t)) : "generic (no XAUTH_TYPE)");
	return false;
}

/* Quirks xauth-set-extra (a challenge next to the status, 6.1, 6.2) and xauth-set-new-id
 * (another identifier than the REQUEST's, 6). */
static void set_quirks(struct ik_sa *sa, struct ik_cfg_msg *m)
{
	uint8_t challenge[16];
	if (IK_HAS(sa->eng->cfg.quirks, XAUTH_SET_EXTRA)) {
		ik_rng_bytes(challenge, sizeof(challenge));
		put(m, IK_CFG_ATTR_XAUTH_CHALLENGE, challenge, sizeof(challenge));
	}
	if (IK_HAS(sa->eng->cfg.quirks, XAUTH_SET_NEW_ID))
		m->id = (uint16_t)(m->id + 1);
}

/* Gateway: the REPLY's user and password against the accepted users (5.1), then SET. */
static void next_after_xauth_reply(struct ik_sa *sa, struct ik_qm *qm)
{
	const struct ik_xauth_cfg *x = &sa->eng->cfg.xauth;
	const struct ik_cfg_attr *u = find(&qm->tx_in, IK_CFG_ATTR_XAUTH_USER_NAME),
				 *p = find(&qm->tx_in, IK_CFG_ATTR_XAUTH_USER_PASSWORD);
	bool ok = false;
	if (type_answered(sa, &qm->tx_in))
		u = p = NULL; /* FAIL */
	/* Quirk xauth-status-ok: a client's XAUTH_STATUS OK is a login (5: "a remote device can not
	 * set XAUTH_STATUS to anything but FAIL"). */
	const struct ik_cfg_attr *s = find(&qm->tx_in, IK_CFG_ATTR_XAUTH_STATUS);
	ok = s && tv_value(s) == IK_XAUTH_STATUS_OK && IK_HAS(sa->eng->cfg.quirks, XAUTH_STATUS_OK);
	for (size_t i = 0; u && p && i < x->nusers && !ok; i++)
		ok = u->len == strlen(x->users[i].name) && p->len == strlen(x->users[i].password) &&
		     !memcmp(u->v, x->users[i].name, u->len) &&
		     ik_ct_equal(p->v, (const uint8_t *)x->users[i].password, p->len);
	/* Quirk xauth-accept-any: any user and password pass. */
	ok = ok || IK_HAS(sa->eng->cfg.quirks, XAUTH_ACCEPT_ANY);
	if (u)
		snprintf(sa->xa.user, sizeof(sa->xa.user), "%.*s", u->len, (const char *)u->v);
	sa->xa.xauth_ok = ok;
	sa->xa.fail_set = !ok;
	struct ik_cfg_msg m = start(IK_CFG_TYPE_SET, sa->xa.id);
	put_tv(&m, IK_CFG_ATTR_XAUTH_STATUS, ok ? IK_XAUTH_STATUS_OK : IK_XAUTH_STATUS_FAIL);
	set_quirks(sa, &m);
	tx_start(sa, m);
}

/* Gateway, the status acknowledged: OK goes on (a pushed address), FAIL deletes the SA (6). */
static void next_after_xauth_ack(struct ik_sa *sa, struct ik_qm *qm)
{
	(void)qm;
	sa->xa.xauth_done = true;
	/* A tester judging an XAUTH client (XA-CLI-003, 004) said FAIL and keeps the SA on purpose: what
	 * the client sends next is taken as after OK, so a client that goes on completes. */
	/* Quirk xauth-keep-on-fail: the same in a gateway that is judged (6: "the phase 1 SA MUST be
	 * immediately deleted"). */
	if (!sa->xa.xauth_ok &&
	    (sa->eng->cfg.xauth.keep_on_fail || IK_HAS(sa->eng->cfg.quirks, XAUTH_KEEP_ON_FAIL))) {
		sa->xa.fail_said = sa->xa.xauth_ok = true;
		IK_LOG(sa->eng, "XAUTH FAIL said; the SA is kept to see whether the client stops");
	}
	ik_emit_event(sa, NULL, IK_EV_XAUTH);
	if (!sa->xa.xauth_ok && sa->xa.reauth) {
		ik_xa_reauth_failed(sa);
		return;
	}
	ik_xa_reauth_arm(sa);
	if (!sa->xa.xauth_ok) {
		uint8_t spi[16];
		memcpy(spi, sa->icookie, 8);
		memcpy(spi + 8, sa->rcookie, 8);
		ik_send_delete(sa, IK_PROTO_ISAKMP, spi, 16, 1);
		fail_sa(sa,
		        "XAUTH failed: the ISAKMP SA was deleted (draft-beaulieu-ike-xauth-02 6)");
		return;
	}
	/* Quirk modecfg-no-push: the client waits for a SET that never comes (mode-cfg 5.1). */
	if (sa->eng->cfg.xauth.cfg_gateway && sa->eng->cfg.xauth.cfg_push && !sa->xa.reauth &&
	    !(IK_HAS(sa->eng->cfg.quirks, MODECFG_NO_PUSH))) {
		uint16_t id;
		ik_rng_bytes(&id, sizeof(id));
		struct ik_cfg_msg m = start(IK_CFG_TYPE_SET, id);
		lease(sa);
		fill_cfg(sa, NULL, &m);
		tx_start(sa, m);
	}
}

/* Client, the status acknowledged: FAIL ends the SA (6), OK goes on to mode-config. */
static void next_after_xauth_set(struct ik_sa *sa, struct ik_qm *qm)
{
	(void)qm;
	sa->xa.xauth_done = true;
	ik_emit_event(sa, NULL, IK_EV_XAUTH);
	if (!sa->xa.xauth_ok) {
		fail_sa(sa,
		        "XAUTH failed: the gateway SET XAUTH_STATUS FAIL "
		        "(draft-beaulieu-ike-xauth-02 6: the phase 1 SA is deleted)");
		return;
	}
	/* Quirk modecfg-after-quick: quick mode before the address (5.1: the address transaction
	 * comes "before an ISAKMP phase 2 negotiation has started"). */
	if (IK_HAS(sa->eng->cfg.quirks, MODECFG_AFTER_QUICK))
		client_ready(sa);
	if (sa->eng->cfg.xauth.cfg_client && !sa->xa.cfg_done && !sa->eng->cfg.xauth.cfg_push)
		cfg_request(sa);
	else if (!sa->eng->cfg.xauth.cfg_client || sa->xa.cfg_done)
		client_ready(sa);
}

/* Client, the REPLY to its REQUEST: the address; quick mode may go. */
static void next_after_cfg_reply(struct ik_sa *sa, struct ik_qm *qm)
{
	take_cfg(sa, &qm->tx_in);
	ik_xa_renew_arm(sa, &qm->tx_in);
	/* an address for a REQUEST made before XAUTH, while XAUTH is still not done: the gateway
	 * broke its order (6); a retransmission of it answered after XAUTH is not that */
	if (qm->msgid == sa->xa.early_msgid && sa->xa.cfg_done && !sa->xa.xauth_done)
		sa->xa.early_replies++;
	ik_emit_event(sa, NULL, IK_EV_MODECFG);
	if (!sa->eng->cfg.xauth.client || sa->xa.xauth_ok)
		client_ready(sa);
}

/* Client, a pushed address acknowledged; gateway, an address handed out. */
static void next_cfg_done(struct ik_sa *sa, struct ik_qm *qm)
{
	(void)qm;
	ik_emit_event(sa, NULL, IK_EV_MODECFG);
	if (sa->role == IK_INITIATOR)
		client_ready(sa);
}

static void next_none(struct ik_sa *sa, struct ik_qm *qm)
{
	(void)sa, (void)qm;
}

/* What follows a done transaction, by its kind and whether we started it. */
static const struct {
	enum kind k;
	bool ours;
	void (*fn)(struct ik_sa *, struct ik_qm *);
} nexts[] = {
	{K_XAUTH_REQ, true, next_after_xauth_reply},
	{K_XAUTH_SET, true, next_after_xauth_ack},
	{K_XAUTH_SET, false, next_after_xauth_set},
	{K_CFG_REQ, true, next_after_cfg_reply},
	{K_CFG_REQ, false, next_cfg_done},
	{K_CFG_SET, false, next_cfg_done},
	{K_CFG_SET, true, next_cfg_done},
};

void ik_xa_complete(struct ik_sa *sa, struct ik_qm *qm)
{
	if (qm->cfgq) { /* a query of the suite's: answered, for the case to judge */
		ik_emit_event(sa, qm, IK_EV_CFGQ);
		return;
	}
	bool ours = qm->role == IK_INITIATOR;
	enum kind k = kind_of(ours ? &qm->tx_out : &qm->tx_in);
	for (size_t i = 0; i < IK_ARRAY_SIZE(nexts); i++)
		if (nexts[i].k == k && nexts[i].ours == ours) {
			nexts[i].fn(sa, qm);
			return;
		}
	next_none(sa, qm);
}

/* Phase 1 is up: the gateway REQUESTs user and password (5.1), a mode-config client without
 * XAUTH (or told to go early) REQUESTs its address. True: quick mode waits. */
bool ik_xa_p1_up(struct ik_sa *sa)
{
	const struct ik_xauth_cfg *x = &sa->eng->cfg.xauth;
	ik_xa_check_p1(sa);
	if (sa->role == IK_RESPONDER && x->gateway) {
		ik_xa_login_request(sa);
		return false;
	}
	if (sa->role != IK_INITIATOR)
		return false;
	if (x->cfg_client && !x->cfg_push && (!x->client || x->cfg_early))
		cfg_request(sa);
	return x->client || x->cfg_client;
}

/* The gateway's REQUEST for user and password (5.1), after phase 1 and on a re-authentication
 * (xauth_reauth.c), under a new identifier. */
void ik_xa_login_request(struct ik_sa *sa)
{
	const struct ik_xauth_cfg *x = &sa->eng->cfg.xauth;
	while (!sa->xa.id)
		ik_rng_bytes(&sa->xa.id, sizeof(sa->xa.id));
	struct ik_cfg_msg m = start(IK_CFG_TYPE_REQUEST, sa->xa.id);
	uint8_t challenge[16];
	if (x->req_type) /* 6.2: no XAUTH_TYPE means generic; a challenge only with another */
		put_tv(&m, IK_CFG_ATTR_XAUTH_TYPE, x->req_type);
	/* 6.1: what we want back with length 0. Quirk xauth-req-filled: the user filled in. */
	if (IK_HAS(sa->eng->cfg.quirks, XAUTH_REQ_FILLED))
		put(&m, IK_CFG_ATTR_XAUTH_USER_NAME, x->users[0].name, strlen(x->users[0].name));
	else
		put(&m, IK_CFG_ATTR_XAUTH_USER_NAME, NULL, 0);
	put(&m, IK_CFG_ATTR_XAUTH_USER_PASSWORD, NULL, 0);
	/* Quirk xauth-next-pin-extra: a new PIN asked with the login (6.2: NEXT-PIN goes
	 * only with XAUTH-MESSAGE and / or XAUTH-TYPE). */
	if (IK_HAS(sa->eng->cfg.quirks, XAUTH_NEXT_PIN_EXTRA))
		put(&m, IK_CFG_ATTR_XAUTH_NEXT_PIN, NULL, 0);
	/* Quirk xauth-answer-bare: a prompt without its XAUTH_MESSAGE (6.2). */
	if (IK_HAS(sa->eng->cfg.quirks, XAUTH_ANSWER_BARE))
		put(&m, IK_CFG_ATTR_XAUTH_ANSWER, NULL, 0);
	/* Quirk xauth-challenge-generic: a challenge to a generic login (6.2). */
	if (x->req_type || IK_HAS(sa->eng->cfg.quirks, XAUTH_CHALLENGE_GENERIC)) {
		ik_rng_bytes(challenge, sizeof(challenge));
		put(&m, IK_CFG_ATTR_XAUTH_CHALLENGE, challenge, sizeof(challenge));
	}
	tx_start(sa, m);
}

bool ik_xa_blocks_quick(const struct ik_sa *sa)
{
	return sa->role == IK_RESPONDER && sa->eng->cfg.xauth.gateway && !sa->xa.xauth_ok;
}
