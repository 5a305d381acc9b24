/* A DUT profile as an engine configuration, both views (suite/cfg_profile.h). */
#include "cfg_profile.h" /* first: profile.h and ike.h together */
#include "cert.h"
#include "consts.h"
#include "cunit.h"
#include "pki.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* A base profile; each case appends lines to its sections through the %s slots. */
static const char base[] =
	"[dut]\naddress = 192.0.2.2\nport = 10500\nnat_t_port = 14500\n%s"
	"[tester]\naddress = 192.0.2.1\nport = 20500\nnat_t_port = 24500\n%s"
	"[auth]\nmethod = psk\npsk = \"s3cret\"\n"
	"[phase1]\nproposals = aes128-sha1-modp2048, 3des-md5-modp1024\n%s"
	"[phase2]\nproposals = %s\n%s"
	"[features]\n%s";

struct pcase {
	const char *name;
	const char *dut, *tester, *p1, *p2props, *p2, *features;
	bool as_dut;
	bool ok;
	const char *why; /* substring of the refusal */
};

static bool build(const struct pcase *c, struct ik_cfg *cfg, struct ik_status *st)
{
	char text[2048];
	struct ik_profile p;
	snprintf(text, sizeof(text), base, c->dut ? c->dut : "", c->tester ? c->tester : "",
	         c->p1 ? c->p1 : "", c->p2props ? c->p2props : "aes128-sha1", c->p2 ? c->p2 : "",
	         c->features ? c->features : "");
	ik_status_clear(st);
	bool ok = ik_profile_parse(&p, text, strlen(text), "case.conf", st);
	if (!ok)
		fprintf(stderr, "%s: profile: %s\n", c->name, st->why);
	CU_ASSERT_TRUE_FATAL(ok);
	ok = ik_cfg_from_profile(cfg, &p, c->as_dut, st);
	ik_profile_wipe(&p);
	return ok;
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return ik_addr_port(ss);
}

static bool addr_is(const struct sockaddr_storage *ss, const char *a)
{
	struct in_addr in;
	inet_pton(AF_INET, a, &in);
	return ss->ss_family == AF_INET &&
	       !memcmp(&((const struct sockaddr_in *)ss)->sin_addr, &in, 4);
}

