/*
 * A small strict JSON reader (RFC 8259) and the escaping that every report writer shares.
 *
 * The reader builds a tree for one document: results.jsonl is read one line (one document) at a
 * time, report.json as one document. Strict means: RFC 8259 grammar only (no comments, no
 * trailing commas, no NaN), duplicate keys refused, nesting at most IK_JSON_MAX_DEPTH, and
 * "\u0000" refused because every string ends up in a C string. Errors name the byte offset and
 * the problem.
 */
#ifndef IK_JSON_H
#define IK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define IK_JSON_MAX_DEPTH 16

enum ik_json_kind { IK_J_NULL, IK_J_BOOL, IK_J_NUM, IK_J_STR, IK_J_ARR, IK_J_OBJ };

struct ik_json {
	enum ik_json_kind kind;
	bool b;
	double num;
	char *str; /* IK_J_STR: NUL-terminated, len bytes */
	size_t len;
	struct ik_json *kids; /* IK_J_ARR, IK_J_OBJ: n values */
	char **keys;          /* IK_J_OBJ: n keys */
	size_t n;
};

/* Parse exactly one value (surrounding white space allowed) from p[0..len). */
bool ik_json_parse(const char *p, size_t len, struct ik_json *out, char *err, size_t errlen);
void ik_json_free(struct ik_json *j);
/* The member `key` of an object, NULL when absent or j is not an object. */
const struct ik_json *ik_json_get(const struct ik_json *j, const char *key);
const char *ik_json_kind_name(enum ik_json_kind k);

/*
 * Escaping, one function per output language. Every byte of a string from a record may come
 * from the DUT (a vendor ID text, a notify's data), so none is trusted:
 *   json: '"', '\\' and control characters escaped; bytes >= 0x80 as \u00XX, so the output
 *         is ASCII and the reader turns \u00XX back into that byte: strings round-trip byte
 *         for byte (results.jsonl). IK_JSON_UTF8 passes well-formed UTF-8 sequences through
 *         as they are (report.json, HTML: other tools and browsers see the real characters)
 *         and still escapes the other bytes as \u00XX, so the round trip holds there too.
 *         IK_JSON_SCRIPT_SAFE also escapes '<', '>' and '&' so the text can sit in an HTML
 *         <script> element without ending it.
 *   xml:  & < > " ' as entities; control characters (not allowed in XML 1.0) and bytes that
 *         are not well-formed UTF-8 as the visible text "\xNN". Also right for HTML.
 *   text: control characters other than newline and tab, and bytes that are not UTF-8, as
 *         "\xNN" so a terminal never sees an escape sequence from the DUT.
 */
enum { IK_JSON_UTF8 = 1, IK_JSON_SCRIPT_SAFE = 2 };
void ik_esc_json(FILE *f, const char *s, unsigned flags);
void ik_esc_xml(FILE *f, const char *s);
void ik_esc_text(FILE *f, const char *s);
/* Length of the well-formed UTF-8 sequence at s (2..4), 0 if s does not start one. */
size_t ik_utf8_len(const unsigned char *s);

#endif
