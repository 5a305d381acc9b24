/*
 * ikecheck decode: print the payload tree of ISAKMP messages from a hex string, a file of hex
 * messages (one per line), or a capture file. Exit 0 all decoded, 1 some message malformed,
 * 2 unreadable input or bad options. Every failure is one line on stderr (docs/decode.md).
 */
#include "cli.h"
#include "cli_opts.h"
#include "codec.h"
#include "consts.h"
#include "frag.h"
#include "msg.h"
#include "net.h"
#include "pcapio.h"
#include "trace.h"

#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct opts {
	unsigned dump_flags;
	int check; /* --roundtrip: also require encode(decode(x)) == x */
	int quiet; /* -q: no tree, only failures */
	size_t bad, good;
	struct ik_trace *trace;      /* --keys: decrypt what the key file opens */
	struct ik_frag_table *frags; /* --pcap: IKEv1 fragments put together (frag.h) */
	uint16_t port;               /* --port N: IKE on that UDP port too */
};

/* What the command line says, before any input is read. */
struct args {
	bool full, roundtrip;
	const char *hex, *raw, *pcap, *keys;
	unsigned port;
};

static bool set_port(void *dst, const char *val, char *why, size_t n)
{
	return ik_opt_uint(dst, val, 1, 65535, why, n);
}

static const struct ik_opt opts[] = {
	IK_STR("hex", 0, "HEX", struct args, hex,
               "one message in hex (spaces, ':' and a 0x prefix are ignored)"),
	IK_STR("raw", 0, "FILE", struct args, raw,
               "hex messages, one per line; '#' starts a comment ('-': stdin;\n"
               "a lone '-' operand is the same as --raw -)"),
	IK_STR("pcap", 0, "FILE", struct args, pcap,
               "UDP 500 and 4500 (non-ESP marker) in a capture file"),
	IK_SET("port", 0, "N", struct args, port, set_port,
               "with --pcap: UDP port N is IKE too (a profile on a high port)"),
	IK_FLAG("full", 0, struct args, full, "print long octet strings in full"),
	IK_FLAG("roundtrip", 0, struct args, roundtrip,
                "re-encode each message and require the same octets"),
	IK_STR("keys", 0, "FILE", struct args, keys,
               "decrypt with Wireshark ikev1_decryption_table lines (connect --keys)"),
	IK_OPT_END,
};

static const struct ik_cmd_spec spec = {
	.verb = "decode",
	.synopsis = "[options] (--hex HEX | --raw FILE | --pcap FILE [--port N] | -)",
	.opts = opts,
	.max_pos = 1,
	.quiet = "print only failures",
};

