/* Unit tests of the bounded buffers (engine/codec/buf.c): every read past the end must fail. */
#include "cunit.h"
#include "buf.h"

#include <string.h>

static void test_rd_numbers(void)
{
	const uint8_t b[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
	struct ik_rd r;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	ik_rd_init(&r, b, sizeof(b));
	CU_ASSERT_TRUE(ik_rd_u8(&r, &u8));
	CU_ASSERT_EQUAL(u8, 0x01);
	CU_ASSERT_TRUE(ik_rd_u16(&r, &u16));
	CU_ASSERT_EQUAL(u16, 0x0203);
	CU_ASSERT_TRUE(ik_rd_u32(&r, &u32));
	CU_ASSERT_EQUAL(u32, 0x04050607u);
	CU_ASSERT_EQUAL(ik_rd_left(&r), 0);
	CU_ASSERT_FALSE(r.failed);
}

static void test_rd_past_end_latches(void)
{
	const uint8_t b[] = {0xAA, 0xBB, 0xCC};
	struct ik_rd r;
	uint32_t u32;
	uint8_t u8;

	ik_rd_init(&r, b, sizeof(b));
	CU_ASSERT_FALSE(ik_rd_u32(&r, &u32));
	CU_ASSERT_TRUE(r.failed);
	CU_ASSERT_EQUAL(r.pos, 0);          /* nothing consumed by a failed read */
	CU_ASSERT_FALSE(ik_rd_u8(&r, &u8)); /* failure latches */
}

static void test_rd_sub(void)
{
	const uint8_t b[] = {1, 2, 3, 4, 5};
	struct ik_rd r, s;
	uint8_t out[3];

	ik_rd_init(&r, b, sizeof(b));
	CU_ASSERT_TRUE(ik_rd_sub(&r, &s, 3));
	CU_ASSERT_TRUE(ik_rd_bytes(&s, out, 3));
	CU_ASSERT_EQUAL(memcmp(out, b, 3), 0);
	CU_ASSERT_FALSE(ik_rd_u8(&s, &out[0])); /* sub-reader cannot see its parent's bytes */
	CU_ASSERT_EQUAL(ik_rd_left(&r), 2);
	CU_ASSERT_FALSE(ik_rd_sub(&r, &s, 3));
	CU_ASSERT_TRUE(s.failed);
}

static void test_wr_grow_and_patch(void)
{
	struct ik_wr w;

	ik_wr_init(&w);
	for (int i = 0; i < 1000; i++)
		CU_ASSERT_TRUE(ik_wr_u8(&w, (uint8_t)i));
	CU_ASSERT_EQUAL(w.len, 1000);
	CU_ASSERT_EQUAL(w.p[999], (uint8_t)999);
	CU_ASSERT_TRUE(ik_wr_put_u16_at(&w, 998, 0xBEEF));
	CU_ASSERT_EQUAL(w.p[998], 0xBE);
	CU_ASSERT_EQUAL(w.p[999], 0xEF);
	CU_ASSERT_FALSE(ik_wr_put_u16_at(&w, 999, 1)); /* would write past len */
	CU_ASSERT_FALSE(ik_wr_put_u32_at(&w, SIZE_MAX - 1, 1));
	CU_ASSERT_TRUE(ik_wr_u32(&w, 0x01020304));
	CU_ASSERT_EQUAL(w.p[1000], 1);
	CU_ASSERT_EQUAL(w.p[1003], 4);
	ik_wr_free(&w);
	CU_ASSERT_PTR_NULL(w.p);
}

/* ik_wr_fit: exactly len octets kept, the content intact, writing on grows it again. */
static void test_wr_fit(void)
{
	struct ik_wr w;

	ik_wr_init(&w);
	ik_wr_fit(&w); /* nothing to fit */
	CU_ASSERT_PTR_NULL(w.p);
	CU_ASSERT_TRUE(ik_wr_bytes(&w, "0123456789", 10));
	CU_ASSERT_EQUAL(w.cap, 256);
	ik_wr_fit(&w);
	CU_ASSERT_EQUAL(w.cap, 10);
	CU_ASSERT_EQUAL(memcmp(w.p, "0123456789", 10), 0);
	CU_ASSERT_TRUE(ik_wr_bytes(&w, "ab", 2));
	CU_ASSERT_EQUAL(w.len, 12);
	CU_ASSERT(w.cap >= 12);
	CU_ASSERT_EQUAL(memcmp(w.p, "0123456789ab", 12), 0);
	ik_wr_free(&w);
}

static const struct ik_test tests[] = {
	{"reader decodes network byte order", test_rd_numbers},
	{"reader past end fails and latches", test_rd_past_end_latches},
	{"sub-reader is bounded", test_rd_sub},
	{"writer grows and patches in bounds only", test_wr_grow_and_patch},
	{"writer fitted to its length grows again", test_wr_fit},
};

IK_TEST_MAIN("buf", tests)
