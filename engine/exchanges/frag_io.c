/*
 * IKEv1 fragmentation in the driver (frag.h): the vendor ID, splitting what ik_send_wire sends
 * when both sides announced it (or we force it), and reassembling FRAG datagrams before the
 * receive path (ike_in.c input_one) sees the message they carry. The wire format follows what
 * strongSwan and Libreswan do with Cisco's scheme: every fragment under the phase 1 exchange type
 * (main or aggressive, even for quick mode), message ID 0, E clear, Fragment ID 1, numbers from 1,
 * LAST on the final one; the slices are the complete message as it would have been sent.
 */
#include "consts.h"
#include "frag.h"
#include "xchg.h"

#include <stdlib.h>
#include <string.h>

/* The FRAGMENTATION vendor ID (md5 "FRAGMENTATION") with the capability word Cisco appends;
 * strongSwan sends the same 20 octets, and a receiver matches the first 16 (payload_vid.def). */
static const uint8_t vid_frag[20] = {0x40, 0x48, 0xb7, 0xd5, 0x6e, 0xbc, 0xe8, 0x85, 0x25, 0xe7,
                                     0xde, 0x7f, 0x00, 0xd6, 0xc2, 0xd3, 0x80, 0x00, 0x00, 0x00};

bool ik_frag_add_vid(const struct ik_sa *sa, struct ik_msg *out)
{
	if (sa->eng->cfg.frag == IK_FRAG_NO)
		return true;
	struct ik_node *n = ik_pl_add(out, IK_PAYLOAD_VID);
	return n && ik_node_set_bytes(n, IK_F_VID_DATA, vid_frag, sizeof(vid_frag));
}

static unsigned frag_size(const struct ik_cfg *c)
{
	return c->frag_size ? c->frag_size : IK_FRAG_SIZE_DEFAULT;
}

bool ik_frag_wanted(const struct ik_sa *sa, size_t len, bool natt)
{
	const struct ik_cfg *c = &sa->eng->cfg;
	if (!(c->frag == IK_FRAG_FORCE || (c->frag == IK_FRAG_YES && sa->peer_frag)))
		return false;
	/* strongSwan's rule: the IP datagram would be larger than the fragment size. */
	size_t ip = sa->peer.ss_family == AF_INET6 ? 40 : 20;
	return len + ip + 8 + (natt ? 4 : 0) > frag_size(c);
}

/* One fragment datagram, through the codec: header, FRAG payload. */
static bool build(const struct ik_sa *sa, const uint8_t *msg, uint16_t id, uint8_t num, bool last,
                  const uint8_t *data, size_t len, struct ik_wr *w, struct ik_status *st)
{
	struct ik_msg m = {0};
	uint8_t exch = sa->xchg == IK_X_AGGR ? IK_EXCH_AGGRESSIVE : IK_EXCH_ID_PROT;
	struct ik_node *n;
	bool ok = ik_msg_start(&m, msg, msg + 8, exch, 0, 0) &&
	          (n = ik_pl_add(&m, IK_PAYLOAD_FRAG)) &&
	          ik_node_set_num(n, IK_F_FRAG_FRAG_ID, id) &&
	          ik_node_set_num(n, IK_F_FRAG_FRAG_NUM, num) &&
	          ik_node_set_num(n, IK_F_FRAG_FLAGS, last ? IK_FRAG_LAST : 0) &&
	          ik_node_set_bytes(n, IK_F_FRAG_DATA, data, len) && ik_encode(&m, w, st);
	ik_msg_free(&m);
	return ok || ik_fail(st, 0, "ik_frag_send: cannot build fragment %u", num);
}

/* The frag[N] mutations of this transmission (e->frag_mask, set by mutate_xmit.c transmit):
 * fragment N dropped, sent twice, under another Fragment ID (set:V) or moved (reorder:POS). */
static void frag_plan(struct ik_engine *e, unsigned count, uint8_t *order, uint8_t *times,
                      uint16_t *ids)
{
	for (unsigned k = 1; k <= count; k++)
		order[k - 1] = (uint8_t)k, times[k] = 1, ids[k] = 1;
	for (size_t i = 0; i < e->nmut && i < 32; i++) {
		const struct ik_mutation *m = &e->mut[i];
		unsigned k = (unsigned)m->offset;
		if (!(e->frag_mask & (1u << i)) || !k || k > count)
			continue;
		e->frag_done |= 1u << i;
		if (m->op == IK_MO_DROP)
			times[k] = 0;
		else if (m->op == IK_MO_DUPLICATE)
			times[k] = 2;
		else if (m->op == IK_MO_SET)
			ids[k] = (uint16_t)m->num;
		else if (m->op == IK_MO_REORDER) {
			unsigned at = 0, to = m->num < count ? (unsigned)m->num : count - 1;
			while (order[at] != k)
				at++;
			memmove(order + at, order + at + 1, count - at - 1);
			memmove(order + to + 1, order + to, count - to - 1);
			order[to] = (uint8_t)k;
		}
	}
}

