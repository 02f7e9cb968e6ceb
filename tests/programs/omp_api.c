/* Checks the omp_* query and setter API outside and inside parallel regions; only values the OpenMP spec or the ICV defaults determine are printed. */
#include <omp.h>
#include <limits.h>
#include <stdint.h>
#include "common.h"

int main (void)
{
  /* Setters round-trip. */
  int max0 = omp_get_max_threads ();
  CHECK (max0 >= 1, "max threads %d", max0);
  omp_set_num_threads (5);
  CHECK (omp_get_max_threads () == 5, "set_num_threads(5) -> %d", omp_get_max_threads ());
  {
    int team = 0;
#pragma omp parallel
#pragma omp single
    team = omp_get_num_threads ();
    CHECK (omp_get_dynamic () || team == 5, "team after set_num_threads(5): %d", team);
  }
  omp_set_num_threads (max0);
  CHECK (omp_get_max_threads () == max0, "restore max threads");
  report ("omp_set_num_threads");

  int dyn0 = omp_get_dynamic ();
  omp_set_dynamic (1);
  int dyn1 = omp_get_dynamic ();
  omp_set_dynamic (0);
  CHECK (omp_get_dynamic () == 0, "set_dynamic(0)");
  printf ("dynamic default %d, after set_dynamic(1) %d\n", dyn0, dyn1);
  omp_set_dynamic (dyn0);
  report ("omp_set_dynamic");

  int nested0 = omp_get_nested ();
  omp_set_nested (1);
  int nested1 = omp_get_nested ();
  int mal1 = omp_get_max_active_levels ();
  omp_set_nested (0);
  int nested2 = omp_get_nested ();
  printf ("nested default %d, set 1 -> %d (max_active_levels %d), set 0 -> %d\n", nested0, nested1, mal1 > 1, nested2);
  omp_set_max_active_levels (1);
  report ("omp_set_nested");

  {
    omp_sched_t k0; int c0;
    omp_get_schedule (&k0, &c0);
    /* The default run-sched-var is implementation defined: check, do not print. */
    CHECK (((int) k0 & ~(int) omp_sched_monotonic) >= 1 && ((int) k0 & ~(int) omp_sched_monotonic) <= 4, "default kind %d", (int) k0);
    omp_sched_t kinds[] = { omp_sched_static, omp_sched_dynamic, omp_sched_guided, omp_sched_auto };
    for (int k = 0; k < 4; k++) {
      omp_sched_t kk; int cc;
      omp_set_schedule (kinds[k], 7);
      omp_get_schedule (&kk, &cc);
      printf ("set_schedule(%d, 7) -> kind %d chunk %d\n", (int) kinds[k], (int) kk, cc);
      omp_set_schedule (kinds[k], 0);
      omp_get_schedule (&kk, &cc);
      printf ("set_schedule(%d, 0) -> kind %d chunk %d\n", (int) kinds[k], (int) kk, cc);
    }
    omp_sched_t kk; int cc;
    omp_set_schedule (omp_sched_dynamic | omp_sched_monotonic, 3);
    omp_get_schedule (&kk, &cc);
    printf ("set_schedule(monotonic dynamic, 3) -> kind %#x chunk %d\n", (unsigned) kk, cc);
    omp_set_schedule (k0, c0);
  }
  report ("schedule get/set");

  printf ("thread_limit %d\n", omp_get_thread_limit ());
  CHECK (omp_get_thread_limit () >= omp_get_max_threads (), "thread_limit below max threads");
  printf ("max_active_levels %d supported_active_levels>=1 %d\n", omp_get_max_active_levels (), omp_get_supported_active_levels () >= 1);
  printf ("level %d active_level %d team_size(0) %d ancestor(0) %d team_size(1) %d\n",
          omp_get_level (), omp_get_active_level (), omp_get_team_size (0), omp_get_ancestor_thread_num (0),
          omp_get_team_size (1));
  printf ("thread_num %d num_threads %d in_parallel %d in_final %d\n",
          omp_get_thread_num (), omp_get_num_threads (), omp_in_parallel (), omp_in_final ());
  printf ("cancellation %d max_task_priority %d\n", omp_get_cancellation (), omp_get_max_task_priority ());
  report ("ICV queries");

  /* Places: the counts depend on the machine, so only check consistency. */
  {
    int np = omp_get_num_places ();
    CHECK (np >= 0, "num_places %d", np);
    for (int p = 0; p < np; p++) {
      int n = omp_get_place_num_procs (p);
      CHECK (n >= 1, "place %d has %d procs", p, n);
      int ids[1024];
      if (n >= 1 && n <= 1024) {
        omp_get_place_proc_ids (p, ids);
        for (int k = 0; k < n; k++)
          CHECK (ids[k] >= 0, "place %d proc %d", p, ids[k]);
      }
    }
    CHECK (omp_get_place_num_procs (np) == 0 && omp_get_place_num_procs (-1) == 0, "out-of-range place");
    int bad = 0;
#pragma omp parallel reduction(+:bad)
    {
      int pn = omp_get_place_num ();
      if (pn < -1 || pn >= np) bad++;
      int pp = omp_get_partition_num_places ();
      if (pp < 0 || pp > np) bad++;
    }
    CHECK (bad == 0, "place queries inside region %d", bad);
    printf ("proc_bind %d\n", (int) omp_get_proc_bind ());
  }
  report ("places");

  /* Timing: monotonic, positive tick. */
  {
    double prev = omp_get_wtime ();
    int back = 0;
    for (int k = 0; k < 100000; k++) {
      double now = omp_get_wtime ();
      if (now < prev) back++;
      prev = now;
    }
    CHECK (back == 0, "wtime went backwards %d times", back);
    CHECK (omp_get_wtick () > 0 && omp_get_wtick () < 1, "wtick %g", omp_get_wtick ());
    int bad = 0;
#pragma omp parallel reduction(+:bad)
    {
      double a = omp_get_wtime (), b = omp_get_wtime ();
      if (b < a) bad++;
    }
    CHECK (bad == 0, "wtime in threads");
  }
  report ("wtime/wtick");

  /* In-parallel and thread queries inside regions. */
  {
    int bad = 0, inactive_bad = 0;
#pragma omp parallel num_threads(2) reduction(+:bad)
    {
      if (omp_get_num_threads () == 2 && !omp_in_parallel ()) bad++;
      if (omp_get_level () != 1) bad++;
      if (omp_get_ancestor_thread_num (1) != omp_get_thread_num ()) bad++;
      if (omp_get_team_size (1) != omp_get_num_threads ()) bad++;
      if (omp_get_max_threads () < 1) bad++;
    }
#pragma omp parallel if(0)
    {
      if (omp_in_parallel ()) inactive_bad++;
    }
    CHECK (bad == 0 && inactive_bad == 0, "in-region queries %d %d", bad, inactive_bad);
    CHECK (omp_get_num_procs () > 0, "num_procs %d", omp_get_num_procs ());
  }
  report ("in-region queries");

  /* Devices: host only. */
  {
    int nd = omp_get_num_devices ();
    printf ("num_devices %d initial_device==num_devices %d is_initial_device %d device_num==initial %d default_device %d\n",
            nd, omp_get_initial_device () == nd, omp_is_initial_device (),
            omp_get_device_num () == omp_get_initial_device (), omp_get_default_device ());
    CHECK (nd == 0, "num_devices %d", nd);
    CHECK (omp_is_initial_device () == 1, "is_initial_device");
    printf ("team_num %d num_teams %d\n", omp_get_team_num (), omp_get_num_teams ());
  }
  report ("device queries");

  /* Memory allocators. */
  {
    int bad = 0;
#pragma omp parallel reduction(+:bad)
    for (int k = 0; k < 200; k++) {
      char *p = omp_alloc (1000 + k, omp_default_mem_alloc);
      if (!p) { bad++; continue; }
      for (int j = 0; j < 1000 + k; j++) p[j] = (char) j;
      if (((uintptr_t) p) % sizeof (void *)) bad++;
      omp_free (p, omp_default_mem_alloc);
    }
    omp_alloctrait_t traits[] = { { omp_atk_alignment, 256 } };
    omp_allocator_handle_t al = omp_init_allocator (omp_default_mem_space, 1, traits);
    if (al != omp_null_allocator) {
      void *q = omp_alloc (100, al);
      if (!q || ((uintptr_t) q) % 256) bad++;
      omp_free (q, al);
      omp_destroy_allocator (al);
    }
    CHECK (bad == 0, "allocator problems %d", bad);
  }
  report ("omp_alloc");

  return finish ();
}
