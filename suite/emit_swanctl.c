/*
 * A profile as strongSwan 5.9 swanctl.conf: one IKEv1 connection with one CHILD_SA, and its PSK
 * in a secrets section, or for rsa-sig pubkey authentication with the certificate files and
 * where to copy them. Keys as documented in strongSwan's swanctl.conf(5).
 */
#include "emit.h"
#include "frag.h"

#include <string.h>

/*
 * strongSwan proposes an IKEv1 lifetime of rekey_time + over_time (phase1_create(), reauth_time
 * being 0), so split the profile's lifetime into those two to make charon offer exactly it.
 * over_time 0 would mean "default 10%", hence at least 1 second.
 */
static void ike_lifetimes(uint32_t life, uint32_t *rekey, uint32_t *over)
{
	*over = life / 10 ? life / 10 : 1;
	*rekey = life - *over;
}

static void subnets(FILE *out, const char *key, const struct ik_endpoint *e)
{
	char s[64];

	if (!e->n_subnets)
		return; /* default "dynamic": the endpoint's own address (host to host) */
	fprintf(out, "\t\t\t\t%s = ", key);
	for (size_t i = 0; i < e->n_subnets; i++) {
		ik_subnet_format(&e->subnet[i], s, sizeof(s));
		fprintf(out, "%s%s", i ? "," : "", s);
	}
	fputc('\n', out);
}

/* auth.peer_ids: %any, or the tester's identity (swanctl takes one remote id per connection). */
static void remote_id(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out)
{
	bool any;
	const struct ik_ident *id = ik_emit_remote_id(p, o, 0, &any);

	if (any)
		fputs("%any", out);
	else
		ik_emit_ident(id, out);
}

/* The secret's identities: ours, then every remote one we accept (%any for any). */
static void secret_ids(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out)
{
	const struct ik_ident *id;
	bool any;
	size_t i = 0;

	fprintf(out, "\t\tid-1 = ");
	ik_emit_ident(&ik_emit_local(p, o)->id, out);
	if (!ik_emit_remote_id(p, o, 0, &any) && any)
		fprintf(out, "\n\t\tid-2 = %%any");
	while ((id = ik_emit_remote_id(p, o, i++, &any))) {
		fprintf(out, "\n\t\tid-%zu = ", i + 1);
		ik_emit_ident(id, out);
	}
	fputc('\n', out);
}

/*
 * XAUTH (docs/xauth.md, draft-beaulieu-ike-xauth-02): a second authentication round after the
 * PSK. The phase 1 responder is the gateway, asking the client for its user (xauth-generic checks
 * it against the secrets); the initiator is the client and logs in as xauth.user. charon then
 * proposes and accepts XAUTHInitPreShared (7.2) in phase 1.
 */
static void xauth_round(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out)
{
	/* The gateway is what features.xauth claims; the client (the initiator) either flag: a
	 * profile with xauth_client alone claims no gateway (docs/xauth.md). */
	bool client = p->features.xauth || p->features.xauth_client;
	if (o->initiator ? !client : !p->features.xauth)
		return;
	if (o->initiator)
		fprintf(out, "\t\tlocal-xauth {\n\t\t\tauth = xauth\n\t\t\txauth_id = %s\n\t\t}\n",
		        p->xauth.user);
	else
		fprintf(out, "\t\tremote-xauth {\n\t\t\tauth = xauth-generic\n\t\t}\n");
}

/* mode-config (draft-dukes-ike-mode-cfg-02 5.1): the client asks for an address (vips), the
 * gateway hands out the pool's. */
static void modecfg_conn(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out)
{
	if (!p->features.modecfg)
		return;
	if (o->initiator)
		fprintf(out, "\t\tvips = 0.0.0.0\n");
	else
		fprintf(out, "\t\tpools = %s-pool\n", o->name);
	/* push mode (modecfg.push, draft-dukes-ike-mode-cfg-02 2): the gateway SETs, the client waits */
	if (p->modecfg.push)
		fprintf(out, "\t\tpull = no\n");
}

