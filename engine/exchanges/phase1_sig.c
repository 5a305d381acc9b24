/*
 * Signature authentication in phase 1 (RFC 2409 5.1; RSA-SIG, or DSS-SIG with r||s): the CR
 * payloads we send (RFC 2408 3.10), [CERT,] SIG_I / SIG_R in place of HASH_I / HASH_R, and the
 * checks of the peer's: its
 * certificate through our trust (RFC 5280), its identity against its ID payload (RFC 4945 3.1),
 * its signature over the HASH we compute. The certificate layer is engine/crypto/cert.h; the
 * authentication method is the one of the chosen transform.
 */
#include "algs.h"
#include "cert.h"
#include "consts.h"
#include "xchg.h"

#include <string.h>

#define CERT_MAX 4096 /* one DER certificate in a CERT payload body */

bool ik_p1_sig(const struct ik_sa *sa)
{
	return ik_p1_auth_sig(sa->chosen.auth);
}

/* Whether this engine can sign and check signatures (credentials with a key, and a trust). */
bool ik_p1_sig_ready(const struct ik_cfg *c)
{
	return c->creds && c->creds->cert && c->creds->key && c->trust && c->trust->store;
}

/* RFC 2408 3.10: one CR per CA we trust, naming it, so the peer picks a certificate for it. */
bool ik_p1_add_cr(struct ik_sa *sa, struct ik_msg *out, struct ik_status *st)
{
	const struct ik_trust *t = sa->eng->cfg.trust;
	uint8_t body[CERT_MAX];
	size_t len;

	/* quirk cr-not-sent: no CR, as if a directory service gave every certificate */
	if (!ik_p1_sig(sa) || !t || !t->cas || (IK_HAS(sa->eng->cfg.quirks, CR_NOT_SENT)))
		return true;
	for (int i = 0; i < sk_X509_num(t->cas) && i < 8; i++) {
		struct ik_node *n = ik_pl_add(out, IK_PAYLOAD_CR);
		if (!n || !ik_cr_payload(sk_X509_value(t->cas, i), body, sizeof(body), &len, st))
			return n ? false : ik_fail(st, 0, "ik_p1_add_cr: out of memory");
		/* quirk cr-bad-ca: the CA named as text ("/O=.../CN=..."), not as its DER name */
		if (IK_HAS(sa->eng->cfg.quirks, CR_BAD_CA))
			len = 1 + strlen(X509_NAME_oneline(
					  X509_get_subject_name(sk_X509_value(t->cas, i)),
					  (char *)body + 1, (int)sizeof(body) - 1));
		if (!ik_node_set_num(n, IK_F_CR_CERT_TYPE, body[0]) ||
		    !ik_node_set_bytes(n, IK_F_CR_DATA, body + 1, len - 1))
			return false;
	}
	return true;
}

static bool add_cert(struct ik_msg *out, X509 *x, struct ik_status *st)
{
	uint8_t body[CERT_MAX];
	size_t len;
	struct ik_node *n = ik_pl_add(out, IK_PAYLOAD_CERT);

	if (!n)
		return ik_fail(st, 0, "add_cert: out of memory");
	return ik_cert_payload(x, body, sizeof(body), &len, st) &&
	       ik_node_set_num(n, IK_F_CERT_ENCODING, body[0]) &&
	       ik_node_set_bytes(n, IK_F_CERT_DATA, body + 1, len - 1);
}

/* Whether key is of the chosen method's algorithm (RFC 2409 Appendix A: DSS-SIG 2, RSA-SIG 3). */
static bool key_fits(const struct ik_sa *sa, EVP_PKEY *key, const char *whose, struct ik_status *st)
{
	bool dss = sa->chosen.auth == IK_P1_AUTH_DSS;

	if (ik_key_is_dsa(key) == dss)
		return true;
	return ik_fail(
		st, IK_NOTIFY_AUTHENTICATION_FAILED,
		"%s SIG: the method chosen is %s, but %s key is %s (RFC 2409 5.1, Appendix A)",
		dss ? "DSS" : "RSA", ik_name(IK_T_P1_AUTH, sa->chosen.auth), whose,
		key ? EVP_PKEY_get0_type_name(key) : "missing");
}

/* The SIG body size: the modulus for RSA, 40 for DSS r||s; under quirk dss-der-sig the length
 * of one DER signature, which ik_p1_fill_sig then makes again to that length. */
static size_t sig_size(const struct ik_sa *sa, EVP_PKEY *key, struct ik_status *st)
{
	if (ik_key_is_dsa(key) && IK_HAS(sa->eng->cfg.quirks, DSS_DER_SIG))
		return ik_dss_der_len(key, st);
	return ik_sig_size(key);
}

