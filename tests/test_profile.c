/*
 * Unit tests of the DUT profile parser (suite/profile.c, docs/profile.md): a valid profile
 * lands in the struct as numbers; each broken profile is one row of a table with the line and
 * the words its error must name.
 */
#include "cunit.h"
#include "profile.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A complete valid profile; error rows are written out in full so their line numbers are plain. */
static const char good[] =
	"# lab profile\n"
	"[dut]\n"
	"name = lab ; a comment\n"
	"address = 192.0.2.2\n"
	"port = 4501\n"
	"roles = responder\n"
	"vendor = strongswan\n"
	"id = @dut.example\n"
	"subnet = 10.2.0.0/24, 10.3.0.0/16\n"
	"[tester]\n"
	"address = 192.0.2.1\n"
	"nat_t_port = 4600\n"
	"subnet = 10.1.0.0/24\n"
	"[auth]\n"
	"method = psk\n"
	"psk = \"a #secret; \\\"quoted\\\"\"\n"
	"peer_ids = @branch.example, 192.0.2.1, ops@example.org\n"
	"[phase1]\n"
	"modes = main, aggressive\n"
	"proposals = aes128-sha1-modp2048, 3des-md5-modp1024 , aes256-sha2_512-ecp384\n"
	"lifetime = 8h\n"
	"lifetime_policy = strict\n"
	"dpd = 30s\n"
	"[phase2]\n"
	"proposals = aes128-sha1, aes256gcm16-ecp256, aes128ctr-sha256\n"
	"pfs = modp2048\n"
	"lifetime = 30m\n"
	"lifetime_policy = obey\n"
	"mode = transport\n"
	"[features]\n"
	"xauth = yes\n"
	"[xauth]\n"
	"user = joe\n"
	"password = foobar\n";

static bool parse(struct ik_profile *p, const char *text, struct ik_status *st)
{
	ik_status_clear(st);
	return ik_profile_parse(p, text, strlen(text), "t.conf", st);
}