/* The tester's view: local = [tester], remote = [dut], every field the engine reads. */
static void test_tester_view(void)
{
	static const struct pcase c = {"tester",
	                               .dut = "id = @dut.example\nsubnet = 10.2.0.0/24\n",
	                               .tester = "subnet = 10.1.0.0/20\n",
	                               .p1 = "lifetime = 7200\nlifetime_policy = strict\n",
	                               .p2props = "aes256-sha256, aes128gcm16",
	                               .p2 = "pfs = modp2048\nlifetime = 1800\nmode = transport\n",
	                               .features = "nat_t = yes\ndpd = yes\n"};
	struct ik_cfg cfg;
	struct ik_status st;

	CU_ASSERT_TRUE_FATAL(build(&c, &cfg, &st));
	CU_ASSERT_TRUE(addr_is(&cfg.local, "192.0.2.1"));
	CU_ASSERT_EQUAL(port_of(&cfg.local), 20500);
	CU_ASSERT_TRUE(addr_is(&cfg.remote, "192.0.2.2"));
	CU_ASSERT_EQUAL(port_of(&cfg.remote), 10500);
	CU_ASSERT_EQUAL(cfg.natt_port, 24500);
	CU_ASSERT_EQUAL(cfg.remote_natt_port, 14500);
	CU_ASSERT_TRUE(cfg.natt);
	CU_ASSERT_TRUE(cfg.dpd);
	CU_ASSERT_TRUE(cfg.initial_contact);
	CU_ASSERT_FALSE(cfg.aggressive);
	CU_ASSERT_EQUAL(cfg.psk_len, 6);
	CU_ASSERT_EQUAL(memcmp(cfg.psk, "s3cret", 6), 0);
	/* IDs: our address as ID_IPV4_ADDR, the DUT's FQDN as text without a NUL. */
	CU_ASSERT_EQUAL(cfg.id_local.type, IK_ID_TYPE_IPV4_ADDR);
	CU_ASSERT_EQUAL(cfg.id_local.len, 4);
	CU_ASSERT_EQUAL(memcmp(cfg.id_local.data, "\xc0\x00\x02\x01", 4), 0);
	CU_ASSERT_EQUAL(cfg.id_remote.type, IK_ID_TYPE_FQDN);
	CU_ASSERT_EQUAL(cfg.id_remote.len, 11);
	CU_ASSERT_EQUAL(memcmp(cfg.id_remote.data, "dut.example", 11), 0);
	/* Phase 1 transforms in profile order, PSK, lifetimes and policy. */
	CU_ASSERT_EQUAL_FATAL(cfg.np1, 2);
	CU_ASSERT_EQUAL(cfg.p1[0].enc, IK_P1_ENCR_AES_CBC);
	CU_ASSERT_EQUAL(cfg.p1[0].keylen, 128);
	CU_ASSERT_EQUAL(cfg.p1[0].hash, IK_P1_HASH_SHA);
	CU_ASSERT_EQUAL(cfg.p1[0].auth, IK_P1_AUTH_PSK);
	CU_ASSERT_EQUAL(cfg.p1[0].group, 14);
	CU_ASSERT_EQUAL(cfg.p1[1].enc, IK_P1_ENCR_3DES_CBC);
	CU_ASSERT_EQUAL(cfg.p1[1].keylen, 0);
	CU_ASSERT_EQUAL(cfg.p1[1].hash, IK_P1_HASH_MD5);
	CU_ASSERT_EQUAL(cfg.p1[1].group, 2);
	CU_ASSERT_EQUAL(cfg.p1_life, 7200);
	CU_ASSERT_EQUAL(cfg.p1_policy, IK_LIFE_STRICT);
	/* Phase 2: ESP ids, key lengths, integrity (none for GCM), PFS, mode. */
	CU_ASSERT_EQUAL_FATAL(cfg.np2, 2);
	CU_ASSERT_EQUAL(cfg.p2[0].proto, IK_PROTO_ESP);
	CU_ASSERT_EQUAL(cfg.p2[0].id, IK_ESP_TRANS_AES);
	CU_ASSERT_EQUAL(cfg.p2[0].keylen, 256);
	CU_ASSERT_EQUAL(cfg.p2[0].auth, IK_P2_AUTH_HMAC_SHA2_256);
	CU_ASSERT_EQUAL(cfg.p2[1].id, IK_ESP_TRANS_AES_GCM_16);
	CU_ASSERT_EQUAL(cfg.p2[1].keylen, 128);
	CU_ASSERT_EQUAL(cfg.p2[1].auth, 0);
	CU_ASSERT_EQUAL(cfg.pfs_group, 14);
	CU_ASSERT_EQUAL(cfg.p2_life, 1800);
	CU_ASSERT_TRUE(cfg.transport);
	/* Client IDs: 10.1.0.0/20 is ours, 10.2.0.0/24 the DUT's, address then mask. */
	CU_ASSERT_EQUAL(cfg.ts_local.type, IK_ID_TYPE_IPV4_ADDR_SUBNET);
	CU_ASSERT_EQUAL(cfg.ts_local.len, 8);
	CU_ASSERT_EQUAL(memcmp(cfg.ts_local.data, "\x0a\x01\x00\x00\xff\xff\xf0\x00", 8), 0);
	CU_ASSERT_EQUAL(cfg.ts_remote.type, IK_ID_TYPE_IPV4_ADDR_SUBNET);
	CU_ASSERT_EQUAL(memcmp(cfg.ts_remote.data, "\x0a\x02\x00\x00\xff\xff\xff\x00", 8), 0);
}

