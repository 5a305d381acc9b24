/*
 * Sealing and opening ESP packets (RFC 4303 2): SPI, sequence number, IV, the encrypted
 * payload with padding, pad length and next header, then the ICV over all of it.
 */
#include "esp.h"
#include "rng.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* RFC 4303 2.4: the ciphertext ends on the cipher's block and on 4 octets. */
static size_t align_of(const struct ik_esp_xform *x)
{
	return x->block > 4 ? x->block : 4;
}

/* The cipher's IV from the wire IV: CTR's counter block is nonce | IV | 1 (RFC 3686 4),
 * GCM's nonce salt | IV (RFC 4106 4). */
static size_t full_iv(const struct ik_esp_sa *sa, const uint8_t *iv, uint8_t *out)
{
	const struct ik_esp_xform *x = &sa->x;
	if (x->mode == IK_ESP_CBC) {
		memcpy(out, iv, x->iv_len);
		return x->iv_len;
	}
	memcpy(out, sa->salt, x->salt_len);
	memcpy(out + x->salt_len, iv, x->iv_len);
	size_t n = x->salt_len + x->iv_len;
	if (x->mode == IK_ESP_CTR) {
		put32(out + n, 1);
		n += 4;
	}
	return n;
}

/* Encrypt or decrypt data in place; GCM authenticates aad and writes or checks tag. */
static bool crypt(struct ik_esp_sa *sa, const uint8_t *iv, uint8_t *data, size_t len,
                  const uint8_t *aad, uint8_t *tag, bool enc)
{
	EVP_CIPHER_CTX *ctx = sa->cipher_ctx;
	uint8_t civ[16];
	int o = 0, f = 0;
	bool gcm = sa->x.mode == IK_ESP_GCM;

	full_iv(sa, iv, civ);
	/* RFC 4106 5: with ESN the AAD is SPI, high-order 32 bits, low-order 32 bits (IK_ESP_ESN_ICV,
	 * the high bits 0: the first 2^32 packets). */
	uint8_t aad12[12] = {0};
	size_t aad_len = IK_ESP_HDR;
	if (sa->lax & IK_ESP_ESN_ICV) {
		memcpy(aad12, aad, 4);
		memcpy(aad12 + 8, aad + 4, 4);
		aad = aad12, aad_len = sizeof(aad12);
	}
	const uint8_t *key = sa->keyed_dir == (int)enc ? NULL : sa->key;
	if (!EVP_CipherInit_ex2(ctx, NULL, key, civ, enc, NULL))
		return false;
	sa->keyed_dir = enc;
	if (sa->x.mode == IK_ESP_CBC)
		EVP_CIPHER_CTX_set_padding(ctx, 0);
	if (gcm && (!EVP_CipherUpdate(ctx, NULL, &o, aad, (int)aad_len) ||
	            (!enc && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, tag))))
		return false;
	if (len && !EVP_CipherUpdate(ctx, data, &o, data, (int)len))
		return false;
	if (!EVP_CipherFinal_ex(ctx, data + o, &f))
		return false; /* GCM: the tag did not verify */
	return !gcm || !enc || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag);
}

static bool hmac_full(struct ik_esp_sa *sa, const uint8_t *p, size_t len, uint8_t full[64])
{
	EVP_MAC_CTX *c = sa->mac;
	static const uint8_t esn_hi[4]; /* the high-order 32 bits of an ESN, 0 (IK_ESP_ESN_ICV) */
	size_t n = 0;
	/* A NULL key restarts HMAC with the key it has: no copy of the context per packet. RFC 4303
	 * 3.3.2.1: "If the ESN option is enabled for the SA, the high-order 32 bits of the sequence
	 * number are appended after the Next Header field for purposes of this computation". */
	bool ok = EVP_MAC_init(c, NULL, 0, NULL) && EVP_MAC_update(c, p, len) &&
	          (!(sa->lax & IK_ESP_ESN_ICV) || EVP_MAC_update(c, esn_hi, sizeof(esn_hi))) &&
	          EVP_MAC_final(c, full, &n, 64);
	return ok;
}