/* The gateway's pool: the one address of modecfg.pool, its netmask and DNS server. */
static void modecfg_pool(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out)
{
	if (!p->features.modecfg || o->initiator)
		return;
	fprintf(out, "\npools {\n\t%s-pool {\n\t\taddrs = %s-%s\n\t\tnetmask = %s\n", o->name,
	        p->modecfg.pool.text, p->modecfg.pool.text, p->modecfg.netmask.text);
	if (p->modecfg.dns.ss.ss_family == AF_INET)
		fprintf(out, "\t\tdns = %s\n", p->modecfg.dns.text);
	fprintf(out, "\t}\n}\n");
}

/*
 * local and remote: psk, or pubkey (RFC 2409 5.1) with our certificate (swanctl/x509/) and the
 * CA the peer must chain to (swanctl/x509ca/); the key is loaded from swanctl/private/.
 */
static void auth_sections(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out)
{
	const struct ik_endpoint *l = ik_emit_local(p, o);
	const char *auth = p->auth == IK_AUTH_RSA_SIG ? "pubkey" : "psk";

	fprintf(out, "\t\tlocal {\n\t\t\tauth = %s\n", auth);
	if (p->auth == IK_AUTH_RSA_SIG)
		fprintf(out, "\t\t\tcerts = %s\n", ik_emit_base(l->cert));
	fprintf(out, "\t\t\tid = ");
	ik_emit_ident(&l->id, out);
	fprintf(out, "\n\t\t}\n\t\tremote {\n\t\t\tauth = %s\n", auth);
	if (p->auth == IK_AUTH_RSA_SIG)
		fprintf(out, "\t\t\tcacerts = %s\n", ik_emit_base(p->pki.ca));
	/* dut.peer_cert: the tester's certificate, held so a SIG_I without CERT is checked with it
	 * (RFC 2409 5.1 "[ CERT, ]"); remote certs also ties the peer to it (swanctl.conf(5)) */
	if (p->auth == IK_AUTH_RSA_SIG && o->side == IK_SIDE_DUT && *p->dut.peer_cert)
		fprintf(out, "\t\t\tcerts = %s\n", ik_emit_base(p->dut.peer_cert));
	fprintf(out, "\t\t\tid = ");
	remote_id(p, o, out);
	fprintf(out, "\n\t\t}\n");
	xauth_round(p, o, out);
}

/* Where each file goes: swanctl --load-creds reads these directories (swanctl.conf(5)). */
static void cert_files(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out)
{
	const struct ik_endpoint *l = ik_emit_local(p, o);

	fprintf(out, "# Certificates (auth.method rsa-sig), before `swanctl --load-creds`:\n");
	fprintf(out, "#   cp %s /etc/swanctl/x509/\n", l->cert);
	if (o->side == IK_SIDE_DUT && *p->dut.peer_cert)
		fprintf(out, "#   cp %s /etc/swanctl/x509/   (the tester's, remote certs)\n",
		        p->dut.peer_cert);
	if (*l->chain)
		fprintf(out, "#   cp %s /etc/swanctl/x509ca/   (the intermediates)\n", l->chain);
	fprintf(out, "#   cp %s /etc/swanctl/private/\n", l->key);
	fprintf(out, "#   cp %s /etc/swanctl/x509ca/\n", p->pki.ca);
	if (*p->pki.crl)
		fprintf(out, "#   cp %s /etc/swanctl/x509crl/\n", p->pki.crl);
}