/* The DUT's view is the mirror image; the DUT sends no INITIAL-CONTACT. */
static void test_dut_view(void)
{
	static const struct pcase c = {"dut", .dut = "subnet = 10.2.0.0/24\n",
	                               .tester = "id = tester@example\nsubnet = 10.1.0.0/24\n",
	                               .as_dut = true};
	struct ik_cfg cfg;
	struct ik_status st;

	CU_ASSERT_TRUE_FATAL(build(&c, &cfg, &st));
	CU_ASSERT_TRUE(addr_is(&cfg.local, "192.0.2.2"));
	CU_ASSERT_EQUAL(port_of(&cfg.local), 10500);
	CU_ASSERT_TRUE(addr_is(&cfg.remote, "192.0.2.1"));
	CU_ASSERT_EQUAL(port_of(&cfg.remote), 20500);
	CU_ASSERT_EQUAL(cfg.natt_port, 14500);
	CU_ASSERT_EQUAL(cfg.remote_natt_port, 24500);
	CU_ASSERT_FALSE(cfg.initial_contact);
	CU_ASSERT_EQUAL(cfg.id_local.type, IK_ID_TYPE_IPV4_ADDR);
	CU_ASSERT_EQUAL(memcmp(cfg.id_local.data, "\xc0\x00\x02\x02", 4), 0);
	CU_ASSERT_EQUAL(cfg.id_remote.type, IK_ID_TYPE_USER_FQDN);
	CU_ASSERT_EQUAL(cfg.id_remote.len, 14);
	CU_ASSERT_EQUAL(memcmp(cfg.ts_local.data, "\x0a\x02\x00\x00", 4), 0);
	CU_ASSERT_EQUAL(memcmp(cfg.ts_remote.data, "\x0a\x01\x00\x00", 4), 0);
	CU_ASSERT_EQUAL(cfg.p1_policy, IK_LIFE_LENIENT); /* the profile's default */
	CU_ASSERT_EQUAL(cfg.p1_life, 28800);
	CU_ASSERT_EQUAL(cfg.p2_life, 3600);
	CU_ASSERT_EQUAL(cfg.pfs_group, 0);
	CU_ASSERT_FALSE(cfg.transport);
}

/* phase1.dpd makes the DUT side probe an idle peer (RFC 3706 5.5), never the tester side;
 * tester.simulate_nat is the tester's simulated NAT (RFC 3947 3.2). */
static void test_dpd_delay_and_simulated_nat(void)
{
	static const struct pcase dut = {"dut", .p1 = "dpd = 7\n", .as_dut = true},
				  tester = {"tester", .tester = "simulate_nat = yes\n",
	                                    .p1 = "dpd = 7\n"};
	struct ik_cfg cfg;
	struct ik_status st;

	CU_ASSERT_TRUE_FATAL(build(&dut, &cfg, &st));
	CU_ASSERT_TRUE(cfg.dpd);
	CU_ASSERT_EQUAL(cfg.dpd_delay, 7);
	CU_ASSERT_FALSE(cfg.nat_sim);
	CU_ASSERT_TRUE_FATAL(build(&tester, &cfg, &st));
	CU_ASSERT_TRUE(cfg.dpd);
	CU_ASSERT_EQUAL(cfg.dpd_delay, 0);
	CU_ASSERT_TRUE(cfg.nat_sim);
}