static bool hmac(struct ik_esp_sa *sa, const uint8_t *p, size_t len, uint8_t *icv)
{
	uint8_t full[64];
	if (!hmac_full(sa, p, len, full))
		return false;
	memcpy(icv, full, sa->x.icv_len); /* RFC 2404 2: truncated, leftmost octets */
	return true;
}

/* Why an ICV failed, when the packet verifies under another length of the same HMAC: the 96-bit
 * truncation some stacks kept from HMAC-SHA-1 for HMAC-SHA-2 (RFC 4868 2.3: "exactly half the
 * algorithm output size -- MUST be supported. No other authenticator value lengths are
 * supported"), or an HMAC-SHA-1 ICV left at 128 or 160 bits (RFC 2404 2: "No other authenticator
 * value lengths are supported by HMAC-SHA-1-96"). A hint for the evidence, else "". */
static const struct {
	size_t ours, theirs;
	const char *integ, *hint; /* integ: only under that HMAC; NULL any */
} icv_hints[] = {
	{16, 12, NULL,
         " (it verifies as a 96-bit ICV, the HMAC-SHA-1 length: RFC 4868 2.3 makes an "
         "HMAC-SHA-2 ICV half the hash output)"},
	{24, 12, NULL,
         " (it verifies as a 96-bit ICV, the HMAC-SHA-1 length: RFC 4868 2.3 makes an "
         "HMAC-SHA-2 ICV half the hash output)"},
	{32, 12, NULL,
         " (it verifies as a 96-bit ICV, the HMAC-SHA-1 length: RFC 4868 2.3 makes an "
         "HMAC-SHA-2 ICV half the hash output)"},
	{12, 20, "SHA1",
         " (it verifies as the whole 160-bit HMAC-SHA-1: RFC 2404 2 sends its first 96 "
         "bits)"},
	{12, 16, "SHA1",
         " (it verifies as a 128-bit ICV: RFC 2404 2 makes the HMAC-SHA-1 ICV 96 bits)"},
};

static const char *icv_hint(struct ik_esp_sa *sa, const uint8_t *pkt, size_t len)
{
	uint8_t full[64];
	if (!sa->x.integ || !sa->mac)
		return "";
	for (size_t i = 0; i < sizeof(icv_hints) / sizeof(icv_hints[0]); i++) {
		size_t l = icv_hints[i].theirs;
		if (icv_hints[i].ours != sa->x.icv_len || len < IK_ESP_HDR + l ||
		    (icv_hints[i].integ && strcmp(sa->x.integ, icv_hints[i].integ)) ||
		    !hmac_full(sa, pkt, len - l, full) || CRYPTO_memcmp(full, pkt + len - l, l))
			continue;
		return icv_hints[i].hint;
	}
	return "";
}

/* CTR and GCM need an IV that never repeats under the key; the sequence number is one (RFC 3686
 * 3.1, RFC 4106 3.1 name a counter). CBC needs an unpredictable one (RFC 3602 2.1): random
 * octets, drawn a pool at a time. */
static bool new_iv(struct ik_esp_sa *sa, uint32_t seq, uint8_t *iv)
{
	size_t n = sa->x.iv_len;
	if (sa->x.mode == IK_ESP_CTR || sa->x.mode == IK_ESP_GCM ||
	    sa->lax & IK_ESP_CBC_IV_COUNTER) {
		memset(iv, 0, n);
		put32(iv + n - 4, seq);
		return true;
	}
	if (sa->pool_left < n) {
		if (!ik_rng_bytes(sa->pool, sizeof(sa->pool)))
			return false;
		sa->pool_left = sizeof(sa->pool);
	}
	memcpy(iv, sa->pool + sizeof(sa->pool) - sa->pool_left, n);
	sa->pool_left -= n;
	return true;
}

/* Octets of padding after a payload of len octets (RFC 4303 2.4): what the alignment asks, or
 * what trailer tr asks for. Quirk esp-bad-align (IK_ESP_UNALIGNED on an outbound SA): a stream
 * mode, which needs no whole blocks, leaves out what the 4-octet alignment alone asks. */