/* RFC 2409 5.1: [CERT,] SIG. Our certificate and its intermediates (so a peer that trusts the
 * root alone can build the chain, RFC 2408 3.9), then a SIG placeholder of the signature's size
 * that ik_p1_fill_sig signs once the message is encoded. */
static bool add_cert_sig(struct ik_sa *sa, struct ik_msg *out, struct ik_status *st)
{
	const struct ik_creds *c = sa->eng->cfg.creds;
	uint8_t zero[1024] = {0};
	size_t size = c && c->key ? sig_size(sa, c->key, st) : 0;

	if (!ik_p1_sig_ready(&sa->eng->cfg) || !size || size > sizeof(zero))
		return ik_fail(st, IK_NOTIFY_AUTHENTICATION_FAILED,
		               "signature authentication chosen, but no certificate and key to "
		               "sign with (RFC 2409 5.1)");
	if (!key_fits(sa, c->key, "our", st))
		return false;
	/* quirk cert-not-sent: SIG alone, whatever the peer asked for in its CR */
	/* cfg no_cert: the same, by choice (RFC 2409 5.1 "One or more certificate payloads MAY be
	 * optionally passed") */
	bool none = (IK_HAS(sa->eng->cfg.quirks, CERT_NOT_SENT)) || sa->eng->cfg.no_cert;
	if (!none && !add_cert(out, c->cert, st))
		return false;
	for (int i = 0; !none && i < sk_X509_num(c->chain); i++)
		if (!add_cert(out, sk_X509_value(c->chain, i), st))
			return false;
	struct ik_node *n = ik_pl_add(out, IK_PAYLOAD_SIG);
	return (n && ik_node_set_bytes(n, IK_F_SIG_DATA, zero, size)) ||
	       ik_fail(st, 0, "add_cert_sig: out of memory");
}

bool ik_p1_add_auth(struct ik_sa *sa, struct ik_msg *out, struct ik_status *st)
{
	if (ik_p1_sig(sa))
		return add_cert_sig(sa, out, st);
	return ik_p1_add_hash(out, sa->k.p1.h->len) || ik_fail(st, 0, "out of memory");
}

/* What SIG signs, *len octets (RFC 2409 5.1): HASH_I / HASH_R by the negotiated prf, but for DSS,
 * "only defined with SHA's 160 bit output", by HMAC-SHA-1 keyed with SKEYID whatever the prf
 * (IMP-IKE-5.1-01; the same octets when SHA-1 was negotiated). */
static bool sig_hash(struct ik_sa *sa, bool initiator_hash, uint8_t *out, size_t *len,
                     struct ik_status *st)
{
	const struct ik_hash_alg *mac =
		sa->chosen.auth == IK_P1_AUTH_DSS ? ik_hash_by_id(IK_P1_HASH_SHA) : NULL;

	*len = mac ? mac->len : sa->k.p1.h->len;
	return ik_p1_hash_mac(sa, initiator_hash, mac, out, st);
}

/* SIG = the signature of HASH_I or HASH_R (RFC 2409 5.1), written over the placeholder. */
bool ik_p1_fill_sig(struct ik_sa *sa, bool initiator_hash, uint8_t *plain, const struct ik_msg *dec,
                    struct ik_status *st)
{
	const struct ik_node *n = ik_pl_find(dec, IK_PAYLOAD_SIG, 0);
	uint8_t hash[IK_MAX_HASH], sig[1024];
	size_t siglen;

	if (!n)
		return ik_fail(st, 0, "no SIG payload to fill");
	size_t hlen;
	EVP_PKEY *key = sa->eng->cfg.creds->key;
	if (!sig_hash(sa, initiator_hash, hash, &hlen, st))
		return false;
	/* quirk sig-hash-20: signs the first 20 octets of HASH, as if every prf were SHA-1's */
	if ((IK_HAS(sa->eng->cfg.quirks, SIG_HASH_20)) && hlen > 20)
		hlen = 20;
	/* quirk dss-der-sig: OpenSSL's DER in place of r||s, as long as the placeholder */
	if (ik_key_is_dsa(key) && IK_HAS(sa->eng->cfg.quirks, DSS_DER_SIG) && n->len > 4 &&
	    n->len - 4 <= sizeof(sig)) {
		siglen = n->len - 4;
		if (!ik_dss_sign_der(key, hash, hlen, sig, siglen, st))
			return false;
	} else if (!ik_sig_sign(key, hash, hlen, sig, sizeof(sig), &siglen, st))
		return false;
	/* A mutation may have resized the SIG payload: never write past it. */
	memcpy(plain + n->off + 4, sig, n->len - 4 < siglen ? n->len - 4 : siglen);
	return true;
}

/* RFC 2408 5.9 step 1: a CERT payload of an encoding we do not support is discarded (a notify
 * MAY be sent; we send none), the message goes on. Quirk cert-encoding-fatal refuses the
 * message for it instead. */
