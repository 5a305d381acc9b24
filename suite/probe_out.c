/*
 * ikecheck probe: the results (probe.h). A table for people (one line per host, then a line per
 * vendor ID or identity detail), JSON Lines for machines (one object per host), the backoff
 * tables of --showbackoff and the psk-crack lines of --pskcrack. Everything the peer sent that
 * is text (its identity) goes through the report layer's escaping.
 */
#include "probe.h"
#include "consts.h"
#include "json.h"
#include "net.h"
#include "util.h"

#include <string.h>

static const char *result_word[] = {
	[IK_PROBE_SILENT] = "silent",
	[IK_PROBE_HANDSHAKE] = "handshake",
	[IK_PROBE_NOTIFY] = "notify",
	[IK_PROBE_OTHER] = "other",
};

void ik_probe_trans_str(uint16_t enc, uint16_t keylen, uint16_t hash, uint16_t auth, uint16_t group,
                        char *buf, size_t n)
{
	char kl[16] = "";
	if (keylen)
		snprintf(kl, sizeof(kl), "/%u", keylen);
	snprintf(buf, n, "%s%s %s %s %s", ik_name(IK_T_P1_ENCR, enc), kl,
	         ik_name(IK_T_P1_HASH, hash), ik_name(IK_T_P1_AUTH, auth),
	         ik_name(IK_T_GROUP, group));
}

static void chosen_str(const struct ik_probe_host *h, char *buf, size_t n)
{
	const struct ik_p1_xform *x = &h->chosen;
	char t[160];

	ik_probe_trans_str(x->enc, x->keylen, x->hash, x->auth, x->group, t, sizeof(t));
	if (x->life_s)
		snprintf(buf, n, "%s, %u s", t, x->life_s);
	else if (x->life_kb)
		snprintf(buf, n, "%s, %u KB", t, x->life_kb);
	else
		snprintf(buf, n, "%s, no lifetime", t);
}

static void host_table(const struct ik_probe *p, const struct ik_probe_host *h, FILE *f)
{
	char buf[256], n[IK_NAME_MAX], hex[2 * IK_PROBE_VID_MAX + 1];
	fprintf(f, "%-24s %-10s ", h->name, result_word[h->result]);
	switch (h->result) {
	case IK_PROBE_SILENT: fprintf(f, "no answer to %u attempt(s)\n", h->sent); break;
	case IK_PROBE_HANDSHAKE:
		chosen_str(h, buf, sizeof(buf));
		fprintf(f, "%s mode", h->exch == IK_EXCH_AGGRESSIVE ? "aggressive" : "main");
		if (h->chosen_index >= 0)
			fprintf(f, ", transform %d of %zu", h->chosen_index + 1, p->cfg.ntrans);
		fprintf(f, ": %s (%.1f ms)\n", buf, (double)h->rtt_us / 1000);
		break;
	case IK_PROBE_NOTIFY:
		fprintf(f, "%s (%.1f ms)\n", ik_fmt(n, IK_T_NOTIFY, h->notify),
		        (double)h->rtt_us / 1000);
		break;
	case IK_PROBE_OTHER:
		fprintf(f, "%s answer (%.1f ms)\n", ik_name(IK_T_EXCH, h->exch),
		        (double)h->rtt_us / 1000);
		break;
	}
	for (size_t i = 0; i < h->nvids; i++)
		fprintf(f, "%-36s VID %s (%s)\n", "",
		        ik_hex_encode(hex, h->vids[i].data, h->vids[i].len),
		        h->vids[i].name ? h->vids[i].name : "unknown");
	if (h->have_id) {
		fprintf(f, "%-36s ID %s ", "", ik_name(IK_T_ID_TYPE, h->id_type));
		ik_esc_text(f, h->id_text);
		fputc('\n', f);
	}
	if (h->exch == IK_EXCH_AGGRESSIVE && h->result == IK_PROBE_HANDSHAKE)
		fprintf(f, "%-36s KE %zu octets, nonce %zu octets, HASH_R %s\n", "", h->ke_len,
		        h->nonce_len,
		        h->hash_len ? (snprintf(buf, sizeof(buf), "%zu octets", h->hash_len), buf)
		                    : "absent");
	if (h->problem[0])
		fprintf(f, "%-36s note: %s\n", "", h->problem);
}

void ik_probe_print_table(const struct ik_probe *p, FILE *f)
{
	size_t count[4] = {0};

	fprintf(f, "%-24s %-10s %s\n", "host", "answer", "details");
	for (size_t i = 0; i < p->nhosts; i++) {
		host_table(p, &p->hosts[i], f);
		count[p->hosts[i].result]++;
	}
	fprintf(f,
	        "probe: %zu host(s) in %.3f s: %zu handshake, %zu notify, %zu other, %zu silent\n",
	        p->nhosts, (double)p->elapsed_us / 1e6, count[IK_PROBE_HANDSHAKE],
	        count[IK_PROBE_NOTIFY], count[IK_PROBE_OTHER], count[IK_PROBE_SILENT]);
}

/* "key":"escaped value" */
static void jstr(FILE *f, const char *key, const char *v, bool comma)
{
	fprintf(f, "%s\"%s\":\"", comma ? "," : "", key);
	ik_esc_json(f, v, 0);
	fputc('"', f);
}

