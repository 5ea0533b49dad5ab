/*
 * test_model_codec.c: unit tests of the retention_model text and binary
 * codec (parsers, semantic checks, printers), outside the server.
 * link: src/cr_model_codec.c
 *
 * The valid models below were trained and printed by the server:
 *   SELECT retention_train(ARRAY[x, x*x], y)
 *   FROM (SELECT sin(i) x, i % 3 = 0 y FROM generate_series(1,100) i) t;
 * and encode(retention_model_send(m), 'hex') of the same model.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_model_codec.h"
#include "../fuzz/fuzz_common.h"
#include "../fuzz/text_encodings.h"
#include "tap.h"

/* text output of a server-trained model (test/fuzz/corpus/model_text/valid_2features) */
static const char *model_text =
	"{\"format_version\": 1, \"features\": [\"f1\", \"f2\"], \"intercept\": -0.7581674609507628"
	", \"coefficients\": [-0.03797606736493625, 0.09868856872623903], \"means\": [-0.0012717101"
	"366043204, 0.5026838751776239], \"fit_intercept\": true, \"class_weight\": null, \"n_rows\""
	": 100, \"n_skipped\": 0, \"n_retained\": 33, \"iterations\": 3, \"converged\": true, \"log"
	"_likelihood\": -63.39641466973005, \"null_log_likelihood\": -63.417863571220565, \"l2\": 0"
	", \"condition_number\": 1.0289589269084736, \"score_deciles\": [0.31826450974381854, 0.318"
	"9049476062575, 0.3205135942931021, 0.3228904130417128, 0.325534619996668, 0.32888263662855"
	"98, 0.3307000648193086, 0.3323597699398686, 0.33880894960201186, 0.3470172528133487, 0.349"
	"4392106033385], \"score_shares\": [0.11, 0.1, 0.1, 0.1, 0.1, 0.09, 0.1, 0.1, 0.1, 0.1], \""
	"covariance\": [[0.13878477419297036, 0.00043014171975055477, -0.18455300724690335], [0.000"
	"43014171975055477, 0.08929020262842789, 0.00048631978245530956], [-0.18455300724690335, 0."
	"00048631978245530956, 0.36415231697386524]]}";

/* a model with escaped and non-ASCII names (corpus valid_names_balanced) */
static const char *names_text =
	"{\"format_version\": 1, \"features\": [\"a \\\"q\\\" \303\251 \\\\ /\", \"tab\\tb\\u0001\""
	", \"\303\251\360\235\204\236\"], \"intercept\": -0.010200607741053039, \"coefficients\": ["
	"-0.036286105011262906, 0.07125145614201034, -0.033979699100295156], \"means\": [-0.0012717"
	"101366043204, 0.5026838751776239, 0.763935524697778], \"fit_intercept\": true, \"class_wei"
	"ght\": \"balanced\", \"n_rows\": 100, \"n_skipped\": 0, \"n_retained\": 33, \"iterations\""
	": 2, \"converged\": true, \"log_likelihood\": -69.29082236876143, \"null_log_likelihood\":"
	" -69.31471805599453, \"l2\": 0.5, \"condition_number\": 5.638755314426122, \"score_deciles"
	"\": [0.4880566106732047, 0.48868485705680426, 0.4903043867688595, 0.49271473101698365, 0.4"
	"957821435122039, 0.4984864516488375, 0.5003882771735774, 0.5015851858980888, 0.50929989095"
	"16637, 0.5173828101650468, 0.5197336474251124], \"score_shares\": [0.11, 0.1, 0.1, 0.1, 0."
	"1, 0.09, 0.1, 0.1, 0.1, 0.1], \"covariance\": [[1.6783515026771612, 0.00012720931937988472"
	", -0.7843280591202948, -1.6284088137653794], [0.00012720931937988472, 0.07626414942713439,"
	" 0.0006422365620067185, -0.00015853540229932326], [-0.7843280591202948, 0.0006422365620067"
	"185, 0.5423221736091265, 0.6692154167390574], [-1.6284088137653794, -0.0001585354022993232"
	"6, 0.6692154167390574, 1.6915467425749482]]}";

/* retention_model_send of model_text, from the server (corpus valid_2features.bin) */
static const char *model_binary_hex =
	"00000001000000070000000200000003000000000000006400000000000000000000000000000021c04fb2bdb7451296"
	"c04fb57c8db24a8200000000000000003ff0769da2bffc83bfe842e8683598a5bfa371995eb9e7783fb943a76f2b121b"
	"bf54d5f05c96da003fe015fc7e83a9803fd45e721b34f06b3fd468f04c2018133fd4834b735a62e43fd4aa3c8d0d308d"
	"3fd4d58f28a67e983fd50c69c222aec13fd52a309acbc6d43fd54561e99975e03fd5af0bbb887f073fd63587d9feca4a"
	"3fd65d36475ecf2e3fbc28f5c28f5c293fb999999999999a3fb999999999999a3fb999999999999a3fb999999999999a"
	"3fb70a3d70a3d70a3fb999999999999a3fb999999999999a3fb999999999999a3fb999999999999a0000000266310000"
	"000266323fc1c3b3112bb7fe3f3c30949e7511a5bfc79f6ed5407fd33f3c30949e7511a53fb6dbb904246e7f3f3fdf17"
	"8fa08a20bfc79f6ed5407fd33f3fdf178fa08a203fd74e45850a9589";

static Arena arena;
static const CrCodecAlloc AL = {arena_alloc, &arena, NULL, NULL};

/* this file's name for ok() (tap.h) */
#define check ok

