/*
 * The DUT profile (DESIGN.md "The DUT profile", docs/profile.md): one INI-style file that says
 * how to reach a device under test and what it is configured with. The same parsed struct feeds
 * the configuration emitters (`ikecheck profile render`) and the engine (`connect`, `serve`,
 * `run --profile`), so everything here is already validated and numeric.
 */
#ifndef IK_PROFILE_H
#define IK_PROFILE_H

#include "proposal.h"
#include "status.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define IK_PROFILE_MAX_PROPOSALS 16
#define IK_PROFILE_MAX_SUBNETS   8
#define IK_PROFILE_MAX_PSK       256
#define IK_PROFILE_TEXT          256
#define IK_PROFILE_MAX_PEER_IDS  8

/* Who may start an exchange (bit set). */
enum { IK_ROLE_RESPONDER = 1u << 0, IK_ROLE_INITIATOR = 1u << 1 };
/* Phase 1 exchange modes the DUT accepts (bit set). */
enum { IK_MODE_MAIN = 1u << 0, IK_MODE_AGGRESSIVE = 1u << 1 };

enum ik_vendor {
	IK_VENDOR_GENERIC,
	IK_VENDOR_STRONGSWAN,
	IK_VENDOR_LIBRESWAN,
	IK_VENDOR_CISCO_IOS,
	IK_VENDOR_IKECHECK,
};

/* RFC 2409 Appendix A Authentication Method values. */
enum ik_auth_method {
	IK_AUTH_PSK = 1,
	IK_AUTH_DSS_SIG = 2, /* DSS signatures, r||s (RFC 2409 5.1) */
	IK_AUTH_RSA_SIG = 3,
	IK_AUTH_RSA_ENC = 4,     /* RSA encrypted nonces, RFC 2409 5.2 */
	IK_AUTH_RSA_ENC_REV = 5, /* the revised mode, RFC 2409 5.3 */
};
/* The methods that need certificates and keys (docs/certificates.md), and the two of public key
 * encryption, where each side must hold the other's certificate beforehand (RFC 2409 5.2). */
static inline bool ik_auth_pki(int method)
{
	return method == 2 || method == 3 || method == 4 || method == 5;
}
/* The two of signatures (RFC 2409 5.1): dss-sig and rsa-sig. */
static inline bool ik_auth_sig(int method)
{
	return method == 2 || method == 3;
}
static inline bool ik_auth_enc(int method)
{
	return method == 4 || method == 5;
}

/*
 * What the DUT does with a lifetime longer than its own (RFC 2407 4.5.4 allows all three), for
 * phase 1 and for quick mode each (phase1.lifetime_policy, phase2.lifetime_policy).
 */
enum ik_lifetime_policy {
	IK_LIFETIME_STRICT,  /* refuse the proposal (Cisco IOS) */
	IK_LIFETIME_LENIENT, /* accept, answer RESPONDER-LIFETIME with its own (RFC 2407 4.6.3.1) */
	IK_LIFETIME_OBEY,    /* accept the initiator's value as is */
};

/* phase1.am3: how our last aggressive mode message goes (RFC 2409 5 allows both). */
enum ik_am3 { IK_AM3_CLEAR, IK_AM3_ENCRYPTED };

/* RFC 2407 4.5 Encapsulation Mode values. */
enum ik_ipsec_mode { IK_IPSEC_TUNNEL = 1, IK_IPSEC_TRANSPORT = 2 };

/* RFC 2407 4.6.2.1 Identification Type values (those a profile can name). */
enum ik_id_type {
	IK_ID_IPV4_ADDR = 1,
	IK_ID_FQDN = 2,
	IK_ID_USER_FQDN = 3,
	IK_ID_IPV6_ADDR = 5,
	IK_ID_DER_ASN1_DN = 9,
	IK_ID_KEY_ID = 11,
};

struct ik_addr {
	struct sockaddr_storage ss; /* port filled from the endpoint's `port` */
	socklen_t len;
	char text[48]; /* the address as inet_ntop writes it */
};

struct ik_subnet {
	int family;       /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network byte order, host bits cleared */
	uint8_t prefix;
};

/*
 * An identity in strongSwan syntax. `text` is what the profile said (or the address when it
 * said nothing); `type` and `value` are what goes into an ID payload: the address text for
 * IPV4/IPV6 (bytes in `bin`), the name for FQDN / USER_FQDN, the DN string for DER_ASN1_DN
 * (still to be DER-encoded by the engine), and raw bytes in `bin` for KEY_ID ("@#hex").
 */
