/*
 * Two engines in one process on loopback (DESIGN.md: integration tests run two engines against
 * each other in-process), compiled once and linked into the unit tests and the benchmark.
 */
#include "ike_pair.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* Count what the engines report; the first failure's status says why for the test's message. */
static void pair_on_event(struct ik_engine *e, struct ik_sa *sa, struct ik_qm *qm, enum ik_event ev)
{
	struct ik_pair *p = e->user;
	if (ev == IK_EV_P1_UP && sa->hs)
		*(e == &p->res ? &p->res_hs : &p->ini_hs) = (struct pair_hs){
			sa->hs->noffers ? sa->hs->offers[0] : (struct ik_p1_xform){0},
			sa->hs->k.ni_len, sa->hs->id_peer, true};
	if (ev == IK_EV_P1_UP)
		p->p1_up++;
	else if (ev == IK_EV_P2_UP)
		p->p2_up++;
	else if (ev == IK_EV_DPD_ACK)
		p->dpd_acks++;
	else if (ev == IK_EV_DELETE && qm)
		p->ipsec_deletes++;
	else if (ev == IK_EV_DELETE)
		p->deletes++;
	else if (ev == IK_EV_NOTIFY)
		p->notifies++;
	else if (ev == IK_EV_FAILED) {
		p->failed++;
		p->why = sa->st;
	}
}

void id_addr4(struct ik_id *id, const char *a)
{
	memset(id, 0, sizeof(*id));
	id->type = IK_ID_TYPE_IPV4_ADDR;
	inet_pton(AF_INET, a, id->data);
	id->len = 4;
}

void id_subnet4(struct ik_id *id, const char *a, const char *mask)
{
	memset(id, 0, sizeof(*id));
	id->type = IK_ID_TYPE_IPV4_ADDR_SUBNET;
	inet_pton(AF_INET, a, id->data);
	inet_pton(AF_INET, mask, id->data + 4);
	id->len = 8;
}

/* A symmetric default: AES-128/SHA-1/MODP-2048 PSK, ESP AES-128/HMAC-SHA1 with PFS 14. */
void pair_cfg(struct ik_cfg *c, bool initiator)
{
	struct ik_status st;
	memset(c, 0, sizeof(*c));
	ik_addr_parse("127.0.0.1", 0, &c->local, &c->local_len, &st);
	ik_addr_parse("127.0.0.1", 0, &c->remote, &c->remote_len, &st);
	memcpy(c->psk, "ikecheck-test-psk", 17);
	c->psk_len = 17;
	id_addr4(&c->id_local, "127.0.0.1");
	id_addr4(&c->id_remote, "127.0.0.1");
	c->p1[0] = (struct ik_p1_xform){.enc = IK_P1_ENCR_AES_CBC,
	                                .keylen = 128,
	                                .hash = IK_P1_HASH_SHA,
	                                .auth = IK_P1_AUTH_PSK,
	                                .group = 14};
	c->np1 = 1;
	c->p1_life = 28800;
	c->p2[0] = (struct ik_p2_xform){.proto = IK_PROTO_ESP,
	                                .id = IK_ESP_TRANS_AES,
	                                .keylen = 128,
	                                .auth = IK_P2_AUTH_HMAC_SHA};
	c->np2 = 1;
	c->pfs_group = 14;
	c->p2_life = 3600;
	id_subnet4(initiator ? &c->ts_local : &c->ts_remote, "10.1.0.0", "255.255.255.0");
	id_subnet4(initiator ? &c->ts_remote : &c->ts_local, "10.2.0.0", "255.255.255.0");
	c->retrans_ms = 200;
	c->retrans_tries = 3;
}

bool pair_open(struct ik_pair *p, struct ik_cfg *ci, struct ik_cfg *cr, struct ik_status *st)
{
	memset(p, 0, sizeof(*p));
	ik_loop_init(&p->loop);
	if (!ik_engine_init(&p->res, cr, &p->loop, st))
		return false;
	ik_addr_set_port(&ci->remote, p->res.sock.port);
	if (!ik_engine_init(&p->ini, ci, &p->loop, st))
		return false;
	p->ini.user = p->res.user = p;
	p->ini.on_event = p->res.on_event = pair_on_event;
	p->ini.quiet = p->res.quiet = !getenv("IK_VERBOSE");
	p->ini.auto_quick = true;
	return true;
}

/* Run the loop for ms milliseconds whatever happens. */
void pair_spin(struct ik_pair *p, uint64_t ms)
{
	uint64_t end = ik_now_ms() + ms;
	while (ik_now_ms() < end)
		ik_loop_once(&p->loop, 10);
}

/* Run until both sides have `want` quick modes up, something failed, or ms passed. */
void pair_run(struct ik_pair *p, int want, uint64_t ms)
{
	uint64_t end = ik_now_ms() + ms;
	while (p->p2_up < 2 * want && !p->failed && ik_now_ms() < end)
		ik_loop_once(&p->loop, 20);
}

void pair_close(struct ik_pair *p)
{
	ik_engine_free(&p->ini);
	ik_engine_free(&p->res);
	ik_loop_free(&p->loop);
}
