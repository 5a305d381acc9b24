/*
 * The test PKI of harness/pki.sh for the unit tests that need certificates (test_cert.c,
 * test_cfg_profile.c, test_profile_emit.c): made once per test binary into a temporary
 * directory, removed at exit. Tests run from the repository root (cunit.h).
 */
#ifndef IK_TEST_PKI_H
#define IK_TEST_PKI_H

#include <stdio.h>
#include <stdlib.h>

static char ik_pki_dir[64];

static inline void ik_pki_remove(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", ik_pki_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "pki.h: could not remove %s\n", ik_pki_dir);
}

/* The directory holding the PKI ("" when it could not be made). */
static inline const char *ik_pki(void)
{
	static char pki[96];
	char cmd[160];

	if (ik_pki_dir[0])
		return pki;
	snprintf(ik_pki_dir, sizeof(ik_pki_dir), "/tmp/ikecheck-pki-XXXXXX");
	if (!mkdtemp(ik_pki_dir))
		return "";
	atexit(ik_pki_remove);
	snprintf(pki, sizeof(pki), "%s/pki", ik_pki_dir);
	snprintf(cmd, sizeof(cmd), "harness/pki.sh '%s' >/dev/null", pki);
	if (system(cmd) != 0)
		pki[0] = '\0';
	return pki;
}

/* The path of one PKI file; eight calls may be in use at once. */
static inline const char *ik_pki_file(const char *name)
{
	static char path[8][160];
	static int next;

	next = (next + 1) % 8;
	snprintf(path[next], sizeof(path[next]), "%s/%s", ik_pki(), name);
	return path[next];
}

#endif
