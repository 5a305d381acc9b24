/*
 * The DUT profile parser (docs/profile.md). The file format is INI: [section] headers,
 * `key = value` lines, comments from '#' or ';' to the end of the line. Every key is one row
 * of KEY_TABLE below: its section, name, kind of value, where it lands in struct ik_profile and
 * whether it is required. One function per kind parses a value and one formats it back for
 * `ikecheck profile get`, so adding a key is adding a row.
 */
#include "profile.h"
#include "consts.h"
#include "profile_keys.h"
#include "frag.h"
#include "trim.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(enum ik_vendor) == sizeof(int), "enum fields are written as int");
_Static_assert(sizeof(enum ik_auth_method) == sizeof(int), "enum fields are written as int");
_Static_assert(sizeof(enum ik_lifetime_policy) == sizeof(int), "enum fields are written as int");
_Static_assert(sizeof(enum ik_am3) == sizeof(int), "enum fields are written as int");
_Static_assert(sizeof(enum ik_ipsec_mode) == sizeof(int), "enum fields are written as int");
_Static_assert(sizeof(enum ik_id_type) == sizeof(int), "enum fields are written as int");

static const struct name_val vendor_names[] = {
	{"generic", IK_VENDOR_GENERIC},     {"strongswan", IK_VENDOR_STRONGSWAN},
	{"libreswan", IK_VENDOR_LIBRESWAN}, {"cisco-ios", IK_VENDOR_CISCO_IOS},
	{"ikecheck", IK_VENDOR_IKECHECK},   {NULL, 0},
};
static const struct name_val role_names[] = {
	{"responder", IK_ROLE_RESPONDER}, {"initiator", IK_ROLE_INITIATOR}, {NULL, 0}};
static const struct name_val mode_names[] = {
	{"main", IK_MODE_MAIN}, {"aggressive", IK_MODE_AGGRESSIVE}, {NULL, 0}};
static const struct name_val auth_names[] = {{"psk", IK_AUTH_PSK},
                                             {"dss-sig", IK_AUTH_DSS_SIG},
                                             {"rsa-sig", IK_AUTH_RSA_SIG},
                                             {"rsa-enc", IK_AUTH_RSA_ENC},
                                             {"rsa-enc-rev", IK_AUTH_RSA_ENC_REV},
                                             {NULL, 0}};
static const struct name_val policy_names[] = {{"strict", IK_LIFETIME_STRICT},
                                               {"lenient", IK_LIFETIME_LENIENT},
                                               {"obey", IK_LIFETIME_OBEY},
                                               {NULL, 0}};
/* phase1.am3: our last aggressive mode message in the clear (RFC 2409 5.4 as drawn) or HDR*. */
static const struct name_val am3_names[] = {
	{"clear", IK_AM3_CLEAR}, {"encrypted", IK_AM3_ENCRYPTED}, {NULL, 0}};
/* draft-beaulieu-ike-xauth-02 6.3 */
static const struct name_val xauth_type_names[] = {{"generic", IK_XAUTH_TYPE_GENERIC},
                                                   {"radius-chap", IK_XAUTH_TYPE_RADIUS_CHAP},
                                                   {"otp", IK_XAUTH_TYPE_OTP},
                                                   {"skey", IK_XAUTH_TYPE_SKEY},
                                                   {NULL, 0}};
/* tester.xauth_reply, tester.xauth_on_fail: what the tester, the client, does to judge a gateway */
static const struct name_val xauth_reply_names[] = {
	{"credentials", 0}, {"status-ok", 1}, {NULL, 0}};
static const struct name_val xauth_on_fail_names[] = {{"stop", 0}, {"go-on", 1}, {NULL, 0}};
/* tester.xauth_clear_request, tester.cfg_unanswered: what the tester, the gateway, does to judge
 * a client */
static const struct name_val xauth_clear_names[] = {{"no", 0}, {"mm2", 2}, {"mm4", 4}, {NULL, 0}};
static const struct name_val unanswered_names[] = {{"0", 0}, {"1", 1}, {"2", 2},
                                                   {"3", 3}, {"4", 4}, {NULL, 0}};
static const struct name_val ipsec_mode_names[] = {
	{"tunnel", IK_IPSEC_TUNNEL}, {"transport", IK_IPSEC_TRANSPORT}, {NULL, 0}};
/* auth.id_type: "address" stands for the endpoint's address, IPv4 or IPv6. */
static const struct name_val id_type_names[] = {{"address", IK_ID_IPV4_ADDR},
                                                {"fqdn", IK_ID_FQDN},
                                                {"user_fqdn", IK_ID_USER_FQDN},
                                                {"dn", IK_ID_DER_ASN1_DN},
                                                {NULL, 0}};
/* dut./tester.fragmentation: strongSwan's connections.<conn>.fragmentation values (frag.h). */
static const struct name_val frag_names[] = {{"no", IK_FRAG_NO},
                                             {"yes", IK_FRAG_YES},
                                             {"accept", IK_FRAG_ACCEPT},
                                             {"force", IK_FRAG_FORCE},
                                             {NULL, 0}};
/* tester.simulate_nat: yes (the tester, as before), dut or both (IK_NATSIM_*) */
static const struct name_val nat_sim_names[] = {{"no", 0},
                                                {"yes", IK_NATSIM_TESTER},
                                                {"dut", IK_NATSIM_DUT},
                                                {"both", 3},
                                                {"tester", 1},
                                                {"true", 1},
                                                {"false", 0},
                                                {"on", 1},
                                                {"off", 0},
                                                {NULL, 0}};
static const struct name_val bool_names[] = {{"yes", 1}, {"no", 0},  {"true", 1}, {"false", 0},
                                             {"on", 1},  {"off", 0}, {NULL, 0}};

static const char *const section_names[] = {
#define S(n) #n,
	SECTION_TABLE
#undef S
};

