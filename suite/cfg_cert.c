/*
 * An rsa-sig, rsa-enc or rsa-enc-rev profile's certificates for the engine (RFC 2409 5.1, 5.2,
 * 5.3; the peer's certificate is then the key our nonce is encrypted to): our credentials and the
 * trust of auth.ca / auth.crl loaded with the engine's certificate layer (engine/crypto/cert.h)
 * and pointed at from struct ik_cfg, every phase 1 transform offering RSA signatures, and
 * distinguished-name identities as the DER subjects of the certificates (RFC 4945 3.1).
 */
#include "cfg_profile.h"
#include "cert.h"
#include "consts.h"

#include <stdlib.h>
#include <string.h>

/* One allocation holds both; c->creds points at its start (ik_cfg_release frees it). */
struct cfg_pki {
	struct ik_creds creds;
	struct ik_trust trust;
};

/* Identity ID_DER_ASN1_DN of an endpoint: the subject of its certificate when the profile names
 * it; else any (type 0), the certificate's chain to auth.ca then being what vouches for it. */
static bool endpoint_dn(struct ik_id *id, const struct ik_endpoint *peer, struct ik_status *st)
{
	STACK_OF(X509) *x = peer->cert[0] ? ik_pem_certs(peer->cert, "peer cert", st) : NULL;
	bool ok = true;

	memset(id, 0, sizeof(*id));
	if (x)
		ok = ik_cert_id_data(sk_X509_value(x, 0), IK_ID_TYPE_DER_ASN1_DN, id->data,
		                     sizeof(id->data), &id->len, st);
	if (x && ok)
		id->type = IK_ID_TYPE_DER_ASN1_DN;
	sk_X509_pop_free(x, X509_free);
	return ok;
}

static bool dn_ids(struct ik_cfg *c, const struct ik_profile *p, bool as_dut, struct ik_status *st)
{
	const struct ik_endpoint *me = as_dut ? &p->dut : &p->tester;
	const struct ik_endpoint *peer = as_dut ? &p->tester : &p->dut;

	/* A tester presenting tester.bad_cert keeps the subject of its own certificate as its
	 * identity: the bad certificate (noid) must not change what the ID payload says. */
	if (me->id.type == IK_ID_DER_ASN1_DN && !as_dut && *me->bad_cert) {
		if (!endpoint_dn(&c->id_local, me, st))
			return false;
	} else if (me->id.type == IK_ID_DER_ASN1_DN &&
	           !ik_cert_id_data(c->creds->cert, IK_ID_TYPE_DER_ASN1_DN, c->id_local.data,
	                            sizeof(c->id_local.data), &c->id_local.len, st))
		return false;
	return peer->id.type != IK_ID_DER_ASN1_DN || endpoint_dn(&c->id_remote, peer, st);
}

/* The peer's certificate when the profile names it: it checks the peer's SIG when no CERT
 * comes (RFC 2409 5.1 "[ CERT, ]"), and under public key encryption it is the key our nonce is
 * encrypted to (5.2). bad: the tester with tester.bad_cert under encryption encrypts to that
 * certificate instead, whose key the DUT does not hold (suite/cases/rsaenc). */
static bool known_peer(struct ik_trust *t, const struct ik_profile *p,
                       const struct ik_endpoint *peer, bool bad, struct ik_status *st)
{
	char cert[IK_PROFILE_TEXT], key[IK_PROFILE_TEXT];
	const char *file = peer->cert;

	/* serve as the DUT: the tester's certificate as the DUT holds it (dut.peer_cert) */
	if (peer == &p->tester && *p->dut.peer_cert)
		file = p->dut.peer_cert;

	if (bad && *p->tester.bad_cert) {
		if (!ik_profile_bad_cert(p, cert, key, sizeof(cert), st))
			return false;
		file = cert;
	}
	STACK_OF(X509) *x = file[0] ? ik_pem_certs(file, "peer cert", st) : NULL;

	if (!x)
		return !file[0];
	t->peer = sk_X509_shift(x);
	sk_X509_pop_free(x, X509_free);
	return true;
}

/* Our certificate, chain and key; the tester with tester.bad_cert presents that certificate,
 * signed with its own key and unchecked (the certificate cases, suite/cases/cert). */
static bool load_creds(struct ik_creds *creds, const struct ik_profile *p,
                       const struct ik_endpoint *me, bool as_dut, struct ik_status *st)
{
	char cert[IK_PROFILE_TEXT], key[IK_PROFILE_TEXT];

	/* public key encryption: the bad certificate is the one the tester encrypts to */
	if (as_dut || !*me->bad_cert || ik_auth_enc(p->auth))
		return ik_creds_load(creds, me->cert, me->chain, me->key, st);
	return ik_profile_bad_cert(p, cert, key, sizeof(cert), st) &&
	       ik_creds_load(creds, cert, me->chain, key, st);
}

bool ik_cfg_certs(struct ik_cfg *c, const struct ik_profile *p, bool as_dut, struct ik_status *st)
{
	const struct ik_endpoint *me = as_dut ? &p->dut : &p->tester;
	const char *side = as_dut ? "dut" : "tester";
	struct cfg_pki *k = calloc(1, sizeof(*k));
	bool enc = ik_auth_enc(p->auth);

	if (!k)
		return ik_fail(st, 0, "out of memory");
	if (!me->cert[0] || !me->key[0]) {
		free(k);
		return ik_fail(st, 0, "%s: %s.cert and %s.key are needed to %s (RFC 2409 %s)",
		               p->path, side, side, enc ? "decrypt" : "sign", enc ? "5.2" : "5.1");
	}
	if (!load_creds(&k->creds, p, me, as_dut, st)) {
		free(k);
		return false;
	}
	/* the peer's chain from the profile helps build its path when it sends its certificate
	 * alone (RFC 4945 3.3 leaves the chain optional) */
	const struct ik_endpoint *peer = as_dut ? &p->tester : &p->dut;
	if (!ik_trust_load(&k->trust, p->pki.ca, p->pki.crl, st) ||
	    (peer->chain[0] && !ik_trust_add_intermediates(&k->trust, peer->chain, st)) ||
	    ((me->use_peer_cert || enc) && !known_peer(&k->trust, p, peer, enc && !as_dut, st)) ||
	    (enc && !k->trust.peer &&
	     !ik_fail(st, 0,
	              "%s: %s.cert is needed: RFC 2409 5.2 encrypts to the peer's public key",
	              p->path, as_dut ? "tester" : "dut"))) {
		ik_trust_free(&k->trust);
		ik_creds_free(&k->creds);
		free(k);
		return false;
	}
	c->creds = &k->creds;
	c->trust = &k->trust;
	c->need_peer_cr = !as_dut && me->need_cr && !enc;
	c->check_peer_cr = !as_dut && me->check_cr && !enc;
	c->no_cert = !as_dut && !me->send_cert && !enc; /* tester.send_cert = no: SIG alone */
	for (size_t i = 0; i < c->np1; i++) /* profile.h's values are RFC 2409 App. A's */
		c->p1[i].auth = (uint16_t)p->auth;
	if (dn_ids(c, p, as_dut, st))
		return true;
	ik_cfg_release(c);
	return false;
}

void ik_cfg_release(struct ik_cfg *c)
{
	struct cfg_pki *k = (struct cfg_pki *)(void *)c->creds;

	if (!k)
		return;
	ik_creds_free(&k->creds);
	ik_trust_free(&k->trust);
	free(k);
	c->creds = NULL;
	c->trust = NULL;
}
