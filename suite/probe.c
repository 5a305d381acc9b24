/* ikecheck probe: the hosts, the one message and the schedule (see probe.h, docs/probe.md). */
#include "probe.h"
#include "algs.h"
#include "codec.h"
#include "consts.h"
#include "dh.h"
#include "msg.h"
#include "net.h"
#include "rng.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

uint64_t ik_probe_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* --- what we offer ------------------------------------------------------------------------ */

size_t ik_probe_default_trans(struct ik_probe_trans *t, bool aggressive, uint16_t group)
{
	/* ike-scan 1.9's order: 3DES before DES, SHA-1 before MD5, group 2 before group 1. */
	static const uint16_t encs[] = {IK_P1_ENCR_3DES_CBC, IK_P1_ENCR_DES_CBC};
	static const uint16_t hashes[] = {IK_P1_HASH_SHA, IK_P1_HASH_MD5};
	static const uint16_t groups[] = {IK_GROUP_MODP_1024, IK_GROUP_MODP_768};
	size_t n = 0;

	for (size_t g = 0; g < (aggressive ? 1 : 2); g++)
		for (size_t e = 0; e < 2; e++)
			for (size_t h = 0; h < 2; h++)
				t[n++] = (struct ik_probe_trans){
					.enc = encs[e],
					.hash = hashes[h],
					.auth = IK_P1_AUTH_PSK,
					.group = aggressive ? group : groups[g],
				};
	return n;
}

/* One number, or a name from the algorithm table (keyword) or consts.def (IANA name). */
static bool trans_value(const char *s, enum ik_table t, uint16_t *out, uint16_t *keylen)
{
	uint32_t v;
	if (t == IK_T_P1_ENCR && ik_cipher_by_name(s) && ik_cipher_by_name(s)->ike_id) {
		*out = ik_cipher_by_name(s)->ike_id;
		*keylen = ik_cipher_by_name(s)->key_bits;
		return true;
	}
	if (t == IK_T_P1_HASH && ik_hash_by_keyword(s) && ik_hash_by_keyword(s)->ike_hash) {
		*out = ik_hash_by_keyword(s)->ike_hash;
		return true;
	}
	if (t == IK_T_GROUP && ik_dh_by_name(s)) {
		*out = ik_dh_by_name(s)->id;
		return true;
	}
	if (t == IK_T_P1_AUTH && !strcasecmp(s, "psk"))
		s = "PRE-SHARED-KEY";
	if (t == IK_T_P1_AUTH && !strcasecmp(s, "rsa"))
		s = "RSA-SIG";
	if (!ik_value_of(t, s, &v) || v > 0xffff)
		return false;
	*out = (uint16_t)v;
	return true;
}

bool ik_probe_parse_trans(const char *s, struct ik_probe_trans *t, char *why, size_t n)
{
	static const struct {
		enum ik_table t;
		const char *what;
	} parts[] = {{IK_T_P1_ENCR, "encryption"},
	             {IK_T_P1_HASH, "hash"},
	             {IK_T_P1_AUTH, "authentication method"},
	             {IK_T_GROUP, "group"}};
	char buf[128], *save = NULL, *tok;
	uint16_t *dst[] = {&t->enc, &t->hash, &t->auth, &t->group}, klen = 0;
	size_t i = 0;

	*t = (struct ik_probe_trans){0};
	if (strlen(s) >= sizeof(buf)) {
		snprintf(why, n, "too long");
		return false;
	}
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), i++) {
		char *slash = i == 0 ? strchr(tok, '/') : NULL;
		unsigned long len = 0;
		if (i == 4) {
			snprintf(why, n, "more than four fields");
			return false;
		}
		if (slash) {
			char *end;
			*slash = 0;
			errno = 0;
			len = strtoul(slash + 1, &end, 10);
			if (errno || !slash[1] || *end || len == 0 || len > 0xffff) {
				snprintf(why, n, "key length '%s' is not a number of bits",
				         slash + 1);
				return false;
			}
		}
		if (!trans_value(tok, parts[i].t, dst[i], &klen)) {
			snprintf(why, n, "%s '%s' is neither a number nor a known name",
			         parts[i].what, tok);
			return false;
		}
		if (i == 0)
			t->keylen = slash ? (uint16_t)len : klen;
	}
	if (i != 4) {
		snprintf(why, n,
		         "expected enc[/bits],hash,auth,group (ike-scan's --trans=5,2,1,2 "
		         "or 3des,sha1,psk,modp1024)");
		return false;
	}
	return true;
}

