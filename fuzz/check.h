/*
 * check.h - the property check of the fuzz targets.
 *
 * CHECK(cond, fmt, ...) prints the file, line, condition and a message,
 * then traps, so that libFuzzer and the standalone driver (which has no
 * stack trace) both stop on the input and say which property failed.
 */
#ifndef KZ_FUZZ_CHECK_H
#define KZ_FUZZ_CHECK_H

#include <stdio.h>

#define CHECK(cond, ...)                                                    \
  do {                                                                      \
    if (!(cond)) {                                                          \
      fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                         \
      fputc('\n', stderr);                                                  \
      __builtin_trap();                                                     \
    }                                                                       \
  } while (0)

#endif /* KZ_FUZZ_CHECK_H */
