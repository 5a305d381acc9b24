/* The Wireshark key file (suite/keyfile.h): records written, mode 0600, read back. */
#include "consts.h"
#include "cunit.h"
#include "keyfile.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[64];

static void tmpname(void)
{
	snprintf(path, sizeof(path), "/tmp/ik-keyfile-%ld", (long)getpid());
}

static char *slurp(const char *p)
{
	static char buf[4096];
	FILE *f = fopen(p, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = 0;
	return buf;
}

/* An established ISAKMP SA and quick mode with known keys, as the engine leaves them. */
struct fake {
	struct ik_engine e;
	struct ik_sa sa;
	struct ik_qm qm;
};

static struct fake *fake_new(uint8_t esp_id, uint16_t auth, size_t keymat_len)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct ik_status st;
	ik_addr_parse("192.0.2.1", 500, &f->e.cfg.local, &f->e.cfg.local_len, &st);
	ik_addr_parse("192.0.2.2", 500, &f->sa.peer, &(socklen_t){0}, &st);
	f->sa.eng = &f->e;
	memcpy(f->sa.icookie, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
	f->sa.k.have_keys = true;
	f->sa.k.p1.c = ik_cipher_by_ike(IK_P1_ENCR_AES_CBC, 128);
	for (int i = 0; i < 16; i++)
		f->sa.k.p1.enc_key[i] = (uint8_t)(0xa0 + i);
	f->qm.sa = &f->sa;
	f->qm.established = true;
	f->qm.chosen.id = esp_id;
	f->qm.chosen.auth = auth;
	f->qm.spi_in = 0x11223344;
	f->qm.spi_out = 0xcafe0001;
	f->qm.k.keymat_len = keymat_len;
	for (size_t i = 0; i < keymat_len; i++) {
		f->qm.k.keymat_in[i] = (uint8_t)i;
		f->qm.k.keymat_out[i] = (uint8_t)(0xff - i);
	}
	return f;
}

static void test_records(void)
{
	struct ik_keyfile k;
	struct ik_status st;
	struct stat sb;
	struct fake *f = fake_new(IK_ESP_TRANS_AES, IK_P2_AUTH_HMAC_SHA, 16 + 20);

	tmpname();
	/* An existing file that others could read is tightened, not trusted. */
	FILE *old = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(old);
	fclose(old);
	chmod(path, 0644);
	CU_ASSERT_TRUE_FATAL(ik_keyfile_open(&k, path, &st));
	CU_ASSERT_TRUE(ik_keyfile_isakmp(&k, &f->sa));
	CU_ASSERT_TRUE(ik_keyfile_esp(&k, &f->sa, &f->qm));
	CU_ASSERT_EQUAL(stat(path, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 0777, 0600);
	/* Written as they come: readable before the file is closed. */
	const char *t = slurp(path);
	CU_ASSERT_PTR_NOT_NULL(strstr(t,
	                              "\n0123456789abcdef,"
	                              "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		t,
		"\n\"IPv4\",\"192.0.2.2\",\"192.0.2.1\",\"0x11223344\",\"AES-CBC [RFC3602]\","
		"\"0x000102030405060708090a0b0c0d0e0f\",\"HMAC-SHA-1-96 [RFC2404]\","
		"\"0x101112131415161718191a1b1c1d1e1f20212223\"\n"));
	CU_ASSERT_PTR_NOT_NULL(
		strstr(t,
	               "\"192.0.2.1\",\"192.0.2.2\",\"0xcafe0001\",\"AES-CBC [RFC3602]\","
	               "\"0xfffefdfcfbfaf9f8f7f6f5f4f3f2f1f0\""));
	CU_ASSERT_EQUAL(k.isakmp, 1);
	CU_ASSERT_EQUAL(k.esp, 2);
	ik_keyfile_close(&k);

	/* decode --keys (engine/crypto/trace.c) reads the same file: the ISAKMP record, esp_sa skipped. */
	struct ik_trace tr = {0};
	CU_ASSERT_TRUE_FATAL(ik_trace_load_keys(&tr, path, &st));
	CU_ASSERT_EQUAL_FATAL(tr.nkeys, 1);
	CU_ASSERT_EQUAL(memcmp(tr.keys[0].icookie, f->sa.icookie, 8), 0);
	CU_ASSERT_EQUAL(tr.keys[0].len, 16);
	CU_ASSERT_EQUAL(memcmp(tr.keys[0].key, f->sa.k.p1.enc_key, 16), 0);
	ik_trace_free(&tr);
	unlink(path);
	free(f);
}

/* RFC 4106: the GCM key carries its 4-octet salt; there is no separate integrity key. */
static void test_gcm(void)
{
	struct ik_keyfile k;
	struct ik_status st;
	struct fake *f = fake_new(IK_ESP_TRANS_AES_GCM_16, 0, 32 + 4);

	tmpname();
	CU_ASSERT_TRUE_FATAL(ik_keyfile_open(&k, path, &st));
	CU_ASSERT_TRUE(ik_keyfile_esp(&k, &f->sa, &f->qm));
	ik_keyfile_close(&k);
	const char *t = slurp(path);
	CU_ASSERT_PTR_NOT_NULL(
		strstr(t,
	               "\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x000102030405060708"
	               "090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223\","
	               "\"NULL\",\"0x\"\n"));
	/* A transform Wireshark cannot decrypt is not written (and says so). */
	f->qm.chosen.id = IK_ESP_TRANS_CAST;
	CU_ASSERT_TRUE_FATAL(ik_keyfile_open(&k, path, &st));
	CU_ASSERT_FALSE(ik_keyfile_esp(&k, &f->sa, &f->qm));
	ik_keyfile_close(&k);
	CU_ASSERT_PTR_NULL(strstr(slurp(path), "\n\"IPv4\""));
	unlink(path);
	free(f);
}

static void test_names(void)
{
	size_t kl = 99;
	CU_ASSERT_STRING_EQUAL(ik_keyfile_esp_cipher(IK_ESP_TRANS_3DES), "TripleDES-CBC [RFC2451]");
	CU_ASSERT_PTR_NULL(ik_keyfile_esp_cipher(IK_ESP_TRANS_CAST));
	CU_ASSERT_STRING_EQUAL(ik_keyfile_esp_integ(IK_P2_AUTH_HMAC_SHA2_256, &kl),
	                       "HMAC-SHA-256-128 [RFC4868]");
	CU_ASSERT_EQUAL(kl, 32);
	CU_ASSERT_PTR_NULL(ik_keyfile_esp_integ(IK_P2_AUTH_DES_MAC, &kl));
}

static const struct ik_test tests[] = {
	{"ISAKMP and esp_sa records, mode 0600, read by decode --keys", test_records},
	{"AES-GCM key with salt, no integrity key (RFC 4106)", test_gcm},
	{"Wireshark algorithm names", test_names},
};

IK_TEST_MAIN("keyfile", tests)
