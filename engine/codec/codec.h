/*
 * The ISAKMP wire codec: one walker over the payload descriptors (payload.h) that decodes a
 * message into a tree, encodes a tree (filling lengths, next-payload chains, counts and sizes
 * unless a field is pinned), dumps it with names, and addresses any field by a path.
 *
 * The tree: a message's root is the header node; its children are the payloads in wire order;
 * an SA's children are proposals, a proposal's are transforms, a transform's (and an ATTR
 * payload's) are data attributes. Every node holds one value per descriptor field, so a
 * mutation can set, pin or omit any field, and reorder/duplicate/remove any child, generically.
 */
#ifndef IK_CODEC_H
#define IK_CODEC_H

#include "buf.h"
#include "payload.h"
#include "status.h"

#include <stdbool.h>
#include <stdio.h>

struct ik_val {
	uint32_t num;   /* numeric kinds (and TV attribute values) */
	uint8_t *bytes; /* BYTES kinds (and TLV attribute values); owned */
	size_t len;
	bool pinned;  /* set on purpose: encode keeps it even if it is a length/next/count/size */
	bool omitted; /* encode writes nothing for this field */
};

struct ik_node {
	const struct ik_sdesc *sd;
	uint8_t type;      /* payload type in the chain: sd->type, or the private type number */
	enum ik_table ctx; /* names for IK_T_CTX fields: transform ids, attribute classes */
	struct ik_val v[IK_MAX_FIELDS];
	struct ik_node **kids; /* children of the LIST field, in wire order */
	size_t nkids, cap;
	size_t off, len; /* where the node was in the decoded message or went in the last
			  * encoding, from the start of the message */
};

/* A deviation the decoder accepted but that a conformant peer would not send. */
struct ik_finding {
	uint16_t notify; /* the notify that would apply */
	char text[200];  /* "SA[0].reserved = 0x01: RFC2408 3.2 says MUST be zero" */
};

struct ik_msg {
	struct ik_node *hdr; /* header; hdr->kids are the payloads */
	uint8_t *body;       /* E flag set: the encrypted body, not decoded (owned) */
	size_t body_len;
	uint8_t *pad; /* bytes after the last payload of a decrypted body (owned) */
	size_t pad_len;
	struct ik_finding *findings;
	size_t nfindings;
};

/* Limits that keep hostile input cheap; more is reported as PAYLOAD-MALFORMED. */
#define IK_MAX_PAYLOADS 512
#define IK_HDR_LEN      28

/*
 * Decode one ISAKMP message (the UDP payload, without the non-ESP marker). On failure st names
 * the path and field and the notify that applies, and *m is freed. With the E flag the header is
 * decoded and the rest kept in m->body.
 */
bool ik_decode(struct ik_msg *m, const uint8_t *p, size_t len, struct ik_status *st);
/* Decode a decrypted body: the payload chain starting at HDR.np; trailing bytes go to m->pad. */
bool ik_decode_body(struct ik_msg *m, const uint8_t *p, size_t len, struct ik_status *st);

/* Checks a deliberately broken peer skips (the quirks of `ikecheck serve`, engine/mutation/quirk.def; the
 * engine maps its quirks to these in engine/exchanges/ike_in.c). Without them the decoder is strict. */
enum ik_dec_opt {
	IK_DEC_PAD = 1,     /* octets after the last payload of a plaintext message are kept in
			       * m->pad instead of failing it (the chain's end is believed) */
	IK_DEC_LENIENT = 2, /* a payload, proposal or transform Length running past its container
			       * is cut to it; a chain ends at Next Payload 0 or at its container's
			       * end, whatever else its Next Payload fields say, and what follows is
			       * ignored; "# of Transforms" is not compared (implies IK_DEC_PAD) */
	IK_DEC_SKIP_UNKNOWN = 4,  /* a payload type with no descriptor (reserved or private use) is
				  * kept as opaque data, without a finding */
	IK_DEC_ANY_SITUATION = 8, /* an IPsec DOI SA payload is decoded whatever its Situation */
	IK_DEC_ANY_ID_DATA = 16,  /* no finding for ID data of the wrong length for its type */
	IK_DEC_CUT_ATTR = 32, /* a data attribute whose Length runs past its payload is cut to it
			       * (mode-config 3.2 wants the payload discarded) */
};
bool ik_decode_with(struct ik_msg *m, const uint8_t *p, size_t len, unsigned opts,
                    struct ik_status *st);
