/*
 * ESP (RFC 4303) in user space: one SA direction sealing or opening packets, with the default
 * padding (RFC 4303 2.4), sequence numbers (3.3.3) and the anti-replay window (3.4.3). Tunnel or
 * transport mode only changes what the payload is (an inner IP packet, or the upper layer with
 * its next header); UDP encapsulation (RFC 3948) is the caller's: these functions see the ESP
 * packet from the SPI on.
 *
 * The transform comes from the caller as OpenSSL names and sizes (the algorithm table owns
 * them); the keys are cut from KEYMAT in the order RFC 4106 8.1 and RFC 3686 5.1 give:
 * encryption key, then its salt or nonce, then the integrity key (RFC 2409 5.5 for the rest).
 */
#ifndef IK_ESP_H
#define IK_ESP_H

#include "status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IK_ESP_NH_NONE    59 /* RFC 4303 2.6: a dummy packet, discarded by the receiver */
#define IK_ESP_MAX_KEY    64 /* encryption key + salt, or an integrity key */
#define IK_ESP_MAX_ICV    32
#define IK_ESP_MAX_WINDOW 1024 /* RFC 4303 3.4.3: at least 32, 64 the default */
#define IK_ESP_MIN_WINDOW 32   /* "A minimum window size of 32 packets MUST be supported" */
#define IK_ESP_HDR        8    /* SPI and sequence number */

enum ik_esp_mode { IK_ESP_CBC, IK_ESP_CTR, IK_ESP_GCM, IK_ESP_NULL };

/* Checks of ik_esp_open that ikecheck serve's quirks skip, so the ESP cases can be shown to fail
 * against a receiver that does not make them (engine/mutation/quirk.def). IK_ESP_UNALIGNED is
 * both ways: outbound, a stream mode (GCM, CTR, NULL) adds no padding for the 4-octet alignment
 * RFC 4303 2.4 asks (quirk esp-bad-align); inbound, such a packet is opened and counted in
 * unaligned rather than refused as malformed (the tester, to say what the DUT broke).
 * IK_ESP_SEQ_ZERO is both ways too: outbound, the next packet carries sequence number 0 and the
 * counter stays where it was (the tester's seq-zero probe: RFC 4303 3.3.3, a number never sent);
 * inbound, the window takes 0 for a number like any other, not for one never sent (quirk
 * esp-seq-zero). */
enum {
	IK_ESP_LAX_SPI = 1,
	IK_ESP_LAX_ICV = 2,
	IK_ESP_LAX_PAD = 4,
	IK_ESP_UNALIGNED = 8,
	IK_ESP_SEQ_ZERO = 16,
	IK_ESP_NO_IV = 32, /* outbound: a CBC IV not sent (quirk esp-implicit-iv, RFC 3602 3) */
	/* The ICV computed as if ESN had been negotiated (quirk esp-esn-icv): the high-order 32 bits
	 * of the sequence number, 0, appended after the Next Header for the HMAC (RFC 4303 2.2.1,
	 * 3.3.2.1) and in the GCM AAD between SPI and sequence number (RFC 4106 5). */
	IK_ESP_ESN_ICV = 64,
	/* outbound AES/3DES-CBC: 4 octets after the ciphertext, under the ICV, so the encrypted data
	 * is no whole number of blocks (quirk esp-cbc-ragged, RFC 3602 2.4) */
	IK_ESP_CBC_RAGGED = 128,
	/* outbound CBC: the IV is the sequence number in its last 4 octets, zeros before, as CTR's
	 * counter (quirk esp-cbc-iv-counter, RFC 3602 2.1, 3: "random", "unpredictable") */
	IK_ESP_CBC_IV_COUNTER = 256
};

struct ik_esp_xform {
	enum ik_esp_mode mode;
	const char *cipher; /* OpenSSL name ("AES-128-CBC"); NULL for ENCR_NULL (RFC 2410) */
	size_t key_len;     /* octets of cipher key */
	size_t salt_len;    /* GCM: 4 (RFC 4106 8.1); CTR: 4-octet nonce (RFC 3686 5.1); else 0 */
	size_t iv_len;      /* octets of IV on the wire: CBC the block, CTR and GCM 8 */
	size_t block;       /* padding alignment of the cipher (at least 4, RFC 4303 2.4) */
	const char *integ;  /* OpenSSL digest for HMAC ("SHA1"), NULL for none or AEAD */
	size_t integ_key_len, icv_len; /* GCM: icv_len 16 (RFC 4106 6), integ NULL */
};

struct ik_esp_replay {
	uint32_t top;  /* highest validated sequence number, 0 before the first */
	uint32_t size; /* window in packets */
	uint64_t bits[IK_ESP_MAX_WINDOW / 64]; /* bit i: top - i was received */
};

struct ik_esp_sa {
	struct ik_esp_xform x;
	uint32_t spi;       /* host order */
	uint32_t seq;       /* outbound: the last sequence number sent */
	bool replay_on;     /* inbound: anti-replay enabled (needs integrity, RFC 4303 3.4.3) */
	unsigned lax;       /* checks a broken receiver skips (IK_ESP_LAX_*); IK_ESP_UNALIGNED */
	uint8_t last_pad;   /* inbound: the Pad Length of the last packet opened */
	uint32_t unaligned; /* inbound: unaligned packets opened (IK_ESP_UNALIGNED) */
	struct ik_esp_replay win;
	uint8_t salt[8];
	uint8_t key[IK_ESP_MAX_KEY]; /* the cipher key, to key cipher_ctx for its direction */
	int keyed_dir;     /* cipher_ctx keyed to encrypt (1), decrypt (0), or not yet (-1) */
	void *cipher_ctx;  /* EVP_CIPHER_CTX, keyed on first use for that direction */
	void *mac;         /* EVP_MAC_CTX keyed once, restarted per packet */
	uint8_t pool[512]; /* random octets for CBC IVs, drawn a pool at a time */
	size_t pool_left;
	uint64_t packets, octets;
};

