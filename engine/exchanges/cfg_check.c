/*
 * The peer's mode-config answers judged as they come (draft-dukes-ike-mode-cfg-02): the rows of
 * cfg_check.def, run by xauth_check.c as its own rows are. Each reads the answer m to a
 * mode-config REQUEST of ours (qm->tx_out) and returns false when m breaks its rule; what it saw
 * is the note. An attribute the peer left out is no break (2: a REPLY "MAY also add new
 * attributes and not include some requested attributes"): a row on its form then says so.
 */
#include "consts.h"
#include "util.h"
#include "xchg.h"

#include <string.h>

static const char *aname(uint16_t t)
{
	return ik_name(IK_T_CFG_ATTR, t);
}

static unsigned count(const struct ik_cfg_msg *m, uint16_t type)
{
	unsigned n = 0;
	for (size_t i = 0; i < m->n; i++)
		n += m->a[i].type == type;
	return n;
}

/* The attribute's value length as on the wire (a TV attribute: 2 octets). */
static unsigned vlen(const struct ik_cfg_attr *a)
{
	return a->tv ? 2u : a->len;
}

/* 3.4: the private range, 16384-32767 */
static bool private_type(uint16_t t)
{
	return t >= 16384 && t <= 32767;
}

/* 3.4 "Zero length attribute values are usually sent in a Request and MUST NOT be sent in a
 * Response" */
bool mc_no_empty(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
                 size_t n)
{
	char l[IK_XC_NOTE];
	(void)sa, (void)qm;
	for (size_t i = 0; i < m->n; i++)
		if (!vlen(&m->a[i])) {
			snprintf(note, n, "its REPLY carries %s with a zero-length value",
			         aname(m->a[i].type));
			return false;
		}
	ik_cfg_attr_list(m, NULL, l, sizeof(l));
	snprintf(note, n, "no zero-length value in its REPLY: %.96s", l);
	return true;
}

/* 3.4 "Unknown private attributes SHOULD be silently discarded": a private attribute we asked for
 * and it sends back, it took as known. */
bool mc_no_private(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
                   size_t n)
{
	(void)sa;
	unsigned asked = 0;
	for (size_t i = 0; i < qm->tx_out.n; i++) {
		uint16_t t = qm->tx_out.a[i].type;
		if (!private_type(t))
			continue;
		asked++;
		if (ik_cfg_find(m, t)) {
			snprintf(note, n,
			         "its REPLY carries back private attribute %u, which we asked for "
			         "and "
			         "no gateway knows",
			         t);
			return false;
		}
	}
	if (asked)
		snprintf(note, n, "its REPLY leaves out the private attribute%s we asked for",
		         asked == 1 ? "" : "s");
	else
		snprintf(note, n, "we asked for no private attribute");
	return true;
}

/* 3.4 "The responder MAY only send up to the number of addresses requested". A REPLY to a
 * REQUEST without one may add attributes (5.1): counted, not judged. */
bool mc_addr_count(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
                   size_t n)
{
	(void)sa;
	unsigned asked = count(&qm->tx_out, IK_CFG_ATTR_INTERNAL_IP4_ADDRESS),
		 got = count(m, IK_CFG_ATTR_INTERNAL_IP4_ADDRESS);
	snprintf(note, n, "it sent %u INTERNAL_IP4_ADDRESS for %u asked%s", got, asked,
	         !asked && got ? " (an attribute not asked for, 5.1)" : "");
	return !asked || got <= asked;
}

static bool zero4(const uint8_t *v)
{
	return !(v[0] | v[1] | v[2] | v[3]);
}

/* 3.4 INTERNAL_IP4_ADDRESS "An implementation MUST support this attribute": an address it sends
 * is 4 octets (the Length column) and not 0.0.0.0. None at all is no break: 2 says a REPLY
 * without requested attributes "merely means that the requested attributes were not available"
 * (a pool our other cases hold: strongSwan's lab pool has one address); XA-POS-001 asks for one
 * alone. */