static void test_good_profile_fields(void)
{
	static struct ik_profile p;
	struct ik_status st;

	CU_ASSERT_TRUE_FATAL(parse(&p, good, &st));
	CU_ASSERT_STRING_EQUAL(p.name, "lab");
	CU_ASSERT_EQUAL(p.vendor, IK_VENDOR_STRONGSWAN);
	CU_ASSERT_EQUAL(p.roles, IK_ROLE_RESPONDER);
	CU_ASSERT_EQUAL(p.dut.addr.ss.ss_family, AF_INET);
	CU_ASSERT_EQUAL(ntohs(((struct sockaddr_in *)&p.dut.addr.ss)->sin_port), 4501);
	CU_ASSERT_EQUAL(p.dut.port, 4501);
	CU_ASSERT_EQUAL(p.dut.nat_t_port, 4500);
	CU_ASSERT_EQUAL(p.tester.port, 500);
	CU_ASSERT_EQUAL(p.tester.nat_t_port, 4600);
	CU_ASSERT_EQUAL(p.dut.id.type, IK_ID_FQDN);
	CU_ASSERT_STRING_EQUAL(p.dut.id.value, "dut.example");
	/* The tester's id defaults to its address, typed as one. */
	CU_ASSERT_EQUAL(p.tester.id.type, IK_ID_IPV4_ADDR);
	CU_ASSERT_EQUAL(p.tester.id.bin_len, 4);
	CU_ASSERT_EQUAL(p.tester.id.bin[3], 1);
	CU_ASSERT_EQUAL(p.dut.n_subnets, 2);
	CU_ASSERT_EQUAL(p.dut.subnet[1].prefix, 16);
	CU_ASSERT_EQUAL(p.dut.subnet[1].addr[1], 3);
	CU_ASSERT_EQUAL(p.psk_len, strlen("a #secret; \"quoted\""));
	CU_ASSERT_EQUAL(memcmp(p.psk, "a #secret; \"quoted\"", p.psk_len), 0);
	CU_ASSERT_EQUAL(p.p1.modes, IK_MODE_MAIN | IK_MODE_AGGRESSIVE);
	CU_ASSERT_EQUAL(p.p1.n_prop, 3);
	CU_ASSERT_EQUAL(p.p1.prop[0].enc_id, 7);
	CU_ASSERT_EQUAL(p.p1.prop[0].key_bits, 128);
	CU_ASSERT_EQUAL(p.p1.prop[0].hash_id, 2);
	CU_ASSERT_EQUAL(p.p1.prop[0].group, 14);
	CU_ASSERT_EQUAL(p.p1.prop[1].enc_id, 5);
	CU_ASSERT_EQUAL(p.p1.prop[1].key_bits, 0);
	CU_ASSERT_EQUAL(p.p1.prop[1].hash_id, 1);
	CU_ASSERT_EQUAL(p.p1.prop[1].group, 2);
	CU_ASSERT_EQUAL(p.p1.prop[2].hash_id, 6);
	CU_ASSERT_EQUAL(p.p1.prop[2].group, 20);
	CU_ASSERT_EQUAL(p.p1.lifetime, 28800);
	CU_ASSERT_EQUAL(p.p1.lifetime_policy, IK_LIFETIME_STRICT);
	CU_ASSERT_EQUAL(p.p1.dpd_delay, 30);
	CU_ASSERT_EQUAL(p.p2.n_prop, 3);
	CU_ASSERT_EQUAL(p.p2.prop[0].esp_id, 12);
	CU_ASSERT_EQUAL(p.p2.prop[0].auth_alg, 2);
	CU_ASSERT_EQUAL(p.p2.prop[0].group, 0);
	CU_ASSERT_EQUAL(p.p2.prop[1].esp_id, 20);
	CU_ASSERT_EQUAL(p.p2.prop[1].key_bits, 256);
	CU_ASSERT_EQUAL(p.p2.prop[1].auth_alg, 0);
	CU_ASSERT_EQUAL(p.p2.prop[1].group, 19);
	CU_ASSERT_EQUAL(p.p2.prop[2].esp_id, 13);
	CU_ASSERT_EQUAL(p.p2.prop[2].auth_alg, 5);
	CU_ASSERT_EQUAL(p.p2.pfs_group, 14);
	CU_ASSERT_EQUAL(p.p2.lifetime, 1800);
	CU_ASSERT_EQUAL(p.p2.mode, IK_IPSEC_TRANSPORT);
	CU_ASSERT_EQUAL(p.p2.lifetime_policy, IK_LIFETIME_OBEY);
	CU_ASSERT_FALSE(p.peer_ids.any);
	CU_ASSERT_EQUAL(p.peer_ids.n, 3);
	CU_ASSERT_EQUAL(p.peer_ids.id[0].type, IK_ID_FQDN);
	CU_ASSERT_EQUAL(p.peer_ids.id[1].type, IK_ID_IPV4_ADDR);
	CU_ASSERT_EQUAL(p.peer_ids.id[2].type, IK_ID_USER_FQDN);
	/* Feature defaults follow the configuration when not given. */
	CU_ASSERT_TRUE(p.features.aggressive);
	CU_ASSERT_TRUE(p.features.dpd);
	CU_ASSERT_TRUE(p.features.nat_t);
	CU_ASSERT_TRUE(p.features.xauth);
	CU_ASSERT_FALSE(p.features.modecfg);
	ik_profile_wipe(&p);
	CU_ASSERT_EQUAL(p.psk_len, 0);
}

static const char minimal[] =
	"[dut]\naddress = 2001:db8::2\n[tester]\naddress = 2001:db8::1\n"
	"[auth]\nmethod = psk\npsk = s\n[phase1]\nproposals = "
	"aes128-sha1-modp2048\n[phase2]\nproposals = aes128gcm128\n";

