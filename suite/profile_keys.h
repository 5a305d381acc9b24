/*
 * What suite/profile.c (the parser) and suite/profile_get.c (`ikecheck profile get`) share:
 * the kinds of value, the sections and the table of keys (KEY_TABLE in profile.c).
 */
#ifndef IK_PROFILE_KEYS_H
#define IK_PROFILE_KEYS_H

#include "profile.h"

#include <stdbool.h>
#include <stddef.h>

/* Names for enumerated and bit-set values; the first name of a value is the one printed. */
struct name_val {
	const char *name;
	int val;
};

enum kind {
	K_TEXT,     /* char[IK_PROFILE_TEXT] */
	K_ADDR,     /* struct ik_addr */
	K_PORT,     /* uint16_t, 1..65535 */
	K_ID,       /* struct ik_ident */
	K_SUBNETS,  /* struct ik_endpoint (its subnet list) */
	K_ENUM,     /* int, one of names */
	K_FLAGS,    /* unsigned, comma list of names */
	K_LIFETIME, /* uint32_t seconds > 0, "8h" "30m" "45s" */
	K_SECONDS,  /* uint32_t seconds >= 0 */
	K_KB,       /* uint32_t kilobytes >= 0, decimal (0: none) */
	K_BOOL,     /* bool */
	K_P1PROPS,  /* phase 1 proposal list */
	K_P2PROPS,  /* phase 2 proposal list */
	K_GROUP,    /* uint16_t DH group, "none" = 0 */
	K_PSK,      /* the secret itself */
	K_PSK_FILE, /* a file holding the secret */
	K_PEER_IDS, /* "any" or a list of identities (struct ik_profile.peer_ids) */
	K_FILE,     /* char[IK_PROFILE_TEXT]: a path, relative ones from the profile's directory */
	K_SIZE,     /* uint16_t octets, IK_FRAG_SIZE_MIN..65535 (an IKE fragment's IP datagram) */
	K_NONCE,    /* uint16_t octets, 1..256: the length of our phase 1 nonces (0: 32) */
};

#define SECTION_TABLE \
	S(dut) S(tester) S(auth) S(xauth) S(modecfg) S(phase1) S(phase2) S(natt) S(features)

enum section {
#define S(n) SEC_##n,
	SECTION_TABLE
#undef S
		SEC_COUNT
};

struct key_def {
	enum section sec;
	const char *key;
	const char *full; /* "section.key" */
	enum kind kind;
	size_t off;
	const struct name_val *names;
	bool required;
};

extern const struct key_def ik_profile_keys[];
extern const size_t ik_profile_nkeys;

/* The first name of val in names, "?" when it has none. */
const char *ik_profile_name_of(const struct name_val *names, int val);

#endif