/* s with the first occurrence of from replaced by to (from must occur) */
static char *
replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	size_t		n;
	char	   *r;

	if (at == NULL)
	{
		fprintf(stderr, "replace: \"%s\" not found\n", from);
		exit(2);
	}
	n = strlen(s) - strlen(from) + strlen(to);
	r = malloc(n + 1);
	memcpy(r, s, (size_t) (at - s));
	strcpy(r + (at - s), to);
	strcat(r, at + strlen(from));
	return r;
}

static int
parse_text(const char *s, CrModelPlain *m, CrCodecError *e)
{
	return cr_model_parse_text(s, strlen(s), &AL, m, e);
}

/* parse s (ownership taken), expect failure with status st and needle in the message */
static void
text_error(char *s, CrCodecStatus st, const char *needle, const char *what)
{
	CrModelPlain m;
	CrCodecError e;
	int			rc = parse_text(s, &m, &e);
	int			ok = rc < 0 && e.status == st && strstr(e.msg, needle) != NULL;

	if (!ok)
		printf("# rc %d status %d msg \"%s\" (want status %d, \"%s\")\n", rc, (int) e.status, e.msg,
			   (int) st, needle);
	check(ok, what);
	free(s);
}

/* parse s (ownership taken), expect success and then a failed check with needle */
static void
check_error(char *s, CrCodecStatus st, const char *needle, const char *what)
{
	CrModelPlain m;
	CrCodecError e;
	int			rc = parse_text(s, &m, &e);
	int			ok = 0;

	if (rc == 0)
	{
		rc = cr_model_check(&m, &e);
		ok = rc < 0 && e.status == st && strstr(e.msg, needle) != NULL;
	}
	if (!ok)
		printf("# rc %d status %d msg \"%s\" (want status %d, \"%s\")\n", rc, (int) e.status, e.msg,
			   (int) st, needle);
	check(ok, what);
	free(s);
}

static char *
dup(const char *s)
{
	return replace(s, "", "");
}

static unsigned char *
unhex(const char *h, size_t *len)
{
	size_t		n = strlen(h) / 2,
				i;
	unsigned char *b = malloc(n);

	for (i = 0; i < n; i++)
	{
		unsigned	v;

		sscanf(h + 2 * i, "%2x", &v);
		b[i] = (unsigned char) v;
	}
	*len = n;
	return b;
}

static int
same_bits(double a, double b)
{
	return memcmp(&a, &b, sizeof(double)) == 0;
}

static void
test_round_trips(void)
{
	CrModelPlain m,
				m2,
				mb;
	CrCodecError e;
	char	   *txt;
	unsigned char *bin,
			   *srvbin;
	size_t		len,
				srvlen;

	check(parse_text(model_text, &m, &e) == 0, "the server's text output parses");
	check(m.version == 1 && m.d == 2 && m.n_rows == 100 && m.n_retained == 33 && m.iterations == 3 &&
		  m.flags == (CR_CODEC_INTERCEPT | CR_CODEC_CONVERGED | CR_CODEC_HAS_DECILES),
		  "head fields and flags decoded");
	check(strcmp(m.names[0], "f1") == 0 && strcmp(m.names[1], "f2") == 0, "feature names decoded");
	check(same_bits(m.intercept, -0.7581674609507628) && same_bits(m.coef[1], 0.09868856872623903) &&
		  same_bits(m.means[0], -0.0012717101366043204) && same_bits(m.cov[8], 0.36415231697386524) &&
		  same_bits(m.deciles[10], 0.3494392106033385) && same_bits(m.shares[5], 0.09),
		  "numbers decoded bit-exactly (strtod of the shortest form)");
	check(cr_model_check(&m, &e) == 0, "a trained model passes cr_model_check");

	txt = cr_model_format_text(&m, &AL, &len);
	check(txt != NULL && len == strlen(txt), "cr_model_format_text prints");
	check(txt && cr_model_parse_text(txt, len, &AL, &m2, &e) == 0 && models_equal(&m, &m2),
		  "format_text then parse_text gives the same bits");

	srvbin = unhex(model_binary_hex, &srvlen);
	check(cr_model_parse_binary(srvbin, srvlen, &AL, &mb, &e) == 0, "the server's binary send parses");
	check(models_equal(&m, &mb), "binary and text forms of the server's model decode to the same bits");
	bin = cr_model_format_binary(&m, &AL, &len);
	check(bin && len == srvlen && memcmp(bin, srvbin, len) == 0,
		  "cr_model_format_binary is byte-identical to retention_model_send");
	free(srvbin);

	/* names with escapes, raw UTF-8 and a surrogate pair */
	check(parse_text(names_text, &m, &e) == 0, "a model with escaped names parses");
	check(m.d == 3 && strcmp(m.names[0], "a \"q\" \303\251 \\ /") == 0 &&
		  strcmp(m.names[1], "tab\tb\001") == 0 && strcmp(m.names[2], "\303\251\360\235\204\236") == 0 &&
		  (m.flags & CR_CODEC_BALANCED) && same_bits(m.l2, 0.5),
		  "escapes, raw UTF-8 and class_weight decoded");
	{
		char	   *t1 = replace(names_text, "\303\251\360\235\204\236", "\\u00E9\\ud834\\uDD1E");
		char	   *t2 = replace(t1, "a \\\"q\\\" \303\251", "\\u0061\\u0020\\\"q\\\"\\u0020\\u00e9");

		check(parse_text(t2, &m2, &e) == 0 && models_equal(&m, &m2),
			  "\\u escapes and surrogate pairs decode to the same UTF-8");
		free(t1);
		free(t2);
	}
	txt = cr_model_format_text(&m, &AL, &len);
	check(txt && cr_model_parse_text(txt, len, &AL, &m2, &e) == 0 && models_equal(&m, &m2),
		  "names with control characters round-trip through format_text");
	bin = cr_model_format_binary(&m, &AL, &len);
	check(bin && cr_model_parse_binary(bin, len, &AL, &m2, &e) == 0 && models_equal(&m, &m2),
		  "names round-trip through the binary form");

	/* keys in another order, white space everywhere */
	{
		char	   *t1 = replace(model_text, "{\"format_version\": 1, ", "\n{ \t");
		char	   *t2 = replace(t1, "]]}", "]] ,\r\n\"format_version\" : 1 }  \n");

		check(parse_text(t2, &m2, &e) == 0 && models_equal(&m, &m2) == 0 &&
			  parse_text(model_text, &m, &e) == 0 && models_equal(&m, &m2),
			  "keys in any order and JSON white space are accepted");
		free(t1);
		free(t2);
	}
	arena_free(&arena);
}