static void test_defaults(void)
{
	static struct ik_profile p;
	struct ik_status st;

	CU_ASSERT_TRUE_FATAL(parse(&p, minimal, &st));
	CU_ASSERT_STRING_EQUAL(p.name, "t"); /* from the file name */
	CU_ASSERT_EQUAL(p.dut.addr.ss.ss_family, AF_INET6);
	CU_ASSERT_STRING_EQUAL(p.dut.addr.text, "2001:db8::2");
	CU_ASSERT_EQUAL(p.dut.id.type, IK_ID_IPV6_ADDR);
	CU_ASSERT_EQUAL(p.dut.port, 500);
	CU_ASSERT_EQUAL(p.dut.nat_t_port, 4500);
	CU_ASSERT_EQUAL(p.roles, IK_ROLE_RESPONDER | IK_ROLE_INITIATOR);
	CU_ASSERT_EQUAL(p.vendor, IK_VENDOR_GENERIC);
	CU_ASSERT_EQUAL(p.p1.modes, IK_MODE_MAIN);
	CU_ASSERT_EQUAL(p.p1.lifetime, 28800);
	CU_ASSERT_EQUAL(p.p1.lifetime_policy, IK_LIFETIME_LENIENT);
	CU_ASSERT_EQUAL(p.p1.dpd_delay, 0);
	CU_ASSERT_EQUAL(p.p2.lifetime, 3600);
	CU_ASSERT_EQUAL(p.p2.mode, IK_IPSEC_TUNNEL);
	CU_ASSERT_EQUAL(p.p2.lifetime_policy, IK_LIFETIME_LENIENT);
	CU_ASSERT_EQUAL(p.p2.pfs_group, 0);
	/* The DUT accepts the tester's identity alone. */
	CU_ASSERT_FALSE(p.peer_ids.any);
	CU_ASSERT_EQUAL(p.peer_ids.n, 1);
	CU_ASSERT_TRUE(ik_ident_same(&p.peer_ids.id[0], &p.tester.id));
	CU_ASSERT_EQUAL(p.p2.prop[0].esp_id, 20);
	CU_ASSERT_EQUAL(p.dut.n_subnets, 0);
	CU_ASSERT_FALSE(p.features.aggressive);
	CU_ASSERT_FALSE(p.features.dpd);
	ik_profile_wipe(&p);
}

/* Identities in strongSwan syntax and what they become. */
static void test_identities(void)
{
	static const struct {
		const char *id;
		enum ik_id_type type;
		const char *value;
		size_t bin_len;
	} rows[] = {
		{"192.0.2.9", IK_ID_IPV4_ADDR, "192.0.2.9", 4},
		{"2001:db8::9", IK_ID_IPV6_ADDR, "2001:db8::9", 16},
		{"@vpn.example", IK_ID_FQDN, "vpn.example", 0},
		{"vpn.example", IK_ID_FQDN, "vpn.example", 0},
		{"fqdn:vpn.example", IK_ID_FQDN, "vpn.example", 0},
		{"ops@example.org", IK_ID_USER_FQDN, "ops@example.org", 0},
		{"email:ops@example.org", IK_ID_USER_FQDN, "ops@example.org", 0},
		{"\"C=CH, O=Lab, CN=dut\"", IK_ID_DER_ASN1_DN, "C=CH, O=Lab, CN=dut", 0},
		{"asn1dn:C=CH, CN=dut", IK_ID_DER_ASN1_DN, "C=CH, CN=dut", 0},
		{"@#0a0B", IK_ID_KEY_ID, "0a0B", 2},
		{"keyid:#ff", IK_ID_KEY_ID, "ff", 1},
	};
	static struct ik_profile p;
	char text[1024];
	struct ik_status st;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		snprintf(text, sizeof(text),
		         "[dut]\naddress = 192.0.2.2\nid = %s\n[tester]\naddress = 192.0.2.1\n"
		         "[auth]\nmethod = psk\npsk = s\n[phase1]\nproposals = 3des-sha1-modp2048\n"
		         "[phase2]\nproposals = 3des-sha1\n",
		         rows[i].id);
		CU_ASSERT_TRUE_FATAL(parse(&p, text, &st));
		CU_ASSERT_EQUAL(p.dut.id.type, rows[i].type);
		CU_ASSERT_STRING_EQUAL(p.dut.id.value, rows[i].value);
		CU_ASSERT_EQUAL(p.dut.id.bin_len, rows[i].bin_len);
		if (rows[i].type == IK_ID_KEY_ID)
			CU_ASSERT_EQUAL(p.dut.id.bin[0], rows[i].bin_len == 2 ? 0x0a : 0xff);
	}
	ik_profile_wipe(&p);
}

/* Head of a valid profile up to (not including) [phase1]: 9 lines. */
#define HEAD                                                                                \
	"[dut]\naddress = 192.0.2.2\n[tester]\naddress = 192.0.2.1\n[auth]\nmethod = psk\n" \
	"psk = s\n"
#define P1   "[phase1]\nproposals = aes128-sha1-modp2048\n" /* lines 8-9 */
#define P2   "[phase2]\nproposals = aes128-sha1\n"          /* lines 10-11 */
#define X64  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define X320 X64 X64 X64 X64 X64

