/* White space off the ends of a line (trim.h). */
#include "trim.h"

#include <ctype.h>
#include <string.h>

void ik_rtrim(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

char *ik_trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	ik_rtrim(s);
	return s;
}
