/*
 * Unit tests of the configuration emitters (suite/emit_*.c): each case renders a profile and
 * asserts the lines that matter (leading blanks ignored), and what goes to the warning stream.
 */
#include "cunit.h"
#include "emit.h"
#include "pki.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The proposals of the XAUTH profiles below, one line each phase. */
#define P12 "[phase1]\nproposals = aes128-sha1-modp2048\n[phase2]\nproposals = aes128-sha1\n"
#define BASE                                                                 \
	"[dut]\naddress = 192.0.2.2\nsubnet = 10.2.0.0/24\n"                 \
	"[tester]\naddress = 192.0.2.1\nsubnet = 10.1.0.0/24, 10.9.0.0/16\n" \
	"[auth]\nmethod = psk\npsk = \"lab-secret\"\n"

static const char lab[] = BASE
	"[phase1]\nmodes = main, aggressive\n"
	"proposals = aes128-sha1-modp2048, aes256-sha256-modp2048\n"
	"lifetime = 8h\ndpd = 30\n"
	"[phase2]\nproposals = aes128-sha1, aes256gcm16\npfs = modp2048\n"
	"lifetime = 1h\nlifetime_kb = 4608000\n";

typedef bool (*emit_fn)(const struct ik_profile *, const struct ik_emit_opts *, FILE *, FILE *,
                        struct ik_status *);

struct rendered {
	bool ok;
	char *out, *warn;
	size_t out_len, warn_len;
	struct ik_status st;
};

static struct ik_profile prof;
static struct rendered r;

static void release(void)
{
	free(r.out);
	free(r.warn);
	memset(&r, 0, sizeof(r));
}