/* Cases that differ in one or two fields: the table names what each proves. */
#define L IK_LIFE_LENIENT /* the profile's default phase 1 lifetime policy */
static void test_table(void)
{
	static const struct {
		struct pcase c;
		bool aggressive, natt, dpd, ts;
		uint16_t pfs, natt_port;
		enum ik_life_policy policy;
		uint8_t id_remote_type;
		size_t id_remote_len;
	} rows[] = {
		{{"aggressive only", .p1 = "modes = aggressive\n", .ok = true},
	         .aggressive = true,
	         .natt = true,
	         .natt_port = 20500 + 4000,
	         .id_remote_type = 1,
	         .id_remote_len = 4,
	         .policy = L},
		{{"main and aggressive: main", .p1 = "modes = main, aggressive\n", .ok = true},
	         .natt = true,
	         .natt_port = 24500,
	         .id_remote_type = 1,
	         .id_remote_len = 4,
	         .policy = L},
		{{"no NAT-T: no NAT-T port", .features = "nat_t = no\n", .ok = true},
	         .id_remote_type = 1,
	         .id_remote_len = 4,
	         .policy = L},
		{{"dpd delay turns DPD on", .p1 = "dpd = 30\n", .ok = true},
	         .natt = true,
	         .dpd = true,
	         .natt_port = 24500,
	         .id_remote_type = 1,
	         .id_remote_len = 4,
	         .policy = L},
		{{"obey policy", .p1 = "lifetime_policy = obey\n", .ok = true},
	         .natt = true,
	         .natt_port = 24500,
	         .policy = IK_LIFE_OBEY,
	         .id_remote_type = 1,
	         .id_remote_len = 4},
		{{"proposal group wins over [phase2] pfs", .p2props = "aes128-sha1-modp1024",
	          .p2 = "pfs = modp2048\n", .ok = true},
	         .natt = true,
	         .natt_port = 24500,
	         .pfs = 2,
	         .id_remote_type = 1,
	         .id_remote_len = 4,
	         .policy = L},
		{{"one subnet: the other side is a host", .dut = "subnet = 10.2.0.0/24\n",
	          .ok = true},
	         .natt = true,
	         .natt_port = 24500,
	         .ts = true,
	         .id_remote_type = 1,
	         .id_remote_len = 4,
	         .policy = L},
		{{"key id", .dut = "id = @#0a0b0c\n", .ok = true},
	         .natt = true,
	         .natt_port = 24500,
	         .id_remote_type = IK_ID_TYPE_KEY_ID,
	         .id_remote_len = 3,
	         .policy = L},
		{{"distinguished name refused", .dut = "id = C=CH, O=Lab, CN=dut\n",
	          .why = "distinguished name"},
	         .aggressive = false},
		{{"different PFS groups refused",
	          .p2props = "aes128-sha1-modp1024, aes128-sha1-modp2048",
	          .why = "different PFS groups"},
	         .aggressive = false},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ik_cfg cfg;
		struct ik_status st;
		bool ok = build(&rows[i].c, &cfg, &st);
		CU_ASSERT_EQUAL(ok, rows[i].c.ok);
		if (!ok) {
			bool named = rows[i].c.why && strstr(st.why, rows[i].c.why) &&
			             strstr(st.why, "case.conf");
			if (!named)
				fprintf(stderr, "%s: %s\n", rows[i].c.name, st.why);
			CU_ASSERT_TRUE(named);
			continue;
		}
		bool good = cfg.aggressive == rows[i].aggressive && cfg.natt == rows[i].natt &&
		            cfg.dpd == rows[i].dpd && cfg.pfs_group == rows[i].pfs &&
		            cfg.natt_port == rows[i].natt_port && cfg.p1_policy == rows[i].policy &&
		            cfg.id_remote.type == rows[i].id_remote_type &&
		            cfg.id_remote.len == rows[i].id_remote_len &&
		            (cfg.ts_local.type != 0) == rows[i].ts;
		if (!good)
			fprintf(stderr,
			        "row '%s': aggressive %d natt %d/%u dpd %d pfs %u policy %d id "
			        "%u/%zu ts %u\n",
			        rows[i].c.name, cfg.aggressive, cfg.natt, cfg.natt_port, cfg.dpd,
			        cfg.pfs_group, (int)cfg.p1_policy, cfg.id_remote.type,
			        cfg.id_remote.len, cfg.ts_local.type);
		CU_ASSERT_TRUE(good);
		/* Host side of a one-sided policy: our address as ID_IPV4_ADDR. */
		if (rows[i].ts) {
			CU_ASSERT_EQUAL(cfg.ts_local.type, IK_ID_TYPE_IPV4_ADDR);
			CU_ASSERT_EQUAL(cfg.ts_remote.type, IK_ID_TYPE_IPV4_ADDR_SUBNET);
		}
		for (size_t k = 0; k < cfg.np2; k++)
			CU_ASSERT_EQUAL(cfg.p2[k].group, cfg.pfs_group);
	}
}