static void
test_text_errors(void)
{
	CrModelPlain m;
	CrCodecError e;
	char		big[1200];
	char	   *t;

	text_error(dup(""), CR_CODEC_SYNTAX, "empty", "empty input");
	text_error(dup("   "), CR_CODEC_SYNTAX, "empty", "only white space");
	text_error(dup("hello"), CR_CODEC_SYNTAX, "JSON object", "not JSON");
	text_error(dup("[1, 2]"), CR_CODEC_SYNTAX, "JSON object", "an array");
	text_error(dup("{}"), CR_CODEC_SYNTAX, "\"format_version\" is missing", "an empty object");
	text_error(replace(model_text, "{", "{\"lambda\": 1, "), CR_CODEC_SYNTAX, "Unknown key \"lambda\"",
			   "unknown key");
	t = replace(model_text, "{", "{\"lambda\": 1, ");
	check(parse_text(t, &m, &e) < 0 && e.has_pos && e.pos == 1, "the unknown key's byte offset is reported");
	free(t);
	text_error(replace(model_text, "{", "{\"l2\": 0, "), CR_CODEC_SYNTAX, "\"l2\" appears more than once",
			   "duplicate key");
	text_error(replace(model_text, "\"n_skipped\": 0, ", ""), CR_CODEC_SYNTAX, "\"n_skipped\" is missing",
			   "missing key");
	text_error(replace(model_text, ", \"score_shares\": [0.11, 0.1, 0.1, 0.1, 0.1, 0.09, 0.1, 0.1, 0.1, 0.1]", ""),
			   CR_CODEC_SYNTAX, "\"score_shares\" is missing", "deciles without shares");
	text_error(replace(model_text, "\"n_rows\": 100", "\"n_rows\": \"100\""), CR_CODEC_SYNTAX,
			   "\"n_rows\" must hold numbers", "a string where an integer belongs");
	text_error(replace(model_text, "\"n_rows\": 100", "\"n_rows\": 100.5"), CR_CODEC_SYNTAX,
			   "must hold an integer", "a fraction where an integer belongs");
	text_error(replace(model_text, "\"n_rows\": 100", "\"n_rows\": 9223372036854775808"), CR_CODEC_SYNTAX,
			   "out of range", "int64 overflow");
	text_error(replace(model_text, "\"iterations\": 3", "\"iterations\": 2147483648"), CR_CODEC_SYNTAX,
			   "out of range", "int32 overflow");
	text_error(replace(model_text, "\"fit_intercept\": true", "\"fit_intercept\": 1"), CR_CODEC_SYNTAX,
			   "true or false", "a number where a boolean belongs");
	text_error(replace(model_text, "\"converged\": true", "\"converged\": null"), CR_CODEC_SYNTAX,
			   "true or false", "null where a boolean belongs");
	text_error(replace(model_text, "\"class_weight\": null", "\"class_weight\": \"auto\""), CR_CODEC_SYNTAX,
			   "\"balanced\" or null", "unknown class_weight");
	text_error(replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": NaN"), CR_CODEC_SYNTAX,
			   "must hold numbers", "NaN is not JSON");
	text_error(replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": \"NaN\""),
			   CR_CODEC_SYNTAX, "must hold numbers", "\"NaN\" is a string");
	text_error(replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": -Infinity"),
			   CR_CODEC_SYNTAX, "must hold numbers", "-Infinity is not JSON");
	text_error(replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": 1e400"),
			   CR_CODEC_SYNTAX, "out of range", "1e400 overflows");
	text_error(replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": -1e-400"),
			   CR_CODEC_SYNTAX, "out of range", "1e-400 underflows to zero");
	text_error(replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": 01"),
			   CR_CODEC_SYNTAX, "Expected", "a leading zero");
	text_error(replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": 1."),
			   CR_CODEC_SYNTAX, "decimal point", "a bare decimal point");
	text_error(replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": .5"),
			   CR_CODEC_SYNTAX, "must hold numbers", "a missing integer part");
	text_error(replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": +1"),
			   CR_CODEC_SYNTAX, "must hold numbers", "a plus sign");
	text_error(replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": 1e"),
			   CR_CODEC_SYNTAX, "exponent", "an empty exponent");
	text_error(replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": -"),
			   CR_CODEC_SYNTAX, "must hold numbers", "a lone minus");
	text_error(replace(model_text, "[-0.03797606736493625, 0.09868856872623903]", "[-0.03797606736493625]"),
			   CR_CODEC_SYNTAX, "\"coefficients\" has 1 elements where 2 are expected", "too few coefficients");
	text_error(replace(model_text, "\"means\": [", "\"means\": [1, "), CR_CODEC_SYNTAX,
			   "\"means\" has 3 elements where 2", "too many means");
	text_error(replace(model_text, "\"score_shares\": [", "\"score_shares\": [0, "), CR_CODEC_SYNTAX,
			   "more than 10 elements", "eleven shares");
	text_error(replace(model_text, "\"means\": [", "\"means\": [1, \"x\", "), CR_CODEC_SYNTAX,
			   "array of numbers", "a string inside a number array");
	text_error(replace(model_text, "\"means\": [", "\"means\": [1,, "), CR_CODEC_SYNTAX,
			   "array of numbers", "an empty array element");
	text_error(replace(model_text, "0.09868856872623903]", "0.09868856872623903,]"), CR_CODEC_SYNTAX,
			   "array of numbers", "a trailing comma");
	text_error(replace(model_text, "[-0.18455300724690335, 0.00048631978245530956, 0.36415231697386524]",
					   "[-0.18455300724690335, 0.00048631978245530956]"),
			   CR_CODEC_SYNTAX, "Row 3 of key \"covariance\" has 2 numbers where row 1 has 3", "a ragged covariance");
	text_error(replace(model_text, ", [-0.18455300724690335, 0.00048631978245530956, 0.36415231697386524]", ""),
			   CR_CODEC_SYNTAX, "3 rows of 3 numbers", "a covariance with a missing row");
	text_error(replace(model_text, "\"covariance\": [[", "\"covariance\": [1, ["), CR_CODEC_SYNTAX,
			   "array of rows", "a number as a covariance row");
	text_error(replace(model_text, "[\"f1\", \"f2\"]", "[]"), CR_CODEC_SYNTAX, "between 1 and 1000 features",
			   "no features");
	text_error(replace(model_text, "[\"f1\", \"f2\"]", "[\"f1\", 2]"), CR_CODEC_SYNTAX, "array of names",
			   "a number as a feature name");
	text_error(replace(model_text, "[\"f1\", \"f2\"]", "\"f1\""), CR_CODEC_SYNTAX, "array of names",
			   "features not an array");
	text_error(replace(model_text, "\"f2\"", "\"f\\u0000\""), CR_CODEC_SYNTAX, "NUL", "\\u0000 in a name");
	text_error(replace(model_text, "\"f2\"", "\"f\\ud834\""), CR_CODEC_SYNTAX, "low surrogate",
			   "a lone high surrogate");
	text_error(replace(model_text, "\"f2\"", "\"f\\ud834\\u0041\""), CR_CODEC_SYNTAX, "low surrogate",
			   "a high surrogate followed by a non-surrogate");
	text_error(replace(model_text, "\"f2\"", "\"f\\udd1e\""), CR_CODEC_SYNTAX, "must follow a high surrogate",
			   "a lone low surrogate");
	text_error(replace(model_text, "\"f2\"", "\"f\\u12G4\""), CR_CODEC_SYNTAX, "four hexadecimal digits",
			   "a bad \\u escape");
	text_error(replace(model_text, "\"f2\"", "\"f\\x\""), CR_CODEC_SYNTAX, "Unknown escape", "an unknown escape");
	text_error(replace(model_text, "\"f2\"", "\"f\tx\""), CR_CODEC_SYNTAX, "Control character",
			   "a raw tab in a string");
	text_error(dup("{\"features\": [\"abc"), CR_CODEC_SYNTAX, "not terminated", "an unterminated string");
	memset(big, 'x', sizeof(big));
	big[0] = '"';
	big[sizeof(big) - 2] = '"';
	big[sizeof(big) - 1] = '\0';
	text_error(replace(model_text, "\"f2\"", big), CR_CODEC_SYNTAX, "longer than", "a 1198-byte name");
	text_error(replace(model_text, "]]}", "]]} x"), CR_CODEC_SYNTAX, "after the end", "trailing garbage");
	text_error(replace(model_text, "]]}", "]]}}"), CR_CODEC_SYNTAX, "after the end", "a second closing brace");
	text_error(replace(model_text, "]]}", "]]"), CR_CODEC_SYNTAX, "ends", "a missing closing brace");
	text_error(replace(model_text, "\"l2\": 0", "\"l2\" 0"), CR_CODEC_SYNTAX, "\":\"", "a missing colon");

	/* versions */
	text_error(replace(model_text, "\"format_version\": 1", "\"format_version\": 2"), CR_CODEC_NEWER_VERSION,
			   "newer", "format version 2 is reported as newer");
	t = replace(model_text, "\"format_version\": 1", "\"format_version\": 7");
	check(parse_text(t, &m, &e) < 0 && e.version == 7, "the newer version number is reported");
	free(t);
	text_error(replace(model_text, "\"format_version\": 1, ", "\"format_version\": 2, \"new_key\": {\"a\": [1, true]}, "),
			   CR_CODEC_NEWER_VERSION, "newer", "a newer version with unknown keys is reported as newer");
	text_error(replace(model_text, "{\"format_version\": 1, ", "{\"new_key\": [[{\"x\": null}], \"s\"], \"format_version\": 3, "),
			   CR_CODEC_NEWER_VERSION, "newer", "a newer version after unknown keys is reported as newer");
	check_error(replace(model_text, "\"format_version\": 1", "\"format_version\": 0"), CR_CODEC_INVALID,
				"Format version 0", "format version 0 is invalid");
	text_error(replace(model_text, "\"format_version\": 1", "\"format_version\": 1.0"), CR_CODEC_SYNTAX,
			   "integer", "a fractional format version");

	/* semantic checks */
	check_error(replace(model_text, "\"f2\"", "\"f1\""), CR_CODEC_INVALID, "\"f1\" appears more than once",
				"duplicate feature names");
	check_error(replace(model_text, "\"f2\"", "\"\""), CR_CODEC_INVALID, "1 to 63 bytes", "an empty name");
	check_error(replace(model_text, "\"f2\"", "\"0123456789012345678901234567890123456789012345678901234567890123\""),
				CR_CODEC_INVALID, "feature 2 has 64", "a 64-byte name");
	check_error(replace(model_text, "\"n_retained\": 33", "\"n_retained\": 101"), CR_CODEC_INVALID,
				"at most n_rows", "more retained than rows");
	check_error(replace(model_text, "\"n_skipped\": 0", "\"n_skipped\": -1"), CR_CODEC_INVALID,
				"non-negative", "negative skipped count");
	check_error(replace(model_text, "\"iterations\": 3", "\"iterations\": -3"), CR_CODEC_INVALID,
				"non-negative", "negative iterations");
	check_error(replace(model_text, "\"l2\": 0", "\"l2\": -0.5"), CR_CODEC_INVALID, "l2 penalty", "negative l2");
	check_error(replace(model_text, "\"log_likelihood\": -63.39641466973005", "\"log_likelihood\": 1"),
				CR_CODEC_INVALID, "Log-likelihoods", "positive log-likelihood");
	check_error(replace(model_text, "[0.31826450974381854, 0.3189049476062575", "[0.31826450974381854, 0.3"),
				CR_CODEC_INVALID, "ascending", "descending decile edges");
	check_error(replace(model_text, "[0.31826450974381854,", "[-0.1,"), CR_CODEC_INVALID, "ascending",
				"a negative decile edge");
	check_error(replace(model_text, "[0.11, 0.1,", "[0.12, 0.1,"), CR_CODEC_INVALID, "sum to 1",
				"shares not summing to 1");
	check_error(replace(model_text, "[0.11, 0.1, 0.1, 0.1, 0.1, 0.09,", "[1.11, 0.1, 0.1, 0.1, 0.1, -0.91,"),
				CR_CODEC_INVALID, "within [0, 1]", "shares out of [0, 1]");
	check_error(replace(model_text, "[[0.13878477419297036", "[[-0.13878477419297036"), CR_CODEC_INVALID,
				"diagonal", "a negative variance");
	check_error(replace(model_text, "\"condition_number\": 1.0289589269084736", "\"condition_number\": -1.03"),
				CR_CODEC_INVALID, "condition number must be positive", "a negative condition number");
	check_error(replace(model_text, "\"condition_number\": 1.0289589269084736", "\"condition_number\": 0"),
				CR_CODEC_INVALID, "condition number must be positive", "a condition number of 0");
	t = replace(model_text, "\"condition_number\": 1.0289589269084736", "\"condition_number\": 0.9999997385271221");
	check(parse_text(t, &m, &e) == 0 && cr_model_check(&m, &e) == 0,
		  "a condition number slightly below 1 (a 1.0 estimate) is accepted");
	free(t);
	check_error(replace(model_text, "[0.00043014171975055477, 0.08929020262842789", "[0.00043, 0.08929020262842789"),
				CR_CODEC_INVALID, "rows 1 and 2 differ", "an asymmetric covariance");
	t = replace(model_text, "[0.00043014171975055477, 0.08929020262842789", "[0.0004301417197505548, 0.08929020262842789");
	check(parse_text(t, &m, &e) == 0 && cr_model_check(&m, &e) == 0, "a covariance symmetric to rounding is accepted");
	free(t);
	t = replace(model_text, "\"condition_number\": 1.0289589269084736", "\"condition_number\": 0.99999");
	check(parse_text(t, &m, &e) == 0 && cr_model_check(&m, &e) == 0, "an estimated condition number below 1 is accepted");
	free(t);
	check_error(replace(model_text, "\"fit_intercept\": true", "\"fit_intercept\": false"), CR_CODEC_INVALID,
				"without an intercept", "an intercept in a model fitted without one");
}