/* Parse text and render it with fn for side/role; results in r. */
static void render(emit_fn fn, const char *text, enum ik_emit_side side, bool initiator)
{
	struct ik_status st;
	struct ik_emit_opts o = {.side = side, .initiator = initiator, .name = "lab"};

	release();
	ik_status_clear(&st);
	if (!ik_profile_parse(&prof, text, strlen(text), "lab.conf", &st)) {
		fprintf(stderr, "\n  profile did not parse: %s\n", st.why);
		CU_FAIL_FATAL("profile did not parse");
	}
	FILE *out = open_memstream(&r.out, &r.out_len);
	FILE *warn = open_memstream(&r.warn, &r.warn_len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(out);
	CU_ASSERT_PTR_NOT_NULL_FATAL(warn);
	r.ok = fn(&prof, &o, out, warn, &r.st);
	fclose(out);
	fclose(warn);
	ik_profile_wipe(&prof);
}

/* True when some line of text, leading blanks skipped, equals line. */
static bool has_line(const char *text, const char *line)
{
	for (const char *p = text; p && *p;) {
		const char *end = strchr(p, '\n');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		if (n == strlen(line) && !memcmp(p, line, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

static void expect_lines(const char *const *lines)
{
	for (size_t i = 0; lines[i]; i++) {
		bool found = has_line(r.out, lines[i]);
		if (!found)
			fprintf(stderr, "\n  missing line '%s' in:\n%s", lines[i], r.out);
		CU_ASSERT_TRUE(found);
	}
}

static void expect_absent(const char *line)
{
	CU_ASSERT_FALSE(has_line(r.out, line));
}

static void test_swanctl_dut_responder(void)
{
	static const char *const lines[] = {
		"connections {",
		"lab {",
		"version = 1",
		"local_addrs = 192.0.2.2",
		"remote_addrs = 192.0.2.1",
		"proposals = aes128-sha1-modp2048,aes256-sha256-modp2048",
		"rekey_time = 25920s", /* + over_time = 28800, what charon proposes */
		"over_time = 2880s",
		"dpd_delay = 30s",
		"auth = psk",
		"id = 192.0.2.2",
		"id = 192.0.2.1",
		"local_ts = 10.2.0.0/24",
		"remote_ts = 10.1.0.0/24,10.9.0.0/16",
		"esp_proposals = aes128-sha1-modp2048,aes256gcm16-modp2048",
		"mode = tunnel",
		"life_time = 3600s",
		"life_bytes = 4608000000", /* charon proposes life_bytes / 1000 KB */
		"rekey_bytes = 4147200000",
		"rand_bytes = 0",
		"start_action = none",
		"ike-lab {",
		"id-1 = 192.0.2.2",
		"id-2 = 192.0.2.1",
		"secret = \"lab-secret\"",
		NULL,
	};
	render(ik_emit_swanctl, lab, IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	expect_lines(lines);
	expect_absent("aggressive = yes"); /* main and aggressive: initiate main */
	expect_absent("local_port = 500");
	CU_ASSERT_EQUAL(r.warn_len, 0);
}

static void test_swanctl_tester_initiator(void)
{
	static const char *const lines[] = {
		"local_addrs = 192.0.2.1",
		"remote_addrs = 192.0.2.2",
		"local_ts = 10.1.0.0/24,10.9.0.0/16",
		"remote_ts = 10.2.0.0/24",
		"start_action = start",
		"id-1 = 192.0.2.1",
		NULL,
	};
	render(ik_emit_swanctl, lab, IK_SIDE_TESTER, true);
	CU_ASSERT_TRUE_FATAL(r.ok);
	expect_lines(lines);
}

static void test_swanctl_variants(void)
{
	static const char text[] =
		"[dut]\naddress = 192.0.2.2\nport = 4501\nid = @dut.example\n"
		"[tester]\naddress = 192.0.2.1\nport = 4502\nid = ops@example.org\n"
		"[auth]\nmethod = psk\npsk = \"q\\\"x\"\n"
		"[phase1]\nmodes = aggressive\nproposals = 3des-md5-modp1024\nlifetime = 5\n"
		"[phase2]\nproposals = aes128ctr-sha512-ecp384, null-sha1\nmode = transport\n"
		"[features]\nnat_t = no\nanti_replay = no\n";
	static const char *const lines[] = {
		"aggressive = yes",
		"replay_window = 0", /* features.anti_replay = no, stated (RFC 4303 3.4.3) */
		"local_port = 4501",
		"remote_port = 4502",
		"proposals = 3des-md5-modp1024",
		"rekey_time = 4s",
		"over_time = 1s",
		"id = @dut.example",
		"id = ops@example.org",
		"esp_proposals = aes128ctr-sha512-ecp384,null-sha1",
		"mode = transport",
		"secret = 0x712278", /* a quote in the PSK: written as hex */
		NULL,
	};
	render(ik_emit_swanctl, text, IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	expect_lines(lines);
	CU_ASSERT_PTR_NULL(strstr(r.out, "local_ts")); /* no subnets: host to host */
	CU_ASSERT_PTR_NULL(strstr(r.out, "_bytes"));   /* no phase2.lifetime_kb: no volume */
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warn, "nat_t = no"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "charon.port = 4501"));
	/* Transport mode with subnets in the profile: selectors are the hosts, with a warning. */
	render(ik_emit_swanctl,
	       BASE
	       "[phase1]\nproposals = aes128-sha1-modp2048\n"
	       "[phase2]\nproposals = aes128-sha1\nmode = transport\n",
	       IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	CU_ASSERT_PTR_NULL(strstr(r.out, "local_ts"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warn, "transport mode: subnets left out"));
	CU_ASSERT_PTR_NULL(strstr(r.out, "replay_window")); /* anti_replay not stated: default */
}

static void test_libreswan_conf(void)
{
	static const char *const lines[] = {
		"config setup",
		"ikev1-policy=accept",
		"conn lab",
		"ikev2=no",
		"authby=secret",
		"left=192.0.2.2",
		"leftid=192.0.2.2",
		"leftsubnet=10.2.0.0/24",
		"right=192.0.2.1",
		"rightid=192.0.2.1",
		"rightsubnets={10.1.0.0/24 10.9.0.0/16}",
		"ike=aes128-sha1;modp2048,aes256-sha2_256;modp2048",
		"esp=aes128-sha1;modp2048,aes_gcm256-null;modp2048",
		"pfs=yes",
		"ikelifetime=28800s",
		"salifetime=3600s",
		"ipsec-max-bytes=4718592000",
		"type=tunnel",
		"dpddelay=30s",
		"encapsulation=auto",
		"auto=add",
		NULL,
	};
	render(ik_emit_libreswan_conf, lab, IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	expect_lines(lines);
	expect_absent("aggressive=yes");
	CU_ASSERT_EQUAL(r.warn_len, 0);
	render(ik_emit_libreswan_conf, lab, IK_SIDE_TESTER, true);
	CU_ASSERT_TRUE_FATAL(r.ok);
	static const char *const mirror[] = {"left=192.0.2.1",
	                                     "leftsubnets={10.1.0.0/24 10.9.0.0/16}",
	                                     "rightsubnet=10.2.0.0/24", "auto=start", NULL};
	expect_lines(mirror);
}

/* What Libreswan 4.10 cannot do is left out with a warning; nothing usable is an error. */
static void test_libreswan_limits(void)
{
	static const char text[] = BASE
		"[phase1]\nmodes = aggressive\n"
		"proposals = 3des-sha1-modp1024, des-md5-modp2048, aes128-sha1-ecp256\n"
		"[phase2]\nproposals = aes128-sha1, aes256-sha1-modp3072, 3des-md5-modp1024, "
		"aes128gcm16\npfs = none\n[features]\nnat_t = no\n";
	static const char *const lines[] = {"ike=aes128-sha1;dh19",
	                                    "esp=aes128-sha1,aes_gcm128-null",
	                                    "pfs=no",
	                                    "aggressive=yes",
	                                    "encapsulation=no",
	                                    NULL};
	render(ik_emit_libreswan_conf, text, IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	expect_lines(lines);
	CU_ASSERT_PTR_NULL(strstr(r.out, "ipsec-max-bytes")); /* no phase2.lifetime_kb */
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warn,
	                              "3des-sha1-modp1024 left out: Libreswan 4.10 has no "
	                              "modp1024"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(r.warn, "des-md5-modp2048 left out: Libreswan 4.10 has no des"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warn,
	                              "aes256-sha1-modp3072 left out: Libreswan allows one "
	                              "PFS group per conn"));
	/* Aggressive mode offers one DH group: the first usable proposal's. */
	static const char am[] = BASE
		"[phase1]\nmodes = aggressive\n"
		"proposals = aes128-sha1-modp2048, aes256-sha1-ecp256, "
		"aes256-sha256-modp2048\n[phase2]\nproposals = aes128-sha1\n";
	render(ik_emit_libreswan_conf, am, IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	CU_ASSERT_TRUE(has_line(r.out, "ike=aes128-sha1;modp2048,aes256-sha2_256;modp2048"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warn, "aes256-sha1-ecp256 left out: aggressive mode"));
	static const char none[] = BASE
		"[phase1]\nproposals = 3des-sha1-modp1024\n"
		"[phase2]\nproposals = aes128-sha1\n";
	render(ik_emit_libreswan_conf, none, IK_SIDE_DUT, false);
	CU_ASSERT_FALSE(r.ok);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.st.why, "no phase 1 proposal"));
}

static void test_libreswan_secrets(void)
{
	render(ik_emit_libreswan_secrets, lab, IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	CU_ASSERT_TRUE(has_line(r.out, "192.0.2.2 192.0.2.1 : PSK \"lab-secret\""));
	render(ik_emit_libreswan_secrets, lab, IK_SIDE_TESTER, false);
	CU_ASSERT_TRUE(has_line(r.out, "192.0.2.1 192.0.2.2 : PSK \"lab-secret\""));
}

/*
 * XAUTH and mode-config (docs/xauth.md): the responder of features.xauth is the gateway, the
 * initiator of features.xauth_client the client (leftxauthclient, leftusername, pull unless
 * modecfg.push; no leftsubnet: its side is the address it is given) and its password is in
 * ipsec.secrets (ipsec.secrets(5) "@username : XAUTH \"password\""); the gateway's is not.
 */
static void test_libreswan_xauth(void)
{
	static const char client[] = BASE P12
		"[features]\nxauth_client = yes\nmodecfg = yes\n"
		"[xauth]\nuser = joe\npassword = foobar\n"
		"[modecfg]\npool = 10.9.0.10\n";
	static const char *const cli_lines[] = {
		"leftxauthclient=yes",
		"rightxauthserver=yes",
		"leftusername=joe",
		"leftmodecfgclient=yes",
		"rightmodecfgserver=yes",
		"modecfgpull=yes",
		"auto=start",
		NULL,
	};
	render(ik_emit_libreswan_conf, client, IK_SIDE_DUT, true);
	CU_ASSERT_TRUE_FATAL(r.ok);
	expect_lines(cli_lines);
	expect_absent("leftsubnet=10.2.0.0/24");
	expect_absent("leftxauthserver=yes");
	CU_ASSERT_EQUAL(r.warn_len, 0);
	render(ik_emit_libreswan_secrets, client, IK_SIDE_DUT, true);
	CU_ASSERT_TRUE(has_line(r.out, "@joe : XAUTH \"foobar\""));
	/* ipsec.secrets(5): a quoted secret "cannot contain a newline or double-quote", and "XAUTH
	 * is otherwise identical to PSK in syntax": such a password goes as 0x-hex (ttodata(3)),
	 * as does one starting with 0x, which swanctl would read as hex even quoted */
	static const char quote[] = BASE P12
		"[features]\nxauth_client = yes\n"
		"[xauth]\nuser = joe\npassword = foo\"bar\n";
	render(ik_emit_libreswan_secrets, quote, IK_SIDE_DUT, true);
	CU_ASSERT_TRUE_FATAL(r.ok);
	CU_ASSERT_TRUE(has_line(r.out, "@joe : XAUTH 0x666f6f22626172"));
	render(ik_emit_swanctl, quote, IK_SIDE_DUT, true);
	CU_ASSERT_TRUE_FATAL(r.ok);
	CU_ASSERT_TRUE(has_line(r.out, "secret = 0x666f6f22626172"));
	static const char hexlike[] = BASE P12
		"[features]\nxauth_client = yes\n"
		"[xauth]\nuser = joe\npassword = 0x41\n";
	render(ik_emit_libreswan_secrets, hexlike, IK_SIDE_DUT, true);
	CU_ASSERT_TRUE(has_line(r.out, "@joe : XAUTH 0x30783431"));
	/* as the responder the same profile claims no gateway: neither side of XAUTH */
	render(ik_emit_libreswan_conf, client, IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	expect_absent("leftxauthclient=yes");
	expect_absent("leftxauthserver=yes");
	CU_ASSERT_TRUE(has_line(r.out, "leftsubnet=10.2.0.0/24"));
	render(ik_emit_libreswan_secrets, client, IK_SIDE_DUT, false);
	CU_ASSERT_PTR_NULL(strstr(r.out, "XAUTH"));
	/* push mode (draft-dukes-ike-mode-cfg-02 2): the client waits for the SET */
	static const char push[] = BASE P12
		"[features]\nxauth_client = yes\nmodecfg = yes\n"
		"[xauth]\nuser = joe\npassword = foobar\n"
		"[modecfg]\npool = 10.9.0.10\npush = yes\n";
	render(ik_emit_libreswan_conf, push, IK_SIDE_DUT, true);
	CU_ASSERT_TRUE_FATAL(r.ok);
	CU_ASSERT_TRUE(has_line(r.out, "modecfgpull=no"));
	/* the gateway: passwd file, pool in place of rightsubnet, no XAUTH secret */
	static const char gw[] = BASE P12
		"[features]\nxauth = yes\nmodecfg = yes\n"
		"[xauth]\nuser = joe\npassword = foobar\n"
		"[modecfg]\npool = 10.9.0.10\n";
	static const char *const gw_lines[] = {
		"leftxauthserver=yes",
		"rightxauthclient=yes",
		"xauthby=file",
		"leftmodecfgserver=yes",
		"modecfgpull=yes",
		"rightaddresspool=10.9.0.10-10.9.0.10",
		NULL,
	};
	render(ik_emit_libreswan_conf, gw, IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	expect_lines(gw_lines);
	expect_absent("rightsubnets={10.1.0.0/24 10.9.0.0/16}");
	render(ik_emit_libreswan_secrets, gw, IK_SIDE_DUT, false);
	CU_ASSERT_PTR_NULL(strstr(r.out, "XAUTH"));
	/* the gateway profile's initiator is its client */
	render(ik_emit_libreswan_conf, gw, IK_SIDE_DUT, true);
	CU_ASSERT_TRUE_FATAL(r.ok);
	CU_ASSERT_TRUE(has_line(r.out, "leftxauthclient=yes"));
}

static void test_ios(void)
{
	static const char *const lines[] = {
		"crypto isakmp policy 10",
		"encr aes 128",
		"hash sha",
		"authentication pre-share",
		"group 14",
		"lifetime 28800",
		"crypto isakmp policy 20",
		"encr aes 256",
		"hash sha256",
		"crypto isakmp key lab-secret address 192.0.2.1",
		"crypto isakmp keepalive 30 periodic",
		"crypto ipsec transform-set lab-ts1 esp-aes 128 esp-sha-hmac",
		"crypto ipsec transform-set lab-ts2 esp-gcm 256",
		"mode tunnel",
		"ip access-list extended lab-acl",
		"permit ip 10.2.0.0 0.0.0.255 10.1.0.0 0.0.0.255",
		"permit ip 10.2.0.0 0.0.0.255 10.9.0.0 0.0.255.255",
		"crypto map lab 10 ipsec-isakmp",
		"set peer 192.0.2.1",
		"set transform-set lab-ts1 lab-ts2",
		"set pfs group14",
		"set security-association lifetime seconds 3600",
		"set security-association lifetime kilobytes 4608000",
		"match address lab-acl",
		NULL,
	};
	render(ik_emit_ios, lab, IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	expect_lines(lines);
	expect_absent("crypto isakmp aggressive-mode disable");
	CU_ASSERT_EQUAL(r.warn_len, 0);
}

static void test_ios_limits(void)
{
	static const char text[] =
		"[dut]\naddress = 192.0.2.2\n[tester]\naddress = 192.0.2.1\n"
		"[auth]\nmethod = psk\npsk = k\n"
		"[phase1]\nproposals = aes128-sha1-modp8192, 3des-md5-modp1024\nlifetime = 30\n"
		"[phase2]\nproposals = aes128ctr-sha1, 3des-md5, "
		"aes128-sha1-ecp256\nmode = transport\nlifetime_kb = 100\n";
	static const char *const lines[] = {
		"crypto isakmp policy 10",
		"encr 3des",
		"hash md5",
		"group 2",
		"lifetime 30",
		"crypto isakmp aggressive-mode disable",
		"mode transport",
		"crypto ipsec transform-set lab-ts1 esp-3des esp-md5-hmac",
		"permit ip host 192.0.2.2 host 192.0.2.1",
		"set transform-set lab-ts1",
		NULL,
	};
	render(ik_emit_ios, text, IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	expect_lines(lines);
	expect_absent("crypto isakmp policy 20");
	CU_ASSERT_PTR_NULL(strstr(r.out, "set pfs"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warn, "phase1.lifetime 30 is outside IOS"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warn, "phase2.lifetime_kb 100 is under IOS's 2560"));
	CU_ASSERT_TRUE(has_line(r.out, "set security-association lifetime kilobytes 100"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(r.warn, "aes128-sha1-modp8192 left out: IOS has no modp8192"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warn, "aes128ctr-sha1 left out: IOS has no aes128ctr"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warn, "aes128-sha1-ecp256 left out: one PFS group"));

	static const char v6[] =
		"[dut]\naddress = 2001:db8::2\n[tester]\naddress = 2001:db8::1\n"
		"[auth]\nmethod = psk\npsk = k\n"
		"[phase1]\nproposals = aes128-sha1-modp2048\n"
		"[phase2]\nproposals = aes128-sha1\n";
	render(ik_emit_ios, v6, IK_SIDE_DUT, false);
	CU_ASSERT_FALSE(r.ok);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.st.why, "only IPv4"));

	static const char blank[] =
		"[dut]\naddress = 192.0.2.2\n[tester]\naddress = 192.0.2.1\n"
		"[auth]\nmethod = psk\npsk = \"two words\"\n"
		"[phase1]\nproposals = aes128-sha1-modp2048\n"
		"[phase2]\nproposals = aes128-sha1\n";
	render(ik_emit_ios, blank, IK_SIDE_DUT, false);
	CU_ASSERT_FALSE(r.ok);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.st.why, "PSK"));
	release();
}

/* auth.peer_ids on each target: %any, or the list (what the target can express). */
#define PEERS(ids)                                                                          \
	"[dut]\naddress = 192.0.2.2\n[tester]\naddress = 192.0.2.1\n[auth]\nmethod = psk\n" \
	"psk = k\npeer_ids = " ids                                                          \
	"\n[phase1]\nproposals = aes128-sha1-modp2048\n"                                    \
	"[phase2]\nproposals = aes128-sha1\n"

static void test_peer_ids(void)
{
	static const char any[] = PEERS("any");
	static const char list[] = PEERS("192.0.2.1, @branch.example, @#0a0b");
	static const char *const swan_any[] = {"id = %any", "id-1 = 192.0.2.2", "id-2 = %any",
	                                       NULL};
	static const char *const swan_list[] = {"id = 192.0.2.1", "id-2 = 192.0.2.1",
	                                        "id-3 = @branch.example", "id-4 = @#0a0b", NULL};
	static const char *const lsw_list[] = {
		"rightid=192.0.2.1", "conn lab-peer2", "also=lab", "rightid=@branch.example",
		"conn lab-peer3",    "rightid=@#0a0b", NULL};
	static const char *const ios_list[] = {"crypto isakmp profile lab-peers",
	                                       "match identity address 192.0.2.1 255.255.255.255",
	                                       "match identity host branch.example",
	                                       "set isakmp-profile lab-peers", NULL};

	render(ik_emit_swanctl, any, IK_SIDE_DUT, false);
	expect_lines(swan_any);
	CU_ASSERT_EQUAL(r.warn_len, 0);
	render(ik_emit_swanctl, list, IK_SIDE_DUT, false);
	expect_lines(swan_list);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warn, "@branch.example left out of the connection"));
	render(ik_emit_swanctl, any, IK_SIDE_TESTER,
	       false); /* the DUT's policy, not the tester's */
	CU_ASSERT_TRUE(has_line(r.out, "id = 192.0.2.2"));
	CU_ASSERT_FALSE(has_line(r.out, "id = %any"));
	render(ik_emit_libreswan_conf, any, IK_SIDE_DUT, false);
	CU_ASSERT_TRUE(has_line(r.out, "rightid=%any"));
	render(ik_emit_libreswan_conf, list, IK_SIDE_DUT, false);
	expect_lines(lsw_list);
	render(ik_emit_libreswan_secrets, any, IK_SIDE_DUT, false);
	CU_ASSERT_TRUE(has_line(r.out, "192.0.2.2 %any : PSK \"k\""));
	render(ik_emit_libreswan_secrets, list, IK_SIDE_DUT, false);
	CU_ASSERT_TRUE(has_line(r.out, "192.0.2.2 192.0.2.1 @branch.example @#0a0b : PSK \"k\""));
	render(ik_emit_ios, list, IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	expect_lines(ios_list);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warn, "@#0a0b left out: IOS cannot match"));
	render(ik_emit_ios, any, IK_SIDE_DUT, false);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warn, "auth.peer_ids = any is not expressible"));
	expect_absent("set isakmp-profile lab-peers");
	release();
}

/* An rsa-sig profile over the harness PKI (tests/pki.h); dut_files: the DUT's cert and key. */
static const char *rsa_profile(bool dut_files)
{
	static char text[2048];
	const char *d = ik_pki();

	CU_ASSERT_NOT_EQUAL_FATAL(d[0], '\0');
	snprintf(text, sizeof(text),
	         "[dut]\naddress = 192.0.2.2\n%s%s%s%s%s%s%s"
	         "[tester]\naddress = 192.0.2.1\ncert = %s/tester.pem\nkey = %s/tester.key\n"
	         "chain = %s/inter-ca.pem\n"
	         "[auth]\nmethod = rsa-sig\nca = %s/root-ca.pem\ncrl = %s/inter-ca.crl\n"
	         "id_type = fqdn\n"
	         "[phase1]\nproposals = aes128-sha1-modp2048\n[phase2]\nproposals = aes128-sha1\n",
	         dut_files ? "cert = " : "", dut_files ? d : "",
	         dut_files ? "/dut.pem\nkey = " : "", dut_files ? d : "",
	         dut_files ? "/dut.key\nchain = " : "", dut_files ? d : "",
	         dut_files ? "/inter-ca.pem\n" : "", d, d, d, d, d);
	return text;
}

/* rsa-sig in each target: pubkey + certs, rsasig + NSS import, rsa-sig + trustpoint. */
static void test_rsa_sig(void)
{
	static const char *const sw[] = {"auth = pubkey",
	                                 "certs = dut.pem",
	                                 "cacerts = root-ca.pem",
	                                 "send_cert = always",
	                                 "id = @dut.ikecheck.test",
	                                 "id = @tester.ikecheck.test",
	                                 NULL};
	static const char *const ls[] = {"authby=rsasig",
	                                 "leftcert=dut",
	                                 "leftrsasigkey=%cert",
	                                 "rightrsasigkey=%cert",
	                                 "leftid=@dut.ikecheck.test",
	                                 NULL};
	static const char *const ios[] = {
		"authentication rsa-sig", "crypto isakmp identity hostname",
		"crypto pki trustpoint lab-ca", "revocation-check crl none", NULL};

	render(ik_emit_swanctl, rsa_profile(true), IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	expect_lines(sw);
	CU_ASSERT_PTR_NULL(strstr(r.out, "secrets {")); /* the key is a file in private/ */
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "/dut.key /etc/swanctl/private/"));
	render(ik_emit_libreswan_conf, rsa_profile(true), IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	expect_lines(ls);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "pk12util -i dut.p12 -d sql:/var/lib/ipsec/nss"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "certutil -A -d sql:/var/lib/ipsec/nss"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "-certfile "));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(r.out, "crlutil -I -d sql:/var/lib/ipsec/nss -i ikecheck-ca.crl"));
	render(ik_emit_libreswan_secrets, rsa_profile(true), IK_SIDE_DUT, false);
	CU_ASSERT_TRUE(r.ok);
	CU_ASSERT_PTR_NULL(strstr(r.out, "PSK"));
	render(ik_emit_ios, rsa_profile(true), IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	expect_lines(ios);
	expect_absent("authentication pre-share");
	CU_ASSERT_PTR_NULL(strstr(r.out, "crypto isakmp key"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.warn, "auth.crl"));
	/* The tester side always has its files; the DUT side needs them in the profile. */
	render(ik_emit_swanctl, rsa_profile(false), IK_SIDE_TESTER, true);
	CU_ASSERT_TRUE(r.ok);
	CU_ASSERT_TRUE(has_line(r.out, "certs = tester.pem"));
	render(ik_emit_ios, rsa_profile(false), IK_SIDE_DUT, false);
	CU_ASSERT_FALSE(r.ok);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.st.why, "needs dut.cert and dut.key"));
	release();
}

