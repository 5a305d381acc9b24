/*
 * The known-answer families through the same runner `ikecheck vectors` uses (suite/kat.h),
 * one CUnit assertion per family naming the first failing case; plus the vector file parser.
 */
#include "cunit.h"

#include "kat.h"
#include "kat_internal.h"

#include <stdio.h>
#include <string.h>

static struct ik_kat_tally run_family(const char *name)
{
	struct ik_kat_tally t;
	char msg[IK_KAT_WHY + 700];
	const struct ik_kat_family *f = ik_kat_find(name);

	memset(&t, 0, sizeof(t));
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	enum ik_kat_result r = ik_kat_run(f, "vectors", &t, NULL, NULL);
	snprintf(msg, sizeof(msg), "%s: %u passed, %u failed%s%s%s%s", name, t.passed, t.failed,
	         t.missing ? "; missing " : "", t.missing ? t.missing_file : "",
	         t.first_failure[0] ? "; first failure: " : "", t.first_failure);
	CU_assertImplementation(r == IK_KAT_PASS && t.passed > 0 && t.failed == 0, __LINE__, msg,
	                        __FILE__, "", CU_FALSE);
	return t;
}

static void test_ikev1_psk(void)
{
	CU_ASSERT_EQUAL(run_family("ikev1-psk").passed, 1700);
}

static void test_ikev1_dsa(void)
{
	CU_ASSERT_EQUAL(run_family("ikev1-dsa").passed, 1700);
}

#define FAMILY(fn, name)          \
	static void fn(void)      \
	{                         \
		run_family(name); \
	}
FAMILY(test_hmac, "hmac")
FAMILY(test_aes_cbc, "aes-cbc")
FAMILY(test_3des_cbc, "3des-cbc")
FAMILY(test_des_cbc, "des-cbc")
FAMILY(test_aes_gcm, "aes-gcm")
FAMILY(test_aes_ctr, "aes-ctr")
FAMILY(test_rfc3602, "rfc3602")
FAMILY(test_rfc5903, "rfc5903")
FAMILY(test_modp, "modp")

/* RFC 2409 5 / 5.3 public key encryption formulas: the seven records of vectors/pke/make.sh. */
static void test_pke(void)
{
	CU_ASSERT_EQUAL(run_family("pke").passed, 7);
}

/* Every family in the table has a test above. */
static void test_family_table(void)
{
	CU_ASSERT_EQUAL(ik_kat_family_count, 12);
	CU_ASSERT_PTR_NULL(ik_kat_find("no-such-family"));
}

static const char sample[] =
	"# comment\r\n"
	"[SHA-1]\r\n"
	"[Ni length = 64]\r\n"
	"\r\n"
	"COUNT = 0\r\n"
	"# a comment inside a record\r\n"
	"Key = 0A0b\r\n"
	"Empty = \r\n"
	"[SHA-256]\n"
	"COUNT = 1\n"
	"Key = zz\n"
	"this line is broken\n";

static void fail_count(void *arg, const char *family, const char *what)
{
	(void)family;
	(void)what;
	(*(int *)arg)++;
}

/* Headers group and reset, CRLF and comments are handled, hex decodes, malformed lines fail. */
static void test_parser(void)
{
	char dir[] = "/tmp/ik_kat_XXXXXX", path[64];
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.txt", dir);
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(sample, f);
	fclose(f);

	struct ik_kat_tally t = {0};
	int fails = 0;
	struct ik_kat_family fam = {"parser", "test", NULL};
	struct ik_kat_ctx c = {.dir = dir, .fam = &fam, .t = &t, .fail = fail_count, .arg = &fails};
	struct kat_file *kf = kat_open(&c, "s.txt");
	struct kat_rec r = {0};
	size_t n = 99;
	CU_ASSERT_PTR_NOT_NULL_FATAL(kf);

	CU_ASSERT_FATAL(kat_next(kf, &r));
	CU_ASSERT_STRING_EQUAL(kat_get(&r, "COUNT"), "0");
	CU_ASSERT_STRING_EQUAL(kat_hdr(kf, "SHA-"), "SHA-1");
	CU_ASSERT_STRING_EQUAL(kat_hdr(kf, "Ni length"), "Ni length = 64");
	const uint8_t *b = kat_bin(&r, "Key", &n);
	CU_ASSERT(b && n == 2 && b[0] == 0x0a && b[1] == 0x0b);
	CU_ASSERT(kat_bin(&r, "Empty", &n) != NULL && n == 0);
	CU_ASSERT_PTR_NULL(kat_bin(&r, "Missing", &n));
	kat_case(&c, kf, &r, true, NULL);

	CU_ASSERT_FATAL(kat_next(kf, &r));
	CU_ASSERT_STRING_EQUAL(kat_get(&r, "COUNT"), "1");
	CU_ASSERT_STRING_EQUAL(kat_hdr(kf, "SHA-"), "SHA-256"); /* new group replaced the old */
	CU_ASSERT_PTR_NULL(kat_hdr(kf, "Ni length"));
	CU_ASSERT_PTR_NULL(kat_bin(&r, "Key", &n)); /* "zz" is not hex */
	kat_case(&c, kf, &r, true, NULL);           /* the broken line fails it anyway */
	CU_ASSERT_FALSE(kat_next(kf, &r));
	CU_ASSERT_EQUAL(t.passed, 1);
	CU_ASSERT_EQUAL(t.failed, 1);
	CU_ASSERT_EQUAL(fails, 1);
	CU_ASSERT(strstr(t.first_failure, "s.txt:10 COUNT = 1 [SHA-256]") != NULL);
	kat_rec_free(&r);
	kat_close(kf);
	remove(path);
	remove(dir);
}

static void test_missing_dir(void)
{
	struct ik_kat_tally t;
	CU_ASSERT_EQUAL(ik_kat_run(ik_kat_find("modp"), "/nonexistent-ik", &t, NULL, NULL),
	                IK_KAT_MISSING);
	CU_ASSERT(strstr(t.missing_file, "/nonexistent-ik/dh/") != NULL);
}

static const struct ik_test tests[] = {
	{"NIST CAVS IKEv1 PSK: 1700 cases", test_ikev1_psk},
	{"NIST CAVS IKEv1 DSA: 1700 cases", test_ikev1_dsa},
	{"RFC 2202 / RFC 4231 HMAC", test_hmac},
	{"NIST AES-CBC MMT", test_aes_cbc},
	{"NIST TDES-CBC MMT", test_3des_cbc},
	{"DES-CBC on one-key TDES MMT", test_des_cbc},
	{"NIST GCM encrypt ExtIV 128/256", test_aes_gcm},
	{"RFC 3686 AES-CTR", test_aes_ctr},
	{"RFC 3602 section 4", test_rfc3602},
	{"RFC 5903 section 8", test_rfc5903},
	{"MODP primes vs RFC 2409 / RFC 3526", test_modp},
	{"RFC 2409 5 / 5.3 encryption SKEYID, Ne_i, Ke_i (openssl CLI)", test_pke},
	{"family table", test_family_table},
	{"vector file parser", test_parser},
	{"missing vector directory", test_missing_dir},
};
IK_TEST_MAIN("kat", tests)
