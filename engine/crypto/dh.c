/*
 * Diffie-Hellman on OpenSSL 3 libcrypto: BIGNUM for MODP (groups 1 and 2 have no named
 * OpenSSL parameters, and a fixed private value must be settable) and EC_GROUP/EC_POINT for
 * the RFC 5903 groups. Private values are BN_FLG_CONSTTIME and cleared on free.
 */
#include "dh.h"
#include "rng.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>

/* Notify types (RFC 2408 3.14.1) the checks report. */
enum { N_PAYLOAD_MALFORMED = 16, N_INVALID_KEY_INFORMATION = 17 };

/*
 * One EC_GROUP per curve for the life of the process: making one costs about as much as a
 * point multiplication, and a handshake needs five per side. Read-only once made; like the
 * RNG, not for several threads at once.
 */
static const EC_GROUP *ec_group(int nid)
{
	static struct {
		int nid;
		EC_GROUP *grp;
	} cache[4];

	for (size_t i = 0; i < sizeof(cache) / sizeof(cache[0]); i++) {
		if (cache[i].grp && cache[i].nid == nid)
			return cache[i].grp;
		if (!cache[i].grp) {
			cache[i].grp = EC_GROUP_new_by_curve_name(nid);
			cache[i].nid = nid;
			return cache[i].grp;
		}
	}
	return NULL;
}

/* A fresh copy of OpenSSL's RFC 2409 6 / RFC 3526 prime of the group (algs.def); free it. */
static BIGNUM *modp_prime(const struct ik_dh_group *g)
{
	return g->prime ? g->prime(NULL) : NULL;
}

/* Private value -> public value, both for MODP: g^x mod p, left-padded to the prime length. */
static bool modp_public(struct ik_dh *dh, struct ik_status *st)
{
	BIGNUM *p = modp_prime(dh->g), *two = BN_new(), *y = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	bool ok = p && two && y && ctx && BN_set_word(two, 2) &&
	          BN_mod_exp_mont_consttime(y, two, dh->priv, p, ctx, NULL) &&
	          BN_bn2binpad(y, dh->pub, (int)dh->g->len) == (int)dh->g->len;

	dh->pub_len = ok ? dh->g->len : 0;
	BN_free(p);
	BN_free(two);
	BN_free(y);
	BN_CTX_free(ctx);
	return ok ? true : ik_fail(st, 0, "modp_public: %s exponentiation failed", dh->g->name);
}

static bool ecp_public(struct ik_dh *dh, struct ik_status *st)
{
	size_t f = dh->g->secret_len;
	const EC_GROUP *grp = ec_group(dh->g->nid);
	EC_POINT *pt = grp ? EC_POINT_new(grp) : NULL;
	BIGNUM *x = BN_new(), *y = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	bool ok = pt && x && y && ctx && EC_POINT_mul(grp, pt, dh->priv, NULL, NULL, ctx) &&
	          EC_POINT_get_affine_coordinates(grp, pt, x, y, ctx) &&
	          BN_bn2binpad(x, dh->pub, (int)f) == (int)f &&
	          BN_bn2binpad(y, dh->pub + f, (int)f) == (int)f;

	dh->pub_len = ok ? dh->g->len : 0;
	EC_POINT_free(pt);
	BN_free(x);
	BN_free(y);
	BN_CTX_free(ctx);
	return ok ? true
	          : ik_fail(st, 0, "ecp_public: %s point multiplication failed", dh->g->name);
}

/* The range private values must lie in: [2, p-2] for MODP, [1, n-1] for ECP. */
static bool priv_range(const struct ik_dh_group *g, BIGNUM *lo, BIGNUM *hi)
{
	if (g->kind == IK_DH_MODP) {
		BIGNUM *p = modp_prime(g);
		bool ok = p && BN_sub(hi, p, BN_value_one()) && BN_sub_word(hi, 1) &&
		          BN_set_word(lo, 2);
		BN_free(p);
		return ok;
	}
	const EC_GROUP *grp = ec_group(g->nid);
	bool ok = grp && BN_copy(hi, EC_GROUP_get0_order(grp)) && BN_sub_word(hi, 1) &&
	          BN_set_word(lo, 1);
	return ok;
}

