/* The vector file reader and the case bookkeeping of the KAT runner (kat_internal.h). */
#include "kat_internal.h"
#include "trim.h"
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct kat_file *kat_open(struct ik_kat_ctx *c, const char *rel)
{
	char path[512];
	struct kat_file *kf = calloc(1, sizeof(*kf));

	snprintf(path, sizeof(path), "%s/%s", c->dir, rel);
	if (kf) {
		kf->f = fopen(path, "r");
		kf->name = strdup(rel);
	}
	if (!kf || !kf->f || !kf->name) {
		c->t->missing = true;
		snprintf(c->t->missing_file, sizeof(c->t->missing_file), "%s", path);
		if (c->fail) {
			char msg[600];
			snprintf(msg, sizeof(msg), "kat_open: cannot read vector file %s", path);
			c->fail(c->arg, c->fam->name, msg);
		}
		kat_close(kf);
		return NULL;
	}
	return kf;
}

static void clear_headers(struct kat_file *kf)
{
	for (size_t i = 0; i < kf->nh; i++)
		free(kf->hdr[i]);
	kf->nh = 0;
}

void kat_close(struct kat_file *kf)
{
	if (!kf)
		return;
	if (kf->f)
		fclose(kf->f);
	clear_headers(kf);
	free(kf->pending);
	free(kf->line);
	free(kf->name);
	free(kf);
}

void kat_rec_free(struct kat_rec *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->key[i]);
		free(r->val[i]);
		free(r->bin[i]);
	}
	memset(r, 0, sizeof(*r));
}

static void add_header(struct kat_file *kf, char *l)
{
	if (kf->hdr_stale) {
		clear_headers(kf);
		kf->hdr_stale = false;
	}
	char *end = strrchr(l, ']');
	if (end)
		*end = '\0';
	if (kf->nh < KAT_MAX_HDRS)
		kf->hdr[kf->nh++] = strdup(ik_trim(l + 1));
}

/* One "KEY = value" line into r; a line that is not one marks the record malformed. */
static void add_field(struct kat_file *kf, struct kat_rec *r, char *l)
{
	char *eq = strchr(l, '=');

	if (r->n == 0) {
		r->line = kf->lineno;
		kf->hdr_stale = true;
	}
	if (r->n == KAT_MAX_FIELDS)
		return;
	r->key[r->n] = strdup(eq ? (*eq = '\0', ik_trim(l)) : "!malformed");
	r->val[r->n] = strdup(eq ? ik_trim(eq + 1) : l);
	r->n++;
}

bool kat_next(struct kat_file *kf, struct kat_rec *r)
{
	kat_rec_free(r);
	for (;;) {
		char *l;
		if (kf->pending) {
			add_header(kf, kf->pending);
			free(kf->pending);
			kf->pending = NULL;
			continue;
		}
		if (getline(&kf->line, &kf->cap, kf->f) < 0)
			return r->n > 0;
		kf->lineno++;
		l = ik_trim(kf->line);
		if (*l == '#')
			continue;
		if (*l == '\0') {
			if (r->n)
				return true;
			continue;
		}
		if (*l == '[') {
			if (r->n) {
				kf->pending = strdup(l);
				return true;
			}
			add_header(kf, l);
			continue;
		}
		add_field(kf, r, l);
	}
}

const char *kat_get(const struct kat_rec *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->key[i], key))
			return r->val[i];
	return NULL;
}

const uint8_t *kat_bin(struct kat_rec *r, const char *key, size_t *len)
{
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->key[i], key))
			continue;
		if (r->bin[i]) {
			*len = r->binlen[i];
			return r->bin[i];
		}
		const char *s = r->val[i];
		size_t n = strlen(s);
		if (n % 2)
			return NULL;
		uint8_t *b = malloc(n / 2 + 1);
		if (b && !ik_hex_decode(s, n / 2, b)) {
			free(b);
			return NULL;
		}
		r->bin[i] = b;
		r->binlen[i] = n / 2;
		*len = n / 2;
		return b;
	}
	return NULL;
}

const char *kat_hdr(const struct kat_file *kf, const char *prefix)
{
	for (size_t i = 0; i < kf->nh; i++)
		if (kf->hdr[i] && !strncmp(kf->hdr[i], prefix, strlen(prefix)))
			return kf->hdr[i];
	return NULL;
}

bool kat_eq(struct kat_rec *r, const char *key, const uint8_t *got, size_t len)
{
	size_t n = 0;
	const uint8_t *want = kat_bin(r, key, &n);

	return want && n == len && (len == 0 || !memcmp(want, got, len));
}

void kat_case(struct ik_kat_ctx *c, const struct kat_file *kf, const struct kat_rec *r, bool ok,
              const char *fmt, ...)
{
	char why[160], hdrs[96] = "", msg[IK_KAT_WHY];
	va_list ap;

	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->key[i], "!malformed")) {
			ok = false;
			fmt = NULL;
		}
	if (ok) {
		c->t->passed++;
		return;
	}
	c->t->failed++;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	} else {
		snprintf(why, sizeof(why), "a line is not \"KEY = value\"");
	}
	for (size_t i = 0; i < kf->nh; i++) {
		size_t used = strlen(hdrs);
		snprintf(hdrs + used, sizeof(hdrs) - used, "[%s]", kf->hdr[i]);
	}
	const char *count = kat_get(r, "COUNT");
	if (!count)
		count = kat_get(r, "Count");
	snprintf(msg, sizeof(msg), "%s:%u COUNT = %s %s: %s", kf->name, r->line,
	         count ? count : "?", hdrs, why);
	if (!c->t->first_failure[0])
		snprintf(c->t->first_failure, sizeof(c->t->first_failure), "%s", msg);
	if (c->fail)
		c->fail(c->arg, c->fam->name, msg);
}