struct ik_ident {
	char text[IK_PROFILE_TEXT];
	enum ik_id_type type;
	char value[IK_PROFILE_TEXT];
	uint8_t bin[128];
	size_t bin_len;
};

/* tester.simulate_nat (docs/profile.md): a NAT in front of the tester, of the DUT, or of both */
enum { IK_NATSIM_TESTER = 1, IK_NATSIM_DUT = 2 };

struct ik_endpoint {
	struct ik_addr addr;
	uint16_t port;       /* IKE port, default 500 */
	uint16_t nat_t_port; /* RFC 3947 floated port, default 4500 */
	struct ik_ident id;  /* default: the address */
	struct ik_subnet subnet[IK_PROFILE_MAX_SUBNETS];
	size_t n_subnets;
	/* auth.method = rsa-sig (docs/certificates.md): PEM files, paths resolved from the
	 * profile's directory; "" when not given. */
	char cert[IK_PROFILE_TEXT], key[IK_PROFILE_TEXT], chain[IK_PROFILE_TEXT];
	/* tester only (the certificate cases, docs/certificates.md): present bad_certs/NAME.pem signed
	 * with NAME.key instead of cert/key, unchecked; bad_certs defaults to cert's directory */
	char bad_cert[IK_PROFILE_TEXT], bad_certs[IK_PROFILE_TEXT];
	/* tester.use_dut_cert: check the peer's SIG with its `cert` when it sends no CERT (RFC
	 * 2409 5.1 "[ CERT, ]"); default yes */
	bool use_peer_cert;
	/* dut.peer_cert: the tester's certificate as the DUT holds it configured (rendered into
	 * swanctl.conf remote certs and Libreswan's NSS + rightcert), so it can check SIG_I with
	 * no CERT payload (RFC 2409 5.1 "[ CERT, ]", CERT-POS-007); "" when the DUT holds none.
	 * tester.send_cert: send CERT payloads with SIG (default yes). */
	char peer_cert[IK_PROFILE_TEXT];
	bool send_cert;
	/* tester.need_cr: refuse the DUT's SIG when none of its phase 1 messages carried a CR (RFC
	 * 2408 3.10 SHOULD; CERT-CR-002); default no */
	bool need_cr;
	/* tester.check_cr: refuse the DUT's SIG when a CR it sent has a type RFC 2408 3.9 does not
	 * list or an X.509 authority that is not one DER name (5.10; CERT-CR-007); default no */
	bool check_cr;
	/* IKEv1 fragmentation (engine/exchanges/frag.h): enum ik_frag_mode (default no) and the IP
	 * datagram size of a fragment (default 1280, as strongSwan). */
	int fragmentation;
	uint16_t fragment_size;
	/* tester.nonce_length: the octets of our phase 1 nonces (0: 32); RFC 2409 5 allows 8 to
	 * 256, a shorter one is the rsaenc cases' well-padded garbage (suite/cases/rsaenc) */
	uint16_t nonce_length;
	/* tester.xauth_type: as the XAUTH gateway, REQUEST this XAUTH_TYPE (draft-beaulieu-ike-
	 * xauth-02 6.3; 0 generic, sent without the attribute): XA-CLI-004 asks for a challenge
	 * type the client lacks */
	int xauth_type;
	/* tester.xauth_reply = status-ok: as the XAUTH client, REPLY XAUTH_STATUS OK and no user
	 * (XA-EDGE-011); tester.xauth_on_fail = go-on: take a SET(STATUS=FAIL) as OK and go on
	 * (XA-EDGE-012): tests of the DUT gateway */
	int xauth_reply, xauth_on_fail;
	/* tester.xauth_clear_request = mm2 | mm4: as the XAUTH gateway, a clear REQUEST for user
	 * and password right after that main mode message (XA-CLI-013); tester.cfg_unanswered = N:
	 * the first N copies of the client's mode-config REQUEST left unanswered (XA-CLI-014):
	 * tests of the DUT client */
	int xauth_clear_request, cfg_unanswered;
	/* tester.cfg_expiry = SECONDS: as the mode-config gateway, its REPLY with an address
	 * carries INTERNAL_ADDRESS_EXPIRY that long (draft-dukes-ike-mode-cfg-02 3.4; XA-CLI-015) */
	uint32_t cfg_expiry;
	/* tester.simulate_nat: where a simulated port-translating NAT is, IK_NATSIM_* bits: in front
	 * of the tester (ik_cfg.nat_sim), of the DUT (ik_cfg.nat_sim_peer), or both */
	int simulate_nat;
	/* tester.start_on_natt: begin phase 1 on the peer's NAT-T port (ik_cfg.natt_start) */
	bool start_on_natt;
	/* tester.omit_marker: IKE on the NAT-T port without the non-ESP marker (ik_cfg.natt_no_marker) */
	bool omit_marker;
	/* send_hash1: initiating under rsa-enc / rsa-enc-rev, send HASH(1), the hash of the
	 * certificate encrypted to (RFC 2409 5.2, 5.3; ik_cfg.pke_hash1) */
	bool send_hash1;
	/* tester.anti_replay = no: the tester's inbound ESP does no anti-replay and its QM2 says so,
	 * REPLAY-STATUS 0 (RFC 2407 4.6.3.2; ik_cfg.replay_off); default yes */
	bool anti_replay;
	/* tester.dpd_vid = no: no DPD vendor ID from the tester though features.dpd (RFC 3706 5.1: a
	 * peer that sends none takes no part in DPD; DPD-016); default yes */
	bool dpd_vid;
};

