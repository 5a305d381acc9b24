/* Inner IPv4 packets with ICMP echo or UDP: building and checking them (see inner.h). */
#include "inner.h"

#include <string.h>

/* RFC 1071: the ones' complement of the ones' complement sum of 16-bit words; sum carries a
 * partial sum in (the UDP pseudo-header). */
static uint16_t csum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* RFC 791 3.1: a 20-octet header, no options, don't fragment clear, TTL 64. */
static void ipv4(uint8_t *b, size_t total, uint8_t proto, struct in_addr src, struct in_addr dst)
{
	static uint16_t ident;
	memset(b, 0, 20);
	b[0] = 0x45;
	put16(b + 2, (uint16_t)total);
	put16(b + 4, ++ident);
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, &src, 4);
	memcpy(b + 16, &dst, 4);
	put16(b + 10, csum(b, 20, 0));
}

size_t ik_inner_echo(uint8_t *buf, size_t cap, struct in_addr src, struct in_addr dst, uint8_t type,
                     uint16_t id, uint16_t seq, size_t data_len)
{
	size_t total = 20 + 8 + data_len;
	if (total > cap || total > 65535)
		return 0;
	ipv4(buf, total, IK_INNER_ICMP, src, dst);
	uint8_t *icmp = buf + 20;
	memset(icmp, 0, 8);
	icmp[0] = type;
	put16(icmp + 4, id);
	put16(icmp + 6, seq);
	for (size_t i = 0; i < data_len; i++)
		icmp[8 + i] = (uint8_t)(0x20 + i % 64);
	put16(icmp + 2, csum(icmp, 8 + data_len, 0));
	return total;
}

static uint32_t pseudo(const uint8_t *ip, size_t ulen)
{
	uint32_t s = 0;
	for (int i = 12; i < 20; i += 2)
		s += get16(ip + i);
	return s + IK_INNER_UDP + (uint32_t)ulen;
}

size_t ik_inner_udp(uint8_t *buf, size_t cap, struct in_addr src, struct in_addr dst,
                    uint16_t sport, uint16_t dport, const uint8_t *p, size_t len)
{
	size_t total = 20 + 8 + len;
	if (total > cap || total > 65535)
		return 0;
	ipv4(buf, total, IK_INNER_UDP, src, dst);
	uint8_t *u = buf + 20;
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(8 + len));
	put16(u + 6, 0);
	memcpy(u + 8, p, len);
	uint16_t c = csum(u, 8 + len, pseudo(buf, 8 + len));
	put16(u + 6, c ? c : 0xffff); /* RFC 768: a computed zero is sent as all ones */
	return total;
}

static bool upper(const uint8_t *ip, const uint8_t *u, size_t n, struct ik_inner *o,
                  struct ik_status *st)
{
	if (o->proto == IK_INNER_ICMP) {
		if (n < 8 || csum(u, n, 0))
			return ik_fail(st, 0, "inner ICMP: %s",
			               n < 8 ? "shorter than its header"
			                     : "checksum wrong (RFC 792)");
		o->icmp_type = u[0], o->icmp_code = u[1];
		o->id = get16(u + 4), o->seq = get16(u + 6);
	} else if (o->proto == IK_INNER_UDP) {
		if (n < 8 || get16(u + 4) != n)
			return ik_fail(st, 0, "inner UDP: length field %u, %zu octets there",
			               n < 8 ? 0 : get16(u + 4), n);
		if (get16(u + 6) && csum(u, n, pseudo(ip, n)))
			return ik_fail(st, 0, "inner UDP: checksum wrong (RFC 768)");
		o->sport = get16(u), o->dport = get16(u + 2);
	} else {
		o->data = u, o->data_len = n;
		return true;
	}
	o->data = u + 8, o->data_len = n - 8;
	return true;
}

bool ik_inner_parse(const uint8_t *p, size_t len, struct ik_inner *o, struct ik_status *st)
{
	memset(o, 0, sizeof(*o));
	if (len < 20 || p[0] >> 4 != 4)
		return ik_fail(st, 0, "inner packet: not IPv4 (%zu octets, version %u)", len,
		               len ? p[0] >> 4 : 0);
	size_t hl = (size_t)(p[0] & 15) * 4, total = get16(p + 2);
	if (hl < 20 || hl > total || total > len)
		return ik_fail(st, 0, "inner IPv4: header %zu, total %zu, %zu octets there", hl,
		               total, len);
	if (csum(p, hl, 0))
		return ik_fail(st, 0, "inner IPv4: header checksum wrong (RFC 791 3.1)");
	if (get16(p + 6) & 0x3fff)
		return ik_fail(st, 0, "inner IPv4: a fragment (we send none, so none comes back)");
	o->proto = p[9], o->ttl = p[8];
	memcpy(&o->src, p + 12, 4);
	memcpy(&o->dst, p + 16, 4);
	return upper(p, p + hl, total - hl, o, st);
}

size_t ik_inner_wrap(uint8_t *buf, size_t cap, struct in_addr src, struct in_addr dst,
                     uint8_t proto, const uint8_t *upper, size_t len)
{
	size_t total = 20 + len;
	if (total > cap || total > 65535)
		return 0;
	memmove(buf + 20, upper, len);
	ipv4(buf, total, proto, src, dst);
	return total;
}