static size_t pad_of(const struct ik_esp_sa *sa, size_t len, enum ik_esp_trailer tr)
{
	size_t a = align_of(&sa->x), pad = (a - (len + 2) % a) % a;
	if (tr == IK_ESP_PAD_NONE)
		return 0;
	if (tr == IK_ESP_PAD_MAX)
		return 255;
	if (tr == IK_ESP_PAD_ZEROS && !pad)
		return a; /* padding to break: a block of it (0-255 octets are allowed, 2.4) */
	if (sa->lax & IK_ESP_UNALIGNED && sa->x.mode != IK_ESP_CBC)
		return 0;
	return pad;
}

bool ik_esp_pad_fits(const struct ik_esp_xform *x, size_t len, enum ik_esp_trailer tr)
{
	if (tr != IK_ESP_PAD_NONE && tr != IK_ESP_PAD_MAX)
		return true; /* the others pad to the alignment themselves */
	return (len + 2 + (tr == IK_ESP_PAD_MAX ? 255 : 0)) % align_of(x) == 0;
}

/* Padding, Pad Length and Next Header after the payload at ct (RFC 4303 2.4, 2.5). */
static void trailer(uint8_t *ct, size_t len, size_t pad, uint8_t nh, enum ik_esp_trailer tr)
{
	for (size_t i = 0; i < pad; i++)
		ct[len + i] = tr == IK_ESP_PAD_ZEROS ? 0 : (uint8_t)(i + 1); /* 2.4: 1, 2, 3, ... */
	ct[len + pad] = tr == IK_ESP_PAD_OVERRUN ? 255 : (uint8_t)pad;
	ct[len + pad + 1] = nh;
}

static bool seal(struct ik_esp_sa *sa, uint8_t next_header, const uint8_t *payload, size_t len,
                 const uint8_t *iv, enum ik_esp_trailer tr, uint8_t *out, size_t cap, size_t *n,
                 struct ik_status *st)
{
	const struct ik_esp_xform *x = &sa->x;
	size_t pad = pad_of(sa, len, tr), clen = len + 2 + pad;
	/* Quirk esp-implicit-iv (IK_ESP_NO_IV): a CBC IV used but not sent (RFC 3602 3 puts it on the
	 * wire, the first block of the Payload Data; RFC 4303 2.3). */
	bool hide_iv = sa->lax & IK_ESP_NO_IV && x->mode == IK_ESP_CBC;
	size_t ivw = hide_iv ? 0 : x->iv_len; /* IV octets on the wire */
	size_t rag = sa->lax & IK_ESP_CBC_RAGGED && x->mode == IK_ESP_CBC ? 4 : 0;
	size_t total = IK_ESP_HDR + ivw + clen + rag + x->icv_len;
	uint8_t hidden[16];

	/* IK_ESP_SEQ_ZERO: the tester's seq-zero probe, under a number RFC 4303 3.3.3 never sends
	 * (its IV, 0 in CTR and GCM, is then never used by another packet). */
	bool zero = sa->lax & IK_ESP_SEQ_ZERO;
	if (sa->seq == UINT32_MAX && !zero)
		return ik_fail(st, 0,
		               "ESP: the sequence number would cycle: the SA must be rekeyed "
		               "(RFC 4303 3.3.3)");
	if (total > cap)
		return ik_fail(st, 0, "ESP: a %zu-octet packet does not fit in %zu", total, cap);
	if (tr == IK_ESP_PAD_OVERRUN && clen >= 257)
		return ik_fail(st, 0, "ESP: a Pad Length of 255 fits a %zu-octet payload", len);
	if (clen % align_of(x) && (x->mode == IK_ESP_CBC || !(sa->lax & IK_ESP_UNALIGNED)))
		return ik_fail(st, 0, "ESP: %zu octets with %zu of padding are not aligned to %zu",
		               len, pad, align_of(x));
	put32(out, sa->spi);
	uint32_t seq = zero ? 0 : ++sa->seq;
	put32(out + 4, seq);
	uint8_t *ivp = hide_iv ? hidden : out + IK_ESP_HDR, *ct = out + IK_ESP_HDR + ivw;
	if (iv)
		memcpy(ivp, iv, x->iv_len);
	else if (!new_iv(sa, seq, ivp))
		return ik_fail(st, 0, "ESP: no random IV");
	memmove(ct, payload, len);
	trailer(ct, len, pad, next_header, tr);
	uint8_t *icv = ct + clen + rag;
	if (x->cipher && !crypt(sa, ivp, ct, clen, out, icv, true))
		return ik_fail(st, 0, "ESP: %s encryption failed", x->cipher);
	if (rag) /* quirk esp-cbc-ragged: octets past the last block, under the ICV */
		memset(ct + clen, 0xa5, rag);
	if (x->integ && !hmac(sa, out, IK_ESP_HDR + ivw + clen + rag, icv))
		return ik_fail(st, 0, "ESP: HMAC-%s failed", x->integ);
	sa->packets++, sa->octets += len;
	*n = total;
	return true;
}

