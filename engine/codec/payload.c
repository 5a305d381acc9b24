/*
 * The payload descriptors (DESIGN.md "Payload descriptors"): the fields of every structure are
 * rows of payload.def, with the RFC section and its diagram above them; here they become one
 * descriptor array per structure, each field at its IK_F_<S>_<FIELD> index.
 */
#include "payload.h"

#include <string.h>
#include <strings.h>

#define N(nm, k, r, t)                                                             \
	{                                                                          \
		.name = nm, .kind = k, .role = r, .names = t, .ref = -1, .mul = -1 \
	}
#define U8(nm)     N(nm, IK_K_U8, IK_R_PLAIN, IK_T_NONE)
#define U16(nm)    N(nm, IK_K_U16, IK_R_PLAIN, IK_T_NONE)
#define U32(nm)    N(nm, IK_K_U32, IK_R_PLAIN, IK_T_NONE)
#define E8(nm, t)  N(nm, IK_K_U8, IK_R_ENUM, IK_T_##t)
#define E16(nm, t) N(nm, IK_K_U16, IK_R_ENUM, IK_T_##t)
#define E32(nm, t) N(nm, IK_K_U32, IK_R_ENUM, IK_T_##t)
#define CTX8(nm)   N(nm, IK_K_U8, IK_R_ENUM, IK_T_CTX)
#define RES8(nm, rl)                                                                      \
	{                                                                                 \
		.name = nm, .kind = IK_K_U8, .role = IK_R_RESERVED, .ref = -1, .mul = -1, \
		.rule = rl                                                                \
	}
#define RES16(nm, rl)                                                                      \
	{                                                                                  \
		.name = nm, .kind = IK_K_U16, .role = IK_R_RESERVED, .ref = -1, .mul = -1, \
		.rule = rl                                                                 \
	}
#define SIZE8(nm, of)                                                                \
	{                                                                            \
		.name = nm, .kind = IK_K_U8, .role = IK_R_SIZE, .ref = of, .mul = -1 \
	}
#define COUNT8(nm, of)                                                                \
	{                                                                             \
		.name = nm, .kind = IK_K_U8, .role = IK_R_COUNT, .ref = of, .mul = -1 \
	}
#define COUNT16(nm, of)                                                                \
	{                                                                              \
		.name = nm, .kind = IK_K_U16, .role = IK_R_COUNT, .ref = of, .mul = -1 \
	}
#define FIXED(nm, n)                                                            \
	{                                                                       \
		.name = nm, .kind = IK_K_BYTES, .size = n, .ref = -1, .mul = -1 \
	}
#define SIZED(nm, by)                                                \
	{                                                            \
		.name = nm, .kind = IK_K_BYTES, .ref = by, .mul = -1 \
	}
#define REST(nm, sh)                                                             \
	{                                                                        \
		.name = nm, .kind = IK_K_BYTES, .ref = -1, .mul = -1, .show = sh \
	}
#define LIST(nm, ch)                                                             \
	{                                                                        \
		.name = nm, .kind = IK_K_LIST, .ref = -1, .mul = -1, .child = ch \
	}

/* RFC 2408 3.15: `count` items of `spi_size` octets each. */
#define ITEMS(nm, by, times)                                            \
	{                                                               \
		.name = nm, .kind = IK_K_BYTES, .ref = by, .mul = times \
	}

