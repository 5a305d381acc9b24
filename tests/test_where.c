/* Names for where an exchange is (engine/exchanges/where.c), the event loop and the UDP transport. */
#include "cunit.h"
#include "loop.h"
#include "net.h"
#include "where.h"

#include <string.h>

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(ik_msg_name(IK_X_MAIN, 5), "MM5");
	CU_ASSERT_STRING_EQUAL(ik_msg_name(IK_X_AGGR, 2), "AM2");
	CU_ASSERT_STRING_EQUAL(ik_msg_name(IK_X_QUICK, 3), "QM3");
	CU_ASSERT_STRING_EQUAL(ik_msg_name(IK_X_MAIN, 7), "?");
	CU_ASSERT_EQUAL(ik_xchg_len(IK_X_MAIN), 6);
	CU_ASSERT_EQUAL(ik_xchg_len(IK_X_AGGR), 3);
	CU_ASSERT_EQUAL(ik_xchg_len(IK_X_QUICK), 3);
	/* RFC 2409 5: odd main mode messages come from the initiator. */
	for (int m = 1; m <= 6; m++)
		CU_ASSERT_EQUAL(ik_msg_sender(IK_X_MAIN, m), m % 2 ? IK_INITIATOR : IK_RESPONDER);
}

static void test_ios_states(void)
{
	CU_ASSERT_STRING_EQUAL(ik_ios_state(IK_X_MAIN, 0), "MM_NO_STATE");
	CU_ASSERT_STRING_EQUAL(ik_ios_state(IK_X_MAIN, 2), "MM_SA_SETUP");
	CU_ASSERT_STRING_EQUAL(ik_ios_state(IK_X_MAIN, 4), "MM_KEY_EXCH");
	CU_ASSERT_STRING_EQUAL(ik_ios_state(IK_X_MAIN, 6), "QM_IDLE");
	CU_ASSERT_STRING_EQUAL(ik_ios_state(IK_X_AGGR, 2), "AG_INIT_EXCH");
	/* The hint for a missing MM6 is the one operators know: PSK or identity mismatch. */
	CU_ASSERT_PTR_NOT_NULL(strstr(ik_stall_hint(IK_X_MAIN, 6), "pre-shared key"));
	CU_ASSERT_PTR_NOT_NULL(strstr(ik_stall_hint(IK_X_MAIN, 6), "MM_KEY_EXCH"));
}

/* The state enum of messages.def: one state per message, named by it, and back. */
static void test_states(void)
{
	CU_ASSERT_EQUAL(ik_state_of(IK_X_MAIN, 0), IK_ST_NONE);
	CU_ASSERT_EQUAL(ik_state_of(IK_X_MAIN, 3), IK_ST_MM3);
	CU_ASSERT_EQUAL(ik_state_of(IK_X_QUICK, 4), IK_ST_NONE);
	CU_ASSERT_STRING_EQUAL(ik_state_name(IK_ST_QM2), "QM2");
	CU_ASSERT_STRING_EQUAL(ik_state_name(IK_ST_NONE), "?");
	CU_ASSERT_EQUAL(ik_state_xchg(IK_ST_AM2), IK_X_AGGR);
	CU_ASSERT_EQUAL(ik_state_msg(IK_ST_AM2), 2);
	/* RFC 2409 5, 5.5: main mode ends with MM6, aggressive with AM3, quick mode with QM3. */
	CU_ASSERT(ik_state_final(IK_ST_MM6) && ik_state_final(IK_ST_AM3));
	CU_ASSERT(ik_state_final(IK_ST_QM3));
	CU_ASSERT(!ik_state_final(IK_ST_MM5) && !ik_state_final(IK_ST_NONE));
	for (int s = IK_ST_NONE + 1; s < IK_ST_COUNT; s++)
		CU_ASSERT_EQUAL(ik_state_of(ik_state_xchg(s), ik_state_msg(s)), s);
}

static int fired[4];
static void on_timer(void *arg)
{
	int *slot = arg;
	(*slot)++;
}

static void test_timers_order_and_cancel(void)
{
	struct ik_loop l;

	memset(fired, 0, sizeof(fired));
	ik_loop_init(&l);
	uint64_t a = ik_loop_timer(&l, 30, on_timer, &fired[0]);
	ik_loop_timer(&l, 0, on_timer, &fired[1]);
	uint64_t c = ik_loop_timer(&l, 10, on_timer, &fired[2]);
	CU_ASSERT(a && c && a != c);
	ik_loop_cancel(&l, a);
	ik_loop_cancel(&l, 0);
	ik_loop_run(&l, ik_now_ms() + 80);
	CU_ASSERT_EQUAL(fired[0], 0); /* cancelled */
	CU_ASSERT_EQUAL(fired[1], 1);
	CU_ASSERT_EQUAL(fired[2], 1);
	CU_ASSERT_EQUAL(l.ntimers, 0);
	ik_loop_free(&l);
}

