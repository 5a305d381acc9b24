/*
 * `ikecheck profile get KEY`: a profile's value formatted back as the file would write it, one
 * function per kind of value of the key table (profile_keys.h).
 */
#include "profile.h"
#include "profile_keys.h"

#include <stdio.h>
#include <string.h>

/* Appends to out; false once it no longer fits. */
static bool append(char *out, size_t len, size_t *used, const char *s)
{
	int n = snprintf(out + *used, len - *used, "%s%s", *used ? "," : "", s);
	if (n < 0 || (size_t)n >= len - *used)
		return false;
	*used += (size_t)n;
	return true;
}

/* The list kinds, comma separated; false once out is full. */
static bool format_list(const struct ik_profile *p, const struct key_def *k, char *out, size_t len)
{
	const void *field = (const char *)p + k->off;
	char item[IK_PROFILE_TEXT];
	size_t used = 0;
	bool ok = true;

	out[0] = '\0';
	if (k->kind == K_SUBNETS) {
		const struct ik_endpoint *e = field;
		for (size_t i = 0; ok && i < e->n_subnets; i++)
			ok = ik_subnet_format(&e->subnet[i], item, sizeof(item)) &&
			     append(out, len, &used, item);
	} else if (k->kind == K_FLAGS) {
		for (size_t i = 0; ok && k->names[i].name; i++)
			if (*(const unsigned *)field & (unsigned)k->names[i].val)
				ok = append(out, len, &used, k->names[i].name);
	} else if (k->kind == K_PEER_IDS) {
		if (p->peer_ids.any)
			ok = append(out, len, &used, "any");
		for (size_t i = 0; ok && i < p->peer_ids.n; i++)
			ok = append(out, len, &used, p->peer_ids.id[i].text);
	} else if (k->kind == K_P1PROPS) {
		for (size_t i = 0; ok && i < p->p1.n_prop; i++)
			ok = ik_p1_format(&p->p1.prop[i], item, sizeof(item)) &&
			     append(out, len, &used, item);
	} else {
		for (size_t i = 0; ok && i < p->p2.n_prop; i++)
			ok = ik_p2_format(&p->p2.prop[i], 0, item, sizeof(item)) &&
			     append(out, len, &used, item);
	}
	return ok;
}

static bool format_value(const struct ik_profile *p, const struct key_def *k, char *out, size_t len)
{
	const void *field = (const char *)p + k->off;
	uint16_t u16 = 0;
	int n = -1;

	if (k->kind == K_PORT || k->kind == K_SIZE || k->kind == K_GROUP || k->kind == K_NONCE)
		u16 = *(const uint16_t *)field;
	switch (k->kind) {
	case K_TEXT:
	case K_FILE:
	case K_PSK_FILE: n = snprintf(out, len, "%s", (const char *)field); break;
	case K_ADDR: n = snprintf(out, len, "%s", ((const struct ik_addr *)field)->text); break;
	case K_PORT:
	case K_SIZE: n = snprintf(out, len, "%u", u16); break;
	case K_NONCE: n = snprintf(out, len, "%u", u16 ? u16 : 32); break;
	case K_GROUP: n = snprintf(out, len, "%s", u16 ? ik_dh_by_id(u16)->name : "none"); break;
	case K_ID: n = snprintf(out, len, "%s", ((const struct ik_ident *)field)->text); break;
	case K_ENUM:
		n = snprintf(out, len, "%s", ik_profile_name_of(k->names, *(const int *)field));
		break;
	case K_KB:
	case K_LIFETIME:
	case K_SECONDS: n = snprintf(out, len, "%u", *(const uint32_t *)field); break;
	case K_BOOL: n = snprintf(out, len, "%s", *(const bool *)field ? "yes" : "no"); break;
	case K_SUBNETS:
	case K_FLAGS:
	case K_P1PROPS:
	case K_P2PROPS:
	case K_PEER_IDS: return format_list(p, k, out, len);
	case K_PSK:
		if (p->psk_len >= len)
			return false;
		memcpy(out, p->psk, p->psk_len);
		out[p->psk_len] = '\0';
		return true;
	}
	return n >= 0 && (size_t)n < len;
}

bool ik_profile_get(const struct ik_profile *p, const char *key, char *out, size_t len)
{
	for (size_t i = 0; i < ik_profile_nkeys; i++)
		if (!strcmp(ik_profile_keys[i].full, key))
			return format_value(p, &ik_profile_keys[i], out, len);
	return false;
}
