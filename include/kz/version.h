/*
 * kz/version.h - the libkz version, at compile time and at run time.
 *
 * The three numbers below are the only place the version is written; the
 * build reads them from here.  KZ_VERSION_NUMBER packs them as
 * major * 10000 + minor * 100 + patch, so it can be compared with <.
 *
 * The ABI (SONAME) number is kept apart from the API version: see the
 * "Versioning" section of README.md.
 */
#ifndef KZ_VERSION_H
#define KZ_VERSION_H

#include "common.h"

#define KZ_VERSION_MAJOR 0
#define KZ_VERSION_MINOR 1
#define KZ_VERSION_PATCH 0

#define KZ_VERSION_NUMBER \
  (KZ_VERSION_MAJOR * 10000 + KZ_VERSION_MINOR * 100 + KZ_VERSION_PATCH)

#define KZ_VERSION_STR_(x) #x
#define KZ_VERSION_STR(x) KZ_VERSION_STR_(x)
#define KZ_VERSION_STRING                                                   \
  KZ_VERSION_STR(KZ_VERSION_MAJOR) "." KZ_VERSION_STR(KZ_VERSION_MINOR) "." \
  KZ_VERSION_STR(KZ_VERSION_PATCH)

KZ_BEGIN_DECLS

/* The version of the library actually loaded, as "MAJOR.MINOR.PATCH".
 * Static storage; never NULL.  Compare with KZ_VERSION_STRING to detect a
 * header/library mismatch. */
KZ_API const char *kz_version(void);

/* The same as a number (see KZ_VERSION_NUMBER). */
KZ_API int kz_version_number(void);

KZ_END_DECLS

#endif /* KZ_VERSION_H */