static void
test_numbers(void)
{
	CrModelPlain m;
	CrCodecError e;
	char	   *t;

	t = replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": 1e308");
	check(parse_text(t, &m, &e) == 0 && m.intercept == 1e308, "1e308 is accepted");
	free(t);
	t = replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": 1.7976931348623157e308");
	check(parse_text(t, &m, &e) == 0 && m.intercept == 1.7976931348623157e308, "DBL_MAX is accepted");
	free(t);
	t = replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": -0");
	check(parse_text(t, &m, &e) == 0 && m.intercept == 0 && signbit(m.intercept), "-0 keeps its sign");
	free(t);
	t = replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": 5e-324");
	check(parse_text(t, &m, &e) == 0 && m.intercept > 0 && m.intercept == 4.9406564584124654e-324,
		  "5e-324 gives the smallest denormal");
	free(t);
	t = replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": 2.2250738585072011e-308");
	check(parse_text(t, &m, &e) == 0 && m.intercept == 2.2250738585072011e-308, "a denormal boundary value");
	free(t);
	t = replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": 0e-999");
	check(parse_text(t, &m, &e) == 0 && m.intercept == 0, "an exact zero with a huge exponent");
	free(t);
	t = replace(model_text, "\"intercept\": -0.7581674609507628", "\"intercept\": 1E+2");
	check(parse_text(t, &m, &e) == 0 && m.intercept == 100, "upper-case exponent with a plus sign");
	free(t);
	t = replace(model_text, "\"n_rows\": 100, \"n_skipped\": 0, \"n_retained\": 33",
				"\"n_rows\": 9223372036854775807, \"n_skipped\": -9223372036854775808, \"n_retained\": -0");
	check(parse_text(t, &m, &e) == 0 && m.n_rows == INT64_MAX && m.n_skipped == INT64_MIN && m.n_retained == 0,
		  "int64 extremes parse");
	free(t);
	{
		char		num[500];

		memset(num, '1', sizeof(num));
		num[sizeof(num) - 1] = '\0';
		text_error(replace(model_text, "-0.7581674609507628", num), CR_CODEC_SYNTAX, "more than 400 characters",
				   "a 499-digit number");
	}
	/* shortest forms of awkward values round-trip through the printer */
	{
		static const double vals[] = {0.1, 1.0 / 3, 1e-300, 123456789012345678.0, 5e-324, -0.0,
		1.7976931348623157e308, 2.2250738585072014e-308, 0.30000000000000004};
		size_t		i;
		int			all = 1;

		if (parse_text(model_text, &m, &e) != 0)
			all = 0;
		for (i = 0; all && i < sizeof(vals) / sizeof(vals[0]); i++)
		{
			CrModelPlain m2;
			size_t		len;
			char	   *txt;

			m.intercept = vals[i];
			m.coef[0] = -vals[i];
			txt = cr_model_format_text(&m, &AL, &len);
			if (!txt || cr_model_parse_text(txt, len, &AL, &m2, &e) != 0 || !models_equal(&m, &m2))
				all = 0;
		}
		check(all, "awkward doubles round-trip bit-exactly through format_text");
	}
	arena_free(&arena);
}

