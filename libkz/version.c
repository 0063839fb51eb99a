/* version.c - the run-time version of the library. */
#include "kz_int.h"

const char *kz_version(void) { return KZ_VERSION_STRING; }

int kz_version_number(void) { return KZ_VERSION_NUMBER; }
