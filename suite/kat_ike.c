/*
 * Key-exchange families: NIST CAVS IKEv1 SKEYID (SP 800-135 component test), RFC 5903 section 8
 * ECP values, the MODP primes of RFC 3526 / RFC 2409 6.1-6.2 against our built-in table, and
 * the public key encryption formulas of RFC 2409 5 / 5.3 (vectors/pke, made with openssl).
 */
#include "kat_internal.h"

#include "consts.h"
#include "dh.h"
#include "keys.h"
#include "pke.h"
#include "util.h"

#include <openssl/bn.h>
#include <stdlib.h>
#include <string.h>

/* CAVS "[SHA-1]" / "[SHA-256]" group headers to the IKEv1 hash. */
static const struct ik_hash_alg *cavs_hash(const struct kat_file *kf)
{
	static const struct {
		const char *hdr;
		uint16_t id;
	} map[] = {{"SHA-1", IK_P1_HASH_SHA},
	           {"SHA-256", IK_P1_HASH_SHA2_256},
	           {"SHA-384", IK_P1_HASH_SHA2_384},
	           {"SHA-512", IK_P1_HASH_SHA2_512}};
	const char *h = kat_hdr(kf, "SHA-");

	for (size_t i = 0; h && i < IK_ARRAY_SIZE(map); i++)
		if (!strcmp(h, map[i].hdr))
			return ik_hash_by_id(map[i].id);
	return NULL;
}

/* One CAVS IKEv1 case: SKEYID (per auth kind) then SKEYID_d/a/e (RFC 2409 section 5). */
static void ikev1_case(struct ik_kat_ctx *c, struct kat_file *kf, struct kat_rec *r,
                       enum ik_auth_kind auth)
{
	static const char *names[4] = {"SKEYID", "SKEYID_d", "SKEYID_a", "SKEYID_e"};
	const struct ik_hash_alg *h = cavs_hash(kf);
	struct ik_p1_in in = {.auth = auth};
	uint8_t out[4][IK_MAX_HASH];
	struct ik_status st = {0};
	size_t ci = 0, cr = 0;
	const uint8_t *cky_i = kat_bin(r, "CKY_I", &ci), *cky_r = kat_bin(r, "CKY_R", &cr);

	in.ni_b.p = kat_bin(r, "Ni", &in.ni_b.len);
	in.nr_b.p = kat_bin(r, "Nr", &in.nr_b.len);
	in.gxy.p = kat_bin(r, "g^xy", &in.gxy.len);
	if (auth == IK_AUTH_PSK)
		in.psk.p = kat_bin(r, "pre-shared-key", &in.psk.len);
	if (!h || !cky_i || ci != 8 || !cky_r || cr != 8 || !in.ni_b.p || !in.nr_b.p || !in.gxy.p ||
	    (auth == IK_AUTH_PSK && !in.psk.p)) {
		kat_case(c, kf, r, false, "missing or malformed input field (or hash header)");
		return;
	}
	memcpy(in.cky_i, cky_i, 8);
	memcpy(in.cky_r, cky_r, 8);
	if (!ik_skeyid(h, &in, out[0], &st) ||
	    !ik_skeyid_dae(h, out[0], in.gxy, in.cky_i, in.cky_r, out[1], out[2], out[3], &st)) {
		kat_case(c, kf, r, false, "%s", st.why);
		return;
	}
	for (int i = 0; i < 4; i++)
		if (!kat_eq(r, names[i], out[i], h->len)) {
			kat_case(c, kf, r, false, "%s differs (HMAC-%s)", names[i], h->name);
			return;
		}
	kat_case(c, kf, r, true, NULL);
}

static bool ikev1_file(struct ik_kat_ctx *c, const char *rel, enum ik_auth_kind auth)
{
	struct kat_file *kf = kat_open(c, rel);
	struct kat_rec r = {0};

	if (!kf)
		return false;
	while (kat_next(kf, &r))
		ikev1_case(c, kf, &r, auth);
	kat_rec_free(&r);
	kat_close(kf);
	return true;
}

bool kat_run_ikev1_psk(struct ik_kat_ctx *c)
{
	return ikev1_file(c, "nist-cavs-ikev1/ikev1_psk.fax", IK_AUTH_PSK);
}

/* The CAVS "dsa" file exercises the signature formula SKEYID = prf(Ni_b | Nr_b, g^xy). */
bool kat_run_ikev1_dsa(struct ik_kat_ctx *c)
{
	return ikev1_file(c, "nist-cavs-ikev1/ikev1_dsa.fax", IK_AUTH_SIG);
}

