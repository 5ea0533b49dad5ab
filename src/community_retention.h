/*
 * community_retention.h
 *	  Things every part of the extension shares: the GUCs defined in
 *	  community_retention.c and small helpers for the backend-facing files.
 *
 * Plain-C kernels (numerical code, parsers) must NOT include this header:
 * they are compiled outside the server for unit tests and fuzzing.
 */
#ifndef COMMUNITY_RETENTION_H
#define COMMUNITY_RETENTION_H

#include "postgres.h"

/*
 * community_retention.max_train_memory, in kilobytes: the most memory one
 * training aggregate state may hold before it errors out with a hint.
 */
extern int	cr_max_train_memory_kb;

#endif							/* COMMUNITY_RETENTION_H */
