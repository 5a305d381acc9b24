/*
 * Malformed messages, table-driven: each row patches a real main mode message (ike-scan,
 * vectors/pcap/mm-aes-sha2.pcap) and names the notify the decoder must answer with and words
 * its reason must contain. Rows with notify 0 must decode, with a finding naming the field.
 */
#include "cunit.h"
#include "codec.h"

#include <stdlib.h>
#include <string.h>

/* 180 octets: HDR 0, SA 28, P 40, T0 48, T1 76 (TLV LIFE_DURATION at 108), T2 116, VID 140, 160 */
static const char good_hex[] =
	"350e17d1cc217f6900000000000000000110020000000000000000b40d000070000000010000000100000064"
	"010100030300001c0101000080010007800e010080020004800300018004000e030000280201000080010007"
	"800e0080800200028003000180040002800b0001000c0004000070800000001803010000800100058002000180"
	"030001800400020d0000144a131c81070358455c5728f20e95452f00000014afcad71368a1f1c96b8696fc7757"
	"0100";

static uint8_t good[256];
static size_t good_len;

static void load(void)
{
	good_len = strlen(good_hex) / 2;
	for (size_t i = 0; i < good_len; i++) {
		unsigned v;
		sscanf(good_hex + 2 * i, "%2x", &v);
		good[i] = (uint8_t)v;
	}
}

struct patch {
	int off; /* -1: none */
	int len; /* octets of val written big endian */
	uint32_t val;
};

