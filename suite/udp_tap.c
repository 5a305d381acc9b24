/*
 * The UDP checksum tap (udp_tap.h). RFC 3948 2.1 (UDP-ESP) and 2.3 (NAT-keepalives): "the IPv4
 * UDP Checksum SHOULD be transmitted as a zero value". Only 0 against not 0 is read: on a veth
 * or loopback path a sender's kernel leaves checksum offload to a device that never computes
 * it (CHECKSUM_PARTIAL), and the field then holds the pseudo-header's partial sum, not a valid
 * checksum. Either way it was not 0: the sender did not ask for a zero checksum.
 */
#include "udp_tap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SNAP 128 /* an IPv4 header (60 at most), the UDP header and the first payload octets */

bool ik_udp_tap_wanted(const struct ik_case *c)
{
	for (const char *h = strstr(c->req, "UDPE-2.1-02"); h; h = strstr(h + 1, "UDPE-2.1-02"))
		if ((h == c->req || h[-1] == ' ') && (h[11] == 0 || h[11] == ' '))
			return true;
	for (size_t i = 0; i < c->nexpect; i++)
		if (c->expect[i].kind == IK_EXP_KEEPALIVE && c->expect[i].ka == IK_KA_CHECKSUM)
			return true;
	return false;
}

bool ik_udp_tap_cannot(const struct ik_case *c, char *why, size_t n)
{
	if (!ik_udp_tap_wanted(c))
		return false;
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_UDP);
	if (fd >= 0) {
		close(fd);
		return false;
	}
	snprintf(why, n,
	         "the UDP checksum of the DUT's datagrams is read on a raw socket, which this "
	         "host refused (%s: run as root, or with CAP_NET_RAW): not judged",
	         strerror(errno));
	return true;
}

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* One datagram as the raw socket gave it (n octets read of len): counted if it is ours. */
static void count(struct ik_udp_tap *t, const uint8_t *b, size_t n, size_t len)
{
	if (n < 20 || b[0] >> 4 != 4 || b[9] != IPPROTO_UDP)
		return;
	size_t ihl = (size_t)(b[0] & 15) * 4;
	struct in_addr src, dst;
	memcpy(&src, b + 12, 4);
	memcpy(&dst, b + 16, 4);
	if (ihl < 20 || n < ihl + 8 || (get16(b + 6) & 0x1fff) || src.s_addr != t->from.s_addr ||
	    (t->to.s_addr != INADDR_ANY && dst.s_addr != t->to.s_addr))
		return;
	const uint8_t *u = b + ihl, *pl = u + 8;
	uint16_t sp, dp;
	memcpy(&sp, u, 2);
	memcpy(&dp, u + 2, 2);
	if (sp != t->from_port || dp != t->to_port)
		return;
	unsigned ulen = get16(u + 4), sum = get16(u + 6);
	size_t have = n - ihl - 8;
	if (ulen < 8 || len < ihl + ulen)
		return;
	bool zero = sum == 0;
	/* RFC 3948 2.3: a keepalive is one octet 0xFF; 2.1: ESP has a non-zero SPI first (four
	 * zero octets are the non-ESP marker of IKE, whose checksum is not judged) */
	if (ulen == 9 && have >= 1 && pl[0] == 0xff) {
		t->ka[!zero]++;
		t->ka_sum = t->ka_sum ? t->ka_sum : zero ? 0 : sum;
	} else if (ulen >= 16 && have >= 4 && (pl[0] | pl[1] | pl[2] | pl[3])) {
		t->esp[!zero]++;
		t->esp_sum = t->esp_sum ? t->esp_sum : zero ? 0 : sum;
	}
}

void ik_udp_tap_drain(struct ik_udp_tap *t)
{
	uint8_t b[SNAP];
	ssize_t len;
	while (t && (len = recv(t->fd, b, sizeof(b), MSG_DONTWAIT | MSG_TRUNC)) >= 0)
		count(t, b, (size_t)len < sizeof(b) ? (size_t)len : sizeof(b), (size_t)len);
}

static void readable(void *arg)
{
	ik_udp_tap_drain(arg);
}

struct ik_udp_tap *ik_udp_tap_open(struct ik_loop *l, const struct sockaddr_storage *from,
                                   const struct sockaddr_storage *to, char *why, size_t n)
{
	if (from->ss_family != AF_INET || to->ss_family != AF_INET) {
		snprintf(why, n,
		         "the UDP checksum tap reads IPv4 alone (RFC 3948 2.1: the IPv4 "
		         "UDP checksum)");
		return NULL;
	}
	struct ik_udp_tap *t = calloc(1, sizeof(*t));
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_UDP);
	if (!t || fd < 0 || !ik_loop_add_fd(l, fd, readable, t)) {
		snprintf(why, n, "the UDP checksum tap: %s",
		         !t       ? "out of memory"
		         : fd < 0 ? strerror(errno)
		                  : "the event loop is full");
		if (fd >= 0)
			close(fd);
		free(t);
		return NULL;
	}
	/* every UDP datagram of the host comes here: room for a burst between two reads */
	int rcv = 1 << 20;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	const struct sockaddr_in *f = (const void *)from, *o = (const void *)to;
	t->fd = fd, t->loop = l;
	t->from = f->sin_addr, t->from_port = f->sin_port;
	t->to = o->sin_addr, t->to_port = o->sin_port;
	return t;
}

void ik_udp_tap_close(struct ik_udp_tap *t)
{
	if (!t)
		return;
	ik_udp_tap_drain(t);
	ik_loop_del_fd(t->loop, t->fd);
	close(t->fd);
	free(t);
}
