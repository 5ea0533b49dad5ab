/*
 * fuzz_model_binary.c: libFuzzer harness of the retention_model binary
 * receive decoder (the plain-C part of retention_model_recv).
 * link: src/cr_model_codec.c
 *
 * Any input: decode it; on success run the semantic check and re-encode,
 * which must give back the input byte for byte (the format is canonical);
 * a model that passes the check must also round-trip through the text form.
 * Built by test/scripts/run.sh (run_fuzz) with ASan and UBSan.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_model_codec.h"
#include "fuzz_common.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Arena		arena = {NULL, 0, 64 * 1024 * 1024};
	CrCodecAlloc al = {arena_alloc, &arena, NULL, NULL};
	CrModelPlain m,
				m2;
	CrCodecError err;
	char	   *txt;
	unsigned char *bin;
	size_t		len;

	if (cr_model_parse_binary(data, size, &al, &m, &err) == 0)
	{
		int			valid = cr_model_check(&m, &err) == 0;

		bin = cr_model_format_binary(&m, &al, &len);
		if (bin != NULL && (len != size || memcmp(bin, data, size) != 0))
		{
			fprintf(stderr, "re-encoding differs from the input\n");
			abort();
		}
		if (valid && (txt = cr_model_format_text(&m, &al, &len)) != NULL)
		{
			if (cr_model_parse_text(txt, len, &al, &m2, &err) != 0 || !models_equal(&m, &m2))
			{
				fprintf(stderr, "text round trip failed: %s at %zu\n%s\n", err.msg, err.pos, txt);
				abort();
			}
		}
	}
	else if (err.status == CR_CODEC_OK || err.msg[0] == '\0' || (err.has_pos && err.pos > size))
	{
		fprintf(stderr, "failure without a proper error (status %d)\n", (int) err.status);
		abort();
	}
	arena_free(&arena);
	return 0;
}
