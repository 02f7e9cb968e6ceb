/* exit() called from inside a task while other threads run tasks and wait in a barrier: the process exits with that status, flushing stdout and running atexit handlers. */
#include <omp.h>
#include <string.h>
#include <unistd.h>
#include "common.h"

static void at_exit_handler (void)
{
  printf ("atexit handler ran\n");
}

static void spin_task (int i)
{
  volatile long x = 0;
  for (long k = 0; k < 20000 + i; k++) x += k;
}

int main (int argc, char **argv)
{
  const char *where = argc > 1 ? argv[1] : "task";
  atexit (at_exit_handler);
  printf ("before the region\n");   /* left in the stdio buffer: exit flushes it */
#pragma omp parallel
#pragma omp single
  {
    for (int i = 0; i < 2000; i++) {
#pragma omp task firstprivate(i)
      {
        spin_task (i);
        if (i == 500) {
          if (!strcmp (where, "nested")) {
#pragma omp task
            {
              printf ("exit from a nested task\n");
              exit (7);
            }
#pragma omp taskwait
          } else {
            printf ("exit from a task\n");
            exit (7);
          }
        }
      }
    }
#pragma omp taskwait
  }
  printf ("not reached\n");
  return 0;
}
