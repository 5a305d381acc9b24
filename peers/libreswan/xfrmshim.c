/*
 * xfrmshim: an LD_PRELOAD library that lets Libreswan's pluto finish quick mode on a kernel
 * without ESP (LAB-NOTES: XFRM exists, `ip xfrm state add ... proto esp` fails with "Requested
 * type not found", so pluto's XFRM_MSG_NEWSA gets errno 93 and pluto sends no quick mode reply).
 *
 * pluto talks to the kernel over a NETLINK_XFRM socket: write()/send*() one request with
 * NLM_F_ACK, then recvfrom() its answer. The shim remembers which descriptors are NETLINK_XFRM
 * sockets and, for the SA and policy requests below, does not pass them to the kernel: it
 * queues the answer the kernel would give on success, and hands it out on the next receive.
 * Everything else (other sockets, other XFRM messages) goes to the kernel unchanged.
 *
 *   XFRM_MSG_NEWSA UPDSA DELSA NEWPOLICY UPDPOLICY DELPOLICY FLUSHSA FLUSHPOLICY
 *                        -> NLMSG_ERROR with error 0 (the netlink ack, RFC 3549 2.3.2.2)
 *   XFRM_MSG_ALLOCSPI    -> XFRM_MSG_NEWSA carrying an SPI from the requested range
 *   XFRM_MSG_GETSA       -> XFRM_MSG_NEWSA: the SA, with zero lifetime counters
 *   XFRM_MSG_GETPOLICY   -> NLMSG_ERROR -ENOENT (nothing was installed)
 *
 * There is then no data path: IKE and quick mode complete, no packet is ever protected. Use it
 * only where the kernel lacks ESP (peers/libreswan/peer detects that). Each answered request is
 * logged ("xfrmshim: ...") to the file named by $XFRMSHIM_LOG (pluto points its own stderr at
 * /dev/null once it logs to a file), so the run's evidence shows what was faked.
 *
 * Build: cc -shared -fPIC -D_GNU_SOURCE -Wall -Wextra -Werror -o xfrmshim.so xfrmshim.c -ldl
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define SHIM_MAX_FDS 16   /* pluto opens two XFRM sockets */
#define SHIM_QUEUE   8    /* answers waiting per socket (one request at a time in pluto) */
#define SHIM_MSG_MAX 1024 /* one answer: header + xfrm_usersa_info fits easily */

struct shim_msg {
	size_t len;
	unsigned char data[SHIM_MSG_MAX];
};

struct shim_fd {
	int fd;          /* -1: free slot */
	uint32_t portid; /* the socket's netlink port id: the kernel puts it in every answer */
	unsigned head, count;
	struct shim_msg q[SHIM_QUEUE];
};

static struct shim_fd shim_fds[SHIM_MAX_FDS];
static int shim_ready;
static uint32_t shim_spi_next;

static void shim_init(void)
{
	if (shim_ready)
		return;
	for (int i = 0; i < SHIM_MAX_FDS; i++)
		shim_fds[i].fd = -1;
	shim_spi_next = (uint32_t)getpid() << 8;
	shim_ready = 1;
}

static struct shim_fd *shim_find(int fd)
{
	shim_init();
	for (int i = 0; i < SHIM_MAX_FDS; i++)
		if (shim_fds[i].fd == fd)
			return &shim_fds[i];
	return NULL;
}

