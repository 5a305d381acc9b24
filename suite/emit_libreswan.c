/*
 * A profile as Libreswan 4.10 ipsec.conf (one IKEv1 conn) and ipsec.secrets; with rsa-sig,
 * authby=rsasig and leftcert plus the NSS import commands. Keywords as in
 * Libreswan's ipsec.conf(5). What the Debian build cannot do (DES, modp768/modp1024, several
 * PFS groups in one conn: LAB-NOTES.md) is left out with a warning; checked against its own
 * proposal parser (`algparse -v1`).
 */
#include "emit.h"
#include "frag.h"

#include <string.h>

/* Phase 1 proposals Libreswan can express, in profile order. Returns how many. */
/*
 * Libreswan drops all but one DH group in an aggressive mode offer ("multiple DH groups in
 * aggressive mode can cause interop failure"): AM1 carries one KE, so keep the first group.
 */
static size_t usable_p1(const struct ik_profile *p, const struct ik_p1_proposal **keep, FILE *warn)
{
	size_t n = 0;
	char prop[64];
	bool aggressive = p->p1.modes == IK_MODE_AGGRESSIVE;

	for (size_t i = 0; i < p->p1.n_prop; i++) {
		const struct ik_p1_proposal *x = &p->p1.prop[i];
		ik_p1_format(x, prop, sizeof(prop));
		if (!x->enc->libreswan || !x->dh->libreswan) {
			fprintf(warn,
			        "ik_emit_libreswan_conf: phase 1 proposal %s left out: "
			        "Libreswan 4.10 has no %s\n",
			        prop, !x->enc->libreswan ? x->enc->name : x->dh->name);
			continue;
		}
		if (aggressive && n && x->group != keep[0]->group) {
			fprintf(warn,
			        "ik_emit_libreswan_conf: phase 1 proposal %s left out: aggressive "
			        "mode "
			        "offers one DH group (%s here)\n",
			        prop, keep[0]->dh->name);
			continue;
		}
		keep[n++] = x;
	}
	return n;
}

/*
 * Libreswan's IKEv1 quick mode takes one PFS group for the whole conn, and either every ESP
 * proposal names it or none does ("more than one IKEv1 ESP DH algorithm is not allowed"). So
 * the group of the first usable proposal decides; proposals with another one are left out.
 */
static size_t usable_p2(const struct ik_profile *p, const struct ik_p2_proposal **keep,
                        uint16_t *group, FILE *warn)
{
	size_t n = 0;
	char prop[64];

	for (size_t i = 0; i < p->p2.n_prop; i++) {
		const struct ik_p2_proposal *x = &p->p2.prop[i];
		uint16_t g = x->group ? x->group : p->p2.pfs_group;
		const struct ik_dh_group *dh = ik_dh_by_id(g);
		ik_p2_format(x, p->p2.pfs_group, prop, sizeof(prop));
		if (!x->enc->libreswan || (dh && !dh->libreswan)) {
			fprintf(warn,
			        "ik_emit_libreswan_conf: phase 2 proposal %s left out: "
			        "Libreswan 4.10 has no %s\n",
			        prop, !x->enc->libreswan ? x->enc->name : dh->name);
			continue;
		}
		/* Confidentiality-only ESP (RFC 4303 5, optional): algparse -v1 'esp=aes128-null'
		 * says "non-AEAD ESP encryption algorithm AES_CBC cannot have 'NONE' as the
		 * integrity algorithm". */
		if (!x->integ && !x->enc->aead) {
			fprintf(warn,
			        "ik_emit_libreswan_conf: phase 2 proposal %s left out: Libreswan "
			        "4.10 takes ESP without integrity with an AEAD cipher only\n",
			        prop);
			continue;
		}
		if (n && g != *group) {
			fprintf(warn,
			        "ik_emit_libreswan_conf: phase 2 proposal %s left out: "
			        "Libreswan allows one PFS group per conn (%s here)\n",
			        prop, *group ? ik_dh_by_id(*group)->name : "none");
			continue;
		}
		*group = g;
		keep[n++] = x;
	}
	return n;
}

