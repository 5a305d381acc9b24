/*
 * Public key encryption authentication in phase 1 (RFC 2409 5.2, method 4) and its revised mode
 * (5.3, method 5). 5.2: "the nonce and identity payloads MUST be encrypted with the public key
 * of the other party. Only the body of the payloads are encrypted, the payload headers are left
 * in the clear", in PKCS #1 format. 5.3: the nonce alone under RSA; the KE, the ID and an
 * optional certificate under Ke_i / Ke_r, the negotiated cipher keyed from Ne_i = prf(Ni_b,
 * CKY-I) / Ne_r = prf(Nr_b, CKY-R), IVs chained from zero. Both modes then authenticate with
 * HASH_I / HASH_R under SKEYID = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R) (RFC 2409 5).
 *
 * Each side must know the other's public key beforehand (5.2): ours is cfg.creds, the peer's
 * certificate cfg.trust->peer. HASH(1), "a hash (using the negotiated hash function) of the
 * certificate which the initiator is using to encrypt", is sent when cfg.pke_hash1 says so and,
 * received, must name our certificate (we hold one key) and, in the revised mode, come right
 * before the nonce (5.3). Not done: a <Cert-I_b>Ke_i (5.3: "MAY")
 * is decrypted and ignored: the peer's key is the configured one.
 */
#include "consts.h"
#include "pke.h"
#include "rules.h"
#include "xchg.h"

#include "cert.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <string.h>
#include <time.h>

bool ik_p1_enc(const struct ik_sa *sa)
{
	return sa->chosen.auth == IK_P1_AUTH_RSA_ENC || sa->chosen.auth == IK_P1_AUTH_RSA_REV_ENC;
}

bool ik_p1_enc_rev(const struct ik_sa *sa)
{
	return sa->chosen.auth == IK_P1_AUTH_RSA_REV_ENC;
}

bool ik_p1_enc_ready(const struct ik_cfg *c)
{
	return c->creds && c->creds->key && c->trust && c->trust->peer &&
	       X509_get0_pubkey(c->trust->peer);
}

/* The rules to check a message by: the chosen method, or before the choice is read (AM2 at
 * the initiator) the one we offered. */
enum ik_rules_auth ik_p1_rules_auth(const struct ik_sa *sa)
{
	uint16_t a = sa->chosen.auth   ? sa->chosen.auth
	             : sa->hs->noffers ? sa->hs->offers[0].auth
	                               : 0;
	return ik_p1_auth_sig(a)                                        ? IK_RULES_SIG
	       : a == IK_P1_AUTH_RSA_ENC || a == IK_P1_AUTH_RSA_REV_ENC ? IK_RULES_ENC
	                                                                : IK_RULES_PSK;
}

/* A payload body of octets we made (a ciphertext), through the fields the encoder writes in
 * order: an ID body is type, protocol, port and data (RFC 2407 4.6.2) back to back. */
static bool set_body(struct ik_node *n, const uint8_t *b, size_t len)
{
	switch (n->type) {
	case IK_PAYLOAD_ID:
		return len >= 4 && ik_node_set_num(n, IK_F_ID_ID_TYPE, b[0]) &&
		       ik_node_set_num(n, IK_F_ID_PROTO, b[1]) &&
		       ik_node_set_num(n, IK_F_ID_PORT, (uint32_t)(b[2] << 8 | b[3])) &&
		       ik_node_set_bytes(n, IK_F_ID_DATA, b + 4, len - 4);
	case IK_PAYLOAD_NONCE: return ik_node_set_bytes(n, IK_F_NONCE_DATA, b, len);
	case IK_PAYLOAD_KE: return ik_node_set_bytes(n, IK_F_KE_DATA, b, len);
	}
	return false;
}

