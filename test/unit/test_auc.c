/*
 * test_auc.c: unit tests of the exact ROC AUC kernel.
 * link: src/cr_auc.c
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_auc.h"
#include "cr_random.h"
#include "tap.h"

static int
close_to(double a, double b, double tol)
{
	return fabs(a - b) <= tol;
}

/* AUC of the given doubles, through their keys (the kernel sorts in place). */
static int
auc_of(const double *pos, size_t npos, const double *neg, size_t nneg, double *auc)
{
	size_t		m = npos > nneg ? npos : nneg;
	uint64_t   *p = malloc((npos + 1) * sizeof(uint64_t));
	uint64_t   *n = malloc((nneg + 1) * sizeof(uint64_t));
	uint64_t   *scratch = malloc((m + 1) * sizeof(uint64_t));
	int			rc;

	for (size_t i = 0; i < npos; i++)
		p[i] = cr_auc_key(pos[i]);
	for (size_t i = 0; i < nneg; i++)
		n[i] = cr_auc_key(neg[i]);
	rc = cr_auc(p, npos, n, nneg, scratch, auc, NULL, NULL);
	free(p);
	free(n);
	free(scratch);
	return rc;
}

/* O(npos * nneg) Mann-Whitney, the definition itself. */
static double
brute_auc(const double *pos, size_t npos, const double *neg, size_t nneg)
{
	double		u = 0;

	for (size_t i = 0; i < npos; i++)
		for (size_t j = 0; j < nneg; j++)
			u += pos[i] > neg[j] ? 1.0 : (pos[i] == neg[j] ? 0.5 : 0.0);
	return u / ((double) npos * (double) nneg);
}

static int	ticks = 0;

static void
count_tick(void *arg)
{
	(void) arg;
	ticks++;
}