bool ik_probe_set_id(struct ik_probe_cfg *c, const char *s, char *why, size_t n)
{
	size_t len = strlen(s);
	uint8_t a6[16];

	if (!strncasecmp(s, "0x", 2)) {
		len = (len - 2) / 2;
		if (!len || strlen(s) % 2 || len > sizeof(c->id) ||
		    !ik_hex_decode(s + 2, len, c->id)) {
			snprintf(why, n,
			         "0x must be followed by pairs of hex digits (at most %zu octets)",
			         sizeof(c->id));
			return false;
		}
		c->id_len = len;
		return true; /* the type stays as given (--idtype), or ID_USER_FQDN as ike-scan's */
	}
	if (!len || len > sizeof(c->id)) {
		snprintf(why, n, "an identity of 1 to %zu octets", sizeof(c->id));
		return false;
	}
	if (inet_pton(AF_INET, s, c->id) == 1) {
		c->id_len = 4;
		c->id_type = c->id_type ? c->id_type : IK_ID_TYPE_IPV4_ADDR;
	} else if (inet_pton(AF_INET6, s, a6) == 1) {
		memcpy(c->id, a6, 16);
		c->id_len = 16;
		c->id_type = c->id_type ? c->id_type : IK_ID_TYPE_IPV6_ADDR;
	} else {
		memcpy(c->id, s, len);
		c->id_len = len;
		c->id_type = c->id_type ? c->id_type
		                        : (strchr(s, '@') ? IK_ID_TYPE_USER_FQDN : IK_ID_TYPE_FQDN);
	}
	return true;
}

/* --- hosts ---------------------------------------------------------------------------------- */

/* "HOST", "HOST:PORT", "[V6]:PORT" or a bare IPv6 address into host and port. */
static bool split_spec(const char *spec, char *host, size_t hn, uint16_t *port,
                       struct ik_status *st)
{
	const char *colon = strrchr(spec, ':'), *end = spec + strlen(spec);
	bool v6 = spec[0] == '[';

	if (v6) {
		const char *rb = strchr(spec, ']');
		if (!rb || (rb[1] && rb[1] != ':'))
			return ik_fail(st, 0, "'%s': expected [IPv6]:PORT", spec);
		colon = rb[1] ? rb + 1 : NULL;
		spec++;
		end = rb;
	} else if (colon && strchr(spec, ':') != colon) {
		colon = NULL; /* a bare IPv6 address */
	}
	if (colon && !v6)
		end = colon;
	if (colon) {
		char *e;
		errno = 0;
		unsigned long p = strtoul(colon + 1, &e, 10);
		if (errno || !colon[1] || *e || p == 0 || p > 65535)
			return ik_fail(st, 0, "'%s': the port must be 1..65535", spec - v6);
		*port = (uint16_t)p;
	}
	if (end == spec || (size_t)(end - spec) >= hn)
		return ik_fail(st, 0, "'%s': no host", spec - v6);
	memcpy(host, spec, (size_t)(end - spec));
	host[end - spec] = 0;
	return true;
}

bool ik_probe_add_host(struct ik_probe *p, const char *spec, uint16_t dport, struct ik_status *st)
{
	char host[256];
	uint16_t port = dport;
	struct addrinfo hints = {.ai_socktype = SOCK_DGRAM}, *res = NULL;

	if (strlen(spec) >= sizeof(p->hosts[0].name))
		return ik_fail(st, 0, "'%.40s...': too long", spec);
	if (!split_spec(spec, host, sizeof(host), &port, st))
		return false;
	int rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc)
		return ik_fail(st, 0, "'%s': cannot resolve: %s", host, gai_strerror(rc));
	if (p->nhosts == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct ik_probe_host *h = realloc(p->hosts, cap * sizeof(*h));
		if (!h) {
			freeaddrinfo(res);
			return ik_fail(st, 0, "out of memory");
		}
		p->hosts = h;
		p->cap = cap;
	}
	struct ik_probe_host *h = &p->hosts[p->nhosts];
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", spec);
	memcpy(&h->addr, res->ai_addr, res->ai_addrlen); /* the first address, as ike-scan */
	h->addr_len = res->ai_addrlen;
	ik_addr_set_port(&h->addr, port);
	h->chosen_index = -1;
	freeaddrinfo(res);
	p->nhosts++;
	return true;
}

void ik_probe_free(struct ik_probe *p)
{
	for (size_t i = 0; i < p->nhosts; i++)
		free(p->hosts[i].pskcrack);
	free(p->hosts);
	free(p->pkt);
	p->hosts = NULL;
	p->pkt = NULL;
	p->nhosts = p->cap = 0;
}

