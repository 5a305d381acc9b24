/* Wire identity of the datagrams we broke, and answers tied to them: see run_wire.h. */
#include "run_wire.h"
#include "consts.h"

#include <stdio.h>
#include <string.h>

void ik_wire_keep(struct ik_wire_id *ids, size_t *n, const uint8_t *p, size_t len,
                  const uint8_t ic[8], uint8_t exch)
{
	struct ik_wire_id w = {0};
	w.len = len < sizeof(w.hdr) ? len : sizeof(w.hdr);
	memcpy(w.hdr, p, w.len);
	memcpy(w.icookie, ic, 8);
	w.exch = exch;
	for (size_t i = 0; i < *n; i++)
		if (ids[i].len == w.len && !memcmp(ids[i].hdr, w.hdr, w.len) && ids[i].exch == exch)
			return; /* a retransmission of the same broken message */
	if (*n < IK_WIRE_MAX)
		ids[(*n)++] = w;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool phase1(uint8_t exch)
{
	return exch == IK_EXCH_ID_PROT || exch == IK_EXCH_AGGRESSIVE;
}

/*
 * Octets 0-7 of the answer must be octets 0-7 of b (a responder answers with the initiator
 * cookie it read, RFC 2408 3.1), and one more tie must hold, each something no conformant DUT
 * sends on its own:
 *   - b carried another initiator cookie than ours (a cookie moved or removed): only a DUT that
 *     read b knows it;
 *   - the answer's message ID is b's as sent, not 0, or 0 in a quick mode (RFC 2408 3.1: 0 is
 *     phase 1's; no quick mode of ours has it);
 *   - the answer is a phase 1 message of another exchange type than b's exchange (it read the
 *     exchange type where our octet 18 no longer was).
 * An informational answer (a notify, RFC 2408 5) is a refusal, never tied.
 */
bool ik_wire_answers(const struct ik_wire_id *b, const uint8_t *a, size_t alen, bool ours,
                     char *why, size_t n)
{
	if (ours || alen < 28 || b->len < 8 || a[18] == IK_EXCH_INFO || memcmp(a, b->hdr, 8))
		return false;
	uint32_t mid = be32(a + 20);
	const char *tie = NULL;
	if (memcmp(b->hdr, b->icookie, 8))
		tie = "octets 0-7 of the broken datagram (not our initiator cookie) as its "
		      "initiator "
		      "cookie";
	else if (b->len >= 24 && mid == be32(b->hdr + 20) && (mid || a[18] == IK_EXCH_QUICK))
		tie = "our initiator cookie and octets 20-23 of the broken datagram as its message "
		      "ID";
	else if (!mid && phase1(a[18]) && phase1(b->exch) && a[18] != b->exch)
		tie = "our initiator cookie in another phase 1 exchange type than ours (it read "
		      "the "
		      "exchange type from octets we moved)";
	if (!tie)
		return false;
	char x[IK_NAME_MAX];
	snprintf(why, n,
	         "the DUT answered a datagram we broke with a message of exchange type %s "
	         "(message ID %08x), not a notify: it carries %s (RFC 2408 5.2: such a message is "
	         "discarded)",
	         ik_fmt(x, IK_T_EXCH, a[18]), mid, tie);
	return true;
}