/* The real libc function NAME, looked up once. */
#define REAL(name)                            \
	static __typeof__(name) *real_##name; \
	if (!real_##name)                     \
	real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

/* One line to $XFRMSHIM_LOG, opened per line: pluto may close descriptors it did not open. */
__attribute__((format(printf, 1, 2))) static void shim_log(const char *fmt, ...)
{
	const char *path = getenv("XFRMSHIM_LOG");
	if (!path)
		return;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vdprintf(fd, fmt, ap);
	va_end(ap);
	REAL(close);
	real_close(fd);
}

static const char *shim_type_name(unsigned t)
{
	switch (t) {
	case XFRM_MSG_NEWSA: return "NEWSA";
	case XFRM_MSG_UPDSA: return "UPDSA";
	case XFRM_MSG_DELSA: return "DELSA";
	case XFRM_MSG_GETSA: return "GETSA";
	case XFRM_MSG_NEWPOLICY: return "NEWPOLICY";
	case XFRM_MSG_UPDPOLICY: return "UPDPOLICY";
	case XFRM_MSG_DELPOLICY: return "DELPOLICY";
	case XFRM_MSG_GETPOLICY: return "GETPOLICY";
	case XFRM_MSG_ALLOCSPI: return "ALLOCSPI";
	case XFRM_MSG_FLUSHSA: return "FLUSHSA";
	case XFRM_MSG_FLUSHPOLICY: return "FLUSHPOLICY";
	default: return NULL;
	}
}

static struct shim_msg *shim_push(struct shim_fd *s)
{
	if (s->count == SHIM_QUEUE)
		return NULL;
	struct shim_msg *m = &s->q[(s->head + s->count) % SHIM_QUEUE];
	s->count++;
	memset(m, 0, sizeof(*m));
	return m;
}

/* The netlink ack: NLMSG_ERROR carrying an errno (0 = success) and the request's header. */
static void shim_ack(struct shim_fd *s, const struct nlmsghdr *req, int err)
{
	struct shim_msg *m = shim_push(s);
	if (!m)
		return;
	struct nlmsghdr h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct nlmsgerr)),
	                     .nlmsg_type = NLMSG_ERROR,
	                     .nlmsg_seq = req->nlmsg_seq,
	                     .nlmsg_pid = s->portid};
	struct nlmsgerr e = {.error = err, .msg = *req};
	memcpy(m->data, &h, sizeof(h));
	memcpy(m->data + NLMSG_HDRLEN, &e, sizeof(e));
	m->len = h.nlmsg_len;
}

/* An XFRM_MSG_NEWSA answer carrying INFO (ALLOCSPI and GETSA are answered this way). */
static void shim_newsa(struct shim_fd *s, const struct nlmsghdr *req,
                       const struct xfrm_usersa_info *info)
{
	struct shim_msg *m = shim_push(s);
	if (!m)
		return;
	struct nlmsghdr h = {.nlmsg_len = NLMSG_LENGTH(sizeof(*info)),
	                     .nlmsg_type = XFRM_MSG_NEWSA,
	                     .nlmsg_seq = req->nlmsg_seq,
	                     .nlmsg_pid = s->portid};
	memcpy(m->data, &h, sizeof(h));
	memcpy(m->data + NLMSG_HDRLEN, info, sizeof(*info));
	m->len = h.nlmsg_len;
}

/* Answer one request; returns 0 when it is not ours (the caller passes it to the kernel). */
static int shim_answer(struct shim_fd *s, const struct nlmsghdr *n)
{
	const char *name = shim_type_name(n->nlmsg_type);
	const void *body = NLMSG_DATA(n);
	size_t blen = n->nlmsg_len - NLMSG_HDRLEN;
	struct xfrm_usersa_info info;

	if (!name)
		return 0;
	switch (n->nlmsg_type) {
	case XFRM_MSG_ALLOCSPI: {
		struct xfrm_userspi_info sp;
		if (blen < sizeof(sp))
			return 0;
		memcpy(&sp, body, sizeof(sp));
		uint32_t range = sp.max - sp.min + 1;
		uint32_t spi = sp.min + (range ? shim_spi_next++ % range : 0);
		info = sp.info;
		info.id.spi = htonl(spi);
		shim_newsa(s, n, &info);
		shim_log("xfrmshim: %s seq %u -> SPI 0x%08x\n", name, n->nlmsg_seq, spi);
		return 1;
	}
	case XFRM_MSG_GETSA: {
		struct xfrm_usersa_id id;
		if (blen < sizeof(id))
			return 0;
		memcpy(&id, body, sizeof(id));
		memset(&info, 0, sizeof(info));
		info.id.daddr = id.daddr;
		info.id.spi = id.spi;
		info.id.proto = id.proto;
		info.family = id.family;
		shim_newsa(s, n, &info);
		break;
	}
	case XFRM_MSG_GETPOLICY: shim_ack(s, n, -ENOENT); break;
	default: shim_ack(s, n, 0); break;
	}
	shim_log("xfrmshim: %s seq %u -> answered\n", name, n->nlmsg_seq);
	return 1;
}

/*
 * A send on a tracked socket: answer every message of the buffer when all are ours; otherwise
 * (-1) the caller sends the buffer to the kernel untouched.
 */