/* Ke_i (we are the initiator) or Ke_r of RFC 2409 5.3 from the nonce of its sender. */
static bool sym_key(const struct ik_sa *sa, bool of_initiator, uint8_t *ke,
                    const struct ik_cipher_alg **c, struct ik_status *st)
{
	const struct ik_hash_alg *h = ik_hash_by_id(sa->chosen.hash);
	const struct ik_p1_hs *k = &sa->hs->k;
	uint8_t ne[IK_MAX_HASH];

	*c = ik_cipher_by_ike(sa->chosen.enc, sa->chosen.keylen);
	if (!h || !*c)
		return ik_fail(st, IK_NOTIFY_NO_PROPOSAL_CHOSEN, "no hash or cipher for Ke");
	bool ok = of_initiator ? ik_pke_ne(h, k->ni, k->ni_len, sa->icookie, ne, st)
	                       : ik_pke_ne(h, k->nr, k->nr_len, sa->rcookie, ne, st);
	ok = ok && ik_pke_ke(h, *c, ne, ke, st);
	OPENSSL_cleanse(ne, sizeof(ne)); /* 5.3: "ephemeral and MUST be discarded after use" */
	return ok;
}

/* 5.3: <KE_b>Ke, <ID_b>Ke in that order after the nonce, the IV chained from zero. */
static bool rev_bodies(struct ik_sa *sa, struct ik_node *ke, struct ik_node *id,
                       struct ik_status *st)
{
	uint8_t key[IK_MAX_KEY], iv[IK_MAX_BLOCK] = {0}, ct[IK_DH_MAX + 2 * IK_MAX_BLOCK];
	const struct ik_cipher_alg *c;
	size_t len;

	bool ok = sym_key(sa, sa->role == IK_INITIATOR, key, &c, st) &&
	          ik_pke_sym_encrypt(c, key, iv, sa->hs->k.dh.pub, sa->hs->k.dh.pub_len, ct,
	                             sizeof(ct), &len, st) &&
	          (set_body(ke, ct, len) || ik_fail(st, 0, "rev_bodies: out of memory")) &&
	          ik_pke_sym_encrypt(c, key, iv, sa->hs->id_mine_b, sa->hs->id_mine_len, ct,
	                             sizeof(ct), &len, st) &&
	          (set_body(id, ct, len) || ik_fail(st, 0, "rev_bodies: out of memory"));
	OPENSSL_cleanse(key, sizeof(key));
	return ok;
}

/* HASH(1) of RFC 2409 5.2: the negotiated hash of a certificate's DER. */
static bool cert_hash(const struct ik_sa *sa, X509 *x, uint8_t *out, size_t *len,
                      struct ik_status *st)
{
	const struct ik_hash_alg *h = ik_hash_by_id(sa->chosen.hash);
	unsigned char *der = NULL;
	int n = x ? i2d_X509(x, &der) : -1;
	struct ik_span part = IK_SPAN(der, n > 0 ? (size_t)n : 0);
	bool ok = h && n > 0 && ik_digest(h, &part, 1, out);

	OPENSSL_free(der);
	*len = h ? h->len : 0;
	return ok || ik_fail(st, 0, "HASH(1): the certificate cannot be hashed");
}

/* 5.2 / 5.3: HASH(1) first among what follows the SA, the nonce right after it (5.3). */
static bool add_hash1(struct ik_sa *sa, struct ik_msg *out, size_t at, struct ik_status *st)
{
	uint8_t hash[IK_MAX_HASH];
	size_t len;
	struct ik_node *n;

	if (!cert_hash(sa, sa->eng->cfg.trust->peer, hash, &len, st))
		return false;
	if (!(n = ik_payload_new(IK_PAYLOAD_HASH)) ||
	    !ik_node_set_bytes(n, IK_F_HASH_DATA, hash, len) || !ik_node_insert(out->hdr, at, n)) {
		ik_node_free(n);
		return ik_fail(st, 0, "add_hash1: out of memory");
	}
	return true;
}

/* A responder's check of HASH(1) in MM3 / AM1: it must name our certificate, the one key we
 * decrypt with (5.2: "the responder can determine which corresponding private key to use"). */
static bool check_hash1(struct ik_sa *sa, struct ik_in *in, struct ik_status *st)
{
	const struct ik_val *got = ik_fget(ik_pl_find(&in->m, IK_PAYLOAD_HASH, 0), IK_F_HASH_DATA);
	uint8_t want[IK_MAX_HASH];
	size_t len;

	if (sa->role != IK_RESPONDER || !got || IK_HAS(sa->eng->cfg.quirks, PKE_IGNORE_HASH1))
		return true;
	if (!cert_hash(sa, sa->eng->cfg.creds->cert, want, &len, st))
		return false;
	if (got->len != len || !ik_ct_equal(got->bytes, want, len))
		return ik_fail(st, IK_NOTIFY_INVALID_HASH_INFORMATION,
		               "HASH(1) names a certificate that is not ours: we hold no key for "
		               "what the peer encrypted to (RFC 2409 5.2)");
	return true;
}

