/*
 * Where mutations (mutate.h) enter the one pipeline (engine internal). ike.c's ik_emit hands a
 * message to ik_mut_emit when the engine has mutations; ik_emit_build calls the hooks below at
 * the named places; retransmissions go through ik_mut_resend; ik_engine_input asks ik_mut_recv
 * how often to process a datagram.
 */
#ifndef IK_MUTATE_APPLY_H
#define IK_MUTATE_APPLY_H

#include "xchg.h"

/* One build of one message: which mutations apply, and which took effect. */
struct ik_mut_ctx {
	struct ik_engine *e;
	struct ik_sa *sa;
	struct ik_qm *qm;
	enum ik_xchg x;
	int msgno;
	bool has_fill;
	unsigned mask;      /* bit i: e->mut[i] applies in this build */
	unsigned done;      /* bit i: it took effect */
	bool plain_changed; /* the plaintext was edited: it is the message body */
};

/* Encode, fill, pad, encrypt (ike.c); mx NULL: no mutation. */
bool ik_emit_build(struct ik_sa *sa, struct ik_qm *qm, ik_filler fill, bool enc, struct ik_msg *out,
                   uint8_t *iv, struct ik_mut_ctx *mx, struct ik_wr *wire, struct ik_status *st);

/* The first transmission of a message with mutations: builds, sends, keeps (the clean message
 * when only a #N mutation applied), writes "mutated: ..." into note. */
bool ik_mut_emit(struct ik_sa *sa, struct ik_qm *qm, enum ik_xchg x, int msgno, ik_filler fill,
                 bool enc, struct ik_msg *out, uint8_t *iv, struct ik_wr *keep, char *note,
                 size_t n, struct ik_status *st);
/* A stored message sent again (reply: because the peer retransmitted; duplicate and replay
 * then do not apply): true when it counts as transmitted (a deliberate drop too). */
bool ik_mut_resend(struct ik_sa *sa, enum ik_xchg x, int msgno, const struct ik_wr *keep,
                   bool reply, char *note, size_t n, struct ik_status *st);
/* How often to process a received datagram: 0 (dropped), 1, or 2 (duplicated). */
unsigned ik_mut_recv(struct ik_engine *e, const struct ik_dgram *d);
/* Cancel delayed sends, free stored messages (ik_engine_free). */
void ik_mut_free(struct ik_engine *e);

/* Shared by mutate_apply.c and mutate_xmit.c: how many mutations count (at most 32, one bit
 * each), the ones in mask that edit the message (build) or not, and the log line of one that
 * could not take effect (returns false). */
size_t ik_mut_n(const struct ik_engine *e);
unsigned ik_mut_places(const struct ik_engine *e, unsigned mask, bool build);
bool ik_mut_not_applied(const struct ik_mut_ctx *mx, const struct ik_mutation *m, const char *fmt,
                        ...) __attribute__((format(printf, 3, 4)));

/* "set", "omit", ... (mutate.c) */
const char *ik_mutation_op_word(enum ik_mut_op op);

/* Hooks of ik_emit_build. */
bool ik_mut_tree(struct ik_mut_ctx *mx, struct ik_msg *out, bool after_fill, struct ik_status *st);
bool ik_mut_dec_of(struct ik_mut_ctx *mx, const struct ik_msg *out, struct ik_msg *dec,
                   struct ik_status *st);
bool ik_mut_fill_failed(struct ik_mut_ctx *mx, const struct ik_status *st);
bool ik_mut_after_fill(struct ik_mut_ctx *mx, struct ik_msg *out, struct ik_wr *plain,
                       struct ik_status *st);
bool ik_mut_plain(struct ik_mut_ctx *mx, struct ik_wr *plain, struct ik_status *st);
void ik_mut_iv(struct ik_mut_ctx *mx, uint8_t *iv, size_t blk);
/* `MSG crypto omit` applies to this build: the message goes out in the clear. */
bool ik_mut_clear(struct ik_mut_ctx *mx);
bool ik_mut_wire(struct ik_mut_ctx *mx, struct ik_wr *wire, struct ik_status *st);

#endif
