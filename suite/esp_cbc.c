/*
 * What RFC 3602 asks of the AES-CBC ESP a peer sends, read on each of its packets that
 * authenticates under our inbound SA (an ICV that verifies: the DUT sent it, no path made it):
 * - 2.4: "Padding MUST be added ... such that the data to be encrypted ... has a length that is
 *   a multiple of 16 octets": encrypted data that is no whole number of 16-octet blocks;
 * - 3: "The IV MUST be chosen at random, and MUST be unpredictable": an IV that another of its
 *   packets (another sequence number) carried, and an IV within IK_CBC_NEAR_BITS bits of the one
 *   before it ("implementations MUST NOT use a counter or other low-Hamming distance source for
 *   IVs").
 * suite/run_traffic.c turns them into the case's fault (a MUST the DUT broke in what it sent).
 */
#include "datapath.h"

#include <string.h>

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned hamming(const uint8_t *a, const uint8_t *b)
{
	unsigned bits = 0;
	for (size_t i = 0; i < 16; i++)
		bits += (unsigned)__builtin_popcount((unsigned)(a[i] ^ b[i]));
	return bits;
}

/* 2.4: malformed for its length alone, yet authentic. */
static void ragged(struct ik_datapath *dp, const uint8_t *pkt, size_t len)
{
	const struct ik_esp_xform *x = &dp->in.x;
	size_t over = IK_ESP_HDR + x->iv_len + x->icv_len;
	if (!x->integ || len <= over || !((len - over) % 16) ||
	    !ik_esp_authentic(&dp->in, pkt, len))
		return;
	if (!dp->cbc_ragged++)
		dp->cbc_ragged_seq = be32(pkt + 4);
}

static void iv_seen(struct ik_datapath *dp, const uint8_t *iv, uint32_t seq)
{
	for (unsigned i = 0; i < dp->ncbc_iv; i++)
		if (dp->cbc_iv_seq[i] != seq && !memcmp(dp->cbc_iv[i], iv, 16)) {
			if (!dp->cbc_iv_same++)
				dp->cbc_iv_same_seq = seq;
			break;
		}
	if (dp->ncbc_iv) {
		unsigned last = dp->ncbc_iv - 1, bits = hamming(dp->cbc_iv[last], iv);
		if (dp->cbc_iv_seq[last] != seq && bits < IK_CBC_NEAR_BITS && !dp->cbc_iv_near++)
			dp->cbc_iv_near_seq = seq, dp->cbc_near_bits = bits;
	}
	if (dp->ncbc_iv < IK_CBC_IVS) {
		memcpy(dp->cbc_iv[dp->ncbc_iv], iv, 16);
		dp->cbc_iv_seq[dp->ncbc_iv++] = seq;
	}
}

void ik_dp_cbc_watch(struct ik_datapath *dp, const uint8_t *pkt, size_t len, enum ik_esp_verdict v)
{
	const struct ik_esp_xform *x = &dp->in.x;
	if (x->mode != IK_ESP_CBC || x->iv_len != 16 || len < IK_ESP_HDR + 16)
		return;
	if (v == IK_ESP_MALFORMED)
		ragged(dp, pkt, len);
	else if (v == IK_ESP_OK || v == IK_ESP_DUMMY)
		iv_seen(dp, pkt + IK_ESP_HDR, be32(pkt + 4));
}
