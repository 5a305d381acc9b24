/* UDP transport for IKE and the NAT-T port; see net.h. */
#include "net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* linux/in.h (Linux 4.10); glibc's netinet/in.h lacks it. */
#ifndef IP_RECVFRAGSIZE
#define IP_RECVFRAGSIZE 25
#endif

/* RFC 3948 2.2: IKE on the NAT-T port is preceded by four zero octets (the non-ESP marker). */
static const uint8_t non_esp_marker[4];

bool ik_addr_parse(const char *host, uint16_t port, struct sockaddr_storage *ss, socklen_t *len,
                   struct ik_status *st)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		*len = sizeof(*in4);
		return true;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return true;
	}
	return ik_fail(st, 0, "ik_addr_parse: '%s' is not an IPv4 or IPv6 address", host);
}

const char *ik_addr_str(const struct sockaddr_storage *ss, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in4 = (const struct sockaddr_in *)ss;
		inet_ntop(AF_INET, &in4->sin_addr, a, sizeof(a));
		snprintf(buf, n, "%s:%u", a, ntohs(in4->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		snprintf(buf, n, "[%s]:%u", a, ntohs(in6->sin6_port));
	} else {
		snprintf(buf, n, "(no address)");
	}
	return buf;
}

uint16_t ik_addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

void ik_addr_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

bool ik_addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
		return x->sin6_port == y->sin6_port &&
		       !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
	}
	return false;
}

