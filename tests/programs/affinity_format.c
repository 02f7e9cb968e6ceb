/* Checks omp_get/set_affinity_format, omp_capture_affinity and omp_display_affinity with formats far longer than any fixed buffer: full lengths returned, truncation into small buffers, NUL-terminated. */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

/* A format of about len characters: filler text and a few fields. */
static char *long_format (size_t len)
{
  char *f = malloc (len + 1);
  const char *tail = " [%L/%n/%N/%a]";
  size_t t = strlen (tail);
  for (size_t i = 0; i + t < len; i++)
    f[i] = 'a' + (char) (i % 26);
  strcpy (f + (len - t), tail);
  return f;
}

static void check_get (const char *want)
{
  size_t n = strlen (want);
  char small[8];
  memset (small, 'Z', sizeof small);
  CHECK (omp_get_affinity_format (small, sizeof small) == n, "get returns the full length");
  CHECK (small[7] == '\0' && strncmp (small, want, 7) == 0, "get truncates into the buffer");
  CHECK (omp_get_affinity_format (NULL, 0) == n, "get with no buffer returns the length");
  char *big = malloc (n + 1);
  CHECK (omp_get_affinity_format (big, n + 1) == n && strcmp (big, want) == 0,
         "get with room returns the whole format");
  free (big);
}

int main (int argc, char **argv)
{
  /* An OMP_AFFINITY_FORMAT from the environment, of any length. */
  const char *env = getenv ("OMP_AFFINITY_FORMAT");
  if (env != NULL)
    check_get (env);
  report ("environment format");

  char *fmt = long_format (3000);
  omp_set_affinity_format (fmt);
  check_get (fmt);
  report ("set and get");

  /* The expansion outside any region: level 0, thread 0 of 1, no ancestor. */
  char *want = strdup (fmt);
  strcpy (want + strlen (want) - strlen (" [%L/%n/%N/%a]"), " [0/0/1/-1]");
  size_t n = strlen (want);
  CHECK (omp_capture_affinity (NULL, 0, NULL) == n, "capture with no buffer returns the length");
  char small[16];
  CHECK (omp_capture_affinity (small, sizeof small, NULL) == n, "capture returns the full length");
  CHECK (small[15] == '\0' && strncmp (small, want, 15) == 0, "capture truncates into the buffer");
  char *big = malloc (n + 1);
  CHECK (omp_capture_affinity (big, n + 1, NULL) == n && strcmp (big, want) == 0,
         "capture with room gives the whole line");
  report ("capture");

  /* Every thread of a team captures its own line with an explicit format. */
  int bad = 0;
  #pragma omp parallel num_threads (3) reduction (+ : bad)
  {
    char line[4096];
    char expect[64];
    size_t len = omp_capture_affinity (line, sizeof line, "%0.4n of %N");
    snprintf (expect, sizeof expect, "%04d of %d", omp_get_thread_num (), omp_get_num_threads ());
    bad += len != strlen (expect) || strcmp (line, expect) != 0;
  }
  CHECK (bad == 0, "%d threads captured a wrong line", bad);
  report ("capture in a team");

  /* The long line is displayed whole (argv[1] "display"). */
  if (argc > 1 && strcmp (argv[1], "display") == 0)
    omp_display_affinity (NULL);
  fflush (stdout);
  free (fmt);
  free (want);
  free (big);
  return finish ();
}
