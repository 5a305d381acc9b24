/*
 * `ikecheck serve --fuzz SEED [--fuzz-rate P]`: a hostile DUT (issue 14 item 4). Every IKE
 * datagram serve receives draws, from a PRNG seeded by SEED and the datagram's index, one
 * mutation (engine/mutation/mutate.h, the same language a case uses) for each message serve may
 * send next; the one matching the message it actually sends (MM2, MM4, MM6, AM2, QM2, INFO, ...)
 * breaks it: a field, the plaintext before encryption, the wire octets after it, the datagram as
 * a whole. Each applied mutation is one line on stdout ("serve_fuzz: #INDEX SPEC") so a finding
 * reproduces with the same seed, or by hand with the spec.
 */
#ifndef IK_SERVE_FUZZ_H
#define IK_SERVE_FUZZ_H

#include "mutate.h"

#include <stdbool.h>
#include <stdint.h>

struct ik_engine;

#define IK_FUZZ_SLOTS 13 /* MM1..MM6, AM1..AM3, QM1..QM3, INFO: every message we may send */

struct ik_fuzz {
	bool on;       /* --fuzz given */
	bool rate_set; /* --fuzz-rate given (needs --fuzz) */
	uint64_t seed; /* --fuzz SEED */
	double rate;   /* --fuzz-rate: the fraction of datagram indexes whose replies are mutated */
	uint64_t index; /* IKE datagrams received so far */
	struct ik_mutation mut[IK_FUZZ_SLOTS];
	unsigned logged[IK_FUZZ_SLOTS]; /* `applied` already printed, per slot */
	size_t nmut;                    /* mutations drawn for the current index (0: clean) */
};

/* Option set functions (cli_opts.h); dst is the struct ik_fuzz. */
bool ik_fuzz_set_seed(void *dst, const char *val, char *why, size_t n);
bool ik_fuzz_set_rate(void *dst, const char *val, char *why, size_t n);

/* The mutation for message (x, msg) at datagram index of SEED, as text; false when the rate
 * leaves this index clean. Pure: the same arguments give the same spec (tests check that every
 * spec it makes parses). */
bool ik_fuzz_spec(uint64_t seed, double rate, uint64_t index, enum ik_xchg x, int msg, char *buf,
                  size_t n);

/* A datagram crossed serve's engine (its tap): print what the last draw applied, and on a
 * received one draw the next mutations into e->mut. */
void ik_fuzz_datagram(struct ik_fuzz *f, struct ik_engine *e, bool sent);
/* Print what is left to print (a drop or a delay is not seen by the tap). */
void ik_fuzz_flush(struct ik_fuzz *f);

#endif