bool ik_sock_open(struct ik_sock *s, const struct sockaddr_storage *local, socklen_t len, bool natt,
                  struct ik_status *st)
{
	char a[80];
	s->fd = socket(local->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return ik_fail(st, 0, "ik_sock_open: socket: %s", strerror(errno));
	/* No SO_REUSEADDR: on UDP it lets bind() to port 0 hand out a port another such socket
	 * holds (two parallel cases would then share one port and read each other's replies),
	 * and lets a second process bind a busy fixed port without a word. UDP has no TIME_WAIT
	 * to wait out. */
	if (bind(s->fd, (const struct sockaddr *)local, len) < 0) {
		int e = errno;
		close(s->fd);
		s->fd = -1;
		return ik_fail(st, 0, "ik_sock_open: cannot bind %s: %s",
		               ik_addr_str(local, a, sizeof(a)), strerror(e));
	}
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	getsockname(s->fd, (struct sockaddr *)&bound, &blen);
	s->port = ik_addr_port(&bound);
	s->natt = natt;
	/* ESP's outer header, as received (struct ik_dgram tos, ttl): best effort, IPv4 only. */
	int on = 1;
	if (natt && local->ss_family == AF_INET) {
		setsockopt(s->fd, IPPROTO_IP, IP_RECVTOS, &on, sizeof(on));
		setsockopt(s->fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
		setsockopt(s->fd, IPPROTO_IP, IP_RECVFRAGSIZE, &on, sizeof(on));
	}
	return true;
}

void ik_sock_close(struct ik_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static socklen_t addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

bool ik_sock_send_raw(struct ik_sock *s, const struct sockaddr_storage *to, const uint8_t *p,
                      size_t len, struct ik_status *st)
{
	char a[80];

	if (sendto(s->fd, p, len, 0, (const struct sockaddr *)to, addr_len(to)) < 0)
		return ik_fail(st, 0, "ik_sock_send: to %s: %s", ik_addr_str(to, a, sizeof(a)),
		               strerror(errno));
	return true;
}

void ik_sock_no_check(struct ik_sock *s, bool on)
{
#ifdef SO_NO_CHECK
	int v = on;
	if (s->fd >= 0)
		(void)setsockopt(s->fd, SOL_SOCKET, SO_NO_CHECK, &v, sizeof(v));
#else
	(void)s, (void)on;
#endif
}

/* One cmsg of an int at buf + used (IP_TOS, IP_TTL, IPV6_TCLASS, IPV6_HOPLIMIT all take one);
 * returns the octets it takes. */
static size_t put_int(char *buf, size_t used, int level, int type, int v)
{
	struct cmsghdr c = {
		.cmsg_len = CMSG_LEN(sizeof(int)), .cmsg_level = level, .cmsg_type = type};
	memcpy(buf + used, &c, sizeof(c));
	memcpy(CMSG_DATA((struct cmsghdr *)(void *)(buf + used)), &v, sizeof(v));
	return CMSG_SPACE(sizeof(int));
}

bool ik_sock_send_marked(struct ik_sock *s, const struct sockaddr_storage *to, const uint8_t *p,
                         size_t len, uint8_t tos, uint8_t ttl, struct ik_status *st)
{
	char a[80];
	union {
		char buf[2 * CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {(void *)p, len};
	bool v6 = to->ss_family == AF_INET6;
	int level = v6 ? IPPROTO_IPV6 : IPPROTO_IP;
	size_t used = 0;
	memset(u.buf, 0, sizeof(u.buf));
	if (tos)
		used += put_int(u.buf, used, level, v6 ? IPV6_TCLASS : IP_TOS, tos);
	if (ttl)
		used += put_int(u.buf, used, level, v6 ? IPV6_HOPLIMIT : IP_TTL, ttl);
	struct msghdr m = {(void *)to, addr_len(to), &iov, 1, used ? u.buf : NULL, used, 0};
	if (sendmsg(s->fd, &m, 0) < 0)
		return ik_fail(st, 0, "ik_sock_send_marked: to %s (TOS %u, TTL %u): %s",
		               ik_addr_str(to, a, sizeof(a)), tos, ttl, strerror(errno));
	return true;
}

bool ik_sock_send_ike(struct ik_sock *s, const struct sockaddr_storage *to, const uint8_t *msg,
                      size_t len, struct ik_status *st)
{
	if (!s->natt)
		return ik_sock_send_raw(s, to, msg, len, st);
	uint8_t buf[IK_MAX_DGRAM];
	if (len > sizeof(buf) - sizeof(non_esp_marker))
		return ik_fail(st, 0, "ik_sock_send_ike: %zu bytes do not fit a UDP datagram", len);
	memcpy(buf, non_esp_marker, sizeof(non_esp_marker));
	memcpy(buf + sizeof(non_esp_marker), msg, len);
	return ik_sock_send_raw(s, to, buf, len + sizeof(non_esp_marker), st);
}

/* RFC 3948 2.1-2.3: tell IKE, ESP and keepalives apart on the NAT-T port. */
static void classify_natt(struct ik_dgram *d)
{
	if (d->len == 1 && d->data[0] == 0xFF) {
		d->kind = IK_DGRAM_KEEPALIVE;
	} else if (d->len < sizeof(non_esp_marker)) {
		d->kind = IK_DGRAM_RUNT;
	} else if (!memcmp(d->data, non_esp_marker, sizeof(non_esp_marker))) {
		d->kind = IK_DGRAM_IKE;
		d->len -= sizeof(non_esp_marker);
		memmove(d->data, d->data + sizeof(non_esp_marker), d->len);
	} else {
		d->kind = IK_DGRAM_ESP;
	}
}

/* The outer IPv4 TOS and TTL the kernel gave with the datagram (IP_RECVTOS, IP_RECVTTL), and
 * the largest fragment it was reassembled from (IP_RECVFRAGSIZE, absent: it came whole). */
static void outer_ip(struct msghdr *m, struct ik_dgram *d)
{
	d->tos = d->ttl = -1;
	d->frag = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level != IPPROTO_IP)
			continue;
		if (c->cmsg_type == IP_TOS && c->cmsg_len >= CMSG_LEN(1))
			d->tos = *(const uint8_t *)CMSG_DATA(c);
		else if (c->cmsg_type == IP_TTL && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			int v;
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			d->ttl = v;
		} else if (c->cmsg_type == IP_RECVFRAGSIZE && c->cmsg_len >= CMSG_LEN(sizeof(int)))
			memcpy(&d->frag, CMSG_DATA(c), sizeof(d->frag));
	}
}

bool ik_sock_recv(struct ik_sock *s, struct ik_dgram *d)
{
	union {
		char buf[3 * CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {d->data, sizeof(d->data)};
	struct msghdr m = {&d->peer, sizeof(d->peer), &iov, 1, u.buf, sizeof(u.buf), 0};
	ssize_t n = recvmsg(s->fd, &m, 0);
	if (n < 0)
		return false;
	d->peer_len = m.msg_namelen;
	d->len = (size_t)n;
	outer_ip(&m, d);
	d->local_port = s->port;
	d->kind = IK_DGRAM_IKE;
	if (s->natt)
		classify_natt(d);
	return true;
}

uint64_t ik_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Our source address towards to: the socket's own, or the one the route picks when it is bound
 * to any (a connected scratch socket asks the kernel, nothing is sent). */
static bool source_of(const struct ik_sock *s, const struct sockaddr_in *to, struct in_addr *src)
{
	struct sockaddr_in a;
	socklen_t n = sizeof(a);
	if (getsockname(s->fd, (struct sockaddr *)&a, &n) < 0 || a.sin_family != AF_INET)
		return false;
	if (a.sin_addr.s_addr != htonl(INADDR_ANY)) {
		*src = a.sin_addr;
		return true;
	}
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	n = sizeof(a);
	bool ok = fd >= 0 && connect(fd, (const struct sockaddr *)to, sizeof(*to)) == 0 &&
	          getsockname(fd, (struct sockaddr *)&a, &n) == 0;
	if (fd >= 0)
		close(fd);
	*src = a.sin_addr;
	return ok;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

/* One IPv4 fragment of the UDP datagram u (ulen octets): n octets from offset off (a multiple of
 * 8), More Fragments unless it is the last. The kernel fills in the header checksum (raw(7),
 * IP_HDRINCL). */
static bool send_frag(int fd, const struct sockaddr_in *to, struct in_addr src, uint16_t id,
                      const uint8_t *u, size_t ulen, size_t off, size_t n)
{
	uint8_t b[IK_MAX_DGRAM];
	memset(b, 0, 20);
	b[0] = 0x45, b[8] = 64, b[9] = IPPROTO_UDP;
	put16(b + 2, (unsigned)(20 + n));
	put16(b + 4, id);
	put16(b + 6, (unsigned)(off / 8) | (off + n < ulen ? 0x2000u : 0)); /* MF, DF clear */
	memcpy(b + 12, &src, 4);
	memcpy(b + 16, &to->sin_addr, 4);
	memcpy(b + 20, u + off, n);
	struct sockaddr_in dst = *to;
	dst.sin_port = 0;
	return sendto(fd, b, 20 + n, 0, (const struct sockaddr *)&dst, sizeof(dst)) ==
	       (ssize_t)(20 + n);
}

bool ik_sock_send_fragments(struct ik_sock *s, const struct sockaddr_storage *to, const uint8_t *p,
                            size_t len, size_t frag, struct ik_status *st)
{
	char a[80];
	const struct sockaddr_in *to4 = (const struct sockaddr_in *)to;
	struct in_addr src;
	static uint16_t id;
	if (to->ss_family != AF_INET)
		return ik_fail(st, 0, "IP fragments: IPv4 only, not to %s",
		               ik_addr_str(to, a, sizeof(a)));
	size_t ulen = 8 + len;
	frag &= ~(size_t)7;
	if (frag < 8 || frag >= ulen || ulen > IK_MAX_DGRAM - 20)
		return ik_fail(st, 0, "IP fragments: %zu octets do not cut into pieces of %zu",
		               ulen, frag);
	if (!source_of(s, to4, &src))
		return ik_fail(st, 0, "IP fragments: no source address towards %s: %s",
		               ik_addr_str(to, a, sizeof(a)), strerror(errno));
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return ik_fail(st, 0,
		               "IP fragments are sent on a raw socket, which needs CAP_NET_RAW: %s",
		               strerror(errno));
	/* RFC 768 header, our NAT-T socket's port; checksum 0, as RFC 3948 2.1 lets UDP-ESP go. */
	uint8_t u[IK_MAX_DGRAM];
	put16(u, s->port);
	put16(u + 2, ik_addr_port(to));
	put16(u + 4, (unsigned)ulen);
	put16(u + 6, 0);
	memcpy(u + 8, p, len);
	id = (uint16_t)(id ? id + 1 : (getpid() ^ time(NULL)) | 1);
	bool ok = true;
	for (size_t off = 0; ok && off < ulen; off += frag)
		ok = send_frag(fd, to4, src, id, u, ulen, off,
		               ulen - off < frag ? ulen - off : frag);
	int e = errno;
	close(fd);
	return ok ||
	       ik_fail(st, 0, "IP fragments to %s: %s", ik_addr_str(to, a, sizeof(a)), strerror(e));
}
