/*
 * NAT traversal (RFC 3947) and the end of phase 1: NAT-D hashes in MM3/MM4 and AM2/AM3,
 * floating to the NAT-T port when a NAT is seen, DPD (RFC 3706) once the ISAKMP SA is up.
 */
#include "consts.h"
#include "crypto.h"
#include "where.h"
#include "xchg.h"

#include <netinet/in.h>
#include <string.h>

/* RFC 3947 3.2: HASH = hash(CKY-I | CKY-R | IP | Port) with the negotiated hash. */
static bool natd_hash(const struct ik_sa *sa, const struct sockaddr_storage *a, uint8_t *out)
{
	const struct ik_hash_alg *h = ik_hash_by_id(sa->chosen.hash);
	uint8_t port[2];
	uint16_t p = ik_addr_port(a);
	struct ik_span parts[4] = {IK_SPAN(sa->icookie, 8), IK_SPAN(sa->rcookie, 8)};

	port[0] = (uint8_t)(p >> 8);
	port[1] = (uint8_t)p;
	if (a->ss_family == AF_INET)
		parts[2] = IK_SPAN(&((const struct sockaddr_in *)a)->sin_addr, 4);
	else
		parts[2] = IK_SPAN(&((const struct sockaddr_in6 *)a)->sin6_addr, 16);
	parts[3] = IK_SPAN(port, 2);
	return h && ik_digest(h, parts, 4, out);
}

/* Our own address and port as the peer sees them when there is no NAT. */
static struct sockaddr_storage local_of(const struct ik_sa *sa)
{
	const struct ik_engine *e = sa->eng;
	struct sockaddr_storage me = e->cfg.local;
	ik_addr_set_port(&me, sa->floated ? e->natt.port : e->sock.port);
	return me;
}

bool ik_natd_add(struct ik_sa *sa, struct ik_msg *out, struct ik_status *st)
{
	uint8_t type = sa->natt_method == IK_NATT_RFC ? IK_PAYLOAD_NATD : IK_PAYLOAD_NATD_DRAFT;
	const struct ik_hash_alg *h = ik_hash_by_id(sa->chosen.hash);
	uint8_t hv[IK_MAX_HASH];
	struct sockaddr_storage me = local_of(sa), peer = sa->peer;

	if (!sa->natt_method)
		return true;
	/* cfg.nat_sim: the port a NAT would have translated ours to; cfg.nat_sim_peer: the peer's. */
	if (sa->eng->cfg.nat_sim)
		ik_addr_set_port(&me, (uint16_t)(ik_addr_port(&me) + 1));
	if (sa->eng->cfg.nat_sim_peer)
		ik_addr_set_port(&peer, (uint16_t)(ik_addr_port(&peer) + 1));
	/* RFC 3947 3.2: first the destination (the peer), then our own address(es). */
	const struct sockaddr_storage *addrs[2] = {&peer, &me};
	for (int i = 0; i < 2; i++) {
		struct ik_node *n = ik_pl_add(out, type);
		if (!h || !n || !natd_hash(sa, addrs[i], hv) ||
		    !ik_node_set_bytes(n, IK_F_NATD_DATA, hv, h->len))
			return ik_fail(st, 0, "ik_natd_add: cannot build NAT-D");
	}
	return true;
}

/* RFC 3947 3.2/4: compare the NAT-D hashes; float to the NAT-T port when a NAT is between us. */
void ik_natd_check(struct ik_sa *sa, struct ik_in *in)
{
	const struct ik_hash_alg *h = ik_hash_by_id(sa->chosen.hash);
	uint8_t here[IK_MAX_HASH], there[IK_MAX_HASH];
	struct sockaddr_storage me = local_of(sa);
	size_t seen = 0;
	bool peer_match = false;

	if (!sa->natt_method || !h || !natd_hash(sa, &me, here) || !natd_hash(sa, &sa->peer, there))
		return;
	for (size_t i = 0; i < in->m.hdr->nkids; i++) {
		const struct ik_node *n = in->m.hdr->kids[i];
		bool natd = n->type == IK_PAYLOAD_NATD || n->type == IK_PAYLOAD_NATD_DRAFT;
		const struct ik_val *v = natd ? ik_fget(n, IK_F_NATD_DATA) : NULL;
		if (!v)
			continue;
		bool eq_here = v->len == h->len && !memcmp(v->bytes, here, h->len);
		bool eq_there = v->len == h->len && !memcmp(v->bytes, there, h->len);
		if (seen++ == 0)
			sa->nat_here = !eq_here || sa->eng->cfg.nat_sim; /* it hashes us as seen */
		else
			peer_match |= eq_there;
	}
	if (!seen)
		return;
	sa->nat_there = !peer_match || sa->eng->cfg.nat_sim_peer; /* we made it see one */
	/* RFC 3947 4: the initiator moves to the NAT-T port with its next message; the responder
	 * follows when a message reaches it there (ik_natt_follow). */
	/* quirk natt-no-float-init: the NAT is seen, the initiator stays on the IKE ports */
	bool stay = IK_HAS(sa->eng->cfg.quirks, NATT_NO_FLOAT_INIT);
	if ((sa->nat_here || sa->nat_there) && sa->eng->natt.fd >= 0 && !sa->floated &&
	    sa->role == IK_INITIATOR && !stay) {
		sa->floated = true;
		ik_addr_set_port(&sa->peer, sa->eng->cfg.remote_natt_port);
		IK_LOG(sa->eng, "NAT detected (%s%s): floating to port %u",
		       sa->nat_here ? "here" : "", sa->nat_there ? " there" : "",
		       sa->eng->natt.port);
	}
}

