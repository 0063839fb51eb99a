/*
 * kz/error.h - status codes and error messages.
 *
 * Every fallible libkz call returns an int: KZ_OK (0) on success, or one of
 * the negative kz_status codes below.  The numbers are part of the ABI and
 * are never renumbered; new codes are only ever added.
 *
 * Two kinds of message are available:
 *   - kz_strerror(code): a static, generic text for a code;
 *   - a handle's last message (for example kz_tokenizer_errmsg()): what went
 *     wrong, naming the input and the position where that is known.
 * Calls that fail before a handle exists (constructors) leave their message
 * in a per-thread slot read with kz_last_errmsg().
 *
 * libkz never aborts or exits its host process: out of memory is reported as
 * KZ_ENOMEM.
 */
#ifndef KZ_ERROR_H
#define KZ_ERROR_H

#include "common.h"

KZ_BEGIN_DECLS

typedef enum kz_status {
  KZ_OK = 0,          /* success */
  KZ_ERROR = -1,      /* generic failure not covered below */
  KZ_ENOMEM = -2,     /* out of memory */
  KZ_EINVAL = -3,     /* invalid argument (NULL handle, bad option value) */
  KZ_EUTF8 = -4,      /* invalid UTF-8 where repair was not allowed */
  KZ_ENOTFOUND = -5,  /* no such key, file, language or resource */
  KZ_EBUFSIZE = -6,   /* the caller's buffer is too small */
  KZ_ITEROVER = -7,   /* end of iteration (not an error) */
  KZ_EUSER = -8,      /* a user callback asked to stop (not an error) */
  KZ_EIO = -9,        /* an operating-system I/O call failed */
  KZ_ECORRUPT = -10,  /* a stored file is damaged or truncated */
  KZ_EBUSY = -11,     /* the resource is locked by another writer */
  KZ_EQUERY = -12,    /* a query could not be parsed */
  KZ_EVERSION = -13,  /* an options struct or file of unknown version */
  KZ_EUNSUPPORTED = -14, /* a feature not available in this build */
  KZ_ELIMIT = -15,    /* an input exceeds a documented limit */
  KZ_EFORMAT = -16    /* an input is not in the expected format */
} kz_status;

/* A static English description of a status code; never NULL.  Unknown codes
 * give "unknown error". */
KZ_API const char *kz_strerror(int code);

/* The message left by the last failing libkz call on this thread that had no
 * handle to keep it (constructors, free functions).  Owned by libkz, valid
 * until the next libkz call on this thread.  Empty string when none. */
KZ_API const char *kz_last_errmsg(void);

KZ_END_DECLS

#endif /* KZ_ERROR_H */
