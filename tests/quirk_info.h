/*
 * The rows of tests/test_quirk.c for the receiver's Notify and Delete checks (RFC 2408 5.14,
 * 5.15; engine/exchanges/info_check.c; suite/cases/info): quirks notify-lax, delete-lax and
 * delete-all-or-none. Included by test_quirk.c only, after quirk_dpd.h (query_acked).
 */
#ifndef IK_QUIRK_INFO_H
#define IK_QUIRK_INFO_H

/* Quirk notify-lax, RFC 2408 5.14 step 2: an R-U-THERE with DOI 9 is discarded, not ACKed. */
static bool odd_doi_query_acked(struct ik_pair *p)
{
	return query_acked(p, "INFO N.doi set:9", NULL);
}

/* Quirk notify-lax, RFC 2408 5.14 step 3: the same with Protocol-ID 99. */
static bool odd_proto_query_acked(struct ik_pair *p)
{
	return query_acked(p, "INFO N.proto set:99", NULL);
}

/* Phase 1 up, then the initiator deletes the ISAKMP SA under mutation a (and b): does the
 * responder's ISAKMP SA end? */
static bool deleted_under(struct ik_pair *p, const char *a, const char *b)
{
	static struct ik_mutation m[2];
	struct ik_status st;
	uint8_t spi[16];
	if (!ik_mutation_parse(a, &m[0], &st) || (b && !ik_mutation_parse(b, &m[1], &st)))
		return false;
	p->ini.mut = m, p->ini.nmut = b ? 2 : 1; /* INFO only: phase 1 goes clean */
	p->ini.auto_quick = false;
	struct ik_sa *sa = ik_initiate(&p->ini);
	SPIN_UNTIL(p, (p->res.p1_up && p->ini.p1_up) || p->failed, 2000);
	if (!sa || !sa->established || !p->res.sas)
		return false;
	memcpy(spi, sa->icookie, 8);
	memcpy(spi + 8, sa->rcookie, 8);
	ik_send_delete(sa, IK_PROTO_ISAKMP, spi, 16, 1);
	SPIN_UNTIL(p, p->res.sas->dead, 500);
	return p->res.sas->dead;
}

/* Quirk delete-lax, RFC 2408 5.15 steps 2-4: DOI 9, Protocol-ID 99, or other cookies. */
static bool odd_doi_delete_taken(struct ik_pair *p)
{
	return deleted_under(p, "INFO D.doi set:9", NULL);
}

static bool odd_proto_delete_taken(struct ik_pair *p)
{
	return deleted_under(p, "INFO D.proto set:99", NULL);
}

static bool other_cookies_delete_taken(struct ik_pair *p)
{
	return deleted_under(p, "INFO D.spis flip:0", NULL);
}

/* Quirk delete-lax, RFC 2408 5.15 step 1: a Delete in the clear, no HASH. */
static bool clear_delete_taken(struct ik_pair *p)
{
	return deleted_under(p, "INFO crypto omit", "INFO HASH omit");
}

/* Quirk delete-all-or-none, RFC 2408 5.15 step 4: the SA's cookies, then a bogus pair: does the
 * ISAKMP SA survive (the valid SPI dropped with the bogus one)? */
static bool mixed_delete_ignored(struct ik_pair *p)
{
	return !deleted_under(p, "INFO D.spis append:a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5", NULL) &&
	       p->res.sas && p->ini.p1_up;
}

#endif
