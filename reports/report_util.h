/*
 * The reports' small helpers. reports/ may not include the engine (docs/architecture.md), so
 * the array count of engine/codec/util.h is spelled once more here, once for this layer; and the
 * one way a report function says why it failed: a sentence in the caller's (err, errlen).
 */
#ifndef IK_REPORT_UTIL_H
#define IK_REPORT_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#ifndef IK_ARRAY_SIZE
#define IK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Print the reason into err (errlen bytes) and return false: `return ik_err(err, errlen, ...)`. */
__attribute__((format(printf, 3, 4))) bool ik_err(char *err, size_t errlen, const char *fmt, ...);

#endif
