/*
 * A phase 1 identity against a certificate (cert.h): RFC 2409 5.1 authenticates the ID payload
 * only through the signature, so the receiver must check that the certificate vouches for that
 * identity (RFC 4945 3.1: the ID is in subjectAltName, or it is the subject DN).
 */
#include "cert.h"
#include "consts.h"

#include <string.h>
#include <strings.h>

#include <openssl/x509v3.h>

/* Which subjectAltName kind stands for an ID type (RFC 4945 3.1.1-3.1.3); an iPAddress holds
 * 4 octets for IPv4, 16 for IPv6 (RFC 5280 4.2.1.6). */
static const struct {
	uint8_t id_type;
	int gen; /* GEN_IPADD, GEN_DNS, GEN_EMAIL */
	const char *san;
	const char *rule;
} san_of[] = {
	{IK_ID_TYPE_IPV4_ADDR, GEN_IPADD, "iPAddress", "RFC 4945 3.1.1"},
	{IK_ID_TYPE_IPV6_ADDR, GEN_IPADD, "iPAddress", "RFC 4945 3.1.1"},
	{IK_ID_TYPE_FQDN, GEN_DNS, "dNSName", "RFC 4945 3.1.2"},
	{IK_ID_TYPE_USER_FQDN, GEN_EMAIL, "rfc822Name", "RFC 4945 3.1.3"},
};

static int san_row(uint8_t id_type)
{
	for (size_t i = 0; i < sizeof(san_of) / sizeof(san_of[0]); i++)
		if (san_of[i].id_type == id_type)
			return (int)i;
	return -1;
}

/* The bytes of one general name of kind gen (NULL for another kind). */
static const ASN1_STRING *gen_value(const GENERAL_NAME *g, int gen)
{
	if (g->type != gen)
		return NULL;
	return gen == GEN_IPADD ? g->d.iPAddress : gen == GEN_DNS ? g->d.dNSName : g->d.rfc822Name;
}

/* DNS names compare without case (RFC 4945 3.1.2); so does the host of a mailbox, whose local
 * part is compared exactly (RFC 5280 4.2.1.6). Addresses byte for byte. */
static bool same_value(int gen, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	if (alen != blen)
		return false;
	if (gen == GEN_IPADD)
		return !memcmp(a, b, alen);
	if (gen == GEN_DNS)
		return !strncasecmp((const char *)a, (const char *)b, alen);
	const uint8_t *at = memchr(a, '@', alen);
	size_t local = at ? (size_t)(at - a) : alen;
	return !memcmp(a, b, local) &&
	       !strncasecmp((const char *)a + local, (const char *)b + local, alen - local);
}

/* The subject DN in DER; *der is OPENSSL_malloc'ed, NULL on failure. */
static int subject_der(X509 *cert, unsigned char **der)
{
	*der = NULL;
	return i2d_X509_NAME(X509_get_subject_name(cert), der);
}

static bool dn_match(X509 *cert, const uint8_t *data, size_t len, struct ik_status *st)
{
	unsigned char *der;
	int n = subject_der(cert, &der);
	bool same = n > 0 && (size_t)n == len && !memcmp(der, data, len);

	OPENSSL_free(der);
	if (same)
		return true;
	return ik_fail(st, IK_NOTIFY_INVALID_ID_INFORMATION,
	               "ID_DER_ASN1_DN (%zu octets) is not the certificate's subject DN (%d "
	               "octets of DER) (RFC 4945 3.1.5)",
	               len, n);
}

bool ik_cert_id_match(X509 *cert, uint8_t id_type, const uint8_t *data, size_t len,
                      struct ik_status *st)
{
	int r = san_row(id_type);

	if (id_type == IK_ID_TYPE_DER_ASN1_DN)
		return dn_match(cert, data, len, st);
	if (r < 0)
		return ik_fail(st, IK_NOTIFY_INVALID_ID_INFORMATION,
		               "identity type %s cannot be checked against a certificate "
		               "(RFC 4945 3.1)",
		               ik_name(IK_T_ID_TYPE, id_type));
	GENERAL_NAMES *sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	bool found = false;
	for (int i = 0; !found && i < sk_GENERAL_NAME_num(sans); i++) {
		const ASN1_STRING *v = gen_value(sk_GENERAL_NAME_value(sans, i), san_of[r].gen);
		found = v && same_value(san_of[r].gen, ASN1_STRING_get0_data(v),
		                        (size_t)ASN1_STRING_length(v), data, len);
	}
	GENERAL_NAMES_free(sans);
	if (found)
		return true;
	return ik_fail(st, IK_NOTIFY_INVALID_ID_INFORMATION,
	               "the certificate's subjectAltName has no %s equal to the %s identity (%s)",
	               san_of[r].san, ik_name(IK_T_ID_TYPE, id_type), san_of[r].rule);
}

static bool copy_out(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *len,
                     struct ik_status *st)
{
	if (n > cap)
		return ik_fail(st, 0, "identity of %zu octets does not fit in %zu", n, cap);
	memcpy(out, p, n);
	*len = n;
	return true;
}

bool ik_cert_id_data(X509 *cert, uint8_t id_type, uint8_t *out, size_t cap, size_t *len,
                     struct ik_status *st)
{
	int r = san_row(id_type);
	bool ok = false;

	if (id_type == IK_ID_TYPE_DER_ASN1_DN) { /* RFC 2407 4.6.2.10: the DER subject */
		unsigned char *der;
		int n = subject_der(cert, &der);
		ok = n > 0 ? copy_out(der, (size_t)n, out, cap, len, st)
		           : ik_fail(st, 0, "the certificate's subject cannot be encoded");
		OPENSSL_free(der);
		return ok;
	}
	const char *type = ik_name(IK_T_ID_TYPE, id_type);

	if (r < 0)
		return ik_fail(st, 0, "identity type %s is not taken from a certificate", type);
	GENERAL_NAMES *sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	const ASN1_STRING *v = NULL;
	for (int i = 0; !v && i < sk_GENERAL_NAME_num(sans); i++) {
		v = gen_value(sk_GENERAL_NAME_value(sans, i), san_of[r].gen);
		if (v && san_of[r].gen == GEN_IPADD &&
		    ASN1_STRING_length(v) != (id_type == IK_ID_TYPE_IPV4_ADDR ? 4 : 16))
			v = NULL; /* an address of the other family */
	}
	if (v)
		ok = copy_out(ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v), out, cap,
		              len, st);
	else
		ik_fail(st, 0, "the certificate has no subjectAltName %s for a %s identity",
		        san_of[r].san, type);
	GENERAL_NAMES_free(sans);
	return ok;
}