/* --- the message ---------------------------------------------------------------------------- */

static bool add_attr(struct ik_node *t, uint16_t cls, bool tv, uint32_t v)
{
	struct ik_node *a = ik_attr_new(cls, tv, v, tv ? 0 : 4);
	if (a && ik_node_insert(t, SIZE_MAX, a))
		return true;
	ik_node_free(a);
	return false;
}

/* RFC 2409 5 and App. A: one ISAKMP proposal, one KEY_IKE transform per offer; the lifetime as
 * a 4-octet LIFE_DURATION as ike-scan sends it. */
static bool add_sa(struct ik_msg *m, const struct ik_probe_cfg *c)
{
	struct ik_node *sa = ik_pl_add(m, IK_PAYLOAD_SA),
		       *pr = sa ? ik_node_new(&ik_sd_prop) : NULL;

	if (!pr || !ik_node_insert(sa, SIZE_MAX, pr)) {
		ik_node_free(pr);
		return false;
	}
	bool ok = ik_node_set_num(sa, IK_F_SA_DOI, IK_DOI_IPSEC) &&
	          ik_node_set_num(sa, IK_F_SA_SITUATION, IK_SIT_IDENTITY_ONLY) &&
	          ik_node_set_num(pr, IK_F_P_NUMBER, 1) &&
	          ik_node_set_num(pr, IK_F_P_PROTO, IK_PROTO_ISAKMP);
	for (size_t i = 0; ok && i < c->ntrans; i++) {
		const struct ik_probe_trans *x = &c->trans[i];
		struct ik_node *t = ik_node_new(&ik_sd_trans);
		ok = t && ik_node_insert(pr, SIZE_MAX, t);
		if (!ok) {
			ik_node_free(t);
			break;
		}
		ok = ik_node_set_num(t, IK_F_T_NUMBER, (uint32_t)(i + 1)) &&
		     ik_node_set_num(t, IK_F_T_ID, IK_P1_TRANS_KEY_IKE) &&
		     add_attr(t, IK_P1_ATTR_ENCR, true, x->enc) &&
		     (!x->keylen || add_attr(t, IK_P1_ATTR_KEY_LENGTH, true, x->keylen)) &&
		     add_attr(t, IK_P1_ATTR_HASH, true, x->hash) &&
		     add_attr(t, IK_P1_ATTR_AUTH, true, x->auth) &&
		     add_attr(t, IK_P1_ATTR_GROUP_DESC, true, x->group);
		if (ok && c->life_s)
			ok = add_attr(t, IK_P1_ATTR_LIFE_TYPE, true, IK_LIFE_TYPE_SECONDS) &&
			     add_attr(t, IK_P1_ATTR_LIFE_DURATION, false, c->life_s);
	}
	return ok;
}

/* RFC 2409 5.4: AM1 = HDR, SA, KE, Ni, IDii. A real public value (a responder may check it,
 * RFC 2409 does not say it must not), our nonce, our identity as UDP/500 like ike-scan's. */
static bool add_am1(struct ik_msg *m, const struct ik_probe_cfg *c, struct ik_status *st)
{
	uint16_t gid = c->dhgroup ? c->dhgroup : c->trans[0].group;
	const struct ik_dh_group *g = ik_dh_by_id(gid);
	struct ik_dh dh = {0};
	uint8_t nonce[256];
	char gname[IK_NAME_MAX];

	if (!g)
		return ik_fail(st, 0, "no key exchange value for group %s: the engine lacks it",
		               ik_fmt(gname, IK_T_GROUP, gid));
	if (!ik_dh_generate(&dh, g, st))
		return false;
	struct ik_node *ke = ik_pl_add(m, IK_PAYLOAD_KE), *ni = ik_pl_add(m, IK_PAYLOAD_NONCE),
		       *id = ik_pl_add(m, IK_PAYLOAD_ID);
	bool ok = ke && ni && id && ik_rng_bytes(nonce, c->noncelen) &&
	          ik_node_set_bytes(ke, IK_F_KE_DATA, dh.pub, dh.pub_len) &&
	          ik_node_set_bytes(ni, IK_F_NONCE_DATA, nonce, c->noncelen) &&
	          ik_node_set_num(id, IK_F_ID_ID_TYPE, c->id_type) &&
	          ik_node_set_num(id, IK_F_ID_PROTO, 17) &&
	          ik_node_set_num(id, IK_F_ID_PORT, 500) &&
	          ik_node_set_bytes(id, IK_F_ID_DATA, c->id, c->id_len);
	ik_dh_free(&dh);
	return ok || ik_fail(st, 0, "AM1: out of memory");
}

