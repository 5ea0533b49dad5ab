/*
 * cr_bgnbd_score.c
 *	  Scoring many members with one BG/NBD model (see CrBgnbdScorer in
 *	  cr_bgnbd.h): the values of cr_bgnbd_p_alive and cr_bgnbd_expected, with
 *	  the per-model and per-value logarithms cached and the (x, T) factor of
 *	  the expected purchases memoised.  Plain C; the caller owns the memo's
 *	  memory and grows it.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "cr_bgnbd.h"

/* x at or beyond this bypasses the memo: x + 1 must be exact */
#define BG_MEMO_MAX_X 1e15

void
cr_bgnbd_scorer_init(CrBgnbdScorer *s, const CrBgnbd *m)
{
	int			i;

	s->m = *m;
	s->la = log(m->a);
	s->memo_t = NAN;
	s->memo_cap = s->memo_used = 0;
	s->memo = NULL;
	for (i = 0; i < CR_BG_LBX; i++)
		s->lbx[i] = NAN;
	memset(s->direct, 0, sizeof(s->direct));
}

static inline size_t
memo_hash(double x, double T, size_t mask)
{
	uint64_t	bx,
				bT;

	memcpy(&bx, &x, sizeof(bx));
	memcpy(&bT, &T, sizeof(bT));
	/* the bits of whole numbers are in the top of a double: mix them down */
	bx ^= (bT >> 21) | (bT << 43);
	bx ^= bx >> 33;
	bx *= UINT64_C(0xFF51AFD7ED558CCD);
	bx ^= bx >> 33;
	bx *= UINT64_C(0xC4CEB9FE1A85EC53);
	bx ^= bx >> 33;
	return (size_t) bx & mask;
}

/* The slot of key (x + 1, T): the entry, or the empty slot where it belongs. */
static CrBgMemoEntry *
memo_slot(CrBgMemoEntry *memo, size_t cap, double x1, double T)
{
	size_t		mask = cap - 1,
				i = memo_hash(x1, T, mask);

	while (memo[i].x1 != 0.0 && !(memo[i].x1 == x1 && memo[i].T == T))
		i = (i + 1) & mask;
	return &memo[i];
}

void
cr_bgnbd_scorer_set_memo(CrBgnbdScorer *s, CrBgMemoEntry *to, size_t cap)
{
	size_t		i;

	for (i = 0; i < s->memo_cap; i++)
		if (s->memo[i].x1 != 0.0)
			*memo_slot(to, cap, s->memo[i].x1, s->memo[i].T) = s->memo[i];
	s->memo = to;
	s->memo_cap = cap;
}

double
cr_bgnbd_scorer_p_alive(CrBgnbdScorer *s, double x, double tx, double T)
{
	const CrBgnbd *m = &s->m;
	double		lbx,
				lodds,
				odds;

	if (x == 0.0)
		return 1.0;
	if (x < CR_BG_LBX && x == (int) x)
	{
		lbx = s->lbx[(int) x];
		if (isnan(lbx))
			lbx = s->lbx[(int) x] = log(m->b + (x - 1.0));
	}
	else
		lbx = log(m->b + (x - 1.0));
	/* as cr_bgnbd_p_alive */
	lodds = s->la - lbx + (m->r + x) * log1p((T - tx) / (m->alpha + tx));
	odds = exp(lodds);
	return isinf(odds) ? exp(-lodds) : 1.0 / (1.0 + odds);
}

double
cr_bgnbd_scorer_expected(CrBgnbdScorer *s, double t, double x, double tx, double T)
{
	double		f,
				palive;

	if (t == 0.0 || fabs(s->m.a - 1.0) < 1e-6)
		return cr_bgnbd_expected(&s->m, t, x, tx, T);
	/* as cr_bgnbd_expected */
	palive = cr_bgnbd_scorer_p_alive(s, x, tx, T);
	if (cr_bgnbd_surely_dead(&s->m, x, tx, T, palive))
		return 0.0;
	if (isnan(s->memo_t))
		s->memo_t = t;
	if (t == s->memo_t && x >= 0.0 && x < CR_BG_DIRECT_X && T < CR_BG_DIRECT_T &&
		x == (int) x && T >= 0.0 && T == (int) T)
	{
		double	   *d = &s->direct[(int) x][(int) T];

		if (*d == 0.0)
			*d = cr_bgnbd_expected_factor(&s->m, t, x, T);
		f = *d;
	}
	else if (t == s->memo_t && x < BG_MEMO_MAX_X && s->memo_cap > 0)
	{
		CrBgMemoEntry *slot = memo_slot(s->memo, s->memo_cap, x + 1.0, T);

		if (slot->x1 != 0.0)
			f = slot->f;
		else
		{
			f = cr_bgnbd_expected_factor(&s->m, t, x, T);
			if (2 * (s->memo_used + 1) <= s->memo_cap)
			{
				slot->x1 = x + 1.0;
				slot->T = T;
				slot->f = f;
				s->memo_used++;
			}
		}
	}
	else
		f = cr_bgnbd_expected_factor(&s->m, t, x, T);
	return cr_bgnbd_times_p_alive(&s->m, t, x, tx, T, f, palive);
}
