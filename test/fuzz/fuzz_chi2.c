/*
 * link: src/cr_chi2.c
 *
 * Fuzz the chi-square tail (the log-rank p-value): bytes 0-1 choose df
 * (mostly 1..CR_CHI2_MAX_DF, sometimes any int16, to reach the refusals),
 * bytes 2-9 are x's bits (any double: NaN, infinities, subnormals, -0) or,
 * when byte 10 is odd, x near the distribution's mean, where the sums are
 * longest.  What cr_chi2.h promises must hold: NaN exactly for NaN x or df
 * out of range; otherwise a value in [0, 1], 1 at x <= 0, 0 at +Infinity,
 * and no rise as x grows by 1e-9 relative beyond the stated error
 * (2e-15 relative twice, plus a few of the smallest subnormals).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cr_chi2.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t	d;
	int			df;
	double		x,
				p,
				x2,
				p2;

	if (size < 11)
		return 0;
	memcpy(&d, data, sizeof(d));
	memcpy(&x, data + 2, sizeof(x));
	df = (d & 0x8000) && (d & 0x4000) ? (int) (int16_t) d : 1 + d % CR_CHI2_MAX_DF;
	if (data[10] & 1)
	{
		/* near the mean: df plus a multiple of sqrt(2 df) within +-8 */
		uint32_t	u;

		memcpy(&u, data + 2, sizeof(u));
		x = df + ((double) u / 4294967295.0 * 16.0 - 8.0) * sqrt(2.0 * fabs((double) df));
	}
	p = cr_chi2_sf(x, df);
	if (df < 1 || df > CR_CHI2_MAX_DF || isnan(x))
	{
		if (!isnan(p))
			abort();
		return 0;
	}
	if (!(p >= 0.0 && p <= 1.0))
		abort();
	if ((x <= 0.0 && p != 1.0) || (isinf(x) && x > 0 && p != 0.0))
		abort();
	if (x > 0.0 && isfinite(x))
	{
		x2 = x * (1.0 + 1e-9);
		if (isinf(x2))
			return 0;
		p2 = cr_chi2_sf(x2, df);
		if (!(p2 <= p * (1.0 + 4e-15) + 4 * 4.9406564584124654e-324))
			abort();
	}
	return 0;
}
