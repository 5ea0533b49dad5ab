/*
 * cr_train.h
 *	  What retention_train shares with retention_fit (cr_fit.c): option
 *	  parsing, the per-row checks, the errors for a failed fit and building
 *	  the model, so both reject the same inputs with the same messages and
 *	  produce models that mean the same thing.
 */
#ifndef CR_TRAIN_H
#define CR_TRAIN_H

#include "community_retention.h"

#include "utils/array.h"
#include "utils/jsonb.h"

#include "cr_logit.h"

typedef struct TrainOptions
{
	double		l2;
	bool		balanced;
	int			max_iter;
	double		tol;
	bool		intercept;
	bool		skip_invalid;
	int			nnames;
	char	  **names;
} TrainOptions;

/* Parse and validate an options object (NULL: all defaults). */
extern void cr_train_parse_options(Jsonb *jb, TrainOptions *o);

/*
 * Check one row's feature array and weight (has_weight false: weight 1)
 * like retention_train: returns its d values, or NULL when the row is to be
 * skipped; errors on what retention_train rejects.  *d is the number of
 * features of the first usable row (0 = none yet, then set).
 */
extern const double *cr_train_row_values(ArrayType *arr, bool has_weight, double w,
										 bool skip_invalid, int *d);

/* The feature names for d features (checks the "features" option). */
extern char **cr_train_feature_names(const TrainOptions *o, int d);

/*
 * Error out unless r->status is CR_FIT_OK and every coefficient and variance
 * is finite, naming the cause (the weights when they are too small);
 * intercept: whether the model has one (the messages name it only then).
 */
extern void cr_train_check_result(const CrFitResult *r, char **names, int d,
								  int64 n_rows, int max_iter, bool intercept);

/* The retention_model of a successful fit. */
extern bytea *cr_train_build_model(const TrainOptions *o, const CrFitResult *r,
								   char **names, int d, int64 n_rows, int64 n_skipped);

/* CrAlloc.fn for the training kernels: allocate size bytes in MemoryContext cxt. */
extern void *cr_train_alloc(void *cxt, size_t size);

#endif							/* CR_TRAIN_H */
