/* Capture file reader: link layer -> IP -> UDP -> ISAKMP, through ik_rd only. */
#include "pcapio.h"
#include "buf.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

struct reasm;

struct ik_pcap {
	pcap_t *pc;
	int dlt;
	size_t num;
	uint16_t port;    /* a lab's IKE port besides 500 (ik_pcap_ike_port) */
	struct reasm *ra; /* IPv4 datagrams being reassembled (REASM_SLOTS) */
	size_t ra_next;
};

struct ik_pcap *ik_pcap_open(const char *path, struct ik_status *st)
{
	char err[PCAP_ERRBUF_SIZE] = "";
	struct ik_pcap *p = calloc(1, sizeof(*p));

	if (!p) {
		ik_fail(st, 0, "ik_pcap_open: out of memory");
		return NULL;
	}
	p->pc = pcap_open_offline(path, err);
	if (!p->pc) {
		ik_fail(st, 0, "ik_pcap_open: %s", err);
		free(p);
		return NULL;
	}
	p->dlt = pcap_datalink(p->pc);
	return p;
}

void ik_pcap_ike_port(struct ik_pcap *p, uint16_t port)
{
	p->port = port;
}

void ik_pcap_close(struct ik_pcap *p)
{
	if (!p)
		return;
	pcap_close(p->pc);
	free(p->ra);
	free(p);
}

int ik_udp_isakmp_offset(uint16_t sport, uint16_t dport, const uint8_t *p, size_t len, int any_port)
{
	if (sport == 4500 || dport == 4500) {
		/* RFC 3948 2.2/2.3: marker 0x00000000 = IKE; 0xff alone = keepalive; else ESP. */
		if (len >= 4 && !p[0] && !p[1] && !p[2] && !p[3])
			return 4;
		return -1;
	}
	if (sport == 500 || dport == 500 || any_port)
		return 0;
	return -1;
}

/* The ethertype-like protocol of the link layer and the reader positioned at the IP header. */
static int link_layer(int dlt, struct ik_rd *r)
{
	uint16_t et;
	uint32_t fam;

	switch (dlt) {
	case DLT_EN10MB:
		if (!ik_rd_skip(r, 12) || !ik_rd_u16(r, &et))
			return -1;
		while (et == 0x8100 || et == 0x88a8) /* 802.1Q / 802.1ad tags */
			if (!ik_rd_skip(r, 2) || !ik_rd_u16(r, &et))
				return -1;
		return et;
	case DLT_LINUX_SLL: /* 16 octets, protocol last */
		if (!ik_rd_skip(r, 14) || !ik_rd_u16(r, &et))
			return -1;
		return et;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2: /* 20 octets, protocol first */
		if (!ik_rd_u16(r, &et) || !ik_rd_skip(r, 18))
			return -1;
		return et;
#endif
	case DLT_NULL:
	case DLT_LOOP: /* 4 octets of address family, host or network order */
		if (!ik_rd_u32(r, &fam))
			return -1;
		if (fam == 2 || fam == 0x02000000)
			return 0x0800;
		return 0x86dd;
	default: /* DLT_RAW, DLT_IPV4, DLT_IPV6: the version nibble says */
		if (dlt != DLT_RAW && dlt != 12 && dlt != 14 && dlt != 228 && dlt != 229)
			return -1;
		if (!ik_rd_left(r))
			return -1;
		return (r->p[r->pos] >> 4) == 6 ? 0x86dd : 0x0800;
	}
}

/*
 * IPv4 reassembly (RFC 791 3.2): an ISAKMP message larger than the path MTU -- a main mode
 * MM5 with certificates -- reaches the capture in fragments. Fragments are kept per (source,
 * destination, identification, protocol) until the one without More Fragments has come and
 * every octet before it is there; the whole datagram then goes on to the UDP layer.
 */
#define REASM_SLOTS 8
#define REASM_MAX   65535

struct reasm {
	bool used;
	uint8_t src[4], dst[4], proto;
	uint16_t id;
	size_t end;                          /* datagram length once the last fragment came */
	uint8_t have[REASM_MAX / 8 / 8 + 1]; /* a bit per 8-octet block present */
	uint8_t buf[REASM_MAX];
};

static struct reasm *reasm_slot(struct ik_pcap *p, const uint8_t *src, const uint8_t *dst,
                                uint16_t id, uint8_t proto)
{
	for (size_t i = 0; i < REASM_SLOTS; i++) {
		struct reasm *s = &p->ra[i];
		if (s->used && s->id == id && s->proto == proto && !memcmp(s->src, src, 4) &&
		    !memcmp(s->dst, dst, 4))
			return s;
	}
	struct reasm *s = &p->ra[p->ra_next++ % REASM_SLOTS]; /* the oldest gives way */
	s->used = true, s->id = id, s->proto = proto, s->end = 0;
	memcpy(s->src, src, 4);
	memcpy(s->dst, dst, 4);
	memset(s->have, 0, sizeof(s->have));
	return s;
}