static const struct row {
	const char *name;
	struct patch p[2];
	int truncate_to; /* 0: keep; >0: cut the message to this many octets */
	int append;      /* octets of zeros appended (header length follows) */
	uint16_t notify; /* 0: must decode */
	const char *why; /* substring of the reason, or of a finding */
} rows[] = {
	{"truncated header", {{-1, 0, 0}}, 20, 0, IK_NOTIFY_PAYLOAD_MALFORMED, "truncated header"},
	{"header length too long",
         {{24, 4, 181}},
         0,
         0,
         IK_NOTIFY_UNEQUAL_PAYLOAD_LENGTHS,
         "HDR.length = 181"},
	{"header length too short",
         {{24, 4, 179}},
         0,
         0,
         IK_NOTIFY_UNEQUAL_PAYLOAD_LENGTHS,
         "HDR.length = 179"},
	{"bad next payload in header",
         {{16, 1, 99}},
         0,
         0,
         IK_NOTIFY_INVALID_PAYLOAD_TYPE,
         "HDR.np = 99"},
	{"proposal outside an SA",
         {{16, 1, 2}},
         0,
         0,
         IK_NOTIFY_INVALID_PAYLOAD_TYPE,
         "HDR.np = 2"},
	{"bad next payload after SA",
         {{28, 1, 50}},
         0,
         0,
         IK_NOTIFY_INVALID_PAYLOAD_TYPE,
         "SA.np = 50"},
	{"zero-length payload",
         {{162, 2, 0}},
         0,
         0,
         IK_NOTIFY_PAYLOAD_MALFORMED,
         "VID[1].length = 0"},
	{"payload length 3", {{162, 2, 3}}, 0, 0, IK_NOTIFY_PAYLOAD_MALFORMED, "VID[1].length = 3"},
	{"payload length beyond the end",
         {{162, 2, 21}},
         0,
         0,
         IK_NOTIFY_PAYLOAD_MALFORMED,
         "runs past"},
	{"SA length beyond the end",
         {{30, 2, 0x200}},
         0,
         0,
         IK_NOTIFY_PAYLOAD_MALFORMED,
         "SA[0].length = 512"},
	{"overlong attribute",
         {{110, 2, 16}},
         0,
         0,
         IK_NOTIFY_PAYLOAD_MALFORMED,
         "SA[0].P[0].T[1].A[6]: attribute length 16"},
	{"attribute cut in half",
         {{78, 2, 38}, {42, 2, 98}},
         0,
         0,
         IK_NOTIFY_PAYLOAD_MALFORMED,
         "attribute"},
	{"more transforms claimed",
         {{47, 1, 4}},
         0,
         0,
         IK_NOTIFY_BAD_PROPOSAL_SYNTAX,
         "transforms = 4 but 3"},
	{"fewer transforms claimed",
         {{47, 1, 2}},
         0,
         0,
         IK_NOTIFY_BAD_PROPOSAL_SYNTAX,
         "transforms = 2 but 3"},
	{"transform chained as proposal",
         {{48, 1, 2}},
         0,
         0,
         IK_NOTIFY_BAD_PROPOSAL_SYNTAX,
         "T[0].np = 2"},
	{"last transform says more follow",
         {{116, 1, 3}},
         0,
         0,
         IK_NOTIFY_BAD_PROPOSAL_SYNTAX,
         "nothing follows"},
	{"proposal shorter than its transforms",
         {{42, 2, 99}},
         0,
         0,
         IK_NOTIFY_PAYLOAD_MALFORMED,
         "runs past"},
	{"chain promises a payload the message lacks",
         {{160, 1, 13}},
         0,
         0,
         IK_NOTIFY_PAYLOAD_MALFORMED,
         "message ends"},
	{"octets after the last payload",
         {{-1, 0, 0}},
         0,
         4,
         IK_NOTIFY_UNEQUAL_PAYLOAD_LENGTHS,
         "4 octets after the last payload"},
	{"major version 2",
         {{17, 1, 0x20}},
         0,
         0,
         IK_NOTIFY_INVALID_MAJOR_VERSION,
         "major version 2"},
	{"exchange type NONE", {{18, 1, 0}}, 0, 0, IK_NOTIFY_INVALID_EXCHANGE_TYPE, "HDR.exch = 0"},
	{"reserved exchange type",
         {{18, 1, 20}},
         0,
         0,
         IK_NOTIFY_INVALID_EXCHANGE_TYPE,
         "HDR.exch = 20"},
	{"undefined flag", {{19, 1, 0x08}}, 0, 0, IK_NOTIFY_INVALID_FLAGS, "HDR.flags = 0x08"},
	{"secrecy situation", {{39, 1, 3}}, 0, 0, IK_NOTIFY_SITUATION_NOT_SUPPORTED, "situation"},
	/* decoded, but reported */
	{"SA reserved non-zero", {{29, 1, 1}}, 0, 0, 0, "SA[0].reserved = 0x01"},
	{"transform RESERVED2 non-zero",
         {{54, 2, 0x0100}},
         0,
         0,
         0,
         "SA[0].P[0].T[0].reserved2 = 0x100: RFC2408 3.6"},
	{"VID reserved non-zero", {{161, 1, 0xff}}, 0, 0, 0, "VID[1].reserved = 0xff"},
	{"minor version 1", {{17, 1, 0x11}}, 0, 0, 0, "minor version 1"},
	{"private exchange type", {{18, 1, 250}}, 0, 0, 0, "private-use exchange"},
};

static void apply(const struct row *r, uint8_t *buf, size_t *len)
{
	memcpy(buf, good, good_len);
	*len = good_len;
	for (int i = 0; i < 2; i++) {
		const struct patch *p = &r->p[i];
		if (p->len == 0 || p->off < 0)
			continue;
		for (int k = 0; k < p->len; k++)
			buf[p->off + k] = (uint8_t)(p->val >> (8 * (p->len - 1 - k)));
	}
	if (r->append) {
		memset(buf + *len, 0, (size_t)r->append);
		*len += (size_t)r->append;
		buf[26] = (uint8_t)(*len >> 8);
		buf[27] = (uint8_t)*len;
	}
	if (r->truncate_to)
		*len = (size_t)r->truncate_to;
}