/* Our payload bodies in the encoded message, for --pskcrack (RFC 2409 5.4 HASH_R inputs). */
static void body_of(const struct ik_msg *m, uint8_t type, size_t *off, size_t *len)
{
	struct ik_node *n = ik_pl_find(m, type, 0);
	*off = n && n->len >= 4 ? n->off + 4 : 0;
	*len = n && n->len >= 4 ? n->len - 4 : 0;
}

bool ik_probe_build(struct ik_probe *p, struct ik_status *st)
{
	static const uint8_t zero[8];
	struct ik_msg m;
	struct ik_wr w;
	bool ok;

	if (!p->cfg.ntrans) /* ike-scan's default set */
		p->cfg.ntrans = ik_probe_default_trans(p->cfg.trans, p->cfg.aggressive,
		                                       p->cfg.dhgroup ? p->cfg.dhgroup : 2);
	if (!ik_msg_start(&m, zero, zero, p->cfg.aggressive ? IK_EXCH_AGGRESSIVE : IK_EXCH_ID_PROT,
	                  0, 0))
		return ik_fail(st, 0, "out of memory");
	ik_wr_init(&w);
	ok = add_sa(&m, &p->cfg) || ik_fail(st, 0, "SA: out of memory");
	ok = ok && (!p->cfg.aggressive || add_am1(&m, &p->cfg, st));
	ok = ok && ik_encode(&m, &w, st);
	if (ok && !(p->pkt = malloc(w.len)))
		ok = ik_fail(st, 0, "out of memory");
	if (ok) {
		memcpy(p->pkt, w.p, w.len);
		p->pkt_len = w.len;
		body_of(&m, IK_PAYLOAD_SA, &p->sa_off, &p->sa_len);
		body_of(&m, IK_PAYLOAD_KE, &p->ke_off, &p->ke_len);
		body_of(&m, IK_PAYLOAD_NONCE, &p->ni_off, &p->ni_len);
	}
	ik_msg_free(&m);
	ik_wr_free(&w);
	return ok;
}

/* --- the schedule --------------------------------------------------------------------------- */

struct socks {
	struct ik_sock s[2]; /* IPv4, IPv6: opened for the families the hosts use */
};

static struct ik_sock *sock_for(struct socks *k, const struct sockaddr_storage *a)
{
	return &k->s[a->ss_family == AF_INET6];
}

static bool open_socks(struct ik_probe *p, struct socks *k, struct ik_status *st)
{
	for (int v6 = 0; v6 < 2; v6++) {
		struct sockaddr_storage any;
		socklen_t len;
		bool used = false;
		for (size_t i = 0; i < p->nhosts && !used; i++)
			used = (p->hosts[i].addr.ss_family == AF_INET6) == v6;
		if (!used)
			continue;
		if (!ik_addr_parse(v6 ? "::" : "0.0.0.0", p->cfg.sport, &any, &len, st) ||
		    !ik_sock_open(&k->s[v6], &any, len, false, st))
			return false;
	}
	return true;
}

/* Our cookie for host i: the run's random tag, then the index (probe.h). */
static void cookie_of(const struct ik_probe *p, size_t i, uint8_t c[8])
{
	memcpy(c, p->tag, 4);
	c[4] = (uint8_t)(i >> 24);
	c[5] = (uint8_t)(i >> 16);
	c[6] = (uint8_t)(i >> 8);
	c[7] = (uint8_t)i;
}

static void send_to(struct ik_probe *p, struct socks *k, size_t i, uint64_t now)
{
	struct ik_probe_host *h = &p->hosts[i];
	struct ik_status st;
	char a[80];

	cookie_of(p, i, p->pkt);
	h->timeout_us = h->sent ? h->timeout_us * p->cfg.backoff_pct / 100
	                        : (uint64_t)p->cfg.timeout_ms * 1000;
	h->sent++;
	h->sent_us = now;
	h->due_us = now + h->timeout_us;
	if (!ik_sock_send_raw(sock_for(k, &h->addr), &h->addr, p->pkt, p->pkt_len, &st) &&
	    p->verbose)
		fprintf(stderr, "probe: %s\n", st.why); /* a lost attempt: the next one may go */
	else if (p->verbose)
		fprintf(stderr, "probe: attempt %u to %s\n", h->sent,
		        ik_addr_str(&h->addr, a, sizeof(a)));
}