static bool discarded(struct ik_sa *sa, const uint8_t *b, size_t len, size_t i)
{
	if (!len || b[0] == IK_CERT_ENC_X509_SIG ||
	    (IK_HAS(sa->eng->cfg.quirks, CERT_ENCODING_FATAL)))
		return false;
	IK_LOG(sa->eng, "CERT[%zu] of encoding %s (%u) discarded (RFC 2408 5.9)", i,
	       ik_name(IK_T_CERT_ENC, b[0]), b[0]);
	return true;
}

/* The peer's certificate: the first CERT payload we take; the others are intermediates. */
static X509 *peer_cert(struct ik_sa *sa, struct ik_in *in, STACK_OF(X509) * more,
                       struct ik_status *st)
{
	X509 *first = NULL;
	size_t len;

	for (size_t i = 0;; i++) {
		const uint8_t *b =
			ik_pl_body(ik_pl_find(&in->m, IK_PAYLOAD_CERT, i), in->body, &len);
		if (!b)
			break;
		if (discarded(sa, b, len, i))
			continue;
		X509 *x = ik_cert_from_payload(b, len, st);
		if (!x) {
			X509_free(first);
			return NULL;
		}
		if (!first)
			first = x;
		else if (!sk_X509_push(more, x))
			X509_free(x);
	}
	const struct ik_trust *t = sa->eng->cfg.trust;
	/* quirk cert-required: a CERT payload is demanded though the peer's certificate is held */
	bool required = IK_HAS(sa->eng->cfg.quirks, CERT_REQUIRED);
	if (!first && t && t->peer && !required && X509_up_ref(t->peer))
		return t->peer; /* RFC 2409 5.1 "[ CERT, ]": the one configured */
	if (!first)
		ik_fail(st, IK_NOTIFY_AUTHENTICATION_FAILED,
		        "no CERT payload, and %s: its SIG cannot be checked (RFC 2409 5.1)",
		        t && t->peer ? "a CERT is required (quirk cert-required)"
		                     : "no certificate of the peer is configured");
	return first;
}

/* The certificate checks the serve quirks leave out (engine/mutation/quirk.def). */
static unsigned cert_lax(ik_quirks_t q)
{
	return (IK_HAS(q, CERT_ANY_CA) ? IK_CERT_LAX_CA : 0) |
	       (IK_HAS(q, CERT_NO_VALIDITY) ? IK_CERT_LAX_TIME : 0) |
	       (IK_HAS(q, CERT_NO_CRL) ? IK_CERT_LAX_CRL : 0) |
	       (IK_HAS(q, CERT_NO_KU) ? IK_CERT_LAX_KU : 0);
}

/* RFC 2409 5.1: the certificate chains to our trust, names the identity of the ID payload,
 * and its key signed the HASH we compute. */
static bool check_sig(struct ik_sa *sa, struct ik_in *in, bool initiator_hash, struct ik_status *st)
{
	const struct ik_val *sig = ik_fget(ik_pl_find(&in->m, IK_PAYLOAD_SIG, 0), IK_F_SIG_DATA);
	const struct ik_trust *t = sa->eng->cfg.trust;
	STACK_OF(X509) *more = sk_X509_new_null();
	uint8_t want[IK_MAX_HASH];
	size_t wlen = 0;

	if (!more || !t || !sig) {
		sk_X509_free(more);
		return ik_fail(
			st, sig ? IK_NOTIFY_AUTHENTICATION_FAILED : IK_NOTIFY_PAYLOAD_MALFORMED,
			sig ? "no trust to check a certificate with" : "SIG payload missing");
	}
	X509 *cert = peer_cert(sa, in, more, st);
	ik_quirks_t q = sa->eng->cfg.quirks;
	bool ok = cert && ik_cert_verify_lax(t, cert, more, 0, cert_lax(q), st) &&
	          ((IK_HAS(q, CERT_NO_ID_CHECK)) ||
	           ik_cert_id_match(cert, sa->hs->id_peer.type, sa->hs->id_peer.data,
	                            sa->hs->id_peer.len, st)) &&
	          key_fits(sa, X509_get0_pubkey(cert), "the certificate's", st) &&
	          sig_hash(sa, initiator_hash, want, &wlen, st) &&
	          ((IK_HAS(q, SIG_NO_VERIFY)) ||
	           ik_sig_verify(X509_get0_pubkey(cert), want, wlen, sig->bytes, sig->len, st));
	X509_free(cert);
	sk_X509_pop_free(more, X509_free);
	return ok;
}

