/*
 * TEMPORARY, until branch `mut` (engine/mutate.c) is merged: weak stand-ins so the case parser
 * and `list mutations` link on their own. engine/mutate.o sorts before suite/ in the library,
 * so once it exists the linker takes its strong definitions and these are never used; the lead
 * deletes this file at the merge. The stand-in parser checks only the shape of a spec
 * (MSG[#N] PLACE OP[:ARG], the message, place and operation names) and keeps its text.
 */
#include "mutate.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const op_names[] = {"set",  "omit",     "empty",   "duplicate",
				       "fill", "flip",     "truncate", "append",
				       "reorder", "drop",  "delay",   "replay"};

static bool msg_of(const char *s, struct ik_mutation *m)
{
	static const enum ik_xchg xs[] = {IK_X_MAIN, IK_X_AGGR, IK_X_QUICK};

	if (!strcasecmp(s, "INFO")) {
		m->xchg = IK_X_INFO;
		return true;
	}
	for (size_t i = 0; i < 3; i++)
		for (int k = 1; k <= ik_xchg_len(xs[i]); k++)
			if (!strcasecmp(s, ik_msg_name(xs[i], k))) {
				m->xchg = xs[i];
				m->msg = k;
				return true;
			}
	return false;
}

__attribute__((weak)) bool ik_mutation_parse(const char *spec, struct ik_mutation *m,
					     struct ik_status *st)
{
	char buf[sizeof(m->text)], *w[4], *save = NULL, *hash;
	size_t n = 0;

	memset(m, 0, sizeof(*m));
	if (strlen(spec) >= sizeof(buf))
		return ik_fail(st, 0, "ik_mutation_parse: spec too long");
	strcpy(buf, spec);
	for (char *t = strtok_r(buf, " \t", &save); t && n < 4; t = strtok_r(NULL, " \t", &save))
		w[n++] = t;
	if (n != 3)
		return ik_fail(st, 0, "ik_mutation_parse: '%s': expected MSG[#N] PLACE OP[:ARG]",
			       spec);
	if ((hash = strchr(w[0], '#'))) {
		*hash = 0;
		m->nth = (unsigned)strtoul(hash + 1, NULL, 10);
		if (!m->nth)
			return ik_fail(st, 0, "ik_mutation_parse: '#%s': expected #N (N >= 1)",
				       hash + 1);
	}
	if (!msg_of(w[0], m))
		return ik_fail(st, 0, "ik_mutation_parse: message '%s': expected MM1..MM6, "
				      "AM1..AM3, QM1..QM3 or INFO", w[0]);
	m->place = !strcmp(w[1], "send")        ? IK_MP_SEND
		   : !strcmp(w[1], "recv")      ? IK_MP_RECV
		   : !strcmp(w[1], "crypto.iv") ? IK_MP_IV
		   : !strncmp(w[1], "plain", 5) ? IK_MP_PLAIN
		   : !strncmp(w[1], "wire", 4)  ? IK_MP_WIRE
						: IK_MP_FIELD;
	snprintf(m->path, sizeof(m->path), "%s", w[1]);
	size_t ol = strcspn(w[2], ":"), k = 0;
	while (k < 12 && (strlen(op_names[k]) != ol || strncmp(op_names[k], w[2], ol)))
		k++;
	if (k == 12)
		return ik_fail(st, 0, "ik_mutation_parse: operation '%.*s': expected set, omit, "
				      "empty, duplicate, fill, flip, truncate, append, reorder, drop, "
				      "delay or replay", (int)ol, w[2]);
	m->op = (enum ik_mut_op)k;
	snprintf(m->text, sizeof(m->text), "%s", spec);
	return true;
}

__attribute__((weak)) void ik_mutation_catalogue(FILE *f)
{
	fputs("ik_mutation_catalogue: the mutation engine (branch mut) is not in this build\n", f);
}
