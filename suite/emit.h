/*
 * Configuration emitters: a DUT profile as strongSwan swanctl.conf, Libreswan ipsec.conf and
 * ipsec.secrets, or a Cisco IOS snippet (`ikecheck profile render`, docs/profile.md).
 *
 * Each emitter writes to `out` and says on `warn` what the target cannot express (and leaves it
 * out); it fails, with st->why, only when nothing usable remains or the profile cannot be
 * rendered at all. Callers buffer `out` so a failed render prints nothing.
 */
#ifndef IK_EMIT_H
#define IK_EMIT_H

#include "profile.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum ik_emit_side { IK_SIDE_DUT, IK_SIDE_TESTER };

struct ik_emit_opts {
	enum ik_emit_side side; /* dut: local = [dut], remote = [tester]; tester: the mirror */
	bool initiator;         /* the rendered connection starts on its own */
	const char *name;       /* connection name, [A-Za-z0-9_-]+ */
};

bool ik_emit_swanctl(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out,
                     FILE *warn, struct ik_status *st);
bool ik_emit_libreswan_conf(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out,
                            FILE *warn, struct ik_status *st);
bool ik_emit_libreswan_secrets(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out,
                               FILE *warn, struct ik_status *st);
bool ik_emit_ios(const struct ik_profile *p, const struct ik_emit_opts *o, FILE *out, FILE *warn,
                 struct ik_status *st);

/* The endpoint the rendered box is (local) and the one it talks to (remote). */
static inline const struct ik_endpoint *ik_emit_local(const struct ik_profile *p,
                                                      const struct ik_emit_opts *o)
{
	return o->side == IK_SIDE_DUT ? &p->dut : &p->tester;
}

static inline const struct ik_endpoint *ik_emit_remote(const struct ik_profile *p,
                                                       const struct ik_emit_opts *o)
{
	return o->side == IK_SIDE_DUT ? &p->tester : &p->dut;
}

/*
 * The remote identities the rendered box accepts: the DUT's auth.peer_ids (any, or the list,
 * the tester's first), the DUT's own identity for the tester side. NULL with *any set for any.
 */
static inline const struct ik_ident *
ik_emit_remote_id(const struct ik_profile *p, const struct ik_emit_opts *o, size_t i, bool *any)
{
	*any = o->side == IK_SIDE_DUT && p->peer_ids.any;
	if (o->side == IK_SIDE_TESTER)
		return i ? NULL : &p->dut.id;
	if (*any)
		return NULL;
	/* The tester's own first (it is always listed), then the others in profile order. */
	if (!i)
		return &p->tester.id;
	for (size_t k = 0, n = 0; k < p->peer_ids.n; k++)
		if (!ik_ident_same(&p->peer_ids.id[k], &p->tester.id) && ++n == i)
			return &p->peer_ids.id[k];
	return NULL;
}

static inline const char *ik_emit_side_name(const struct ik_emit_opts *o)
{
	return o->side == IK_SIDE_DUT ? "dut" : "tester";
}

/*
 * True when a secret can be written between double quotes as is: printable ASCII, no quote
 * or backslash, and not starting with 0x / 0s, which swanctl reads as hex / Base64 even
 * quoted (swanctl.conf(5) secrets). Otherwise emitters write it as 0x-hex, which strongSwan
 * and Libreswan both read (ipsec.secrets(5): a quoted secret "cannot contain a newline or
 * double-quote"; "XAUTH is otherwise identical to PSK in syntax"; ipsec_ttodata(3) 0x).
 */
static inline bool ik_emit_secret_plain(const uint8_t *s, size_t n)
{
	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 's' || s[1] == 'S'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' || s[i] == '\\')
			return false;
	return true;
}

