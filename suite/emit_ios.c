/*
 * A profile as a classic Cisco IOS site-to-site configuration: ISAKMP policies, a pre-shared
 * key or a PKI trustpoint (rsa-sig), transform sets, a crypto ACL and a crypto map (Cisco
 * "Configuring Security for VPNs with IPsec", IOS 12.4/15.x syntax). IPv4 only: IPv6 crypto maps use another syntax.
 */
#include "emit.h"
#include "util.h"

#include <arpa/inet.h>
#include <string.h>

/* One ISAKMP policy per phase 1 proposal, priorities 10, 20, ... in profile order. */
static size_t isakmp_policies(const struct ik_profile *p, FILE *out, FILE *warn)
{
	size_t n = 0;
	char prop[64];

	for (size_t i = 0; i < p->p1.n_prop; i++) {
		const struct ik_p1_proposal *x = &p->p1.prop[i];
		if (!x->enc->ios_ike || !x->dh->ios) {
			ik_p1_format(x, prop, sizeof(prop));
			fprintf(warn, "ik_emit_ios: phase 1 proposal %s left out: IOS has no %s\n",
			        prop, !x->enc->ios_ike ? x->enc->name : x->dh->name);
			continue;
		}
		n++;
		fprintf(out,
		        "crypto isakmp policy %zu\n encr %s\n hash %s\n"
		        " authentication %s\n group %u\n lifetime %u\n!\n",
		        n * 10, x->enc->ios_ike, x->hash->ios_ike,
		        p->auth == IK_AUTH_RSA_SIG   ? "rsa-sig"
		        : p->auth == IK_AUTH_RSA_ENC ? "rsa-encr"
		                                     : "pre-share",
		        x->group, p->p1.lifetime);
	}
	return n;
}

/* One transform set per phase 2 proposal that IOS has; their names go into `used`. */
static size_t transform_sets(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out,
                             FILE *warn, uint16_t *group)
{
	size_t n = 0;
	char prop[64];

	for (size_t i = 0; i < p->p2.n_prop; i++) {
		const struct ik_p2_proposal *x = &p->p2.prop[i];
		uint16_t g = x->group ? x->group : p->p2.pfs_group;
		ik_p2_format(x, p->p2.pfs_group, prop, sizeof(prop));
		if (!x->enc->ios_esp || (g && !ik_dh_by_id(g)->ios)) {
			fprintf(warn, "ik_emit_ios: phase 2 proposal %s left out: IOS has no %s\n",
			        prop, !x->enc->ios_esp ? x->enc->name : ik_dh_by_id(g)->name);
			continue;
		}
		/* A crypto map entry has one "set pfs": the first usable proposal's group wins. */
		if (n && g != *group) {
			fprintf(warn,
			        "ik_emit_ios: phase 2 proposal %s left out: one PFS group per "
			        "crypto map entry\n",
			        prop);
			continue;
		}
		*group = g;
		n++;
		fprintf(out, "crypto ipsec transform-set %s-ts%zu %s%s%s\n mode %s\n!\n", o->name,
		        n, x->enc->ios_esp, x->integ ? " " : "", x->integ ? x->integ->ios_esp : "",
		        p->p2.mode == IK_IPSEC_TUNNEL ? "tunnel" : "transport");
	}
	return n;
}

/* "10.2.0.0 0.0.0.255", or "host A" for a /32 (IOS ACLs take wildcard masks). */
static void acl_operand(FILE *out, const struct ik_subnet *s)
{
	char a[INET_ADDRSTRLEN], w[INET_ADDRSTRLEN];
	uint32_t wild = s->prefix == 32 ? 0 : 0xffffffffu >> s->prefix;
	struct in_addr wa = {.s_addr = htonl(wild)};

	inet_ntop(AF_INET, s->addr, a, sizeof(a));
	inet_ntop(AF_INET, &wa, w, sizeof(w));
	if (s->prefix == 32)
		fprintf(out, "host %s", a);
	else
		fprintf(out, "%s %s", a, w);
}

