/* The Wireshark key file; see keyfile.h. */
#include "keyfile.h"
#include "algs.h"
#include "consts.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Wireshark 4.0 esp_sa "Encryption" choices by ESP transform id (RFC 2407 4.4.4, RFC 3602,
 * RFC 3686, RFC 4106). GCM keys carry the 4-octet salt after the key, as KEYMAT does. */
static const struct {
	uint8_t id;
	const char *name;
} esp_ciphers[] = {
	{IK_ESP_TRANS_NULL, "NULL"},
	{IK_ESP_TRANS_DES, "DES-CBC [RFC2405]"},
	{IK_ESP_TRANS_3DES, "TripleDES-CBC [RFC2451]"},
	{IK_ESP_TRANS_BLOWFISH, "BLOWFISH-CBC [RFC2451]"},
	{IK_ESP_TRANS_AES, "AES-CBC [RFC3602]"},
	{IK_ESP_TRANS_AES_CTR, "AES-CTR [RFC3686]"},
	{IK_ESP_TRANS_AES_GCM_8, "AES-GCM with 8 octet ICV [RFC4106]"},
	{IK_ESP_TRANS_AES_GCM_12, "AES-GCM with 12 octet ICV [RFC4106]"},
	{IK_ESP_TRANS_AES_GCM_16, "AES-GCM with 16 octet ICV [RFC4106]"},
};

/* "Authentication" choices by RFC 2407 4.5 algorithm; the HMAC key size is the hash row's
 * output length (engine/crypto/algs.def; RFC 2403, 2404, 4868 2.1.1). */
static const struct {
	uint16_t auth;
	const char *name;
} esp_integs[] = {
	{0, "NULL"},
	{IK_P2_AUTH_HMAC_MD5, "HMAC-MD5-96 [RFC2403]"},
	{IK_P2_AUTH_HMAC_SHA, "HMAC-SHA-1-96 [RFC2404]"},
	{IK_P2_AUTH_HMAC_SHA2_256, "HMAC-SHA-256-128 [RFC4868]"},
	{IK_P2_AUTH_HMAC_SHA2_384, "HMAC-SHA-384-192 [RFC4868]"},
	{IK_P2_AUTH_HMAC_SHA2_512, "HMAC-SHA-512-256 [RFC4868]"},
};

const char *ik_keyfile_esp_cipher(uint8_t esp_id)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(esp_ciphers); i++)
		if (esp_ciphers[i].id == esp_id)
			return esp_ciphers[i].name;
	return NULL;
}

const char *ik_keyfile_esp_integ(uint16_t auth, size_t *key_len)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(esp_integs); i++)
		if (esp_integs[i].auth == auth) {
			const struct ik_hash_alg *h = ik_hash_by_esp(auth);
			*key_len = h ? h->len : 0;
			return esp_integs[i].name;
		}
	return NULL;
}

bool ik_keyfile_open(struct ik_keyfile *k, const char *path, struct ik_status *st)
{
	memset(k, 0, sizeof(*k));
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	/* An existing file keeps its mode through O_CREAT: tighten it, it holds secrets. */
	if (fd < 0 || fchmod(fd, 0600) < 0 || !(k->f = fdopen(fd, "w"))) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		return ik_fail(st, 0, "ik_keyfile_open: %s: %s", path, strerror(err));
	}
	fprintf(k->f,
	        "# ikecheck key file (secrets: keep it private): Wireshark UAT records.\n"
	        "# ikev1_decryption_table: <initiator cookie>,<phase 1 cipher key> (hex)\n"
	        "# esp_sa: \"protocol\",\"src\",\"dst\",\"SPI\",\"cipher\",\"key\","
	        "\"integrity\",\"key\"\n"
	        "# ikecheck decode --keys reads this file; for tshark see "
	        "docs/connect-serve.md.\n");
	fflush(k->f);
	return true;
}

bool ik_keyfile_isakmp(struct ik_keyfile *k, const struct ik_sa *sa)
{
	char cky[17], key[2 * IK_MAX_KEY + 1];

	if (!k->f || !sa->k.have_keys || !sa->k.p1.c)
		return false;
	ik_hex_encode(cky, sa->icookie, 8);
	ik_hex_encode(key, sa->k.p1.enc_key, sa->k.p1.c->key_len);
	fprintf(k->f, "%s,%s\n", cky, key);
	OPENSSL_cleanse(key, sizeof(key));
	k->isakmp++;
	return fflush(k->f) == 0;
}

static const char *addr_text(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	const void *a = ss->ss_family == AF_INET
	                        ? (const void *)&((const struct sockaddr_in *)ss)->sin_addr
	                        : (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;
	return inet_ntop(ss->ss_family, a, buf, (socklen_t)n) ? buf : "?";
}

/* One direction: KEYMAT is the cipher key (with salt for GCM) followed by the integrity key. */
static bool esp_line(struct ik_keyfile *k, const struct sockaddr_storage *src,
                     const struct sockaddr_storage *dst, uint32_t spi, const struct ik_qm *qm,
                     const uint8_t *keymat)
{
	size_t ilen = 0;
	const char *cipher = ik_keyfile_esp_cipher(qm->chosen.id);
	const char *integ = ik_keyfile_esp_integ(qm->chosen.auth, &ilen);
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	char ekey[2 * IK_MAX_KEYMAT + 1], ikey[2 * IK_MAX_KEYMAT + 1];

	if (!cipher || !integ || ilen > qm->k.keymat_len)
		return false;
	size_t elen = qm->k.keymat_len - ilen;
	ik_hex_encode(ekey, keymat, elen);
	ik_hex_encode(ikey, keymat + elen, ilen);
	fprintf(k->f, "\"%s\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"0x%s\",\"%s\",\"0x%s\"\n",
	        src->ss_family == AF_INET ? "IPv4" : "IPv6", addr_text(src, s, sizeof(s)),
	        addr_text(dst, d, sizeof(d)), spi, cipher, ekey, integ, ikey);
	OPENSSL_cleanse(ekey, sizeof(ekey));
	OPENSSL_cleanse(ikey, sizeof(ikey));
	k->esp++;
	return true;
}

bool ik_keyfile_esp(struct ik_keyfile *k, const struct ik_sa *sa, const struct ik_qm *qm)
{
	const struct sockaddr_storage *me = &sa->eng->cfg.local, *peer = &sa->peer;

	if (!k->f || !qm->established)
		return false;
	/* Inbound: the peer sends to our SPI with the KEYMAT we derived for it (RFC 2409 5.5). */
	bool ok = esp_line(k, peer, me, qm->spi_in, qm, qm->k.keymat_in) &&
	          esp_line(k, me, peer, qm->spi_out, qm, qm->k.keymat_out);
	return fflush(k->f) == 0 && ok;
}

void ik_keyfile_close(struct ik_keyfile *k)
{
	if (k->f)
		fclose(k->f);
	k->f = NULL;
}
