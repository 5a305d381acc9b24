/*
 * Every random byte the engine uses (cookies, nonces, DH private values, IVs, SPIs, message
 * ids) comes from here, so that `ik_rng_seed()` makes a whole exchange reproducible byte for
 * byte (DESIGN.md "Determinism"). Unseeded, bytes come from OpenSSL's RAND_bytes, small requests
 * through a pool drawn 1 KiB at a time (emptied in a child after fork()).
 *
 * Seeded mode is a counter-mode generator: K = SHA-256("ikecheck rng v1" | seed), block i =
 * HMAC-SHA256(K, i as 8 bytes big-endian). It is for tests and golden transcripts only; it is
 * not a DRBG anyone should key real tunnels with. Not thread-safe (one engine thread).
 */
#ifndef IK_RNG_H
#define IK_RNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void ik_rng_seed(uint64_t seed);
/* Back to RAND_bytes; wipes the seeded state. */
void ik_rng_unseed(void);
bool ik_rng_seeded(void);
/* Fill out with n bytes; false only when OpenSSL's RAND fails (unseeded). */
bool ik_rng_bytes(void *out, size_t n);

#endif