/* leftsubnet=a or leftsubnets={a b}; nothing for host to host. */
static void subnets(FILE *out, const char *side, const struct ik_endpoint *e)
{
	char s[64];

	if (e->n_subnets == 1) {
		ik_subnet_format(&e->subnet[0], s, sizeof(s));
		fprintf(out, "\t%ssubnet=%s\n", side, s);
	} else if (e->n_subnets > 1) {
		fprintf(out, "\t%ssubnets={", side);
		for (size_t i = 0; i < e->n_subnets; i++) {
			ik_subnet_format(&e->subnet[i], s, sizeof(s));
			fprintf(out, "%s%s", i ? " " : "", s);
		}
		fprintf(out, "}\n");
	}
}

/* id NULL: %any (auth.peer_ids = any). */
static void endpoint(FILE *out, const char *side, const struct ik_endpoint *e,
                     const struct ik_ident *id, bool tunnel)
{
	fprintf(out, "\t%s=%s\n\t%sid=", side, e->addr.text, side);
	if (id)
		ik_emit_ident(id, out);
	else
		fputs("%any", out);
	fputc('\n', out);
	if (e->port != 500)
		fprintf(out, "\t%sikeport=%u\n", side, e->port);
	if (tunnel)
		subnets(out, side, e);
}

static void algorithms(FILE *out, const struct ik_p1_proposal **p1, size_t n1,
                       const struct ik_p2_proposal **p2, size_t n2, uint16_t group)
{
	const struct ik_dh_group *pfs = ik_dh_by_id(group);

	fprintf(out, "\tike=");
	for (size_t i = 0; i < n1; i++)
		fprintf(out, "%s%s-%s;%s", i ? "," : "", p1[i]->enc->libreswan,
		        p1[i]->hash->libreswan, p1[i]->dh->libreswan);
	fprintf(out, "\n\tesp=");
	for (size_t i = 0; i < n2; i++)
		fprintf(out, "%s%s-%s%s%s", i ? "," : "", p2[i]->enc->libreswan,
		        p2[i]->integ ? p2[i]->integ->libreswan : "null", pfs ? ";" : "",
		        pfs ? pfs->libreswan : "");
	fprintf(out, "\n\tpfs=%s\n", pfs ? "yes" : "no");
}

/* The NSS nickname of a certificate file: its name without the extension. */
static const char *nickname(const char *path)
{
	static char nick[IK_PROFILE_TEXT];
	const char *b = ik_emit_base(path);

	snprintf(nick, sizeof(nick), "%.*s", (int)strcspn(b, "."), b);
	return nick;
}

/*
 * Libreswan keeps certificates and keys in its NSS database (ipsec.conf(5) leftcert): the
 * commands that put the profile's files there, as comments to run on the host.
 */
static void nss_import(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out)
{
	const struct ik_endpoint *l = ik_emit_local(p, o);
	const char *nick = nickname(l->cert), *db = "sql:/var/lib/ipsec/nss";

	fprintf(out, "# auth.method rsa-sig: import the certificates into NSS first (as root):\n");
	fprintf(out,
	        "#   openssl pkcs12 -export -in %s -inkey %s%s%s -name %s -passout pass: "
	        "-out %s.p12\n",
	        l->cert, l->key, *l->chain ? " -certfile " : "", l->chain, nick, nick);
	fprintf(out, "#   pk12util -i %s.p12 -d %s -W \"\"\n", nick, db);
	fprintf(out, "#   certutil -A -d %s -n ikecheck-ca -t \"CT,,\" -a -i %s\n", db, p->pki.ca);
	/* dut.peer_cert: the tester's certificate with no trust of its own (it still chains to the
	 * CA), for rightcert= */
	if (o->side == IK_SIDE_DUT && *p->dut.peer_cert)
		fprintf(out, "#   certutil -A -d %s -n %s -t \",,\" -a -i %s\n", db,
		        nickname(p->dut.peer_cert), p->dut.peer_cert);
	/* crlutil -a refuses openssl's PEM CRL (SEC_ERROR_CRL_INVALID); DER imports. */
	if (*p->pki.crl)
		fprintf(out,
		        "#   openssl crl -in %s -outform DER -out ikecheck-ca.crl\n"
		        "#   crlutil -I -d %s -i ikecheck-ca.crl\n",
		        p->pki.crl, db);
	fprintf(out, "# (another NSS directory: pluto --nssdir DIR, and sql:DIR above)\n\n");
}

