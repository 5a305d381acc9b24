/*
 * Mode-config with the gateway judged on its answers (draft-dukes-ike-mode-cfg-02): the rows of
 * engine/exchanges/cfg_check.def on REPLYs made by hand, each with one that keeps and one that
 * breaks it, and the gateway engine (ikecheck serve's) answering the queries of the `cfg` step
 * (suite/cfgq.def) as the draft says: what it knows, nothing it does not, no answer to an unknown
 * type or an overrunning ATTR. tests/test_quirk.c has each quirk that breaks them.
 */
#include "cunit.h"
#include "ike_pair.h"
#include "xchg.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* ---- the rows on REPLYs made by hand ---- */

/* One attribute of a test message: type and value ("": zero length; "4:" four zero octets). */
struct tattr {
	uint16_t type;
	const char *v;
	uint8_t len;
};

struct rowcase {
	const char *what;
	ik_chk_fn *fn;
	uint16_t asked[4]; /* our REQUEST's attributes (0 ends) */
	struct tattr got[4];
	bool kept;
};

#define A(t)                           \
	{                              \
		IK_CFG_ATTR_##t, "", 0 \
	}
#define V(t, v, len)                    \
	{                               \
		IK_CFG_ATTR_##t, v, len \
	}
#define MASK24 "\xff\xff\xff\x00"
#define ADDR   "\x0a\x09\x00\x0a"

