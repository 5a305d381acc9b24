/*
 * The mode-config queries of the case step `cfg NAME` (suite/cfgq.def), by name.
 */
#ifndef IK_CFGQ_H
#define IK_CFGQ_H

#include <stddef.h>
#include <stdint.h>

struct ik_cfg_msg;

/* The row of a query name (-1: none); the names, ", "-separated, for an error message. */
int ik_cfgq_find(const char *name);
const char *ik_cfgq_names(void);
const char *ik_cfgq_name(int row);
/* Row row as an ATTR payload under identifier id; *flaws its IK_CFGQ_* (ike.h). */
void ik_cfgq_build(int row, uint16_t id, struct ik_cfg_msg *m, unsigned *flaws);

#endif