/*
 * XAUTH and mode-config gateway (docs/xauth.md; ipsec.conf(5) leftxauthserver, rightaddresspool,
 * modecfgpull): pluto REQUESTs the user and checks it with crypt(3) against the file `passwd`
 * in its --ipsecdir (xauthby=file, "user:hash[:conn[:pool]]"; the lab's peer script writes it),
 * then hands the pool's one address to the client when it asks (draft-dukes-ike-mode-cfg-02
 * 5.1: the client pulls; with modecfg.push pluto SETs it after XAUTH). The pool is the client's side of the tunnel, so no rightsubnet.
 */
static void xauth_gateway(const struct ik_profile *p, FILE *out)
{
	fprintf(out, "\tleftxauthserver=yes\n\trightxauthclient=yes\n\txauthby=file\n");
	/* ikepad=yes (the default) pads the last payload to 4 octets inside its Payload Length: an
	 * ATTR with a 14-octet split network then ends in 2 octets that are no attribute, and mode-cfg
	 * 3.2 has the receiver discard it ("If the length does not match the length of the payload
	 * headers plus the attributes ... then entire payload MUST be discarded"). */
	fprintf(out, "\tikepad=no\n");
	if (!p->features.modecfg)
		return;
	/* modecfg.push: pluto SETs the address after XAUTH (draft-dukes-ike-mode-cfg-02 2) */
	fprintf(out, "\tleftmodecfgserver=yes\n\trightmodecfgclient=yes\n\tmodecfgpull=%s\n",
	        p->modecfg.push ? "no" : "yes");
	fprintf(out, "\trightaddresspool=%s-%s\n", p->modecfg.pool.text, p->modecfg.pool.text);
	if (p->modecfg.dns.ss.ss_family == AF_INET)
		fprintf(out, "\tmodecfgdns=%s\n", p->modecfg.dns.text);
}

/* Whether this side is the XAUTH gateway pluto can be: the responder of a features.xauth
 * profile. */
static bool is_gateway(const struct ik_profile *p, const struct ik_emit_opts *o)
{
	return p->features.xauth && !o->initiator;
}

/* Whether this side is the XAUTH client: the initiator of a profile that claims the client
 * (features.xauth_client) or the gateway (features.xauth; the gateway's peer is its client, as
 * in the swanctl rendering). */
static bool is_client(const struct ik_profile *p, const struct ik_emit_opts *o)
{
	return (p->features.xauth || p->features.xauth_client) && o->initiator;
}

/*
 * XAUTH and mode-config client (docs/xauth.md; ipsec.conf(5) leftxauthclient, leftusername,
 * leftmodecfgclient, modecfgpull): pluto answers the gateway's REQUEST (draft-beaulieu-ike-xauth-02
 * 6.1) as leftusername with the password ipsec.secrets(5) holds for it (`@user : XAUTH "..."`,
 * ik_emit_libreswan_secrets), so no whack --xauthpass prompt is needed; then, with modecfg, it
 * REQUESTs its address (draft-dukes-ike-mode-cfg-02 5.1, modecfgpull=yes) or, with
 * modecfg.push, waits for the gateway's SET (2). The address it gets is its side of the tunnel:
 * no leftsubnet (the caller leaves it out).
 */
static void xauth_client(const struct ik_profile *p, FILE *out)
{
	fprintf(out, "\tleftxauthclient=yes\n\trightxauthserver=yes\n\tleftusername=%s\n",
	        p->xauth.user);
	if (!p->features.modecfg)
		return;
	fprintf(out, "\tleftmodecfgclient=yes\n\trightmodecfgserver=yes\n\tmodecfgpull=%s\n",
	        p->modecfg.push ? "no" : "yes");
}