bool ik_decode_body_with(struct ik_msg *m, const uint8_t *p, size_t len, unsigned opts,
                         struct ik_status *st);
/*
 * Encode: fix up (unless pinned) next-payload chains, counts, sizes, then lengths, and append the
 * wire bytes to w. With m->body set the body is written after the header instead of the payloads.
 */
bool ik_encode(struct ik_msg *m, struct ik_wr *w, struct ik_status *st);
/* Encode only the payload chain (+ pad): the plaintext that gets encrypted. */
bool ik_encode_body(struct ik_msg *m, struct ik_wr *w, struct ik_status *st);
void ik_msg_free(struct ik_msg *m);
/* Recompute the naming contexts (transform ids by protocol, attribute classes by phase). */
void ik_msg_contexts(struct ik_msg *m);

/* Building and editing trees (exchanges build messages; mutations edit them). */
struct ik_node *ik_node_new(const struct ik_sdesc *sd);
void ik_node_free(struct ik_node *n);
struct ik_node *ik_node_clone(const struct ik_node *n);
bool ik_node_insert(struct ik_node *parent, size_t at, struct ik_node *kid); /* at > nkids: end */
struct ik_node *ik_node_remove(struct ik_node *parent, size_t at);
bool ik_val_set_bytes(struct ik_val *v, const void *p, size_t len);
/* Builders: a payload node by type (private types get the opaque layout), a header with
 * version 1.0, and field setters by index, IK_F_<S>_<FIELD> (not pinned: fix-ups still apply;
 * false when n has no such field or it is of the other kind). */
struct ik_node *ik_payload_new(uint8_t type);
bool ik_msg_new(struct ik_msg *m, uint8_t exch);
bool ik_node_set_num(struct ik_node *n, int field, uint32_t v);
bool ik_node_set_bytes(struct ik_node *n, int field, const void *p, size_t len);
/* Append kid to the message's payloads / to a node's children. */
bool ik_msg_add(struct ik_msg *m, struct ik_node *payload);
/* A new attribute node: TV when tv, else TLV holding `value` in `len` octets (big endian). */
struct ik_node *ik_attr_new(uint16_t type, bool tv, uint64_t value, size_t len);
/* Switch an attribute between TV and TLV keeping its value (TLV in 2, 4 or 8 octets). */
bool ik_attr_set_tv(struct ik_node *a, bool tv);
/* The numeric value of an attribute (TV, or TLV up to 8 octets). */
bool ik_attr_num(const struct ik_node *a, uint64_t *out);

/* Dump the tree with names, one node per line, reserved fields included. */
enum { IK_DUMP_FULL_HEX = 1 };
void ik_dump(FILE *f, struct ik_msg *m, unsigned flags);
void ik_dump_findings(FILE *f, const struct ik_msg *m);

/*
 * Paths: "HDR.flags", "SA.P[0].T[1].LIFE_DURATION", "HASH.data", "N[1].type", "PL[3]" (the
 * fourth payload whatever its type), "SA.P[0].T[0].A[2]" (third attribute), attribute keys by
 * class name ('-'/'_' and case ignored) with an optional [k] for repeats, ".af/.type/.length/
 * .value" inside an attribute (value by default).
 */
struct ik_ref {
	struct ik_node *parent; /* holds node in parent->kids[index]; NULL for the header */
	size_t index;
	struct ik_node *node;
	int field; /* index into node->v, or -1 when the path names the node itself */
};
bool ik_path_find(struct ik_msg *m, const char *path, struct ik_ref *ref, struct ik_status *st);
/* Set a field and pin it (the encoder keeps it). Numbers or bytes as the field's kind needs. */
bool ik_path_set_num(struct ik_msg *m, const char *path, uint32_t v, struct ik_status *st);
bool ik_path_set_bytes(struct ik_msg *m, const char *path, const void *p, size_t len,
                       struct ik_status *st);
/* The path of node's field (or of the node when field < 0) as ik_path_find accepts it. */
void ik_path_of(struct ik_msg *m, const struct ik_node *node, int field, char *buf, size_t n);

#endif