/* RFC 2407 4.6.2.5 / 4.6.2.7: subnet IDs are address then mask; host prefixes are addresses. */
static void test_subnet_ids(void)
{
	static const struct {
		int family;
		const char *addr;
		uint8_t prefix, type;
		size_t len;
		const char *mask; /* hex of the mask part */
	} rows[] = {
		{AF_INET, "10.0.0.0", 8, IK_ID_TYPE_IPV4_ADDR_SUBNET, 8, "ff000000"},
		{AF_INET, "10.1.0.0", 20, IK_ID_TYPE_IPV4_ADDR_SUBNET, 8, "fffff000"},
		{AF_INET, "0.0.0.0", 0, IK_ID_TYPE_IPV4_ADDR_SUBNET, 8, "00000000"},
		{AF_INET, "10.1.2.3", 32, IK_ID_TYPE_IPV4_ADDR, 4, ""},
		{AF_INET6, "2001:db8::", 64, IK_ID_TYPE_IPV6_ADDR_SUBNET, 32,
	         "ffffffffffffffff0000000000000000"},
		{AF_INET6, "2001:db8::1", 128, IK_ID_TYPE_IPV6_ADDR, 16, ""},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ik_subnet s = {.family = rows[i].family, .prefix = rows[i].prefix};
		struct ik_id id;
		char hex[80] = "";
		size_t alen = rows[i].family == AF_INET ? 4 : 16;
		inet_pton(rows[i].family, rows[i].addr, s.addr);
		ik_id_from_subnet(&id, &s);
		CU_ASSERT_EQUAL(id.type, rows[i].type);
		CU_ASSERT_EQUAL_FATAL(id.len, rows[i].len);
		CU_ASSERT_EQUAL(memcmp(id.data, s.addr, alen), 0);
		for (size_t b = alen; b < id.len; b++)
			snprintf(hex + 2 * (b - alen), 3, "%02x", id.data[b]);
		CU_ASSERT_STRING_EQUAL(hex, rows[i].mask);
	}
}

/* RFC 2409 5: aggressive mode has one KE in AM1, so only one DH group can be offered. */
static void test_one_group(void)
{
	struct ik_cfg c = {.np1 = 4};
	static const uint16_t groups[] = {14, 19, 14, 2};
	for (size_t i = 0; i < 4; i++)
		c.p1[i] = (struct ik_p1_xform){.enc = (uint16_t)(i + 1), .group = groups[i]};
	CU_ASSERT_EQUAL(ik_cfg_one_group(&c), 2);
	CU_ASSERT_EQUAL_FATAL(c.np1, 2);
	CU_ASSERT_EQUAL(c.p1[0].enc, 1);
	CU_ASSERT_EQUAL(c.p1[1].enc, 3);
	CU_ASSERT_EQUAL(ik_cfg_one_group(&c), 0);
}

/* The DUT's view of auth.peer_ids and phase2.lifetime_policy: what serve accepts. */
static void test_peer_ids_and_p2_policy(void)
{
	static const char fmt[] =
		"[dut]\naddress = 192.0.2.2\n[tester]\naddress = 192.0.2.1\n"
		"[auth]\nmethod = psk\npsk = s\n%s[phase1]\nproposals = "
		"aes128-sha1-modp2048\n[phase2]\nproposals = aes128-sha1\n%s";
	static const struct {
		const char *auth, *p2;
		uint8_t id_type; /* of id_remote: 0 any */
		size_t also;
		enum ik_life_policy p2_policy;
	} rows[] = {
		{"", "", IK_ID_TYPE_IPV4_ADDR, 0, IK_LIFE_LENIENT},
		{"peer_ids = any\n", "lifetime_policy = obey\n", 0, 0, IK_LIFE_OBEY},
		{"peer_ids = @a.test, 192.0.2.1, b@c.test\n", "lifetime_policy = strict\n",
	         IK_ID_TYPE_IPV4_ADDR, 2, IK_LIFE_STRICT},
	};
	char text[1024];
	struct ik_profile p;
	struct ik_cfg cfg;
	struct ik_status st;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(text, sizeof(text), fmt, rows[i].auth, rows[i].p2);
		CU_ASSERT_TRUE_FATAL(ik_profile_parse(&p, text, strlen(text), "t.conf", &st));
		CU_ASSERT_TRUE_FATAL(ik_cfg_from_profile(&cfg, &p, true, &st));
		CU_ASSERT_EQUAL(cfg.id_remote.type, rows[i].id_type);
		CU_ASSERT_EQUAL(cfg.n_id_remote_also, rows[i].also);
		CU_ASSERT_EQUAL(cfg.p2_policy, rows[i].p2_policy);
		/* The tester's view checks the DUT's identity, whatever the DUT accepts. */
		CU_ASSERT_TRUE_FATAL(ik_cfg_from_profile(&cfg, &p, false, &st));
		CU_ASSERT_EQUAL(cfg.id_remote.type, IK_ID_TYPE_IPV4_ADDR);
		CU_ASSERT_EQUAL(cfg.n_id_remote_also, 0);
		ik_profile_wipe(&p);
	}
}