static const struct bad {
	const char *name, *text;
	unsigned line;
	const char *want; /* substring of the message after "t.conf:LINE: " */
} bad[] = {
	{"unknown section", HEAD P1 P2 "[bogus]\n", 12, "unknown section [bogus]"},
	{"unknown key", "[dut]\nfoo = 1\n", 2, "unknown key 'foo' in [dut]"},
	{"key before section", "address = 1.2.3.4\n", 1, "before any [section]"},
	{"no equals sign", "[dut]\naddress 1.2.3.4\n", 2, "expected 'key = value'"},
	{"malformed header", "[dut\n", 1, "malformed section header"},
	{"repeated section", "[dut]\n[dut]\n", 2, "repeated"},
	{"duplicate key", "[dut]\naddress = 192.0.2.2\naddress = 192.0.2.3\n", 3, "set twice"},
	{"empty value", "[dut]\naddress =\n", 2, "empty value"},
	{"bad address", "[dut]\naddress = 192.0.2.300\n", 2, "not an IPv4 or IPv6 address"},
	{"port 0", "[dut]\nport = 0\n", 2, "not a port"},
	{"port too big", "[tester]\nport = 65536\n", 2, "not a port"},
	{"port junk", "[dut]\nnat_t_port = 45x\n", 2, "not a port"},
	{"bad subnet", "[dut]\nsubnet = 10.2.0.0/33\n", 2, "not a subnet"},
	{"host bits in subnet", "[dut]\nsubnet = 10.2.0.1/24\n", 2, "host bits zero"},
	{"empty list item", "[dut]\nsubnet = 10.2.0.0/24,,10.3.0.0/24\n", 2, "empty item"},
	{"bad role", "[dut]\nroles = responder, observer\n", 2, "unknown value 'observer'"},
	{"bad vendor", "[dut]\nvendor = juniper\n", 2, "unknown value 'juniper'"},
	{"bad key id", "[dut]\nid = @#abc\n", 2, "even number of hex digits"},
	{"identity too long", "[dut]\nid = @" X320 "\n", 2, "identity longer than 255"},
	{"bad method", "[auth]\nmethod = xauth\n", 2, "unknown value 'xauth'"},
	{"rsa-sig needs a CA",
         "[dut]\naddress = 192.0.2.2\n[tester]\naddress = 192.0.2.1\n[auth]\nmethod = rsa-sig\n" P1
                 P2,
         5, "auth.ca: required with auth.method = rsa-sig"},
	{"rsa-sig CA file missing",
         "[dut]\naddress = 192.0.2.2\n[tester]\naddress = 192.0.2.1\n[auth]\nmethod = rsa-sig\n"
         "ca = no-such-ca.pem\n" P1 P2,
         7, "auth.ca: cannot read 'no-such-ca.pem'"},
	{"unterminated quote", "[auth]\npsk = \"abc\n", 2, "unterminated"},
	{"psk file missing", "[auth]\npsk_file = no-such-file\n", 2, "cannot open"},
	{"unknown algorithm", HEAD "[phase1]\nproposals = aes128-sha1-modp2047\n", 9,
         "unknown algorithm 'modp2047'"},
	{"phase 1 without group", HEAD "[phase1]\nproposals = aes128-sha1\n", 9,
         "lacks a Diffie-Hellman group"},
	{"phase 1 without hash", HEAD "[phase1]\nproposals = aes128-modp2048\n", 9, "lacks a hash"},
	{"phase 1 GCM", HEAD "[phase1]\nproposals = aes128gcm16-sha1-modp2048\n", 9,
         "not defined for IKEv1 phase 1"},
	{"two ciphers", HEAD "[phase1]\nproposals = aes128-aes256-sha1-modp2048\n", 9,
         "two encryption algorithms"},
	{"dash dash", HEAD "[phase1]\nproposals = aes128--sha1-modp2048\n", 9, "empty algorithm"},
	{"AEAD with integrity", HEAD P1 "[phase2]\nproposals = aes128gcm16-sha1\n", 11,
         "AEAD and takes no integrity"},
	{"ESP null without integrity", HEAD P1 "[phase2]\nproposals = null\n", 11,
         "lacks an integrity algorithm"},
	{"bad pfs", HEAD P1 P2 "pfs = modp1000\n", 12, "not a Diffie-Hellman group"},
	{"zero lifetime", HEAD "[phase1]\nlifetime = 0\n", 9, "greater than 0"},
	{"bad duration", HEAD "[phase1]\nlifetime = 8w\n", 9, "not a duration"},
	{"duration overflow", HEAD "[phase1]\nlifetime = 99999999999h\n", 9, "not a duration"},
	{"bad policy", HEAD "[phase1]\nlifetime_policy = maybe\n", 9, "unknown value 'maybe'"},
	{"bad mode", HEAD P1 P2 "mode = beet\n", 12, "unknown value 'beet'"},
	{"bad phase 2 policy", HEAD P1 P2 "lifetime_policy = sometimes\n", 12,
         "phase2.lifetime_policy: unknown value 'sometimes'"},
	{"peer_ids without the tester", HEAD "peer_ids = @branch.example\n" P1 P2, 8,
         "auth.peer_ids lacks the tester's identity 192.0.2.1 (tester.id)"},
	{"peer_ids: any in a list", HEAD "peer_ids = 192.0.2.1, any\n" P1 P2, 8,
         "auth.peer_ids: 'any' stands alone"},
	{"peer_ids: bad identity", HEAD "peer_ids = 192.0.2.1, @#abc\n" P1 P2, 8,
         "auth.peer_ids: key id needs an even number of hex digits"},
	{"peer_ids: empty item", HEAD "peer_ids = 192.0.2.1,,@b.example\n" P1 P2, 8,
         "auth.peer_ids: empty item"},
	{"peer_ids: too many", HEAD "peer_ids = 192.0.2.1,@a,@b,@c,@d,@e,@f,@g,@h\n" P1 P2, 8,
         "auth.peer_ids: more than 8 identities"},
	{"peer_ids twice", HEAD "peer_ids = any\npeer_ids = any\n" P1 P2, 9,
         "auth.peer_ids set twice (first at line 8)"},
	{"bad bool", HEAD P1 P2 "[features]\nnat_t = perhaps\n", 13, "not yes or no"},
	{"missing dut section", "[tester]\naddress = 192.0.2.1\n", 0, "missing section [dut]"},
	{"missing dut.address", "[dut]\nport = 500\n[tester]\naddress = 192.0.2.1\n", 1,
         "[dut] lacks required key 'address'"},
	{"missing phase2 proposals", HEAD P1 "[phase2]\npfs = none\n", 10,
         "[phase2] lacks required key 'proposals'"},
	{"missing phase2 section", HEAD P1, 0, "missing section [phase2]"},
	{"missing psk",
         "[dut]\naddress = 192.0.2.2\n[tester]\naddress = 192.0.2.1\n"
         "[auth]\nmethod = psk\n" P1 P2,
         5, "needs key 'psk' or 'psk_file'"},
	{"mixed families",
         "[dut]\naddress = 192.0.2.2\n[tester]\naddress = 2001:db8::1\n"
         "[auth]\nmethod = psk\npsk = s\n" P1 P2,
         4, "not the same address family"},
	{"aggressive contradiction",
         HEAD P1 "modes = main, aggressive\n" P2 "[features]\naggressive = no\n", 14,
         "contradicts phase1.modes (line 10)"},
	{"aggressive claimed, not configured",
         HEAD P1 "modes = main\n" P2 "[features]\naggressive = yes\n", 14,
         "features.aggressive = yes contradicts phase1.modes, which lacks aggressive"},
	{"dpd contradiction", HEAD P1 "dpd = 10\n" P2 "[features]\ndpd = no\n", 14,
         "contradicts phase1.dpd"},
	{"name too long", "[dut]\nname = " X320 "\n", 2, "dut.name: too long"},
	{"line too long", "[dut]\n# " X320 X320 X320 X320 "\n", 2, "line longer than 1023"},
};

