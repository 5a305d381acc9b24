/* Decrypting IKEv1 captures with known phase 1 keys; see trace.h. */
#include "trace.h"
#include "consts.h"
#include "keys.h"
#include "msg.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *s && *s != '"' && *s != ',' && !isspace((unsigned char)*s); s++) {
		if (!isxdigit((unsigned char)*s))
			return 0;
		int v = isdigit((unsigned char)*s) ? *s - '0'
		                                   : tolower((unsigned char)*s) - 'a' + 10;
		if (hi < 0) {
			hi = v;
		} else {
			if (n == cap)
				return 0;
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return hi < 0 ? n : 0;
}

bool ik_trace_load_keys(struct ik_trace *t, const char *path, struct ik_status *st)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned no = 0;

	if (!f)
		return ik_fail(st, 0, "%s: cannot read the key file", path);
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *comma;
		struct ik_trace_key k = {0};
		no++;
		while (isspace((unsigned char)*p))
			p++;
		/* esp_sa lines of the same file (they start with "IPv4"/"IPv6") are not ours. */
		if (!*p || *p == '#' || !strncmp(p, "\"IPv", 4) || !strncmp(p, "IPv", 3))
			continue;
		if (*p == '"')
			p++;
		comma = strchr(p, ',');
		if (!comma || unhex(p, k.icookie, 8) != 8 ||
		    !(k.len = unhex(comma + 1 + (comma[1] == '"'), k.key, sizeof(k.key)))) {
			fclose(f);
			return ik_fail(st, 0,
			               "%s:%u: expected \"<initiator cookie, 16 hex>\","
			               "\"<encryption key, hex>\"",
			               path, no);
		}
		struct ik_trace_key *nk = realloc(t->keys, (t->nkeys + 1) * sizeof(*nk));
		if (!nk) {
			fclose(f);
			return ik_fail(st, 0, "out of memory");
		}
		t->keys = nk;
		t->keys[t->nkeys++] = k;
	}
	fclose(f);
	return true;
}

static struct ik_trace_sa *sa_of(struct ik_trace *t, const uint8_t *icookie)
{
	for (size_t i = 0; i < t->nsas; i++)
		if (!memcmp(t->sas[i].icookie, icookie, 8))
			return &t->sas[i];
	struct ik_trace_sa *n = realloc(t->sas, (t->nsas + 1) * sizeof(*n));
	if (!n)
		return NULL;
	t->sas = n;
	memset(&n[t->nsas], 0, sizeof(n[0]));
	memcpy(n[t->nsas].icookie, icookie, 8);
	return &n[t->nsas++];
}

static const struct ik_trace_key *key_of(const struct ik_trace *t, const uint8_t *icookie)
{
	for (size_t i = 0; i < t->nkeys; i++)
		if (!memcmp(t->keys[i].icookie, icookie, 8))
			return &t->keys[i];
	return NULL;
}

/* Plain phase 1 messages: the responder's SA choice and the two KE values. A copy of a message
 * already seen (a retransmission) teaches nothing new: the choice is the SA of a message with a
 * responder cookie (MM2, AM2; the offer in MM1/AM1 has none), and a KE already held is not
 * taken for the other side's. */
static void learn(struct ik_trace_sa *s, const struct ik_msg *m)
{
	static const uint8_t zero[8];
	const struct ik_node *sa = ik_pl_find(m, IK_PAYLOAD_SA, 0);
	const struct ik_val *ke = ik_fget(ik_pl_find(m, IK_PAYLOAD_KE, 0), IK_F_KE_DATA);
	bool from_responder = memcmp(ik_fget(m->hdr, IK_F_HDR_RCOOKIE)->bytes, zero, 8) != 0;

	if (ke && ((ke->len == s->gxi_len && !memcmp(ke->bytes, s->gxi, ke->len)) ||
	           (ke->len == s->gxr_len && !memcmp(ke->bytes, s->gxr, ke->len))))
		ke = NULL;
	if (sa && from_responder && !s->sa_seen++) {
		struct ik_p1_xform x[2];
		size_t n;
		struct ik_status st;
		if (ik_sa_p1_read(sa, x, 2, &n, &st) && n == 1)
			s->enc = x[0].enc, s->keylen = x[0].keylen, s->hash = x[0].hash;
	}
	if (ke && ke->len <= IK_DH_MAX) {
		/* The first KE comes from the initiator (MM3 / AM1), the second from the responder. */
		if (!s->gxi_len) {
			memcpy(s->gxi, ke->bytes, ke->len);
			s->gxi_len = ke->len;
		} else if (!s->gxr_len) {
			memcpy(s->gxr, ke->bytes, ke->len);
			s->gxr_len = ke->len;
		}
	}
}

