/*
 * The payload descriptors (DESIGN.md "Payload descriptors"): one table per structure, with the
 * RFC section and its diagram above it. Order of fields = order on the wire.
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

/* RFC 2408 3.2: every payload (and proposal and transform) begins with this header. */
#define GENERIC_HDR                                                                 \
	N("np", IK_K_U8, IK_R_NEXT, IK_T_PAYLOAD), RES8("reserved", "RFC2408 3.2"), \
		N("length", IK_K_U16, IK_R_LENGTH, IK_T_NONE)

#define COUNT(a) ((uint8_t)(sizeof(a) / sizeof((a)[0])))
#define SDESC(var, nm, ty, knd, rf, fields, lst) \
	const struct ik_sdesc var = {nm, ty, knd, rf, fields, COUNT(fields), lst}

/*
 * RFC 2408 3.1 ISAKMP header (Figure 2). Flags: E 0x01, C 0x02, A 0x04, the rest MUST be zero.
 *                           1                   2                   3
 *       0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *      +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *      !                          Initiator                            !
 *      !                            Cookie                             !
 *      +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *      !                          Responder                            !
 *      !                            Cookie                             !
 *      +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *      !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
 *      +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *      !                          Message ID                           !
 *      +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *      !                            Length                             !
 *      +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc hdr_f[] = {
	FIXED("icookie", 8),
	FIXED("rcookie", 8),
	N("np", IK_K_U8, IK_R_FIRST, IK_T_PAYLOAD),
	U8("version"),
	E8("exch", EXCH),
	U8("flags"),
	U32("msgid"),
	N("length", IK_K_U32, IK_R_LENGTH, IK_T_NONE),
	LIST("payloads", NULL),
};
SDESC(ik_sd_hdr, "HDR", 0, IK_S_HDR, "RFC2408 3.1", hdr_f, 8);

/*
 * RFC 2408 3.3 data attributes (Figure 4): AF=1 TV (value in the second 16 bits), AF=0 TLV.
 * The class names depend on the context: RFC 2409 App.A in phase 1 (KEY_IKE), RFC 2407 4.5 in
 * phase 2, the mode-config draft in the ATTR payload.
 *                            1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !A!       Attribute Type        !    AF=0  Attribute Length     !
 *       !F!                             !    AF=1  Attribute Value      !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       .                   AF=0  Attribute Value                       .
 *       .                   AF=1  Not Transmitted                       .
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc attr_f[] = {
	U8("af"),
	N("type", IK_K_U16, IK_R_ENUM, IK_T_CTX),
	N("length", IK_K_U16, IK_R_LENGTH, IK_T_NONE),
	REST("value", IK_SHOW_HEX),
};
SDESC(ik_sd_attr, "A", 0, IK_S_ATTR, "RFC2408 3.3", attr_f, IK_NO_LIST);

/*
 * RFC 2408 3.6 transform payload (Figure 7); transform ids by protocol: RFC 2407 4.4.2-4.4.5.
 *                            1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ! Next Payload  !   RESERVED    !         Payload Length        !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !  Transform #  !  Transform-Id !           RESERVED2           !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !                                                               !
 *       ~                        SA Attributes                          ~
 *       !                                                               !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc trans_f[] = {
	GENERIC_HDR,
	U8("number"),
	CTX8("id"),
	RES16("reserved2", "RFC2408 3.6"),
	LIST("attrs", &ik_sd_attr),
};
SDESC(ik_sd_trans, "T", IK_PAYLOAD_T, IK_S_PAYLOAD, "RFC2408 3.6", trans_f, 6);

/*
 * RFC 2408 3.5 proposal payload (Figure 6).
 *                            1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ! Next Payload  !   RESERVED    !         Payload Length        !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !  Proposal #   !  Protocol-Id  !    SPI Size   !# of Transforms!
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !                        SPI (variable)                         !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc prop_f[] = {
	GENERIC_HDR,
	U8("number"),
	E8("proto", PROTO),
	SIZE8("spi_size", 7),
	COUNT8("transforms", 8),
	SIZED("spi", 5),
	LIST("T", &ik_sd_trans),
};
SDESC(ik_sd_prop, "P", IK_PAYLOAD_P, IK_S_PAYLOAD, "RFC2408 3.5", prop_f, 8);

/*
 * RFC 2408 3.4 security association payload (Figure 5), and for the IPsec DOI RFC 2407 4.6.1
 * (its Figure 1): the labeled domain fields follow only with SIT_SECRECY or SIT_INTEGRITY,
 * which the decoder refuses (SITUATION-NOT-SUPPORTED).
 *      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     !  Next Payload !   RESERVED    !        Payload Length         !
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     !                Domain of Interpretation (IPSEC)               |
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     !                       Situation (bitmap)                      !
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     !                    Labeled Domain Identifier                  !
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     !  Secrecy Length (in octets)   !           RESERVED            !
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     ~                        Secrecy Level                          ~
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     ! Secrecy Cat. Length (in bits) !           RESERVED            !
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     ~                    Secrecy Category Bitmap                    ~
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     ! Integrity Length (in octets)  !           RESERVED            !
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     ~                       Integrity Level                         ~
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     ! Integ. Cat. Length (in bits)  !           RESERVED            !
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     ~                  Integrity Category Bitmap                    ~
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc sa_f[] = {
	GENERIC_HDR,
	E32("doi", DOI),
	N("situation", IK_K_U32, IK_R_FLAGS, IK_T_SIT),
	LIST("P", &ik_sd_prop),
};
SDESC(sd_sa, "SA", IK_PAYLOAD_SA, IK_S_PAYLOAD, "RFC2408 3.4", sa_f, 5);

/*
 * RFC 2408 3.7 key exchange payload (Figure 8).
 *                            1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ! Next Payload  !   RESERVED    !         Payload Length        !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !                                                               !
 *       ~                       Key Exchange Data                       ~
 *       !                                                               !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc ke_f[] = {GENERIC_HDR, REST("data", IK_SHOW_HEX)};
SDESC(sd_ke, "KE", IK_PAYLOAD_KE, IK_S_PAYLOAD, "RFC2408 3.7", ke_f, IK_NO_LIST);

/*
 * RFC 2408 3.8 identification payload (Figure 9) as the IPsec DOI fills it, RFC 2407 4.6.2
 * (its Figure 2). Phase 1 and phase 2 share the layout; in phase 1 protocol and port are 0 or
 * UDP/500 (RFC 2407 4.6.2), in phase 2 they select traffic. Data by ID type: 4.6.2.2-4.6.2.12.
 *      0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     !  Next Payload !   RESERVED    !        Payload Length         !
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     !   ID Type     !  Protocol ID  !             Port              !
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *     ~                     Identification Data                       ~
 *     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc id_f[] = {
	GENERIC_HDR, E8("id_type", ID_TYPE), U8("proto"), U16("port"), REST("data", IK_SHOW_ID),
};
SDESC(sd_id, "ID", IK_PAYLOAD_ID, IK_S_PAYLOAD, "RFC2407 4.6.2", id_f, IK_NO_LIST);

/*
 * RFC 2408 3.9 certificate payload (Figure 10).
 *                            1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ! Next Payload  !   RESERVED    !         Payload Length        !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ! Cert Encoding !                                               !
 *       +-+-+-+-+-+-+-+-+                                               !
 *       ~                       Certificate Data                        ~
 *       !                                                               !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc cert_f[] = {GENERIC_HDR, E8("encoding", CERT_ENC),
                                         REST("data", IK_SHOW_HEX)};
SDESC(sd_cert, "CERT", IK_PAYLOAD_CERT, IK_S_PAYLOAD, "RFC2408 3.9", cert_f, IK_NO_LIST);

/*
 * RFC 2408 3.10 certificate request payload (Figure 11).
 *                            1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ! Next Payload  !   RESERVED    !         Payload Length        !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !  Cert. Type   !                                               !
 *       +-+-+-+-+-+-+-+-+                                               !
 *       ~                    Certificate Authority                      ~
 *       !                                                               !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc cr_f[] = {GENERIC_HDR, E8("cert_type", CERT_ENC),
                                       REST("data", IK_SHOW_HEX)};
SDESC(sd_cr, "CR", IK_PAYLOAD_CR, IK_S_PAYLOAD, "RFC2408 3.10", cr_f, IK_NO_LIST);

/*
 * RFC 2408 3.11 hash payload (Figure 12).
 *                            1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ! Next Payload  !   RESERVED    !         Payload Length        !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !                                                               !
 *       ~                           Hash Data                           ~
 *       !                                                               !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc hash_f[] = {GENERIC_HDR, REST("data", IK_SHOW_HEX)};
SDESC(sd_hash, "HASH", IK_PAYLOAD_HASH, IK_S_PAYLOAD, "RFC2408 3.11", hash_f, IK_NO_LIST);

/*
 * RFC 2408 3.12 signature payload (Figure 13).
 *                            1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ! Next Payload  !   RESERVED    !         Payload Length        !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !                                                               !
 *       ~                         Signature Data                        ~
 *       !                                                               !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc sig_f[] = {GENERIC_HDR, REST("data", IK_SHOW_HEX)};
SDESC(sd_sig, "SIG", IK_PAYLOAD_SIG, IK_S_PAYLOAD, "RFC2408 3.12", sig_f, IK_NO_LIST);

/*
 * RFC 2408 3.13 nonce payload (Figure 14).
 *                            1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ! Next Payload  !   RESERVED    !         Payload Length        !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !                                                               !
 *       ~                            Nonce Data                         ~
 *       !                                                               !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc nonce_f[] = {GENERIC_HDR, REST("data", IK_SHOW_HEX)};
SDESC(sd_nonce, "NONCE", IK_PAYLOAD_NONCE, IK_S_PAYLOAD, "RFC2408 3.13", nonce_f, IK_NO_LIST);

/*
 * RFC 2408 3.14 notification payload (Figure 15); types 3.14.1, RFC 2407 4.6.3, RFC 3706.
 *                            1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ! Next Payload  !   RESERVED    !         Payload Length        !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !              Domain of Interpretation  (DOI)                  !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !  Protocol-ID  !   SPI Size    !      Notify Message Type      !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !                                                               !
 *       ~                Security Parameter Index (SPI)                 ~
 *       !                                                               !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !                                                               !
 *       ~                       Notification Data                       ~
 *       !                                                               !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc n_f[] = {
	GENERIC_HDR,         E32("doi", DOI), E8("proto", PROTO),        SIZE8("spi_size", 7),
	E16("type", NOTIFY), SIZED("spi", 5), REST("data", IK_SHOW_HEX),
};
SDESC(sd_n, "N", IK_PAYLOAD_N, IK_S_PAYLOAD, "RFC2408 3.14", n_f, IK_NO_LIST);

/*
 * RFC 2408 3.15 delete payload (Figure 16): `count` SPIs of `spi_size` octets each.
 *                            1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ! Next Payload  !   RESERVED    !         Payload Length        !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !              Domain of Interpretation  (DOI)                  !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !  Protocol-Id  !   SPI Size    !           # of SPIs           !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !                                                               !
 *       ~               Security Parameter Index(es) (SPI)              ~
 *       !                                                               !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc d_f[] = {
	GENERIC_HDR,         E32("doi", DOI),
	E8("proto", PROTO),  U8("spi_size"),
	COUNT16("count", 7), {.name = "spis", .kind = IK_K_BYTES, .ref = 5, .mul = 6},
};
SDESC(sd_d, "D", IK_PAYLOAD_D, IK_S_PAYLOAD, "RFC2408 3.15", d_f, IK_NO_LIST);

/*
 * RFC 2408 3.16 vendor ID payload (Figure 17).
 *                            1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ! Next Payload  !   RESERVED    !         Payload Length        !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !                                                               !
 *       ~                        Vendor ID (VID)                        ~
 *       !                                                               !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc vid_f[] = {GENERIC_HDR, REST("data", IK_SHOW_VID)};
SDESC(sd_vid, "VID", IK_PAYLOAD_VID, IK_S_PAYLOAD, "RFC2408 3.16", vid_f, IK_NO_LIST);

/*
 * draft-dukes-ike-mode-cfg-02 3.2 attribute payload (mode-config and XAUTH, transaction 6).
 *                             1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ! Next Payload  !   RESERVED    !         Payload Length        !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !     Type      !   RESERVED    !           Identifier          !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       !                                                               !
 *       ~                           Attributes                          ~
 *       !                                                               !
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc cfg_f[] = {
	GENERIC_HDR,
	E8("type", CFG_TYPE),
	RES8("reserved2", "draft-dukes-ike-mode-cfg-02 3.2"),
	U16("identifier"),
	LIST("attrs", &ik_sd_attr),
};
SDESC(sd_cfg, "ATTR", IK_PAYLOAD_ATTR, IK_S_PAYLOAD, "draft-dukes-ike-mode-cfg-02 3.2", cfg_f, 6);

/*
 * RFC 3947 3.2 NAT discovery payload (and 130 in draft-ietf-ipsec-nat-t-ike-02/03):
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       | Next Payload  |    RESERVED   |        Payload length         |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ~                 HASH of the address and port                  ~
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc natd_f[] = {GENERIC_HDR, REST("data", IK_SHOW_HEX)};
SDESC(sd_natd, "NAT-D", IK_PAYLOAD_NATD, IK_S_PAYLOAD, "RFC3947 3.2", natd_f, IK_NO_LIST);
SDESC(sd_natd_draft, "NAT-D-DRAFT", IK_PAYLOAD_NATD_DRAFT, IK_S_PAYLOAD,
      "draft-ietf-ipsec-nat-t-ike-02 3.2", natd_f, IK_NO_LIST);

/*
 * RFC 3947 5.1 NAT original address payload (131 in the drafts, same layout):
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       | Next Payload  |    RESERVED   |        Payload length         |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |    ID Type    |    RESERVED   |            RESERVED           |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |           IPv4 (4 octets) or IPv6 address (16 octets)         |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc natoa_f[] = {
	GENERIC_HDR,
	E8("id_type", ID_TYPE),
	RES8("reserved2", "RFC3947 5.1"),
	RES16("reserved3", "RFC3947 5.1"),
	REST("addr", IK_SHOW_ADDR),
};
SDESC(sd_natoa, "NAT-OA", IK_PAYLOAD_NATOA, IK_S_PAYLOAD, "RFC3947 5.1", natoa_f, IK_NO_LIST);
SDESC(sd_natoa_draft, "NAT-OA-DRAFT", IK_PAYLOAD_NATOA_DRAFT, IK_S_PAYLOAD,
      "draft-ietf-ipsec-nat-t-ike-02 5.1", natoa_f, IK_NO_LIST);

/*
 * IKEv1 fragmentation (Cisco, implemented by strongSwan and Libreswan; no RFC), type 132.
 * Flags: 0x01 LAST_FRAGMENT.
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       | Next Payload  |    RESERVED   |        Payload Length         |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |          Fragment ID          |  Fragment Num |     Flags     |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       ~                         Fragment Data                         ~
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
static const struct ik_fdesc frag_f[] = {
	GENERIC_HDR, U16("frag_id"), U8("frag_num"), U8("flags"), REST("data", IK_SHOW_HEX),
};
SDESC(sd_frag, "FRAG", IK_PAYLOAD_FRAG, IK_S_PAYLOAD, "Cisco IKE fragmentation", frag_f,
      IK_NO_LIST);

/* Private-use payload types without a layout (RFC 2408 3.1: 128-255): header + opaque data. */
static const struct ik_fdesc opaque_f[] = {GENERIC_HDR, REST("data", IK_SHOW_HEX)};
SDESC(ik_sd_opaque, "PRIVATE", 0, IK_S_PAYLOAD, "RFC2408 3.1", opaque_f, IK_NO_LIST);

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
