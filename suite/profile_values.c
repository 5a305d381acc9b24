/*
 * Values a DUT profile is made of, parsed on their own: addresses, numbers, durations, identities
 * in strongSwan syntax and subnets. suite/profile.c applies them to keys; the engine and other
 * verbs may use them for command-line values too.
 */
#include "profile.h"
#include "util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ik_profile_addr_parse(struct ik_addr *a, const char *v)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, v, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		a->len = sizeof(*in);
		inet_ntop(AF_INET, &in->sin_addr, a->text, sizeof(a->text));
		return true;
	}
	if (inet_pton(AF_INET6, v, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		a->len = sizeof(*in6);
		inet_ntop(AF_INET6, &in6->sin6_addr, a->text, sizeof(a->text));
		return true;
	}
	return false;
}

/* Decimal with no sign, no junk, at most max. */
bool ik_uint_parse(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

/* "28800", "28800s", "480m", "8h", "1d" -> seconds. */
bool ik_duration_parse(const char *s, uint32_t *out)
{
	char num[24];
	size_t n = strspn(s, "0123456789");
	unsigned long v, mult = 1;

	if (!n || n >= sizeof(num))
		return false;
	memcpy(num, s, n);
	num[n] = '\0';
	if (!s[n] || !strcmp(s + n, "s"))
		mult = 1;
	else if (!strcmp(s + n, "m"))
		mult = 60;
	else if (!strcmp(s + n, "h"))
		mult = 3600;
	else if (!strcmp(s + n, "d"))
		mult = 86400;
	else
		return false;
	if (!ik_uint_parse(num, UINT32_MAX, &v) || v > UINT32_MAX / mult)
		return false;
	*out = (uint32_t)(v * mult);
	return true;
}

/*
 * strongSwan identity syntax (swanctl.conf "id"): an IP address, "@fqdn", "@#hex" (key id),
 * "user@fqdn", a DN ("C=CH, O=Lab, CN=dut") or a typed "fqdn:", "userfqdn:"/"email:",
 * "keyid:#hex", "asn1dn:" prefix. Bare names without '@' or '=' are FQDNs, as in strongSwan.
 */
bool ik_ident_parse(struct ik_ident *id, const char *v, const char **why)
{
	struct ik_addr a;
	const char *val = v;

	memset(id, 0, sizeof(*id));
	if (strlen(v) >= sizeof(id->text))
		return *why = "identity longer than 255 characters", false;
	snprintf(id->text, sizeof(id->text), "%s", v);
	if (!strncmp(v, "fqdn:", 5) || !strncmp(v, "dns:", 4)) {
		val = strchr(v, ':') + 1;
		id->type = IK_ID_FQDN;
	} else if (!strncmp(v, "userfqdn:", 9) || !strncmp(v, "email:", 6) ||
	           !strncmp(v, "rfc822:", 7)) {
		val = strchr(v, ':') + 1;
		id->type = IK_ID_USER_FQDN;
	} else if (!strncmp(v, "asn1dn:", 7)) {
		val = v + 7;
		id->type = IK_ID_DER_ASN1_DN;
	} else if (!strncmp(v, "keyid:#", 7) || !strncmp(v, "@#", 2)) {
		val = strchr(v, '#') + 1;
		id->type = IK_ID_KEY_ID;
	} else if (ik_profile_addr_parse(&a, v)) {
		id->type = a.ss.ss_family == AF_INET ? IK_ID_IPV4_ADDR : IK_ID_IPV6_ADDR;
		size_t n = id->type == IK_ID_IPV4_ADDR ? 4 : 16;
		const void *src =
			id->type == IK_ID_IPV4_ADDR
				? (const void *)&((struct sockaddr_in *)&a.ss)->sin_addr
				: (const void *)&((struct sockaddr_in6 *)&a.ss)->sin6_addr;
		memcpy(id->bin, src, n);
		id->bin_len = n;
		val = a.text;
	} else if (v[0] == '@') {
		val = v + 1;
		id->type = IK_ID_FQDN;
	} else if (strchr(v, '=')) {
		id->type = IK_ID_DER_ASN1_DN;
	} else if (strchr(v, '@')) {
		id->type = IK_ID_USER_FQDN;
	} else {
		id->type = IK_ID_FQDN;
	}
	if (!*val)
		return *why = "identity has an empty value", false;
	snprintf(id->value, sizeof(id->value), "%s", val);
	if (id->type == IK_ID_KEY_ID) {
		size_t n = strlen(val);
		if (n % 2 || n / 2 > sizeof(id->bin))
			return *why = "key id needs an even number of hex digits (at most 256)",
			       false;
		if (!ik_hex_decode(val, n / 2, id->bin))
			return *why = "key id is not hex", false;
		id->bin_len = n / 2;
	}
	return true;
}

bool ik_ident_same(const struct ik_ident *a, const struct ik_ident *b)
{
	if (a->type != b->type)
		return false;
	if (a->type == IK_ID_IPV4_ADDR || a->type == IK_ID_IPV6_ADDR || a->type == IK_ID_KEY_ID)
		return a->bin_len == b->bin_len && !memcmp(a->bin, b->bin, a->bin_len);
	/* RFC 4343: DNS names compare without regard to case. */
	if (a->type == IK_ID_FQDN)
		return !strcasecmp(a->value, b->value);
	return !strcmp(a->value, b->value);
}

/* "10.2.0.0/24" or "2001:db8::/64"; a bare address is a host (/32, /128). */
bool ik_subnet_parse(struct ik_subnet *s, const char *v)
{
	char addr[64];
	const char *slash = strchr(v, '/');
	size_t n = slash ? (size_t)(slash - v) : strlen(v);
	unsigned long prefix;

	memset(s, 0, sizeof(*s));
	if (n >= sizeof(addr))
		return false;
	memcpy(addr, v, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, s->addr) == 1)
		s->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, s->addr) == 1)
		s->family = AF_INET6;
	else
		return false;
	unsigned max = s->family == AF_INET ? 32 : 128;
	if (!slash)
		prefix = max;
	else if (!ik_uint_parse(slash + 1, max, &prefix))
		return false;
	s->prefix = (uint8_t)prefix;
	/* Host bits set ("10.2.0.1/24") is a typo more often than not: refuse it. */
	for (unsigned bit = s->prefix; bit < max; bit++)
		if (s->addr[bit / 8] & (0x80 >> (bit % 8)))
			return false;
	return true;
}

bool ik_subnet_format(const struct ik_subnet *s, char *out, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(s->family, s->addr, a, sizeof(a)))
		return false;
	int n = snprintf(out, len, "%s/%u", a, s->prefix);
	return n >= 0 && (size_t)n < len;
}

struct in_addr ik_profile_first_host(const struct ik_endpoint *ep)
{
	struct in_addr a = {0};
	if (ep->n_subnets && ep->subnet[0].family == AF_INET) {
		memcpy(&a, ep->subnet[0].addr, 4);
		a.s_addr = htonl(ntohl(a.s_addr) + 1);
	}
	return a;
}
