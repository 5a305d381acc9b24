/* An ESP SA direction: its keys cut from KEYMAT and its OpenSSL contexts, keyed once. */
#include "esp.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

size_t ik_esp_keymat_len(const struct ik_esp_xform *x)
{
	return x->key_len + x->salt_len + (x->integ ? x->integ_key_len : 0);
}

static bool sane(const struct ik_esp_xform *x, struct ik_status *st)
{
	bool aead = x->mode == IK_ESP_GCM;
	if (x->key_len + x->salt_len > IK_ESP_MAX_KEY || x->integ_key_len > IK_ESP_MAX_KEY ||
	    x->icv_len > IK_ESP_MAX_ICV || x->salt_len > 8 || x->iv_len > 16)
		return ik_fail(st, 0,
		               "ESP transform: a key, salt, IV or ICV longer than supported");
	if ((x->mode == IK_ESP_NULL) != !x->cipher)
		return ik_fail(st, 0, "ESP transform: ENCR_NULL has no cipher, the others one");
	if (aead ? (x->integ || x->icv_len != 16) : (!x->integ != !x->icv_len))
		return ik_fail(st, 0,
		               "ESP transform: GCM carries its own 16-octet ICV, the others "
		               "an HMAC with an ICV length or none");
	if (x->mode == IK_ESP_NULL && !x->integ)
		return ik_fail(st, 0,
		               "ESP transform: ENCR_NULL without integrity protects nothing "
		               "(RFC 4303 3.2.2 forbids it)");
	return true;
}

static bool key_cipher(struct ik_esp_sa *sa, const uint8_t *key, struct ik_status *st)
{
	EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, sa->x.cipher, NULL);
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	/* AES decrypts with another key schedule: the key goes in at first use, for the
	 * direction the SA serves (esp.c). */
	bool ok = c && ctx && (size_t)EVP_CIPHER_get_key_length(c) == sa->x.key_len &&
	          EVP_CipherInit_ex2(ctx, c, NULL, NULL, 1, NULL);
	memcpy(sa->key, key, sa->x.key_len);
	sa->keyed_dir = -1;
	/* ESP pads itself (RFC 4303 2.4): OpenSSL must not add PKCS#7 padding. */
	if (ok && sa->x.mode == IK_ESP_CBC)
		EVP_CIPHER_CTX_set_padding(ctx, 0);
	EVP_CIPHER_free(c);
	if (!ok) {
		EVP_CIPHER_CTX_free(ctx);
		return ik_fail(st, 0, "ESP: OpenSSL cannot key %s with %zu octets", sa->x.cipher,
		               sa->x.key_len);
	}
	sa->cipher_ctx = ctx;
	return true;
}

static bool key_mac(struct ik_esp_sa *sa, const uint8_t *key, struct ik_status *st)
{
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = m ? EVP_MAC_CTX_new(m) : NULL;
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)sa->x.integ, 0),
		OSSL_PARAM_construct_end(),
	};
	bool ok = ctx && EVP_MAC_init(ctx, key, sa->x.integ_key_len, p) &&
	          EVP_MAC_CTX_get_mac_size(ctx) >= sa->x.icv_len;
	EVP_MAC_free(m);
	if (!ok) {
		EVP_MAC_CTX_free(ctx);
		return ik_fail(st, 0, "ESP: OpenSSL cannot key HMAC-%s", sa->x.integ);
	}
	sa->mac = ctx;
	return true;
}

bool ik_esp_sa_init(struct ik_esp_sa *sa, const struct ik_esp_xform *x, uint32_t spi,
                    const uint8_t *keymat, size_t len, size_t window, struct ik_status *st)
{
	memset(sa, 0, sizeof(*sa));
	sa->x = *x;
	sa->spi = spi;
	if (!sane(x, st))
		return false;
	if (len < ik_esp_keymat_len(x))
		return ik_fail(st, 0, "ESP: %zu octets of KEYMAT, the transform needs %zu", len,
		               ik_esp_keymat_len(x));
	memcpy(sa->salt, keymat + x->key_len, x->salt_len);
	if (x->cipher && !key_cipher(sa, keymat, st))
		return false;
	if (x->integ && !key_mac(sa, keymat + x->key_len + x->salt_len, st)) {
		ik_esp_sa_free(sa);
		return false;
	}
	/* RFC 4303 3.4.3: anti-replay only where the sequence number is integrity protected. */
	sa->replay_on = x->icv_len > 0;
	ik_esp_replay_init(&sa->win, window);
	return true;
}

void ik_esp_sa_free(struct ik_esp_sa *sa)
{
	EVP_CIPHER_CTX_free(sa->cipher_ctx);
	EVP_MAC_CTX_free(sa->mac);
	sa->cipher_ctx = sa->mac = NULL;
	OPENSSL_cleanse(sa->salt, sizeof(sa->salt));
	OPENSSL_cleanse(sa->key, sizeof(sa->key));
	OPENSSL_cleanse(sa->pool, sizeof(sa->pool));
}

const char *ik_esp_verdict_name(enum ik_esp_verdict v)
{
	static const char *const names[] = {
		[IK_ESP_OK] = "ok",
		[IK_ESP_DUMMY] = "dummy packet (next header 59)",
		[IK_ESP_BAD_SPI] = "unknown SPI",
		[IK_ESP_REPLAY] = "replayed or out-of-window sequence number",
		[IK_ESP_BAD_ICV] = "integrity check failed (the ICV or GCM tag does not verify)",
		[IK_ESP_MALFORMED] = "malformed",
		[IK_ESP_BAD_PAD] = "bad padding",
		[IK_ESP_BAD_PAD_LEN] = "pad length beyond the payload",
	};
	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}
