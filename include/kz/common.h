/*
 * kz/common.h - definitions shared by every libkz header.
 *
 * KZ_API marks the declarations that leave the shared library.  libkz is
 * built with hidden visibility, so nothing else is exported.
 */
#ifndef KZ_COMMON_H
#define KZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(KZ_SHARED)
#  if defined(KZ_BUILDING)
#    define KZ_API __declspec(dllexport)
#  else
#    define KZ_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define KZ_API __attribute__((visibility("default")))
#else
#  define KZ_API
#endif

#ifdef __cplusplus
#  define KZ_BEGIN_DECLS extern "C" {
#  define KZ_END_DECLS }
#else
#  define KZ_BEGIN_DECLS
#  define KZ_END_DECLS
#endif

KZ_BEGIN_DECLS

/* An owned string returned by libkz (for example a JSON document): ptr is
 * NUL-terminated, len excludes the NUL.  Release it with kz_buf_dispose(),
 * never with free(): libkz and the caller may use different allocators. */
typedef struct kz_buf {
  char *ptr;
  size_t len;
} kz_buf;
#define KZ_BUF_INIT {NULL, 0}

/* Free the memory held by buf and reset it to {NULL, 0}.  NULL and an empty
 * buf are fine. */
KZ_API void kz_buf_dispose(kz_buf *buf);

KZ_END_DECLS

#endif /* KZ_COMMON_H */