bool mc_addr(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
             size_t n)
{
	(void)sa;
	const struct ik_cfg_attr *a = NULL;
	for (size_t i = 0; i < m->n; i++) {
		if (m->a[i].type != IK_CFG_ATTR_INTERNAL_IP4_ADDRESS)
			continue;
		a = &m->a[i];
		if (vlen(a) != 4 || zero4(a->v)) {
			snprintf(note, n,
			         "its REPLY carries an INTERNAL_IP4_ADDRESS of %u octets%s",
			         vlen(a), vlen(a) == 4 ? ", 0.0.0.0" : ", not 4");
			return false;
		}
	}
	if (a)
		snprintf(note, n, "its REPLY carries INTERNAL_IP4_ADDRESS %u.%u.%u.%u", a->v[0],
		         a->v[1], a->v[2], a->v[3]);
	else if (ik_cfg_find(&qm->tx_out, IK_CFG_ATTR_INTERNAL_IP4_ADDRESS))
		snprintf(note, n, "its REPLY carries no address (2: none was available)");
	else
		snprintf(note, n, "we asked for no address");
	return true;
}

/* 3.4 "Only one netmask is allowed in the request and reply messages ... and it MUST be used only
 * with an INTERNAL_ADDRESS attribute" */
bool mc_mask_one(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
                 size_t n)
{
	(void)sa, (void)qm;
	unsigned masks = count(m, IK_CFG_ATTR_INTERNAL_IP4_NETMASK),
		 addrs = count(m, IK_CFG_ATTR_INTERNAL_IP4_ADDRESS);
	if (masks > 1 || (masks && !addrs)) {
		snprintf(note, n, "its REPLY carries %u INTERNAL_IP4_NETMASK with %u address%s",
		         masks, addrs, addrs == 1 ? "" : "es");
		return false;
	}
	snprintf(note, n, "its REPLY carries %s",
	         masks ? "one netmask, with its address" : "no netmask");
	return true;
}

/* A netmask: ones, then zeros (its complement plus one is a power of two). */
static bool contiguous(const uint8_t *v)
{
	uint32_t x = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
	return !(~x & (~x + 1));
}

/* 3.4 INTERNAL_IP4_NETMASK "An implementation MUST support this attribute": when sent, a netmask
 * of 4 octets (e.g. 255.255.255.0) */
bool mc_mask(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
             size_t n)
{
	(void)sa, (void)qm;
	const struct ik_cfg_attr *a = NULL;
	for (size_t i = 0; i < m->n; i++) {
		if (m->a[i].type != IK_CFG_ATTR_INTERNAL_IP4_NETMASK)
			continue;
		a = &m->a[i];
		if (vlen(a) != 4 || !contiguous(a->v)) {
			snprintf(note, n,
			         "its REPLY carries an INTERNAL_IP4_NETMASK of %u octets%s",
			         vlen(a), vlen(a) == 4 ? " that is no netmask" : ", not 4");
			return false;
		}
	}
	if (a)
		snprintf(note, n, "its REPLY carries INTERNAL_IP4_NETMASK %u.%u.%u.%u", a->v[0],
		         a->v[1], a->v[2], a->v[3]);
	else
		snprintf(note, n, "its REPLY carries no netmask (2: a REPLY may leave it out)");
	return true;
}

/* MAY: 3.4 INTERNAL_ADDRESS_EXPIRY "Only one attribute MAY be present in the reply" */
bool mc_expiry_one(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
                   size_t n)
{
	(void)sa, (void)qm;
	snprintf(note, n, "its REPLY carries %u INTERNAL_ADDRESS_EXPIRY",
	         count(m, IK_CFG_ATTR_INTERNAL_ADDRESS_EXPIRY));
	return true;
}

/* The one attribute of type t in m whose value length fits (ok), or the first that does not:
 * NULL when m carries none. */