/* The crypto ACL: local subnets to remote subnets, or host to host without subnets. */
static void crypto_acl(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out)
{
	const struct ik_endpoint *l = ik_emit_local(p, o), *r = ik_emit_remote(p, o);
	struct ik_subnet lh = {.family = AF_INET, .prefix = 32},
			 rh = {.family = AF_INET, .prefix = 32};
	memcpy(lh.addr, &((const struct sockaddr_in *)&l->addr.ss)->sin_addr, 4);
	memcpy(rh.addr, &((const struct sockaddr_in *)&r->addr.ss)->sin_addr, 4);
	const struct ik_subnet *ls = l->n_subnets ? l->subnet : &lh;
	const struct ik_subnet *rs = r->n_subnets ? r->subnet : &rh;
	size_t nl = l->n_subnets ? l->n_subnets : 1, nr = r->n_subnets ? r->n_subnets : 1;

	fprintf(out, "ip access-list extended %s-acl\n", o->name);
	for (size_t i = 0; i < nl; i++)
		for (size_t j = 0; j < nr; j++) {
			if (ls[i].family != AF_INET || rs[j].family != AF_INET)
				continue;
			fprintf(out, " permit ip ");
			acl_operand(out, &ls[i]);
			fputc(' ', out);
			acl_operand(out, &rs[j]);
			fputc('\n', out);
		}
	fprintf(out, "!\n");
}

static bool check_renderable(const struct ik_profile *p, const struct ik_emit_opts *o,
                             struct ik_status *st)
{
	const struct ik_endpoint *l = ik_emit_local(p, o), *r = ik_emit_remote(p, o);

	/* IOS's "authentication rsa-encr" is RSA encrypted nonces; it has no keyword for the
	 * revised mode of RFC 2409 5.3. */
	if (p->auth == IK_AUTH_RSA_ENC_REV)
		return ik_fail(st, 0,
		               "ik_emit_ios: auth.method = rsa-enc-rev: IOS has no revised-mode "
		               "authentication (RFC 2409 5.3); its rsa-encr is rsa-enc (5.2)");
	if (!ik_emit_dss_ok(p, "ik_emit_ios", "IOS", st) ||
	    !ik_emit_certs_ok(p, o, "ik_emit_ios", st))
		return false;
	if (l->addr.ss.ss_family != AF_INET)
		return ik_fail(st, 0,
		               "ik_emit_ios: only IPv4 is rendered for IOS (IPv6 crypto "
		               "maps differ)");
	for (size_t i = 0; i < l->n_subnets; i++)
		if (l->subnet[i].family != AF_INET)
			return ik_fail(st, 0, "ik_emit_ios: IPv6 subnets are not rendered");
	for (size_t i = 0; i < r->n_subnets; i++)
		if (r->subnet[i].family != AF_INET)
			return ik_fail(st, 0, "ik_emit_ios: IPv6 subnets are not rendered");
	/* IOS reads the key up to the end of the line, but a blank or '?' confuses its parser. */
	for (size_t i = 0; p->auth == IK_AUTH_PSK && i < p->psk_len; i++)
		if (p->psk[i] <= 0x20 || p->psk[i] > 0x7e || p->psk[i] == '?')
			return ik_fail(st, 0,
			               "ik_emit_ios: the PSK holds a blank, '?' or a "
			               "non-printable byte, which IOS cannot take");
	return true;
}

/* Identity and key: IOS keys PSKs by peer address (or hostname with identity hostname). */
static void isakmp_key(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out)
{
	const struct ik_endpoint *l = ik_emit_local(p, o), *r = ik_emit_remote(p, o);

	if (l->id.type == IK_ID_FQDN)
		fprintf(out,
		        "crypto isakmp identity hostname\n! the router's hostname and domain "
		        "must make up %s\n",
		        l->id.value);
	else if (l->id.type != IK_ID_IPV4_ADDR || strcmp(l->id.value, l->addr.text))
		fprintf(out, "! IOS sends its address as identity; profile id %s is not rendered\n",
		        l->id.text);
	if (r->id.type == IK_ID_FQDN)
		fprintf(out, "crypto isakmp key %.*s hostname %s\n", (int)p->psk_len,
		        (const char *)p->psk, r->id.value);
	else
		fprintf(out, "crypto isakmp key %.*s address %s\n", (int)p->psk_len,
		        (const char *)p->psk, r->addr.text);
}