struct ik_profile {
	char path[IK_PROFILE_TEXT]; /* the file it came from, for messages */
	char name[IK_PROFILE_TEXT];
	enum ik_vendor vendor;
	unsigned roles; /* IK_ROLE_* */
	struct ik_endpoint dut, tester;

	enum ik_auth_method auth;
	uint8_t psk[IK_PROFILE_MAX_PSK]; /* wiped by ik_profile_wipe */
	size_t psk_len;
	char psk_file[IK_PROFILE_TEXT]; /* as written; "" when the PSK was inline */
	/* auth.ca, auth.crl (resolved paths, "" = none) and auth.id_type: which identity of its
	 * certificate an endpoint without `id` sends (RFC 2407 4.6.2; RFC 4945 3.1). */
	struct {
		char ca[IK_PROFILE_TEXT], crl[IK_PROFILE_TEXT];
		enum ik_id_type id_type;
	} pki;
	/* auth.peer_ids: the phase 1 identities the DUT accepts from a peer (RFC 2407 4.6.2).
	 * Default: the tester's id alone; a list always holds the tester's id. */
	struct {
		bool any; /* peer_ids = any: every well-formed identity */
		struct ik_ident id[IK_PROFILE_MAX_PEER_IDS];
		size_t n;
	} peer_ids;

	struct {
		unsigned modes; /* IK_MODE_* */
		struct ik_p1_proposal prop[IK_PROFILE_MAX_PROPOSALS];
		size_t n_prop;
		uint32_t lifetime; /* seconds */
		enum ik_lifetime_policy lifetime_policy;
		uint32_t dpd_delay; /* seconds, 0 = off */
		enum ik_am3 am3;    /* how we send AM3 (default clear) */
	} p1;

	struct {
		struct ik_p2_proposal prop[IK_PROFILE_MAX_PROPOSALS];
		size_t n_prop;
		uint16_t pfs_group;   /* for proposals that name none; 0 = no PFS */
		uint32_t lifetime;    /* seconds */
		uint32_t lifetime_kb; /* kilobytes as well (RFC 2407 4.5); 0: none */
		enum ik_lifetime_policy lifetime_policy;
		enum ik_ipsec_mode mode;
	} p2;

	/* [xauth] (docs/xauth.md): the user an XAUTH client logs in as and the one a gateway
	 * accepts (draft-beaulieu-ike-xauth-02 5.1). Used when features.xauth = yes. */
	struct {
		char user[IK_PROFILE_TEXT],
			password[IK_PROFILE_TEXT]; /* wiped by ik_profile_wipe */
		/* xauth.reauth: the DUT gateway re-runs XAUTH about this many seconds after the
		 * login (draft-beaulieu-ike-xauth-02 6; 0: it does not, XA-EDGE-020 SKIPs) */
		uint32_t reauth;
	} xauth;
	/* [modecfg]: what a mode-config gateway hands out (draft-dukes-ike-mode-cfg-02 5.1): an
	 * address from the pool (its first), the netmask and a DNS server. Used when
	 * features.modecfg = yes. */
	struct {
		struct ik_addr pool, netmask, dns;
		bool push; /* set/acknowledge: the gateway SETs, the client waits for it (2) */
	} modecfg;

	/* [natt]: the NAT-keepalive interval M of RFC 3948 4 (seconds, 0: the DUT sends none);
	 * keepalive_set: the profile states it (the cases that wait for keepalives need it) */
	struct {
		uint32_t keepalive;
		bool keepalive_set;
	} natt;

