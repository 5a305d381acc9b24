/*
 * The strict JSON reader (RFC 8259) and the escapers of the report writers (json.h).
 * A recursive-descent parser over a bounded cursor; every error says where and what.
 */
#include "json.h"
#include "report_util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct jp {
	const char *p;
	size_t len, pos;
	int depth;
	char *err;
	size_t errlen;
	bool failed;
};

__attribute__((format(printf, 2, 3))) static bool jp_fail(struct jp *j, const char *fmt, ...)
{
	if (j->failed)
		return false;
	j->failed = true;
	int n = snprintf(j->err, j->errlen, "at byte %zu: ", j->pos);
	if (n < 0 || (size_t)n >= j->errlen)
		return false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->err + n, j->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

static int jp_peek(const struct jp *j)
{
	return j->pos < j->len ? (unsigned char)j->p[j->pos] : -1;
}

/* RFC 8259 2: white space is space, tab, LF, CR. */
static void jp_ws(struct jp *j)
{
	while (j->pos < j->len && strchr(" \t\n\r", j->p[j->pos]) && j->p[j->pos])
		j->pos++;
}

static bool jp_lit(struct jp *j, const char *lit)
{
	size_t n = strlen(lit);
	if (j->len - j->pos < n || memcmp(j->p + j->pos, lit, n))
		return jp_fail(j, "expected '%s'", lit);
	j->pos += n;
	return true;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool jp_hex4(struct jp *j, unsigned *u)
{
	*u = 0;
	for (int i = 0; i < 4; i++) {
		int v = hexval(jp_peek(j));
		if (v < 0)
			return jp_fail(j, "bad \\u escape (4 hex digits needed)");
		*u = *u << 4 | (unsigned)v;
		j->pos++;
	}
	return true;
}

static void put_utf8(char *o, size_t *n, unsigned cp)
{
	if (cp < 0x80) {
		o[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		o[(*n)++] = (char)(0xc0 | cp >> 6);
		o[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		o[(*n)++] = (char)(0xe0 | cp >> 12);
		o[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[(*n)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		o[(*n)++] = (char)(0xf0 | cp >> 18);
		o[(*n)++] = (char)(0x80 | (cp >> 12 & 0x3f));
		o[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[(*n)++] = (char)(0x80 | (cp & 0x3f));
	}
}

/*
 * \u0001..\u00ff become that single byte (our writer's escape of raw bytes, json.h); larger
 * code points (hand-written files) become UTF-8, surrogate pairs combined.
 */
static bool jp_uescape(struct jp *j, char *o, size_t *n)
{
	unsigned u, lo;
	if (!jp_hex4(j, &u))
		return false;
	if (u == 0)
		return jp_fail(j, "\\u0000 is not allowed in a string");
	if (u < 0x100) {
		o[(*n)++] = (char)u;
		return true;
	}
	if (u >= 0xdc00 && u <= 0xdfff)
		return jp_fail(j, "lone low surrogate \\u%04x", u);
	if (u >= 0xd800 && u <= 0xdbff) {
		if (j->len - j->pos < 2 || memcmp(j->p + j->pos, "\\u", 2))
			return jp_fail(j, "high surrogate not followed by a low one");
		j->pos += 2;
		if (!jp_hex4(j, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return jp_fail(j, "high surrogate not followed by a low one");
		u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
	}
	put_utf8(o, n, u);
	return true;
}

static bool jp_string(struct jp *j, char **out, size_t *outlen)
{
	if (!jp_lit(j, "\""))
		return false;
	/* The decoded string is never longer than its source text. */
	size_t start = j->pos, n = 0;
	char *o = malloc(j->len - start + 1);
	if (!o)
		return jp_fail(j, "out of memory");
	for (;;) {
		int c = jp_peek(j);
		if (c < 0) {
			free(o);
			return jp_fail(j, "unterminated string");
		}
		j->pos++;
		if (c == '"')
			break;
		if (c < 0x20) {
			free(o);
			j->pos--;
			return jp_fail(j, "raw control character 0x%02x in a string", c);
		}
		if (c != '\\') {
			o[n++] = (char)c;
			continue;
		}
		c = jp_peek(j);
		j->pos++;
		const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
		const char *k = c > 0 ? strchr(from, c) : NULL;
		if (k && c) {
			o[n++] = to[k - from];
		} else if (c == 'u') {
			if (!jp_uescape(j, o, &n)) {
				free(o);
				return false;
			}
		} else {
			free(o);
			j->pos--;
			return jp_fail(j, "bad escape '\\%c'", c > 0 ? c : '?');
		}
	}
	o[n] = 0;
	*out = o;
	*outlen = n;
	return true;
}

/* RFC 8259 6: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
static bool jp_number(struct jp *j, double *v)
{
	size_t s = j->pos;
	if (jp_peek(j) == '-')
		j->pos++;
	if (jp_peek(j) == '0') {
		j->pos++;
	} else if (jp_peek(j) >= '1' && jp_peek(j) <= '9') {
		while (isdigit(jp_peek(j)))
			j->pos++;
	} else {
		return jp_fail(j, "bad number");
	}
	if (jp_peek(j) == '.') {
		j->pos++;
		if (!isdigit(jp_peek(j)))
			return jp_fail(j, "bad number: digits must follow '.'");
		while (isdigit(jp_peek(j)))
			j->pos++;
	}
	if (jp_peek(j) == 'e' || jp_peek(j) == 'E') {
		j->pos++;
		if (jp_peek(j) == '+' || jp_peek(j) == '-')
			j->pos++;
		if (!isdigit(jp_peek(j)))
			return jp_fail(j, "bad number: digits must follow the exponent");
		while (isdigit(jp_peek(j)))
			j->pos++;
	}
	char tmp[64];
	if (j->pos - s >= sizeof(tmp))
		return jp_fail(j, "number too long");
	memcpy(tmp, j->p + s, j->pos - s);
	tmp[j->pos - s] = 0;
	*v = strtod(tmp, NULL);
	return true;
}

static bool jp_value(struct jp *j, struct ik_json *v);

static bool jp_push(struct jp *j, struct ik_json *v, char *key)
{
	void *k = realloc(v->kids, (v->n + 1) * sizeof(*v->kids));
	if (!k) {
		free(key);
		return jp_fail(j, "out of memory");
	}
	v->kids = k;
	memset(&v->kids[v->n], 0, sizeof(*v->kids));
	if (v->kind == IK_J_OBJ) {
		void *ks = realloc(v->keys, (v->n + 1) * sizeof(*v->keys));
		if (!ks) {
			free(key);
			return jp_fail(j, "out of memory");
		}
		v->keys = ks;
		v->keys[v->n] = key;
	}
	v->n++;
	return jp_value(j, &v->kids[v->n - 1]);
}

/* Arrays and objects: '[' value (',' value)* ']' and '{' "key" ':' value (, ...)* '}'. */
static bool jp_container(struct jp *j, struct ik_json *v, bool obj)
{
	v->kind = obj ? IK_J_OBJ : IK_J_ARR;
	if (++j->depth > IK_JSON_MAX_DEPTH)
		return jp_fail(j, "nested deeper than %d", IK_JSON_MAX_DEPTH);
	j->pos++;
	jp_ws(j);
	if (jp_peek(j) == (obj ? '}' : ']')) {
		j->pos++;
		j->depth--;
		return true;
	}
	for (;;) {
		char *key = NULL;
		jp_ws(j);
		if (obj) {
			size_t kl;
			if (jp_peek(j) != '"')
				return jp_fail(j, "expected a key string");
			if (!jp_string(j, &key, &kl))
				return false;
			if (ik_json_get(v, key)) {
				jp_fail(j, "duplicate key \"%s\"", key);
				free(key);
				return false;
			}
			jp_ws(j);
			if (jp_peek(j) != ':') {
				free(key);
				return jp_fail(j, "expected ':' after a key");
			}
			j->pos++;
		}
		if (!jp_push(j, v, key))
			return false;
		jp_ws(j);
		int c = jp_peek(j);
		j->pos++;
		if (c == (obj ? '}' : ']'))
			break;
		if (c != ',') {
			j->pos--;
			return jp_fail(j, "expected ',' or '%c'", obj ? '}' : ']');
		}
	}
	j->depth--;
	return true;
}

static bool jp_value(struct jp *j, struct ik_json *v)
{
	jp_ws(j);
	switch (jp_peek(j)) {
	case '{': return jp_container(j, v, true);
	case '[': return jp_container(j, v, false);
	case '"': v->kind = IK_J_STR; return jp_string(j, &v->str, &v->len);
	case 't':
		v->kind = IK_J_BOOL;
		v->b = true;
		return jp_lit(j, "true");
	case 'f': v->kind = IK_J_BOOL; return jp_lit(j, "false");
	case 'n': v->kind = IK_J_NULL; return jp_lit(j, "null");
	case -1: return jp_fail(j, "unexpected end of input");
	default: v->kind = IK_J_NUM; return jp_number(j, &v->num);
	}
}

bool ik_json_parse(const char *p, size_t len, struct ik_json *out, char *err, size_t errlen)
{
	struct jp j = {.p = p, .len = len, .err = err, .errlen = errlen};
	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = 0;
	if (jp_value(&j, out)) {
		jp_ws(&j);
		if (j.pos == j.len)
			return true;
		jp_fail(&j, "text after the value");
	}
	ik_json_free(out);
	return false;
}

void ik_json_free(struct ik_json *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++) {
		ik_json_free(&j->kids[i]);
		if (j->keys)
			free(j->keys[i]);
	}
	free(j->kids);
	free(j->keys);
	free(j->str);
	memset(j, 0, sizeof(*j));
}

const struct ik_json *ik_json_get(const struct ik_json *j, const char *key)
{
	if (!j || j->kind != IK_J_OBJ)
		return NULL;
	for (size_t i = 0; i < j->n; i++)
		if (j->keys[i] && !strcmp(j->keys[i], key))
			return &j->kids[i];
	return NULL;
}

const char *ik_json_kind_name(enum ik_json_kind k)
{
	static const char *const names[] = {"null",   "boolean", "number",
	                                    "string", "array",   "object"};
	return (unsigned)k < IK_ARRAY_SIZE(names) ? names[k] : "?";
}

/* RFC 3629 3: the well-formed sequences (no overlongs, no surrogates, at most U+10FFFF). */
size_t ik_utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	size_t n;
	uint32_t cp;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void ik_esc_json(FILE *f, const char *s, unsigned flags)
{
	bool script_safe = flags & IK_JSON_SCRIPT_SAFE;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		size_t u8 = (flags & IK_JSON_UTF8) && *p >= 0x80 ? ik_utf8_len(p) : 0;
		if (u8) {
			fwrite(p, 1, u8, f);
			p += u8 - 1;
			continue;
		}
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		default:
			if (*p < 0x20 || *p >= 0x7f ||
			    (script_safe && (*p == '<' || *p == '>' || *p == '&')))
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
}

/* Copy one well-formed UTF-8 sequence, or write the byte as "\xNN"; returns bytes consumed. */
static size_t put_safe_byte(FILE *f, const unsigned char *p)
{
	size_t n = *p >= 0x80 ? ik_utf8_len(p) : 0;
	if (n) {
		fwrite(p, 1, n, f);
		return n;
	}
	fprintf(f, "\\x%02x", *p);
	return 1;
}

void ik_esc_xml(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		case '\n': fputs("\n", f); break;
		case '\t': fputs("\t", f); break;
		default:
			if (*p < 0x20 || *p >= 0x7f) {
				p += put_safe_byte(f, p);
				continue;
			}
			fputc(*p, f);
		}
		p++;
	}
}

void ik_esc_text(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (*p == '\n' || *p == '\t' || (*p >= 0x20 && *p < 0x7f)) {
			fputc(*p++, f);
			continue;
		}
		p += put_safe_byte(f, p);
	}
}