static void test_bad_profiles(void)
{
	static struct ik_profile p;
	struct ik_status st;
	char prefix[32];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bool ok = parse(&p, bad[i].text, &st);
		snprintf(prefix, sizeof(prefix), "t.conf:%u: ", bad[i].line);
		bool good_line = !strncmp(st.why, prefix, strlen(prefix));
		bool good_why = strstr(st.why, bad[i].want) != NULL;
		if (ok || !good_line || !good_why)
			fprintf(stderr, "\n  row '%s': ok=%d why='%s' (wanted '%s%s')\n",
			        bad[i].name, ok, st.why, prefix, bad[i].want);
		CU_ASSERT_FALSE(ok);
		CU_ASSERT_TRUE(good_line);
		CU_ASSERT_TRUE(good_why);
		CU_ASSERT_EQUAL(p.psk_len, 0); /* a failed parse leaves no secret behind */
	}
}

/* The rows above share HEAD P1 P2: that base alone must be valid. */
static void test_repeated_section(void)
{
	static struct ik_profile p;
	struct ik_status st;

	CU_ASSERT_TRUE(parse(&p, HEAD P1 P2 "[dut]\n", &st) == false); /* [dut] repeated */
	CU_ASSERT_TRUE(parse(&p, HEAD P1 P2, &st));
	ik_profile_wipe(&p);
}