static void
test_truncation_and_limits(void)
{
	CrModelPlain m;
	CrCodecError e;
	size_t		len = strlen(model_text),
				blen,
				i;
	int			all = 1;
	unsigned char *bin = unhex(model_binary_hex, &blen);
	char	   *t;

	for (i = 0; i < len; i++)
	{
		/* a heap copy of exactly i bytes, so ASan sees any overread */
		char	   *p = malloc(i ? i : 1);

		memcpy(p, model_text, i);
		if (cr_model_parse_text(p, i, &AL, &m, &e) == 0 || e.status != CR_CODEC_SYNTAX)
			all = 0;
		free(p);
		arena_free(&arena);
	}
	check(all, "every truncation of a valid text is a syntax error");

	all = 1;
	for (i = 0; i < blen; i++)
	{
		unsigned char *p = malloc(i ? i : 1);

		memcpy(p, bin, i);
		if (cr_model_parse_binary(p, i, &AL, &m, &e) == 0 || e.status != CR_CODEC_SYNTAX)
			all = 0;
		free(p);
		arena_free(&arena);
	}
	check(all, "every truncation of a valid binary is an error");

	all = 1;
	for (i = 0; i < blen; i++)
	{
		int			bit;

		for (bit = 0; bit < 8; bit++)
		{
			bin[i] ^= (unsigned char) (1 << bit);
			if (cr_model_parse_binary(bin, blen, &AL, &m, &e) == 0)
				(void) cr_model_check(&m, &e);
			bin[i] ^= (unsigned char) (1 << bit);
			arena_free(&arena);
		}
	}
	check(all, "every single bit flip of a valid binary is survived");

	{
		unsigned char *b2 = malloc(blen + 1);

		memcpy(b2, bin, blen);
		b2[blen] = 0;
		check(cr_model_parse_binary(b2, blen + 1, &AL, &m, &e) < 0 && strstr(e.msg, "1 bytes follow"),
			  "a trailing byte after a binary model is an error");
		memcpy(b2, bin, blen);
		b2[3] = 2;
		check(cr_model_parse_binary(b2, blen, &AL, &m, &e) < 0 && e.status == CR_CODEC_NEWER_VERSION &&
			  e.version == 2, "binary format version 2 is reported as newer");
		b2[3] = 0;
		check(cr_model_parse_binary(b2, blen, &AL, &m, &e) < 0 && strstr(e.msg, "version 0"),
			  "binary format version 0 is invalid");
		b2[3] = 1;
		b2[7] = 0x10;
		check(cr_model_parse_binary(b2, blen, &AL, &m, &e) < 0 && strstr(e.msg, "flag bits"),
			  "unknown binary flag bits are an error");
		memcpy(b2, bin, blen);
		b2[9] = 0x01;			/* d = 0x00010002 */
		check(cr_model_parse_binary(b2, blen, &AL, &m, &e) < 0 && strstr(e.msg, "between 1 and 1000"),
			  "binary d above 1000 is an error");
		b2[9] = 0;
		b2[11] = 0;
		check(cr_model_parse_binary(b2, blen, &AL, &m, &e) < 0 && strstr(e.msg, "between 1 and 1000"),
			  "binary d = 0 is an error");
		b2[10] = 0x03;
		b2[11] = 0xE8;			/* d = 1000 with a tiny message: refused before allocating */
		arena.limit = 4096;
		check(cr_model_parse_binary(b2, blen, &AL, &m, &e) < 0 && e.status == CR_CODEC_SYNTAX &&
			  strstr(e.msg, "ends"), "binary d = 1000 with a short message is refused before allocating");
		arena.limit = 0;
		free(b2);
	}
	{
		/* names: length 0, length 300, a NUL inside: the first name's length starts after
		 * 16 + 24 + 40 + 16*2 + 8*21 bytes */
		size_t		off = 16 + 24 + 40 + 32 + 168;

		bin[off + 3] = 0;
		check(cr_model_parse_binary(bin, blen, &AL, &m, &e) < 0 && strstr(e.msg, "invalid length 0"),
			  "a binary name of length 0 is an error");
		bin[off + 2] = 1;
		bin[off + 3] = 0x2C;
		check(cr_model_parse_binary(bin, blen, &AL, &m, &e) < 0 && strstr(e.msg, "invalid length 300"),
			  "a binary name of length 300 is an error");
		bin[off + 2] = 0;
		bin[off + 3] = 2;
		bin[off + 5] = 0;
		check(cr_model_parse_binary(bin, blen, &AL, &m, &e) < 0 && strstr(e.msg, "NUL"),
			  "a NUL byte in a binary name is an error");
		bin[off + 5] = '1';
		check(cr_model_parse_binary(bin, blen, &AL, &m, &e) == 0, "the patched binary is valid again");
		/* non-finite numbers pass the parser and fail the check */
		bin[16 + 24 + 32] = 0x7F;	/* the intercept becomes a NaN */
		bin[16 + 24 + 33] = 0xF8;
		check(cr_model_parse_binary(bin, blen, &AL, &m, &e) == 0 && cr_model_check(&m, &e) < 0 &&
			  strstr(e.msg, "\"intercept\" is not a finite number"), "a binary NaN intercept fails the check");
	}
	free(bin);

	/* allocation failure is reported, not crashed on */
	arena.limit = 64;
	check(parse_text(model_text, &m, &e) < 0 && e.status == CR_CODEC_NOMEM, "allocator failure gives NOMEM");
	arena.limit = 0;
	arena_free(&arena);

	/* deep nesting and huge arrays */
	{
		size_t		depth = 100000;
		char	   *deep = malloc(2 * depth + 64);

		strcpy(deep, "{\"x\": ");
		memset(deep + 6, '[', depth);
		memset(deep + 6 + depth, ']', depth);
		strcpy(deep + 6 + 2 * depth, ", \"format_version\": 2}");
		text_error(deep, CR_CODEC_SYNTAX, "Unknown key \"x\"", "100000 nested arrays are rejected without recursion");
	}
	{
		size_t		n = 1001,
					k;
		char	   *arr = malloc(n * 8 + 64);
		char	   *p = arr;

		p += sprintf(p, "\"features\": [");
		for (k = 0; k < n; k++)
			p += sprintf(p, "%s\"f%zu\"", k ? "," : "", k);
		strcpy(p, "]");
		t = replace(model_text, "\"features\": [\"f1\", \"f2\"]", arr);
		text_error(t, CR_CODEC_SYNTAX, "at most 1000 features", "1001 features");
		free(arr);
	}
	{
		size_t		n = 100000,
					k;
		char	   *arr = malloc(n * 2 + 64);
		char	   *p = arr;

		p += sprintf(p, "\"means\": [");
		for (k = 0; k < n; k++)
			*p++ = k ? ',' : ' ', *p++ = '1';
		strcpy(p, "]");
		t = replace(model_text, "\"means\": [-0.0012717101366043204, 0.5026838751776239]", arr);
		text_error(t, CR_CODEC_SYNTAX, "more than 1000 elements", "100000 means");
		free(arr);
	}
	arena_free(&arena);
}

