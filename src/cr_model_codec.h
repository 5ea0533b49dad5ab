/*
 * cr_model_codec.h
 *	  Plain-C parsing and validation of the retention_model text form (the
 *	  JSON object that retention_model_out prints) and of its binary send
 *	  format, with no PostgreSQL dependency, so that unit tests and libFuzzer
 *	  harnesses can exercise every input path outside the server.
 *
 * Memory comes from a caller-supplied allocator (palloc in the backend,
 * a tracked malloc in tests); the codec never frees.  An allocator may
 * return NULL (reported as CR_CODEC_NOMEM) or not return at all (palloc's
 * ereport), and the tick that the text parser calls as it reads may not
 * return either (CHECK_FOR_INTERRUPTS): the codec keeps no state outside
 * its arguments.  The same struct says how a \u escape becomes a character
 * of the text's encoding (cr_unicode.h).
 */
#ifndef CR_MODEL_CODEC_H
#define CR_MODEL_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "cr_unicode.h"

#define CR_CODEC_MODEL_VERSION	1	/* = CR_MODEL_VERSION */
#define CR_CODEC_MAX_FEATURES	1000	/* = CR_MAX_FEATURES */
#define CR_CODEC_MAX_NAME		63	/* = CR_MODEL_MAX_NAME, bytes */
#define CR_CODEC_NDECILE_EDGES	11
#define CR_CODEC_NDECILE_BINS	10
/* the training shares of the decile bins add up to 1 within this */
#define CR_CODEC_SHARES_SUM_TOL	1e-6

/* flag bits, the same values as CR_MODEL_* in cr_model.h */
#define CR_CODEC_INTERCEPT		0x0001
#define CR_CODEC_CONVERGED		0x0002
#define CR_CODEC_HAS_DECILES	0x0004
#define CR_CODEC_BALANCED		0x0008
#define CR_CODEC_KNOWN_FLAGS	0x000F

/* A decoded model: the fields of CrModel (cr_model.h) in plain C types. */
typedef struct CrModelPlain
{
	int32_t		version;
	int32_t		flags;
	int32_t		d;
	int32_t		iterations;
	int64_t		n_rows;
	int64_t		n_skipped;
	int64_t		n_retained;
	double		loglik;
	double		null_loglik;
	double		l2;
	double		condition_number;
	double		intercept;
	double	   *coef;			/* d */
	double	   *means;			/* d */
	double		deciles[CR_CODEC_NDECILE_EDGES];	/* if CR_CODEC_HAS_DECILES */
	double		shares[CR_CODEC_NDECILE_BINS];	/* if CR_CODEC_HAS_DECILES */
	char	  **names;			/* d NUL-terminated names */
	double	   *cov;			/* (d+1)^2 row-major; may be NULL for check */
} CrModelPlain;

typedef enum CrCodecStatus
{
	CR_CODEC_OK = 0,
	CR_CODEC_SYNTAX,			/* malformed text or bytes, wrong keys, types or lengths */
	CR_CODEC_INVALID,			/* well formed but semantically invalid (cr_model_check) */
	CR_CODEC_NEWER_VERSION,		/* format version newer than CR_CODEC_MODEL_VERSION */
	CR_CODEC_NOMEM,				/* the allocator returned NULL */
	CR_CODEC_UNTRANSLATABLE		/* a \u escape the text's encoding has no character for */
} CrCodecStatus;

typedef struct CrCodecError
{
	CrCodecStatus status;
	int			has_pos;		/* pos is meaningful */
	size_t		pos;			/* byte offset in the input where the problem is */
	int32_t		version;		/* for CR_CODEC_NEWER_VERSION */
	char		msg[256];		/* a full sentence ending with a period */
} CrCodecError;

typedef struct CrCodecAlloc
{
	void	   *(*alloc) (void *ctx, size_t size);
	void	   *ctx;
	/* the text's encoding for \u escapes above U+007F; NULL: UTF-8 */
	CrUnicodeToText unicode_to_text;
	/* called about every megabyte of text parsed (a place to cancel); NULL: none */
	void		(*tick) (void);
} CrCodecAlloc;

/*
 * Parse the text form (len bytes at s, need not be NUL-terminated).  A \u
 * escape in a string becomes the character of alloc->unicode_to_text
 * (CR_CODEC_UNTRANSLATABLE when there is none).  Keys
 * may come in any order; unknown, missing and duplicate keys, wrong types,
 * wrong lengths, non-finite or out-of-range numbers and trailing garbage
 * are errors.  Numbers are converted with strtod, which depends on
 * LC_NUMERIC: the server always runs with LC_NUMERIC=C, and standalone
 * callers must do the same.  The grammar is checked first, so strtod only
 * ever sees a JSON number.  A format_version newer than this code gives
 * CR_CODEC_NEWER_VERSION even when the rest does not parse.  Does not run
 * cr_model_check.  Returns 0 on success, else -1 with *err filled.
 */
extern int	cr_model_parse_text(const char *s, size_t len, const CrCodecAlloc *alloc,
								CrModelPlain *out, CrCodecError *err);

/*
 * Parse the binary send format (network byte order):
 *	  int32 version, flags, d, iterations; int64 n_rows, n_skipped,
 *	  n_retained; float8 log_likelihood, null_log_likelihood, l2,
 *	  condition_number, intercept, coef[d], means[d], [deciles[11],
 *	  shares[10] when flags has CR_CODEC_HAS_DECILES], d names (int32 byte
 *	  length 1..252, bytes without NUL), cov[(d+1)^2]; nothing after.
 * Names are returned as sent (the backend converts the client encoding).
 * Does not run cr_model_check.  Returns 0 on success, else -1.
 */
extern int	cr_model_parse_binary(const unsigned char *buf, size_t len, const CrCodecAlloc *alloc,
								  CrModelPlain *out, CrCodecError *err);

/*
 * Semantic validation: version, flags, d in 1..1000, names of 1..63 bytes
 * and unique, finite numbers, counts, deciles ascending in [0, 1], shares
 * in [0, 1] summing to 1 within 1e-6, covariance diagonal >= 0 (when cov is
 * not NULL), log-likelihoods <= 0, l2 >= 0, an intercept of 0 without
 * CR_CODEC_INTERCEPT.  Encoding validity of names is
 * left to the caller.  Returns 0 when valid, else -1 (CR_CODEC_INVALID or
 * CR_CODEC_NEWER_VERSION).
 */
extern int	cr_model_check(const CrModelPlain *m, CrCodecError *err);

/*
 * Print the text form into a buffer from alloc (NUL-terminated; length in
 * *outlen when not NULL).  Same keys, order and spacing as
 * retention_model_out; floats use the shortest %.*g that round-trips, which
 * may differ in spelling (not in value) from the server's output.  Returns
 * NULL when the allocator does.
 */
extern char *cr_model_format_text(const CrModelPlain *m, const CrCodecAlloc *alloc, size_t *outlen);

/* Encode the binary send format; NULL when the allocator fails. */
extern unsigned char *cr_model_format_binary(const CrModelPlain *m, const CrCodecAlloc *alloc,
											 size_t *outlen);

#endif							/* CR_MODEL_CODEC_H */