static void ike_section(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out)
{
	const struct ik_endpoint *l = ik_emit_local(p, o), *r = ik_emit_remote(p, o);
	char prop[64];
	uint32_t rekey, over;

	fprintf(out, "\t\tversion = 1\n");
	/* swanctl's "aggressive" picks the mode we initiate with; a responder answers either. */
	if (p->p1.modes == IK_MODE_AGGRESSIVE)
		fprintf(out, "\t\taggressive = yes\n");
	fprintf(out, "\t\tlocal_addrs = %s\n", l->addr.text);
	fprintf(out, "\t\tremote_addrs = %s\n", r->addr.text);
	if (l->port != 500)
		fprintf(out, "\t\tlocal_port = %u\n", l->port);
	if (r->port != 500)
		fprintf(out, "\t\tremote_port = %u\n", r->port);
	fprintf(out, "\t\tproposals = ");
	for (size_t i = 0; i < p->p1.n_prop; i++) {
		ik_p1_format(&p->p1.prop[i], prop, sizeof(prop));
		fprintf(out, "%s%s", i ? "," : "", prop);
	}
	fputc('\n', out);
	ike_lifetimes(p->p1.lifetime, &rekey, &over);
	fprintf(out, "\t\trekey_time = %us\n", rekey);
	fprintf(out, "\t\tover_time = %us\n", over);
	if (p->p1.dpd_delay)
		fprintf(out, "\t\tdpd_delay = %us\n", p->p1.dpd_delay);
	/* IKEv1 fragmentation (engine/exchanges/frag.h): the same four words as the profile. */
	static const char *const frag[] = {"no", "yes", "accept", "force"};
	fprintf(out, "\t\tfragmentation = %s\n",
	        l->fragmentation >= 0 && l->fragmentation < 4 ? frag[l->fragmentation] : "no");
	/*
	 * charon sends CERT only after a CERTREQ by default, and Libreswan's pluto sends none in
	 * IKEv1 main mode unless rightca is set: it then has no certificate to check the SIG with
	 * ("no certificate matched RSA"). RFC 2408 3.10 lets a peer send CERT unasked, and the
	 * DUT's CERT in MM6 spares a tester a preloaded copy of it.
	 */
	if (p->auth == IK_AUTH_RSA_SIG)
		fprintf(out, "\t\tsend_cert = always\n");
	modecfg_conn(p, o, out);
	auth_sections(p, o, out);
}

/*
 * A volume lifetime (RFC 2407 4.5, kilobytes). charon's IKEv1 quick mode proposes life_bytes /
 * 1000 as its LIFE_DURATION in kilobytes (set_from_proposal_v1 in its proposal_substructure.c),
 * so life_bytes = kb * 1000 makes it offer exactly the profile's value; it then enforces that
 * many bytes itself, a little under kb * 1024, which RFC 4301 4.4.2.1 leaves to the peer.
 */
static void child_bytes(FILE *out, uint32_t kb)
{
	if (!kb)
		return;
	uint64_t life = (uint64_t)kb * 1000;
	fprintf(out, "\t\t\t\tlife_bytes = %llu\n", (unsigned long long)life);
	fprintf(out, "\t\t\t\trekey_bytes = %llu\n", (unsigned long long)(life - life / 10));
	fprintf(out, "\t\t\t\trand_bytes = 0\n");
}

static void child_section(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out)
{
	const struct ik_endpoint *l = ik_emit_local(p, o), *r = ik_emit_remote(p, o);
	char prop[64];

	fprintf(out, "\t\tchildren {\n\t\t\t%s {\n", o->name);
	/* Transport mode protects the two hosts themselves: their addresses are the selectors. */
	if (p->p2.mode == IK_IPSEC_TUNNEL) {
		subnets(out, "local_ts", l);
		subnets(out, "remote_ts", r);
	}
	/* A group in an ESP proposal is strongSwan's way of asking for PFS in quick mode. */
	fprintf(out, "\t\t\t\tesp_proposals = ");
	for (size_t i = 0; i < p->p2.n_prop; i++) {
		ik_p2_format(&p->p2.prop[i], p->p2.pfs_group, prop, sizeof(prop));
		fprintf(out, "%s%s", i ? "," : "", prop);
	}
	fputc('\n', out);
	fprintf(out, "\t\t\t\tmode = %s\n", p->p2.mode == IK_IPSEC_TUNNEL ? "tunnel" : "transport");
	/* Quick mode proposes life_time; rekey a little earlier, without random jitter past it. */
	uint32_t rekey = p->p2.lifetime - (p->p2.lifetime / 10);
	fprintf(out, "\t\t\t\tlife_time = %us\n", p->p2.lifetime);
	fprintf(out, "\t\t\t\trekey_time = %us\n", rekey);
	fprintf(out, "\t\t\t\trand_time = 0s\n");
	child_bytes(out, p->p2.lifetime_kb);
	/* features.anti_replay = no, stated: "a value of 0 disables IPsec replay protection" (swanctl.conf
	 * children.replay_window; RFC 4303 3.4.3, per SA). Left out, charon's default window. */
	if (p->features.anti_replay_set && !p->features.anti_replay)
		fprintf(out, "\t\t\t\treplay_window = 0\n");
	fprintf(out, "\t\t\t\tstart_action = %s\n", o->initiator ? "start" : "none");
	fprintf(out, "\t\t\t}\n\t\t}\n");
}

