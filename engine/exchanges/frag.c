/*
 * Reassembly of IKEv1 fragments (frag.h): a small table of incomplete sets, each named by the
 * sender's address, the cookies of the fragments' ISAKMP header and the Fragment ID. A set is
 * complete when every number from 1 to the one flagged LAST has come; then its slices, in number
 * order, are the message. Everything a sender can get wrong ends in one sentence and the set
 * dropped, never a crash: number 0, two LAST flags, a number past LAST, more fragments or octets
 * than the limits, a set that never completes (dropped after the timeout, or evicted by newer
 * ones when the table is full). Duplicates (a retransmission of the same fragments) are ignored.
 */
#include "frag.h"
#include "net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ik_frag_table_init(struct ik_frag_table *t)
{
	memset(t, 0, sizeof(*t));
	t->lim = (struct ik_frag_limits){.max_num = IK_FRAG_MAX_NUM,
	                                 .max_octets = IK_FRAG_MAX_OCTETS,
	                                 .timeout_ms = IK_FRAG_TIMEOUT_MS};
}

static void set_free(struct ik_frag_set *s)
{
	for (size_t i = 0; i <= IK_FRAG_NUM_CAP; i++)
		free(s->part[i]);
	memset(s, 0, sizeof(*s));
}

void ik_frag_table_free(struct ik_frag_table *t)
{
	for (size_t i = 0; i < IK_FRAG_SETS; i++)
		set_free(&t->set[i]);
}

unsigned ik_frag_pending(const struct ik_frag_table *t)
{
	unsigned n = 0;
	for (size_t i = 0; i < IK_FRAG_SETS; i++)
		n += t->set[i].used;
	return n;
}

size_t ik_frag_data_len(unsigned frag_size, bool ipv6, bool natt)
{
	size_t over = (ipv6 ? 40 : 20) + 8 + (natt ? 4 : 0) + 28 + IK_FRAG_HDR_LEN;
	return frag_size > over ? frag_size - over : 1;
}

/* The set f belongs to, or a new one (the oldest evicted when all are in use). Sets older than
 * the timeout are dropped first: a fragment that never came must not hold memory for ever. */
static struct ik_frag_set *set_of(struct ik_frag_table *t, const struct ik_frag_in *f, uint64_t now,
                                  bool *evicted)
{
	struct ik_frag_set *free_one = NULL, *oldest = NULL;

	for (size_t i = 0; i < IK_FRAG_SETS; i++) {
		struct ik_frag_set *s = &t->set[i];
		if (s->used && now - s->first_ms > t->lim.timeout_ms)
			set_free(s);
		if (!s->used) {
			free_one = free_one ? free_one : s;
			continue;
		}
		if (ik_addr_equal(&s->peer, f->peer) && !memcmp(s->cookies, f->cookies, 16) &&
		    (s->id == f->id || t->lim.ignore_id))
			return s;
		if (!oldest || s->first_ms < oldest->first_ms)
			oldest = s;
	}
	struct ik_frag_set *s = free_one ? free_one : oldest;
	*evicted = !free_one;
	set_free(s);
	s->used = true;
	s->peer = *f->peer;
	memcpy(s->cookies, f->cookies, 16);
	s->id = f->id;
	s->first_ms = now;
	return s;
}

/* Why f cannot join s; NULL when it can. */
static const char *misfit(const struct ik_frag_table *t, const struct ik_frag_set *s,
                          const struct ik_frag_in *f, char *buf, size_t n)
{
	if (!f->num)
		return "Fragment Number 0 (numbers start at 1)";
	if (!f->len)
		return "a fragment without data";
	if (f->num > t->lim.max_num)
		snprintf(buf, n, "Fragment Number %u is over the limit of %u fragments", f->num,
		         t->lim.max_num);
	else if (f->last && s->last && s->last != f->num)
		snprintf(buf, n, "a second LAST fragment (%u, after %u)", f->num, s->last);
	else if (s->last && f->num > s->last)
		snprintf(buf, n, "fragment %u after the LAST one, %u", f->num, s->last);
	else if (s->octets + f->len > t->lim.max_octets)
		snprintf(buf, n, "%zu octets of fragments are over the limit of %zu",
		         s->octets + f->len, t->lim.max_octets);
	else
		return NULL;
	return buf;
}

/* f->last on a set already holding a number above it: the LAST flag lies. */
static bool past_last(const struct ik_frag_set *s, uint8_t last)
{
	for (unsigned i = (unsigned)last + 1; i <= IK_FRAG_NUM_CAP; i++)
		if (s->part[i])
			return true;
	return false;
}

/* The message: slices in number order (quirk frag-arrival-order: as they came). */
static bool put_together(const struct ik_frag_table *t, const struct ik_frag_set *s, uint8_t *out,
                         size_t cap, size_t *outlen)
{
	size_t l = 0;
	for (unsigned i = 0; i < s->count; i++) {
		unsigned k = t->lim.arrival_order ? s->order[i] : i + 1;
		if (l + s->part_len[k] > cap)
			return false;
		memcpy(out + l, s->part[k], s->part_len[k]);
		l += s->part_len[k];
	}
	*outlen = l;
	return true;
}

enum ik_frag_res ik_frag_add(struct ik_frag_table *t, const struct ik_frag_in *f, uint64_t now_ms,
                             uint8_t *out, size_t cap, size_t *outlen, char *why, size_t whylen)
{
	bool evicted = false;
	char buf[120];
	struct ik_frag_set *s = set_of(t, f, now_ms, &evicted);
	const char *bad = misfit(t, s, f, buf, sizeof(buf));

	if (!bad && f->last && past_last(s, f->num)) {
		snprintf(buf, sizeof(buf), "LAST on fragment %u, yet a higher number came", f->num);
		bad = buf;
	}
	if (bad) {
		snprintf(why, whylen, "fragment set %u refused: %s", f->id, bad);
		set_free(s);
		return IK_FRAG_REFUSED;
	}
	if (s->part[f->num]) {
		snprintf(why, whylen, "fragment %u of set %u again: ignored", f->num, f->id);
		return IK_FRAG_DUPLICATE;
	}
	if (!(s->part[f->num] = malloc(f->len))) {
		snprintf(why, whylen, "fragment set %u dropped: out of memory", f->id);
		set_free(s);
		return IK_FRAG_REFUSED;
	}
	memcpy(s->part[f->num], f->data, f->len);
	s->part_len[f->num] = f->len;
	s->octets += f->len;
	s->order[s->count++] = f->num;
	if (f->last)
		s->last = f->num;
	if (!s->last || s->count != s->last) {
		snprintf(why, whylen, "fragment %u of set %u kept (%u of %s)%s", f->num, f->id,
		         s->count, s->last ? "the LAST number" : "an unknown number",
		         evicted ? "; the oldest incomplete set was evicted" : "");
		return IK_FRAG_MORE;
	}
	unsigned n = s->count;
	t->done_count = n;
	bool ok = put_together(t, s, out, cap, outlen);
	set_free(s);
	if (!ok) {
		snprintf(why, whylen, "fragment set %u refused: the message is over %zu octets",
		         f->id, cap);
		return IK_FRAG_REFUSED;
	}
	snprintf(why, whylen, "fragment set %u complete: %zu octets from %u fragments", f->id,
	         *outlen, n);
	return IK_FRAG_DONE;
}