/* Add one fragment; true (whole and len set) when the datagram is complete. */
static bool reasm_add(struct ik_pcap *p, const uint8_t *src, const uint8_t *dst, uint16_t id,
                      uint8_t proto, uint16_t frag, const uint8_t *data, size_t n,
                      const uint8_t **whole, size_t *len)
{
	size_t off = (size_t)(frag & 0x1fff) * 8;
	bool more = frag & 0x2000;
	if (!p->ra && !(p->ra = calloc(REASM_SLOTS, sizeof(*p->ra))))
		return false;
	if (off + n > REASM_MAX || (more && n % 8))
		return false; /* not a fragment RFC 791 allows: dropped */
	struct reasm *s = reasm_slot(p, src, dst, id, proto);
	memcpy(s->buf + off, data, n);
	for (size_t b = off / 8; b < (off + n + 7) / 8; b++)
		s->have[b / 8] |= (uint8_t)(1u << (b % 8));
	if (!more)
		s->end = off + n;
	if (!s->end)
		return false;
	for (size_t b = 0; b < (s->end + 7) / 8; b++)
		if (!(s->have[b / 8] & (1u << (b % 8))))
			return false;
	s->used = false;
	*whole = s->buf, *len = s->end;
	return true;
}

/* IPv4 or IPv6 down to the UDP header; 0 = not UDP / a fragment still incomplete, -1 =
 * truncated. The last fragment of an IPv4 datagram gives r the whole datagram's payload. */
static int ip_layer(struct ik_pcap *p, int et, struct ik_rd *r, struct ik_pkt *k)
{
	uint8_t b, proto, hl;
	uint16_t total, frag, id;
	const uint8_t *a, *src;

	if (et == 0x0800) {
		if (!ik_rd_u8(r, &b) || b >> 4 != 4 || (hl = (uint8_t)((b & 0xf) * 4)) < 20)
			return -1;
		if (!ik_rd_skip(r, 1) || !ik_rd_u16(r, &total) || !ik_rd_u16(r, &id) ||
		    !ik_rd_u16(r, &frag) || !ik_rd_skip(r, 1) || !ik_rd_u8(r, &proto) ||
		    !ik_rd_skip(r, 2))
			return -1;
		if (!ik_rd_span(r, &a, 4))
			return -1;
		inet_ntop(AF_INET, src = a, k->src, sizeof(k->src));
		if (!ik_rd_span(r, &a, 4) || !ik_rd_skip(r, (size_t)hl - 20))
			return -1;
		inet_ntop(AF_INET, a, k->dst, sizeof(k->dst));
		k->family = AF_INET;
		if (proto != 17)
			return 0;
		if (!(frag & 0x3fff))
			return 1;
		const uint8_t *whole;
		size_t n = total > hl ? (size_t)total - hl : 0, len;
		if (n > ik_rd_left(r))
			return 0; /* a fragment cut by the snap length cannot be put together */
		if (!reasm_add(p, src, a, id, proto, frag, r->p + r->pos, n, &whole, &len))
			return 0;
		ik_rd_init(r, whole, len);
		return 1;
	}
	if (et != 0x86dd)
		return 0;
	if (!ik_rd_u8(r, &b) || b >> 4 != 6 || !ik_rd_skip(r, 5) || !ik_rd_u8(r, &proto) ||
	    !ik_rd_skip(r, 1))
		return -1;
	if (!ik_rd_span(r, &a, 16))
		return -1;
	inet_ntop(AF_INET6, a, k->src, sizeof(k->src));
	if (!ik_rd_span(r, &a, 16))
		return -1;
	inet_ntop(AF_INET6, a, k->dst, sizeof(k->dst));
	k->family = AF_INET6;
	/* Extension headers: hop-by-hop 0, routing 43, destination options 60; fragments 44. */
	while (proto == 0 || proto == 43 || proto == 60) {
		uint8_t nh, len8;
		if (!ik_rd_u8(r, &nh) || !ik_rd_u8(r, &len8) ||
		    !ik_rd_skip(r, (size_t)len8 * 8 + 6))
			return -1;
		proto = nh;
	}
	return proto == 17 ? 1 : 0;
}

int ik_pcap_next(struct ik_pcap *p, struct ik_pkt *k, struct ik_status *st)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	while ((rc = pcap_next_ex(p->pc, &h, &data)) == 1) {
		struct ik_rd r, udp;
		uint16_t ulen;
		int et, ok, off;

		p->num++;
		memset(k, 0, sizeof(*k));
		k->num = p->num;
		k->ts = h->ts;
		ik_rd_init(&r, data, h->caplen);
		et = link_layer(p->dlt, &r);
		if (et < 0 || (ok = ip_layer(p, et, &r, k)) <= 0)
			continue;
		if (!ik_rd_u16(&r, &k->sport) || !ik_rd_u16(&r, &k->dport) ||
		    !ik_rd_u16(&r, &ulen) || !ik_rd_skip(&r, 2) || ulen < 8)
			continue;
		/* Trust the UDP length, but never beyond what was captured. */
		size_t n = (size_t)ulen - 8 < ik_rd_left(&r) ? (size_t)ulen - 8 : ik_rd_left(&r);
		ik_rd_sub(&r, &udp, n);
		off = ik_udp_isakmp_offset(k->sport, k->dport, udp.p, n,
		                           p->port && (k->sport == p->port || k->dport == p->port));
		if (off < 0)
			continue;
		k->marker = off > 0;
		k->truncated = (size_t)ulen - 8 > n;
		k->isakmp = udp.p + off;
		k->len = n - (size_t)off;
		return 1;
	}
	if (rc == PCAP_ERROR) {
		ik_fail(st, 0, "ik_pcap_next: frame %zu: %s", p->num + 1, pcap_geterr(p->pc));
		return -1;
	}
	return 0;
}
