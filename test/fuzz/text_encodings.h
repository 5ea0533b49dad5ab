/*
 * text_encodings.h: CrUnicodeToText converters (src/cr_unicode.h) that stand
 * for a database encoding other than UTF-8, for the unit tests and fuzz
 * harnesses of the readers that decode JSON \u escapes (header only).
 */
#ifndef TEXT_ENCODINGS_H
#define TEXT_ENCODINGS_H

#include <string.h>

#include "cr_unicode.h"

/* Latin-1: one byte a character up to U+00FF, nothing above */
static inline size_t
to_latin1(uint32_t cp, char *out)
{
	if (cp > 0xFF)
		return 0;
	out[0] = (char) cp;
	return 1;
}

/* an encoding with no character above U+007F (SQL_ASCII in the server errors so) */
static inline size_t
to_ascii(uint32_t cp, char *out)
{
	(void) cp;
	(void) out;
	return 0;
}

/* every character as long as one may be: CR_UNICODE_MAX_BYTES letters */
static inline size_t
to_widest(uint32_t cp, char *out)
{
	memset(out, 'a' + (int) (cp % 26), CR_UNICODE_MAX_BYTES);
	return CR_UNICODE_MAX_BYTES;
}

/* a fuzz input's converter, chosen by its size: UTF-8 (NULL) or one of the above */
static inline CrUnicodeToText
fuzz_converter(size_t size)
{
	static const CrUnicodeToText all[] = {NULL, to_latin1, to_ascii, to_widest};

	return all[size % 4];
}

#endif							/* TEXT_ENCODINGS_H */