#define OFF(f) offsetof(struct ik_profile, f)

/*
 * KEY(section, key, kind, field, names, required). docs/profile.md documents each row;
 * defaults are set in set_defaults().
 */
#define KEY_TABLE                                                                                 \
	KEY(dut, name, K_TEXT, OFF(name), NULL, false)                                            \
	KEY(dut, address, K_ADDR, OFF(dut.addr), NULL, true)                                      \
	KEY(dut, port, K_PORT, OFF(dut.port), NULL, false)                                        \
	KEY(dut, nat_t_port, K_PORT, OFF(dut.nat_t_port), NULL, false)                            \
	KEY(dut, roles, K_FLAGS, OFF(roles), role_names, false)                                   \
	KEY(dut, vendor, K_ENUM, OFF(vendor), vendor_names, false)                                \
	KEY(dut, id, K_ID, OFF(dut.id), NULL, false)                                              \
	KEY(dut, subnet, K_SUBNETS, OFF(dut), NULL, false)                                        \
	KEY(dut, cert, K_FILE, OFF(dut.cert), NULL, false)                                        \
	KEY(dut, key, K_FILE, OFF(dut.key), NULL, false)                                          \
	KEY(dut, chain, K_FILE, OFF(dut.chain), NULL, false)                                      \
	KEY(dut, peer_cert, K_FILE, OFF(dut.peer_cert), NULL, false)                              \
	KEY(dut, fragmentation, K_ENUM, OFF(dut.fragmentation), frag_names, false)                \
	KEY(dut, fragment_size, K_SIZE, OFF(dut.fragment_size), NULL, false)                      \
	KEY(dut, send_hash1, K_BOOL, OFF(dut.send_hash1), bool_names, false)                      \
	KEY(tester, address, K_ADDR, OFF(tester.addr), NULL, true)                                \
	KEY(tester, port, K_PORT, OFF(tester.port), NULL, false)                                  \
	KEY(tester, nat_t_port, K_PORT, OFF(tester.nat_t_port), NULL, false)                      \
	KEY(tester, id, K_ID, OFF(tester.id), NULL, false)                                        \
	KEY(tester, subnet, K_SUBNETS, OFF(tester), NULL, false)                                  \
	KEY(tester, cert, K_FILE, OFF(tester.cert), NULL, false)                                  \
	KEY(tester, key, K_FILE, OFF(tester.key), NULL, false)                                    \
	KEY(tester, chain, K_FILE, OFF(tester.chain), NULL, false)                                \
	KEY(tester, bad_cert, K_TEXT, OFF(tester.bad_cert), NULL, false)                          \
	KEY(tester, bad_certs, K_FILE, OFF(tester.bad_certs), NULL, false)                        \
	KEY(tester, xauth_type, K_ENUM, OFF(tester.xauth_type), xauth_type_names, false)          \
	KEY(tester, xauth_reply, K_ENUM, OFF(tester.xauth_reply), xauth_reply_names, false)       \
	KEY(tester, xauth_on_fail, K_ENUM, OFF(tester.xauth_on_fail), xauth_on_fail_names, false) \
	KEY(tester, xauth_clear_request, K_ENUM, OFF(tester.xauth_clear_request),                 \
	    xauth_clear_names, false)                                                             \
	KEY(tester, cfg_unanswered, K_ENUM, OFF(tester.cfg_unanswered), unanswered_names, false)  \
	KEY(tester, cfg_expiry, K_SECONDS, OFF(tester.cfg_expiry), NULL, false)                   \
	KEY(tester, use_dut_cert, K_BOOL, OFF(tester.use_peer_cert), bool_names, false)           \
	KEY(tester, need_cr, K_BOOL, OFF(tester.need_cr), bool_names, false)                      \
	KEY(tester, check_cr, K_BOOL, OFF(tester.check_cr), bool_names, false)                    \
	KEY(tester, send_cert, K_BOOL, OFF(tester.send_cert), bool_names, false)                  \
	KEY(tester, fragmentation, K_ENUM, OFF(tester.fragmentation), frag_names, false)          \
	KEY(tester, fragment_size, K_SIZE, OFF(tester.fragment_size), NULL, false)                \
	KEY(tester, nonce_length, K_NONCE, OFF(tester.nonce_length), NULL, false)                 \
	KEY(tester, simulate_nat, K_ENUM, OFF(tester.simulate_nat), nat_sim_names, false)         \
	KEY(tester, start_on_natt, K_BOOL, OFF(tester.start_on_natt), bool_names, false)          \
	KEY(tester, omit_marker, K_BOOL, OFF(tester.omit_marker), bool_names, false)              \
	KEY(tester, send_hash1, K_BOOL, OFF(tester.send_hash1), bool_names, false)                \
	KEY(tester, anti_replay, K_BOOL, OFF(tester.anti_replay), bool_names, false)              \
	KEY(tester, dpd_vid, K_BOOL, OFF(tester.dpd_vid), bool_names, false)                      \
	KEY(auth, method, K_ENUM, OFF(auth), auth_names, true)                                    \
	KEY(auth, psk, K_PSK, 0, NULL, false)                                                     \
	KEY(auth, psk_file, K_PSK_FILE, OFF(psk_file), NULL, false)                               \
	KEY(auth, peer_ids, K_PEER_IDS, OFF(peer_ids), NULL, false)                               \
	KEY(auth, ca, K_FILE, OFF(pki.ca), NULL, false)                                           \
	KEY(auth, crl, K_FILE, OFF(pki.crl), NULL, false)                                         \
	KEY(auth, id_type, K_ENUM, OFF(pki.id_type), id_type_names, false)                        \
	KEY(xauth, user, K_TEXT, OFF(xauth.user), NULL, false)                                    \
	KEY(xauth, password, K_TEXT, OFF(xauth.password), NULL, false)                            \
	KEY(xauth, reauth, K_SECONDS, OFF(xauth.reauth), NULL, false)                             \
	KEY(modecfg, pool, K_ADDR, OFF(modecfg.pool), NULL, false)                                \
	KEY(modecfg, netmask, K_ADDR, OFF(modecfg.netmask), NULL, false)                          \
	KEY(modecfg, dns, K_ADDR, OFF(modecfg.dns), NULL, false)                                  \
	KEY(modecfg, push, K_BOOL, OFF(modecfg.push), bool_names, false)                          \
	KEY(phase1, modes, K_FLAGS, OFF(p1.modes), mode_names, false)                             \
	KEY(phase1, proposals, K_P1PROPS, 0, NULL, true)                                          \
	KEY(phase1, lifetime, K_LIFETIME, OFF(p1.lifetime), NULL, false)                          \
	KEY(phase1, lifetime_policy, K_ENUM, OFF(p1.lifetime_policy), policy_names, false)        \
	KEY(phase1, dpd, K_SECONDS, OFF(p1.dpd_delay), NULL, false)                               \
	KEY(phase1, am3, K_ENUM, OFF(p1.am3), am3_names, false)                                   \
	KEY(phase2, proposals, K_P2PROPS, 0, NULL, true)                                          \
	KEY(phase2, pfs, K_GROUP, OFF(p2.pfs_group), NULL, false)                                 \
	KEY(phase2, lifetime, K_LIFETIME, OFF(p2.lifetime), NULL, false)                          \
	KEY(phase2, lifetime_kb, K_KB, OFF(p2.lifetime_kb), NULL, false)                          \
	KEY(phase2, lifetime_policy, K_ENUM, OFF(p2.lifetime_policy), policy_names, false)        \
	KEY(phase2, mode, K_ENUM, OFF(p2.mode), ipsec_mode_names, false)                          \
	KEY(natt, keepalive, K_SECONDS, OFF(natt.keepalive), NULL, false)                         \
	KEY(features, aggressive, K_BOOL, OFF(features.aggressive), bool_names, false)            \
	KEY(features, nat_t, K_BOOL, OFF(features.nat_t), bool_names, false)                      \
	KEY(features, dpd, K_BOOL, OFF(features.dpd), bool_names, false)                          \
	KEY(features, xauth, K_BOOL, OFF(features.xauth), bool_names, false)                      \
	KEY(features, xauth_client, K_BOOL, OFF(features.xauth_client), bool_names, false)        \
	KEY(features, modecfg, K_BOOL, OFF(features.modecfg), bool_names, false)                  \
	KEY(features, certificates, K_BOOL, OFF(features.certificates), bool_names, false)        \
	KEY(features, traffic, K_BOOL, OFF(features.traffic), bool_names, false)                  \
	KEY(features, anti_replay, K_BOOL, OFF(features.anti_replay), bool_names, false)          \
	KEY(features, parallel_esp, K_BOOL, OFF(features.parallel_esp), bool_names, false)        \
	KEY(features, ic_ignored, K_BOOL, OFF(features.ic_ignored), bool_names, false)            \
	KEY(features, fresh_init, K_BOOL, OFF(features.fresh_init), bool_names, false)

