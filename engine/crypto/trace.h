/*
 * Decrypting a capture after the fact, as Wireshark does with its ikev1_decryption_table: given
 * the phase 1 encryption key per initiator cookie, follow each ISAKMP SA through the capture
 * (the chosen transform from MM2/AM2, g^xi and g^xr from the KE payloads, the CBC IV chain of
 * RFC 2409 Appendix B, one chain per quick mode / informational message ID) and open every
 * encrypted message. Used by `ikecheck decode --keys`.
 */
#ifndef IK_TRACE_H
#define IK_TRACE_H

#include "codec.h"
#include "crypto.h"
#include "cipher.h"
#include "dh.h"

#define IK_TRACE_MAX_CHAINS 32
/* Encrypted messages remembered per SA, so a retransmission or a replay (the same octets again)
 * is opened with the IV its first copy had, and leaves the chains as they are. */
#define IK_TRACE_SEEN 32

struct ik_trace_key {
	uint8_t icookie[8];
	uint8_t key[64];
	size_t len;
};

struct ik_trace_sa {
	uint8_t icookie[8];
	int sa_seen; /* SA payloads seen from the responder (MM2/AM2): the first is its choice */
	uint16_t enc, keylen, hash;
	uint8_t gxi[IK_DH_MAX], gxr[IK_DH_MAX];
	size_t gxi_len, gxr_len;
	uint8_t iv[IK_MAX_BLOCK]; /* phase 1 chain */
	bool iv_ready;
	uint8_t last_ct[IK_MAX_BLOCK]; /* last phase 1 ciphertext block: base of phase 2 IVs */
	struct {
		uint32_t msgid;
		uint8_t iv[IK_MAX_BLOCK];
	} chain[IK_TRACE_MAX_CHAINS];
	size_t nchains;
	struct {
		uint8_t digest[32]; /* SHA-256 of message ID and ciphertext */
		uint8_t iv[IK_MAX_BLOCK];
	} seen[IK_TRACE_SEEN];
	size_t nseen; /* messages remembered; the oldest is overwritten beyond IK_TRACE_SEEN */
};

struct ik_trace {
	struct ik_trace_key *keys;
	size_t nkeys;
	struct ik_trace_sa *sas;
	size_t nsas;
};

/* Read Wireshark ikev1_decryption_table lines ("icookie","key", quotes optional, '#' comments).
 * Fails naming FILE:LINE on a malformed line. */
bool ik_trace_load_keys(struct ik_trace *t, const char *path, struct ik_status *st);
/*
 * Feed one decoded message (capture order). Plain messages teach the trace (SA choice, KE);
 * an encrypted one is decrypted and its body decoded into m when the key is known. Returns
 * true when m now holds decrypted payloads; false with st set when it could not (no key, IV
 * chain unknown, garbage after decryption); st->why is empty when there was nothing to do.
 */
bool ik_trace_feed(struct ik_trace *t, struct ik_msg *m, uint8_t **plain, struct ik_status *st);
void ik_trace_free(struct ik_trace *t);

#endif