/* rsa_profile(true) with dut.peer_cert = FILE of the PKI in [dut]. */
static const char *peer_cert_profile(const char *file)
{
	static char text[2600];
	const char *base = rsa_profile(true), *t = strstr(base, "[tester]");

	snprintf(text, sizeof(text), "%.*speer_cert = %s/%s\n%s", (int)(t - base), base, ik_pki(),
	         file, t);
	return text;
}

/* dut.peer_cert (CERT-POS-007): the tester's certificate held by the DUT, as swanctl remote
 * certs and Libreswan rightcert with the NSS import; nothing of it on the tester's side. A
 * file that is not tester.cert's certificate is refused, naming the key. */
static void test_peer_cert(void)
{
	render(ik_emit_swanctl, peer_cert_profile("tester.pem"), IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	CU_ASSERT_TRUE(has_line(r.out, "certs = dut.pem"));
	CU_ASSERT_TRUE(has_line(r.out, "certs = tester.pem"));
	CU_ASSERT_PTR_NOT_NULL(strstr(r.out, "/tester.pem /etc/swanctl/x509/"));
	render(ik_emit_libreswan_conf, peer_cert_profile("tester.pem"), IK_SIDE_DUT, false);
	CU_ASSERT_TRUE_FATAL(r.ok);
	CU_ASSERT_TRUE(has_line(r.out, "rightcert=tester"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(r.out, "certutil -A -d sql:/var/lib/ipsec/nss -n tester -t \",,\""));
	render(ik_emit_libreswan_conf, peer_cert_profile("tester.pem"), IK_SIDE_TESTER, true);
	CU_ASSERT_TRUE_FATAL(r.ok);
	CU_ASSERT_PTR_NULL(strstr(r.out, "rightcert="));
	render(ik_emit_swanctl, peer_cert_profile("tester.pem"), IK_SIDE_TESTER, true);
	CU_ASSERT_TRUE_FATAL(r.ok);
	CU_ASSERT_PTR_NULL(strstr(r.out, "x509/   (the tester's"));

	struct ik_status st;
	const char *bad = peer_cert_profile("dut.pem");
	ik_status_clear(&st);
	CU_ASSERT_FALSE(ik_profile_parse(&prof, bad, strlen(bad), "lab.conf", &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "dut.peer_cert: "));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "is not the certificate of tester.cert"));
	ik_profile_wipe(&prof);
	release();
}

