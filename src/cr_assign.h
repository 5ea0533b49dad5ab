/*
 * cr_assign.h
 *	  Deterministic assignment of a member to an arm of a named experiment
 *	  (incentive_assign).  Plain C, shared by the SQL function, the demo
 *	  experiment and the unit tests.
 *
 * The specification (also in the README, with test vectors):
 *   s   = cr_hash_bytes(experiment name as UTF-8 bytes, seed 0)
 *   h   = cr_hash_bytes(key bytes, seed s), the key bytes being a bigint's 8
 *         bytes in little-endian two's complement or a text's UTF-8 bytes
 *   u   = (h >> 11) * 2^-53, uniform in [0, 1)
 *   arm = the first i (1-based) with weight w_i > 0 and
 *         u < (w_1 + ... + w_i) / (w_1 + ... + w_n), partial sums added left
 *         to right in double precision.
 */
#ifndef CR_ASSIGN_H
#define CR_ASSIGN_H

#include <stddef.h>
#include <stdint.h>

#include "cr_random.h"

static inline double
cr_assign_u(const unsigned char *key, size_t keylen, const char *name, size_t namelen)
{
	uint64_t	s = cr_hash_bytes((const unsigned char *) name, namelen, 0);

	return (double) (cr_hash_bytes(key, keylen, s) >> 11) * 0x1.0p-53;
}

/* w: n checked weights (finite, >= 0) with the positive sum total. */
static inline int
cr_assign_arm(double u, const double *w, int n, double total)
{
	double		cum = 0.0;

	for (int i = 0; i < n; i++)
	{
		cum += w[i];
		if (w[i] > 0.0 && u < cum / total)
			return i + 1;
	}
	/* rounding in the last partial sum: the last arm with a weight */
	for (int i = n - 1; i >= 0; i--)
		if (w[i] > 0.0)
			return i + 1;
	return n;
}

/* A bigint key's bytes: little-endian two's complement, on every machine. */
static inline void
cr_assign_int8_bytes(int64_t key, unsigned char bytes[8])
{
	uint64_t	k = (uint64_t) key;

	for (int i = 0; i < 8; i++)
		bytes[i] = (unsigned char) (k >> (8 * i));
}

#endif							/* CR_ASSIGN_H */