/* MM3 / MM4 (AM1 / AM2): KE, <ID_b>PubKey, <N_b>PubKey (5.2) or <N_b>PubKey, <KE_b>Ke,
 * <ID_b>Ke (5.3), our nonce and DH value made as under the other methods. */
bool ik_p1_enc_add(struct ik_sa *sa, struct ik_msg *out, struct ik_status *st)
{
	const struct ik_cfg *c = &sa->eng->cfg;
	uint8_t ct[IK_PKE_MAX];
	size_t len;

	if (!ik_p1_enc_ready(c))
		return ik_fail(st, IK_NOTIFY_AUTHENTICATION_FAILED,
		               "public key encryption chosen, but no key of ours or no certificate "
		               "of the peer (RFC 2409 5.2: \"the initiator must already have the "
		               "responder's public key\")");
	if (!ik_p1_add_ke_nonce(sa, out, st))
		return false;
	if (!ik_p1_add_id(sa, out))
		return ik_fail(st, 0, "ik_p1_enc_add: out of memory");
	struct ik_node **kid = out->hdr->kids + out->hdr->nkids - 3; /* KE, NONCE, ID */
	struct ik_node *ke = kid[0], *no = kid[1], *id = kid[2];
	bool ini = sa->role == IK_INITIATOR;
	EVP_PKEY *peer = X509_get0_pubkey(c->trust->peer);
	if (!ik_pke_encrypt(peer, ini ? sa->hs->k.ni : sa->hs->k.nr,
	                    ini ? sa->hs->k.ni_len : sa->hs->k.nr_len, ct, sizeof(ct), &len, st) ||
	    !set_body(no, ct, len))
		return false;
	size_t at = out->hdr->nkids - 3;
	bool hash1 = ini && c->pke_hash1;
	if (ik_p1_enc_rev(sa)) { /* 5.3: [HASH(1),] the nonce, then what Ke encrypts */
		/* quirk pke-hash1-late: HASH(1) after the nonce, in the clear */
		bool late = ini && IK_HAS(c->quirks, PKE_HASH1_LATE);
		ik_node_remove(out->hdr, at);
		return ik_node_insert(out->hdr, at + 1, ke) && rev_bodies(sa, ke, id, st) &&
		       (!(hash1 || late) || add_hash1(sa, out, at + late, st));
	}
	if (!ik_pke_encrypt(peer, sa->hs->id_mine_b, sa->hs->id_mine_len, ct, sizeof(ct), &len,
	                    st) ||
	    !set_body(id, ct, len))
		return false;
	ik_node_remove(out->hdr, at + 1); /* 5.2 shows KE, [HASH(1),] ID, nonce */
	if (!ik_node_insert(out->hdr, SIZE_MAX, no))
		return ik_fail(st, 0, "ik_p1_enc_add: out of memory");
	return !hash1 || add_hash1(sa, out, at + 1, st);
}

/* The peer's nonce out of its RSA ciphertext. Every way it can be malformed -- the wrong
 * length, bad padding, a plaintext that is no nonce RFC 2409 5 allows (8 to 256 octets) -- is
 * answered alike (no padding oracle), unless quirk pke-padding-oracle tells padding apart. */