static bool finish(struct ik_dh *dh, struct ik_status *st)
{
	bool ok = dh->g->kind == IK_DH_MODP ? modp_public(dh, st) : ecp_public(dh, st);

	if (!ok)
		ik_dh_free(dh);
	return ok;
}

bool ik_dh_from_private(struct ik_dh *dh, const struct ik_dh_group *g, const uint8_t *priv,
                        size_t len, struct ik_status *st)
{
	memset(dh, 0, sizeof(*dh));
	if (!g)
		return ik_fail(st, 0, "ik_dh_from_private: no group");
	BIGNUM *lo = BN_new(), *hi = BN_new();
	dh->g = g;
	dh->priv = BN_secure_new();
	bool ok = lo && hi && dh->priv && len <= IK_DH_MAX && BN_bin2bn(priv, (int)len, dh->priv) &&
	          priv_range(g, lo, hi);
	bool in_range = ok && BN_cmp(dh->priv, lo) >= 0 && BN_cmp(dh->priv, hi) <= 0;
	BN_free(lo);
	BN_free(hi);
	if (!in_range) {
		ik_dh_free(dh);
		return ik_fail(st, 0, "ik_dh_from_private: private value out of range for %s",
		               g->name);
	}
	BN_set_flags(dh->priv, BN_FLG_CONSTTIME);
	return finish(dh, st);
}

/*
 * RFC 3526 8: a private exponent of twice the group's strength is enough; we take the upper
 * of its two estimates (240 bits for 1536-bit MODP, 320 for 2048 ... 620 for 8192) and 256 bits
 * for the RFC 2409 groups. All are safe primes, so a short exponent loses nothing, and it makes
 * a group 14 exponentiation about six times faster than a full-length one (bench/README.md).
 */
size_t ik_dh_exp_bits(const struct ik_dh_group *g)
{
	static const struct {
		size_t prime_len, bits;
	} t[] = {{96, 256},  {128, 256}, {192, 240}, {256, 320},
	         {384, 420}, {512, 480}, {768, 540}, {1024, 620}};

	for (size_t i = 0; g && g->kind == IK_DH_MODP && i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].prime_len == g->len)
			return t[i].bits;
	return 0; /* ECP, or an unknown MODP size: the full range */
}

bool ik_dh_generate(struct ik_dh *dh, const struct ik_dh_group *g, struct ik_status *st)
{
	uint8_t raw[IK_DH_MAX + 8];

	memset(dh, 0, sizeof(*dh));
	if (!g)
		return ik_fail(st, 0, "ik_dh_generate: no group");
	size_t bits = ik_dh_exp_bits(g);
	/* 8 extra bytes make the bias of the reduction below negligible. */
	size_t n = (bits ? (bits + 7) / 8 : g->secret_len) + 8;
	BIGNUM *lo = BN_new(), *hi = BN_new(), *r = BN_secure_new(), *span = BN_new();
	BN_CTX *ctx = BN_CTX_new();
	dh->g = g;
	dh->priv = BN_secure_new();
	/* priv = lo + (r mod (hi - lo + 1)); MODP: hi = 2^bits - 1 */
	bool ok = lo && hi && r && span && ctx && dh->priv && ik_rng_bytes(raw, n) &&
	          BN_bin2bn(raw, (int)n, r) && priv_range(g, lo, hi) &&
	          (!bits ||
	           (BN_set_word(hi, 0) && BN_set_bit(hi, (int)bits) && BN_sub_word(hi, 1))) &&
	          BN_sub(span, hi, lo) && BN_add_word(span, 1) && BN_mod(dh->priv, r, span, ctx) &&
	          BN_add(dh->priv, dh->priv, lo);
	OPENSSL_cleanse(raw, sizeof(raw));
	BN_free(lo);
	BN_free(hi);
	BN_clear_free(r);
	BN_free(span);
	BN_CTX_free(ctx);
	if (!ok) {
		ik_dh_free(dh);
		return ik_fail(st, 0, "ik_dh_generate: cannot make a %s private value", g->name);
	}
	BN_set_flags(dh->priv, BN_FLG_CONSTTIME);
	return finish(dh, st);
}

