/*
 * libFuzzer target for the decoder: decode; when that succeeds, encode must give the same
 * octets (the decoder accepts only messages whose lengths, chains and counts agree, so the
 * encoder's fix-ups must reproduce them), the re-decode must succeed and print the same tree,
 * and every payload must be found again by its own path. A failed decode must say why.
 */
#include "codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dump(struct ik_msg *m, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	if (!f)
		abort();
	ik_dump(f, m, IK_DUMP_FULL_HEX);
	ik_dump_findings(f, m);
	fclose(f);
	return buf;
}

static void paths(struct ik_msg *m)
{
	char path[200];
	struct ik_ref r;
	struct ik_status st;

	for (size_t k = 0; k < m->hdr->nkids; k++) {
		struct ik_node *p = m->hdr->kids[k];
		ik_path_of(m, p, -1, path, sizeof(path));
		if (!ik_path_find(m, path, &r, &st) || r.node != p) {
			fprintf(stderr, "path %s does not lead back: %s\n", path, st.why);
			abort();
		}
		for (size_t j = 0; j < p->nkids; j++) {
			ik_path_of(m, p->kids[j], -1, path, sizeof(path));
			if (!ik_path_find(m, path, &r, &st) || r.node != p->kids[j]) {
				fprintf(stderr, "path %s does not lead back: %s\n", path, st.why);
				abort();
			}
		}
	}
}

/*
 * Mutation smoke: pin, omit or re-set one field chosen by the input, clone or drop a payload,
 * then encode and decode again. Any result is fine except a crash or a silent failure.
 */
static void mutate(struct ik_msg *m, const uint8_t *data, size_t size)
{
	struct ik_status st;
	struct ik_wr w;
	struct ik_msg m2;

	if (!m->hdr->nkids || size < 4)
		return;
	struct ik_node *p = m->hdr->kids[data[0] % m->hdr->nkids];
	struct ik_node *n = p->nkids ? p->kids[data[1] % p->nkids] : p;
	uint8_t f = (uint8_t)(data[2] % n->sd->nf);
	switch (data[3] & 3) {
	case 0:
		n->v[f].pinned = true;
		n->v[f].num ^= data[size - 1];
		break;
	case 1: n->v[f].omitted = true; break;
	case 2: {
		struct ik_node *c = ik_node_clone(p);
		if (c && !ik_node_insert(m->hdr, data[1], c))
			ik_node_free(c);
		break;
	}
	default: ik_node_free(ik_node_remove(m->hdr, data[0] % m->hdr->nkids)); break;
	}
	ik_wr_init(&w);
	if (!ik_encode(m, &w, &st))
		abort();
	if (ik_decode(&m2, w.p, w.len, &st))
		ik_msg_free(&m2);
	else if (!st.why[0])
		abort();
	ik_wr_free(&w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ik_msg m, m2;
	struct ik_status st;
	struct ik_wr w;
	size_t l1, l2;

	if (!ik_decode(&m, data, size, &st)) {
		if (!st.why[0])
			abort(); /* a failure without a reason */
		return 0;
	}
	ik_wr_init(&w);
	if (!ik_encode(&m, &w, &st) || w.len != size || memcmp(w.p, data, size)) {
		fprintf(stderr, "encode(decode(x)) != x (%zu vs %zu octets)\n", w.len, size);
		abort();
	}
	if (!ik_decode(&m2, w.p, w.len, &st)) {
		fprintf(stderr, "re-decode failed: %s\n", st.why);
		abort();
	}
	char *d1 = dump(&m, &l1), *d2 = dump(&m2, &l2);
	if (l1 != l2 || memcmp(d1, d2, l1)) {
		fprintf(stderr, "trees differ:\n%s\n---\n%s\n", d1, d2);
		abort();
	}
	paths(&m);
	mutate(&m, data, size);
	free(d1);
	free(d2);
	ik_wr_free(&w);
	ik_msg_free(&m);
	ik_msg_free(&m2);
	return 0;
}
