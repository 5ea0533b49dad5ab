/*
 * text_encodings.h: stand-ins for a database encoding other than UTF-8, for
 * the unit tests and fuzz harnesses of the plain-C kernels (header only):
 * CrUnicodeToText converters (src/cr_unicode.h) for the readers that decode
 * JSON \u escapes, and character lengths (CrRuleMem.char_len) for the
 * condition language's messages that quote a cut of the text.
 */
#ifndef TEXT_ENCODINGS_H
#define TEXT_ENCODINGS_H

#include <string.h>

#include "cr_rule.h"

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

/*
 * EUC_JP's character lengths (PostgreSQL's pg_euc_mblen): 0x8E (SS2) starts
 * 2 bytes, 0x8F (SS3) 3, any other byte from 0x80 up 2.  Bytes 0x80 to 0xBF
 * start characters and end them, unlike in UTF-8: あ is A4 A2, é 8F AB B1.
 */
static inline int
euc_jp_char_len(const char *s)
{
	unsigned char c = (unsigned char) *s;

	return c == 0x8F ? 3 : c >= 0x80 ? 2 : 1;
}

/* a fuzz input's character lengths, chosen by its size: UTF-8 (NULL) or EUC_JP */
static inline CrCharLen
fuzz_char_len(size_t size)
{
	return size % 2 ? euc_jp_char_len : NULL;
}

#endif							/* TEXT_ENCODINGS_H */