/* RFC 3948 2.2/2.3: the NAT-T socket adds and strips the non-ESP marker, spots keepalives. */
static void test_natt_marker(void)
{
	struct sockaddr_storage lo;
	socklen_t len;
	struct ik_status st;
	struct ik_sock a, b;
	static struct ik_dgram d;
	const uint8_t msg[] = {0x11, 0x22, 0x33, 0x44, 0x55};
	const uint8_t ka[] = {0xFF};
	const uint8_t esp[] = {0, 0, 0x10, 0x01, 0, 0, 0, 1};

	CU_ASSERT_TRUE_FATAL(ik_addr_parse("127.0.0.1", 0, &lo, &len, &st));
	CU_ASSERT_TRUE_FATAL(ik_sock_open(&a, &lo, len, true, &st));
	CU_ASSERT_TRUE_FATAL(ik_sock_open(&b, &lo, len, false, &st));
	ik_addr_set_port(&lo, a.port);
	/* b is a plain socket: what it sends arrives at a's NAT-T port as raw bytes. */
	CU_ASSERT_TRUE(
		ik_sock_send_raw(&b, &lo, (const uint8_t *)"\0\0\0\0\x11\x22\x33\x44\x55", 9, &st));
	CU_ASSERT_TRUE(ik_sock_send_raw(&b, &lo, ka, 1, &st));
	CU_ASSERT_TRUE(ik_sock_send_raw(&b, &lo, esp, sizeof(esp), &st));
	uint64_t until = ik_now_ms() + 1000;
	int got = 0;
	enum ik_dgram_kind kinds[3];
	while (got < 3 && ik_now_ms() < until)
		if (ik_sock_recv(&a, &d))
			kinds[got++] = d.kind;
		else if (got == 0)
			continue;
	CU_ASSERT_EQUAL_FATAL(got, 3);
	CU_ASSERT_EQUAL(kinds[0], IK_DGRAM_IKE);
	CU_ASSERT_EQUAL(kinds[1], IK_DGRAM_KEEPALIVE);
	CU_ASSERT_EQUAL(kinds[2], IK_DGRAM_ESP);
	/* And a's IKE send carries the marker: b (plain) sees 4 zero bytes first. */
	struct sockaddr_storage to;
	CU_ASSERT_TRUE(ik_addr_parse("127.0.0.1", b.port, &to, &len, &st));
	CU_ASSERT_TRUE(ik_sock_send_ike(&a, &to, msg, sizeof(msg), &st));
	until = ik_now_ms() + 1000;
	while (!ik_sock_recv(&b, &d) && ik_now_ms() < until)
		;
	CU_ASSERT_EQUAL(d.len, sizeof(msg) + 4);
	CU_ASSERT_EQUAL(memcmp(d.data, "\0\0\0\0", 4), 0);
	CU_ASSERT_EQUAL(memcmp(d.data + 4, msg, sizeof(msg)), 0);
	ik_sock_close(&a);
	ik_sock_close(&b);
}

/* Many sockets on port 0 at once (a run of parallel cases): every one gets its own port, and a
 * second bind of a busy port fails with a message naming it. */
static void test_ports_unique(void)
{
	enum { N = 600 };
	static struct ik_sock s[N];
	struct sockaddr_storage lo;
	socklen_t len;
	struct ik_status st;
	int dup = 0, opened = 0;
	static uint8_t seen[65536];

	memset(seen, 0, sizeof(seen));
	CU_ASSERT_TRUE_FATAL(ik_addr_parse("127.0.0.2", 0, &lo, &len, &st));
	for (int i = 0; i < N && ik_sock_open(&s[i], &lo, len, false, &st); i++, opened++)
		dup += seen[s[i].port]++ > 0;
	CU_ASSERT_EQUAL(opened, N);
	CU_ASSERT_EQUAL(dup, 0);
	struct ik_sock again;
	ik_addr_set_port(&lo, s[0].port);
	CU_ASSERT_FALSE(ik_sock_open(&again, &lo, len, false, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "in use"));
	for (int i = 0; i < opened; i++)
		ik_sock_close(&s[i]);
}

static void test_addr_parse_errors(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct ik_status st;
	char buf[64];

	CU_ASSERT_FALSE(ik_addr_parse("192.0.2.300", 500, &ss, &len, &st));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.why, "192.0.2.300"));
	CU_ASSERT_TRUE(ik_addr_parse("::1", 4500, &ss, &len, &st));
	CU_ASSERT_STRING_EQUAL(ik_addr_str(&ss, buf, sizeof(buf)), "[::1]:4500");
}

static const struct ik_test tests[] = {
	{"RFC message names and senders", test_names},
	{"IOS states and stall hints", test_ios_states},
	{"one state per message of messages.def", test_states},
	{"timers fire in order, cancel works", test_timers_order_and_cancel},
	{"NAT-T non-ESP marker and keepalive (RFC 3948 2.2, 2.3)", test_natt_marker},
	{"address parse errors name the input", test_addr_parse_errors},
	{"sockets on port 0 get distinct ports; a busy port is refused", test_ports_unique},
};

IK_TEST_MAIN("where", tests)
