/* Checks flush-based producer/consumer handshakes between two threads and flush with memory-order clauses. */
#include <omp.h>
#include <sched.h>
#include "common.h"

#define ROUNDS 500

int main (void)
{
  int data[16];
  int flag = 0, ack = 0, bad = 0, done_rounds = 0;
#pragma omp parallel num_threads(2) shared(data, flag, ack) reduction(+:bad)
  {
    if (omp_get_num_threads () == 2) {
      for (int r = 1; r <= ROUNDS; r++) {
        if (omp_get_thread_num () == 0) {
          for (int k = 0; k < 16; k++) data[k] = r * 16 + k;
#pragma omp flush
#pragma omp atomic write
          flag = r;
#pragma omp flush
          int a;
          do {
#pragma omp flush
#pragma omp atomic read
            a = ack;
            if (a != r) sched_yield ();   /* the machine may have fewer free CPUs than spinners */
          } while (a != r);
          /* Acquire side of the ack handshake: without a flush after the read
             that saw the ack, the next round's data writes are unordered with
             the consumer's reads of this round (a race in the OpenMP model). */
#pragma omp flush
        } else {
          int f;
          do {
#pragma omp flush
#pragma omp atomic read
            f = flag;
            if (f != r) sched_yield ();
          } while (f != r);
#pragma omp flush
          for (int k = 0; k < 16; k++)
            if (data[k] != r * 16 + k) bad++;
          done_rounds++;
#pragma omp flush
#pragma omp atomic write
          ack = r;
#pragma omp flush
        }
      }
    } else {
      done_rounds = ROUNDS;   /* dynamic adjustment gave one thread: nothing to hand over */
    }
  }
  CHECK (bad == 0, "consumer saw %d stale values", bad);
  CHECK (done_rounds == ROUNDS, "rounds %d", done_rounds);
  printf ("flush rounds %d\n", ROUNDS);
  report ("flush handshake");

  /* flush with memory orders (OpenMP 5.0) and release/acquire atomics. */
  {
    int payload = 0, ready = 0, seen = 0;
#pragma omp parallel num_threads(2)
    {
      if (omp_get_num_threads () == 2) {
        if (omp_get_thread_num () == 0) {
          payload = 12345;
#pragma omp flush release
#pragma omp atomic write relaxed
          ready = 1;
        } else {
          int r;
          do {
#pragma omp atomic read relaxed
            r = ready;
            if (!r) sched_yield ();
          } while (!r);
#pragma omp flush acquire
          seen = payload;
        }
      } else
        seen = 12345;
    }
    CHECK (seen == 12345, "payload %d", seen);
#pragma omp flush acq_rel
  }
  report ("flush release/acquire");

  return finish ();
}
