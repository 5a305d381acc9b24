/*
 * The field index enums against the descriptors they index (payload.def): every IK_F_<S>_<FIELD>
 * names the field whose path key is <FIELD> in structure <S>, so code that says IK_F_SA_DOI
 * reads the DOI and nothing else, and the enum and the table cannot drift apart.
 */
#include "cunit.h"
#include "payload.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* One row per field of payload.def: the structure's path key, the enum value, FIELD spelled. */
static const struct row {
	const char *sd;
	int index;
	const char *field;
} rows[] = {
#define IK_SD(s, name)
#define IK_FLD(s, fld, desc) {#s, IK_F_##s##_##fld, #fld},
#define IK_END(s)
#include "payload.def"
#undef IK_SD
#undef IK_FLD
#undef IK_END
};

/* The number of fields of each structure as the enum counts them. */
static const struct count {
	const char *sd, *name;
	int nf;
} counts[] = {
#define IK_SD(s, name) {#s, name, IK_NF_##s},
#define IK_FLD(s, fld, desc)
#define IK_END(s)
#include "payload.def"
#undef IK_SD
#undef IK_FLD
#undef IK_END
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The descriptor a structure of payload.def generates, found by its path key. */
static const struct ik_sdesc *desc_of(const char *sd)
{
	size_t n;
	const struct ik_sdesc *const *all = ik_all_descs(&n);
	const char *name = NULL;

	for (size_t i = 0; i < N_OF(counts); i++)
		if (!strcmp(counts[i].sd, sd))
			name = counts[i].name;
	for (size_t i = 0; name && i < n; i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}

/* FIELD is the descriptor's path key in capitals ("spi_size" is SPI_SIZE). */
static bool spelled(const char *key, const char *field)
{
	size_t n = strlen(key);
	if (n != strlen(field))
		return false;
	for (size_t i = 0; i < n; i++)
		if (toupper((unsigned char)key[i]) != field[i])
			return false;
	return true;
}

static void test_enum_names_field(void)
{
	for (size_t i = 0; i < N_OF(rows); i++) {
		const struct row *r = &rows[i];
		const struct ik_sdesc *sd = desc_of(r->sd);
		CU_ASSERT_PTR_NOT_NULL_FATAL(sd);
		CU_ASSERT_FATAL(r->index >= 0 && r->index < sd->nf);
		if (!spelled(sd->f[r->index].name, r->field))
			fprintf(stderr, "IK_F_%s_%s indexes \"%s\"\n", r->sd, r->field,
			        sd->f[r->index].name);
		CU_ASSERT(spelled(sd->f[r->index].name, r->field));
		/* names are unique in a structure, so a user's path finds the same field */
		CU_ASSERT_EQUAL(ik_field_index(sd, sd->f[r->index].name), r->index);
	}
}

static void test_enum_counts_fields(void)
{
	size_t n;
	const struct ik_sdesc *const *all = ik_all_descs(&n);

	for (size_t i = 0; i < N_OF(counts); i++) {
		const struct ik_sdesc *sd = desc_of(counts[i].sd);
		CU_ASSERT_PTR_NOT_NULL_FATAL(sd);
		CU_ASSERT_EQUAL(sd->nf, counts[i].nf);
		CU_ASSERT(sd->nf <= IK_MAX_FIELDS);
	}
	/* every descriptor uses the fields of a structure of payload.def (the NAT-T drafts share
	 * the RFC 3947 layouts), so no field array exists outside the enums */
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t k = 0; k < N_OF(counts); k++)
			found |= desc_of(counts[k].sd)->f == all[i]->f;
		CU_ASSERT(found);
	}
}

/* RFC 2408 3.2: every payload, proposal and transform begins with np, reserved, length. */
static void test_generic_header(void)
{
	size_t n;
	const struct ik_sdesc *const *all = ik_all_descs(&n);

	for (size_t i = 0; i < n; i++) {
		if (all[i]->kind != IK_S_PAYLOAD)
			continue;
		CU_ASSERT_STRING_EQUAL(all[i]->f[IK_F_GEN_NP].name, "np");
		CU_ASSERT_EQUAL(all[i]->f[IK_F_GEN_NP].role, IK_R_NEXT);
		CU_ASSERT_STRING_EQUAL(all[i]->f[IK_F_GEN_RESERVED].name, "reserved");
		CU_ASSERT_STRING_EQUAL(all[i]->f[IK_F_GEN_LENGTH].name, "length");
		CU_ASSERT_EQUAL(all[i]->f[IK_F_GEN_LENGTH].role, IK_R_LENGTH);
	}
}

/* RFC 2408 3.1: the header flag bits are E, C and A. */
static void test_header_flags(void)
{
	CU_ASSERT_EQUAL(IK_HDR_FLAG_ENC, 0x01);
	CU_ASSERT_EQUAL(IK_HDR_FLAG_COMMIT, 0x02);
	CU_ASSERT_EQUAL(IK_HDR_FLAG_AUTH_ONLY, 0x04);
	CU_ASSERT_STRING_EQUAL(ik_name(IK_T_HDR_FLAG, IK_HDR_FLAG_ENC), "E");
	CU_ASSERT_STRING_EQUAL(ik_name(IK_T_HDR_FLAG, IK_HDR_FLAG_COMMIT), "C");
	CU_ASSERT_STRING_EQUAL(ik_name(IK_T_HDR_FLAG, IK_HDR_FLAG_AUTH_ONLY), "A");
}

static const struct ik_test tests[] = {
	{"each IK_F_ value indexes the field of its name", test_enum_names_field},
	{"each IK_NF_ counts its descriptor's fields", test_enum_counts_fields},
	{"IK_F_GEN_ is the generic header of every payload", test_generic_header},
	{"header flag bits", test_header_flags},
};
IK_TEST_MAIN("codec_fields", tests)