static const struct ik_cfg_attr *first_bad(const struct ik_cfg_msg *m, uint16_t t,
                                           bool (*ok)(const struct ik_cfg_attr *))
{
	const struct ik_cfg_attr *seen = NULL;
	for (size_t i = 0; i < m->n; i++) {
		if (m->a[i].type != t)
			continue;
		if (!ok(&m->a[i]))
			return &m->a[i];
		seen = &m->a[i];
	}
	return seen;
}

/* A row on the form of attribute t (3.4's Length column, its text): fine when absent. */
static bool form_row(const struct ik_cfg_msg *m, uint16_t t, bool (*ok)(const struct ik_cfg_attr *),
                     const char *form, char *note, size_t n)
{
	const struct ik_cfg_attr *a = first_bad(m, t, ok);
	if (!a) {
		snprintf(note, n, "its REPLY carries no %s (2: a REPLY may leave it out)",
		         aname(t));
		return true;
	}
	bool good = ok(a);
	snprintf(note, n, "its REPLY carries %s of %u octets, %s%s", aname(t), vlen(a),
	         good ? "as 3.4 wants: " : "not ", form);
	return good;
}

static bool four(const struct ik_cfg_attr *a)
{
	return vlen(a) == 4;
}

static bool eight(const struct ik_cfg_attr *a)
{
	return vlen(a) == 8;
}

/* 3.4 INTERNAL_IP6_SUBNET: "a 16 octet IPv6 address the second being a one octet prefix-mask"
 * (0 to 128 bits, RFC 4291 2.3) */
static bool seventeen(const struct ik_cfg_attr *a)
{
	return vlen(a) == 17 && a->v[16] <= 128;
}

static bool pairs(const struct ik_cfg_attr *a)
{
	return vlen(a) && !(vlen(a) % 2);
}

/* 3.4 "a string of printable ASCII characters that is NOT null terminated" */
static bool printable(const struct ik_cfg_attr *a)
{
	if (a->tv || !a->len)
		return false;
	for (unsigned i = 0; i < a->len; i++)
		if (a->v[i] < 0x20 || a->v[i] > 0x7e)
			return false;
	return true;
}

/* 3.4 INTERNAL_ADDRESS_EXPIRY "An implementation MUST support this attribute" (4 octets) */
bool mc_expiry(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
               size_t n)
{
	(void)sa, (void)qm;
	return form_row(m, IK_CFG_ATTR_INTERNAL_ADDRESS_EXPIRY, four, "4 (seconds)", note, n);
}

/* 3.4 APPLICATION_VERSION "An implementation MUST support this attribute" */
bool mc_version(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
                size_t n)
{
	(void)sa, (void)qm;
	const struct ik_cfg_attr *a = first_bad(m, IK_CFG_ATTR_APPLICATION_VERSION, printable);
	if (a && printable(a)) {
		snprintf(note, n, "its APPLICATION_VERSION is \"%.*s\"", a->len > 80 ? 80 : a->len,
		         (const char *)a->v);
		return true;
	}
	return form_row(m, IK_CFG_ATTR_APPLICATION_VERSION, printable,
	                "printable ASCII without a NUL", note, n);
}

/* 3.4 INTERNAL_IP4_SUBNET "An implementation MUST support this attribute" (address and netmask,
 * 8 octets) */
bool mc_subnet(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
               size_t n)
{
	(void)sa, (void)qm;
	return form_row(m, IK_CFG_ATTR_INTERNAL_IP4_SUBNET, eight, "8 (address and netmask)", note,
	                n);
}

/* 3.4 INTERNAL_IP6_SUBNET "An implementation MUST support this attribute" (an IPv6 one: a DUT
 * without IPv6 leaves it out, which keeps) */
bool mc_subnet6(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
                size_t n)
{
	(void)sa, (void)qm;
	return form_row(m, IK_CFG_ATTR_INTERNAL_IP6_SUBNET, seventeen,
	                "17 (address and a prefix length of at most 128)", note, n);
}

/* 3.4 SUPPORTED_ATTRIBUTES "An implementation MUST support this attribute": "a set of attribute
 * identifiers each in 2 octets" */
