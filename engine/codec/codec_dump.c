/* The payload tree as text: one node per line, every field with its name, named values. */
#include "codec.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>

static void hex(FILE *f, const uint8_t *p, size_t n, unsigned flags)
{
	size_t show = (n > 64 && !(flags & IK_DUMP_FULL_HEX)) ? 32 : n;

	for (size_t i = 0; i < show; i++)
		fprintf(f, "%02x", p[i]);
	if (show < n)
		fputs("...", f);
	fprintf(f, " (%zu octets)", n);
}

static void text(FILE *f, const uint8_t *p, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++)
		if (isprint(p[i]) && p[i] != '"' && p[i] != '\\')
			fputc(p[i], f);
		else
			fprintf(f, "\\x%02x", p[i]);
	fputc('"', f);
}

static bool printable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isprint(p[i]))
			return false;
	return n > 0;
}

static void addr(FILE *f, const uint8_t *p, size_t n)
{
	char s[INET6_ADDRSTRLEN];
	inet_ntop(n == 4 ? AF_INET : AF_INET6, p, s, sizeof(s));
	fputs(s, f);
}

/* RFC 2407 4.6.2.2-4.6.2.12: identification data by type (hex when the size is wrong). */
static void id_data(FILE *f, uint32_t type, const uint8_t *p, size_t n, unsigned flags)
{
	switch (type) {
	case IK_ID_TYPE_IPV4_ADDR:
	case IK_ID_TYPE_IPV6_ADDR:
		if (n == 4 || n == 16) {
			addr(f, p, n);
			return;
		}
		break;
	case IK_ID_TYPE_IPV4_ADDR_SUBNET:
	case IK_ID_TYPE_IPV4_ADDR_RANGE:
	case IK_ID_TYPE_IPV6_ADDR_SUBNET:
	case IK_ID_TYPE_IPV6_ADDR_RANGE:
		if (n == 8 || n == 32) {
			addr(f, p, n / 2);
			fputc(type == IK_ID_TYPE_IPV4_ADDR_SUBNET ||
			                      type == IK_ID_TYPE_IPV6_ADDR_SUBNET
			              ? '/'
			              : '-',
			      f);
			addr(f, p + n / 2, n / 2);
			return;
		}
		break;
	case IK_ID_TYPE_FQDN:
	case IK_ID_TYPE_USER_FQDN: text(f, p, n); return;
	default: break;
	}
	hex(f, p, n, flags);
}

static void field(FILE *f, const struct ik_node *n, uint8_t i, unsigned flags)
{
	const struct ik_fdesc *d = &n->sd->f[i];
	const struct ik_val *v = &n->v[i];
	enum ik_table t = d->names == IK_T_CTX ? n->ctx : d->names;
	char buf[IK_NAME_MAX];

	fprintf(f, " %s=", d->name);
	if (v->omitted) {
		fputs("(omitted)", f);
		return;
	}
	if (d->kind == IK_K_BYTES) {
		if (d->show == IK_SHOW_ID)
			id_data(f, n->v[IK_F_ID_ID_TYPE].num, v->bytes, v->len, flags);
		else if (d->show == IK_SHOW_ADDR && (v->len == 4 || v->len == 16))
			addr(f, v->bytes, v->len);
		else
			hex(f, v->bytes, v->len, flags);
		if (d->show == IK_SHOW_VID) {
			const char *vn = ik_vendor_name(v->bytes, v->len);
			fprintf(f, " vendor=%s", vn ? vn : "unknown");
		}
		return;
	}
	if (n->sd == &ik_sd_hdr && (d->kind == IK_K_U32 && d->role != IK_R_LENGTH))
		fprintf(f, "0x%08x", v->num);
	else if (n->sd == &ik_sd_hdr && i == IK_F_HDR_FLAGS)
		fprintf(f, "0x%02x (%s%s%s)", v->num, v->num & IK_HDR_FLAG_ENC ? "E" : "-",
		        v->num & IK_HDR_FLAG_COMMIT ? "C" : "-",
		        v->num & IK_HDR_FLAG_AUTH_ONLY ? "A" : "-");
	else if (n->sd == &ik_sd_hdr && i == IK_F_HDR_VERSION)
		fprintf(f, "0x%02x (%u.%u)", v->num, v->num >> 4, v->num & 0xf);
	else if (d->role == IK_R_FLAGS) {
		fprintf(f, "0x%x (", v->num);
		const char *sep = "";
		for (uint32_t bit = 1; bit; bit <<= 1)
			if (v->num & bit) {
				fprintf(f, "%s%s", sep, ik_name(t, bit));
				sep = "|";
			}
		fputs(*sep ? ")" : "none)", f);
	} else if (d->role == IK_R_ENUM || d->role == IK_R_NEXT || d->role == IK_R_FIRST)
		fputs(ik_fmt(buf, t, v->num), f);
	else if (d->role == IK_R_RESERVED && v->num)
		fprintf(f, "0x%x (MUST be zero)", v->num);
	else
		fprintf(f, "%u", v->num);
	if (v->pinned)
		fputs(" (pinned)", f);
}

/*
 * How a mode-config TLV value reads (draft-dukes-ike-mode-cfg-02 3.3, its "Type" column;
 * draft-beaulieu-ike-xauth-02 6.2): an IPv4 address, or text. Without this a 3-octet user name
 * ("joe") printed as the number 6975333 and an address as one 32-bit number.
 */
