/*
 * Certificates and RSA or DSS signatures for IKEv1 signature authentication (RFC 2409 5.1), on
 * OpenSSL 3 only: our credentials (certificate, chain, RSA or DSA key), the peer's trust (CA
 * bundle, optional CRL), checking a peer's chain and identity, the CERT and CR payload bodies
 * (RFC 2408 3.9, 3.10) and SIG_I / SIG_R (RFC 2409 5.1).
 *
 * Every function that can fail fills a struct ik_status with the notify that applies (RFC 2408
 * 3.14.1) and a sentence citing the rule; nothing here aborts on bad input. The exchanges call
 * it from engine/exchanges/phase1_sig.c; docs/certificates.md says which handler calls what.
 */
#ifndef IK_CERT_H
#define IK_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/x509.h>

#include "status.h"

/* Our side: the end-entity certificate, the intermediates we send with it, its RSA or DSA key. */
struct ik_creds {
	X509 *cert;
	STACK_OF(X509) * chain; /* never NULL after a successful load; may be empty */
	EVP_PKEY *key;
};

/* What we trust in a peer: the CA certificates (also named in our CRs) and an optional CRL. */
struct ik_trust {
	X509_STORE *store;
	STACK_OF(X509) * cas;
	bool crl; /* a CRL was loaded: the peer's certificate is checked against it */
	/* Intermediates known beforehand (the peer's chain in the profile): a peer may send its own
	 * certificate alone (Libreswan does), and its chain must still be built. Not trusted. */
	STACK_OF(X509) * inter;
	/* The peer's own certificate when the profile names it (dut.cert for the tester): what
	 * checks its SIG when it sends no CERT (RFC 2409 5.1: "[ CERT, ]" is optional). */
	X509 *peer;
};

/*
 * Load PEM files. cert_file holds our certificate first; more certificates after it are chain.
 * chain_file (NULL or "") adds intermediates. key_file holds the RSA or DSA private key, which must
 * match the certificate; NULL or "": the certificate and chain alone (c->key NULL). On failure *c is freed and st->why names the file and the problem.
 */
bool ik_creds_load(struct ik_creds *c, const char *cert_file, const char *chain_file,
                   const char *key_file, struct ik_status *st);
void ik_creds_free(struct ik_creds *c);

/* ca_file: one or more PEM CA certificates; crl_file (NULL or ""): a PEM CRL (RFC 5280 5). */
bool ik_trust_load(struct ik_trust *t, const char *ca_file, const char *crl_file,
                   struct ik_status *st);
/* Add the certificates of a PEM file to t->inter. */
bool ik_trust_add_intermediates(struct ik_trust *t, const char *file, struct ik_status *st);
void ik_trust_free(struct ik_trust *t);

/* Read every certificate of a PEM file (1 or more) into a new stack; the first is [0]. */
STACK_OF(X509) * ik_pem_certs(const char *file, const char *what, struct ik_status *st);

/*
 * Whether peer is good for signing an IKE exchange: a chain to a trusted CA through the
 * intermediates in untrusted (may be NULL), every certificate within its validity (RFC 5280
 * 4.1.2.5), not revoked when a CRL is loaded (RFC 5280 6.3), and a keyUsage extension, when
 * present, that allows digitalSignature (RFC 5280 4.2.1.3, RFC 4945 5.1.3.2).
 * at == 0: now. Notify INVALID-CERTIFICATE on failure.
 */
bool ik_cert_verify(const struct ik_trust *t, X509 *peer, STACK_OF(X509) * untrusted, time_t at,
                    struct ik_status *st);

/* Checks ik_cert_verify_lax leaves out (the serve quirks cert-any-ca, cert-no-validity,
 * cert-no-crl, cert-no-ku of engine/mutation/quirk.def; never set by a conformant engine). */
enum ik_cert_lax {
	IK_CERT_LAX_CA = 1,   /* an issuer that is no trusted CA (RFC 5280 6.1) */
	IK_CERT_LAX_TIME = 2, /* notBefore / notAfter (RFC 5280 4.1.2.5) */
	IK_CERT_LAX_CRL = 4,  /* revocation by the CRL (RFC 5280 6.3) */
	IK_CERT_LAX_KU = 8,   /* keyUsage without digitalSignature (RFC 5280 4.2.1.3) */
};
/* ik_cert_verify without the checks named in lax (enum ik_cert_lax ORed). */
bool ik_cert_verify_lax(const struct ik_trust *t, X509 *peer, STACK_OF(X509) * untrusted, time_t at,
                        unsigned lax, struct ik_status *st);

/*
 * Whether the ID payload data (RFC 2407 4.6.2, without the DOI header) names the certificate's
 * subject: ID_IPV4_ADDR / ID_IPV6_ADDR a subjectAltName iPAddress, ID_FQDN a dNSName (case-insensitive),
 * ID_USER_FQDN an rfc822Name, ID_DER_ASN1_DN the subject DN byte for byte (RFC 4945 3.1).
 * Notify INVALID-ID-INFORMATION on a mismatch or a type a certificate cannot vouch for.
 */