/* Hex to octets; false on an odd count or a non-hex character. */
static bool unhex(const char *s, uint8_t **out, size_t *len)
{
	size_t cap = strlen(s) / 2 + 1, n = 0;
	uint8_t *b = malloc(cap);
	int hi = -1;

	if (!b)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++) {
		int v;
		if (isspace((unsigned char)*s) || *s == ':')
			continue;
		if (!isxdigit((unsigned char)*s)) {
			free(b);
			return false;
		}
		v = isdigit((unsigned char)*s) ? *s - '0' : (tolower((unsigned char)*s) - 'a' + 10);
		if (hi < 0) {
			hi = v;
		} else {
			b[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0) {
		free(b);
		return false;
	}
	*out = b;
	*len = n;
	return true;
}

/* Decode, print, optionally re-encode; counts good and bad messages. */
static void one(struct opts *o, const char *where, const uint8_t *p, size_t len)
{
	struct ik_msg m;
	struct ik_status st;
	char buf[IK_NAME_MAX];

	if (!ik_decode(&m, p, len, &st)) {
		fprintf(stderr, "decode: %s: %s -> %s\n", where, st.why,
		        ik_fmt(buf, IK_T_NOTIFY, st.notify));
		o->bad++;
		return;
	}
	uint8_t *plain = NULL;
	if (o->trace) {
		bool opened = ik_trace_feed(o->trace, &m, &plain, &st);
		if (!o->quiet && opened)
			printf("  (decrypted with the key file)\n");
		else if (!o->quiet && m.body && st.why[0])
			printf("  (not decrypted: %s)\n", st.why);
	}
	if (!o->quiet) {
		ik_dump(stdout, &m, o->dump_flags);
		ik_dump_findings(stdout, &m);
	}
	free(plain);
	if (o->check) {
		struct ik_wr w;
		ik_wr_init(&w);
		if (!ik_encode(&m, &w, &st) || w.len != len || memcmp(w.p, p, len)) {
			fprintf(stderr, "decode: %s: re-encoding gives different octets\n", where);
			o->bad++;
			ik_wr_free(&w);
			ik_msg_free(&m);
			return;
		}
		if (!o->quiet)
			printf("  roundtrip: ok (%zu octets)\n", len);
		ik_wr_free(&w);
	}
	o->good++;
	ik_msg_free(&m);
}

static int from_raw(struct opts *o, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL, where[64];
	size_t cap = 0, lineno = 0, msgs = 0;

	if (!f) {
		fprintf(stderr, "decode: cannot read %s: %s\n", path, strerror(errno));
		return IK_EXIT_USAGE;
	}
	while (getline(&line, &cap, f) >= 0) {
		uint8_t *b;
		size_t n;
		lineno++;
		line[strcspn(line, "#")] = 0;
		if (!line[strspn(line, " \t\r\n")])
			continue;
		if (!unhex(line, &b, &n)) {
			fprintf(stderr, "decode: %s line %zu: not hex\n", path, lineno);
			o->bad++;
			continue;
		}
		snprintf(where, sizeof(where), "line %zu", lineno);
		if (msgs++ && !o->quiet)
			putchar('\n');
		if (!o->quiet)
			printf("# %s\n", where);
		one(o, where, b, n);
		free(b);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return IK_EXIT_OK;
}

/* An IKEv1 fragment (FRAG payload, engine/exchanges/frag.h) of packet k: into the table; the
 * message of a complete set is decoded (and decrypted with --keys) as if it had come whole. */
static void fragment(struct opts *o, const struct ik_pkt *k, const char *path)
{
	static uint8_t whole[IK_MAX_DGRAM];
	struct ik_msg m;
	struct ik_status st;
	struct sockaddr_storage peer;
	socklen_t plen;
	char why[200], where[PATH_MAX + 96];
	size_t len = 0;

	if (k->len <= IK_HDR_LEN || k->isakmp[16] != IK_PAYLOAD_FRAG ||
	    !ik_addr_parse(k->src, k->sport, &peer, &plen, &st) ||
	    !ik_decode(&m, k->isakmp, k->len, &st))
		return;
	const struct ik_node *fr = m.hdr->nkids ? m.hdr->kids[0] : NULL;
	const struct ik_val *data = fr ? ik_fget(fr, IK_F_FRAG_DATA) : NULL;
	if (data && (o->frags || (o->frags = calloc(1, sizeof(*o->frags))))) {
		if (!o->frags->lim.max_num)
			ik_frag_table_init(o->frags);
		struct ik_frag_in f = {.peer = &peer,
		                       .cookies = k->isakmp,
		                       .id = (uint16_t)ik_fnum(fr, IK_F_FRAG_FRAG_ID),
		                       .num = (uint8_t)ik_fnum(fr, IK_F_FRAG_FRAG_NUM),
		                       .last = ik_fnum(fr, IK_F_FRAG_FLAGS) & IK_FRAG_LAST,
		                       .data = data->bytes,
		                       .len = data->len};
		uint64_t now = (uint64_t)k->ts.tv_sec * 1000 + (uint64_t)k->ts.tv_usec / 1000;
		enum ik_frag_res r = ik_frag_add(o->frags, &f, now, whole, sizeof(whole), &len, why,
		                                 sizeof(why));
		if (!o->quiet)
			printf("  fragment: %s\n", why);
		if (r == IK_FRAG_DONE) {
			snprintf(where, sizeof(where), "%s: message reassembled at frame %zu", path,
			         k->num);
			if (!o->quiet)
				printf("\n#%zu reassembled (%zu octets)\n", k->num, len);
			one(o, where, whole, len);
		}
	}
	ik_msg_free(&m);
}

static int from_pcap(struct opts *o, const char *path)
{
	struct ik_status st;
	struct ik_pcap *pc = ik_pcap_open(path, &st);
	if (pc && o->port)
		ik_pcap_ike_port(pc, o->port);
	struct ik_pkt k;
	char where[PATH_MAX + 96], tbuf[32];
	int rc;

	if (!pc) {
		fprintf(stderr, "decode: %s\n", st.why);
		return IK_EXIT_USAGE;
	}
	while ((rc = ik_pcap_next(pc, &k, &st)) == 1) {
		struct tm tm;
		time_t t = k.ts.tv_sec;
		gmtime_r(&t, &tm);
		strftime(tbuf, sizeof(tbuf), "%Y-%m-%d %H:%M:%S", &tm);
		if (!o->quiet)
			printf("%s#%zu %s.%06ld %s%s%s:%u -> %s%s%s:%u%s (%zu octets)\n",
			       o->good + o->bad ? "\n" : "", k.num, tbuf, (long)k.ts.tv_usec,
			       k.family == AF_INET6 ? "[" : "", k.src,
			       k.family == AF_INET6 ? "]" : "", k.sport,
			       k.family == AF_INET6 ? "[" : "", k.dst,
			       k.family == AF_INET6 ? "]" : "", k.dport,
			       k.marker ? " non-ESP marker" : "", k.len);
		snprintf(where, sizeof(where), "%s frame %zu%s", path, k.num,
		         k.truncated ? " (cut short by the capture's snap length)" : "");
		one(o, where, k.isakmp, k.len);
		fragment(o, &k, path);
	}
	if (!o->good && !o->bad)
		fprintf(stderr,
		        "decode: %s: no ISAKMP messages (UDP 500, or 4500 with the non-ESP "
		        "marker)\n",
		        path);
	ik_pcap_close(pc);
	if (o->frags) {
		if (ik_frag_pending(o->frags))
			fprintf(stderr, "decode: %s: %u incomplete set(s) of IKE fragments\n", path,
			        ik_frag_pending(o->frags));
		ik_frag_table_free(o->frags);
		free(o->frags);
		o->frags = NULL;
	}
	if (rc < 0) {
		fprintf(stderr, "decode: %s\n", st.why);
		return IK_EXIT_USAGE;
	}
	return IK_EXIT_OK;
}

/* The one input of the command line, or the usage error. */
static int input(struct args *a, const struct ik_cli *c)
{
	if (c->npos && strcmp(c->pos[0], "-")) {
		fprintf(stderr, "decode: unexpected argument '%s'\n", c->pos[0]);
		ik_cli_usage(stderr, &spec);
		return IK_EXIT_USAGE;
	}
	if (c->npos)
		a->raw = "-";
	if (!!a->hex + !!a->raw + !!a->pcap != 1) {
		fprintf(stderr, "decode: give exactly one of --hex, --raw, --pcap or -\n");
		ik_cli_usage(stderr, &spec);
		return IK_EXIT_USAGE;
	}
	return -1;
}

int cmd_decode(int argc, char **argv)
{
	struct opts o = {0};
	struct args a = {0};
	struct ik_cli c;
	struct ik_trace trace = {0};
	struct ik_status st;
	int rc = ik_cli_parse(&spec, argc, argv, &a, &c);

	if (rc >= 0 || (rc = input(&a, &c)) >= 0)
		return rc;
	rc = IK_EXIT_OK;
	o.quiet = c.quiet;
	o.check = a.roundtrip;
	o.port = (uint16_t)a.port;
	o.dump_flags = a.full ? IK_DUMP_FULL_HEX : 0;
	if (a.keys) {
		if (!ik_trace_load_keys(&trace, a.keys, &st)) {
			fprintf(stderr, "decode: %s\n", st.why);
			return IK_EXIT_USAGE;
		}
		o.trace = &trace;
	}
	if (a.hex) {
		uint8_t *b;
		size_t n;
		if (!unhex(a.hex, &b, &n)) {
			fprintf(stderr, "decode: --hex: not an even number of hex digits\n");
			return IK_EXIT_USAGE;
		}
		one(&o, "message", b, n);
		free(b);
	} else if (a.raw) {
		rc = from_raw(&o, a.raw);
	} else {
		rc = from_pcap(&o, a.pcap);
	}
	ik_trace_free(&trace);
	if (rc != IK_EXIT_OK)
		return rc;
	return o.bad ? IK_EXIT_FAIL : IK_EXIT_OK;
}
