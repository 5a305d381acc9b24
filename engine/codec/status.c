#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool ik_fail(struct ik_status *st, uint16_t notify, const char *fmt, ...)
{
	va_list ap;

	if (!st)
		return false;
	st->notify = notify;
	va_start(ap, fmt);
	vsnprintf(st->why, sizeof(st->why), fmt, ap);
	va_end(ap);
	return false;
}

void ik_status_clear(struct ik_status *st)
{
	memset(st, 0, sizeof(*st));
}