/*
 * An rsa-sig profile over the harness PKI: %s slots for the [dut] files, the [tester] files and
 * extra [auth] lines; the tester's chain is always there. Paths are relative to the profile, which "lives" in the PKI directory.
 */
static const char rsa_base[] =
	"[dut]\naddress = 192.0.2.2\n%s"
	"[tester]\naddress = 192.0.2.1\nchain = inter-ca.pem\n%s"
	"[auth]\nmethod = rsa-sig\nca = root-ca.pem\n%s"
	"[phase1]\nproposals = aes128-sha1-modp2048\n"
	"[phase2]\nproposals = aes128-sha1\n";
#define DUT_FILES    "cert = dut.pem\nkey = dut.key\nchain = inter-ca.pem\n"
#define TESTER_FILES "cert = tester.pem\nkey = tester.key\n"

static bool rsa_parse(struct ik_profile *p, const char *dut, const char *tester, const char *auth,
                      struct ik_status *st)
{
	char text[2048], file[160];

	CU_ASSERT_NOT_EQUAL_FATAL(ik_pki()[0], '\0');
	snprintf(text, sizeof(text), rsa_base, dut, tester, auth);
	snprintf(file, sizeof(file), "%s/rsa.conf", ik_pki());
	ik_status_clear(st);
	return ik_profile_parse(p, text, strlen(text), file, st);
}

/* auth.id_type: the identity each side takes from its certificate (RFC 4945 3.1). */
static void test_rsa_sig_ids(void)
{
	static const struct {
		const char *auth;
		enum ik_id_type type;
		const char *tester, *dut;
	} rows[] = {
		{"", IK_ID_IPV4_ADDR, "192.0.2.1", "192.0.2.2"},
		{"id_type = fqdn\n", IK_ID_FQDN, "tester.ikecheck.test", "dut.ikecheck.test"},
		{"id_type = dn\n", IK_ID_DER_ASN1_DN,
	         "CN=tester.ikecheck.test, O=ikecheck test PKI",
	         "CN=dut.ikecheck.test, O=ikecheck test PKI"},
	};
	struct ik_profile p;
	struct ik_status st;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		bool ok = rsa_parse(&p, DUT_FILES, TESTER_FILES, rows[i].auth, &st);
		if (!ok)
			fprintf(stderr, "\n  %s\n", st.why);
		CU_ASSERT_TRUE_FATAL(ok);
		CU_ASSERT_EQUAL(p.tester.id.type, rows[i].type);
		CU_ASSERT_STRING_EQUAL(p.tester.id.value, rows[i].tester);
		CU_ASSERT_STRING_EQUAL(p.dut.id.value, rows[i].dut);
		CU_ASSERT_TRUE(p.features.certificates);
		CU_ASSERT_TRUE(ik_profile_accepts_id(&p, &p.tester.id));
		ik_profile_wipe(&p);
	}
	/* The tester's email is in its certificate; a DUT without files keeps its address. */
	CU_ASSERT_TRUE_FATAL(rsa_parse(&p, "", TESTER_FILES, "id_type = user_fqdn\n", &st));
	CU_ASSERT_STRING_EQUAL(p.tester.id.value, "tester@ikecheck.test");
	CU_ASSERT_EQUAL(p.dut.id.type, IK_ID_IPV4_ADDR);
	ik_profile_wipe(&p);
}

