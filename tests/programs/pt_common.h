/* Shared helpers for the pthread test programs pt_*.c (not a program itself): checked create and join, a counted total, an event counter threads wait on, and a deterministic bit of work. */
#ifndef BEAT_PT_COMMON_H
#define BEAT_PT_COMMON_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include "common.h"

/* Threads this process made through pt_start (from any thread); programs
   print it so that a test can check the runtime's own count against it. */
static long pt_created;

/* The ARGNO-th command-line argument as a positive int, or DFLT. */
static int pt_arg (int argc, char **argv, int argno, int dflt)
{
  if (argc <= argno)
    return dflt;
  int v = atoi (argv[argno]);
  if (v <= 0) {
    fprintf (stderr, "argument %d must be a positive number, not '%s'\n", argno, argv[argno]);
    exit (2);
  }
  return v;
}

/* pthread_create, counted; a failure ends the program (exit 2). */
static void pt_start (pthread_t *th, const pthread_attr_t *attr, void *(*fn) (void *), void *arg)
{
  int e = pthread_create (th, attr, fn, arg);
  if (e != 0) {
    fprintf (stderr, "pthread_create: %s\n", strerror (e));
    exit (2);
  }
  __atomic_fetch_add (&pt_created, 1, __ATOMIC_RELAXED);
}

/* pthread_join; a failure ends the program (exit 2). */
static void *pt_wait (pthread_t th)
{
  void *ret = NULL;
  int e = pthread_join (th, &ret);
  if (e != 0) {
    fprintf (stderr, "pthread_join: %s\n", strerror (e));
    exit (2);
  }
  return ret;
}

/* An event counter: threads add to it, others wait until it reaches a value. */
struct pt_count {
  pthread_mutex_t lock;
  pthread_cond_t changed;
  long value;
};
#define PT_COUNT_INIT { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 }

static void pt_count_add (struct pt_count *c, long n)
{
  pthread_mutex_lock (&c->lock);
  c->value += n;
  pthread_cond_broadcast (&c->changed);
  pthread_mutex_unlock (&c->lock);
}

static void pt_count_wait (struct pt_count *c, long atleast)
{
  pthread_mutex_lock (&c->lock);
  while (c->value < atleast)
    pthread_cond_wait (&c->changed, &c->lock);
  pthread_mutex_unlock (&c->lock);
}

/* A few microseconds of arithmetic that depends only on SEED (splitmix64
   iterated): the same value on every run, kept by the compiler. */
static uint64_t pt_work (uint64_t seed, int iters)
{
  uint64_t x = seed;
  for (int i = 0; i < iters; i++) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    x ^= x >> 31;
  }
  return x;
}

/* The closing lines every pt_ program prints: threads made, then RESULT. */
static int pt_finish (void)
{
  printf ("created %ld threads\n", __atomic_load_n (&pt_created, __ATOMIC_RELAXED));
  return finish ();
}

#endif
