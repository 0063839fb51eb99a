/*
 * error.c - status texts and error messages.
 *
 * Handles keep their last message in an embedded kzi_errbuf; calls without a
 * handle write a per-thread buffer, so two threads never see each other's
 * messages.
 */
#include <stdio.h>
#include <string.h>

#include "kz_int.h"

static _Thread_local kzi_errbuf tls_err;

const char *kz_strerror(int code) {
  switch (code) {
    case KZ_OK: return "success";
    case KZ_ERROR: return "error";
    case KZ_ENOMEM: return "out of memory";
    case KZ_EINVAL: return "invalid argument";
    case KZ_EUTF8: return "invalid UTF-8";
    case KZ_ENOTFOUND: return "not found";
    case KZ_EBUFSIZE: return "buffer too small";
    case KZ_ITEROVER: return "end of iteration";
    case KZ_EUSER: return "stopped by callback";
    case KZ_EIO: return "input/output error";
    case KZ_ECORRUPT: return "file is corrupt";
    case KZ_EBUSY: return "resource is busy";
    case KZ_EQUERY: return "query syntax error";
    case KZ_EVERSION: return "unsupported version";
    case KZ_EUNSUPPORTED: return "not supported by this build";
    case KZ_ELIMIT: return "limit exceeded";
    case KZ_EFORMAT: return "bad input format";
    default: return "unknown error";
  }
}

const char *kz_last_errmsg(void) { return tls_err.msg; }

int kzi_seterr(kzi_errbuf *eb, int code, const char *fmt, ...) {
  va_list ap;
  if (eb == NULL) eb = &tls_err;
  va_start(ap, fmt);
  vsnprintf(eb->msg, sizeof eb->msg, fmt, ap);
  va_end(ap);
  if (eb != &tls_err) memcpy(tls_err.msg, eb->msg, sizeof eb->msg);
  return code;
}

void kzi_clearerr(kzi_errbuf *eb) {
  if (eb == NULL) eb = &tls_err;
  eb->msg[0] = '\0';
}
