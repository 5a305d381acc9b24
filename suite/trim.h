/*
 * White space off the ends of a line, in place: the line readers of case files, profiles, KAT
 * files and the requirement catalogue all cut their words this way.
 */
#ifndef IK_TRIM_H
#define IK_TRIM_H

/* Cut trailing white space from s. */
void ik_rtrim(char *s);

/* Cut trailing white space from s; returns s past its leading white space. */
char *ik_trim(char *s);

#endif