/* rightid takes one identity: each further one of auth.peer_ids is a conn of its own that
 * includes the first (also=) and only names another rightid. */
static void more_peers(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out)
{
	const struct ik_ident *id;
	bool any;

	for (size_t i = 1; (id = ik_emit_remote_id(p, o, i, &any)); i++) {
		fprintf(out, "\nconn %s-peer%zu\n\talso=%s\n\trightid=", o->name, i + 1, o->name);
		ik_emit_ident(id, out);
		fputc('\n', out);
	}
}

bool ik_emit_libreswan_conf(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out,
                            FILE *warn, struct ik_status *st)
{
	const struct ik_p1_proposal *p1[IK_PROFILE_MAX_PROPOSALS];
	const struct ik_p2_proposal *p2[IK_PROFILE_MAX_PROPOSALS];
	const struct ik_endpoint *l = ik_emit_local(p, o), *r = ik_emit_remote(p, o);
	bool tunnel = p->p2.mode == IK_IPSEC_TUNNEL;
	uint16_t group = 0;

	if (!ik_emit_xauth_user_ok(p, "ik_emit_libreswan_conf", st) ||
	    !ik_emit_auth_ok(p, "ik_emit_libreswan_conf", "Libreswan", st) ||
	    !ik_emit_certs_ok(p, o, "ik_emit_libreswan_conf", st))
		return false;
	size_t n1 = usable_p1(p, p1, warn);
	size_t n2 = usable_p2(p, p2, &group, warn);
	if (!n1 || !n2)
		return ik_fail(st, 0,
		               "ik_emit_libreswan_conf: no %s proposal of profile %s is usable "
		               "with Libreswan 4.10",
		               n1 ? "phase 2" : "phase 1", p->path);
	if (!tunnel && (l->n_subnets || r->n_subnets))
		fprintf(warn, "ik_emit_libreswan_conf: transport mode: subnets left out\n");

	fprintf(out, "# ipsec.conf for the %s of ikecheck profile %s (%s, role %s).\n",
	        ik_emit_side_name(o), p->path, p->name, o->initiator ? "initiator" : "responder");
	fprintf(out,
	        "# Generated by `ikecheck profile render`; edit the profile, not this file.\n");
	/* uniqueids=no: a conformance run keeps several SAs with one peer identity at once (one per
	 * case); with the default, pluto deletes the older ones whenever a new one comes up. */
	fprintf(out, "config setup\n\tikev1-policy=accept\n\tuniqueids=no\n");
	/* RFC 3948 4: M, the NAT-keepalive interval, when the profile states it (pluto: 20 s) */
	if (p->natt.keepalive_set && p->natt.keepalive)
		fprintf(out, "\tkeep-alive=%u\n", p->natt.keepalive);
	fprintf(out, "\n");
	if (p->auth == IK_AUTH_RSA_SIG)
		nss_import(p, o, out);
	fprintf(out, "conn %s\n\tikev2=no\n\tauthby=%s\n", o->name,
	        p->auth == IK_AUTH_RSA_SIG ? "rsasig" : "secret");
	bool any;
	/* a mode-config client's side of the tunnel is the address the gateway hands out */
	bool lease = is_client(p, o) && p->features.modecfg;
	endpoint(out, "left", l, &l->id, tunnel && !lease);
	/* rightaddresspool names the client's side: pluto refuses it together with rightsubnet */
	bool pool = is_gateway(p, o) && p->features.modecfg;
	endpoint(out, "right", r, ik_emit_remote_id(p, o, 0, &any), tunnel && !pool);
	if (p->auth == IK_AUTH_RSA_SIG) /* RFC 2409 5.1: our certificate, the peer's from CERT */
		fprintf(out, "\tleftcert=%s\n\tleftrsasigkey=%%cert\n\trightrsasigkey=%%cert\n",
		        nickname(l->cert));
	/* dut.peer_cert: the peer's certificate held, so SIG_I without CERT is checked with it */
	if (p->auth == IK_AUTH_RSA_SIG && o->side == IK_SIDE_DUT && *p->dut.peer_cert)
		fprintf(out, "\trightcert=%s\n", nickname(p->dut.peer_cert));
	if (is_gateway(p, o))
		xauth_gateway(p, out);
	else if (is_client(p, o))
		xauth_client(p, out);
	algorithms(out, p1, n1, p2, n2, group);
	fprintf(out, "\tikelifetime=%us\n\tsalifetime=%us\n", p->p1.lifetime, p->p2.lifetime);
	/* RFC 2407 4.5 kilobytes of 1024 octets, as pluto's byte limit on the IPsec SA (ipsec-max-bytes,
	 * Libreswan 4.6 and later; it takes octets). */
	if (p->p2.lifetime_kb)
		fprintf(out, "\tipsec-max-bytes=%llu\n",
		        (unsigned long long)p->p2.lifetime_kb * 1024);
	/* Libreswan's aggressive=yes makes the conn aggressive-only, as an initiator and responder.
	 */
	if (p->p1.modes == IK_MODE_AGGRESSIVE)
		fprintf(out, "\taggressive=yes\n");
	fprintf(out, "\ttype=%s\n", tunnel ? "tunnel" : "transport");
	if (p->p1.dpd_delay)
		fprintf(out, "\tdpddelay=%us\n\tdpdtimeout=%us\n\tdpdaction=clear\n",
		        p->p1.dpd_delay, 4 * p->p1.dpd_delay);
	fprintf(out, "\tencapsulation=%s\n", p->features.nat_t ? "auto" : "no");
	/* IKEv1 fragmentation (engine/exchanges/frag.h): Libreswan knows yes, no and force; it has no
	 * "accept", so accept is yes (it fragments only what is too big anyway). */
	fprintf(out, "\tfragmentation=%s\n",
	        l->fragmentation == IK_FRAG_NO      ? "no"
	        : l->fragmentation == IK_FRAG_FORCE ? "force"
	                                            : "yes");
	fprintf(out, "\tauto=%s\n", o->initiator ? "start" : "add");
	more_peers(p, o, out);
	return true;
}

