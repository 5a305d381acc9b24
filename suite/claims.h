/*
 * Only what the profile claims (docs/verdicts.md section 4): whether a case can judge the DUT of
 * a profile at all. A case that offers a proposal, PFS group, mode, identity or lifetime the
 * profile does not say the DUT accepts, and needs it accepted, is SKIPped; so is a case that
 * assumes the DUT refuses something the profile says it accepts, and a case with no expect line
 * for the profile's policy. The rule reads the case itself (`set`, `run`, `mutate`, `expect`,
 * `needs` lines); docs/writing-cases.md "What the profile must claim" teaches it.
 */
#ifndef IK_CLAIMS_H
#define IK_CLAIMS_H

#include "case.h"
#include "cfg_profile.h" /* profile.h, next to ike.h (see its comment) */

#include <stddef.h>

/* Whether an expect line applies to the profile's policies (p1=, p2=, ids=, or none). */
bool ik_expect_applies(const struct ik_expect *x, const struct ik_profile *p);

/* True (with one sentence in why) when the case must be SKIPped against this profile. */
bool ik_case_unclaimed(const struct ik_case *c, const struct ik_profile *p, char *why, size_t n);

#endif