/* Each wrong file or identity refused at load, naming the key and the path or the reason. */
static void test_rsa_sig_refusals(void)
{
	static const struct {
		const char *dut, *tester, *auth, *want;
	} rows[] = {
		{"", "", "", "tester.cert: required with auth.method = rsa-sig"},
		{"", "cert = tester.pem\n", "", "tester.key: required"},
		{"", "cert = nosuch.pem\nkey = tester.key\n", "", "tester.cert: cannot read '"},
		{"", "cert = tester.pem\nkey = nosuch.key\n", "", "/nosuch.key': No such file"},
		{"", "cert = tester.pem\nkey = dut.key\n", "", "does not match certificate"},
		{"", "cert = MANIFEST\nkey = tester.key\n", "", "holds no PEM certificate"},
		{"", "cert = expired.pem\nkey = expired.key\n", "", "expired: notAfter"},
		{"", "cert = notyet.pem\nkey = notyet.key\n", "", "not yet valid"},
		{"", "cert = wrongca.pem\nkey = wrongca.key\n", "",
	         "does not chain to a trusted CA"},
		{"", "cert = badku.pem\nkey = badku.key\n", "", "lacks digitalSignature"},
		{"", "cert = revoked.pem\nkey = revoked.key\n", "crl = inter-ca.crl\n", "revoked"},
		{"", "cert = noid.pem\nkey = noid.key\n", "", "tester.id: 192.0.2.1 is not in"},
		{"", TESTER_FILES "id = @dut.ikecheck.test\n", "", "tester.id: @dut.ikecheck.test"},
		{"cert = dut-chain.pem\n", TESTER_FILES, "id_type = user_fqdn\n",
	         "dut.cert: the certificate has no subjectAltName rfc822Name"},
		{"key = dut.key\n", TESTER_FILES, "", "dut.cert: required"},
		{"", TESTER_FILES, "crl = nosuch.crl\n", "auth.crl: cannot read"},
		{"cert = dut.pem\nchain = MANIFEST\n", TESTER_FILES, "", "dut.chain: chain file"},
		{"", TESTER_FILES, "crl = root-ca.pem\n", "auth.crl: CRL file"},
	};
	struct ik_profile p;
	struct ik_status st;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		CU_ASSERT_FALSE(rsa_parse(&p, rows[i].dut, rows[i].tester, rows[i].auth, &st));
		if (!strstr(st.why, rows[i].want))
			fprintf(stderr, "\n  row %zu: want '%s' in '%s'\n", i, rows[i].want,
			        st.why);
		CU_ASSERT_PTR_NOT_NULL(strstr(st.why, rows[i].want));
	}
}

/* RFC 2409 5.1: an rsa-sig profile gives the engine its credentials and trust, RSA signatures in
 * every phase 1 transform, and a DN identity as the DER subject of each certificate. */
static void test_rsa_sig_cfg(void)
{
	struct ik_profile p;
	struct ik_cfg cfg;
	struct ik_status st;

	for (int dn = 0; dn < 2; dn++) {
		CU_ASSERT_TRUE_FATAL(
			rsa_parse(&p, DUT_FILES, TESTER_FILES, dn ? "id_type = dn\n" : "", &st));
		for (int as_dut = 0; as_dut < 2; as_dut++) {
			bool ok = ik_cfg_from_profile(&cfg, &p, as_dut, &st);
			if (!ok)
				fprintf(stderr, "\n  %s\n", st.why);
			CU_ASSERT_TRUE_FATAL(ok);
			CU_ASSERT_PTR_NOT_NULL(cfg.creds);
			CU_ASSERT_PTR_NOT_NULL(cfg.trust);
			CU_ASSERT_EQUAL(cfg.p1[0].auth, IK_P1_AUTH_RSA_SIG);
			uint8_t want = dn ? IK_ID_TYPE_DER_ASN1_DN : IK_ID_TYPE_IPV4_ADDR;
			CU_ASSERT_EQUAL(cfg.id_local.type, want);
			CU_ASSERT_EQUAL(cfg.id_remote.type, want);
			CU_ASSERT(cfg.id_local.len >= 4 && cfg.id_remote.len >= 4);
			CU_ASSERT(!dn || cfg.id_local.data[0] == 0x30); /* a DER SEQUENCE */
			ik_cfg_release(&cfg);
			CU_ASSERT_PTR_NULL(cfg.creds);
		}
		ik_profile_wipe(&p);
	}
}