const struct key_def ik_profile_keys[] = {
#define KEY(s, k, kind, off, names, req) {SEC_##s, #k, #s "." #k, kind, off, names, req},
	KEY_TABLE
#undef KEY
};

enum key_id {
#define KEY(s, k, kind, off, names, req) KEY_##s##_##k,
	KEY_TABLE
#undef KEY
		KEY_COUNT
};
const size_t ik_profile_nkeys = KEY_COUNT;

/* Where we are in the file, and where each section and key was seen (0 = not seen). */
struct ctx {
	struct ik_profile *p;
	const char *file;
	unsigned line;
	unsigned sec_line[SEC_COUNT];
	unsigned key_line[KEY_COUNT];
	struct ik_status *st;
};

/* Every parse error: "FILE:LINE: reason". */
static bool fail_at(struct ctx *c, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool fail_at(struct ctx *c, unsigned line, const char *fmt, ...)
{
	char why[sizeof(c->st->why)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return ik_fail(c->st, 0, "%s:%u: %s", c->file, line, why);
}

static int name_lookup(const struct name_val *names, const char *s, bool *ok)
{
	for (size_t i = 0; names[i].name; i++)
		if (!strcasecmp(names[i].name, s)) {
			*ok = true;
			return names[i].val;
		}
	*ok = false;
	return 0;
}

const char *ik_profile_name_of(const struct name_val *names, int val)
{
	for (size_t i = 0; names[i].name; i++)
		if (names[i].val == val)
			return names[i].name;
	return "?";
}

/* "a, b,c" -> callback per trimmed item; an empty item is an error. */
typedef bool (*item_fn)(struct ctx *c, const struct key_def *k, void *field, const char *item);

static bool for_each_item(struct ctx *c, const struct key_def *k, void *field, const char *v,
                          item_fn fn)
{
	char item[IK_PROFILE_TEXT];

	for (const char *p = v;;) {
		size_t n = strcspn(p, ",");
		while (n && isspace((unsigned char)*p))
			p++, n--;
		size_t m = n;
		while (m && isspace((unsigned char)p[m - 1]))
			m--;
		if (!m)
			return fail_at(c, c->line, "%s: empty item in list '%.64s'", k->full, v);
		if (m >= sizeof(item))
			return fail_at(c, c->line, "%s: item too long", k->full);
		memcpy(item, p, m);
		item[m] = '\0';
		if (!fn(c, k, field, item))
			return false;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

static bool add_subnet(struct ctx *c, const struct key_def *k, void *field, const char *item)
{
	struct ik_endpoint *e = field;

	if (e->n_subnets == IK_PROFILE_MAX_SUBNETS)
		return fail_at(c, c->line, "%s: more than %d subnets", k->full,
		               IK_PROFILE_MAX_SUBNETS);
	if (!ik_subnet_parse(&e->subnet[e->n_subnets], item))
		return fail_at(c, c->line,
		               "%s: '%.64s' is not a subnet in CIDR notation (address/prefix, host "
		               "bits zero)",
		               k->full, item);
	e->n_subnets++;
	return true;
}

static bool add_flag(struct ctx *c, const struct key_def *k, void *field, const char *item)
{
	bool ok;
	int v = name_lookup(k->names, item, &ok);

	if (!ok)
		return fail_at(c, c->line, "%s: unknown value '%.64s'", k->full, item);
	*(unsigned *)field |= (unsigned)v;
	return true;
}

static bool add_p1(struct ctx *c, const struct key_def *k, void *field, const char *item)
{
	struct ik_profile *p = field;
	struct ik_status st;

	(void)k;
	if (p->p1.n_prop == IK_PROFILE_MAX_PROPOSALS)
		return fail_at(c, c->line, "phase1.proposals: more than %d proposals",
		               IK_PROFILE_MAX_PROPOSALS);
	if (!ik_p1_parse(item, &p->p1.prop[p->p1.n_prop], &st))
		return fail_at(c, c->line, "%s", st.why);
	p->p1.n_prop++;
	return true;
}

static bool add_p2(struct ctx *c, const struct key_def *k, void *field, const char *item)
{
	struct ik_profile *p = field;
	struct ik_status st;

	(void)k;
	if (p->p2.n_prop == IK_PROFILE_MAX_PROPOSALS)
		return fail_at(c, c->line, "phase2.proposals: more than %d proposals",
		               IK_PROFILE_MAX_PROPOSALS);
	if (!ik_p2_parse(item, &p->p2.prop[p->p2.n_prop], &st))
		return fail_at(c, c->line, "%s", st.why);
	p->p2.n_prop++;
	return true;
}

static bool add_peer_id(struct ctx *c, const struct key_def *k, void *field, const char *item)
{
	struct ik_profile *p = field;
	const char *why = NULL;

	if (!strcasecmp(item, "any") || !strcasecmp(item, "%any"))
		return fail_at(c, c->line,
		               "%s: 'any' stands alone (any identity, or a list of them)", k->full);
	if (p->peer_ids.n == IK_PROFILE_MAX_PEER_IDS)
		return fail_at(c, c->line, "%s: more than %d identities", k->full,
		               IK_PROFILE_MAX_PEER_IDS);
	if (!ik_ident_parse(&p->peer_ids.id[p->peer_ids.n], item, &why))
		return fail_at(c, c->line, "%s: %s: '%.64s'", k->full, why, item);
	p->peer_ids.n++;
	return true;
}

/* A path as written, or relative to the profile's directory; false when it is too long. */
static bool resolve(const struct ctx *c, const char *name, char *path, size_t len)
{
	const char *slash = strrchr(c->file, '/');
	int n;

	if (name[0] == '/' || !slash)
		n = snprintf(path, len, "%s", name);
	else
		n = snprintf(path, len, "%.*s/%s", (int)(slash - c->file), c->file, name);
	return n >= 0 && (size_t)n < len;
}

/* Read a PSK file relative to the profile's directory; one trailing newline is dropped. */
static bool read_psk_file(struct ctx *c, const char *name)
{
	char path[PATH_MAX];
	struct ik_profile *p = c->p;

	resolve(c, name, path, sizeof(path));
	FILE *f = fopen(path, "rb");
	if (!f)
		return fail_at(c, c->line, "auth.psk_file: cannot open '%.64s': %s", path,
		               strerror(errno));
	size_t n = fread(p->psk, 1, sizeof(p->psk), f);
	bool too_long = n == sizeof(p->psk) && fgetc(f) != EOF;
	fclose(f);
	if (too_long)
		return fail_at(c, c->line, "auth.psk_file: '%.64s' holds more than %zu bytes", path,
		               sizeof(p->psk) - 1);
	if (n && p->psk[n - 1] == '\n')
		n--;
	if (n && p->psk[n - 1] == '\r')
		n--;
	if (!n)
		return fail_at(c, c->line, "auth.psk_file: '%.64s' is empty", path);
	p->psk_len = n;
	return true;
}

/* Single values: text, address, port, identity, duration. */
static bool set_scalar(struct ctx *c, const struct key_def *k, void *field, const char *v)
{
	unsigned long u;
	const char *why = NULL;

	switch (k->kind) {
	case K_TEXT:
		if (strlen(v) >= IK_PROFILE_TEXT)
			return fail_at(c, c->line, "%s: too long", k->full);
		snprintf(field, IK_PROFILE_TEXT, "%s", v);
		return true;
	case K_ADDR:
		if (!ik_profile_addr_parse(field, v))
			return fail_at(c, c->line, "%s: '%.64s' is not an IPv4 or IPv6 address",
			               k->full, v);
		return true;
	case K_PORT:
		if (!ik_uint_parse(v, 65535, &u) || u == 0)
			return fail_at(c, c->line, "%s: '%.64s' is not a port (1-65535)", k->full,
			               v);
		*(uint16_t *)field = (uint16_t)u;
		return true;
	case K_SIZE:
		if (!ik_uint_parse(v, 65535, &u) || u < IK_FRAG_SIZE_MIN)
			return fail_at(c, c->line, "%s: '%.64s' is not a size in octets (%d-65535)",
			               k->full, v, IK_FRAG_SIZE_MIN);
		*(uint16_t *)field = (uint16_t)u;
		return true;
	case K_NONCE: /* RFC 2409 5 allows 8 to 256; shorter ones are for the negative cases */
		if (!ik_uint_parse(v, 256, &u) || !u)
			return fail_at(c, c->line, "%s: '%.64s' is not a length in octets (1-256)",
			               k->full, v);
		*(uint16_t *)field = (uint16_t)u;
		return true;
	case K_KB: /* RFC 2407 4.5: SA Life Type kilobytes */
		if (!ik_uint_parse(v, UINT32_MAX, &u))
			return fail_at(c, c->line, "%s: '%.64s' is not a number of kilobytes",
			               k->full, v);
		*(uint32_t *)field = (uint32_t)u;
		return true;
	case K_ID:
		if (!ik_ident_parse(field, v, &why))
			return fail_at(c, c->line, "%s: %s: '%.64s'", k->full, why, v);
		return true;
	case K_FILE: /* checked in finish(), once the method is known */
		if (!resolve(c, v, field, IK_PROFILE_TEXT))
			return fail_at(c, c->line, "%s: path too long", k->full);
		return true;
	default: /* K_LIFETIME, K_SECONDS */
		if (!ik_duration_parse(v, field))
			return fail_at(
				c, c->line,
				"%s: '%.64s' is not a duration (seconds, or a number with s, m, "
				"h or d)",
				k->full, v);
		if (k->kind == K_LIFETIME && *(uint32_t *)field == 0)
			return fail_at(c, c->line, "%s: a lifetime must be greater than 0",
			               k->full);
		return true;
	}
}

/* One name out of a table: enumerations, booleans, a DH group or none. */
static bool set_named(struct ctx *c, const struct key_def *k, void *field, const char *v)
{
	bool ok;

	if (k->kind == K_GROUP) {
		const struct ik_dh_group *dh = ik_dh_by_name(v);
		if (strcasecmp(v, "none") && !dh)
			return fail_at(
				c, c->line,
				"%s: '%.64s' is not a Diffie-Hellman group (modp2048, ecp256, "
				"... or none)",
				k->full, v);
		*(uint16_t *)field = dh ? dh->id : 0;
		return true;
	}
	int val = name_lookup(k->names, v, &ok);
	if (!ok && k->kind == K_BOOL)
		return fail_at(c, c->line, "%s: '%.64s' is not yes or no", k->full, v);
	if (!ok)
		return fail_at(c, c->line, "%s: unknown value '%.64s'", k->full, v);
	if (k->kind == K_BOOL)
		*(bool *)field = val;
	else
		*(int *)field = val;
	return true;
}

/* Comma lists: subnets, role/mode sets, proposals. */
static bool set_list(struct ctx *c, const struct key_def *k, void *field, const char *v)
{
	switch (k->kind) {
	case K_SUBNETS:
		((struct ik_endpoint *)field)->n_subnets = 0;
		return for_each_item(c, k, field, v, add_subnet);
	case K_FLAGS: *(unsigned *)field = 0; return for_each_item(c, k, field, v, add_flag);
	case K_P1PROPS: c->p->p1.n_prop = 0; return for_each_item(c, k, c->p, v, add_p1);
	case K_PEER_IDS: /* "any" (strongSwan's %any too), or identities */
		c->p->peer_ids.n = 0;
		c->p->peer_ids.any = !strcasecmp(v, "any") || !strcasecmp(v, "%any");
		return c->p->peer_ids.any || for_each_item(c, k, c->p, v, add_peer_id);
	default: /* K_P2PROPS */ c->p->p2.n_prop = 0; return for_each_item(c, k, c->p, v, add_p2);
	}
}

/* The PSK, inline or from a file. */
static bool set_secret(struct ctx *c, const struct key_def *k, void *field, const char *v)
{
	if (k->kind == K_PSK) {
		if (strlen(v) >= sizeof(c->p->psk))
			return fail_at(c, c->line, "auth.psk: longer than %zu bytes",
			               sizeof(c->p->psk) - 1);
		c->p->psk_len = strlen(v);
		memcpy(c->p->psk, v, c->p->psk_len);
		return true;
	}
	if (strlen(v) >= IK_PROFILE_TEXT)
		return fail_at(c, c->line, "%s: too long", k->full);
	snprintf(field, IK_PROFILE_TEXT, "%s", v);
	return read_psk_file(c, v);
}

/* Parse one value of kind k->kind into its field. */
static bool set_value(struct ctx *c, const struct key_def *k, const char *v)
{
	void *field = (char *)c->p + k->off;

	switch (k->kind) {
	case K_TEXT:
	case K_ADDR:
	case K_PORT:
	case K_SIZE:
	case K_NONCE:
	case K_ID:
	case K_FILE:
	case K_KB:
	case K_LIFETIME:
	case K_SECONDS: return set_scalar(c, k, field, v);
	case K_ENUM:
	case K_BOOL:
	case K_GROUP: return set_named(c, k, field, v);
	case K_SUBNETS:
	case K_FLAGS:
	case K_P1PROPS:
	case K_P2PROPS:
	case K_PEER_IDS: return set_list(c, k, field, v);
	case K_PSK:
	case K_PSK_FILE: return set_secret(c, k, field, v);
	}
	return fail_at(c, c->line, "%s: internal error: unknown kind", k->full);
}

/*
 * Strip a comment: '#' or ';' at the start of the line or after whitespace, outside double
 * quotes, so "proposals = a,b # note" loses its note but a PSK "a#b" keeps its '#'.
 */
static void strip_comment(char *s)
{
	bool quoted = false;

	for (char *p = s; *p; p++) {
		if (*p == '"' && (p == s || p[-1] != '\\'))
			quoted = !quoted;
		else if (!quoted && (*p == '#' || *p == ';') &&
		         (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			return;
		}
	}
}

/* "..." with \" and \\ escapes -> the bytes inside, in place. */
static bool unquote(struct ctx *c, char *v)
{
	size_t n = strlen(v), o = 0;

	if (n < 2 || v[n - 1] != '"' || (n >= 3 && v[n - 2] == '\\' && v[n - 3] != '\\'))
		return fail_at(c, c->line, "unterminated quoted value");
	for (size_t i = 1; i < n - 1; i++) {
		if (v[i] == '\\' && i + 1 < n - 1 && (v[i + 1] == '"' || v[i + 1] == '\\'))
			i++;
		else if (v[i] == '"')
			return fail_at(c, c->line, "stray '\"' inside a quoted value");
		v[o++] = v[i];
	}
	v[o] = '\0';
	return true;
}

static bool parse_line(struct ctx *c, char *line, enum section *sec)
{
	strip_comment(line);
	char *s = ik_trim(line);

	if (!*s)
		return true;
	if (*s == '[') {
		char *end = strchr(s, ']');
		if (!end || end[1])
			return fail_at(c, c->line, "malformed section header '%.64s'", s);
		*end = '\0';
		char *name = ik_trim(s + 1);
		for (int i = 0; i < SEC_COUNT; i++)
			if (!strcmp(name, section_names[i])) {
				if (c->sec_line[i])
					return fail_at(c, c->line,
					               "section [%s] repeated (first at line %u)",
					               name, c->sec_line[i]);
				c->sec_line[i] = c->line;
				*sec = (enum section)i;
				return true;
			}
		return fail_at(c, c->line,
		               "unknown section [%s] (known: dut, tester, auth, phase1, phase2, "
		               "features)",
		               name);
	}
	char *eq = strchr(s, '=');
	if (!eq)
		return fail_at(c, c->line, "expected 'key = value' or '[section]', got '%.64s'", s);
	*eq = '\0';
	char *key = ik_trim(s), *val = ik_trim(eq + 1);
	if (*sec == SEC_COUNT)
		return fail_at(c, c->line, "key '%.64s' before any [section]", key);
	for (size_t i = 0; i < KEY_COUNT; i++) {
		if (ik_profile_keys[i].sec != *sec || strcmp(ik_profile_keys[i].key, key))
			continue;
		if (c->key_line[i])
			return fail_at(c, c->line, "%s set twice (first at line %u)",
			               ik_profile_keys[i].full, c->key_line[i]);
		c->key_line[i] = c->line;
		if (*val == '"' && !unquote(c, val))
			return false;
		if (!*val)
			return fail_at(c, c->line, "%s: empty value", ik_profile_keys[i].full);
		return set_value(c, &ik_profile_keys[i], val);
	}
	return fail_at(c, c->line, "unknown key '%.64s' in [%s]", key, section_names[*sec]);
}

static void set_defaults(struct ik_profile *p, const char *file)
{
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	size_t n = strcspn(base, ".");

	snprintf(p->path, sizeof(p->path), "%s", file);
	snprintf(p->name, sizeof(p->name), "%.*s", (int)n, base);
	p->dut.port = p->tester.port = 500;
	p->dut.nat_t_port = p->tester.nat_t_port = 4500;
	p->dut.fragment_size = p->tester.fragment_size = IK_FRAG_SIZE_DEFAULT;
	p->dut.use_peer_cert = p->tester.use_peer_cert = true;
	p->dut.send_cert = p->tester.send_cert = true;
	p->tester.anti_replay = true;
	p->tester.dpd_vid = true;
	p->roles = IK_ROLE_RESPONDER | IK_ROLE_INITIATOR;
	p->vendor = IK_VENDOR_GENERIC;
	p->p1.modes = IK_MODE_MAIN;
	p->p1.lifetime = 28800;
	p->p1.lifetime_policy = IK_LIFETIME_LENIENT;
	p->p2.lifetime = 3600;
	/* What `ikecheck serve` always did in quick mode: lower and say so (RFC 2407 4.6.3.1). */
	p->p2.lifetime_policy = IK_LIFETIME_LENIENT;
	p->p2.mode = IK_IPSEC_TUNNEL;
	p->features.nat_t = true;
	p->natt.keepalive = 20; /* RFC 3948 4: "M ... with a default value of 20 seconds" */
	p->pki.id_type = IK_ID_IPV4_ADDR; /* "address" */
}

static unsigned line_of(const struct ctx *c, enum key_id k)
{
	return c->key_line[k];
}

/* Required keys: a missing one is reported at its section header, or line 0 without one. */
static bool check_required(struct ctx *c)
{
	for (size_t i = 0; i < KEY_COUNT; i++) {
		if (!ik_profile_keys[i].required || c->key_line[i])
			continue;
		if (!c->sec_line[ik_profile_keys[i].sec])
			return fail_at(c, 0, "missing section [%s] (it must set %s)",
			               section_names[ik_profile_keys[i].sec],
			               ik_profile_keys[i].key);
		return fail_at(c, c->sec_line[ik_profile_keys[i].sec],
		               "[%s] lacks required key '%.64s'",
		               section_names[ik_profile_keys[i].sec], ik_profile_keys[i].key);
	}
	return true;
}

/* features.xauth needs a user and password, features.modecfg an IPv4 pool (netmask default
 * 255.255.255.255: the one address); XAUTH is done here over pre-shared keys only
 * (draft-beaulieu-ike-xauth-02 7.2 XAUTHInitPreShared). */
static bool check_xauth(struct ctx *c)
{
	struct ik_profile *p = c->p;

	bool xa = p->features.xauth || p->features.xauth_client;
	int at = line_of(c, KEY_features_xauth) ? line_of(c, KEY_features_xauth)
	                                        : line_of(c, KEY_features_xauth_client);

	if (xa && (!*p->xauth.user || !*p->xauth.password))
		return fail_at(c, at, "features.xauth = yes needs xauth.user and xauth.password");
	if (strlen(p->xauth.user) > 63 || strlen(p->xauth.password) > 63)
		return fail_at(c, line_of(c, KEY_xauth_user),
		               "xauth.user and xauth.password are at most 63 characters");
	if (xa && p->auth != IK_AUTH_PSK)
		return fail_at(c, at,
		               "features.xauth = yes is supported with auth.method = psk only "
		               "(XAUTHInitPreShared)");
	if (p->modecfg.push && !p->features.modecfg)
		return fail_at(c, line_of(c, KEY_modecfg_push),
		               "modecfg.push = yes needs features.modecfg = yes");
	if (!p->features.modecfg)
		return true;
	if (p->modecfg.pool.ss.ss_family != AF_INET)
		return fail_at(c, line_of(c, KEY_features_modecfg),
		               "features.modecfg = yes needs modecfg.pool, an IPv4 address");
	if (!line_of(c, KEY_modecfg_netmask))
		ik_profile_addr_parse(&p->modecfg.netmask, "255.255.255.255");
	if (p->modecfg.netmask.ss.ss_family != AF_INET ||
	    (line_of(c, KEY_modecfg_dns) && p->modecfg.dns.ss.ss_family != AF_INET))
		return fail_at(c, line_of(c, KEY_modecfg_netmask),
		               "modecfg.netmask and modecfg.dns must be IPv4 addresses");
	return true;
}

/* Rules between keys: credentials, address families, non-empty sets. */
static bool check_consistent(struct ctx *c)
{
	struct ik_profile *p = c->p;

	if (line_of(c, KEY_auth_psk) && line_of(c, KEY_auth_psk_file))
		return fail_at(c, line_of(c, KEY_auth_psk_file),
		               "auth.psk and auth.psk_file are both set (line %u); keep one",
		               line_of(c, KEY_auth_psk));
	if (p->auth == IK_AUTH_PSK && !p->psk_len)
		return fail_at(c, c->sec_line[SEC_auth],
		               "[auth] method psk needs key 'psk' or 'psk_file'");
	if (p->dut.addr.ss.ss_family != p->tester.addr.ss.ss_family)
		return fail_at(c, line_of(c, KEY_tester_address),
		               "tester.address and dut.address are not the same address family");
	if (!p->roles)
		return fail_at(c, line_of(c, KEY_dut_roles), "dut.roles is empty");
	if (!p->p1.modes)
		return fail_at(c, line_of(c, KEY_phase1_modes), "phase1.modes is empty");
	return check_xauth(c);
}

/* Feature flags say what the DUT can do: defaults follow its configuration, never contradict it. */
static bool derive_features(struct ctx *c)
{
	struct ik_profile *p = c->p;

	if (!line_of(c, KEY_features_aggressive))
		p->features.aggressive = p->p1.modes & IK_MODE_AGGRESSIVE;
	else if (p->features.aggressive && !(p->p1.modes & IK_MODE_AGGRESSIVE))
		return fail_at(
			c, line_of(c, KEY_features_aggressive),
			"features.aggressive = yes contradicts phase1.modes, which lacks "
			"aggressive (the default is main): add it there or drop the feature");
	else if (!p->features.aggressive && (p->p1.modes & IK_MODE_AGGRESSIVE))
		return fail_at(c, line_of(c, KEY_features_aggressive),
		               "features.aggressive = no contradicts phase1.modes (line %u) "
		               "which includes aggressive",
		               line_of(c, KEY_phase1_modes));
	p->natt.keepalive_set = line_of(c, KEY_natt_keepalive) != 0;
	p->features.anti_replay_set = line_of(c, KEY_features_anti_replay) != 0;
	if (!line_of(c, KEY_features_dpd))
		p->features.dpd = p->p1.dpd_delay > 0;
	else if (!p->features.dpd && p->p1.dpd_delay)
		return fail_at(c, line_of(c, KEY_features_dpd),
		               "features.dpd = no contradicts phase1.dpd = %u (line %u)",
		               p->p1.dpd_delay, line_of(c, KEY_phase1_dpd));
	return true;
}

/*
 * auth.peer_ids defaults to the tester's identity. A list must hold it: the suite runs as the
 * tester, so a DUT that refused the tester's own identity would refuse every case.
 */
static bool peer_ids_default(struct ctx *c)
{
	struct ik_profile *p = c->p;

	if (!line_of(c, KEY_auth_peer_ids)) {
		p->peer_ids.id[0] = p->tester.id;
		p->peer_ids.n = 1;
		return true;
	}
	if (ik_profile_accepts_id(p, &p->tester.id))
		return true;
	return fail_at(c, line_of(c, KEY_auth_peer_ids),
	               "auth.peer_ids lacks the tester's identity %.64s (tester.id): the DUT would "
	               "refuse the tester itself; add it, or say any",
	               p->tester.id.text);
}

/*
 * auth.method = rsa-sig, dss-sig, rsa-enc, rsa-enc-rev: the files load and fit together
 * (profile_cert.c). Its sentence starts
 * with the key it is about, so the error points at that key's line (its section's if unset).
 */
static bool check_certs(struct ctx *c)
{
	struct ik_status why;

	if (!line_of(c, KEY_features_certificates))
		c->p->features.certificates = ik_auth_sig(c->p->auth);
	if (!ik_auth_pki(c->p->auth) && *c->p->tester.bad_cert)
		return fail_at(c, c->key_line[KEY_tester_bad_cert],
		               "tester.bad_cert: only with auth.method = rsa-sig, dss-sig, rsa-enc "
		               "or rsa-enc-rev");
	for (int s = 0; s < 2; s++) /* HASH(1) exists only under encryption (RFC 2409 5.2) */
		if (!ik_auth_enc(c->p->auth) && (s ? c->p->tester : c->p->dut).send_hash1)
			return fail_at(
				c, c->key_line[s ? KEY_tester_send_hash1 : KEY_dut_send_hash1],
				"%s.send_hash1: only with auth.method = rsa-enc or rsa-enc-rev "
				"(HASH(1), RFC 2409 5.2)",
				s ? "tester" : "dut");
	if (!ik_auth_sig(c->p->auth) && *c->p->dut.peer_cert)
		return fail_at(c, c->key_line[KEY_dut_peer_cert],
		               "dut.peer_cert: only with auth.method = rsa-sig or dss-sig (the "
		               "certificate "
		               "that checks SIG_I when no CERT comes, RFC 2409 5.1)");
	/* RFC 2409 5.2: "the initiator must already have the responder's public key"; either
	 * side may initiate, so each needs the other's certificate. */
	if (ik_auth_enc(c->p->auth) && (!*c->p->dut.cert || !*c->p->tester.cert))
		return fail_at(c,
		               c->sec_line[*c->p->dut.cert ? SEC_tester : SEC_dut]
		                       ? c->sec_line[*c->p->dut.cert ? SEC_tester : SEC_dut]
		                       : c->sec_line[SEC_auth],
		               "%s.cert: auth.method = %s needs the certificates of both sides: "
		               "each encrypts its nonce to the other's public key (RFC 2409 5.2)",
		               *c->p->dut.cert ? "tester" : "dut",
		               c->p->auth == IK_AUTH_RSA_ENC ? "rsa-enc" : "rsa-enc-rev");
	if (!ik_auth_pki(c->p->auth) ||
	    ik_profile_check_certs(c->p, line_of(c, KEY_dut_id), line_of(c, KEY_tester_id), &why))
		return true;
	size_t n = strcspn(why.why, ":");
	for (size_t i = 0; i < KEY_COUNT; i++)
		if (strlen(ik_profile_keys[i].full) == n &&
		    !strncmp(ik_profile_keys[i].full, why.why, n))
			return fail_at(c,
			               c->key_line[i] ? c->key_line[i]
			                              : c->sec_line[ik_profile_keys[i].sec],
			               "%s", why.why);
	return fail_at(c, c->sec_line[SEC_auth], "%s", why.why);
}

/* Checks that need the whole file, then the values derived from several keys. */
static bool finish(struct ctx *c)
{
	struct ik_profile *p = c->p;
	const char *why = NULL;

	if (!check_required(c) || !check_consistent(c) || !derive_features(c))
		return false;
	/* Identities default to the endpoint's address, as in strongSwan. */
	if (!line_of(c, KEY_dut_id))
		ik_ident_parse(&p->dut.id, p->dut.addr.text, &why);
	if (!line_of(c, KEY_tester_id))
		ik_ident_parse(&p->tester.id, p->tester.addr.text, &why);
	/* Certificates may give the identities, so before the peer_ids that hold them. */
	if (!check_certs(c) || !peer_ids_default(c))
		return false;
	/* sin_port and sin6_port sit at the same offset (RFC 3493 3.3, 3.4). */
	((struct sockaddr_in *)&p->dut.addr.ss)->sin_port = htons(p->dut.port);
	((struct sockaddr_in *)&p->tester.addr.ss)->sin_port = htons(p->tester.port);
	return true;
}

bool ik_profile_parse(struct ik_profile *p, const char *text, size_t len, const char *file,
                      struct ik_status *st)
{
	struct ctx c = {.p = p, .file = file, .st = st};
	enum section sec = SEC_COUNT;
	char line[1024];
	size_t pos = 0;

	memset(p, 0, sizeof(*p));
	set_defaults(p, file);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		c.line++;
		if (n >= sizeof(line)) {
			fail_at(&c, c.line, "line longer than %zu characters", sizeof(line) - 1);
			goto bad;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl ? 1 : 0);
		if (memchr(line, '\0', n)) {
			fail_at(&c, c.line, "NUL byte in line");
			goto bad;
		}
		if (!parse_line(&c, line, &sec))
			goto bad;
	}
	OPENSSL_cleanse(line, sizeof(line));
	if (finish(&c))
		return true;
bad:
	OPENSSL_cleanse(line, sizeof(line));
	ik_profile_wipe(p);
	return false;
}

bool ik_profile_load(struct ik_profile *p, const char *file, struct ik_status *st)
{
	FILE *f = fopen(file, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		memset(p, 0, sizeof(*p));
		return ik_fail(st, 0, "%s:0: cannot open: %s", file, strerror(errno));
	}
	for (;;) {
		if (len == cap) {
			if (cap >= 1u << 20) {
				fclose(f);
				free(buf);
				memset(p, 0, sizeof(*p));
				return ik_fail(st, 0, "%s:0: larger than 1 MiB: not a profile",
				               file);
			}
			cap = cap ? cap * 2 : 4096;
			char *nb = realloc(buf, cap);
			if (!nb) {
				fclose(f);
				free(buf);
				return ik_fail(st, 0, "%s:0: out of memory", file);
			}
			buf = nb;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	bool err = ferror(f);
	fclose(f);
	bool ok = !err && ik_profile_parse(p, buf, len, file, st);
	if (err)
		ik_fail(st, 0, "%s:0: read error", file);
	OPENSSL_cleanse(buf, cap);
	free(buf);
	return ok;
}

void ik_profile_wipe(struct ik_profile *p)
{
	OPENSSL_cleanse(p, sizeof(*p));
}

bool ik_profile_accepts_id(const struct ik_profile *p, const struct ik_ident *id)
{
	if (p->peer_ids.any)
		return true;
	for (size_t i = 0; i < p->peer_ids.n; i++)
		if (ik_ident_same(&p->peer_ids.id[i], id))
			return true;
	return false;
}

const char *ik_profile_vendor_name(enum ik_vendor v)
{
	return ik_profile_name_of(vendor_names, v);
}

const char *ik_profile_key_at(size_t i)
{
	return i < KEY_COUNT ? ik_profile_keys[i].full : NULL;
}