bool ik_emit_swanctl(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out,
                     FILE *warn, struct ik_status *st)
{
	const struct ik_endpoint *l = ik_emit_local(p, o);

	if (!ik_emit_xauth_user_ok(p, "ik_emit_swanctl", st) ||
	    !ik_emit_auth_ok(p, "ik_emit_swanctl", "strongSwan", st) ||
	    !ik_emit_certs_ok(p, o, "ik_emit_swanctl", st))
		return false;
	if (p->p2.mode == IK_IPSEC_TRANSPORT && (p->dut.n_subnets || p->tester.n_subnets))
		fprintf(warn, "ik_emit_swanctl: transport mode: subnets left out\n");
	if (!p->features.nat_t)
		fprintf(warn,
		        "ik_emit_swanctl: features.nat_t = no: strongSwan always offers NAT-T "
		        "in IKEv1; not expressible per connection\n");
	bool any;
	for (size_t i = 1; ik_emit_remote_id(p, o, i, &any); i++)
		fprintf(warn,
		        "ik_emit_swanctl: auth.peer_ids %s left out of the connection: swanctl "
		        "takes one remote id (the secret lists it)\n",
		        ik_emit_remote_id(p, o, i, &any)->text);
	fprintf(out, "# swanctl.conf for the %s of ikecheck profile %s (%s, role %s).\n",
	        ik_emit_side_name(o), p->path, p->name, o->initiator ? "initiator" : "responder");
	fprintf(out,
	        "# Generated by `ikecheck profile render`; edit the profile, not this file.\n");
	if (p->auth == IK_AUTH_RSA_SIG)
		cert_files(p, o, out);
	if (p->auth == IK_AUTH_PSK && (p->p1.modes & IK_MODE_AGGRESSIVE))
		fprintf(out,
		        "# Aggressive mode with PSK needs charon."
		        "i_dont_care_about_security_and_use_aggressive_mode_psk = yes.\n");
	if (l->port != 500 || l->nat_t_port != 4500)
		fprintf(out,
		        "# charon must listen here: charon.port = %u, charon.port_nat_t = %u.\n",
		        l->port, l->nat_t_port);
	fprintf(out, "connections {\n\t%s {\n", o->name);
	ike_section(p, o, out);
	child_section(p, o, out);
	fprintf(out, "\t}\n}\n");
	modecfg_pool(p, o, out);
	if (p->auth == IK_AUTH_RSA_SIG)
		return true; /* the private key comes from swanctl/private/ */
	fprintf(out, "\nsecrets {\n\tike-%s {\n", o->name);
	secret_ids(p, o, out);
	fprintf(out, "\t\tsecret = ");
	ik_emit_psk(p, out);
	fprintf(out, "\n\t}\n");
	/* the XAUTH user: the client's password, the one the gateway checks */
	if (p->features.xauth || p->features.xauth_client) {
		fprintf(out, "\txauth-%s {\n\t\tid = %s\n\t\tsecret = ", o->name, p->xauth.user);
		ik_emit_xauth_password(p, out); /* 0x-hex when quotes cannot hold it */
		fprintf(out, "\n\t}\n");
	}
	fprintf(out, "}\n");
	return true;
}
