/* error.c: the error directive at execution time (GOMP_warning for
 * severity(warning), GOMP_error for severity(fatal)).
 *
 * The lines are exactly libgomp's ("\nlibgomp: [fatal error: ]error
 * directive encountered[: MESSAGE]\n" on stderr) so that programs and test
 * harnesses that look for them keep working; a fatal one exits with
 * EXIT_FAILURE through exit(), as libgomp does. The message arrives either
 * NUL-terminated (length (size_t)-1) or with an explicit length. */
#include "abi.h"

#include <stdio.h>
#include <stdlib.h>

static void report(const char *what, const char *msg, size_t len)
{
	fputs("\nlibgomp: ", stderr);
	fputs(what, stderr);
	if (msg != NULL) {
		fputs(": ", stderr);
		if (len == (size_t)-1)
			fputs(msg, stderr);
		else
			fwrite(msg, 1, len, stderr);
	}
	fputc('\n', stderr);
}

BEAT_EXPORT void GOMP_warning(const char *msg, size_t msglen)
{
	report("error directive encountered", msg, msglen);
}

BEAT_EXPORT void GOMP_error(const char *msg, size_t msglen)
{
	report("fatal error: error directive encountered", msg, msglen);
	exit(EXIT_FAILURE);
}