bool ik_esp_seal(struct ik_esp_sa *sa, uint8_t next_header, const uint8_t *payload, size_t len,
                 const uint8_t *iv, uint8_t *out, size_t cap, size_t *n, struct ik_status *st)
{
	return seal(sa, next_header, payload, len, iv, IK_ESP_PAD_DEFAULT, out, cap, n, st);
}

bool ik_esp_seal_trailer(struct ik_esp_sa *sa, uint8_t next_header, const uint8_t *payload,
                         size_t len, enum ik_esp_trailer tr, uint8_t *out, size_t cap, size_t *n,
                         struct ik_status *st)
{
	return seal(sa, next_header, payload, len, NULL, tr, out, cap, n, st);
}

/* Decrypt and take the trailer off; the window is not touched here. */
static enum ik_esp_verdict unwrap(struct ik_esp_sa *sa, const uint8_t *pkt, size_t clen,
                                  uint8_t *buf, size_t *plen, uint8_t *nh)
{
	const struct ik_esp_xform *x = &sa->x;
	const uint8_t *iv = pkt + IK_ESP_HDR;
	uint8_t tag[16];

	memcpy(buf, iv + x->iv_len, clen);
	if (x->mode == IK_ESP_GCM)
		memcpy(tag, iv + x->iv_len + clen, 16);
	/* GCM checks its tag last, after the octets are decrypted in place: lax, they stand. */
	if (x->cipher && !crypt(sa, iv, buf, clen, pkt, tag, false) &&
	    !(x->mode == IK_ESP_GCM && sa->lax & IK_ESP_LAX_ICV))
		return x->mode == IK_ESP_GCM ? IK_ESP_BAD_ICV : IK_ESP_MALFORMED;
	size_t padlen = sa->last_pad = buf[clen - 2];
	*nh = buf[clen - 1];
	if (padlen + 2 > clen)
		return IK_ESP_BAD_PAD_LEN; /* 2.5: the pad octets "immediately preceding it" */
	*plen = clen - 2 - padlen;
	/* 3.4.4.1 step 3: the receiver "SHOULD inspect the Padding field"; lax, it does not. */
	for (size_t i = 0; i < padlen && !(sa->lax & IK_ESP_LAX_PAD); i++)
		if (buf[*plen + i] != (uint8_t)(i + 1))
			return IK_ESP_BAD_PAD;
	return IK_ESP_OK;
}

