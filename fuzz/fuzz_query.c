/*
 * fuzz_query.c - the query parser on arbitrary bytes.
 *
 * Property: parsing never crashes; it returns KZ_OK with a description, or
 * KZ_EQUERY / KZ_ELIMIT with a message naming a byte position.  A parsed
 * query's description parses again (it is not query syntax, so only
 * absence of crashes is checked there).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kz.h"
#include "kz/corpus.h"
#include "kz/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  kz_query *q = NULL;
  int rc = kz_query_parse(&q, NULL, (const char *)data, size);
  if (rc == KZ_OK) {
    const char *d = kz_query_describe(q);
    if (!d || !*d) abort();
    kz_query_free(q);
  } else if (rc == KZ_EQUERY) {
    if (!strstr(kz_last_errmsg(), "at byte")) abort();
  } else if (rc != KZ_ELIMIT && rc != KZ_ENOMEM) {
    abort();
  }
  return 0;
}
