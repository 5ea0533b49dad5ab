/*
 * cr_model.h
 *	  The retention_model type: its decoded in-memory form, the varlena
 *	  encoding and the per-query cache shared by training, scoring,
 *	  summaries and drift.
 *
 * On disk (after the varlena header) a model is a byte stream, written and
 * read with memcpy so nothing depends on alignment:
 *
 *	  CrModelHead        fixed-size header (format version, sizes, statistics)
 *	  double intercept, coef[d], means[d]
 *	  double deciles[11], shares[10]           only when CR_MODEL_HAS_DECILES
 *	  char   names[names_len]                   d NUL-terminated feature names
 *	  double cov[(d+1)*(d+1)]                   LAST, so scoring can fetch a
 *	                                            prefix slice of a TOASTed model
 */
#ifndef CR_MODEL_H
#define CR_MODEL_H

#include "community_retention.h"
#include "fmgr.h"

#define CR_MODEL_VERSION		1

#define CR_MODEL_INTERCEPT		0x0001	/* fitted with an intercept */
#define CR_MODEL_CONVERGED		0x0002
#define CR_MODEL_HAS_DECILES	0x0004	/* training score deciles present */
#define CR_MODEL_BALANCED		0x0008	/* class_weight "balanced" */
#define CR_MODEL_KNOWN_FLAGS	0x000F

#define CR_MODEL_MAX_NAME		63	/* bytes, like a PostgreSQL identifier */

typedef struct CrModelHead
{
	int32		version;
	int32		flags;
	int32		d;
	int32		iterations;
	int32		names_len;
	int32		reserved;
	int64		n_rows;
	int64		n_skipped;
	int64		n_retained;
	double		loglik;
	double		null_loglik;
	double		l2;
	double		condition_number;
} CrModelHead;

typedef struct CrModel
{
	CrModelHead h;
	double		intercept;
	double	   *coef;			/* d */
	double	   *means;			/* d */
	double		deciles[11];
	double		shares[10];
	char	  **names;			/* d */
	double	   *cov;			/* (d+1)^2, or NULL when not decoded */
	void	   *scratch;		/* scoring scratch space, see cr_score.c */
} CrModel;

/* Build the varlena from a filled CrModel (cov required). */
extern bytea *cr_model_encode(const CrModel *m);

/* Validate a filled CrModel; errors with errcode on anything inconsistent. */
extern void cr_model_validate(const CrModel *m, int sqlstate);

/*
 * Decoded model for argument argno of the current call, cached in
 * fn_extra for the rest of the query: a model is detoasted and decoded
 * once per query, not once per row.  With need_cov = false only the
 * prefix before the covariance is fetched.
 */
extern CrModel *cr_model_cached(FunctionCallInfo fcinfo, int argno, bool need_cov);

#endif							/* CR_MODEL_H */