/* RFC-free but fixed by Libreswan's ipsec.secrets(5): "LEFTID RIGHTID : PSK secret". */
bool ik_emit_libreswan_secrets(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out,
                               FILE *warn, struct ik_status *st)
{
	(void)warn;
	if (!ik_emit_xauth_user_ok(p, "ik_emit_libreswan_secrets", st) ||
	    !ik_emit_auth_ok(p, "ik_emit_libreswan_secrets", "Libreswan", st) ||
	    !ik_emit_certs_ok(p, o, "ik_emit_libreswan_secrets", st))
		return false;
	fprintf(out, "# ipsec.secrets for the %s of ikecheck profile %s (%s).\n",
	        ik_emit_side_name(o), p->path, p->name);
	if (p->auth == IK_AUTH_RSA_SIG) {
		fprintf(out,
		        "# rsa-sig: the private key of leftcert=%s is in the NSS database "
		        "(see ipsec.conf); no secret here.\n",
		        nickname(ik_emit_local(p, o)->cert));
		return true;
	}
	ik_emit_ident(&ik_emit_local(p, o)->id, out);
	/* Every remote identity the conns accept, %any for any (ipsec.secrets(5) index list). */
	const struct ik_ident *id;
	bool any;
	for (size_t i = 0; (id = ik_emit_remote_id(p, o, i, &any)); i++) {
		fputc(' ', out);
		ik_emit_ident(id, out);
	}
	if (any)
		fputs(" %any", out);
	fprintf(out, " : PSK ");
	ik_emit_psk(p, out);
	fputc('\n', out);
	/* ipsec.secrets(5): "XAUTH password, used with leftusername=username": what the XAUTH client
	 * REPLYs (draft-beaulieu-ike-xauth-02 6.1); the gateway checks its passwd file instead. */
	if (is_client(p, o)) {
		fprintf(out, "@%s : XAUTH ", p->xauth.user);
		ik_emit_xauth_password(p, out); /* 0x-hex when quotes cannot hold it */
		fputc('\n', out);
	}
	return true;
}