/* x | y of the file, the KE payload form of RFC 5903 7. */
static bool point(struct kat_rec *r, const char *x, const char *y, uint8_t *out, size_t f)
{
	size_t lx = 0, ly = 0;
	const uint8_t *px = kat_bin(r, x, &lx), *py = kat_bin(r, y, &ly);

	if (!px || !py || lx != f || ly != f)
		return false;
	memcpy(out, px, f);
	memcpy(out + f, py, f);
	return true;
}

/* RFC 5903 section 8: both sides' public values and the shared secret girx, both ways. */
static void ecp_case(struct ik_kat_ctx *c, struct kat_file *kf, struct kat_rec *r)
{
	const char *gs = kat_get(r, "GROUP");
	const struct ik_dh_group *g = gs ? ik_dh_by_id((uint16_t)atoi(gs)) : NULL;
	struct ik_dh di = {0}, dr = {0};
	struct ik_status st = {0};
	uint8_t gi[IK_DH_MAX], gr[IK_DH_MAX], zi[IK_DH_MAX], zr[IK_DH_MAX];
	size_t li = 0, lr = 0;
	const uint8_t *pi = kat_bin(r, "i", &li), *pr = kat_bin(r, "r", &lr);
	const char *bad = NULL;

	if (!g || g->kind != IK_DH_ECP || !pi || !pr ||
	    !point(r, "gix", "giy", gi, g->secret_len) ||
	    !point(r, "grx", "gry", gr, g->secret_len))
		bad = "missing or malformed field or GROUP";
	else if (!ik_dh_from_private(&di, g, pi, li, &st) ||
	         !ik_dh_from_private(&dr, g, pr, lr, &st))
		bad = st.why;
	else if (di.pub_len != g->len || memcmp(di.pub, gi, g->len))
		bad = "g^i (gix | giy) differs";
	else if (dr.pub_len != g->len || memcmp(dr.pub, gr, g->len))
		bad = "g^r (grx | gry) differs";
	else if (!ik_dh_shared(&di, gr, g->len, zi, &st) || !ik_dh_shared(&dr, gi, g->len, zr, &st))
		bad = st.why;
	else if (!kat_eq(r, "girx", zi, g->secret_len))
		bad = "initiator's shared secret differs from girx";
	else if (!kat_eq(r, "girx", zr, g->secret_len))
		bad = "responder's shared secret differs from girx";
	ik_dh_free(&di);
	ik_dh_free(&dr);
	kat_case(c, kf, r, !bad, "%s", bad ? bad : "");
}

bool kat_run_rfc5903(struct ik_kat_ctx *c)
{
	struct kat_file *kf = kat_open(c, "rfc5903/ecp.txt");
	struct kat_rec r = {0};

	if (!kf)
		return false;
	while (kat_next(kf, &r))
		ecp_case(c, kf, &r);
	kat_rec_free(&r);
	kat_close(kf);
	return true;
}

/* The built-in MODP group whose prime has the file's length (all eight lengths differ). */
static void modp_case(struct ik_kat_ctx *c, struct kat_file *kf, struct kat_rec *r)
{
	size_t plen = 0;
	const uint8_t *p = kat_bin(r, "P", &plen);
	const char *gen = kat_get(r, "G");
	const struct ik_dh_group *g = NULL;
	uint8_t ours[IK_DH_MAX];
	BIGNUM *bn;

	for (size_t i = 0; p && i < ik_dh_group_count; i++)
		if (ik_dh_groups[i].kind == IK_DH_MODP && ik_dh_groups[i].len == plen)
			g = &ik_dh_groups[i];
	if (!g) {
		kat_case(c, kf, r, false, "no built-in MODP group has a %zu-byte prime", plen);
		return;
	}
	bn = g->prime(NULL);
	bool ok = bn && BN_bn2binpad(bn, ours, (int)g->len) == (int)g->len;
	BN_free(bn);
	if (!ok || memcmp(ours, p, plen))
		kat_case(c, kf, r, false, "group %u (%s) prime differs from P", g->id, g->name);
	else
		kat_case(c, kf, r, gen && !strcmp(gen, "2"), "group %u generator is not 2", g->id);
}

bool kat_run_modp(struct ik_kat_ctx *c)
{
	static const char *files[] = {"dh/rfc2409.txt", "dh/rfc3526.txt"};

	for (size_t i = 0; i < 2; i++) {
		struct kat_file *kf = kat_open(c, files[i]);
		struct kat_rec r = {0};
		if (!kf)
			return false;
		while (kat_next(kf, &r))
			modp_case(c, kf, &r);
		kat_rec_free(&r);
		kat_close(kf);
	}
	return true;
}