bool ik_frag_send(struct ik_sa *sa, struct ik_sock *s, const uint8_t *p, size_t len,
                  struct ik_status *st)
{
	struct ik_engine *e = sa->eng;
	size_t chunk =
		ik_frag_data_len(frag_size(&e->cfg), sa->peer.ss_family == AF_INET6, s == &e->natt);
	size_t count = (len + chunk - 1) / chunk;
	uint8_t order[IK_FRAG_NUM_CAP], times[IK_FRAG_NUM_CAP + 1];
	uint16_t ids[IK_FRAG_NUM_CAP + 1];
	struct ik_wr w;

	if (len < IK_HDR_LEN || count > IK_FRAG_NUM_CAP)
		return ik_fail(st, 0,
		               "ik_frag_send: %zu octets in %zu-octet fragments: more than %u", len,
		               chunk, IK_FRAG_NUM_CAP);
	frag_plan(e, (unsigned)count, order, times, ids);
	IK_LOG(e, "%zu-octet message sent in %zu fragments of up to %zu octets", len, count, chunk);
	e->tx_frags = (unsigned)count;
	ik_wr_init(&w);
	for (size_t i = 0; i < count; i++) {
		unsigned k = order[i];
		size_t off = (k - 1) * chunk, n = len - off < chunk ? len - off : chunk;
		/* Quirk frag-no-last: the final fragment goes without its LAST flag. */
		bool last = k == count && !(IK_HAS(e->cfg.quirks, FRAG_NO_LAST));
		ik_wr_reset(&w);
		if (!build(sa, p, ids[k], (uint8_t)k, last, p + off, n, &w, st)) {
			ik_wr_free(&w);
			return false;
		}
		for (unsigned t = 0; t < times[k]; t++)
			ik_send_datagram(e, s, &sa->peer, w.p, w.len, st);
	}
	ik_wr_free(&w);
	return true;
}

/* Quirk frag-loose: a reassembler that trusts whatever comes (frag.h ik_frag_limits). */
static struct ik_frag_table *table(struct ik_engine *e)
{
	if (e->frags)
		return e->frags;
	if (!(e->frags = malloc(sizeof(*e->frags))))
		return NULL;
	ik_frag_table_init(e->frags);
	if (IK_HAS(e->cfg.quirks, FRAG_LOOSE))
		e->frags->lim = (struct ik_frag_limits){.max_num = IK_FRAG_NUM_CAP,
		                                        .max_octets = IK_MAX_DGRAM,
		                                        .timeout_ms = IK_FRAG_TIMEOUT_MS,
		                                        .ignore_id = true,
		                                        .arrival_order = true};
	return e->frags;
}

void ik_frag_free(struct ik_engine *e)
{
	if (e->frags)
		ik_frag_table_free(e->frags);
	free(e->frags);
	e->frags = NULL;
}

/* A FRAG message m (datagram d): kept until its set is complete, then the message it carries
 * goes through the receive path as if it had come in one datagram. */
void ik_frag_input(struct ik_engine *e, const struct ik_msg *m, const struct ik_dgram *d)
{
	static struct ik_dgram whole; /* 64 KiB: not on the stack; one engine thread */
	const struct ik_node *fr = m->hdr->nkids ? m->hdr->kids[0] : NULL;
	const struct ik_val *data = fr ? ik_fget(fr, IK_F_FRAG_DATA) : NULL;
	struct ik_frag_table *t = table(e);
	char a[80], why[200];

	ik_addr_str(&d->peer, a, sizeof(a));
	if (!t || !fr || fr->type != IK_PAYLOAD_FRAG || m->hdr->nkids != 1) {
		IK_LOG(e, "%s: a FRAG message with other payloads dropped", a);
		return;
	}
	struct ik_frag_in f = {.peer = &d->peer,
	                       .cookies = d->data,
	                       .id = (uint16_t)ik_fnum(fr, IK_F_FRAG_FRAG_ID),
	                       .num = (uint8_t)ik_fnum(fr, IK_F_FRAG_FRAG_NUM),
	                       .last = ik_fnum(fr, IK_F_FRAG_FLAGS) & IK_FRAG_LAST,
	                       .data = data ? data->bytes : NULL,
	                       .len = data ? data->len : 0};
	enum ik_frag_res r = ik_frag_add(t, &f, ik_now_ms(), whole.data, sizeof(whole.data),
	                                 &whole.len, why, sizeof(why));
	IK_LOG(e, "%s: %s", a, why);
	if (r != IK_FRAG_DONE)
		return;
	/* The message must be the SA's the fragments named, and not a fragment itself. */
	if (whole.len < IK_HDR_LEN || memcmp(whole.data, d->data, 16) ||
	    whole.data[16] == IK_PAYLOAD_FRAG) {
		IK_LOG(e,
		       "%s: the reassembled message is no ISAKMP message of the fragments' "
		       "cookies: dropped",
		       a);
		return;
	}
	whole.peer = d->peer, whole.peer_len = d->peer_len;
	whole.local_port = d->local_port, whole.kind = IK_DGRAM_IKE;
	e->rx_frags = t->done_count;
	ik_engine_reinput(e, &whole);
	e->rx_frags = 0;
}