static const struct rowcase rowcases[] = {
	{"no empty value", mc_no_empty, {1}, {V(INTERNAL_IP4_ADDRESS, ADDR, 4)}, true},
	{"an empty NBNS",
         mc_no_empty,
         {1, 4},
         {V(INTERNAL_IP4_ADDRESS, ADDR, 4), A(INTERNAL_IP4_NBNS)},
         false},
	{"private left out", mc_no_private, {1, 20000}, {V(INTERNAL_IP4_ADDRESS, ADDR, 4)}, true},
	{"private sent back", mc_no_private, {1, 20000}, {{20000, "\0\0\0\1", 4}}, false},
	{"one address of one", mc_addr_count, {1}, {V(INTERNAL_IP4_ADDRESS, ADDR, 4)}, true},
	{"two addresses of one",
         mc_addr_count,
         {1},
         {V(INTERNAL_IP4_ADDRESS, ADDR, 4), V(INTERNAL_IP4_ADDRESS, ADDR, 4)},
         false},
	{"an address not asked for (5.1)",
         mc_addr_count,
         {3},
         {V(INTERNAL_IP4_ADDRESS, ADDR, 4)},
         true},
	{"the address", mc_addr, {1}, {V(INTERNAL_IP4_ADDRESS, ADDR, 4)}, true},
	{"no address for one asked (2)", mc_addr, {1}, {V(INTERNAL_IP4_DNS, ADDR, 4)}, true},
	{"address 0.0.0.0", mc_addr, {1}, {V(INTERNAL_IP4_ADDRESS, "\0\0\0\0", 4)}, false},
	{"a netmask with its address",
         mc_mask_one,
         {1, 2},
         {V(INTERNAL_IP4_ADDRESS, ADDR, 4), V(INTERNAL_IP4_NETMASK, MASK24, 4)},
         true},
	{"a netmask alone", mc_mask_one, {2}, {V(INTERNAL_IP4_NETMASK, MASK24, 4)}, false},
	{"two netmasks",
         mc_mask_one,
         {1, 2},
         {V(INTERNAL_IP4_ADDRESS, ADDR, 4), V(INTERNAL_IP4_NETMASK, MASK24, 4),
          V(INTERNAL_IP4_NETMASK, MASK24, 4)},
         false},
	{"netmask /24", mc_mask, {2}, {V(INTERNAL_IP4_NETMASK, MASK24, 4)}, true},
	{"no netmask (2)", mc_mask, {2}, {V(INTERNAL_IP4_ADDRESS, ADDR, 4)}, true},
	{"netmask 255.0.255.0",
         mc_mask,
         {2},
         {V(INTERNAL_IP4_NETMASK, "\xff\x00\xff\x00", 4)},
         false},
	{"two expiries (MAY: recorded)",
         mc_expiry_one,
         {5},
         {V(INTERNAL_ADDRESS_EXPIRY, "\0\0\0\1", 4), V(INTERNAL_ADDRESS_EXPIRY, "\0\0\0\1", 4)},
         true},
	{"expiry of 4 octets",
         mc_expiry,
         {5},
         {V(INTERNAL_ADDRESS_EXPIRY, "\0\0\x0e\x10", 4)},
         true},
	{"expiry of 2 octets", mc_expiry, {5}, {V(INTERNAL_ADDRESS_EXPIRY, "\x0e\x10", 2)}, false},
	{"no expiry (2)", mc_expiry, {5}, {V(INTERNAL_IP4_ADDRESS, ADDR, 4)}, true},
	{"version", mc_version, {7}, {V(APPLICATION_VERSION, "strongSwan 5.9", 14)}, true},
	{"version with a NUL", mc_version, {7}, {V(APPLICATION_VERSION, "ikecheck", 9)}, false},
	{"subnet of 8 octets",
         mc_subnet,
         {13},
         {V(INTERNAL_IP4_SUBNET, "\x0a\x01\0\0" MASK24, 8)},
         true},
	{"subnet of 4 octets", mc_subnet, {13}, {V(INTERNAL_IP4_SUBNET, "\x0a\x01\0\0", 4)}, false},
	{"IPv6 subnet of 17 octets",
         mc_subnet6,
         {15},
         {V(INTERNAL_IP6_SUBNET, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\0\x40", 17)},
         true},
	{"IPv6 subnet without its prefix length",
         mc_subnet6,
         {15},
         {V(INTERNAL_IP6_SUBNET, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\0", 16)},
         false},
	{"IPv6 prefix length 129",
         mc_subnet6,
         {15},
         {V(INTERNAL_IP6_SUBNET, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\0\x81", 17)},
         false},
	{"no IPv6 subnet (2)", mc_subnet6, {15}, {V(INTERNAL_IP4_ADDRESS, ADDR, 4)}, true},
	{"supported list", mc_supported, {14}, {V(SUPPORTED_ATTRIBUTES, "\0\1\0\2", 4)}, true},
	{"two DNS servers (MAY: recorded)",
         mc_dns,
         {3},
         {V(INTERNAL_IP4_DNS, ADDR, 4), V(INTERNAL_IP4_DNS, ADDR, 4)},
         true},
	{"no NBNS (MAY: recorded)", mc_nbns, {4}, {V(INTERNAL_IP4_ADDRESS, ADDR, 4)}, true},
	{"a DHCP server (MAY: recorded)", mc_dhcp, {6}, {V(INTERNAL_IP4_DHCP, ADDR, 4)}, true},
	{"an attribute not asked for (MAY: recorded)",
         mc_extra,
         {1},
         {V(INTERNAL_IP4_ADDRESS, ADDR, 4), V(INTERNAL_IP4_DNS, ADDR, 4)},
         true},
	{"supported list of 3 octets",
         mc_supported,
         {14},
         {V(SUPPORTED_ATTRIBUTES, "\0\1\0", 3)},
         false},
};

static void msg_of(struct ik_cfg_msg *m, uint8_t type, uint16_t id, const struct tattr *a, size_t n)
{
	memset(m, 0, sizeof(*m));
	m->type = type, m->id = id;
	for (size_t i = 0; i < n && a[i].type; i++) {
		struct ik_cfg_attr *x = &m->a[m->n++];
		x->type = a[i].type, x->len = a[i].len;
		memcpy(x->v, a[i].v, a[i].len);
	}
}

static void test_rows(void)
{
	struct ik_qm qm;
	struct ik_cfg_msg reply;
	char note[IK_XC_NOTE];

	for (size_t i = 0; i < sizeof(rowcases) / sizeof(rowcases[0]); i++) {
		const struct rowcase *r = &rowcases[i];
		memset(&qm, 0, sizeof(qm));
		qm.tx_out.type = IK_CFG_TYPE_REQUEST, qm.tx_out.id = 7;
		for (size_t k = 0; k < 4 && r->asked[k]; k++)
			qm.tx_out.a[qm.tx_out.n++].type = r->asked[k];
		msg_of(&reply, IK_CFG_TYPE_REPLY, 7, r->got, 4);
		note[0] = 0;
		bool kept = r->fn(NULL, &qm, &reply, note, sizeof(note));
		CU_ASSERT_EQUAL(kept, r->kept);
		CU_ASSERT_TRUE(note[0] != 0);
		if (kept != r->kept)
			fprintf(stderr, "row case '%s': kept %d (%s)\n", r->what, kept, note);
	}
}

/* IMP-MCFG-3.2-01 and MCFG-3.1.1-02, which read the transaction and the SA. */
static void test_id_and_mid(void)
{
	struct ik_sa *sa = calloc(1, sizeof(*sa));
	struct ik_qm a = {.role = IK_RESPONDER, .msgid = 0x1111},
		     b = {.role = IK_RESPONDER, .msgid = 0x2222},
		     ours = {.role = IK_INITIATOR, .msgid = 0x3333};
	struct ik_cfg_msg m = {.type = IK_CFG_TYPE_REPLY, .id = 8};
	char note[IK_XC_NOTE];

	CU_ASSERT_PTR_NOT_NULL_FATAL(sa);
	ours.tx_out.id = 7;
	CU_ASSERT_FALSE(mc_same_id(sa, &ours, &m, note, sizeof(note)));
	m.id = 7;
	CU_ASSERT_TRUE(mc_same_id(sa, &ours, &m, note, sizeof(note)));
	sa->txs = &a, a.next = &b, b.next = &ours;
	CU_ASSERT_TRUE(mc_mid(sa, &a, &m, note, sizeof(note)));
	CU_ASSERT_PTR_NOT_NULL(strstr(note, "2 transactions"));
	b.msgid = 0x3333; /* the peer took the ID of our transaction */
	CU_ASSERT_FALSE(mc_mid(sa, &b, &m, note, sizeof(note)));
	CU_ASSERT_PTR_NOT_NULL(strstr(note, "00003333"));
	free(sa);
}

/* ---- the gateway engine answering queries ---- */

static void ip4(uint8_t *dst, const char *a)
{
	inet_pton(AF_INET, a, dst);
}

/* Client joe/foobar asking for an address; gateway handing out 10.9.0.10/24, DNS 10.9.0.53. */
static bool mc_open(struct ik_pair *p)
{
	struct ik_cfg ci, cr;
	struct ik_status st;
	pair_cfg(&ci, true);
	pair_cfg(&cr, false);
	ci.p1[0].auth = cr.p1[0].auth = IK_P1_AUTH_XAUTH_INIT_PSK;
	ci.xauth.client = ci.xauth.cfg_client = true;
	snprintf(ci.xauth.me.name, IK_XA_STR, "joe");
	snprintf(ci.xauth.me.password, IK_XA_STR, "foobar");
	cr.xauth.gateway = cr.xauth.cfg_gateway = true;
	snprintf(cr.xauth.users[0].name, IK_XA_STR, "joe");
	snprintf(cr.xauth.users[0].password, IK_XA_STR, "foobar");
	cr.xauth.nusers = 1;
	ip4(cr.xauth.pool, "10.9.0.10");
	ip4(cr.xauth.netmask, "255.255.255.0");
	ip4(cr.xauth.dns[0], "10.9.0.53");
	cr.xauth.ndns = 1;
	if (!pair_open(p, &ci, &cr, &st))
		return false;
	ik_initiate(&p->ini);
	pair_run(p, 1, 2000);
	return p->ini.sas && p->ini.sas->xa.cfg_done;
}

static const struct ik_qm *query(struct ik_pair *p, uint8_t type, unsigned flaws,
                                 const uint16_t *attrs, size_t n)
{
	struct ik_cfg_msg m = {.type = type, .id = 77};
	for (size_t i = 0; i < n; i++)
		m.a[m.n++].type = attrs[i];
	const struct ik_qm *q = ik_cfg_query(p->ini.sas, &m, flaws);
	pair_spin(p, 400);
	return q;
}

/* Every IPv4 attribute asked for: what serve knows comes back, in its form, none broke a row. */
static void test_query_all(void)
{
	static const uint16_t all[] = {1, 2, 3, 4, 5, 6, 7, 13, 14};
	struct ik_pair p;
	CU_ASSERT_TRUE_FATAL(mc_open(&p));
	const struct ik_qm *q = query(&p, IK_CFG_TYPE_REQUEST, 0, all, 9);
	CU_ASSERT_TRUE_FATAL(q && q->established);
	const struct ik_cfg_msg *r = &q->tx_in;
	CU_ASSERT_EQUAL(r->type, IK_CFG_TYPE_REPLY);
	CU_ASSERT_EQUAL(r->id, 77);
	const struct ik_cfg_attr *v = ik_cfg_find(r, IK_CFG_ATTR_APPLICATION_VERSION);
	CU_ASSERT_TRUE(v && v->len == strlen("ikecheck " IKECHECK_VERSION));
	CU_ASSERT_PTR_NOT_NULL(ik_cfg_find(r, IK_CFG_ATTR_INTERNAL_ADDRESS_EXPIRY));
	const struct ik_cfg_attr *s = ik_cfg_find(r, IK_CFG_ATTR_INTERNAL_IP4_SUBNET);
	CU_ASSERT_TRUE(s && s->len == 8 && s->v[0] == 10 && s->v[1] == 2); /* its side, 10.2/24 */
	const struct ik_cfg_attr *l = ik_cfg_find(r, IK_CFG_ATTR_SUPPORTED_ATTRIBUTES);
	CU_ASSERT_TRUE(l && l->len && l->len % 2 == 0);
	/* nothing it lacks, empty: no NBNS, no DHCP */
	CU_ASSERT_PTR_NULL(ik_cfg_find(r, IK_CFG_ATTR_INTERNAL_IP4_NBNS));
	CU_ASSERT_PTR_NULL(ik_cfg_find(r, IK_CFG_ATTR_INTERNAL_IP4_DHCP));
	CU_ASSERT_EQUAL(p.ini.sas->xa.chk_broke, 0);
	CU_ASSERT_TRUE((p.ini.sas->xa.chk_seen & IK_XC_BIT(IK_XC_CFG_NO_EMPTY)) != 0);
	CU_ASSERT_TRUE((p.ini.sas->xa.chk_seen & IK_XC_BIT(IK_XC_CFG_MID)) != 0);
	pair_close(&p);
}

/* 2: an empty REPLY to unknown attributes; 3.4: a private one left out; 3.3, 3.2 and 3.1.1: no
 * answer to type 100, to an ATTR whose last attribute overruns it, nor to two ATTR payloads. */
static void test_query_unknown(void)
{
	static const uint16_t unknown[] = {16383, 20000}, priv[] = {1, 20000}, addr[] = {1},
			      over[] = {1, 7};
	struct ik_pair p;
	CU_ASSERT_TRUE_FATAL(mc_open(&p));
	const struct ik_qm *q = query(&p, IK_CFG_TYPE_REQUEST, 0, unknown, 2);
	CU_ASSERT_TRUE(q && q->established && q->tx_in.n == 0);
	q = query(&p, IK_CFG_TYPE_REQUEST, 0, priv, 2);
	CU_ASSERT_TRUE(q && q->established && q->tx_in.n == 1 &&
	               q->tx_in.a[0].type == IK_CFG_ATTR_INTERNAL_IP4_ADDRESS);
	q = query(&p, 100, 0, addr, 1);
	CU_ASSERT_TRUE(q && !q->established);
	q = query(&p, IK_CFG_TYPE_REQUEST, IK_CFGQ_OVERRUN, over, 2);
	CU_ASSERT_TRUE(q && !q->established);
	q = query(&p, IK_CFG_TYPE_REQUEST, IK_CFGQ_TWO_ATTR, addr, 1);
	CU_ASSERT_TRUE(q && !q->established);
	CU_ASSERT_EQUAL(p.ini.sas->xa.chk_broke, 0);
	CU_ASSERT_FALSE(p.ini.sas->dead); /* the SA stays */
	pair_close(&p);
}

static const struct ik_test tests[] = {
	{"cfg_check rows on REPLYs made by hand: each kept and broken", test_rows},
	{"REPLY identifier and transaction message IDs", test_id_and_mid},
	{"gateway: every IPv4 attribute asked, each in its form", test_query_all},
	{"gateway: unknown and private attributes, type 100, an overrunning ATTR",
         test_query_unknown},
};

IK_TEST_MAIN("modecfg", tests)