static bool take_nonce(struct ik_sa *sa, const uint8_t *b, size_t blen, uint8_t *nonce,
                       size_t *nlen, struct ik_status *st)
{
	const char *cause = NULL;
	bool any_len = IK_HAS(sa->eng->cfg.quirks, ANY_NONCE_LENGTH);

	bool ok = ik_pke_decrypt(sa->eng->cfg.creds->key, b, blen, nonce, IK_PKE_MAX, nlen, &cause,
	                         st);
	if (ok && !any_len && (*nlen < 8 || *nlen > IK_MAX_NONCE)) {
		ok = false;
		cause = "the plaintext is no nonce of 8 to 256 octets (RFC 2409 5)";
	}
	if (ok)
		return true;
	IK_LOG(sa->eng, "encrypted nonce refused: %s", cause);
	bool bad_pad = !strncmp(cause, "bad PKCS", 8);
	if (IK_HAS(sa->eng->cfg.quirks, PKE_SLOW_PADDING) && bad_pad) { /* a timing oracle */
		struct timespec left = {.tv_nsec = 150 * 1000000L};
		while (nanosleep(&left, &left) && errno == EINTR)
			;
	}
	if (IK_HAS(sa->eng->cfg.quirks, PKE_PADDING_ORACLE) && bad_pad)
		return ik_fail(st, IK_NOTIFY_INVALID_KEY_INFORMATION,
		               "%s (quirk pke-padding-oracle)", cause);
	return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED, IK_PKE_FAILED);
}

/* 5.3: "If the HASH payload is sent it MUST be the first payload of the second message
 * exchange and MUST be followed by the encrypted nonce. If the HASH payload is not sent, the
 * first payload ... MUST be the encrypted nonce" (in aggressive mode, after the SA and its vendor
 * IDs). The index
 * of the nonce among the payloads, or -1. */
static int rev_nonce_at(const struct ik_msg *m)
{
	const struct ik_node *h = m->hdr;
	size_t i = h->nkids && h->kids[0]->type == IK_PAYLOAD_SA;

	/* in aggressive mode the vendor IDs of the SA exchange may come between (in the clear) */
	while (i && i < h->nkids && h->kids[i]->type == IK_PAYLOAD_VID)
		i++;
	i += i < h->nkids && h->kids[i]->type == IK_PAYLOAD_HASH;
	return i < h->nkids && h->kids[i]->type == IK_PAYLOAD_NONCE ? (int)i : -1;
}

/* 5.3: a HASH(1) in MM3 / AM1 anywhere but right before the nonce (after it, where "All
 * payloads-- in whatever order-- following the encrypted nonce MUST be encrypted", it would be in
 * the clear) breaks the order; the quirk pke-hash1-late takes it there. The HASH of AM2 is
 * HASH_R. */
static bool rev_hash1_placed(const struct ik_sa *sa, const struct ik_msg *m, int at)
{
	const struct ik_node *h = ik_pl_find(m, IK_PAYLOAD_HASH, 0);

	return sa->role != IK_RESPONDER || !h || (at > 0 && m->hdr->kids[at - 1] == h) ||
	       IK_HAS(sa->eng->cfg.quirks, PKE_HASH1_LATE);
}

/* 5.3: the payloads after the nonce under Ke of the sender, in order, the IV chained from zero;
 * the KE and ID bodies into ke / id (the CERT is decrypted to keep the chain, then unused). */
static bool rev_take(struct ik_sa *sa, struct ik_in *in, int at, uint8_t *ke, size_t *ke_len,
                     uint8_t *id, size_t *id_len, struct ik_status *st)
{
	uint8_t key[IK_MAX_KEY], iv[IK_MAX_BLOCK] = {0}, scratch[IK_PKE_MAX * 4];
	const struct ik_cipher_alg *c;
	bool ok = sym_key(sa, sa->role == IK_RESPONDER, key, &c, st);

	*ke_len = *id_len = 0;
	for (size_t i = (size_t)at + 1; ok && i < in->m.hdr->nkids; i++) {
		const struct ik_node *n = in->m.hdr->kids[i];
		uint8_t *to = n->type == IK_PAYLOAD_KE   ? ke
		              : n->type == IK_PAYLOAD_ID ? id
		                                         : scratch;
		size_t *len = n->type == IK_PAYLOAD_KE   ? ke_len
		              : n->type == IK_PAYLOAD_ID ? id_len
		                                         : &(size_t){0};
		size_t cap = n->type == IK_PAYLOAD_KE   ? IK_DH_MAX + IK_MAX_BLOCK
		             : n->type == IK_PAYLOAD_ID ? IK_MAX_ID + 4 + IK_MAX_BLOCK
		                                        : sizeof(scratch);
		size_t blen;
		const uint8_t *b = ik_pl_body(n, in->body, &blen);
		if (n->type != IK_PAYLOAD_KE && n->type != IK_PAYLOAD_ID &&
		    n->type != IK_PAYLOAD_CERT)
			continue;
		ok = b && ik_pke_sym_decrypt(c, key, iv, b, blen, to, cap, len, st);
	}
	OPENSSL_cleanse(key, sizeof(key));
	return ok && (*ke_len && *id_len ? true
	                                 : ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED,
	                                           "no KE or ID after the encrypted nonce "
	                                           "(RFC 2409 5.3)"));
}