/* parse s with the converter of al; 1 when it fails with 22P05's status at the escape needle */
static int
untranslatable(const char *s, const CrCodecAlloc *al, const char *needle, const char *cp)
{
	CrModelPlain m;
	CrCodecError e;
	const char *at = strstr(s, needle);

	if (cr_model_parse_text(s, strlen(s), al, &m, &e) == 0)
		return 0;
	if (e.status != CR_CODEC_UNTRANSLATABLE || !e.has_pos || at == NULL || e.pos != (size_t) (at - s) ||
		strstr(e.msg, cp) == NULL)
	{
		printf("# status %d at %zu: %s\n", (int) e.status, e.pos, e.msg);
		return 0;
	}
	return 1;
}

/*
 * A text in another encoding than UTF-8 (the server's database encoding):
 * \u escapes become its characters through CrCodecAlloc.unicode_to_text,
 * and one it lacks is CR_CODEC_UNTRANSLATABLE at the escape.
 */
static void
test_encodings(void)
{
	const CrCodecAlloc latin1 = {arena_alloc, &arena, to_latin1, NULL};
	const CrCodecAlloc ascii = {arena_alloc, &arena, to_ascii, NULL};
	const CrCodecAlloc widest = {arena_alloc, &arena, to_widest, NULL};
	CrModelPlain m,
				m2;
	CrCodecError e;
	char	   *t = replace(model_text, "\"f2\"", "\"\\u00e9t\\u00E9\"");
	char	   *txt;
	size_t		len;

	check(cr_model_parse_text(t, strlen(t), &latin1, &m, &e) == 0 && strcmp(m.names[1], "\351t\351") == 0,
		  "Latin-1: \\u00e9t\\u00E9 is the three bytes E9 74 E9");
	txt = cr_model_format_text(&m, &latin1, &len);
	check(txt && strstr(txt, "\"\351t\351\"") != NULL &&
		  cr_model_parse_text(txt, len, &latin1, &m2, &e) == 0 && models_equal(&m, &m2),
		  "Latin-1: the name prints as its bytes and reads back");
	check(parse_text(t, &m, &e) == 0 && strcmp(m.names[1], "\303\251t\303\251") == 0,
		  "without a converter the text is UTF-8");
	free(t);

	t = replace(model_text, "\"f2\"", "\"f\\u4e2d\"");
	check(untranslatable(t, &latin1, "\\u4e2d", "U+4E2D"),
		  "Latin-1: \\u4e2d is CR_CODEC_UNTRANSLATABLE at the escape");
	check(parse_text(t, &m, &e) == 0 && strcmp(m.names[1], "f\344\270\255") == 0, "UTF-8: \\u4e2d reads");
	free(t);
	t = replace(model_text, "\"f2\"", "\"f\\ud834\\udd1e\"");
	check(untranslatable(t, &latin1, "\\ud834", "U+1D11E"),
		  "Latin-1: a surrogate pair is one character, U+1D11E, at its first escape");
	free(t);
	t = replace(model_text, "\"f2\"", "\"\\u0066\\u0032\"");
	check(cr_model_parse_text(t, strlen(t), &ascii, &m, &e) == 0 && strcmp(m.names[1], "f2") == 0,
		  "ASCII escapes never reach the converter");
	free(t);
	t = replace(model_text, "\"f2\"", "\"\\u0080\"");
	check(untranslatable(t, &ascii, "\\u0080", "U+0080"), "\\u0080 does");
	free(t);

	{
		const char *newer = "{\"\\u00e9\": 1, \"format_version\": 2}";

		check(cr_model_parse_text(newer, strlen(newer), &latin1, &m, &e) < 0 &&
			  e.status == CR_CODEC_NEWER_VERSION && e.version == 2,
			  "Latin-1: the scan for a newer format version reads past \\u escapes");
	}
	t = replace(model_text, "\"f2\"", "\"x\\u00e9\\u00e9\\u00e9y\"");
	check(cr_model_parse_text(t, strlen(t), &widest, &m, &e) == 0 && strlen(m.names[1]) == 50 &&
		  memcmp(m.names[1], "xzzz", 4) == 0 && m.names[1][48] == 'z' && m.names[1][49] == 'y',
		  "a character of CR_UNICODE_MAX_BYTES bytes");
	free(t);
	{
		/* 65 escapes of 16 bytes: 1040 bytes, over the 1024 a string may hold */
		char		name[65 * 6 + 3];
		int			k;

		name[0] = '"';
		for (k = 0; k < 65; k++)
			memcpy(name + 1 + 6 * k, "\\u00e9", 6);
		strcpy(name + 1 + 6 * 65, "\"");
		t = replace(model_text, "\"f2\"", name);
		check(cr_model_parse_text(t, strlen(t), &widest, &m, &e) < 0 && e.status == CR_CODEC_SYNTAX &&
			  strstr(e.msg, "longer than 1024 bytes") != NULL,
			  "converted characters count against the length of a string");
		free(t);
	}
	arena_free(&arena);
}