bool mc_supported(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
                  size_t n)
{
	(void)sa, (void)qm;
	return form_row(m, IK_CFG_ATTR_SUPPORTED_ATTRIBUTES, pairs,
	                "a list of 2-octet attribute types", note, n);
}

/* 2 "A common identifier is used to identify the configuration transaction between exchanges" */
bool mc_same_id(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
                size_t n)
{
	(void)sa;
	snprintf(note, n, "its %s carries identifier %u, our %s %u",
	         ik_name(IK_T_CFG_TYPE, m->type), m->id, ik_name(IK_T_CFG_TYPE, qm->tx_out.type),
	         qm->tx_out.id);
	return m->id == qm->tx_out.id;
}

/* 3.1.1: a transaction's message ID "MUST NOT be the same as the message ID of another
 * transaction exchange": the peer's transactions against every exchange of the SA (a message
 * under the ID of one already done is ik_xa_check_mid_reuse's) */
bool mc_mid(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
            size_t n)
{
	(void)qm, (void)m;
	unsigned theirs = 0;
	for (const struct ik_qm *q = sa->txs; q; q = q->next) {
		if (q->role != IK_RESPONDER)
			continue;
		theirs++;
		for (int l = 0; l < 2; l++)
			for (const struct ik_qm *o = l ? sa->qms : sa->txs; o; o = o->next)
				if (o != q && o->msgid == q->msgid) {
					snprintf(note, n,
					         "its transaction took message ID %08x, that of "
					         "another exchange of the SA",
					         q->msgid);
					return false;
				}
	}
	snprintf(note, n, "its %u transaction%s so far came under message IDs of their own", theirs,
	         theirs == 1 ? "" : "s");
	return true;
}

/* MAY rows: what the REPLY chose to carry, recorded (3.4: "The responder MAY respond with zero or
 * more" DNS, NBNS, DHCP server attributes). */
static bool servers(const struct ik_cfg_msg *m, uint16_t t, char *note, size_t n)
{
	unsigned k = count(m, t);
	size_t l = (size_t)snprintf(note, n, "its REPLY carries %u %s", k, aname(t));
	for (size_t i = 0; i < m->n && l < n; i++)
		if (m->a[i].type == t && vlen(&m->a[i]) == 4)
			l += (size_t)snprintf(note + l, n - l, "%s%u.%u.%u.%u", l ? " " : "",
			                      m->a[i].v[0], m->a[i].v[1], m->a[i].v[2],
			                      m->a[i].v[3]);
	return true;
}

bool mc_dns(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
            size_t n)
{
	(void)sa, (void)qm;
	return servers(m, IK_CFG_ATTR_INTERNAL_IP4_DNS, note, n);
}

bool mc_nbns(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
             size_t n)
{
	(void)sa, (void)qm;
	return servers(m, IK_CFG_ATTR_INTERNAL_IP4_NBNS, note, n);
}

bool mc_dhcp(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
             size_t n)
{
	(void)sa, (void)qm;
	return servers(m, IK_CFG_ATTR_INTERNAL_IP4_DHCP, note, n);
}

/* MAY: 5.1 "the edge device MAY also send other attributes that were not included in the REQUEST
 * and MAY ignore the non-mandatory attributes that it does not support": which it did. */
bool mc_extra(struct ik_sa *sa, const struct ik_qm *qm, const struct ik_cfg_msg *m, char *note,
              size_t n)
{
	(void)sa;
	unsigned added = 0, left = 0;
	for (size_t i = 0; i < m->n; i++)
		added += !ik_cfg_find(&qm->tx_out, m->a[i].type);
	for (size_t i = 0; i < qm->tx_out.n; i++)
		left += !ik_cfg_find(m, qm->tx_out.a[i].type);
	snprintf(note, n,
	         "its REPLY carries %zu attributes, %u of them not asked for; %u of the %zu we "
	         "asked "
	         "for left out",
	         m->n, added, left, qm->tx_out.n);
	return true;
}