/* The peer's MM3 / MM4 (AM1 / AM2) of either mode: its nonce, KE and identity decrypted and
 * taken with the checks of the other methods. */
bool ik_p1_enc_take(struct ik_sa *sa, struct ik_in *in, struct ik_status *st)
{
	uint8_t nonce[IK_PKE_MAX], ke[IK_DH_MAX + IK_MAX_BLOCK], id[IK_MAX_ID + 4 + IK_MAX_BLOCK];
	size_t nlen, ke_len, id_len, blen;
	const struct ik_node *no = ik_pl_find(&in->m, IK_PAYLOAD_NONCE, 0);
	const struct ik_node *idn = ik_pl_find(&in->m, IK_PAYLOAD_ID, 0);
	const uint8_t *b = ik_pl_body(no, in->body, &blen);
	int at = rev_nonce_at(&in->m);
	bool ok;

	if (in->made_up) /* quirk answer-unparsed: a KE and nonce of our own, in the clear */
		return ik_p1_take_ke_nonce(sa, in, st);
	if (!ik_p1_enc_ready(&sa->eng->cfg))
		return ik_fail(st, IK_NOTIFY_AUTHENTICATION_FAILED,
		               "public key encryption chosen, but no key of ours to decrypt with "
		               "or no certificate of the peer (RFC 2409 5.2)");
	if (!b || !idn)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED, "NONCE or ID missing");
	if (ik_p1_enc_rev(sa) && at < 0)
		return ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED,
		               "the encrypted nonce is not the first payload nor right after "
		               "HASH(1) (RFC 2409 5.3)");
	if (ik_p1_enc_rev(sa) && !rev_hash1_placed(sa, &in->m, at))
		return ik_fail(
			st, IK_NOTIFY_PAYLOAD_MALFORMED,
			"HASH(1) is not right before the encrypted nonce (RFC 2409 5.3: \"If "
			"the HASH payload is sent it MUST be the first payload ... and MUST be "
			"followed by the encrypted nonce\")");
	if (!check_hash1(sa, in, st) || !take_nonce(sa, b, blen, nonce, &nlen, st))
		return false;
	if (ik_p1_enc_rev(sa)) {
		/* Ne of the sender needs its nonce first: kept, then the rest decrypted. */
		bool ini = sa->role == IK_INITIATOR;
		memcpy(ini ? sa->hs->k.nr : sa->hs->k.ni, nonce,
		       nlen < IK_MAX_NONCE ? nlen : IK_MAX_NONCE);
		*(ini ? &sa->hs->k.nr_len : &sa->hs->k.ni_len) =
			nlen < IK_MAX_NONCE ? nlen : IK_MAX_NONCE;
		ok = rev_take(sa, in, at, ke, &ke_len, id, &id_len, st);
	} else {
		const struct ik_val *kv =
			ik_fget(ik_pl_find(&in->m, IK_PAYLOAD_KE, 0), IK_F_KE_DATA);
		const uint8_t *ib = ik_pl_body(idn, in->body, &blen);
		ke_len = kv ? kv->len : 0;
		if (kv && ke_len <= sizeof(ke))
			memcpy(ke, kv->bytes, ke_len);
		ok = (kv && ke_len <= sizeof(ke)) ||
		     ik_fail(st, IK_NOTIFY_PAYLOAD_MALFORMED, "KE missing");
		ok = ok && ik_pke_decrypt(sa->eng->cfg.creds->key, ib, blen, id, sizeof(id),
		                          &id_len, NULL, st);
	}
	ok = ok && ik_p1_take_ke_nonce_raw(sa, ke, ke_len, nonce, nlen, st) &&
	     ik_p1_take_id_body(sa, id, id_len, st);
	OPENSSL_cleanse(nonce, sizeof(nonce));
	return ok;
}