static int	ticks;

static void
count_tick(void)
{
	ticks++;
}

/*
 * s with n bytes of c inserted before the first occurrence of at (which
 * must occur); malloc'd, length in *len.
 */
static char *
pad(const char *s, const char *at, char c, size_t n, size_t *len)
{
	const char *p = strstr(s, at);
	size_t		k = (size_t) (p - s);
	char	   *r = malloc(strlen(s) + n + 1);

	memcpy(r, s, k);
	memset(r + k, c, n);
	strcpy(r + k + n, p);
	*len = strlen(s) + n;
	return r;
}

/* cr_model_parse_text counting the ticks (in ticks) */
static int
parse_ticking(const char *s, size_t len, CrModelPlain *m, CrCodecError *e)
{
	const CrCodecAlloc al = {arena_alloc, &arena, NULL, count_tick};
	int			rc;

	ticks = 0;
	rc = cr_model_parse_text(s, len, &al, m, e);
	printf("# %d ticks\n", ticks);
	return rc;
}

/*
 * The text parser calls the tick (the server's CHECK_FOR_INTERRUPTS) for
 * every megabyte it reads, whatever fills it: white space, the digits of
 * one long number, the elements the newer-version scan skips.  Once per
 * megabyte, not per token: 8 MB read once give 8 ticks, read twice (the
 * parse, then the version scan) 16.
 */
