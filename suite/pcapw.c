/*
 * Capture writer: synthesises IPv4 (RFC 791) / IPv6 (RFC 8200) and UDP (RFC 768) headers around
 * an IKE message and hands the frame to libpcap's dump writer.
 */
#include "pcapw.h"
#include "buf.h"

#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

struct ik_pcapw {
	pcap_t *dead;
	pcap_dumper_t *d;
};

struct ik_pcapw *ik_pcapw_open(const char *path, struct ik_status *st)
{
	struct ik_pcapw *w = calloc(1, sizeof(*w));
	if (!w) {
		ik_fail(st, 0, "ik_pcapw_open: out of memory");
		return NULL;
	}
	w->dead = pcap_open_dead(DLT_RAW, 65535);
	if (w->dead)
		w->d = pcap_dump_open(w->dead, path);
	if (!w->d) {
		ik_fail(st, 0, "ik_pcapw_open: %s: %s", path,
		        w->dead ? pcap_geterr(w->dead) : "pcap_open_dead failed");
		ik_pcapw_close(w);
		return NULL;
	}
	return w;
}

/* RFC 1071 ones' complement sum; the IPv4 header checksum (UDP checksum left 0 for IPv4, which
 * RFC 768 allows; computed for IPv6 where it is mandatory, RFC 8200 8.1). */
static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static bool ip_header(struct ik_wr *w, const struct sockaddr_storage *src,
                      const struct sockaddr_storage *dst, size_t udp_len)
{
	if (src->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)src, *d = (const void *)dst;
		uint8_t h[20] = {0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17};
		size_t tot = 20 + udp_len;
		h[2] = (uint8_t)(tot >> 8), h[3] = (uint8_t)tot;
		memcpy(h + 12, &s->sin_addr, 4);
		memcpy(h + 16, &d->sin_addr, 4);
		uint16_t c = fold(sum16(h, 20, 0));
		h[10] = (uint8_t)(c >> 8), h[11] = (uint8_t)c;
		return ik_wr_bytes(w, h, 20);
	}
	const struct sockaddr_in6 *s = (const void *)src, *d = (const void *)dst;
	uint8_t h[40] = {0x60, 0, 0, 0, (uint8_t)(udp_len >> 8), (uint8_t)udp_len, 17, 64};
	memcpy(h + 8, &s->sin6_addr, 16);
	memcpy(h + 24, &d->sin6_addr, 16);
	return ik_wr_bytes(w, h, 40);
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	return ntohs(ss->ss_family == AF_INET
	                     ? ((const struct sockaddr_in *)(const void *)ss)->sin_port
	                     : ((const struct sockaddr_in6 *)(const void *)ss)->sin6_port);
}

bool ik_pcapw_udp(struct ik_pcapw *w, const struct sockaddr_storage *src,
                  const struct sockaddr_storage *dst, bool marker, const uint8_t *p, size_t len)
{
	static const uint8_t zero4[4];
	struct ik_wr f;
	size_t udp_len = 8 + (marker ? 4 : 0) + len;
	uint16_t sp = port_of(src), dp = port_of(dst);
	uint8_t u[8] = {(uint8_t)(sp >> 8),
	                (uint8_t)sp,
	                (uint8_t)(dp >> 8),
	                (uint8_t)dp,
	                (uint8_t)(udp_len >> 8),
	                (uint8_t)udp_len,
	                0,
	                0};
	bool ok;

	if (!w || src->ss_family != dst->ss_family || udp_len > 65507)
		return false;
	ik_wr_init(&f);
	ok = ip_header(&f, src, dst, udp_len) && ik_wr_bytes(&f, u, 8) &&
	     (!marker || ik_wr_bytes(&f, zero4, 4)) && ik_wr_bytes(&f, p, len);
	if (ok && src->ss_family == AF_INET6) {
		/* pseudo-header: addresses, UDP length, next header 17 */
		uint32_t s = sum16(f.p + 8, 32, 0) + (uint32_t)udp_len + 17;
		uint16_t c = fold(sum16(f.p + 40, udp_len, s));
		if (!c)
			c = 0xffff;
		f.p[46] = (uint8_t)(c >> 8), f.p[47] = (uint8_t)c;
	}
	if (ok) {
		struct pcap_pkthdr h;
		gettimeofday(&h.ts, NULL);
		h.caplen = h.len = (bpf_u_int32)f.len;
		pcap_dump((u_char *)w->d, &h, f.p);
		pcap_dump_flush(w->d);
	}
	ik_wr_free(&f);
	return ok;
}

void ik_pcapw_close(struct ik_pcapw *w)
{
	if (!w)
		return;
	if (w->d)
		pcap_dump_close(w->d);
	if (w->dead)
		pcap_close(w->dead);
	free(w);
}
