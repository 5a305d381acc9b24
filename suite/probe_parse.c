/*
 * ikecheck probe: what one answer says (probe.h). The datagram is decoded by the engine's
 * codec, leniently (a responder's oddities are reported, never a reason to lose its answer),
 * and read into the host: the transform chosen (RFC 2408 4.2: exactly one, one we offered),
 * the vendor IDs by name (engine/codec/payload_vid.def), a notify, and in aggressive mode the
 * responder's identity, HASH_R and what psk-crack needs (RFC 2409 5.4).
 */
#include "probe.h"
#include "codec.h"
#include "consts.h"
#include "msg.h"
#include "util.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static void vids(struct ik_probe_host *h, const struct ik_msg *m)
{
	const struct ik_node *v;
	for (size_t i = 0; (v = ik_pl_find(m, IK_PAYLOAD_VID, i)) && h->nvids < IK_PROBE_MAX_VIDS;
	     i++) {
		const struct ik_val *d = ik_fget(v, IK_F_VID_DATA);
		struct ik_probe_vid *o = &h->vids[h->nvids++];
		o->len = d->len < sizeof(o->data) ? d->len : sizeof(o->data);
		memcpy(o->data, d->bytes, o->len);
		o->name = ik_vendor_name(d->bytes, d->len);
	}
}

/* RFC 2408 4.2: the answer holds one transform, ours by number and attributes. */
static void chosen(struct ik_probe *p, struct ik_probe_host *h, const struct ik_node *sa)
{
	struct ik_p1_xform x[IK_MAX_XFORMS];
	struct ik_status st;
	size_t n = 0;

	if (!ik_sa_p1_read(sa, x, IK_MAX_XFORMS, &n, &st) || n == 0) {
		snprintf(h->problem, sizeof(h->problem), "SA: %s", n ? st.why : "no transform");
		if (!n)
			return;
	}
	h->chosen = x[0];
	h->result = IK_PROBE_HANDSHAKE;
	if (n > 1)
		snprintf(h->problem, sizeof(h->problem),
		         "%zu transforms in the answer (RFC 2408 4.2: exactly one)", n);
	for (size_t i = 0; i < p->cfg.ntrans; i++) {
		const struct ik_probe_trans *t = &p->cfg.trans[i];
		if (t->enc == x->enc && t->keylen == x->keylen && t->hash == x->hash &&
		    t->auth == x->auth && t->group == x->group) {
			h->chosen_index = (int)i;
			if (x->number == i + 1)
				break; /* the number echoed too: this one for sure */
		}
	}
	if (h->chosen_index < 0 && !h->problem[0])
		snprintf(h->problem, sizeof(h->problem),
		         "the chosen transform is none of ours (RFC 2408 4.2)");
}

/* The responder's identity as text: an address, a printable name, else 0x and hex. */
static void id_text(struct ik_probe_host *h, const struct ik_node *id)
{
	const struct ik_val *d = ik_fget(id, IK_F_ID_DATA);
	bool printable = d->len > 0;

	h->have_id = true;
	h->id_type = (uint8_t)ik_fnum(id, IK_F_ID_ID_TYPE);
	if ((h->id_type == IK_ID_TYPE_IPV4_ADDR && d->len == 4) ||
	    (h->id_type == IK_ID_TYPE_IPV6_ADDR && d->len == 16)) {
		inet_ntop(d->len == 4 ? AF_INET : AF_INET6, d->bytes, h->id_text,
		          sizeof(h->id_text));
		return;
	}
	for (size_t i = 0; i < d->len; i++)
		printable = printable && d->bytes[i] >= 0x20 && d->bytes[i] < 0x7f;
	if (printable && d->len < sizeof(h->id_text)) {
		memcpy(h->id_text, d->bytes, d->len);
		h->id_text[d->len] = 0;
		return;
	}
	size_t n = d->len < (sizeof(h->id_text) - 3) / 2 ? d->len : (sizeof(h->id_text) - 3) / 2;
	memcpy(h->id_text, "0x", 2);
	ik_hex_encode(h->id_text + 2, d->bytes, n);
}

static size_t data_len(const struct ik_node *n, int field)
{
	return n ? ik_fget(n, field)->len : 0;
}

/* psk-crack's input (ike-scan --pskcrack): g_xr:g_xi:cky_r:cky_i:sai_b:idir_b:ni_b:nr_b:hash_r,
 * the HASH_R inputs of RFC 2409 5.4 in hex. */