void ik_p1_done(struct ik_sa *sa)
{
	struct ik_engine *e = sa->eng;

	sa->established = true;
	/* RFC 2409 App. B: phase 2 IVs start from the last phase 1 CBC block. */
	memcpy(sa->k.p1_last, sa->k.iv, sizeof(sa->k.p1_last));
	e->p1_up++;
	ik_loop_cancel(e->loop, sa->rtx_timer);
	sa->rtx_timer = 0;
	ik_info_release(sa);
	ik_dpd_arm(sa);    /* RFC 3706 5.5: its idle period starts now */
	ik_ka_arm(sa);     /* RFC 3948 4: behind a NAT, keep its mapping open */
	ik_ic_p1_done(sa); /* its identity, and a restarted peer's earlier SAs ended */
	ik_emit_event(sa, NULL, IK_EV_P1_UP);
	/* Nothing from here on reads the handshake part: an idle SA keeps none of it. */
	ik_sa_end_handshake(sa);
	/* what it keeps to answer a retransmission of the peer's last message, in octets it needs */
	ik_wr_fit(&sa->last_out);
	if (sa->role == IK_RESPONDER && sa->life_notify) {
		/* RFC 2407 4.6.3.1 for the ISAKMP SA: our lifetime as an attribute list. */
		uint8_t attrs[8] = {0x80, 11, 0, 1, 0, 12, 0, 0};
		uint8_t spi[16], data[12];
		memcpy(spi, sa->icookie, 8);
		memcpy(spi + 8, sa->rcookie, 8);
		memcpy(data, attrs, 4);
		data[4] = 0x00, data[5] = 12, data[6] = 0, data[7] = 4; /* TLV duration, 4 octets */
		for (int i = 0; i < 4; i++)
			data[8 + i] = (uint8_t)(sa->life_s >> (24 - 8 * i));
		ik_send_notify(sa, IK_NOTIFY_RESPONDER_LIFETIME, IK_PROTO_ISAKMP, spi, 16, data,
		               12);
	}
	/* XAUTH / mode-config first when configured (xauth.c); then quick mode. */
	if (!ik_xa_p1_up(sa) && sa->role == IK_INITIATOR && e->auto_quick)
		ik_quick_initiate(sa);
}

/* RFC 3947 4: a message on the NAT-T port moves the SA there, and a NAT may have changed the
 * peer's address or port: answer where it came from. */
void ik_natt_follow(struct ik_sa *sa, const struct ik_dgram *d)
{
	if (sa->eng->natt.fd < 0 || d->local_port != sa->eng->natt.port)
		return;
	/* RFC 3947 7: a later valid message from another address or port is the NAT's new mapping
	 * (this runs for a message that proves valid, ike_in.c follow). Quirk natt-no-remap: the
	 * mapping of the float is kept. */
	if (sa->floated && (IK_HAS(sa->eng->cfg.quirks, NATT_NO_REMAP)))
		return;
	if (!sa->floated)
		sa->peer_ike = sa->peer;
	sa->floated = true;
	sa->peer = d->peer;
	/* quirk natt-stale-port: the NAT's mapping is not followed; the port the profile names is */
	if (IK_HAS(sa->eng->cfg.quirks, NATT_STALE_PORT))
		ik_addr_set_port(&sa->peer, sa->eng->cfg.remote_natt_port);
}

/* RFC 3947 4, the message that must float: MM5 in main mode, AM3 in aggressive mode. */
static bool float_msg(const struct ik_sa *sa, int msgno)
{
	return msgno == (sa->xchg == IK_X_AGGR ? 3 : 5);
}

/* What the judge below quotes, by mode. */
static const char float_mm[] =
	"RFC 3947 4 \"the initiator MUST change ports when sending the "
	"ID payload if there is NAT between the hosts\"";
static const char float_am[] =
	"RFC 3947 4 \"After the NAT has been detected, the initiator "
	"sends IP UDP(4500,4500) <4 bytes of non-ESP marker> HDR*, ... "
	"SIG_I\"";

/* RFC 3947 4, judged in the peer as initiator once we, the responder, saw a NAT (our simulated
 * one included, cfg.nat_sim): "In Main Mode, the initiator MUST change ports when sending the ID
 * payload if there is NAT between the hosts. The initiator MUST set both UDP source and
 * destination ports to 4500." msgno is the message just taken (valid: decrypted and checked).
 * Where the NAT is our simulation no NAT rewrote the peer's source port, so it must be the
 * peer's own NAT-T port; behind a real NAT it is the NAT's to choose and is not judged. */
void ik_natt_judge_float(struct ik_sa *sa, int msgno, const struct ik_dgram *d)
{
	const struct ik_engine *e = sa->eng;
	struct ik_status st;
	const char *msg = ik_msg_name(sa->xchg, msgno);

	if (sa->role != IK_RESPONDER || !sa->natt_method || e->natt.fd < 0 ||
	    !(sa->nat_here || sa->nat_there) || !float_msg(sa, msgno))
		return;
	if (d->local_port != e->natt.port) {
		ik_fail(&st, 0,
		        "with a NAT seen in MM3/MM4 (AM2), its %s came to port %u, not to our "
		        "NAT-T port %u",
		        msg, d->local_port, e->natt.port);
		ik_sa_fault(sa, sa->xchg == IK_X_AGGR ? float_am : float_mm, &st);
	} else if (e->cfg.nat_sim && ik_addr_port(&d->peer) != e->cfg.remote_natt_port) {
		ik_fail(&st, 0,
		        "its %s to our NAT-T port came from port %u, not from its NAT-T "
		        "port %u (no NAT rewrote it)",
		        msg, ik_addr_port(&d->peer), e->cfg.remote_natt_port);
		ik_sa_fault(sa,
		            "RFC 3947 4 \"The initiator MUST set both UDP source and "
		            "destination ports to 4500\"",
		            &st);
	}
}
