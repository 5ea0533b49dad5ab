/*
 * link: src/cr_km.c src/cr_stats.c
 *
 * Fuzz the survival kernel: byte 0 chooses the number of groups (1..8) and
 * the log-rank weighting, byte 1 the Fleming-Harrington exponent (0..15.9)
 * and the quantile; then 2 bytes a row: a time (byte / 4, so ties are
 * common), the group and whether the member churned.  Compacting a sorted
 * prefix plus a tail must equal compacting everything; the Kaplan-Meier curve
 * must have members only leaving and survival in [0, 1], never rising; the
 * quantile and restricted mean must not crash; the log-rank statistic must
 * be finite and not negative when computed, and the Fleming-Harrington test
 * with p = 0 must equal the plain one.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cr_km.h"
#include "cr_stats.h"

#define MAX_ROWS 512

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_curve(const CrSurvObs *o, size_t n, size_t rows, double p)
{
	CrKmPoint	pt[MAX_ROWS];
	size_t		np = cr_km_curve(o, n, cr_norm_two_sided(0.95), pt);
	double		q,
				lo,
				hi,
				r,
				se;

	if (np == 0 || np > n || pt[0].at_risk != (int64_t) rows)
		abort();
	for (size_t i = 0; i < np; i++)
	{
		if (pt[i].ev + pt[i].cens > pt[i].at_risk || !(pt[i].surv >= 0 && pt[i].surv <= 1))
			abort();
		if (i > 0 && (pt[i].at_risk != pt[i - 1].at_risk - pt[i - 1].ev - pt[i - 1].cens ||
					  pt[i].surv > pt[i - 1].surv || !(pt[i].t > pt[i - 1].t)))
			abort();
		if (!isnan(pt[i].se) && !(pt[i].se >= 0))
			abort();
	}
	cr_km_quantile(pt, np, p, cr_norm_two_sided(0.9), &q, &lo, &hi);
	if (!isnan(q) && !(q >= pt[0].t && q <= pt[np - 1].t))
		abort();
	if (cr_km_rmst(pt, np, pt[np - 1].t > 0 ? pt[np - 1].t : 1, &r, &se) == 0 &&
		(!(r >= 0 && r <= pt[np - 1].t) || !(se >= 0)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CrSurvObs	o[MAX_ROWS],
				all[MAX_ROWS],
				scratch[MAX_ROWS];
	double		work[256];
	size_t		rows = 0,
				n,
				m,
				split;
	int			k,
				weight;
	double		p,
				chi2 = -1,
				chi2_plain = -1,
				chi2_fh0 = -1;

	if (size < 4)
		return 0;
	k = 1 + data[0] % 8;
	weight = (data[0] / 8) % 4;
	p = data[1] / 16.0;
	for (size_t i = 2; i + 1 < size && rows < MAX_ROWS; i += 2, rows++)
	{
		o[rows].t = data[i] / 4.0;
		o[rows].g = (data[i + 1] >> 1) % k;
		o[rows].ev = data[i + 1] & 1;
		o[rows].cens = 1 - o[rows].ev;
	}
	if (rows == 0)
		return 0;
	memcpy(all, o, rows * sizeof(CrSurvObs));
	n = cr_surv_compact(all, rows);
	split = data[1] % (rows + 1);
	m = cr_surv_compact(o, split);
	memmove(o + m, o + split, (rows - split) * sizeof(CrSurvObs));
	if (cr_surv_compact_tail_run(o, m + rows - split, m, scratch, 1 + data[2] % 9, NULL) != n)
		abort();
	for (size_t i = 0; i < n; i++)	/* field by field: the struct has padding */
		if (o[i].t != all[i].t || o[i].g != all[i].g || o[i].ev != all[i].ev ||
			o[i].cens != all[i].cens)
			abort();

	if (cr_logrank_work_size(k) > 256)
		abort();
	if (cr_logrank(all, n, k, (CrLogrankWeight) weight, p, work, NULL, &chi2) == 0 &&
		!(isfinite(chi2) && chi2 >= -1e-9))
		abort();
	if ((cr_logrank(all, n, k, CR_LR_PLAIN, 0, work, NULL, &chi2_plain) == 0) !=
		(cr_logrank(all, n, k, CR_LR_FLEMING_HARRINGTON, 0, work, NULL, &chi2_fh0) == 0) ||
		chi2_plain != chi2_fh0)
		abort();

	/* the curve pools the groups */
	for (size_t i = 0; i < n; i++)
		all[i].g = 0;
	n = cr_surv_compact(all, n);
	check_curve(all, n, rows, 0.05 + 0.9 * (data[1] / 255.0));
	return 0;
}
