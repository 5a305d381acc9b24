/* The quirk table and its names; see quirk.h and quirk.def. */
#include "quirk.h"
#include "util.h"

#include <string.h>

static const struct ik_quirk quirks[] = {
#define QUIRK(id, name, what, rfc) {IK_QUIRK(id), name, what, rfc},
#include "quirk.def"
#undef QUIRK
};

/* Every quirk must have its bit in ik_quirks_t. */
_Static_assert(IK_QUIRK_COUNT <= 64 * IK_QUIRK_WORDS, "more quirks than bits in ik_quirks_t");

const struct ik_quirk *ik_quirk_table(size_t *n)
{
	*n = IK_ARRAY_SIZE(quirks);
	return quirks;
}

ik_quirks_t ik_quirk_by_name(const char *name)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(quirks); i++)
		if (!strcmp(quirks[i].name, name))
			return quirks[i].bit;
	return (ik_quirks_t){0};
}

bool ik_quirk_parse(const char *list, ik_quirks_t *bits, char *bad, size_t cap)
{
	char word[64];
	const char *p = list;

	for (;;) {
		size_t len = strcspn(p, ",");
		ik_quirks_t b = {0};
		if (len && len < sizeof(word)) {
			memcpy(word, p, len);
			word[len] = 0;
			b = ik_quirk_by_name(word);
		}
		if (ik_quirks_none(b)) {
			snprintf(bad, cap, "%.*s", (int)len, p);
			return false;
		}
		*bits = ik_quirks_or(*bits, b);
		if (!p[len])
			return true;
		p += len + 1;
	}
}

void ik_quirk_names(ik_quirks_t bits, char *buf, size_t cap)
{
	size_t l = 0;

	if (!cap)
		return;
	buf[0] = 0;
	for (size_t i = 0; i < IK_ARRAY_SIZE(quirks) && l < cap; i++)
		if (ik_quirks_any(bits, quirks[i].bit))
			l += (size_t)snprintf(buf + l, cap - l, "%s%s", l ? "," : "",
			                      quirks[i].name);
	if (ik_quirks_none(bits))
		snprintf(buf, cap, "none");
}

void ik_quirk_list(FILE *f)
{
	for (size_t i = 0; i < IK_ARRAY_SIZE(quirks); i++)
		fprintf(f, "%-22s %s [%s]\n", quirks[i].name, quirks[i].what, quirks[i].rfc);
}