static void json_transform(const struct ik_probe_host *h, FILE *f)
{
	const struct ik_p1_xform *x = &h->chosen;

	fprintf(f, ",\"transform\":{\"index\":%d,\"number\":%u", h->chosen_index + 1, x->number);
	jstr(f, "enc", ik_name(IK_T_P1_ENCR, x->enc), true);
	fprintf(f, ",\"enc_id\":%u,\"key_length\":%u", x->enc, x->keylen);
	jstr(f, "hash", ik_name(IK_T_P1_HASH, x->hash), true);
	fprintf(f, ",\"hash_id\":%u", x->hash);
	jstr(f, "auth", ik_name(IK_T_P1_AUTH, x->auth), true);
	fprintf(f, ",\"auth_id\":%u", x->auth);
	jstr(f, "group", ik_name(IK_T_GROUP, x->group), true);
	fprintf(f, ",\"group_id\":%u,\"life_s\":%u,\"life_kb\":%u}", x->group, x->life_s,
	        x->life_kb);
}

static void json_host(const struct ik_probe *p, const struct ik_probe_host *h, FILE *f)
{
	char a[80], hex[2 * IK_PROBE_VID_MAX + 1];

	jstr(f, "host", h->name, false);
	jstr(f, "address", ik_addr_str(&h->addr, a, sizeof(a)), true);
	jstr(f, "result", result_word[h->result], true);
	fprintf(f, ",\"attempts\":%u", h->sent);
	if (h->result == IK_PROBE_SILENT)
		return;
	fprintf(f, ",\"rtt_ms\":%.3f", (double)h->rtt_us / 1000);
	jstr(f, "exchange", ik_name(IK_T_EXCH, h->exch), true);
	if (h->result == IK_PROBE_HANDSHAKE)
		json_transform(h, f);
	if (h->result == IK_PROBE_NOTIFY) {
		jstr(f, "notify", ik_name(IK_T_NOTIFY, h->notify), true);
		fprintf(f, ",\"notify_id\":%u", h->notify);
	}
	fputs(",\"vids\":[", f);
	for (size_t i = 0; i < h->nvids; i++) {
		fputs(i ? ",{" : "{", f);
		jstr(f, "hex", ik_hex_encode(hex, h->vids[i].data, h->vids[i].len), false);
		if (h->vids[i].name)
			jstr(f, "name", h->vids[i].name, true);
		fputc('}', f);
	}
	fputc(']', f);
	if (h->have_id) {
		jstr(f, "id_type", ik_name(IK_T_ID_TYPE, h->id_type), true);
		jstr(f, "id", h->id_text, true);
	}
	if (h->exch == IK_EXCH_AGGRESSIVE && h->result == IK_PROBE_HANDSHAKE)
		fprintf(f, ",\"ke_len\":%zu,\"nonce_len\":%zu,\"hash_r_len\":%zu", h->ke_len,
		        h->nonce_len, h->hash_len);
	if (h->problem[0])
		jstr(f, "note", h->problem, true);
	if (p->cfg.showbackoff_s) {
		fputs(",\"backoff_s\":[", f);
		for (size_t i = 0; i < h->nrx; i++)
			fprintf(f, "%s%.6f", i ? "," : "",
			        (double)(h->rx_us[i] - h->rx_us[0]) / 1e6);
		fputc(']', f);
	}
}

void ik_probe_print_json(const struct ik_probe *p, FILE *f)
{
	for (size_t i = 0; i < p->nhosts; i++) {
		fputc('{', f);
		json_host(p, &p->hosts[i], f);
		fputs("}\n", f);
	}
}

void ik_probe_print_backoff(const struct ik_probe *p, FILE *f)
{
	fprintf(f,
	        "\nbackoff fingerprint (each host listened to until %u s passed without a copy "
	        "of its reply):\n",
	        p->cfg.showbackoff_s);
	for (size_t i = 0; i < p->nhosts; i++) {
		const struct ik_probe_host *h = &p->hosts[i];
		if (h->result == IK_PROBE_SILENT)
			continue;
		if (h->nrx < 2) {
			fprintf(f, "%s: no retransmissions seen (1 packet)\n", h->name);
			continue;
		}
		fprintf(f, "%s: %zu packets\n  %4s %12s %12s\n", h->name, h->nrx, "no.", "time (s)",
		        "delta (s)");
		for (size_t k = 0; k < h->nrx; k++)
			fprintf(f, "  %4zu %12.6f %12.6f\n", k + 1,
			        (double)(h->rx_us[k] - h->rx_us[0]) / 1e6,
			        k ? (double)(h->rx_us[k] - h->rx_us[k - 1]) / 1e6 : 0.0);
		fprintf(f, "  pattern: ");
		for (size_t k = 0; k < h->nrx; k++)
			fprintf(f, "%s%.1f", k ? ", " : "",
			        k ? (double)(h->rx_us[k] - h->rx_us[k - 1]) / 1e6 : 0.0);
		fputc('\n', f);
	}
}

void ik_probe_print_pskcrack(const struct ik_probe *p, FILE *f)
{
	for (size_t i = 0; i < p->nhosts; i++)
		if (p->hosts[i].pskcrack)
			fprintf(f, "%s\n", p->hosts[i].pskcrack);
}