static void
test_ticks(void)
{
	const size_t n = (size_t) 8 << 20;
	CrModelPlain m,
				m2;
	CrCodecError e;
	char	   *t,
			   *u;
	size_t		len,
				k;

	t = malloc(n);
	memset(t, ' ', n);
	check(parse_ticking(t, n, &m, &e) < 0 && strstr(e.msg, "The input is empty") && ticks == 16,
		  "8 MB of white space: a tick per megabyte of the parse and of the version scan");
	free(t);

	check(parse_text(model_text, &m2, &e) == 0, "the model parses");
	t = pad(model_text, "\"intercept\"", '\n', n / 2, &len);
	u = pad(t, "]]}", '\t', n / 2, &len);
	check(parse_ticking(u, len, &m, &e) == 0 && models_equal(&m, &m2) && ticks == 8,
		  "8 MB of white space between tokens: the same model, a tick per megabyte");
	free(u);
	free(t);

	t = pad("{\"n_rows\": 1}", "}", '7', n, &len);
	check(parse_ticking(t, len, &m, &e) < 0 && strstr(e.msg, "more than 400 characters") && ticks == 16,
		  "a number of 8 million digits: a tick per megabyte of it, in the parse and the scan");
	free(t);

	t = malloc(n + 64);
	strcpy(t, "{\"x\": [");
	for (k = 7; k < n; k += 2)
		t[k] = '1', t[k + 1] = ',';
	strcpy(t + k, "1], \"format_version\": 2}");
	check(parse_ticking(t, strlen(t), &m, &e) < 0 && e.status == CR_CODEC_NEWER_VERSION && ticks == 8,
		  "the version scan past 4 million elements: a tick per megabyte");
	free(t);

	/* strings with escapes, and empty arrays 32 deep: read token by token */
	t = malloc(n + 64);
	strcpy(t, "{\"x\": [");
	for (k = strlen(t); k < n; k += 11)
		memcpy(t + k, "\"a\\u0041\", ", 11);
	strcpy(t + k, "1], \"format_version\": 2}");
	check(parse_ticking(t, strlen(t), &m, &e) < 0 && e.status == CR_CODEC_NEWER_VERSION && ticks == 8,
		  "the version scan past 700 000 strings with escapes: a tick per megabyte");
	strcpy(t, "{\"x\": ");
	memset(t + 6, '[', 32);
	for (k = 6 + 32; k < n; k += 4)
		memcpy(t + k, "[], ", 4);
	memcpy(t + k, "[]", 2);
	memset(t + k + 2, ']', 32);
	strcpy(t + k + 34, ", \"format_version\": 2}");
	check(parse_ticking(t, strlen(t), &m, &e) < 0 && e.status == CR_CODEC_NEWER_VERSION && ticks == 8,
		  "the version scan past 2 million empty arrays 32 deep: a tick per megabyte");
	free(t);
	arena_free(&arena);
}

int
main(void)
{
	test_round_trips();
	test_text_errors();
	test_numbers();
	test_truncation_and_limits();
	test_encodings();
	test_ticks();
	arena_free(&arena);
	return tap_done();
}
