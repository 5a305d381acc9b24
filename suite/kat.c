/* The KAT family table and runner (kat.h). */
#include "kat_internal.h"
#include "util.h"

#include <string.h>

/* Family names are what `ikecheck vectors FAMILY...` takes. */
const struct ik_kat_family ik_kat_families[] = {
	{"ikev1-psk", "NIST CAVS 17.3 IKEv1 PSK SKEYID/_d/_a/_e (SP 800-135)", kat_run_ikev1_psk},
	{"ikev1-dsa", "NIST CAVS 17.3 IKEv1 signature SKEYID/_d/_a/_e (SP 800-135)",
         kat_run_ikev1_dsa},
	{"hmac", "RFC 2202 HMAC-MD5/SHA-1, RFC 4231 HMAC-SHA-256/384/512", kat_run_hmac},
	{"aes-cbc", "NIST CAVP AES CBC MMT 128/192/256, encrypt and decrypt", kat_run_aes_cbc},
	{"3des-cbc", "NIST CAVP TDES CBC MMT keying options 1-3", kat_run_3des_cbc},
	{"des-cbc", "single DES-CBC on the one-key TDES MMT cases", kat_run_des_cbc},
	{"aes-gcm", "NIST CAVP GCM encrypt (gcmEncryptExtIV128/256), seal and open",
         kat_run_aes_gcm},
	{"aes-ctr", "RFC 3686 section 6 AES-CTR", kat_run_aes_ctr},
	{"rfc3602", "RFC 3602 section 4 AES-CBC and ESP payload cases", kat_run_rfc3602},
	{"rfc5903", "RFC 5903 section 8 ECP groups 19/20/21", kat_run_rfc5903},
	{"modp", "MODP primes vs RFC 2409 6.1/6.2 and RFC 3526", kat_run_modp},
	{"pke", "RFC 2409 5/5.3 encryption SKEYID, Ne_i/Ne_r, Ke_i, payload under Ke (openssl CLI)",
         kat_run_pke},
};
const size_t ik_kat_family_count = IK_ARRAY_SIZE(ik_kat_families);

const struct ik_kat_family *ik_kat_find(const char *name)
{
	for (size_t i = 0; name && i < ik_kat_family_count; i++)
		if (!strcmp(ik_kat_families[i].name, name))
			return &ik_kat_families[i];
	return NULL;
}

enum ik_kat_result ik_kat_run(const struct ik_kat_family *f, const char *dir,
                              struct ik_kat_tally *t, ik_kat_fail_fn fail, void *arg)
{
	struct ik_kat_ctx c = {.dir = dir, .fam = f, .t = t, .fail = fail, .arg = arg};

	memset(t, 0, sizeof(*t));
	if (!f->run(&c) || t->missing)
		return IK_KAT_MISSING;
	/* A family that found no case at all proves nothing: count that as a failure. */
	if (t->passed + t->failed == 0) {
		t->failed = 1;
		snprintf(t->first_failure, sizeof(t->first_failure), "%s: no test cases found",
		         f->name);
		if (fail)
			fail(arg, f->name, t->first_failure);
	}
	return t->failed ? IK_KAT_FAIL : IK_KAT_PASS;
}