static const struct {
	uint16_t type;
	bool text; /* else a 4-octet value is an IPv4 address */
} cfg_values[] = {
	{IK_CFG_ATTR_INTERNAL_IP4_ADDRESS, false}, {IK_CFG_ATTR_INTERNAL_IP4_NETMASK, false},
	{IK_CFG_ATTR_INTERNAL_IP4_DNS, false},     {IK_CFG_ATTR_INTERNAL_IP4_NBNS, false},
	{IK_CFG_ATTR_INTERNAL_IP4_DHCP, false},    {IK_CFG_ATTR_APPLICATION_VERSION, true},
	{IK_CFG_ATTR_XAUTH_USER_NAME, true},       {IK_CFG_ATTR_XAUTH_USER_PASSWORD, true},
	{IK_CFG_ATTR_XAUTH_PASSCODE, true},        {IK_CFG_ATTR_XAUTH_MESSAGE, true},
	{IK_CFG_ATTR_XAUTH_DOMAIN, true},          {IK_CFG_ATTR_XAUTH_NEXT_PIN, true},
	{IK_CFG_ATTR_XAUTH_ANSWER, true},
};

/* A mode-config value printed by its kind; false: print it as any attribute. */
static bool cfg_value(FILE *f, const struct ik_node *a)
{
	const struct ik_val *v = a->v;
	if (a->ctx != IK_T_CFG_ATTR)
		return false;
	for (size_t i = 0; i < sizeof(cfg_values) / sizeof(cfg_values[0]); i++) {
		if (cfg_values[i].type != v[IK_F_A_TYPE].num)
			continue;
		if (cfg_values[i].text && printable(v[IK_F_A_VALUE].bytes, v[IK_F_A_VALUE].len))
			text(f, v[IK_F_A_VALUE].bytes, v[IK_F_A_VALUE].len);
		else if (!cfg_values[i].text && v[IK_F_A_VALUE].len == 4)
			addr(f, v[IK_F_A_VALUE].bytes, 4);
		else
			return false;
		return true;
	}
	return false;
}

static void attr(FILE *f, const struct ik_node *a, unsigned flags)
{
	const struct ik_val *v = a->v;
	enum ik_table vt = ik_attr_values(a->ctx, v[IK_F_A_TYPE].num);
	char buf[IK_NAME_MAX];
	uint64_t num;

	fprintf(f, " %s = ", ik_fmt(buf, a->ctx, v[IK_F_A_TYPE].num));
	if (v[IK_F_A_AF].num) {
		fprintf(f, "%s [TV]", ik_fmt(buf, vt, v[IK_F_A_VALUE].num));
		return;
	}
	if (cfg_value(f, a))
		; /* an address or text */
	else if (v[IK_F_A_VALUE].len && v[IK_F_A_VALUE].len <= 4 && ik_attr_num(a, &num))
		fprintf(f, "%s", ik_fmt(buf, vt, (uint32_t)num));
	else if (a->ctx == IK_T_CFG_ATTR && printable(v[IK_F_A_VALUE].bytes, v[IK_F_A_VALUE].len))
		text(f, v[IK_F_A_VALUE].bytes, v[IK_F_A_VALUE].len);
	else
		hex(f, v[IK_F_A_VALUE].bytes, v[IK_F_A_VALUE].len, flags);
	fprintf(f, " [TLV length=%u]", v[IK_F_A_LENGTH].num);
}

static void node(FILE *f, const struct ik_node *n, const char *label, int depth, unsigned flags)
{
	char kl[48];

	fprintf(f, "%*s%s:", depth * 2, "", label);
	if (n->sd == &ik_sd_attr) {
		attr(f, n, flags);
		fputc('\n', f);
		return;
	}
	for (uint8_t i = 0; i < n->sd->nf; i++)
		if (n->sd->f[i].kind != IK_K_LIST)
			field(f, n, i, flags);
	fputc('\n', f);
	if (n->sd == &ik_sd_hdr)
		return; /* payloads are printed by ik_dump with their per-type index */
	for (size_t k = 0; k < n->nkids; k++) {
		snprintf(kl, sizeof(kl), "%s[%zu]", n->kids[k]->sd->name, k);
		node(f, n->kids[k], kl, depth + 1, flags);
	}
}

void ik_dump(FILE *f, struct ik_msg *m, unsigned flags)
{
	size_t count[256] = {0};
	char kl[48];

	if (!m->hdr)
		return;
	ik_msg_contexts(m);
	node(f, m->hdr, "HDR", 0, flags);
	for (size_t k = 0; k < m->hdr->nkids; k++) {
		const struct ik_node *p = m->hdr->kids[k];
		snprintf(kl, sizeof(kl), "%s[%zu]", ik_name(IK_T_PAYLOAD, p->type),
		         count[p->type]++);
		if (p->sd == &ik_sd_opaque)
			snprintf(kl, sizeof(kl), "PL[%zu] type %u", k, p->type);
		node(f, p, kl, 1, flags);
	}
	if (m->body) {
		fprintf(f, "  encrypted body:");
		fputc(' ', f);
		hex(f, m->body, m->body_len, flags);
		fputc('\n', f);
	}
	if (m->pad) {
		fprintf(f, "  trailing octets: ");
		hex(f, m->pad, m->pad_len, flags);
		fputc('\n', f);
	}
}

void ik_dump_findings(FILE *f, const struct ik_msg *m)
{
	char buf[IK_NAME_MAX];

	for (size_t i = 0; i < m->nfindings; i++)
		fprintf(f, "  finding: %s -> %s\n", m->findings[i].text,
		        ik_fmt(buf, IK_T_NOTIFY, m->findings[i].notify));
}