bool ik_cert_id_match(X509 *cert, uint8_t id_type, const uint8_t *data, size_t len,
                      struct ik_status *st);
/* Our ID payload data of id_type from our certificate (the first SAN of that kind, or the DER
 * subject for ID_DER_ASN1_DN); *len bytes into out. */
bool ik_cert_id_data(X509 *cert, uint8_t id_type, uint8_t *out, size_t cap, size_t *len,
                     struct ik_status *st);

/* RFC 2408 3.9 CERT payload body: encoding 4 (X.509 Certificate - Signature) then the DER. */
bool ik_cert_payload(X509 *cert, uint8_t *out, size_t cap, size_t *len, struct ik_status *st);
/* The certificate in a CERT body; NULL (CERT-TYPE-UNSUPPORTED or INVALID-CERT-ENCODING) when
 * it is not encoding 4 or not exactly one DER certificate. The caller frees it. */
X509 *ik_cert_from_payload(const uint8_t *body, size_t len, struct ik_status *st);

/* RFC 2408 3.10 CR payload body: encoding 4 and the DER of ca's subject (the issuer name we
 * accept); ca NULL: encoding 4 alone, no authority named (any CA). */
bool ik_cr_payload(X509 *ca, uint8_t *out, size_t cap, size_t *len, struct ik_status *st);
/* Whether a CR body is built as RFC 2408 5.10 has its sender build it: a Certificate Type of
 * 3.9 (1-10), and for the X.509 ones an authority that is absent or one DER distinguished name
 * (3.10: "the Distinguished Name encoding of the Issuer Name"). False with the reason. */
bool ik_cr_well_formed(const uint8_t *body, size_t len, struct ik_status *st);
/*
 * Which of our n credentials answers a CR body: the first whose certificate or chain was
 * issued by the named CA (any of ours for a CR without a CA). NULL with the reason when none
 * does (CERT-TYPE-UNSUPPORTED for another encoding, INVALID-CERT-AUTHORITY for an authority that is
 * not one DER name, CERTIFICATE-UNAVAILABLE for a CA none of ours is from: RFC 2408 5.10 steps 1-3).
 */
const struct ik_creds *ik_creds_for_cr(const struct ik_creds *c, size_t n, const uint8_t *body,
                                       size_t len, struct ik_status *st);

/*
 * SIG_I / SIG_R (RFC 2409 5.1): the RSA signature of HASH_I / HASH_R. As strongSwan
 * (SIGN_RSA_EMSA_PKCS1_NULL), Libreswan and Cisco do, the hash is padded with PKCS#1 v1.5
 * type 1 (RFC 8017 9.2 without the DigestInfo) and signed raw. *siglen = the modulus size.
 * A DSA key signs DSS r||s instead (ik_dss_sign, *siglen = IK_DSS_SIG_LEN).
 */
bool ik_sig_sign(EVP_PKEY *key, const uint8_t *hash, size_t hlen, uint8_t *sig, size_t cap,
                 size_t *siglen, struct ik_status *st);
/* Check sig over hash with the peer's public key; INVALID-SIGNATURE with why it failed. */
bool ik_sig_verify(EVP_PKEY *pub, const uint8_t *hash, size_t hlen, const uint8_t *sig,
                   size_t siglen, struct ik_status *st);

/*
 * DSS (RFC 2409 5.1, authentication method 2; cert_dss.c): "DSS signatures MUST be encoded as r
 * followed by s", each the 20 octets of a 160-bit q, left-padded. ik_sig_sign / ik_sig_verify
 * call these for a DSA key; hash is signed as DSA's message digest (a SHA-1 HASH_I / HASH_R whole).
 */
#define IK_DSS_SIG_LEN 40
bool ik_key_is_dsa(EVP_PKEY *key);
bool ik_dss_sign(EVP_PKEY *key, const uint8_t *hash, size_t hlen, uint8_t *sig,
                 struct ik_status *st);
/* INVALID-SIGNATURE naming the rule for a SIG that is not exactly IK_DSS_SIG_LEN octets. */
bool ik_dss_verify(EVP_PKEY *pub, const uint8_t *hash, size_t hlen, const uint8_t *sig,
                   size_t siglen, struct ik_status *st);
/* Quirk dss-der-sig: OpenSSL's DER SEQUENCE { r, s } instead of r||s, exactly len octets
 * (signed again until one is: its length varies with r and s), len from ik_dss_der_len. */
bool ik_dss_sign_der(EVP_PKEY *key, const uint8_t *hash, size_t hlen, uint8_t *sig, size_t len,
                     struct ik_status *st);
size_t ik_dss_der_len(EVP_PKEY *key, struct ik_status *st); /* one DER signature's length */
/* The SIG payload body our key makes: the modulus for RSA, IK_DSS_SIG_LEN for DSA. */
size_t ik_sig_size(EVP_PKEY *key);

#endif
