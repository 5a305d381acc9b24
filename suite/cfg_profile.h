/*
 * A DUT profile (profile.h) turned into what one engine negotiates (struct ik_cfg), seen from
 * either side: the tester's view for `connect` and `run` (local = [tester], remote = [dut]) and
 * the DUT's view for `serve` (local = [dut], remote = [tester]). Everything the engine needs is
 * filled; what a profile can say but the engine cannot do yet is refused with a sentence.
 */
#ifndef IK_CFG_PROFILE_H
#define IK_CFG_PROFILE_H

/*
 * profile.h (RFC 2409 App. A auth method values) and keys.h (key schedule kinds) both name an
 * enumerator IK_AUTH_PSK. Until one is renamed, profile.h's are seen as IK_PROFILE_AUTH_* in
 * every file that needs both: include this header before profile.h.
 */
#define IK_AUTH_PSK     IK_PROFILE_AUTH_PSK
#define IK_AUTH_RSA_SIG IK_PROFILE_AUTH_RSA_SIG
#define IK_AUTH_DSS_SIG IK_PROFILE_AUTH_DSS_SIG
#include "profile.h"
#undef IK_AUTH_PSK
#undef IK_AUTH_RSA_SIG
#undef IK_AUTH_DSS_SIG
#include "ike.h"

/* Fill *c from *p; as_dut picks the view. False with st->why naming the profile file. An rsa-sig
 * profile loads its certificates (ik_cfg_certs): ik_cfg_release them when done. */
bool ik_cfg_from_profile(struct ik_cfg *c, const struct ik_profile *p, bool as_dut,
                         struct ik_status *st);
/* auth.method = rsa-sig or dss-sig (cfg_cert.c, RFC 2409 5.1): load our certificate, chain and
 * key and the trust of auth.ca / auth.crl into c->creds / c->trust, offer that method in every
 * phase 1 transform, and give ID_DER_ASN1_DN identities the DER subjects of the certificates.
 * What it loaded is c's until ik_cfg_release (after the engine that copied c is freed). */
bool ik_cfg_certs(struct ik_cfg *c, const struct ik_profile *p, bool as_dut, struct ik_status *st);
void ik_cfg_release(struct ik_cfg *c); /* a cfg without certificates: nothing */
/* An identity as a phase 1 ID payload body (RFC 2407 4.6.2, protocol 0 / port 0). */
bool ik_id_from_ident(struct ik_id *id, const struct ik_ident *in, struct ik_status *st);
/* A subnet as a quick mode client ID (RFC 2407 4.6.2.2/5/6/7): a host prefix becomes
 * ID_IPV4_ADDR / ID_IPV6_ADDR, anything wider ID_IPV4_ADDR_SUBNET / ID_IPV6_ADDR_SUBNET. */
void ik_id_from_subnet(struct ik_id *id, const struct ik_subnet *s);
/* Aggressive mode sends KE in AM1, so every offer must share the first one's DH group
 * (RFC 2409 5): drop the others. Returns how many were dropped. */
size_t ik_cfg_one_group(struct ik_cfg *c);

#endif