/* openssl enc names of vectors/pke/make.sh to our strongSwan keywords. */
static const struct ik_cipher_alg *pke_cipher(const char *name)
{
	static const char *const map[][2] = {{"aes-128-cbc", "aes128"},
	                                     {"aes-192-cbc", "aes192"},
	                                     {"aes-256-cbc", "aes256"},
	                                     {"des-ede3-cbc", "3des"}};
	for (size_t i = 0; name && i < IK_ARRAY_SIZE(map); i++)
		if (!strcmp(name, map[i][0]))
			return ik_cipher_by_name(map[i][1]);
	return NULL;
}

/* RFC 2409 5 / 5.3: SKEYID of public key encryption, Ne_i, Ne_r, Ke_i, and PLAIN under Ke_i
 * (IV zero, the 5.3 padding), both ways. */
static void pke_case(struct ik_kat_ctx *c, struct kat_file *kf, struct kat_rec *r)
{
	const struct ik_hash_alg *h =
		ik_hash_by_keyword(kat_get(r, "HASH") ? kat_get(r, "HASH") : "");
	const struct ik_cipher_alg *ci = pke_cipher(kat_get(r, "CIPHER"));
	struct ik_p1_in in = {.auth = IK_AUTH_PKE};
	uint8_t skeyid[IK_MAX_HASH], nei[IK_MAX_HASH], ner[IK_MAX_HASH], ke[IK_MAX_KEY];
	uint8_t iv[IK_MAX_BLOCK] = {0}, ct[512], back[512];
	size_t ci_len = 0, cr_len = 0, plen = 0, ctlen = 0, blen = 0;
	const uint8_t *cky_i = kat_bin(r, "CKY_I", &ci_len), *cky_r = kat_bin(r, "CKY_R", &cr_len);
	const uint8_t *plain = kat_bin(r, "PLAIN", &plen);
	struct ik_status st = {0};
	const char *bad = NULL;

	in.ni_b.p = kat_bin(r, "Ni", &in.ni_b.len);
	in.nr_b.p = kat_bin(r, "Nr", &in.nr_b.len);
	if (!h || !ci || !cky_i || ci_len != 8 || !cky_r || cr_len != 8 || !in.ni_b.p ||
	    !in.nr_b.p || !plain || plen > 256) {
		kat_case(c, kf, r, false, "missing or malformed input field");
		return;
	}
	memcpy(in.cky_i, cky_i, 8);
	memcpy(in.cky_r, cky_r, 8);
	if (!ik_skeyid(h, &in, skeyid, &st) ||
	    !ik_pke_ne(h, in.ni_b.p, in.ni_b.len, in.cky_i, nei, &st) ||
	    !ik_pke_ne(h, in.nr_b.p, in.nr_b.len, in.cky_r, ner, &st) ||
	    !ik_pke_ke(h, ci, nei, ke, &st) ||
	    !ik_pke_sym_encrypt(ci, ke, iv, plain, plen, ct, sizeof(ct), &ctlen, &st))
		bad = st.why;
	else if (!kat_eq(r, "SKEYID", skeyid, h->len))
		bad = "SKEYID = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R) differs";
	else if (!kat_eq(r, "Ne_i", nei, h->len) || !kat_eq(r, "Ne_r", ner, h->len))
		bad = "Ne_i / Ne_r = prf(N_b, CKY) differs";
	else if (!kat_eq(r, "Ke_i", ke, ci->key_len))
		bad = "Ke_i differs";
	else if (!kat_eq(r, "CIPHERTEXT", ct, ctlen))
		bad = "PLAIN under Ke_i differs from CIPHERTEXT";
	else if (memset(iv, 0, sizeof(iv)),
	         !ik_pke_sym_decrypt(ci, ke, iv, ct, ctlen, back, sizeof(back), &blen, &st) ||
	                 blen != plen || memcmp(back, plain, plen))
		bad = "CIPHERTEXT does not decrypt back to PLAIN";
	kat_case(c, kf, r, !bad, "%s", bad ? bad : "");
}

bool kat_run_pke(struct ik_kat_ctx *c)
{
	struct kat_file *kf = kat_open(c, "pke/rfc2409-pke.txt");
	struct kat_rec r = {0};

	if (!kf)
		return false;
	while (kat_next(kf, &r))
		pke_case(c, kf, &r);
	kat_rec_free(&r);
	kat_close(kf);
	return true;
}