static void test_table(void)
{
	uint8_t buf[512];
	size_t len;
	struct ik_msg m;
	struct ik_status st;

	load();
	CU_ASSERT_FATAL(ik_decode(&m, good, good_len, &st)); /* the base is good */
	CU_ASSERT_EQUAL(m.nfindings, 0);
	ik_msg_free(&m);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		apply(r, buf, &len);
		bool ok = ik_decode(&m, buf, len, &st);
		bool pass;
		if (r->notify) {
			pass = !ok && st.notify == r->notify && strstr(st.why, r->why);
		} else {
			pass = ok && m.nfindings > 0;
			for (size_t f = 0; pass && f < m.nfindings; f++)
				if (strstr(m.findings[f].text, r->why))
					break;
				else if (f + 1 == m.nfindings)
					pass = false;
			ik_msg_free(&m);
		}
		if (!pass) {
			fprintf(stderr, "\n%s: decode %s, notify %u, why '%s'\n", r->name,
			        ok ? "succeeded" : "failed", st.notify, st.why);
			CU_FAIL(r->name);
		}
	}
}

/* One to three zero octets after the last payload, counted in the header Length (Libreswan
 * 4.10 pads its AM1 to four octets): kept as padding, no finding; four, or a non-zero one, are
 * still UNEQUAL-PAYLOAD-LENGTHS (the table's row). */
static void test_alignment_pad(void)
{
	uint8_t buf[256];
	struct ik_msg m;
	struct ik_status st;

	load();
	for (size_t n = 1; n <= 4; n++) {
		memcpy(buf, good, good_len);
		memset(buf + good_len, 0, n);
		size_t len = good_len + n;
		buf[26] = (uint8_t)(len >> 8), buf[27] = (uint8_t)len;
		bool ok = ik_decode(&m, buf, len, &st);
		CU_ASSERT_EQUAL(ok, n < 4);
		if (ok) {
			CU_ASSERT_EQUAL(m.pad_len, n);
			CU_ASSERT_EQUAL(m.nfindings, 0);
			ik_msg_free(&m);
		}
		buf[good_len + n - 1] = 0x01; /* not zero: not padding */
		CU_ASSERT_FALSE(ik_decode(&m, buf, len, &st));
		CU_ASSERT_EQUAL(st.notify, IK_NOTIFY_UNEQUAL_PAYLOAD_LENGTHS);
	}
}

/* Cut the message at every offset, with and without the header length adjusted: always a
 * clean failure with a reason and a notify, never a crash (ASan watches the reads). */
static void test_truncate_everywhere(void)
{
	uint8_t buf[256];
	struct ik_msg m;
	struct ik_status st;

	load();
	for (size_t cut = 0; cut < good_len; cut++) {
		for (int fix = 0; fix < 2; fix++) {
			memcpy(buf, good, good_len);
			if (fix && cut >= IK_HDR_LEN) {
				buf[26] = (uint8_t)(cut >> 8);
				buf[27] = (uint8_t)cut;
			}
			/* a heap copy of exactly `cut` octets so any over-read is caught */
			uint8_t *p = malloc(cut ? cut : 1);
			memcpy(p, buf, cut);
			bool ok = ik_decode(&m, p, cut, &st);
			free(p);
			CU_ASSERT_FALSE(ok);
			CU_ASSERT(st.why[0] != 0);
			CU_ASSERT(st.notify == IK_NOTIFY_PAYLOAD_MALFORMED ||
			          st.notify == IK_NOTIFY_UNEQUAL_PAYLOAD_LENGTHS ||
			          st.notify == IK_NOTIFY_BAD_PROPOSAL_SYNTAX);
			if (ok)
				ik_msg_free(&m);
		}
	}
}

static const struct ik_test tests[] = {
	{"malformed messages name field and notify", test_table},
	{"truncated at every offset", test_truncate_everywhere},
	{"1-3 zero octets of alignment padding taken, 4 or non-zero refused", test_alignment_pad},
};
IK_TEST_MAIN("codec_malformed", tests)