/* An XAUTH user the generated configs cannot carry unquoted (a blank, '#', '@') is refused by
 * every renderer with a clear error, not written into a config the peer reads otherwise. */
static void test_xauth_user_unrenderable(void)
{
	static const char *const users[] = {"jo e", "joe#1", "joe@lab", "joe\"x"};
	static const emit_fn fns[] = {ik_emit_swanctl, ik_emit_libreswan_conf,
	                              ik_emit_libreswan_secrets};
	char text[512];
	for (size_t u = 0; u < sizeof(users) / sizeof(users[0]); u++)
		for (size_t f = 0; f < sizeof(fns) / sizeof(fns[0]); f++) {
			snprintf(text, sizeof(text),
			         BASE P12
			         "[features]\nxauth_client = yes\n"
			         "[xauth]\nuser = %s\npassword = foobar\n",
			         users[u]);
			render(fns[f], text, IK_SIDE_DUT, true);
			CU_ASSERT_FALSE(r.ok);
			CU_ASSERT_PTR_NOT_NULL(strstr(r.st.why, "cannot carry unquoted"));
		}
	/* the characters it allows go through */
	render(ik_emit_swanctl,
	       BASE P12 "[features]\nxauth_client = yes\n[xauth]\nuser = j.o_e+1-x\npassword = f\n",
	       IK_SIDE_DUT, true);
	CU_ASSERT_TRUE(r.ok);
	CU_ASSERT_TRUE(has_line(r.out, "xauth_id = j.o_e+1-x"));
}

static const struct ik_test tests[] = {
	{"swanctl: dut as responder", test_swanctl_dut_responder},
	{"swanctl: tester as initiator (mirror)", test_swanctl_tester_initiator},
	{"swanctl: ports, ids, aggressive, transport, hex psk", test_swanctl_variants},
	{"libreswan: ipsec.conf", test_libreswan_conf},
	{"libreswan: what 4.10 cannot do", test_libreswan_limits},
	{"libreswan: ipsec.secrets", test_libreswan_secrets},
	{"libreswan: XAUTH client and gateway", test_libreswan_xauth},
	{"xauth.user the configs cannot carry: refused", test_xauth_user_unrenderable},
	{"ios: classic crypto map", test_ios},
	{"ios: what IOS cannot do", test_ios_limits},
	{"peer_ids: %any or the list, per target", test_peer_ids},
	{"rsa-sig: certificates in swanctl, Libreswan (NSS) and IOS", test_rsa_sig},
	{"rsa-sig: dut.peer_cert, the tester's certificate held by the DUT", test_peer_cert},
};

IK_TEST_MAIN("profile_emit", tests)
