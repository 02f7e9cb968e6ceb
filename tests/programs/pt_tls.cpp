/* C++ thread_local state per thread: each thread starts with its thread_local objects freshly constructed (a std::string empty, a counter at its initializer, a __thread int at 0) and their destructors run once at its end, in every mode (BEAT_PTHREAD=task resets the program's thread-local block and runs the routine's thread_local destructors at its end). Usage: pt_tls [ROUNDS [BATCH]]. */
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <pthread.h>
#include <string>
#include <vector>

static std::atomic<long> constructed{0}, destroyed{0}, bad{0};

struct Tracked {
  long value = 41;
  Tracked () { constructed++; }
  ~Tracked () { destroyed++; }
};

static thread_local std::string name;
static thread_local Tracked tracked;
static __thread int plain_tls;

static void *routine (void *arg)
{
  long id = (long) arg;
  if (!name.empty () || tracked.value != 41 || plain_tls != 0) {
    if (bad++ < 5)
      std::fprintf (stderr, "thread %ld: thread_local state not fresh (name '%s', value %ld, plain %d)\n",
                    id, name.c_str (), tracked.value, plain_tls);
  }
  name = "thread " + std::to_string (id) + " with a name long enough to live on the heap";
  tracked.value = id;
  plain_tls = (int) id + 1;
  long s = 0;
  for (int i = 0; i < 300; i++)
    s += (i ^ id) & 7;
  return (void *) s;
}

int main (int argc, char **argv)
{
  int rounds = argc > 1 ? std::atoi (argv[1]) : 12;
  int batch = argc > 2 ? std::atoi (argv[2]) : 24;
  long total = 0, made = 0;
  for (int r = 0; r < rounds; r++) {
    std::vector<pthread_t> t (batch);
    for (int i = 0; i < batch; i++) {
      if (pthread_create (&t[i], nullptr, routine, (void *) (long) (r * batch + i)) != 0)
        return 2;
      made++;
    }
    for (int i = 0; i < batch; i++) {
      void *v;
      pthread_join (t[i], &v);
      total += (long) v;
    }
  }
  std::printf ("created %ld threads, total %ld\n", made, total);
  std::printf ("thread_local objects constructed %ld, destroyed %ld, not fresh %ld\n", constructed.load (),
               destroyed.load (), bad.load ());
  bool ok = constructed == made && destroyed == made && bad == 0;
  std::printf ("RESULT: %s\n", ok ? "OK" : "FAILED");
  return ok ? 0 : 1;
}
