/*
 * cr_unicode.h
 *	  How the plain-C readers (the retention_model text codec and the
 *	  JsonLogic JSON reader) turn the code point of a JSON \uXXXX escape into
 *	  bytes of the text's encoding.  No PostgreSQL includes.
 *
 * The text a reader decodes is in some encoding (the database's, in the
 * server); an escape above U+007F must become that encoding's character.
 * The caller says how with a CrUnicodeToText callback; without one, the
 * text is taken to be UTF-8.  The server passes one that calls
 * pg_unicode_to_server, as PostgreSQL's own json and jsonb input do.
 */
#ifndef CR_UNICODE_H
#define CR_UNICODE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* the most bytes one code point becomes (PostgreSQL's MAX_UNICODE_EQUIVALENT_STRING) */
#define CR_UNICODE_MAX_BYTES	16

/*
 * Write the character of code point cp (0x80 to 0x10FFFF, never a
 * surrogate) into out, which has room for CR_UNICODE_MAX_BYTES bytes, and
 * return how many bytes it takes (1 to CR_UNICODE_MAX_BYTES, none of them
 * NUL); return 0 when the encoding has no such character, which the reader
 * reports as an error.  The callback may also not return at all (the
 * server's ereport): the readers keep no state outside their arguments.
 */
typedef size_t (*CrUnicodeToText) (uint32_t cp, char *out);

/* cp (0 to 0x10FFFF) in UTF-8: 1 to 4 bytes into out */
static inline size_t
cr_utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80)
	{
		out[0] = (char) cp;
		return 1;
	}
	if (cp < 0x800)
	{
		out[0] = (char) (0xC0 | (cp >> 6));
		out[1] = (char) (0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000)
	{
		out[0] = (char) (0xE0 | (cp >> 12));
		out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char) (0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char) (0xF0 | (cp >> 18));
	out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char) (0x80 | (cp & 0x3F));
	return 4;
}

/*
 * The bytes of cp (1 to 0x10FFFF, not a surrogate) in the text's encoding:
 * ASCII as it is, the rest through to_text (UTF-8 when it is NULL).
 * Returns the length, or 0 when the encoding lacks the character (or the
 * callback broke its contract).
 */
static inline size_t
cr_unicode_to_text(CrUnicodeToText to_text, uint32_t cp, char *out)
{
	size_t		n;

	if (cp < 0x80 || to_text == NULL)
		return cr_utf8_encode(cp, out);
	n = to_text(cp, out);
	if (n > CR_UNICODE_MAX_BYTES || memchr(out, '\0', n) != NULL)
		return 0;
	return n;
}

#endif							/* CR_UNICODE_H */