static void test_get(void)
{
	static struct ik_profile p;
	struct ik_status st;
	char v[512];
	static const struct {
		const char *key, *want;
	} rows[] = {
		{"dut.address", "192.0.2.2"},
		{"dut.port", "4501"},
		{"dut.nat_t_port", "4500"},
		{"tester.nat_t_port", "4600"},
		{"tester.port", "500"},
		{"dut.id", "@dut.example"},
		{"tester.id", "192.0.2.1"},
		{"dut.subnet", "10.2.0.0/24,10.3.0.0/16"},
		{"dut.roles", "responder"},
		{"dut.vendor", "strongswan"},
		{"auth.method", "psk"},
		{"auth.psk", "a #secret; \"quoted\""},
		{"phase1.modes", "main,aggressive"},
		{"phase1.proposals", "aes128-sha1-modp2048,3des-md5-modp1024,aes256-sha512-ecp384"},
		{"phase1.lifetime", "28800"},
		{"phase1.lifetime_policy", "strict"},
		{"phase1.dpd", "30"},
		{"phase2.proposals", "aes128-sha1,aes256gcm16-ecp256,aes128ctr-sha256"},
		{"phase2.pfs", "modp2048"},
		{"phase2.lifetime", "1800"},
		{"phase2.mode", "transport"},
		{"phase2.lifetime_policy", "obey"},
		{"auth.peer_ids", "@branch.example,192.0.2.1,ops@example.org"},
		{"features.aggressive", "yes"},
		{"features.modecfg", "no"},
	};

	CU_ASSERT_TRUE_FATAL(parse(&p, good, &st));
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		CU_ASSERT_TRUE(ik_profile_get(&p, rows[i].key, v, sizeof(v)));
		if (strcmp(v, rows[i].want))
			fprintf(stderr, "\n  %s = '%s', wanted '%s'\n", rows[i].key, v,
			        rows[i].want);
		CU_ASSERT_STRING_EQUAL(v, rows[i].want);
	}
	CU_ASSERT_FALSE(ik_profile_get(&p, "dut.nope", v, sizeof(v)));
	CU_ASSERT_FALSE(ik_profile_get(&p, "address", v, sizeof(v)));
	CU_ASSERT_FALSE(ik_profile_get(&p, "phase1.proposals", v, 10)); /* does not fit */
	/* Every listed key can be read. */
	for (size_t i = 0; ik_profile_key_at(i); i++)
		CU_ASSERT_TRUE(ik_profile_get(&p, ik_profile_key_at(i), v, sizeof(v)));
	ik_profile_wipe(&p);
}