static void pskcrack(struct ik_probe *p, struct ik_probe_host *h, const struct ik_msg *m,
                     const uint8_t *d)
{
	const struct ik_node *ke = ik_pl_find(m, IK_PAYLOAD_KE, 0),
			     *nr = ik_pl_find(m, IK_PAYLOAD_NONCE, 0),
			     *id = ik_pl_find(m, IK_PAYLOAD_ID, 0),
			     *hash = ik_pl_find(m, IK_PAYLOAD_HASH, 0);
	size_t idl, len;
	const uint8_t *idb = ik_pl_body(id, d, &idl);
	struct {
		const uint8_t *p;
		size_t n;
	} parts[] = {
		{ke ? ik_fget(ke, IK_F_KE_DATA)->bytes : NULL, data_len(ke, IK_F_KE_DATA)},
		{p->pkt + p->ke_off, p->ke_len},
		{d + 8, 8},
		{d, 8},
		{p->pkt + p->sa_off, p->sa_len},
		{idb, idl},
		{p->pkt + p->ni_off, p->ni_len},
		{nr ? ik_fget(nr, IK_F_NONCE_DATA)->bytes : NULL, data_len(nr, IK_F_NONCE_DATA)},
		{hash ? ik_fget(hash, IK_F_HASH_DATA)->bytes : NULL,
	         data_len(hash, IK_F_HASH_DATA)},
	};

	if (!ke || !nr || !id || !hash)
		return;
	len = 0;
	for (size_t i = 0; i < IK_ARRAY_SIZE(parts); i++)
		len += 2 * parts[i].n + 1;
	char *s = h->pskcrack = malloc(len);
	for (size_t i = 0; s && i < IK_ARRAY_SIZE(parts); i++) {
		ik_hex_encode(s, parts[i].p, parts[i].n);
		s += 2 * parts[i].n;
		*s++ = i + 1 < IK_ARRAY_SIZE(parts) ? ':' : 0;
	}
}

static void aggressive(struct ik_probe *p, struct ik_probe_host *h, const struct ik_msg *m,
                       const uint8_t *d)
{
	const struct ik_node *id = ik_pl_find(m, IK_PAYLOAD_ID, 0);
	if (id)
		id_text(h, id);
	h->ke_len = data_len(ik_pl_find(m, IK_PAYLOAD_KE, 0), IK_F_KE_DATA);
	h->nonce_len = data_len(ik_pl_find(m, IK_PAYLOAD_NONCE, 0), IK_F_NONCE_DATA);
	h->hash_len = data_len(ik_pl_find(m, IK_PAYLOAD_HASH, 0), IK_F_HASH_DATA);
	if (p->cfg.pskcrack && h->result == IK_PROBE_HANDSHAKE)
		pskcrack(p, h, m, d);
}

static void read_answer(struct ik_probe *p, struct ik_probe_host *h, const struct ik_msg *m,
                        const uint8_t *d)
{
	const struct ik_node *sa = ik_pl_find(m, IK_PAYLOAD_SA, 0),
			     *n = ik_pl_find(m, IK_PAYLOAD_N, 0);
	uint8_t ours = p->cfg.aggressive ? IK_EXCH_AGGRESSIVE : IK_EXCH_ID_PROT;
	char x[IK_NAME_MAX];

	vids(h, m);
	if (ik_fnum(m->hdr, IK_F_HDR_FLAGS) & IK_HDR_FLAG_ENC) {
		snprintf(h->problem, sizeof(h->problem), "an encrypted %s message",
		         ik_fmt(x, IK_T_EXCH, h->exch));
		return;
	}
	if ((h->exch == IK_EXCH_ID_PROT || h->exch == IK_EXCH_AGGRESSIVE) && sa) {
		chosen(p, h, sa);
		if (h->exch != ours && !h->problem[0])
			snprintf(h->problem, sizeof(h->problem), "answered in %s, asked in %s",
			         ik_fmt(x, IK_T_EXCH, h->exch), ik_name(IK_T_EXCH, ours));
		if (h->exch == IK_EXCH_AGGRESSIVE)
			aggressive(p, h, m, d);
		return;
	}
	if (n) {
		h->result = IK_PROBE_NOTIFY;
		h->notify = (uint16_t)ik_fnum(n, IK_F_N_TYPE);
		return;
	}
	snprintf(h->problem, sizeof(h->problem), "a %s message without SA or notify",
	         ik_fmt(x, IK_T_EXCH, h->exch));
}

void ik_probe_answer(struct ik_probe *p, struct ik_probe_host *h, const uint8_t *d, size_t len,
                     uint64_t now_us)
{
	struct ik_msg m;
	struct ik_status st;

	if (h->result != IK_PROBE_SILENT) {
		/* --showbackoff: another copy of the reply (same responder cookie) is timed only */
		if (!memcmp(d + 8, h->rcookie, 8) && h->nrx < IK_PROBE_MAX_BACKOFF)
			h->rx_us[h->nrx++] = now_us - p->start_us;
		return;
	}
	h->rtt_us = now_us - h->sent_us;
	h->rx_us[h->nrx++] = now_us - p->start_us;
	memcpy(h->rcookie, d + 8, 8);
	h->exch = d[18];
	h->result = IK_PROBE_OTHER; /* until the answer says more */
	if (!ik_decode_with(&m, d, len,
	                    IK_DEC_LENIENT | IK_DEC_SKIP_UNKNOWN | IK_DEC_ANY_SITUATION |
	                            IK_DEC_ANY_ID_DATA,
	                    &st)) {
		snprintf(h->problem, sizeof(h->problem), "malformed: %s", st.why);
		return;
	}
	read_answer(p, h, &m, d);
	ik_msg_free(&m);
}
