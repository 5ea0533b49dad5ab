/*
 * cr_sum.h: Neumaier's compensated sum (plain C, header only).
 *
 * Sums of many positive terms drift by up to n ulps when added naively: the
 * metrics' means over 10M rows, the RMST's areas over a million times.
 */
#ifndef CR_SUM_H
#define CR_SUM_H

#include <math.h>

typedef struct CrSum
{
	double		sum;
	double		comp;
} CrSum;

static inline void
crsum_add(CrSum *s, double x)
{
	double		t = s->sum + x;

	if (fabs(s->sum) >= fabs(x))
		s->comp += (s->sum - t) + x;
	else
		s->comp += (x - t) + s->sum;
	s->sum = t;
}

static inline double
crsum_value(const CrSum *s)
{
	return s->sum + s->comp;
}

#endif							/* CR_SUM_H */