/* RFC 2409 5 / RFC 2412 (and RFC 7296 1.2 practice): y must be in [2, p-2]. */
static bool modp_check(const struct ik_dh_group *g, const uint8_t *pub, size_t len,
                       struct ik_status *st)
{
	BIGNUM *p = modp_prime(g), *y = BN_bin2bn(pub, (int)len, NULL);
	BIGNUM *pm1 = BN_new();
	bool ok = false;

	if (!p || !y || !pm1 || !BN_sub(pm1, p, BN_value_one()))
		ik_fail(st, 0, "modp_check: out of memory");
	else if (BN_is_zero(y) || BN_is_one(y))
		ik_fail(st, N_INVALID_KEY_INFORMATION, "modp_check: %s peer public value is %s",
		        g->name, BN_is_zero(y) ? "0" : "1");
	else if (BN_cmp(y, p) >= 0)
		ik_fail(st, N_INVALID_KEY_INFORMATION,
		        "modp_check: %s peer public value is not less than the prime p", g->name);
	else if (BN_cmp(y, pm1) == 0)
		ik_fail(st, N_INVALID_KEY_INFORMATION,
		        "modp_check: %s peer public value is p-1 (order 2 subgroup)", g->name);
	else
		ok = true;
	BN_free(p);
	BN_free(y);
	BN_free(pm1);
	return ok;
}

/* The peer's point, validated (RFC 5903 7; SP 800-56A 5.6.2.3 partial validation). */
static EC_POINT *ecp_point(const struct ik_dh_group *g, const EC_GROUP *grp, const uint8_t *pub,
                           BN_CTX *ctx, struct ik_status *st)
{
	size_t f = g->secret_len;
	BIGNUM *x = BN_bin2bn(pub, (int)f, NULL), *y = BN_bin2bn(pub + f, (int)f, NULL);
	BIGNUM *p = BN_new();
	EC_POINT *pt = EC_POINT_new(grp);
	bool ok = false;

	if (!x || !y || !p || !pt || !EC_GROUP_get_curve(grp, p, NULL, NULL, ctx))
		ik_fail(st, 0, "ecp_point: out of memory");
	else if (BN_is_zero(x) && BN_is_zero(y))
		ik_fail(st, N_INVALID_KEY_INFORMATION,
		        "ecp_point: %s peer public value is the point at infinity (0,0)", g->name);
	else if (BN_cmp(x, p) >= 0 || BN_cmp(y, p) >= 0)
		ik_fail(st, N_INVALID_KEY_INFORMATION,
		        "ecp_point: %s peer coordinate is not less than the field prime", g->name);
	else if (!EC_POINT_set_affine_coordinates(grp, pt, x, y, ctx) ||
	         EC_POINT_is_on_curve(grp, pt, ctx) != 1)
		ik_fail(st, N_INVALID_KEY_INFORMATION,
		        "ecp_point: %s peer public value is not on the curve", g->name);
	else if (EC_POINT_is_at_infinity(grp, pt))
		ik_fail(st, N_INVALID_KEY_INFORMATION,
		        "ecp_point: %s peer public value is the point at infinity", g->name);
	else
		ok = true;
	ERR_clear_error(); /* a rejected point leaves OpenSSL errors we have already reported */
	BN_free(x);
	BN_free(y);
	BN_free(p);
	if (!ok) {
		EC_POINT_free(pt);
		return NULL;
	}
	return pt;
}

const uint8_t *ik_dh_fit(const struct ik_dh_group *g, const uint8_t *pub, size_t len, uint8_t *out)
{
	size_t keep = len < g->len ? len : g->len;
	memset(out, 0, g->len - keep);
	if (keep)
		memcpy(out + g->len - keep, pub + len - keep, keep);
	return out;
}

