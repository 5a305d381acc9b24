/* Bounded byte buffers; see buf.h for why this is the only length-checking code. */
#include "buf.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

void ik_rd_init(struct ik_rd *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = p ? len : 0;
	r->pos = 0;
	r->failed = false;
}

size_t ik_rd_left(const struct ik_rd *r)
{
	return r->len - r->pos;
}

static bool rd_need(struct ik_rd *r, size_t n)
{
	if (r->failed || n > ik_rd_left(r)) {
		r->failed = true;
		return false;
	}
	return true;
}

bool ik_rd_u8(struct ik_rd *r, uint8_t *v)
{
	if (!rd_need(r, 1))
		return false;
	*v = r->p[r->pos++];
	return true;
}

bool ik_rd_u16(struct ik_rd *r, uint16_t *v)
{
	if (!rd_need(r, 2))
		return false;
	*v = (uint16_t)(r->p[r->pos] << 8 | r->p[r->pos + 1]);
	r->pos += 2;
	return true;
}

bool ik_rd_u32(struct ik_rd *r, uint32_t *v)
{
	if (!rd_need(r, 4))
		return false;
	const uint8_t *q = r->p + r->pos;
	*v = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
	r->pos += 4;
	return true;
}

bool ik_rd_bytes(struct ik_rd *r, uint8_t *dst, size_t n)
{
	if (!rd_need(r, n))
		return false;
	if (n)
		memcpy(dst, r->p + r->pos, n);
	r->pos += n;
	return true;
}

bool ik_rd_span(struct ik_rd *r, const uint8_t **out, size_t n)
{
	if (!rd_need(r, n))
		return false;
	*out = r->p + r->pos;
	r->pos += n;
	return true;
}

bool ik_rd_sub(struct ik_rd *r, struct ik_rd *sub, size_t n)
{
	const uint8_t *p;

	if (!ik_rd_span(r, &p, n)) {
		ik_rd_init(sub, NULL, 0);
		sub->failed = true;
		return false;
	}
	ik_rd_init(sub, p, n);
	return true;
}

bool ik_rd_skip(struct ik_rd *r, size_t n)
{
	if (!rd_need(r, n))
		return false;
	r->pos += n;
	return true;
}

void ik_wr_init(struct ik_wr *w)
{
	memset(w, 0, sizeof(*w));
}

void ik_wr_free(struct ik_wr *w)
{
	if (w->p)
		OPENSSL_clear_free(w->p, w->cap);
	ik_wr_init(w);
}

void ik_wr_reset(struct ik_wr *w)
{
	if (w->p)
		OPENSSL_cleanse(w->p, w->len);
	w->len = 0;
	w->failed = false;
}

void ik_wr_fit(struct ik_wr *w)
{
	if (!w->p || w->failed || w->cap == w->len)
		return;
	size_t cap = w->len ? w->len : 1;
	uint8_t *p = malloc(cap);
	if (!p)
		return; /* the larger buffer still holds it */
	memcpy(p, w->p, w->len);
	OPENSSL_clear_free(w->p, w->cap);
	w->p = p;
	w->cap = cap;
}

static bool wr_grow(struct ik_wr *w, size_t n)
{
	if (w->failed)
		return false;
	if (n > SIZE_MAX / 2 - w->len) {
		w->failed = true;
		return false;
	}
	if (w->len + n <= w->cap)
		return true;
	size_t cap = w->cap ? w->cap : 256;
	while (cap < w->len + n)
		cap *= 2;
	/* Grow by copy so old plaintext can be wiped rather than left behind by realloc. */
	uint8_t *p = malloc(cap);
	if (!p) {
		w->failed = true;
		return false;
	}
	if (w->p) {
		memcpy(p, w->p, w->len);
		OPENSSL_clear_free(w->p, w->cap);
	}
	w->p = p;
	w->cap = cap;
	return true;
}

bool ik_wr_bytes(struct ik_wr *w, const void *src, size_t n)
{
	if (!wr_grow(w, n))
		return false;
	if (n)
		memcpy(w->p + w->len, src, n);
	w->len += n;
	return true;
}

bool ik_wr_zero(struct ik_wr *w, size_t n)
{
	if (!wr_grow(w, n))
		return false;
	memset(w->p + w->len, 0, n);
	w->len += n;
	return true;
}

bool ik_wr_u8(struct ik_wr *w, uint8_t v)
{
	return ik_wr_bytes(w, &v, 1);
}

bool ik_wr_u16(struct ik_wr *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	return ik_wr_bytes(w, b, 2);
}

bool ik_wr_u32(struct ik_wr *w, uint32_t v)
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	return ik_wr_bytes(w, b, 4);
}

static bool wr_at(struct ik_wr *w, size_t off, size_t n)
{
	return !w->failed && off <= w->len && n <= w->len - off;
}

bool ik_wr_put_u8_at(struct ik_wr *w, size_t off, uint8_t v)
{
	if (!wr_at(w, off, 1))
		return false;
	w->p[off] = v;
	return true;
}

bool ik_wr_put_u16_at(struct ik_wr *w, size_t off, uint16_t v)
{
	if (!wr_at(w, off, 2))
		return false;
	w->p[off] = (uint8_t)(v >> 8);
	w->p[off + 1] = (uint8_t)v;
	return true;
}

bool ik_wr_put_u32_at(struct ik_wr *w, size_t off, uint32_t v)
{
	if (!wr_at(w, off, 4))
		return false;
	for (int i = 0; i < 4; i++)
		w->p[off + (size_t)i] = (uint8_t)(v >> (24 - 8 * i));
	return true;
}