	struct {
		bool aggressive, nat_t, dpd, xauth, modecfg, certificates;
		/* the DUT, when it initiates, is an XAUTH client (draft-beaulieu-ike-xauth-02 5): it
		 * answers the tester's REQUEST as xauth.user; features.xauth claims the gateway */
		bool xauth_client;
		bool traffic; /* forwards ESP to an inner host that answers ping (run_traffic.c) */
		bool anti_replay; /* its inbound ESP SAs drop replays (RFC 4303 3.4.3 "may be disabled") */
		bool anti_replay_set; /* the profile states features.anti_replay (yes or no) */
		/* How it keeps concurrent SAs with the one tester apart, so that cases which otherwise
		 * run alone may run alongside others (suite/run_setup.c ik_case_runs_alone): */
		bool parallel_esp; /* answers traffic through the SA it came in on */
		bool ic_ignored;   /* deletes no other SA on INITIAL-CONTACT */
		bool fresh_init;   /* told to initiate, starts a new ISAKMP SA */
	} features;
};

/*
 * Read and validate a profile. On failure st->why is "FILE:LINE: reason" (LINE 0 when a whole
 * section is missing) and *p is wiped. Relative psk_file paths are taken from FILE's directory.
 */
bool ik_profile_load(struct ik_profile *p, const char *file, struct ik_status *st);
/* The same from memory; `file` names it in messages and anchors relative paths. */
bool ik_profile_parse(struct ik_profile *p, const char *text, size_t len, const char *file,
                      struct ik_status *st);
/*
 * auth.method = rsa-sig (suite/profile_cert.c): load every certificate, key, CA and CRL file
 * the profile names, check each key against its certificate and each certificate against
 * auth.ca, give an endpoint without `id` the auth.id_type identity of its certificate and
 * check an explicit one against it. st->why starts with the key it is about.
 */
bool ik_profile_check_certs(struct ik_profile *p, bool dut_id_set, bool tester_id_set,
                            struct ik_status *st);
/* tester.bad_cert: the certificate and key files it names (NAME.pem, NAME.key in
 * tester.bad_certs, by default tester.cert's directory), checked readable; n bytes each. */
bool ik_profile_bad_cert(const struct ik_profile *p, char *cert, char *key, size_t n,
                         struct ik_status *st);
/* Wipe the secrets (OPENSSL_cleanse) and zero the struct. */
void ik_profile_wipe(struct ik_profile *p);

/*
 * One value as `ikecheck profile get` prints it: KEY is "section.key" (dut.address,
 * phase1.lifetime in seconds, auth.psk, ...). False for an unknown key or a value too long.
 */
bool ik_profile_get(const struct ik_profile *p, const char *key, char *out, size_t len);
/* Walk the known keys ("dut.address", ...): NULL past the end. */
const char *ik_profile_key_at(size_t i);

const char *ik_profile_vendor_name(enum ik_vendor v);

/* The value parsers the profile uses (suite/profile_values.c); false when text is not one. */
bool ik_profile_addr_parse(struct ik_addr *a, const char *text); /* IPv4 or IPv6, port 0 */
bool ik_uint_parse(const char *text, unsigned long max, unsigned long *out); /* decimal */
bool ik_duration_parse(const char *text, uint32_t *seconds); /* "28800", "8h", "30m", "45s", "1d" */
/* strongSwan identity syntax (docs/profile.md); *why says what is wrong. */
bool ik_ident_parse(struct ik_ident *id, const char *text, const char **why);
/* Whether two parsed identities name the same ID payload (type and value, not spelling). */
bool ik_ident_same(const struct ik_ident *a, const struct ik_ident *b);
/* Whether the profile's auth.peer_ids accepts identity id (any, or one listed). */
bool ik_profile_accepts_id(const struct ik_profile *p, const struct ik_ident *id);
/* "10.2.0.0/24", "2001:db8::/64", a bare address (= host); host bits must be zero. */
bool ik_subnet_parse(struct ik_subnet *s, const char *text);
/* The inner address an endpoint stands for: the first host of its first subnet (the lab puts
 * it on lo in the namespace); 0.0.0.0 when it has no IPv4 subnet. */
struct in_addr ik_profile_first_host(const struct ik_endpoint *ep);
/* "10.2.0.0/24" */
bool ik_subnet_format(const struct ik_subnet *s, char *out, size_t len);

#endif