bool ik_dh_check_peer(const struct ik_dh_group *g, const uint8_t *pub, size_t len,
                      struct ik_status *st)
{
	if (!g)
		return ik_fail(st, 0, "ik_dh_check_peer: no group");
	if (len != g->len)
		return ik_fail(st, N_PAYLOAD_MALFORMED,
		               "ik_dh_check_peer: %s KE value is %zu bytes, the group needs %zu",
		               g->name, len, g->len);
	if (g->kind == IK_DH_MODP)
		return modp_check(g, pub, len, st);
	const EC_GROUP *grp = ec_group(g->nid);
	BN_CTX *ctx = BN_CTX_new();
	EC_POINT *pt = grp && ctx ? ecp_point(g, grp, pub, ctx, st) : NULL;
	bool ok = pt != NULL;
	EC_POINT_free(pt);
	BN_CTX_free(ctx);
	return ok;
}

static bool modp_shared(const struct ik_dh *dh, const uint8_t *peer, uint8_t *out)
{
	BIGNUM *p = modp_prime(dh->g), *y = BN_bin2bn(peer, (int)dh->g->len, NULL);
	BIGNUM *z = BN_secure_new();
	BN_CTX *ctx = BN_CTX_new();
	bool ok = p && y && z && ctx && BN_mod_exp_mont_consttime(z, y, dh->priv, p, ctx, NULL) &&
	          BN_bn2binpad(z, out, (int)dh->g->secret_len) == (int)dh->g->secret_len;

	BN_free(p);
	BN_free(y);
	BN_clear_free(z);
	BN_CTX_free(ctx);
	return ok;
}

static bool ecp_shared(const struct ik_dh *dh, const uint8_t *peer, uint8_t *out,
                       struct ik_status *st)
{
	size_t f = dh->g->secret_len;
	const EC_GROUP *grp = ec_group(dh->g->nid);
	BN_CTX *ctx = BN_CTX_new();
	EC_POINT *pt = grp && ctx ? ecp_point(dh->g, grp, peer, ctx, st) : NULL;
	EC_POINT *z = grp ? EC_POINT_new(grp) : NULL;
	BIGNUM *x = BN_secure_new();
	/* RFC 5903 7: the shared secret is the x coordinate of the product only. */
	bool ok = pt && z && x && EC_POINT_mul(grp, z, NULL, pt, dh->priv, ctx) &&
	          !EC_POINT_is_at_infinity(grp, z) &&
	          EC_POINT_get_affine_coordinates(grp, z, x, NULL, ctx) &&
	          BN_bn2binpad(x, out, (int)f) == (int)f;

	EC_POINT_clear_free(z);
	EC_POINT_free(pt);
	BN_clear_free(x);
	BN_CTX_free(ctx);
	return ok;
}

bool ik_dh_shared(const struct ik_dh *dh, const uint8_t *peer, size_t len, uint8_t *out,
                  struct ik_status *st)
{
	if (!dh || !dh->g || !dh->priv)
		return ik_fail(st, 0, "ik_dh_shared: no key pair");
	if (dh->unchecked && len != dh->g->len)
		return ik_fail(st, N_PAYLOAD_MALFORMED, "ik_dh_shared: KE of %zu bytes", len);
	/* An ECP point is validated where ecp_shared reads it (ecp_point, the same checks): only its
	 * length first, instead of reading and checking it twice. */
	if (!dh->unchecked && (dh->g->kind == IK_DH_MODP || len != dh->g->len) &&
	    !ik_dh_check_peer(dh->g, peer, len, st))
		return false;
	bool ok = dh->g->kind == IK_DH_MODP ? modp_shared(dh, peer, out)
	                                    : ecp_shared(dh, peer, out, st);
	if (!ok && dh->unchecked) {
		/* Quirk weak-ke: a peer that never validated the point computes something; the
		 * peer's x coordinate stands in for it (the tester cannot predict it anyway). */
		memcpy(out, peer, dh->g->secret_len);
		if (st)
			ik_status_clear(st);
		return true;
	}
	if (!ok) {
		OPENSSL_cleanse(out, dh->g->secret_len);
		return st && st->why[0] ? false
		                        : ik_fail(st, 0, "ik_dh_shared: %s failed", dh->g->name);
	}
	return true;
}

void ik_dh_free(struct ik_dh *dh)
{
	if (!dh)
		return;
	BN_clear_free(dh->priv);
	OPENSSL_cleanse(dh, sizeof(*dh));
}