/* The KEYMAT octets the transform needs (RFC 2409 5.5: the caller expands KEYMAT to this). */
size_t ik_esp_keymat_len(const struct ik_esp_xform *x);
bool ik_esp_sa_init(struct ik_esp_sa *sa, const struct ik_esp_xform *x, uint32_t spi,
                    const uint8_t *keymat, size_t len, size_t window, struct ik_status *st);
void ik_esp_sa_free(struct ik_esp_sa *sa);

/* Outbound: payload + padding + pad length + next header, encrypted, with SPI, sequence number,
 * IV and ICV, into out (cap octets). iv: NULL for a fresh random one (known-answer tests pass
 * theirs). *n gets the packet length. */
bool ik_esp_seal(struct ik_esp_sa *sa, uint8_t next_header, const uint8_t *payload, size_t len,
                 const uint8_t *iv, uint8_t *out, size_t cap, size_t *n, struct ik_status *st);

/* Trailers of the ESP cases' probes (suite/run_traffic.c), sealed with a valid ICV: the broken
 * ones (RFC 4303 2.4 / 2.5) only the receiver's padding checks can stop, the allowed ones
 * (none, 255 octets) a receiver must take. */
enum ik_esp_trailer {
	IK_ESP_PAD_DEFAULT, /* 1, 2, 3, ... (RFC 4303 2.4) */
	IK_ESP_PAD_ZEROS, /* the padding octets are zeros; a block of padding added if none was due */
	IK_ESP_PAD_OVERRUN, /* Pad Length 255: more than the payload holds (refused when it fits) */
	/* Padding the RFC allows and a receiver must take (2.4: "The sender MAY add 0 to 255 bytes of
	 * padding", "all implementations MUST support ... consumption of padding"): none, or 255
	 * octets 1 .. 255. The payload must be sized for it (ik_esp_pad_fits). */
	IK_ESP_PAD_NONE,
	IK_ESP_PAD_MAX,
};
bool ik_esp_seal_trailer(struct ik_esp_sa *sa, uint8_t next_header, const uint8_t *payload,
                         size_t len, enum ik_esp_trailer tr, uint8_t *out, size_t cap, size_t *n,
                         struct ik_status *st);
/* Whether a payload of len octets can carry trailer tr: the padding it asks for, with Pad Length
 * and Next Header, ends on the alignment of RFC 4303 2.4 (the block, at least 4 octets). */
bool ik_esp_pad_fits(const struct ik_esp_xform *x, size_t len, enum ik_esp_trailer tr);

/* What opening a packet found, for the verdicts of ESP cases. */
enum ik_esp_verdict {
	IK_ESP_OK,
	IK_ESP_DUMMY,       /* next header 59: authentic, to be discarded (RFC 4303 2.6) */
	IK_ESP_BAD_SPI,     /* not this SA's SPI */
	IK_ESP_REPLAY,      /* a duplicate, or left of the window (RFC 4303 3.4.3) */
	IK_ESP_BAD_ICV,     /* integrity check failed (RFC 4303 3.4.4) */
	IK_ESP_MALFORMED,   /* too short, not a whole number of blocks */
	IK_ESP_BAD_PAD,     /* padding not 1, 2, 3, ... (RFC 4303 2.4 "SHOULD inspect") */
	IK_ESP_BAD_PAD_LEN, /* Pad Length beyond the decrypted payload (RFC 4303 2.5) */
};
const char *ik_esp_verdict_name(enum ik_esp_verdict v);

/* Inbound: the payload into out (cap octets: at least the encrypted part, payload and trailer),
 * its length in *n and next header in *nh. The window moves only for a packet whose ICV
 * verified (RFC 4303 3.4.3). */
enum ik_esp_verdict ik_esp_open(struct ik_esp_sa *sa, const uint8_t *pkt, size_t len, uint8_t *out,
                                size_t cap, size_t *n, uint8_t *nh, struct ik_status *st);

/* Whether the packet's ICV (or GCM tag) verifies under the SA, the window neither checked nor
 * moved (RFC 4303 3.4.3: only an authentic packet may move it). The tester asks it of a packet
 * its window refused: an authentic one under a number seen before is the sender's doing. */
bool ik_esp_authentic(struct ik_esp_sa *sa, const uint8_t *pkt, size_t len);

/* The anti-replay window on its own (esp_replay.c), for tests. */
void ik_esp_replay_init(struct ik_esp_replay *w, size_t size);
bool ik_esp_replay_check(const struct ik_esp_replay *w, uint32_t seq);
/* The same without the rule for 0 (RFC 4303 3.3.3: never sent, so never fresh): 0 is judged
 * by the window as any number below the newest (quirk esp-seq-zero). */
bool ik_esp_replay_unseen(const struct ik_esp_replay *w, uint32_t seq);
void ik_esp_replay_update(struct ik_esp_replay *w, uint32_t seq);

#endif