static ssize_t shim_send(int fd, const void *buf, size_t len)
{
	struct shim_fd *s = shim_find(fd);
	if (!s || len < NLMSG_HDRLEN)
		return -1;
	const struct nlmsghdr *n = buf;
	size_t left = len;
	/* Only a buffer made of messages we answer; pluto sends one request per write. */
	for (; NLMSG_OK(n, left); n = NLMSG_NEXT(n, left))
		if (!shim_type_name(n->nlmsg_type))
			return -1;
	/* The port id the kernel would have answered to (iproute2 checks it; 0 if unbound). */
	struct sockaddr_nl me = {0};
	socklen_t melen = sizeof(me);
	s->portid = getsockname(fd, (struct sockaddr *)&me, &melen) == 0 ? me.nl_pid : 0;
	n = buf;
	left = len;
	for (; NLMSG_OK(n, left); n = NLMSG_NEXT(n, left))
		shim_answer(s, n);
	return (ssize_t)len;
}

/*
 * A receive on a tracked socket with answers waiting: one answer per call, like a datagram.
 * MSG_PEEK leaves it queued and MSG_TRUNC returns its full length (iproute2 asks that way for
 * the size first); a short buffer gets MSG_TRUNC in *mflags, as recvmsg(2) says.
 */
static ssize_t shim_recv(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                         socklen_t *flen, int *mflags)
{
	struct shim_fd *s = shim_find(fd);
	if (!s || s->count == 0)
		return -1;
	struct shim_msg *m = &s->q[s->head];
	size_t n = m->len < len ? m->len : len;
	if (buf && n)
		memcpy(buf, m->data, n);
	if (mflags)
		*mflags = m->len > len ? MSG_TRUNC : 0;
	ssize_t ret = (ssize_t)((flags & MSG_TRUNC) ? m->len : n);
	if (!(flags & MSG_PEEK)) {
		s->head = (s->head + 1) % SHIM_QUEUE;
		s->count--;
	}
	if (from && flen) {
		struct sockaddr_nl k = {.nl_family = AF_NETLINK}; /* from the kernel: pid 0 */
		socklen_t l = *flen < sizeof(k) ? *flen : (socklen_t)sizeof(k);
		memcpy(from, &k, l);
		*flen = sizeof(k);
	}
	return ret;
}

int socket(int domain, int type, int protocol)
{
	REAL(socket);
	int fd = real_socket(domain, type, protocol);
	if (fd >= 0 && domain == AF_NETLINK && protocol == NETLINK_XFRM) {
		struct shim_fd *s = shim_find(-1);
		if (s) {
			s->fd = fd;
			s->head = s->count = 0;
		}
	}
	return fd;
}

int close(int fd)
{
	REAL(close);
	struct shim_fd *s = shim_find(fd);
	if (s && fd >= 0)
		s->fd = -1;
	return real_close(fd);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	REAL(write);
	ssize_t r = shim_send(fd, buf, len);
	return r >= 0 ? r : real_write(fd, buf, len);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	REAL(send);
	ssize_t r = shim_send(fd, buf, len);
	return r >= 0 ? r : real_send(fd, buf, len, flags);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
               socklen_t tolen)
{
	REAL(sendto);
	ssize_t r = shim_send(fd, buf, len);
	return r >= 0 ? r : real_sendto(fd, buf, len, flags, to, tolen);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	REAL(sendmsg);
	/* Netlink requests come in one iovec; anything else goes to the kernel as it is. */
	if (msg && msg->msg_iovlen == 1) {
		ssize_t r = shim_send(fd, msg->msg_iov[0].iov_base, msg->msg_iov[0].iov_len);
		if (r >= 0)
			return r;
	}
	return real_sendmsg(fd, msg, flags);
}

ssize_t read(int fd, void *buf, size_t len)
{
	REAL(read);
	ssize_t r = shim_recv(fd, buf, len, 0, NULL, NULL, NULL);
	return r >= 0 ? r : real_read(fd, buf, len);
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	REAL(recv);
	ssize_t r = shim_recv(fd, buf, len, flags, NULL, NULL, NULL);
	return r >= 0 ? r : real_recv(fd, buf, len, flags);
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *flen)
{
	REAL(recvfrom);
	ssize_t r = shim_recv(fd, buf, len, flags, from, flen, NULL);
	return r >= 0 ? r : real_recvfrom(fd, buf, len, flags, from, flen);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	REAL(recvmsg);
	if (msg && msg->msg_iovlen >= 1) {
		socklen_t nl = msg->msg_namelen;
		int mflags = 0;
		ssize_t r = shim_recv(fd, msg->msg_iov[0].iov_base, msg->msg_iov[0].iov_len, flags,
		                      msg->msg_name, msg->msg_name ? &nl : NULL, &mflags);
		if (r >= 0) {
			msg->msg_namelen = msg->msg_name ? nl : 0;
			msg->msg_controllen = 0;
			msg->msg_flags = mflags;
			return r;
		}
	}
	return real_recvmsg(fd, msg, flags);
}