/* psk_file is read relative to the profile's directory, one trailing newline dropped. */
static void test_psk_file(void)
{
	static struct ik_profile p;
	struct ik_status st;
	char dir[] = "/tmp/ik-profile-XXXXXX", path[256], prof[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/lab.psk", dir);
	snprintf(prof, sizeof(prof), "%s/p.conf", dir);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("from-a-file\n", f);
	fclose(f);
	f = fopen(prof, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("[dut]\naddress = 192.0.2.2\n[tester]\naddress = 192.0.2.1\n[auth]\nmethod = psk\n"
	      "psk_file = lab.psk\n" P1 P2,
	      f);
	fclose(f);
	ik_status_clear(&st);
	CU_ASSERT_TRUE(ik_profile_load(&p, prof, &st));
	CU_ASSERT_EQUAL(p.psk_len, 11);
	CU_ASSERT_EQUAL(memcmp(p.psk, "from-a-file", 11), 0);
	CU_ASSERT_STRING_EQUAL(p.psk_file, "lab.psk");
	ik_profile_wipe(&p);
	/* Both psk and psk_file: refused at the second one. */
	f = fopen(prof, "w");
	fputs("[dut]\naddress = 192.0.2.2\n[tester]\naddress = 192.0.2.1\n[auth]\nmethod = psk\n"
	      "psk = x\npsk_file = lab.psk\n" P1 P2,
	      f);
	fclose(f);
	CU_ASSERT_FALSE(ik_profile_load(&p, prof, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, ":8: auth.psk and auth.psk_file are both set"));
	unlink(path);
	unlink(prof);
	rmdir(dir);
	CU_ASSERT_FALSE(ik_profile_load(&p, "/nonexistent/x.conf", &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "/nonexistent/x.conf:0: cannot open"));
}

/* Bytes that are not a profile must give an error, never a crash. */
static void test_garbage(void)
{
	static struct ik_profile p;
	struct ik_status st;
	const char nul[] = "[dut]\naddress = 1\0.2.3.4\n";

	ik_status_clear(&st);
	CU_ASSERT_FALSE(ik_profile_parse(&p, nul, sizeof(nul) - 1, "t.conf", &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "t.conf:2: NUL byte"));
	CU_ASSERT_FALSE(parse(&p, "\xff\xfe[\n", &st));
	CU_ASSERT_FALSE(parse(&p, "", &st)); /* nothing: dut missing */
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "t.conf:0: missing section [dut]"));
}

/* Files written on Windows (CRLF) parse like the rest; a quoted value keeps its inside. */
static void test_crlf(void)
{
	static struct ik_profile p;
	struct ik_status st;
	const char crlf[] =
		"[dut]\r\naddress = 192.0.2.2\r\n[tester]\r\naddress = 192.0.2.1\r\n"
		"[auth]\r\nmethod = psk\r\npsk = \" s \"\r\n[phase1]\r\n"
		"proposals = aes128-sha1-modp2048\r\n[phase2]\r\nproposals = aes128-sha1\r\n";

	CU_ASSERT_TRUE_FATAL(parse(&p, crlf, &st));
	CU_ASSERT_EQUAL(p.psk_len, 3);
	CU_ASSERT_EQUAL(memcmp(p.psk, " s ", 3), 0);
	CU_ASSERT_EQUAL(p.p2.n_prop, 1);
	ik_profile_wipe(&p);
}

/*
 * Mutated profiles (bytes overwritten, lines cut short): every result is either a valid profile
 * or one "t.conf:LINE: reason" message, and ASan/UBSan see no memory error.
 */
static void test_mutations(void)
{
	static struct ik_profile p;
	static const char alphabet[] = "=[]#;\",-/ \n\\@:0a9zZ\t\x01\xff";
	char text[sizeof(good)];
	struct ik_status st;
	uint32_t seed = 12345;
	unsigned ok = 0, failed = 0;

	for (int iter = 0; iter < 3000; iter++) {
		memcpy(text, good, sizeof(good));
		size_t len = sizeof(good) - 1;
		for (int m = 0; m < 1 + iter % 4; m++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % len;
			text[at] = alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
		}
		if (iter % 7 == 0)
			len = (seed >> 4) % len;
		ik_status_clear(&st);
		if (ik_profile_parse(&p, text, len, "t.conf", &st)) {
			ok++;
			ik_profile_wipe(&p);
			continue;
		}
		failed++;
		bool shaped = !strncmp(st.why, "t.conf:", 7) && strstr(st.why + 7, ": ");
		if (!shaped)
			fprintf(stderr, "\n  unshaped error: '%s'\n", st.why);
		CU_ASSERT_TRUE(shaped);
	}
	CU_ASSERT(failed > 1000); /* the mutations do break profiles... */
	CU_ASSERT(ok > 10);       /* ...and some (comments, names) survive */
}