/* One array per structure; a designated index keeps each field where its enum says. */
#define IK_SD(s, name)       static const struct ik_fdesc f_##s[] = {
#define IK_FLD(s, fld, desc) [IK_F_##s##_##fld] = desc,
#define IK_END(s)                                                                    \
	}                                                                            \
	;                                                                            \
	_Static_assert(sizeof(f_##s) / sizeof(f_##s[0]) == IK_NF_##s, #s " fields"); \
	_Static_assert(IK_NF_##s <= IK_MAX_FIELDS, #s " has too many fields");
#include "payload.def"
#undef IK_SD
#undef IK_FLD
#undef IK_END

#define COUNT(a) ((uint8_t)(sizeof(a) / sizeof((a)[0])))
#define SDESC(var, nm, ty, knd, rf, fields, lst) \
	const struct ik_sdesc var = {nm, ty, knd, rf, fields, COUNT(fields), lst}

SDESC(ik_sd_hdr, "HDR", 0, IK_S_HDR, "RFC2408 3.1", f_HDR, IK_F_HDR_PAYLOADS);
SDESC(ik_sd_attr, "A", 0, IK_S_ATTR, "RFC2408 3.3", f_A, IK_NO_LIST);
SDESC(ik_sd_trans, "T", IK_PAYLOAD_T, IK_S_PAYLOAD, "RFC2408 3.6", f_T, IK_F_T_ATTRS);
SDESC(ik_sd_prop, "P", IK_PAYLOAD_P, IK_S_PAYLOAD, "RFC2408 3.5", f_P, IK_F_P_T);
SDESC(sd_sa, "SA", IK_PAYLOAD_SA, IK_S_PAYLOAD, "RFC2408 3.4", f_SA, IK_F_SA_P);
SDESC(sd_ke, "KE", IK_PAYLOAD_KE, IK_S_PAYLOAD, "RFC2408 3.7", f_KE, IK_NO_LIST);
SDESC(sd_id, "ID", IK_PAYLOAD_ID, IK_S_PAYLOAD, "RFC2407 4.6.2", f_ID, IK_NO_LIST);
SDESC(sd_cert, "CERT", IK_PAYLOAD_CERT, IK_S_PAYLOAD, "RFC2408 3.9", f_CERT, IK_NO_LIST);
SDESC(sd_cr, "CR", IK_PAYLOAD_CR, IK_S_PAYLOAD, "RFC2408 3.10", f_CR, IK_NO_LIST);
SDESC(sd_hash, "HASH", IK_PAYLOAD_HASH, IK_S_PAYLOAD, "RFC2408 3.11", f_HASH, IK_NO_LIST);
SDESC(sd_sig, "SIG", IK_PAYLOAD_SIG, IK_S_PAYLOAD, "RFC2408 3.12", f_SIG, IK_NO_LIST);
SDESC(sd_nonce, "NONCE", IK_PAYLOAD_NONCE, IK_S_PAYLOAD, "RFC2408 3.13", f_NONCE, IK_NO_LIST);
SDESC(sd_n, "N", IK_PAYLOAD_N, IK_S_PAYLOAD, "RFC2408 3.14", f_N, IK_NO_LIST);
SDESC(sd_d, "D", IK_PAYLOAD_D, IK_S_PAYLOAD, "RFC2408 3.15", f_D, IK_NO_LIST);
SDESC(sd_vid, "VID", IK_PAYLOAD_VID, IK_S_PAYLOAD, "RFC2408 3.16", f_VID, IK_NO_LIST);
SDESC(sd_cfg, "ATTR", IK_PAYLOAD_ATTR, IK_S_PAYLOAD, "draft-dukes-ike-mode-cfg-02 3.2", f_ATTR,
      IK_F_ATTR_ATTRS);
/* The NAT-T drafts used private types 130/131 with the RFC 3947 layouts. */
SDESC(sd_natd, "NAT-D", IK_PAYLOAD_NATD, IK_S_PAYLOAD, "RFC3947 3.2", f_NATD, IK_NO_LIST);
SDESC(sd_natd_draft, "NAT-D-DRAFT", IK_PAYLOAD_NATD_DRAFT, IK_S_PAYLOAD,
      "draft-ietf-ipsec-nat-t-ike-02 3.2", f_NATD, IK_NO_LIST);
SDESC(sd_natoa, "NAT-OA", IK_PAYLOAD_NATOA, IK_S_PAYLOAD, "RFC3947 5.1", f_NATOA, IK_NO_LIST);
SDESC(sd_natoa_draft, "NAT-OA-DRAFT", IK_PAYLOAD_NATOA_DRAFT, IK_S_PAYLOAD,
      "draft-ietf-ipsec-nat-t-ike-02 5.1", f_NATOA, IK_NO_LIST);
SDESC(sd_frag, "FRAG", IK_PAYLOAD_FRAG, IK_S_PAYLOAD, "Cisco IKE fragmentation", f_FRAG,
      IK_NO_LIST);
SDESC(ik_sd_opaque, "PRIVATE", 0, IK_S_PAYLOAD, "RFC2408 3.1", f_PRIVATE, IK_NO_LIST);
static const struct ik_sdesc *const top[] = {
	&sd_sa,   &sd_ke,         &sd_id,    &sd_cert,        &sd_cr,   &sd_hash,
	&sd_sig,  &sd_nonce,      &sd_n,     &sd_d,           &sd_vid,  &sd_cfg,
	&sd_natd, &sd_natd_draft, &sd_natoa, &sd_natoa_draft, &sd_frag,
};

static const struct ik_sdesc *const all[] = {
	&ik_sd_hdr,     &ik_sd_prop, &ik_sd_trans,    &ik_sd_attr, &ik_sd_opaque, &sd_sa,
	&sd_ke,         &sd_id,      &sd_cert,        &sd_cr,      &sd_hash,      &sd_sig,
	&sd_nonce,      &sd_n,       &sd_d,           &sd_vid,     &sd_cfg,       &sd_natd,
	&sd_natd_draft, &sd_natoa,   &sd_natoa_draft, &sd_frag,
};

const struct ik_sdesc *ik_payload_desc(uint8_t type)
{
	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		if (top[i]->type == type)
			return top[i];
	return NULL;
}

const struct ik_sdesc *const *ik_all_descs(size_t *n)
{
	*n = sizeof(all) / sizeof(all[0]);
	return all;
}

int ik_field_index(const struct ik_sdesc *sd, const char *name)
{
	for (int i = 0; i < sd->nf; i++)
		if (!strcasecmp(sd->f[i].name, name))
			return i;
	return -1;
}

/* Vendor ids (payload_vid.def): hex prefix; the longest matching entry names the vendor. */
static const struct {
	const char *hex;
	const char *name;
} vids[] = {
#define IK_VID(hex, name, ref) {hex, name},
#include "payload_vid.def"
#undef IK_VID
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

const char *ik_vendor_name(const uint8_t *vid, size_t len)
{
	const char *best = NULL;
	size_t best_n = 0;

	for (size_t i = 0; i < sizeof(vids) / sizeof(vids[0]); i++) {
		size_t n = strlen(vids[i].hex) / 2, k;
		if (n > len || n <= best_n)
			continue;
		for (k = 0; k < n; k++)
			if ((uint8_t)(hexval(vids[i].hex[2 * k]) << 4 |
			              hexval(vids[i].hex[2 * k + 1])) != vid[k])
				break;
		if (k == n) {
			best = vids[i].name;
			best_n = n;
		}
	}
	return best;
}