/* A secret (PSK, XAUTH password) as a quoted string or 0x-hex (see ik_emit_secret_plain). */
static inline void ik_emit_secret(const uint8_t *s, size_t n, FILE *out)
{
	if (ik_emit_secret_plain(s, n)) {
		fprintf(out, "\"%.*s\"", (int)n, (const char *)s);
		return;
	}
	fputs("0x", out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", s[i]);
}

static inline void ik_emit_psk(const struct ik_profile *p, FILE *out)
{
	ik_emit_secret(p->psk, p->psk_len, out);
}

/* The XAUTH password, written as a PSK is. */
static inline void ik_emit_xauth_password(const struct ik_profile *p, FILE *out)
{
	ik_emit_secret((const uint8_t *)p->xauth.password, strlen(p->xauth.password), out);
}

/*
 * An identity as strongSwan and Libreswan both write it: address, @fqdn, user@fqdn, @#hex key
 * id, or a quoted DN.
 */
static inline void ik_emit_ident(const struct ik_ident *id, FILE *out)
{
	switch (id->type) {
	case IK_ID_FQDN: fprintf(out, "@%s", id->value); break;
	case IK_ID_KEY_ID: fprintf(out, "@#%s", id->value); break;
	case IK_ID_DER_ASN1_DN: fprintf(out, "\"%s\"", id->value); break;
	default: fputs(id->value, out);
	}
}

/* The file name of a path (certificates are copied into the target's own directories). */
static inline const char *ik_emit_base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/*
 * rsa-sig: the rendered side needs its own certificate and key (the tester's are required by
 * the profile, the DUT's are optional there: a real DUT may keep its own).
 */
static inline bool ik_emit_certs_ok(const struct ik_profile *p, const struct ik_emit_opts *o,
                                    const char *who, struct ik_status *st)
{
	const struct ik_endpoint *l = ik_emit_local(p, o);

	if (!ik_auth_pki(p->auth) || (*l->cert && *l->key))
		return true;
	return ik_fail(st, 0, "%s: rsa-sig for the %s side needs %s.cert and %s.key in the profile",
	               who, ik_emit_side_name(o), ik_emit_side_name(o), ik_emit_side_name(o));
}

/*
 * auth.method = rsa-enc / rsa-enc-rev (RFC 2409 5.2 / 5.3) on an implementation that has no
 * encrypted nonce authentication (strongSwan, Libreswan: neither implements methods 4 and 5):
 * an error, never a configuration that would silently authenticate otherwise.
 */
/*
 * auth.method = dss-sig (RFC 2409 5.1, method 2) on an implementation without DSS signatures in
 * IKEv1 (strongSwan, Libreswan, IOS here): the same kind of error.
 */
static inline bool ik_emit_dss_ok(const struct ik_profile *p, const char *who, const char *impl,
                                  struct ik_status *st)
{
	if (p->auth != IK_AUTH_DSS_SIG)
		return true;
	return ik_fail(st, 0,
	               "%s: auth.method = dss-sig: %s has no DSS signature authentication in IKEv1 "
	               "(RFC 2409 5.1, method 2); test such a DUT against ikecheck serve, or use "
	               "rsa-sig or psk",
	               who, impl);
}

static inline bool ik_emit_auth_ok(const struct ik_profile *p, const char *who, const char *impl,
                                   struct ik_status *st)
{
	if (!ik_emit_dss_ok(p, who, impl, st))
		return false;
	if (!ik_auth_enc(p->auth))
		return true;
	return ik_fail(st, 0,
	               "%s: auth.method = %s: %s has no RSA encrypted nonce authentication (RFC "
	               "2409 %s, method %d); test such a DUT against ikecheck serve, or use "
	               "rsa-sig or psk",
	               who, p->auth == IK_AUTH_RSA_ENC ? "rsa-enc" : "rsa-enc-rev", impl,
	               p->auth == IK_AUTH_RSA_ENC ? "5.2" : "5.3", p->auth);
}

/*
 * The XAUTH user goes unquoted into swanctl.conf (xauth_id, the secret's id), ipsec.conf
 * (leftusername) and ipsec.secrets ("@user : XAUTH"), where a blank, quote, '#', '=', brace or
 * '@' would end or change the value: such a name is refused with a clear error rather than
 * rendered into a config the peer reads otherwise (the engine sends any name as written).
 */
static inline bool ik_emit_xauth_user_ok(const struct ik_profile *p, const char *who,
                                         struct ik_status *st)
{
	if (!p->features.xauth && !p->features.xauth_client)
		return true;
	for (const char *c = p->xauth.user; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("._+-", *c))
			return ik_fail(st, 0,
			               "%s: xauth.user \"%s\" holds '%c', which the generated peer "
			               "configuration cannot carry unquoted: use letters, digits "
			               "and . _ + - only",
			               who, p->xauth.user, *c);
	return true;
}

#endif
