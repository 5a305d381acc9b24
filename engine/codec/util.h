/*
 * The small helpers every part of ikecheck above the codec would otherwise write again: the
 * element count of an array and hex digits. Here, in the engine's base folder, so the whole
 * engine and the suite share one copy (reports/ may not include the engine: report_util.h).
 */
#ifndef IK_UTIL_H
#define IK_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The value of one hex digit, either case; -1 for anything else. */
int ik_hex_digit(int c);

/* The 2n hex digits at s (either case) as n octets at out; false when one is not a hex digit. */
bool ik_hex_decode(const char *s, size_t n, uint8_t *out);

/* n octets as 2n lowercase hex digits and a NUL at out (2n + 1 chars); returns out. */
char *ik_hex_encode(char *out, const uint8_t *p, size_t n);

#endif