/*
 * rsa-sig: the identity IOS sends from its certificate (crypto isakmp identity), and a
 * trustpoint holding the CA, our key and certificate (IOS reads them pasted, not from a path).
 */
static void trustpoint(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out,
                       FILE *warn)
{
	const struct ik_endpoint *l = ik_emit_local(p, o);

	if (l->id.type == IK_ID_DER_ASN1_DN)
		fprintf(out, "crypto isakmp identity dn\n");
	else if (l->id.type == IK_ID_FQDN)
		fprintf(out,
		        "crypto isakmp identity hostname\n! the router's hostname and domain "
		        "must make up %s\n",
		        l->id.value);
	else if (l->id.type != IK_ID_IPV4_ADDR)
		fprintf(warn, "ik_emit_ios: identity %s has no IOS form; IOS sends its address\n",
		        l->id.text);
	/* No CRL distribution point in the profile's PKI: try a CRL, go on without one. */
	if (*p->pki.crl)
		fprintf(warn,
		        "ik_emit_ios: auth.crl %s is not rendered: IOS fetches CRLs from the "
		        "certificates' distribution points (revocation-check crl none)\n",
		        p->pki.crl);
	fprintf(out,
	        "crypto pki trustpoint %s-ca\n enrollment terminal\n revocation-check %s\n"
	        " rsakeypair %s-key\n!\n",
	        o->name, *p->pki.crl ? "crl none" : "none", o->name);
	fprintf(out,
	        "! Load CA, key and certificate (RFC 2409 5.1 signs with this key):\n"
	        "!   openssl rsa -aes128 -in %s -out %s-enc.key -passout pass:ikecheck\n"
	        "!   crypto pki import %s-ca pem terminal password ikecheck\n"
	        "!     then paste %s, %s-enc.key and %s in that order\n!\n",
	        l->key, o->name, o->name, p->pki.ca, o->name, l->cert);
	if (*l->chain) /* the issuing CA is the intermediate, the root is trusted above it */
		fprintf(out,
		        "! %s holds the issuing intermediate: paste it as the CA instead, and\n"
		        "! authenticate %s in a trustpoint of its own (chain-validation "
		        "continue)\n!\n",
		        l->chain, p->pki.ca);
}

/* IOS's `match identity` forms for the identity types it can match. */
static const struct {
	enum ik_id_type type;
	const char *fmt;
} ios_match[] = {
	{IK_ID_IPV4_ADDR, " match identity address %s 255.255.255.255\n"},
	{IK_ID_FQDN, " match identity host %s\n"},
	{IK_ID_USER_FQDN, " match identity user-fqdn %s\n"},
};

/*
 * auth.peer_ids beyond the tester's own identity: an ISAKMP profile that matches each of them
 * (the pre-shared keys stay global). "any" has no IOS form (IOS matches identities by type):
 * left to the classic configuration with a warning. True when the profile was written.
 */
static bool isakmp_profile(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out,
                           FILE *warn)
{
	const struct ik_ident *id;
	bool any;

	if (!ik_emit_remote_id(p, o, 0, &any) && any)
		fprintf(warn,
		        "ik_emit_ios: auth.peer_ids = any is not expressible (IOS matches "
		        "identities by type); rendered for the tester's identity\n");
	if (!ik_emit_remote_id(p, o, 1, &any))
		return false;
	fprintf(out, "crypto isakmp profile %s-peers\n", o->name);
	for (size_t i = 0; (id = ik_emit_remote_id(p, o, i, &any)); i++) {
		size_t k = 0;
		while (k < IK_ARRAY_SIZE(ios_match) && ios_match[k].type != id->type)
			k++;
		if (k == IK_ARRAY_SIZE(ios_match))
			fprintf(warn,
			        "ik_emit_ios: auth.peer_ids %s left out: IOS cannot match that "
			        "identity type\n",
			        id->text);
		else
			fprintf(out, ios_match[k].fmt, id->value);
	}
	fprintf(out, "!\n");
	return true;
}

static void global_options(const struct ik_profile *p, FILE *out)
{
	if (p->p1.dpd_delay)
		fprintf(out, "crypto isakmp keepalive %u periodic\n", p->p1.dpd_delay);
	if (!(p->p1.modes & IK_MODE_AGGRESSIVE))
		fprintf(out, "crypto isakmp aggressive-mode disable\n");
	if (!p->features.nat_t)
		fprintf(out, "no crypto ipsec nat-transparency udp-encapsulation\n");
	fprintf(out, "!\n");
}

