/*
 * clear-cfg: a Transaction exchange before any ISAKMP SA exists (draft-dukes-ike-mode-cfg-02
 * 3.1.2): "If the ISAKMP security association has not yet been established at the time of the
 * Transaction Exchange and the information being exchanged is not sensitive, the exchange MAY be
 * done in the clear without an accompanying HASH payload" (HDR, ATTR both ways). We ask, under a
 * cookie of no SA and a zero responder cookie, only for APPLICATION_VERSION, which "does not need
 * to be secured" (3.4), listen a third of the silence window (at least 500 ms) and record what
 * came back under our cookie: a clear REPLY and its attributes, another message, or nothing. All
 * three are what 3.1.2 allows; the phase 1 step after it shows the DUT still takes a fresh
 * exchange, and the case judges that.
 */
#include "consts.h"
#include "rng.h"
#include "runner_int.h"
#include "xchg.h"

#include <string.h>

static void clear_cfg_done(void *arg)
{
	struct crun *cr = arg;
	cr->step_timer = 0;
	if (cr->finished)
		return;
	if (!cr->o.clear_cfg[0])
		snprintf(cr->o.clear_cfg, sizeof(cr->o.clear_cfg),
		         "no answer to our clear REQUEST for APPLICATION_VERSION before phase 1 "
		         "(3.1.2: a MAY)");
	ik_step_done(cr);
}

/* HDR (our fresh cookie, a zero responder cookie, exchange 6, no flags), ATTR REQUEST with
 * APPLICATION_VERSION empty, as a REQUEST asks (3.4). */
static bool send_request(struct crun *cr, struct ik_status *st)
{
	static const uint8_t zero[8];
	struct ik_cfg_msg c = {.type = IK_CFG_TYPE_REQUEST, .n = 1};
	struct ik_msg m;
	struct ik_wr w;
	uint32_t mid = 0;

	c.a[0].type = IK_CFG_ATTR_APPLICATION_VERSION;
	while (!c.id)
		ik_rng_bytes(&c.id, sizeof(c.id));
	while (!mid)
		ik_rng_bytes(&mid, sizeof(mid));
	ik_rng_bytes(cr->cc_cookie, sizeof(cr->cc_cookie));
	cr->cc_id = c.id;
	ik_wr_init(&w);
	bool ok = ik_msg_start(&m, cr->cc_cookie, zero, IK_EXCH_TRANSACTION, 0, mid) &&
	          ik_cfg_msg_add(&m, &c) && ik_encode(&m, &w, st) &&
	          ik_send_datagram(&cr->eng, &cr->eng.sock, &cr->eng.cfg.remote, w.p, w.len, st);
	ik_msg_free(&m);
	ik_wr_free(&w);
	return ok;
}

bool ik_clear_cfg_start(struct crun *cr)
{
	struct ik_status st = {0};
	if (cr->sa) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "step 'clear-cfg' goes before phase 1 (mode-cfg 3.1.2: no ISAKMP SA yet)");
		return false;
	}
	if (!send_request(cr, &st)) {
		snprintf(cr->o.step_fail, sizeof(cr->o.step_fail),
		         "clear-cfg: our REQUEST could not be sent: %.100s", st.why);
		return false;
	}
	cr->cc_sent = true;
	unsigned hold = cr->window_ms / 3 > 500 ? cr->window_ms / 3 : 500;
	cr->step_timer = ik_loop_timer(&cr->R->loop, hold, clear_cfg_done, cr);
	return true;
}

/* What a datagram under our cookie was: a clear REPLY (its identifier and attributes), or the
 * exchange type and protection of anything else. The first one is kept. */
void ik_clear_cfg_describe(const uint8_t *p, size_t len, uint16_t id, char *out, size_t n)
{
	struct ik_msg m;
	struct ik_cfg_msg c;
	struct ik_status st = {0};
	char l[160];
	uint8_t exch = p[18];
	bool enc = p[19] & IK_HDR_FLAG_ENC;

	if (exch != IK_EXCH_TRANSACTION || enc || !ik_decode(&m, p, len, &st)) {
		snprintf(out, n,
		         "it answered our clear REQUEST before phase 1 with %s %s message (%zu "
		         "octets)%s",
		         enc ? "an encrypted" : "a clear", ik_name(IK_T_EXCH, exch), len,
		         exch == IK_EXCH_TRANSACTION && !enc ? " that does not parse" : "");
		return;
	}
	if (!ik_cfg_msg_read(&m, &c, &st)) {
		snprintf(out, n,
		         "it answered our clear REQUEST before phase 1 with a clear "
		         "transaction without one ATTR payload");
	} else {
		ik_cfg_attr_list(&c, NULL, l, sizeof(l));
		snprintf(out, n,
		         "it answered our clear REQUEST before phase 1 in the clear (3.1.2): %s "
		         "(identifier %u%s): %s",
		         ik_name(IK_T_CFG_TYPE, c.type), c.id, c.id == id ? "" : ", not ours", l);
	}
	ik_msg_free(&m);
}

void ik_clear_cfg_rx(struct crun *cr, const uint8_t *p, size_t len)
{
	if (!cr->cc_sent || cr->o.clear_cfg[0] || len < 28 || memcmp(p, cr->cc_cookie, 8))
		return;
	ik_clear_cfg_describe(p, len, cr->cc_id, cr->o.clear_cfg, sizeof(cr->o.clear_cfg));
}
