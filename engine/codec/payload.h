/*
 * Payload descriptors: every IKEv1 structure (ISAKMP header, each payload, proposal, transform,
 * data attribute) described ONCE as data (payload.c). One walker (codec.c) uses these tables to
 * decode, encode, dump and mutate, so every field is addressable by name with no special code.
 */
#ifndef IK_PAYLOAD_H
#define IK_PAYLOAD_H

#include "consts.h"

#include <stdint.h>

/* Names come from the node's context (transform ids by protocol, attribute classes by phase). */
#define IK_T_CTX IK_T_COUNT

enum ik_kind {
	IK_K_U8,
	IK_K_U16,
	IK_K_U32,
	IK_K_BYTES, /* fixed size, sized by another field, or the rest of the structure */
	IK_K_LIST,  /* children: proposals in SA, transforms in P, attributes, payloads in a message
	             */
};

enum ik_role {
	IK_R_PLAIN,
	IK_R_ENUM,     /* a number named by the table `names` */
	IK_R_FLAGS,    /* a bit set named by `names` */
	IK_R_NEXT,     /* next payload: the type of the next sibling, 0 for the last (filled) */
	IK_R_FIRST,    /* header next payload: the type of the first child (filled) */
	IK_R_LENGTH,   /* length of the enclosing structure incl. its header (filled) */
	IK_R_SIZE,     /* byte size of field `ref` (SPI size) (filled) */
	IK_R_COUNT,    /* number of children of LIST `ref`, or of items of BYTES `ref` (filled) */
	IK_R_RESERVED, /* must be zero: decoded as is, non-zero reported as a finding */
};

/* How the dump shows bytes. */
enum ik_show {
	IK_SHOW_HEX,
	IK_SHOW_ID,   /* identification data, interpreted by the ID type in field 0 of the body */
	IK_SHOW_VID,  /* vendor id, named from the vendor table */
	IK_SHOW_ADDR, /* an IPv4/IPv6 address (NAT-OA) */
};

struct ik_sdesc;

struct ik_fdesc {
	const char *name; /* the path key: "np", "length", "doi", "spi", "data" ... */
	enum ik_kind kind;
	enum ik_role role;
	enum ik_table names; /* ENUM/FLAGS; IK_T_CTX: from the node */
	uint16_t size;       /* BYTES: fixed size (0: variable) */
	int8_t ref;          /* BYTES: field holding the size; SIZE/COUNT: field described; -1 */
	int8_t mul;          /* BYTES: field holding an item count multiplying the size; -1 */
	const struct ik_sdesc
		*child; /* LIST: the structure of each child (NULL: by payload type) */
	enum ik_show show;
	const char *rule; /* RESERVED: the rule cited in findings */
};

enum ik_skind {
	IK_S_HDR,     /* the ISAKMP header: fixed 28 octets, then the payload chain */
	IK_S_PAYLOAD, /* begins with the generic payload header (np, reserved, length) */
	IK_S_ATTR,    /* a data attribute, TV or TLV (RFC 2408 3.3): coded by codec.c itself */
};

struct ik_sdesc {
	const char *name; /* "HDR", "SA", "P", "T", "NAT-D", "A" ... (path key) */
	uint8_t type;     /* payload type number (0 for the header and attributes) */
	enum ik_skind kind;
	const char *ref; /* RFC section */
	const struct ik_fdesc *f;
	uint8_t nf;
	uint8_t list; /* index of the LIST field, or 0xff */
};

#define IK_MAX_FIELDS 12
#define IK_NO_LIST    0xff

/*
 * Field indexes, one enum per structure of payload.def: IK_F_SA_DOI, IK_F_P_SPI_SIZE,
 * IK_F_HDR_FLAGS, IK_F_A_VALUE, ...; IK_NF_<S> is the number of fields of S. Code indexes
 * ik_node.v[] and the accessors (msg.h) with these; tests/test_codec_fields.c proves that each
 * names the descriptor field of the same name. (clang-format is off for the three macros: it
 * would break them apart as if they were a declaration.)
 */
/* clang-format off */
#define IK_SD(s, name)       enum ik_f_##s {
#define IK_FLD(s, fld, desc) IK_F_##s##_##fld,
#define IK_END(s)            IK_NF_##s };
/* clang-format on */
#include "payload.def"
#undef IK_SD
#undef IK_FLD
#undef IK_END

/* RFC 2408 3.2: the generic payload header that begins every payload, proposal and transform. */
enum { IK_F_GEN_NP, IK_F_GEN_RESERVED, IK_F_GEN_LENGTH };

extern const struct ik_sdesc ik_sd_hdr, ik_sd_prop, ik_sd_trans, ik_sd_attr;

/* The descriptor of a top-level payload type, NULL when ikecheck has none. */
const struct ik_sdesc *ik_payload_desc(uint8_t type);
/* The descriptor used for payload types without one (private use): generic header + data. */
extern const struct ik_sdesc ik_sd_opaque;
/* Every descriptor, for tests and `ikecheck list`. */
const struct ik_sdesc *const *ik_all_descs(size_t *n);
/* Field index by name in sd, -1 when none. */
int ik_field_index(const struct ik_sdesc *sd, const char *name);

/* Well-known vendor ids (payload_vid.def): the name of the longest matching prefix or NULL. */
const char *ik_vendor_name(const uint8_t *vid, size_t len);

#endif
