/* assert.c: what a failed BEAT_ASSERT does (beat_assert.h): one line naming the
 * file, the line and the expression, written with a single write(2) so that
 * it stays whole when several threads fail at once, then abort(). */
#include "rt.h"

#ifdef BEAT_DEBUG_ASSERTS

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void beat_assert_failed(const char *file, int line, const char *expr)
{
	char buf[512];
	int n = snprintf(buf, sizeof buf, "beat: %s:%d: assertion failed: %s\n", file, line, expr);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof buf) {
		n = sizeof buf - 1;
		buf[n - 1] = '\n';
	}
	ssize_t unused = write(2, buf, (size_t)n);
	(void)unused;
	abort();
}

#endif
