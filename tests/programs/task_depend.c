/* Checks task dependences: in/out/inout chains, fan-in/fan-out, mutexinoutset, depend on array sections, taskwait depend and detach with omp_fulfill_event. */
#include <omp.h>
#include <string.h>
#include <sched.h>
#include "common.h"

int main (void)
{
  /* A chain of inout tasks on one variable runs in creation order. */
  for (int rep = 0; rep < 20; rep++) {
    long x = 0;
    int order_bad = 0;
#pragma omp parallel
#pragma omp single
    {
      for (int k = 1; k <= 500; k++) {
#pragma omp task depend(inout: x) firstprivate(k) shared(x, order_bad)
        {
          if (x != (long) (k - 1) * k / 2) order_bad++;
          x += k;
        }
      }
#pragma omp taskwait
    }
    CHECK (order_bad == 0 && x == 500L * 501 / 2, "inout chain bad %d x %ld", order_bad, x);
  }
  report ("inout chain");

  /* Fan-out readers after a writer, then a writer after all readers. */
  for (int rep = 0; rep < 20; rep++) {
    int v = 0, readers_ok = 0, final_v = 0;
#pragma omp parallel
#pragma omp single
    {
#pragma omp task depend(out: v) shared(v)
      v = 42;
      for (int k = 0; k < 64; k++) {
#pragma omp task depend(in: v) shared(v, readers_ok)
        if (v == 42) __atomic_fetch_add (&readers_ok, 1, __ATOMIC_RELAXED);
      }
#pragma omp task depend(inout: v) shared(v, readers_ok, final_v)
      {
        final_v = __atomic_load_n (&readers_ok, __ATOMIC_RELAXED);
        v = 0;
      }
    }
    CHECK (readers_ok == 64 && final_v == 64, "fan-out readers %d final saw %d", readers_ok, final_v);
  }
  report ("fan-out/fan-in");

  /* Pipeline over an array with dependences on elements. */
  for (int rep = 0; rep < 10; rep++) {
    long a[64];
    memset (a, 0, sizeof a);
#pragma omp parallel
#pragma omp single
    for (int stage = 1; stage <= 20; stage++)
      for (int i = 0; i < 64; i++) {
        if (i == 0) {
#pragma omp task depend(inout: a[0]) firstprivate(stage) shared(a)
          a[0] += stage;
        } else {
#pragma omp task depend(in: a[i - 1]) depend(inout: a[i]) firstprivate(i) shared(a)
          a[i] = a[i - 1] + a[i] % 1000;
        }
      }
    long ref[64];
    memset (ref, 0, sizeof ref);
    for (int stage = 1; stage <= 20; stage++)
      for (int i = 0; i < 64; i++)
        ref[i] = i == 0 ? ref[0] + stage : ref[i - 1] + ref[i] % 1000;
    for (int i = 0; i < 64; i++)
      CHECK (a[i] == ref[i], "pipeline a[%d] %ld vs %ld", i, a[i], ref[i]);
  }
  report ("element pipeline");

  /* Array-section dependences. */
  {
    int buf[100] = { 0 };
    int ok = 0;
#pragma omp parallel
#pragma omp single
    {
#pragma omp task depend(out: buf[0:50]) shared(buf)
      for (int i = 0; i < 50; i++) buf[i] = i;
#pragma omp task depend(out: buf[50:50]) shared(buf)
      for (int i = 50; i < 100; i++) buf[i] = i;
#pragma omp task depend(in: buf[0:50], buf[50:50]) shared(buf, ok)
      {
        ok = 1;
        for (int i = 0; i < 100; i++) if (buf[i] != i) ok = 0;
      }
    }
    CHECK (ok == 1, "array section deps");
  }
  report ("array section dependences");

  /* mutexinoutset: tasks exclude each other but are unordered. */
  for (int rep = 0; rep < 20; rep++) {
    long counter = 0;
    int inside = 0, overlap = 0;
#pragma omp parallel
#pragma omp single
    {
      for (int k = 0; k < 200; k++) {
#pragma omp task depend(mutexinoutset: counter) shared(counter, inside, overlap)
        {
          if (__atomic_exchange_n (&inside, 1, __ATOMIC_ACQ_REL)) overlap++;
          counter = counter + 1;
          __atomic_store_n (&inside, 0, __ATOMIC_RELEASE);
        }
      }
#pragma omp task depend(in: counter) shared(counter)
      counter *= 10;
    }
    CHECK (overlap == 0 && counter == 2000, "mutexinoutset overlap %d counter %ld", overlap, counter);
  }
  report ("mutexinoutset");

  /* taskwait depend waits only for the named dependences. */
  for (int rep = 0; rep < 20; rep++) {
    int x = 0, y = 0, seen = -1;
#pragma omp parallel
#pragma omp single
    {
#pragma omp task depend(out: x) shared(x)
      x = 5;
#pragma omp task depend(out: y) shared(y)
      y = 6;
#pragma omp taskwait depend(in: x)
      seen = x;
#pragma omp taskwait
    }
    CHECK (seen == 5 && y == 6, "taskwait depend saw %d", seen);
  }
  report ("taskwait depend");

  /* detach: a task completes only when its event is fulfilled, here by the
     other thread of a two-thread team once the task body has run (GCC copies
     the handle into the task before the runtime sets it, so the body cannot
     use it; and one thread alone could not fulfil a task run undeferred). */
  for (int rep = 0; rep < 20; rep++) {
    int result = 0, fulfilled = 0, after = -1;
    omp_event_handle_t ev;
#pragma omp parallel num_threads(2) shared(ev, result, fulfilled, after)
    {
      if (omp_get_num_threads () < 2)
        after = 2;
      else if (omp_get_thread_num () == 0) {
#pragma omp task detach(ev) depend(out: result) shared(result)
        __atomic_store_n (&result, 1, __ATOMIC_RELEASE);
#pragma omp task depend(in: result) shared(result, after, fulfilled)
        after = result + __atomic_load_n (&fulfilled, __ATOMIC_ACQUIRE);
#pragma omp taskwait
      } else {
        while (!__atomic_load_n (&result, __ATOMIC_ACQUIRE))
          sched_yield ();
        __atomic_store_n (&fulfilled, 1, __ATOMIC_RELEASE);
        omp_fulfill_event (ev);
      }
    }
    CHECK (after == 2, "detach dependent saw %d", after);
  }
  report ("detach and omp_fulfill_event");

  return finish ();
}