enum ik_esp_verdict ik_esp_open(struct ik_esp_sa *sa, const uint8_t *pkt, size_t len, uint8_t *out,
                                size_t cap, size_t *n, uint8_t *nh, struct ik_status *st)
{
	const struct ik_esp_xform *x = &sa->x;
	size_t over = IK_ESP_HDR + x->iv_len + x->icv_len, clen = len > over ? len - over : 0;
	uint8_t icv[IK_ESP_MAX_ICV];

	*n = 0;
	/* RFC 4303 2.4: the trailer ends on 4 octets (and the block). A tester that reports what
	 * the DUT broke opens a stream mode's unaligned packet all the same and counts it. */
	bool lax_align = sa->lax & IK_ESP_UNALIGNED && x->mode != IK_ESP_CBC;
	if (clen < 2 || (clen % align_of(x) && !lax_align)) {
		ik_fail(st, 0, "ESP: %zu octets do not hold a whole encrypted payload%s", len,
		        icv_hint(sa, pkt, len));
		return IK_ESP_MALFORMED;
	}
	if (get32(pkt) != sa->spi && !(sa->lax & IK_ESP_LAX_SPI)) {
		ik_fail(st, 0, "ESP: SPI %08x is not this SA's %08x", get32(pkt), sa->spi);
		return IK_ESP_BAD_SPI;
	}
	uint32_t seq = get32(pkt + 4);
	/* RFC 4303 3.4.3: the first check after the SA lookup, before any cryptography. */
	/* Quirk esp-seq-zero (IK_ESP_SEQ_ZERO): 0 is judged as any number, not as one never sent. */
	bool fresh = sa->lax & IK_ESP_SEQ_ZERO ? ik_esp_replay_unseen(&sa->win, seq)
	                                       : ik_esp_replay_check(&sa->win, seq);
	if (sa->replay_on && !fresh) {
		ik_fail(st, 0, "ESP: sequence number %u replayed or left of the window (top %u)",
		        seq, sa->win.top);
		return IK_ESP_REPLAY;
	}
	if (x->integ && !(sa->lax & IK_ESP_LAX_ICV) &&
	    (!hmac(sa, pkt, len - x->icv_len, icv) ||
	     CRYPTO_memcmp(icv, pkt + len - x->icv_len, x->icv_len))) {
		ik_fail(st, 0, "ESP: the ICV of sequence number %u does not verify%s", seq,
		        icv_hint(sa, pkt, len));
		return IK_ESP_BAD_ICV;
	}
	if (clen > cap) {
		ik_fail(st, 0, "ESP: %zu octets of encrypted payload do not fit in %zu", clen, cap);
		return IK_ESP_MALFORMED;
	}
	size_t plen = 0;
	enum ik_esp_verdict v = unwrap(sa, pkt, clen, out, &plen, nh);
	if (v == IK_ESP_OK) {
		*n = plen;
		sa->unaligned += clen % align_of(x) != 0;
		/* Authentic (RFC 4303 3.4.3: the window moves only after the ICV verified). */
		if (sa->replay_on)
			ik_esp_replay_update(&sa->win, seq);
		sa->packets++, sa->octets += plen;
		if (*nh == IK_ESP_NH_NONE)
			v = IK_ESP_DUMMY;
	} else {
		OPENSSL_cleanse(out, clen); /* nothing unauthenticated is left for the caller */
		ik_fail(st, 0, "ESP: sequence number %u: %s", seq, ik_esp_verdict_name(v));
	}
	return v;
}

bool ik_esp_authentic(struct ik_esp_sa *sa, const uint8_t *pkt, size_t len)
{
	const struct ik_esp_xform *x = &sa->x;
	size_t over = IK_ESP_HDR + x->iv_len + x->icv_len;
	uint8_t icv[IK_ESP_MAX_ICV], tag[16];
	if (!x->icv_len || len < over + 2)
		return false; /* without integrity nothing is authentic (RFC 4303 3.4.3) */
	if (x->integ)
		return hmac(sa, pkt, len - x->icv_len, icv) &&
		       !CRYPTO_memcmp(icv, pkt + len - x->icv_len, x->icv_len);
	/* GCM checks its tag as it decrypts: into a copy, which is wiped. */
	size_t clen = len - over;
	uint8_t *buf = malloc(clen);
	if (!buf)
		return false;
	memcpy(buf, pkt + IK_ESP_HDR + x->iv_len, clen);
	memcpy(tag, pkt + len - 16, 16);
	bool ok = crypt(sa, pkt + IK_ESP_HDR, buf, clen, pkt, tag, false);
	OPENSSL_cleanse(buf, clen);
	free(buf);
	return ok;
}
