/*
 * `make bench`: ESP throughput per core (issue 12 item 5). Seals 1400-octet payloads through
 * engine/esp/ for AES-GCM-128 and AES-128-CBC + HMAC-SHA1-96 and prints MB/s of CPU time, next
 * to OpenSSL EVP's own speed for the same passes (one cipher pass, plus one HMAC pass for CBC)
 * measured the same way in the same run, as a ratio (goal: at least 0.8). `openssl speed -evp`
 * is printed beside it for reference; it counts wall-clock time, so a busy machine lowers it.
 * Opening is measured too: a receiver does the same work plus the window.
 */
#include "esp.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PAYLOAD 1400
#define SECONDS 1.0
#define BATCH   256

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* `openssl speed -mr` for one algorithm at PAYLOAD octets: bytes per second, 0 when unknown. */
static double openssl_speed(const char *args)
{
	char cmd[256], line[256];
	double best = 0;
	snprintf(cmd, sizeof(cmd), "openssl speed %s -bytes %d -seconds 1 -mr 2>/dev/null", args,
	         PAYLOAD);
	FILE *p = popen(cmd, "r");
	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p)) {
		/* "+F:25:AES-128-GCM:1360873043.48": the last field, bytes per second */
		const char *last = strrchr(line, ':');
		if (!strncmp(line, "+F:", 3) && last)
			best = strtod(last + 1, NULL);
	}
	pclose(p);
	return best;
}

/* OpenSSL EVP's own work for one packet's worth, in this process and in CPU time like ours:
 * one cipher pass (GCM with its tag) plus, for CBC, one HMAC pass. Bytes per CPU second. */
static double evp_bound(const struct ik_esp_xform *x)
{
	static uint8_t key[32], iv[16], buf[PAYLOAD], tag[64];
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, x->cipher, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	EVP_MAC *m = x->integ ? EVP_MAC_fetch(NULL, "HMAC", NULL) : NULL;
	EVP_MAC_CTX *mc = m ? EVP_MAC_CTX_new(m) : NULL;
	OSSL_PARAM p[] = {OSSL_PARAM_construct_utf8_string(
				  OSSL_MAC_PARAM_DIGEST, (char *)(x->integ ? x->integ : "SHA1"), 0),
	                  OSSL_PARAM_construct_end()};
	bool ok = c && ctx && EVP_EncryptInit_ex2(ctx, c, key, iv, NULL) &&
	          (!m || (mc && EVP_MAC_init(mc, key, x->integ_key_len, p)));
	unsigned long count = 0;
	double t0 = cpu_now(), t = t0;
	int o = 0;
	size_t tl = 0;
	for (; ok && t - t0 < SECONDS; t = count % 256 ? t : cpu_now(), count++) {
		ok = EVP_EncryptInit_ex2(ctx, NULL, NULL, iv, NULL) &&
		     EVP_EncryptUpdate(ctx, buf, &o, buf, PAYLOAD) &&
		     EVP_EncryptFinal_ex(ctx, tag, &o);
		if (ok && mc)
			ok = EVP_MAC_init(mc, NULL, 0, NULL) && EVP_MAC_update(mc, buf, PAYLOAD) &&
			     EVP_MAC_final(mc, tag, &tl, sizeof(tag));
	}
	EVP_MAC_CTX_free(mc);
	EVP_MAC_free(m);
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(c);
	return ok ? (double)count * PAYLOAD / (t - t0) : 0;
}

struct rate {
	double seal, open; /* bytes of payload per CPU second */
};

static bool measure(const struct ik_esp_xform *x, struct rate *r)
{
	static uint8_t keymat[128], payload[PAYLOAD], pkt[PAYLOAD + 128], back[PAYLOAD + 128];
	struct ik_esp_sa out, in;
	struct ik_status st = {0};
	size_t n = 0, m = 0;
	uint8_t nh;
	if (!ik_esp_sa_init(&out, x, 0x100, keymat, sizeof(keymat), 64, &st) ||
	    !ik_esp_sa_init(&in, x, 0x100, keymat, sizeof(keymat), 64, &st)) {
		fprintf(stderr, "bench_esp: %s\n", st.why);
		return false;
	}
	unsigned long count = 0;
	double t0 = cpu_now(), t = t0;
	for (; t - t0 < SECONDS; t = count % 256 ? t : cpu_now(), count++)
		if (!ik_esp_seal(&out, 4, payload, PAYLOAD, NULL, pkt, sizeof(pkt), &n, &st))
			return false;
	r->seal = (double)count * PAYLOAD / (t - t0);
	/* Opening needs fresh sequence numbers: seal a batch, then time opening all of it. */
	static uint8_t batch[BATCH][PAYLOAD + 128];
	static size_t len[BATCH];
	double spent = 0;
	count = 0;
	while (spent < SECONDS) {
		for (int i = 0; i < BATCH; i++)
			if (!ik_esp_seal(&out, 4, payload, PAYLOAD, NULL, batch[i],
			                 sizeof(batch[i]), &len[i], &st))
				return false;
		double a = cpu_now();
		for (int i = 0; i < BATCH; i++)
			if (ik_esp_open(&in, batch[i], len[i], back, sizeof(back), &m, &nh, &st) !=
			    IK_ESP_OK)
				return false;
		spent += cpu_now() - a;
		count += BATCH;
	}
	r->open = (double)count * PAYLOAD / spent;
	ik_esp_sa_free(&out);
	ik_esp_sa_free(&in);
	return true;
}

static void report(const char *name, const struct ik_esp_xform *x, double speed)
{
	struct rate r;
	double bound = evp_bound(x);
	if (!measure(x, &r) || bound <= 0) {
		printf("esp %s: failed\n", name);
		return;
	}
	printf("esp %s, %d-octet packets, 1 core: seal %.0f MB/s, open %.0f MB/s; OpenSSL EVP "
	       "alone %.0f MB/s; ratio seal %.2f, open %.2f (goal >= 0.8); openssl speed -evp "
	       "(wall clock) %.0f MB/s\n",
	       name, PAYLOAD, r.seal / 1e6, r.open / 1e6, bound / 1e6, r.seal / bound,
	       r.open / bound, speed / 1e6);
}

int main(void)
{
	static const struct ik_esp_xform gcm = {IK_ESP_GCM, "AES-128-GCM", 16, 4, 8,
	                                        4,          NULL,          0,  16},
					 cbc = {IK_ESP_CBC, "AES-128-CBC", 16, 0, 16,
	                                        16,         "SHA1",        20, 12};
	double g = openssl_speed("-evp aes-128-gcm"), c = openssl_speed("-evp aes-128-cbc"),
	       h = openssl_speed("-hmac sha1");
	report("AES-GCM-128", &gcm, g);
	report("AES-128-CBC + HMAC-SHA1-96", &cbc, c > 0 && h > 0 ? 1 / (1 / c + 1 / h) : 0);
	return 0;
}
