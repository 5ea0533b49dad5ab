/*
 * text_encodings.h: stand-ins for a database encoding other than UTF-8, for
 * the unit tests and fuzz harnesses of the plain-C kernels (header only):
 * CrUnicodeToText converters (src/cr_unicode.h) for the readers that decode
 * JSON \u escapes, conversions to UTF-8 (CrRuleMem.text_to_utf8) for
 * JsonLogic's Number() of a string, and character lengths
 * (CrRuleMem.char_len) for the condition language's messages that quote a
 * cut of the text.
 */
#ifndef TEXT_ENCODINGS_H
#define TEXT_ENCODINGS_H

#include <stdlib.h>
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
 * The code point of a byte from 0x80 up of a one-byte stand-in encoding, or
 * 0 when that character has no Unicode equivalent.
 */
typedef uint32_t (*ByteToUnicode) (unsigned char b);

/*
 * What the server's text_to_utf8_cb (src/cr_rule_pg.c) makes of n bytes of
 * an encoding whose bytes from 0x80 up are the characters of map: their
 * UTF-8 up to the first one without a Unicode equivalent; from there on
 * ASCII as it is and every other byte 'x'.  The copy is allocated to its
 * exact size (AddressSanitizer sees a read past it) and lives until the
 * next call.
 */
static inline const char *
bytes_to_utf8(ByteToUnicode map, const char *s, size_t n, size_t *outlen)
{
	static char *copy;
	char	   *u = malloc(n * 4 + 1);
	size_t		k = 0;
	int			unmapped = 0;

	if (u == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
	{
		unsigned char b = (unsigned char) s[i];
		uint32_t	cp = b < 0x80 ? b : map(b);

		unmapped |= cp == 0;
		if (unmapped)
			u[k++] = b < 0x80 ? (char) b : 'x';
		else
			k += cr_utf8_encode(cp, u + k);
	}
	u[k] = '\0';
	free(copy);
	copy = realloc(u, k + 1);
	if (copy == NULL)
		abort();
	*outlen = k;
	return copy;
}

/* Latin-1: every byte is the code point of its value (0xA0 is U+00A0, which Number() trims) */
static inline uint32_t
latin1_unicode(unsigned char b)
{
	return b;
}

static inline const char *
latin1_to_utf8(const char *s, size_t n, size_t *outlen)
{
	return bytes_to_utf8(latin1_unicode, s, n, outlen);
}

/*
 * The most growth the server allows (MAX_CONVERSION_GROWTH, 4): a byte is a
 * character of 4 bytes in UTF-8 (U+10000 on), but for WIN1252's five bytes
 * without a Unicode equivalent (0x81, 0x8D, 0x8F, 0x90, 0x9D).
 */
static inline uint32_t
widest_unicode(unsigned char b)
{
	return b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D ? 0 : 0x10000 + b;
}

static inline const char *
widest_to_utf8(const char *s, size_t n, size_t *outlen)
{
	return bytes_to_utf8(widest_unicode, s, n, outlen);
}

/* CrRuleMem.text_to_utf8 */
typedef const char *(*TextToUtf8) (const char *s, size_t n, size_t *outlen);

/* a fuzz input's conversion to UTF-8, chosen by its size: none (UTF-8) or one of the above */
static inline TextToUtf8
fuzz_to_utf8(size_t size)
{
	static const TextToUtf8 all[] = {NULL, latin1_to_utf8, widest_to_utf8};

	/* by size / 4, so that every pair with fuzz_converter(size) occurs */
	return all[(size / 4) % 3];
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