bool ik_p1_check_auth(struct ik_sa *sa, struct ik_in *in, bool initiator_hash, struct ik_status *st)
{
	if (!ik_p1_sig(sa))
		return ik_p1_check_hash(sa, in, initiator_hash, st);
	/* Quirk ignore-hash: the authentication payload is never checked; quirk answer-unparsed
	 * made the message up from our side, where no peer's signature can be. */
	if ((IK_HAS(sa->eng->cfg.quirks, IGNORE_HASH)) || in->made_up)
		return true;
	ik_p1_saw_cr(sa, in);
	/* RFC 2408 3.10: "Certificate Request payloads SHOULD be included in an exchange whenever
	 * an appropriate directory service ... is not available"; by the peer's last message
	 * of phase 1 none came (the tester's tester.need_cr, CERT-CR-002) */
	if (sa->eng->cfg.need_peer_cr && !sa->peer_cr)
		return ik_fail(st, 0,
		               "the peer sent no CR in phase 1 (RFC 2408 3.10: CR payloads SHOULD "
		               "be included)");
	/* RFC 2408 5.10: the sender of a CR "MUST" determine its type and the name of the CA */
	if (sa->eng->cfg.check_peer_cr && sa->hs && sa->hs->peer_cr_bad[0])
		return ik_fail(st, 0, "the peer sent %s", sa->hs->peer_cr_bad);
	return check_sig(sa, in, initiator_hash, st);
}

/* Our identity of type DER_ASN1_DN configured empty: the subject of our certificate (RFC 4945
 * 3.1); any other identity is the configured one. */
bool ik_p1_sig_id(struct ik_sa *sa, struct ik_id *id)
{
	const struct ik_creds *c = sa->eng->cfg.creds;
	struct ik_status st;

	if (!ik_p1_sig(sa) || id->type != IK_ID_TYPE_DER_ASN1_DN || id->len || !c)
		return true;
	return ik_cert_id_data(c->cert, id->type, id->data, sizeof(id->data), &id->len, &st);
}

/* RFC 2408 3.10: a CR "can appear in any message"; whether the peer sent one is kept for
 * need_peer_cr (ik_p1_vids, ik_p1_take_cr and ik_p1_check_auth call it: every phase 1 message). */
void ik_p1_saw_cr(struct ik_sa *sa, const struct ik_in *in)
{
	const uint8_t *b;
	size_t len;
	struct ik_status why;

	if (ik_pl_find(&in->m, IK_PAYLOAD_CR, 0))
		sa->peer_cr = true;
	for (size_t i = 0; (b = ik_pl_body(ik_pl_find(&in->m, IK_PAYLOAD_CR, i), in->body, &len));
	     i++)
		if (sa->hs && !sa->hs->peer_cr_bad[0] && !ik_cr_well_formed(b, len, &why))
			snprintf(sa->hs->peer_cr_bad, sizeof(sa->hs->peer_cr_bad), "%s", why.why);
}

/* The quirk that refuses a CR we cannot answer, by the step of RFC 2408 5.10 that has the
 * payload discarded: 1 a type we do not support or an invalid one (cr-type-fatal), 2 an authority that is no DER
 * name (cr-ca-fatal), 3 a CA none of our certificates is from (cr-strict). */
static ik_quirks_t cr_quirk(uint16_t notify)
{
	switch (notify) {
	case IK_NOTIFY_CERT_TYPE_UNSUPPORTED:
	case IK_NOTIFY_INVALID_CERT_ENCODING: /* a RESERVED type (3.9) */
	case IK_NOTIFY_PAYLOAD_MALFORMED:     /* an empty body names no type */
		return IK_QUIRK(CR_TYPE_FATAL);
	case IK_NOTIFY_INVALID_CERT_AUTHORITY: return IK_QUIRK(CR_CA_FATAL);
	default: return IK_QUIRK(CR_STRICT);
	}
}

/* RFC 2408 3.10: "The Certificate Request payload MUST be accepted at any point during the
 * exchange"; a CR we cannot answer is discarded (5.10 steps 1-3) and we send our certificate
 * all the same. The quirks of cr_quirk refuse the message for it instead. */
bool ik_p1_take_cr(struct ik_sa *sa, struct ik_in *in, struct ik_status *st)
{
	const struct ik_creds *c = sa->eng->cfg.creds;
	ik_quirks_t q = sa->eng->cfg.quirks;
	size_t len;

	ik_p1_saw_cr(sa, in);
	if (!(IK_HAS(q, CR_STRICT) || IK_HAS(q, CR_TYPE_FATAL) || IK_HAS(q, CR_CA_FATAL)) ||
	    !ik_p1_sig(sa) || !c || in->made_up)
		return true;
	for (size_t i = 0;; i++) {
		const uint8_t *b = ik_pl_body(ik_pl_find(&in->m, IK_PAYLOAD_CR, i), in->body, &len);
		struct ik_status why = {0};
		if (!b)
			return true;
		if (!ik_creds_for_cr(c, 1, b, len, &why) && ik_quirks_any(q, cr_quirk(why.notify)))
			return ik_fail(st, why.notify, "%s", why.why);
	}
}