int
main(void)
{
	double		auc = -1;

	/* perfect separation */
	{
		double		pos[] = {0.9, 0.8, 0.7};
		double		neg[] = {0.1, 0.2, 0.3};

		ok(auc_of(pos, 3, neg, 3, &auc) == 0 && auc == 1.0, "perfect ranking gives 1");
		ok(auc_of(neg, 3, pos, 3, &auc) == 0 && auc == 0.0, "inverted ranking gives 0");
	}
	/* all scores tied: every pair counts one half */
	{
		double		pos[] = {0.5, 0.5};
		double		neg[] = {0.5, 0.5, 0.5};

		ok(auc_of(pos, 2, neg, 3, &auc) == 0 && auc == 0.5, "all tied gives 1/2");
	}
	/*
	 * Hand-derived with ties: pos {0.8, 0.4, 0.4}, neg {0.4, 0.2}.
	 * 0.8 beats both (2); each 0.4 beats 0.2 (1) and ties 0.4 (1/2): 1.5 each.
	 * U = 2 + 1.5 + 1.5 = 5, AUC = 5 / 6.
	 */
	{
		double		pos[] = {0.8, 0.4, 0.4};
		double		neg[] = {0.4, 0.2};

		ok(auc_of(pos, 3, neg, 2, &auc) == 0 && close_to(auc, 5.0 / 6.0, 1e-15),
		   "ties count one half (5/6)");
	}
	/*
	 * The classic example of scikit-learn's roc_auc_score docs:
	 * y = [0, 0, 1, 1], scores = [0.1, 0.4, 0.35, 0.8] -> 0.75.
	 */
	{
		double		pos[] = {0.35, 0.8};
		double		neg[] = {0.1, 0.4};

		ok(auc_of(pos, 2, neg, 2, &auc) == 0 && auc == 0.75, "scikit-learn doc example 0.75");
	}
	/* one class only: undefined */
	{
		double		pos[] = {0.3, 0.7};

		ok(auc_of(pos, 2, NULL, 0, &auc) == -1, "no negatives: undefined");
		ok(auc_of(NULL, 0, pos, 2, &auc) == -1, "no positives: undefined");
	}
	/* negative numbers, infinities, and -0.0 tied with +0.0 */
	{
		double		pos[] = {-0.0, 1e300, -1.5, INFINITY};
		double		neg[] = {0.0, -INFINITY, -2.5, -1e-300};

		/*
		 * pos -0.0: beats -inf, -2.5, -1e-300 (3), ties 0.0 (1/2) = 3.5
		 * pos 1e300: beats all 4 = 4; pos -1.5: beats -inf, -2.5 = 2;
		 * pos inf: 4.  U = 13.5, AUC = 13.5 / 16.
		 */
		ok(auc_of(pos, 4, neg, 4, &auc) == 0 && auc == 13.5 / 16.0,
		   "signs, infinities, signed zeros tie");
	}
	/* keys order like doubles; the sort orders keys; keys give back their values */
	{
		double		x[] = {3.0, -1.0, -0.0, 2.5, -INFINITY, 1e-310, -1e-310, 2.5, 0.0, INFINITY, -DBL_MAX};
		double		want[] = {-INFINITY, -DBL_MAX, -1.0, -1e-310, 0.0, 0.0, 1e-310, 2.5, 2.5, 3.0, INFINITY};
		uint64_t	k[11],
					scratch[11];
		int			same = 1;

		for (int i = 0; i < 11; i++)
			k[i] = cr_auc_key(x[i]);
		cr_sort_keys(k, scratch, 11, NULL, NULL);
		for (int i = 0; i < 11; i++)
			same &= (cr_auc_key_value(k[i]) == want[i]) && !signbit(cr_auc_key_value(k[i])) == !signbit(want[i]);
		ok(same, "radix sort orders signs, subnormals, infinities; -0 becomes +0");
		ok(cr_auc_key(-0.0) == cr_auc_key(0.0) && cr_auc_key(-1e-310) < cr_auc_key(0.0)
		   && cr_auc_key(DBL_MAX) < cr_auc_key(INFINITY), "keys preserve order, signed zeros share a key");
		/* the key -0.0 would have on its own: between -1e-310's and +0.0's */
		{
			double		nz = -0.0;
			uint64_t	u;

			memcpy(&u, &nz, sizeof(u));
			ok(CR_AUC_KEY_NEG_ZERO == ~u && CR_AUC_KEY_NEG_ZERO > cr_auc_key(-4.9e-324)
			   && CR_AUC_KEY_NEG_ZERO < cr_auc_key(0.0) && signbit(cr_auc_key_value(CR_AUC_KEY_NEG_ZERO)),
			   "CR_AUC_KEY_NEG_ZERO is -0.0's own key, which cr_auc_key never gives");
		}
	}
	/* random cases against the brute force, with heavy ties and without */
	{
		CrRng		rng;
		int			all_ok = 1;

		cr_rng_seed(&rng, 12345);
		for (int trial = 0; trial < 40; trial++)
		{
			size_t		npos = 1 + cr_rng_next(&rng) % 700;
			size_t		nneg = 1 + cr_rng_next(&rng) % 700;
			double	   *pos = malloc(npos * sizeof(double));
			double	   *neg = malloc(nneg * sizeof(double));
			int			levels = (trial % 2) ? 20 : 0;	/* odd trials: 20 distinct values */
			double		want;

			for (size_t i = 0; i < npos; i++)
				pos[i] = levels ? (double) (cr_rng_next(&rng) % levels) / levels + 0.1
					: cr_rng_normal(&rng) + 0.5;
			for (size_t i = 0; i < nneg; i++)
				neg[i] = levels ? (double) (cr_rng_next(&rng) % levels) / levels
					: cr_rng_normal(&rng);
			want = brute_auc(pos, npos, neg, nneg);
			if (auc_of(pos, npos, neg, nneg, &auc) != 0 || !close_to(auc, want, 1e-13))
			{
				printf("# trial %d: npos %zu nneg %zu kernel %.17g brute %.17g\n",
					   trial, npos, nneg, auc, want);
				all_ok = 0;
			}
			free(pos);
			free(neg);
		}
		ok(all_ok, "40 random cases (continuous and 20-level ties) equal the O(n^2) brute force");
	}
	/* merging sorted partial states, as the parallel combine does */
	{
		CrRng		rng;
		int			all_ok = 1;

		cr_rng_seed(&rng, 99);
		for (int trial = 0; trial < 20; trial++)
		{
			size_t		na = cr_rng_next(&rng) % 300,
						nb = cr_rng_next(&rng) % 300;
			uint64_t   *a = malloc((na + 1) * sizeof(uint64_t));
			uint64_t   *b = malloc((nb + 1) * sizeof(uint64_t));
			uint64_t   *out = malloc((na + nb + 1) * sizeof(uint64_t));
			uint64_t   *all = malloc((na + nb + 1) * sizeof(uint64_t));
			uint64_t   *scratch = malloc((na + nb + 1) * sizeof(uint64_t));

			for (size_t i = 0; i < na; i++)
				all[i] = a[i] = cr_auc_key((double) (cr_rng_next(&rng) % 50) - 25);
			for (size_t i = 0; i < nb; i++)
				all[na + i] = b[i] = cr_auc_key((double) (cr_rng_next(&rng) % 50) - 25);
			cr_sort_keys(a, scratch, na, NULL, NULL);
			cr_sort_keys(b, scratch, nb, NULL, NULL);
			cr_sort_keys(all, scratch, na + nb, NULL, NULL);
			cr_merge_keys(a, na, b, nb, out, NULL, NULL);
			if (na + nb > 0 && memcmp(out, all, (na + nb) * sizeof(uint64_t)) != 0)
				all_ok = 0;
			free(a);
			free(b);
			free(out);
			free(all);
			free(scratch);
		}
		ok(all_ok, "merging two sorted arrays equals sorting their union (20 cases, empty sides included)");
	}
	{
		uint64_t	pos[] = {cr_auc_key(0.4), cr_auc_key(0.4), cr_auc_key(0.8)};
		uint64_t	neg[] = {cr_auc_key(0.2), cr_auc_key(0.4)};

		ok(cr_auc_sorted(pos, 3, neg, 2, &auc, NULL, NULL) == 0 && close_to(auc, 5.0 / 6.0, 1e-15)
		   && cr_auc_sorted(pos, 3, neg, 0, &auc, NULL, NULL) == -1,
		   "AUC of already sorted arrays; -1 with an empty class");
	}
	/* a larger array: sorted order and the tick callback */
	{
		size_t		n = 3 * CR_AUC_TICK + 17;
		uint64_t   *x = malloc(n * sizeof(uint64_t));
		uint64_t   *scratch = malloc(n * sizeof(uint64_t));
		CrRng		rng;
		int			sorted = 1;

		cr_rng_seed(&rng, 7);
		for (size_t i = 0; i < n; i++)
			x[i] = cr_auc_key(cr_rng_normal(&rng));
		ticks = 0;
		cr_sort_keys(x, scratch, n, count_tick, NULL);
		for (size_t i = 1; i < n; i++)
			sorted &= cr_auc_key_value(x[i - 1]) <= cr_auc_key_value(x[i]);
		ok(sorted, "3M normal values sorted");
		ok(ticks >= 3, "the progress callback is called during long sorts");
		free(x);
		free(scratch);
	}

	return tap_done();
}
