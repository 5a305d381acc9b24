/*
 * The anti-replay window (RFC 4303 3.4.3): the right edge is the highest sequence number whose
 * packet verified; a number left of the window or already seen in it is a replay. Bit i of the
 * bitmap stands for top - i. 32-bit sequence numbers only: IKEv1 negotiates no ESN.
 */
#include "esp.h"

#include <string.h>

#define WORDS(w) (((w)->size + 63) / 64)

void ik_esp_replay_init(struct ik_esp_replay *w, size_t size)
{
	memset(w, 0, sizeof(*w));
	/* RFC 4303 3.4.3: "A minimum window size of 32 packets MUST be supported", 64 "SHOULD be
	 * employed as the default", a larger one MAY be. The size asked for, exactly: a window
	 * wider than asked would hide a receiver configured narrower (quirk esp-window-32). The
	 * bitmap keeps whole words; bits past the size are never read. */
	if (size < IK_ESP_MIN_WINDOW)
		size = IK_ESP_MIN_WINDOW;
	if (size > IK_ESP_MAX_WINDOW)
		size = IK_ESP_MAX_WINDOW;
	w->size = (uint32_t)size;
}

bool ik_esp_replay_unseen(const struct ik_esp_replay *w, uint32_t seq)
{
	if (seq > w->top)
		return true;
	uint32_t i = w->top - seq;
	if (i >= w->size)
		return false;
	return !(w->bits[i / 64] >> (i % 64) & 1);
}

bool ik_esp_replay_check(const struct ik_esp_replay *w, uint32_t seq)
{
	/* RFC 4303 3.3.3: the first packet carries 1; 0 is never sent */
	return seq != 0 && ik_esp_replay_unseen(w, seq);
}

/* Move every bit d places toward the old end (the window slides right by d). */
static void shift(struct ik_esp_replay *w, uint32_t d)
{
	size_t nw = WORDS(w), ws = d / 64, bs = d % 64;
	if (d >= w->size) {
		memset(w->bits, 0, sizeof(w->bits));
		return;
	}
	for (size_t k = nw; k-- > 0;) {
		uint64_t v = k >= ws ? w->bits[k - ws] << bs : 0;
		if (bs && k >= ws + 1)
			v |= w->bits[k - ws - 1] >> (64 - bs);
		w->bits[k] = v;
	}
}

void ik_esp_replay_update(struct ik_esp_replay *w, uint32_t seq)
{
	if (seq > w->top) {
		shift(w, seq - w->top);
		w->top = seq;
		w->bits[0] |= 1;
		return;
	}
	uint32_t i = w->top - seq;
	if (i < w->size)
		w->bits[i / 64] |= (uint64_t)1 << (i % 64);
}
