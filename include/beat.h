/* beat.h: the public C API of libbeat for programs that opt in (all of it is
 * optional: unmodified OpenMP programs never need this header). */
#ifndef BEAT_H
#define BEAT_H

#ifdef __cplusplus
extern "C" {
#endif

#define BEAT_VERSION_MAJOR 0
#define BEAT_VERSION_MINOR 1

/* The library's version as "MAJOR.MINOR". */
const char *beat_version(void);

/* 1 when the calling program's OpenMP runs on beat (a program can call it
 * through dlsym to tell whether libbeat.so was preloaded). */
int beat_is_active(void);

#ifdef __cplusplus
}
#endif
#endif
