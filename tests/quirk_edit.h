/*
 * The probes of tests/test_quirk.c that hand the responder an edited copy of the initiator's MM1
 * or MM3 (the codec edits one field; RFC 2408 5.1-5.4, 3.1): the rows of the decoder quirks
 * (lenient parsing, unknown payloads and attributes, reserved fields, message IDs). Included by
 * test_quirk.c only, after its tap, cap and inject.
 */
#ifndef IK_QUIRK_EDIT_H
#define IK_QUIRK_EDIT_H

/* m, decoded from what we captured, edited, encoded and handed to the responder; m freed. */
static bool reinject(struct ik_pair *p, struct ik_msg *m, bool (*edit)(struct ik_msg *m),
                     struct ik_status *st)
{
	struct ik_wr w;
	ik_wr_init(&w);
	bool ok = edit(m) && ik_encode(m, &w, st);
	if (ok)
		inject(p, w.p, w.len);
	ik_wr_free(&w);
	ik_msg_free(m);
	return ok;
}

/* The initiator's MM1 edited with the codec and handed to the responder: did it answer MM2? */
static bool mm1_edited(struct ik_pair *p, bool (*edit)(struct ik_msg *m))
{
	struct ik_msg m;
	struct ik_status st;

	cap.exch = IK_EXCH_ID_PROT;
	p->ini.auto_quick = false;
	ik_initiate(&p->ini);
	if (!cap.len || !ik_decode(&m, cap.buf, cap.len, &st))
		return false;
	bool ok = reinject(p, &m, edit, &st);
	return ok && cap.res_sent == 1 && p->res.sas && p->res.sas->msg == 2;
}

static bool edit_reserved(struct ik_msg *m)
{
	struct ik_status st;
	return ik_path_set_num(m, "SA.reserved", 1, &st); /* RFC 2408 3.2: MUST be zero */
}

static bool edit_dup_sa(struct ik_msg *m)
{
	struct ik_node *sa = ik_pl_find(m, IK_PAYLOAD_SA, 0);
	struct ik_node *again = sa ? ik_node_clone(sa) : NULL;
	if (again && ik_msg_add(m, again))
		return true; /* RFC 2409 5: one SA payload, first */
	ik_node_free(again);
	return false;
}

static bool edit_unknown_attr(struct ik_msg *m)
{
	struct ik_ref ref;
	struct ik_status st;
	if (!ik_path_find(m, "SA.P[0].T[0]", &ref, &st))
		return false;
	struct ik_node *a = ik_attr_new(16400, true, 1, 0); /* a private-use class */
	if (a && ik_node_insert(ref.node, SIZE_MAX, a))
		return true;
	ik_node_free(a);
	return false;
}

static bool edit_msgid(struct ik_msg *m)
{
	struct ik_status st;
	return ik_path_set_num(m, "HDR.msgid", 5, &st); /* RFC 2408 3.1: 0 in phase 1 */
}

/* The initiator's MM3 is kept (the loop stops before the responder reads it) and an edited copy
 * handed over. Did the responder answer MM4? */
static bool mm3_edited(struct ik_pair *p, bool (*edit)(struct ik_msg *m))
{
	struct ik_msg m;
	struct ik_status st;

	cap.exch = IK_EXCH_ID_PROT;
	cap.skip = 1;
	p->ini.auto_quick = false;
	ik_initiate(&p->ini);
	SPIN_UNTIL(p, cap.len, 1000);
	if (!cap.len || !p->res.sas || p->res.sas->msg != 2 ||
	    !ik_decode(&m, cap.buf, cap.len, &st))
		return false;
	bool ok = reinject(p, &m, edit, &st);
	return ok && p->res.sas->msg == 4;
}

/* MM3 with a message ID. */
static bool mm3_msgid(struct ik_pair *p)
{
	return mm3_edited(p, edit_msgid);
}

static bool mm1_msgid(struct ik_pair *p)
{
	return mm1_edited(p, edit_msgid);
}

static bool edit_version2(struct ik_msg *m)
{
	struct ik_status st;
	return ik_path_set_num(m, "HDR.version", 0x20, &st); /* RFC 2408 5.2 step 3: major 2 */
}

static bool edit_rcookie(struct ik_msg *m)
{
	static const uint8_t other[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct ik_status st;
	return ik_path_set_bytes(m, "HDR.rcookie", other, 8, &st); /* RFC 2408 5.2 step 1 */
}

static bool edit_transforms(struct ik_msg *m)
{
	struct ik_status st;
	return ik_path_set_num(m, "SA.P[0].transforms", 9, &st); /* RFC 2408 3.5: one follows */
}

static bool edit_unknown_payload(struct ik_msg *m)
{
	static const uint8_t data[4] = {0xde, 0xad, 0xbe, 0xef};
	struct ik_node *n = ik_node_new(&ik_sd_opaque);
	if (!n)
		return false;
	n->type = 99; /* RFC 2408 3.1: reserved, no payload of that type exists */
	if (ik_node_set_bytes(n, IK_F_PRIVATE_DATA, data, sizeof(data)) && ik_msg_add(m, n))
		return true;
	ik_node_free(n);
	return false;
}

static bool edit_doi(struct ik_msg *m)
{
	struct ik_status st;
	return ik_path_set_num(m, "SA.doi", 2, &st); /* RFC 2408 5.4 step 1: not IPSEC */
}

static bool edit_short_nonce(struct ik_msg *m)
{
	static const uint8_t four[4] = {1, 2, 3, 4};
	struct ik_status st;
	return ik_path_set_bytes(m, "NONCE.data", four, 4, &st); /* RFC 2409 5: 8 to 256 */
}

static bool mm1_version2(struct ik_pair *p)
{
	return mm1_edited(p, edit_version2);
}

static bool mm3_other_rcookie(struct ik_pair *p)
{
	return mm3_edited(p, edit_rcookie);
}

static bool mm1_transforms(struct ik_pair *p)
{
	return mm1_edited(p, edit_transforms);
}

static bool mm1_unknown_payload(struct ik_pair *p)
{
	return mm1_edited(p, edit_unknown_payload);
}

static bool mm1_doi(struct ik_pair *p)
{
	return mm1_edited(p, edit_doi);
}

static bool mm3_short_nonce(struct ik_pair *p)
{
	return mm3_edited(p, edit_short_nonce);
}

/* The initiator's MM1 cut to 40 octets (the SA payload runs past the end): answered? */
static bool mm1_truncated(struct ik_pair *p)
{
	cap.exch = IK_EXCH_ID_PROT;
	p->ini.auto_quick = false;
	ik_initiate(&p->ini);
	if (cap.len < 40)
		return false;
	inject(p, cap.buf, 40);
	return cap.res_sent == 1 && p->res.sas && p->res.sas->msg == 2;
}

#endif