/* auth.method = dss-sig (RFC 2409 5.1, method 2): the DSA certificates give DSS-SIG transforms;
 * an RSA certificate under dss-sig, or a DSA one under rsa-sig, is refused naming the key. */
static void test_dss_sig_cfg(void)
{
	static const char *dss_files[2] = {
		"cert = dut-dss.pem\nkey = dut-dss.key\nchain = inter-ca.pem\n",
		"cert = tester-dss.pem\nkey = tester-dss.key\n"};
	struct ik_profile p;
	struct ik_cfg cfg;
	struct ik_status st;
	char text[2048], file[160];

	CU_ASSERT_NOT_EQUAL_FATAL(ik_pki()[0], '\0');
	snprintf(file, sizeof(file), "%s/dss.conf", ik_pki());
	for (int rsa_dut = 0; rsa_dut < 2; rsa_dut++) {
		snprintf(text, sizeof(text), rsa_base, rsa_dut ? DUT_FILES : dss_files[0],
		         dss_files[1], "");
		char *m = strstr(text, "method = rsa-sig");
		CU_ASSERT_PTR_NOT_NULL_FATAL(m);
		memcpy(m + 9, "dss", 3);
		ik_status_clear(&st);
		bool ok = ik_profile_parse(&p, text, strlen(text), file, &st);
		if (rsa_dut) {
			CU_ASSERT_FALSE(ok);
			CU_ASSERT_PTR_NOT_NULL(strstr(
				st.why,
				"dut.cert: holds a RSA key; auth.method = dss-sig needs DSA"));
			continue;
		}
		if (!ok)
			fprintf(stderr, "\n  %s\n", st.why);
		CU_ASSERT_TRUE_FATAL(ok);
		for (int as_dut = 0; as_dut < 2; as_dut++) {
			CU_ASSERT_TRUE_FATAL(ik_cfg_from_profile(&cfg, &p, as_dut, &st));
			CU_ASSERT_EQUAL(cfg.p1[0].auth, IK_P1_AUTH_DSS);
			CU_ASSERT_TRUE(ik_key_is_dsa(cfg.creds->key));
			ik_cfg_release(&cfg);
		}
		ik_profile_wipe(&p);
	}
	CU_ASSERT_FALSE(rsa_parse(&p, DUT_FILES, dss_files[1], "", &st));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(st.why, "tester.cert: holds a DSA key; auth.method = rsa-sig"));
}

static const struct ik_test tests[] = {
	{"DUT view: peer_ids and phase 2 lifetime policy", test_peer_ids_and_p2_policy},
	{"tester view: every field from the profile", test_tester_view},
	{"DUT view: the mirror image, no INITIAL-CONTACT", test_dut_view},
	{"phase1.dpd probes from the DUT side only; tester.simulate_nat",
         test_dpd_delay_and_simulated_nat},
	{"table: modes, NAT-T, DPD, policies, PFS, IDs, refusals", test_table},
	{"subnet client IDs (RFC 2407 4.6.2.5/7)", test_subnet_ids},
	{"aggressive mode offers one DH group (RFC 2409 5)", test_one_group},
	{"rsa-sig: identities from the certificates (auth.id_type)", test_rsa_sig_ids},
	{"rsa-sig: bad files and identities refused at load", test_rsa_sig_refusals},
	{"rsa-sig: credentials, trust, RSA-SIG transforms, DN identities (RFC 2409 5.1)",
         test_rsa_sig_cfg},
	{"dss-sig: DSS-SIG transforms from DSA certificates; key types refused across methods",
         test_dss_sig_cfg},
};

IK_TEST_MAIN("cfg_profile", tests)