/* Whatever has come in on one socket: each datagram to the host its cookie names. */
static void drain(struct ik_probe *p, struct ik_sock *s, struct ik_dgram *d)
{
	while (s->fd >= 0 && ik_sock_recv(s, d)) {
		uint64_t now = ik_probe_now_us();
		size_t i = SIZE_MAX;
		if (d->len >= IK_HDR_LEN)
			i = (size_t)d->data[4] << 24 | (size_t)d->data[5] << 16 |
			    (size_t)d->data[6] << 8 | d->data[7];
		if (i >= p->nhosts || memcmp(d->data, p->tag, 4)) {
			p->stray++;
			continue;
		}
		struct ik_probe_host *h = &p->hosts[i];
		if (h->done || (h->result != IK_PROBE_SILENT && !p->cfg.showbackoff_s))
			continue; /* a late copy: the host is decided */
		ik_probe_answer(p, h, d->data, d->len, now);
		if (!p->cfg.showbackoff_s)
			h->done = true;
		else if (h->result != IK_PROBE_SILENT)
			h->due_us = now + (uint64_t)p->cfg.showbackoff_s * 1000000u;
	}
}

/* One pass over the hosts: give up on those out of time, send to the next that is due (at
 * most one datagram per --interval). Returns when the loop should look again (0: all done). */
static uint64_t step(struct ik_probe *p, struct socks *k, size_t *cursor, uint64_t *next_send)
{
	uint64_t now = ik_probe_now_us(), wake = UINT64_MAX;
	bool sent = false;

	for (size_t n = 0; n < p->nhosts; n++) {
		size_t i = (*cursor + n) % p->nhosts;
		struct ik_probe_host *h = &p->hosts[i];
		if (h->done)
			continue;
		bool answered = h->result != IK_PROBE_SILENT;
		if (h->sent && h->due_us > now) {
			wake = wake < h->due_us ? wake : h->due_us;
			continue;
		}
		if (answered || h->sent >= p->cfg.retry) {
			h->done =
				true; /* --showbackoff silence over, or every attempt unanswered */
			continue;
		}
		if (sent || now < *next_send) { /* due, but the interval holds it back */
			wake = wake < *next_send ? wake : *next_send;
			continue;
		}
		send_to(p, k, i, now);
		sent = true;
		*next_send = now + (uint64_t)p->cfg.interval_ms * 1000;
		*cursor = (i + 1) % p->nhosts;
		wake = wake < h->due_us ? wake : h->due_us;
		wake = wake < *next_send ? wake : *next_send;
	}
	return wake == UINT64_MAX ? 0 : wake;
}

bool ik_probe_run(struct ik_probe *p, struct ik_status *st)
{
	struct socks k;
	struct ik_dgram *d = malloc(sizeof(*d));
	size_t cursor = 0;
	uint64_t next_send = 0, wake;
	bool ok = d && ik_rng_bytes(p->tag, sizeof(p->tag));

	k.s[0].fd = k.s[1].fd = -1;
	if (!ok) {
		free(d);
		return ik_fail(st, 0, "out of memory");
	}
	if (!ik_probe_build(p, st) || !open_socks(p, &k, st)) {
		free(d);
		for (int v6 = 0; v6 < 2; v6++)
			ik_sock_close(&k.s[v6]);
		return false;
	}
	p->start_us = ik_probe_now_us();
	while ((wake = step(p, &k, &cursor, &next_send)) && !(p->stop && *p->stop)) {
		struct pollfd pf[2];
		nfds_t n = 0;
		for (int v6 = 0; v6 < 2; v6++)
			if (k.s[v6].fd >= 0)
				pf[n++] = (struct pollfd){.fd = k.s[v6].fd, .events = POLLIN};
		uint64_t now = ik_probe_now_us();
		/* ppoll: microseconds, so --interval is kept to the microsecond as ike-scan keeps it */
		uint64_t us = wake > now ? wake - now : 0;
		us = us > 1000000 ? 1000000 : us;
		struct timespec ts = {.tv_sec = (time_t)(us / 1000000),
		                      .tv_nsec = (long)(us % 1000000) * 1000};
		if (ppoll(pf, n, &ts, NULL) > 0)
			for (int v6 = 0; v6 < 2; v6++)
				drain(p, &k.s[v6], d);
	}
	p->elapsed_us = ik_probe_now_us() - p->start_us;
	for (int v6 = 0; v6 < 2; v6++)
		ik_sock_close(&k.s[v6]);
	free(d);
	return true;
}