/* The value parsers on their own: durations and subnets at their edges. */
static void test_value_parsers(void)
{
	static const struct {
		const char *text;
		bool ok;
		uint32_t secs;
	} dur[] = {
		{"0", true, 0},           {"45s", true, 45},    {"30m", true, 1800},
		{"8h", true, 28800},      {"1d", true, 86400},  {"4294967295", true, 4294967295u},
		{"4294967296", false, 0}, {"49711d", false, 0}, {"h", false, 0},
		{"-1", false, 0},         {"1.5h", false, 0},   {"8 h", false, 0},
		{"", false, 0},           {"+5", false, 0},
	};
	static const struct {
		const char *text;
		bool ok;
		uint8_t prefix;
	} net[] = {
		{"10.0.0.0/8", true, 8},
		{"0.0.0.0/0", true, 0},
		{"192.0.2.7", true, 32},
		{"2001:db8::/32", true, 32},
		{"2001:db8::1", true, 128},
		{"10.0.0.0/", false, 0},
		{"10.0.0.0/-1", false, 0},
		{"10.0.0.1/31", false, 0},
		{"2001:db8::/129", false, 0},
		{"10.0.0/8", false, 0},
		{"/8", false, 0},
	};
	uint32_t s;
	struct ik_subnet sn;

	for (size_t i = 0; i < sizeof(dur) / sizeof(dur[0]); i++) {
		CU_ASSERT_EQUAL(ik_duration_parse(dur[i].text, &s), dur[i].ok);
		if (dur[i].ok)
			CU_ASSERT_EQUAL(s, dur[i].secs);
	}
	for (size_t i = 0; i < sizeof(net) / sizeof(net[0]); i++) {
		bool ok = ik_subnet_parse(&sn, net[i].text);
		if (ok != net[i].ok)
			fprintf(stderr, "\n  subnet '%s': %d\n", net[i].text, ok);
		CU_ASSERT_EQUAL(ok, net[i].ok);
		if (net[i].ok)
			CU_ASSERT_EQUAL(sn.prefix, net[i].prefix);
	}
}
/* peer_ids = any (or strongSwan's %any) accepts every identity; a list compares typed values. */
static void test_peer_ids(void)
{
	static struct ik_profile p;
	struct ik_status st;
	struct ik_ident id;
	const char *why;
	char v[256];

	CU_ASSERT_TRUE_FATAL(parse(&p, HEAD "peer_ids = %any\n" P1 P2, &st));
	CU_ASSERT_TRUE(p.peer_ids.any);
	CU_ASSERT_TRUE(ik_profile_get(&p, "auth.peer_ids", v, sizeof(v)));
	CU_ASSERT_STRING_EQUAL(v, "any");
	CU_ASSERT_TRUE(ik_ident_parse(&id, "@stranger.example", &why));
	CU_ASSERT_TRUE(ik_profile_accepts_id(&p, &id));
	CU_ASSERT_TRUE_FATAL(parse(&p, HEAD "peer_ids = 192.0.2.1, @Branch.Example\n" P1 P2, &st));
	CU_ASSERT_FALSE(ik_profile_accepts_id(&p, &id));
	CU_ASSERT_TRUE(ik_ident_parse(&id, "fqdn:branch.example", &why));
	CU_ASSERT_TRUE(ik_profile_accepts_id(&p, &id)); /* DNS names ignore case */
	CU_ASSERT_TRUE(ik_ident_parse(&id, "branch.example@x", &why));
	CU_ASSERT_FALSE(ik_profile_accepts_id(&p, &id)); /* another type */
	/* An IPv4-mapped IPv6 address is another identity: the tester's own must be listed too. */
	CU_ASSERT_FALSE(parse(&p, HEAD "peer_ids = ::ffff:192.0.2.1\n" P1 P2, &st));
	ik_profile_wipe(&p);
}

static const struct ik_test tests[] = {
	{"good profile lands as numbers", test_good_profile_fields},
	{"defaults", test_defaults},
	{"identities in strongSwan syntax", test_identities},
	{"each broken profile: FILE:LINE: reason", test_bad_profiles},
	{"repeated section refused, valid one parses", test_repeated_section},
	{"get prints normalized values", test_get},
	{"peer_ids: any, or a list holding the tester", test_peer_ids},
	{"psk_file relative to the profile", test_psk_file},
	{"garbage input", test_garbage},
	{"CRLF line ends", test_crlf},
	{"value parsers: durations, subnets", test_value_parsers},
	{"mutated profiles: valid or FILE:LINE", test_mutations},
};

IK_TEST_MAIN("profile", tests)