/* IOS takes "lifetime 60-86400" for ISAKMP, 120-2592000 seconds and 2560-4294967295 kilobytes
 * for IPsec SAs: a value outside is rendered (the profile wins) with a warning. */
static void lifetime_limits(const struct ik_profile *p, FILE *warn)
{
	if (p->p1.lifetime < 60 || p->p1.lifetime > 86400)
		fprintf(warn, "ik_emit_ios: phase1.lifetime %u is outside IOS's 60-86400 seconds\n",
		        p->p1.lifetime);
	if (p->p2.lifetime < 120 || p->p2.lifetime > 2592000)
		fprintf(warn,
		        "ik_emit_ios: phase2.lifetime %u is outside IOS's 120-2592000 seconds\n",
		        p->p2.lifetime);
	if (p->p2.lifetime_kb && p->p2.lifetime_kb < 2560)
		fprintf(warn, "ik_emit_ios: phase2.lifetime_kb %u is under IOS's 2560 kilobytes\n",
		        p->p2.lifetime_kb);
}

bool ik_emit_ios(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out, FILE *warn,
                 struct ik_status *st)
{
	const struct ik_endpoint *l = ik_emit_local(p, o), *r = ik_emit_remote(p, o);
	uint16_t group = 0;

	if (!check_renderable(p, o, st))
		return false;
	lifetime_limits(p, warn);
	if (p->p1.modes == IK_MODE_AGGRESSIVE)
		fprintf(warn,
		        "ik_emit_ios: aggressive-only is not expressible with a crypto map "
		        "(IOS initiates main mode); rendered with aggressive mode allowed\n");
	fprintf(out, "! Cisco IOS configuration for the %s of ikecheck profile %s (%s).\n",
	        ik_emit_side_name(o), p->path, p->name);
	fprintf(out, "! Generated by `ikecheck profile render`; edit the profile, not this.\n!\n");
	if (!isakmp_policies(p, out, warn))
		return ik_fail(st, 0, "ik_emit_ios: no phase 1 proposal of %s is usable with IOS",
		               p->path);
	if (p->auth == IK_AUTH_RSA_ENC)
		fprintf(warn,
		        "ik_emit_ios: rsa-encr: enter the peer's RSA public key (from its "
		        "certificate) under `crypto key pubkey-chain rsa`, named-key or "
		        "addressed-key: IOS encrypts its nonce to it (RFC 2409 5.2)\n");
	if (ik_auth_pki(p->auth))
		trustpoint(p, o, out, warn);
	else
		isakmp_key(p, o, out);
	bool peers = isakmp_profile(p, o, out, warn);
	global_options(p, out);
	size_t nts = transform_sets(p, o, out, warn, &group);
	if (!nts)
		return ik_fail(st, 0, "ik_emit_ios: no phase 2 proposal of %s is usable with IOS",
		               p->path);
	crypto_acl(p, o, out);
	fprintf(out, "crypto map %s 10 ipsec-isakmp\n set peer %s\n set transform-set", o->name,
	        r->addr.text);
	for (size_t i = 1; i <= nts; i++)
		fprintf(out, " %s-ts%zu", o->name, i);
	fputc('\n', out);
	if (group)
		fprintf(out, " set pfs group%u\n", group);
	if (peers)
		fprintf(out, " set isakmp-profile %s-peers\n", o->name);
	fprintf(out, " set security-association lifetime seconds %u\n", p->p2.lifetime);
	if (p->p2.lifetime_kb) /* RFC 2407 4.5: proposed with the seconds in quick mode */
		fprintf(out, " set security-association lifetime kilobytes %u\n",
		        p->p2.lifetime_kb);
	fprintf(out, " match address %s-acl\n!\n", o->name);
	fprintf(out,
	        "! Apply the map to the interface that owns %s, e.g.:\n"
	        "! interface GigabitEthernet0/0\n!  crypto map %s\n",
	        l->addr.text, o->name);
	if (o->initiator)
		fprintf(out, "! IOS initiates when traffic matches %s-acl (no auto-start).\n",
		        o->name);
	return true;
}
