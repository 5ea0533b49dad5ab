/*
 * fuzz_model_text.c: libFuzzer harness of the retention_model text parser.
 * link: src/cr_model_codec.c
 *
 * Any input: parse it; on success run the semantic check, print the model
 * with the plain-C printer, parse that again and require the same bits;
 * for a model that passes the check, the binary form must round-trip too.
 * \u escapes above U+007F are read as UTF-8 or through one of the
 * converters of text_encodings.h, chosen by the input's size.
 * Built by test/scripts/run.sh (run_fuzz) with ASan and UBSan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cr_model_codec.h"
#include "fuzz_common.h"
#include "text_encodings.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Arena		arena = {NULL, 0, 64 * 1024 * 1024};
	CrCodecAlloc al = {arena_alloc, &arena, fuzz_converter(size), NULL};
	CrModelPlain m,
				m2;
	CrCodecError err;
	char	   *txt;
	unsigned char *bin;
	size_t		len;

	if (cr_model_parse_text((const char *) data, size, &al, &m, &err) == 0)
	{
		int			valid = cr_model_check(&m, &err) == 0;

		txt = cr_model_format_text(&m, &al, &len);
		if (txt != NULL)
		{
			if (cr_model_parse_text(txt, len, &al, &m2, &err) != 0)
			{
				fprintf(stderr, "reparse failed: %s at %zu\n%s\n", err.msg, err.pos, txt);
				abort();
			}
			if (!models_equal(&m, &m2))
			{
				fprintf(stderr, "reparse changed the model\n%s\n", txt);
				abort();
			}
		}
		if (valid && (bin = cr_model_format_binary(&m, &al, &len)) != NULL)
		{
			if (cr_model_parse_binary(bin, len, &al, &m2, &err) != 0 || !models_equal(&m, &m2))
			{
				fprintf(stderr, "binary round trip failed: %s\n", err.msg);
				abort();
			}
		}
	}
	else if (err.status == CR_CODEC_OK || err.msg[0] == '\0' || (err.has_pos && err.pos > size))
	{
		fprintf(stderr, "failure without a proper error (status %d, pos %zu of %zu)\n",
				(int) err.status, err.pos, size);
		abort();
	}
	arena_free(&arena);
	return 0;
}
