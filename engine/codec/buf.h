/*
 * Bounded byte buffers: the only code in ikecheck that checks lengths.
 *
 * Everything that reads or writes packet bytes goes through an ik_rd (reader over a const
 * span) or an ik_wr (growable writer). No struct overlays on packet bytes (DESIGN.md).
 * A reader that runs past its end latches `failed`; callers may check once at the end.
 */
#ifndef IK_BUF_H
#define IK_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ik_rd {
	const uint8_t *p;
	size_t len;
	size_t pos;
	bool failed;
};

struct ik_wr {
	uint8_t *p;
	size_t len;
	size_t cap;
	bool failed; /* allocation failed: all later writes are ignored */
};

void ik_rd_init(struct ik_rd *r, const uint8_t *p, size_t len);
size_t ik_rd_left(const struct ik_rd *r);
bool ik_rd_u8(struct ik_rd *r, uint8_t *v);
bool ik_rd_u16(struct ik_rd *r, uint16_t *v); /* network byte order */
bool ik_rd_u32(struct ik_rd *r, uint32_t *v); /* network byte order */
bool ik_rd_bytes(struct ik_rd *r, uint8_t *dst, size_t n);
/* Borrow n bytes without copying: *out points into the reader's span. */
bool ik_rd_span(struct ik_rd *r, const uint8_t **out, size_t n);
/* Carve a sub-reader of n bytes (a nested payload) and advance past it. */
bool ik_rd_sub(struct ik_rd *r, struct ik_rd *sub, size_t n);
bool ik_rd_skip(struct ik_rd *r, size_t n);

void ik_wr_init(struct ik_wr *w);
void ik_wr_free(struct ik_wr *w); /* wipes before freeing: buffers may hold plaintext */
void ik_wr_reset(struct ik_wr *w);
/* Keep exactly len octets (a buffer held long: the last message an idle SA keeps for a
 * retransmission); the larger one is wiped. Writing on grows it again. */
void ik_wr_fit(struct ik_wr *w);
bool ik_wr_u8(struct ik_wr *w, uint8_t v);
bool ik_wr_u16(struct ik_wr *w, uint16_t v);
bool ik_wr_u32(struct ik_wr *w, uint32_t v);
bool ik_wr_bytes(struct ik_wr *w, const void *src, size_t n);
bool ik_wr_zero(struct ik_wr *w, size_t n);
/* Patch already written bytes (length fix-ups); false when [off, off+n) is not written yet. */
bool ik_wr_put_u8_at(struct ik_wr *w, size_t off, uint8_t v);
bool ik_wr_put_u16_at(struct ik_wr *w, size_t off, uint16_t v);
bool ik_wr_put_u32_at(struct ik_wr *w, size_t off, uint32_t v);

#endif
