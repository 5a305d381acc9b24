/* The Wireshark key file; see keyfile.h. */
#include "keyfile.h"
#include "consts.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdlib.h>
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

/* "Authentication" choices by RFC 2407 4.5 algorithm, with the HMAC key size (RFC 2403, 2404,
 * 4868 2.1.1: the key is as long as the hash output). */
static const struct {
	uint16_t auth;
	const char *name;
	size_t key_len;
} esp_integs[] = {
	{0, "NULL", 0},
	{IK_P2_AUTH_HMAC_MD5, "HMAC-MD5-96 [RFC2403]", 16},
	{IK_P2_AUTH_HMAC_SHA, "HMAC-SHA-1-96 [RFC2404]", 20},
	{IK_P2_AUTH_HMAC_SHA2_256, "HMAC-SHA-256-128 [RFC4868]", 32},
	{IK_P2_AUTH_HMAC_SHA2_384, "HMAC-SHA-384-192 [RFC4868]", 48},
	{IK_P2_AUTH_HMAC_SHA2_512, "HMAC-SHA-512-256 [RFC4868]", 64},
};

const char *ik_keyfile_esp_cipher(uint8_t esp_id)
{
	for (size_t i = 0; i < sizeof(esp_ciphers) / sizeof(esp_ciphers[0]); i++)
		if (esp_ciphers[i].id == esp_id)
			return esp_ciphers[i].name;
	return NULL;
}

const char *ik_keyfile_esp_integ(uint16_t auth, size_t *key_len)
{
	for (size_t i = 0; i < sizeof(esp_integs) / sizeof(esp_integs[0]); i++)
		if (esp_integs[i].auth == auth) {
			*key_len = esp_integs[i].key_len;
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
	fprintf(k->f, "# ikecheck key file (secrets: keep it private). Each line below is one tshark\n"
		      "# preference: tshark -r CAPTURE -o \"<line>\" ... decrypts IKEv1 and ESP.\n"
		      "# uat:ikev1_decryption_table:<initiator cookie>,<phase 1 cipher key> (hex, unquoted)\n"
		      "# uat:esp_sa:\"protocol\",\"src\",\"dst\",\"SPI\",\"cipher\",\"key\","
		      "\"integrity\",\"key\"\n");
	fflush(k->f);
	return true;
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

bool ik_keyfile_isakmp(struct ik_keyfile *k, const struct ik_sa *sa)
{
	char cky[17], key[2 * IK_MAX_KEY + 1];

	if (!k->f || !sa->k.have_keys || !sa->k.p1.c)
		return false;
	hex(cky, sa->icookie, 8);
	hex(key, sa->k.p1.enc_key, sa->k.p1.c->key_len);
	fprintf(k->f, "uat:ikev1_decryption_table:%s,%s\n", cky, key);
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
	hex(ekey, keymat, elen);
	hex(ikey, keymat + elen, ilen);
	fprintf(k->f, "uat:esp_sa:\"%s\",\"%s\",\"%s\",\"0x%08x\",\"%s\",\"0x%s\",\"%s\",\"0x%s\"\n",
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

/* Hex digits (optionally in double quotes) into out; the number of octets, -1 when not hex. */
static int unhex_field(const char *p, size_t n, uint8_t *out, size_t cap)
{
	if (n >= 2 && p[0] == '"' && p[n - 1] == '"')
		p++, n -= 2;
	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		if (!isxdigit((unsigned char)p[i]) || !isxdigit((unsigned char)p[i + 1]))
			return -1;
		char b[3] = {p[i], p[i + 1], 0};
		out[i / 2] = (uint8_t)strtoul(b, NULL, 16);
	}
	return (int)(n / 2);
}

static bool read_p1_line(const char *l, struct ik_keyfile_p1 *r)
{
	static const char prefix[] = "uat:ikev1_decryption_table:";
	if (!strncmp(l, prefix, sizeof(prefix) - 1))
		l += sizeof(prefix) - 1;
	const char *comma = strchr(l, ',');
	if (!comma)
		return false;
	size_t end = strcspn(comma + 1, "\r\n");
	int kl = unhex_field(comma + 1, end, r->key, sizeof(r->key));
	if (unhex_field(l, (size_t)(comma - l), r->icookie, 8) != 8 || kl <= 0)
		return false;
	r->key_len = (size_t)kl;
	return true;
}

int ik_keyfile_read_p1(const char *path, struct ik_keyfile_p1 *out, size_t max,
		       struct ik_status *st)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	unsigned lineno = 0;
	size_t n = 0;

	if (!f)
		return ik_fail(st, 0, "%s: %s", path, strerror(errno)), -1;
	while (fgets(line, sizeof(line), f)) {
		struct ik_keyfile_p1 r;
		lineno++;
		const char *l = line + strspn(line, " \t");
		if (*l == '#' || *l == '\n' || *l == '\r' || !*l || !strncmp(l, "uat:esp_sa:", 11))
			continue;
		if (!read_p1_line(l, &r)) {
			fclose(f);
			OPENSSL_cleanse(line, sizeof(line));
			return ik_fail(st, 0,
				       "%s:%u: not an ikev1_decryption_table record "
				       "(16 hex digits of initiator cookie, a comma, the key in hex)",
				       path, lineno), -1;
		}
		if (n < max)
			out[n++] = r;
		OPENSSL_cleanse(&r, sizeof(r));
	}
	OPENSSL_cleanse(line, sizeof(line));
	fclose(f);
	return (int)n;
}