static uint8_t *chain_iv(struct ik_trace_sa *s, const struct ik_hash_alg *h, size_t blk,
                         uint32_t msgid)
{
	struct ik_status st;
	for (size_t i = 0; i < s->nchains; i++)
		if (s->chain[i].msgid == msgid)
			return s->chain[i].iv;
	size_t i = s->nchains < IK_TRACE_MAX_CHAINS ? s->nchains++ : IK_TRACE_MAX_CHAINS - 1;
	s->chain[i].msgid = msgid;
	/* RFC 2409 App. B: phase 2 and informational IV = hash(last phase 1 CBC block | M-ID). */
	ik_p2_iv(h, s->last_ct, blk, msgid, s->chain[i].iv, &st);
	return s->chain[i].iv;
}

/* The same octets again (a retransmission, RFC 2408 5.1, or a replay): the IV its first copy was
 * opened with, or NULL for a message not seen yet (then remembered with iv, the IV it gets). */
static const uint8_t *seen_iv(struct ik_trace_sa *s, const struct ik_msg *m, uint32_t msgid,
                              const uint8_t *iv, size_t blk)
{
	uint8_t dg[32], id[4] = {(uint8_t)(msgid >> 24), (uint8_t)(msgid >> 16),
	                         (uint8_t)(msgid >> 8), (uint8_t)msgid};
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	bool ok = c && EVP_DigestInit_ex(c, EVP_sha256(), NULL) && EVP_DigestUpdate(c, id, 4) &&
	          EVP_DigestUpdate(c, m->body, m->body_len) && EVP_DigestFinal_ex(c, dg, NULL);
	EVP_MD_CTX_free(c);
	if (!ok)
		return NULL;
	size_t n = s->nseen < IK_TRACE_SEEN ? s->nseen : IK_TRACE_SEEN;
	for (size_t i = 0; i < n; i++)
		if (!memcmp(s->seen[i].digest, dg, 32))
			return s->seen[i].iv;
	size_t slot = s->nseen++ % IK_TRACE_SEEN;
	memcpy(s->seen[slot].digest, dg, 32);
	memcpy(s->seen[slot].iv, iv, blk);
	return NULL;
}

bool ik_trace_feed(struct ik_trace *t, struct ik_msg *m, uint8_t **plain, struct ik_status *st)
{
	const uint8_t *icky = ik_fget(m->hdr, IK_F_HDR_ICOOKIE)->bytes;
	struct ik_trace_sa *s = sa_of(t, icky);
	const struct ik_trace_key *k = key_of(t, icky);
	uint32_t msgid = ik_fnum(m->hdr, IK_F_HDR_MSGID);

	ik_status_clear(st);
	*plain = NULL;
	if (!s)
		return ik_fail(st, 0, "out of memory");
	if (!m->body) {
		learn(s, m);
		return false;
	}
	const struct ik_hash_alg *h = ik_hash_by_id(s->hash);
	const struct ik_cipher_alg *c = ik_cipher_by_ike(s->enc, s->keylen);
	if (!k)
		return ik_fail(st, 0, "no key for initiator cookie in the key file");
	if (!h || !c || !s->gxi_len || !s->gxr_len)
		return ik_fail(st, 0, "the capture lacks the SA choice or KE values of this SA");
	if (k->len < c->key_len || m->body_len % c->block || !m->body_len)
		return ik_fail(st, 0, "key or ciphertext length does not fit %s", c->name);
	if (!s->iv_ready) {
		ik_p1_iv(h, IK_SPAN(s->gxi, s->gxi_len), IK_SPAN(s->gxr, s->gxr_len), c->block,
		         s->iv, st);
		memcpy(s->last_ct, s->iv, c->block);
		s->iv_ready = true;
	}
	uint8_t *iv = msgid ? chain_iv(s, h, c->block, msgid) : s->iv, again[IK_MAX_BLOCK];
	const uint8_t *first = seen_iv(s, m, msgid, iv, c->block);
	*plain = malloc(m->body_len);
	if (!*plain)
		return ik_fail(st, 0, "out of memory");
	if (first) {
		memcpy(again, first, c->block); /* a copy: the chains stay where they are */
		iv = again;
	} else if (!msgid) {
		memcpy(s->last_ct, m->body + m->body_len - c->block, c->block);
	}
	if (!ik_ike_decrypt(c, k->key, iv, m->body, m->body_len, *plain, st))
		return false;
	if (!ik_decode_body(m, *plain, m->body_len, st)) {
		char why[sizeof(st->why)];
		snprintf(why, sizeof(why), "decrypted body does not decode (wrong key?): %.180s",
		         st->why);
		return ik_fail(st, 0, "%s", why);
	}
	return true;
}

void ik_trace_free(struct ik_trace *t)
{
	if (t->keys)
		OPENSSL_cleanse(t->keys, t->nkeys * sizeof(*t->keys));
	free(t->keys);
	free(t->sas);
	memset(t, 0, sizeof(*t));
}
