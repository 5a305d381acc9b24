/*
 * The engine's message ladder (engine/exchanges/where.h) as a result record's rungs, flattened here in
 * the runner's layer so that reports/ renders strings and never includes the engine.
 */
#ifndef IK_RESULT_LADDER_H
#define IK_RESULT_LADDER_H

#include "result.h"

/* Message names, IOS states, notify names. More than IK_RESULT_MAX_RUNGS messages: the first
 * half, a "..." rung saying how many were left out, and the last ones (where the exchange
 * stopped). */
struct ik_ladder;
void ik_result_set_ladder(struct ik_result *r, const struct ik_ladder *l);

#endif
