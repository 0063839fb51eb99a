/*
 * standalone_driver.c - replay fuzz inputs without libFuzzer.
 *
 * Linked with a fuzz_NAME.c target, this main() calls
 * LLVMFuzzerTestOneInput() once for every regular file named on the command
 * line or found (not recursively) in a directory named there, so CTest can
 * run the checked-in corpus with gcc and the sanitizers on every build.
 * LLVMFuzzerInitialize() is called first when the target defines it.
 *
 *     fuzz_tokenize_replay fuzz/corpus/tokenize [more files or dirs...]
 *
 * Exit status: 0 when every input ran, 1 when an argument cannot be read or
 * no input was found.  A property violation in the target traps; the name
 * of the input being run is printed first.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Read a whole file into a malloc'd block of exactly its size, so that
 * ASan sees any read past the end of the input. */
static int read_file(const char *path, uint8_t **out, size_t *size) {
  FILE *f = fopen(path, "rb");
  uint8_t *buf = NULL, *nb;
  size_t n = 0, cap = 0, got;
  if (f == NULL) return -1;
  do {
    if (n == cap) {
      cap = cap ? cap * 2 : 4096;
      if ((nb = realloc(buf, cap)) == NULL) goto fail;
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  if (ferror(f)) goto fail;
  fclose(f);
  /* Shrink to the exact size (keep one byte for an empty file). */
  if ((nb = realloc(buf, n ? n : 1)) != NULL) buf = nb;
  *out = buf;
  *size = n;
  return 0;
fail:
  free(buf);
  fclose(f);
  return -1;
}

static const char *current; /* the input being run, for crash reports */

/* write(2) a string from a signal handler. */
static void say(const char *s) {
  size_t n = strlen(s);
  while (n > 0) {
    ssize_t w = write(2, s, n);
    if (w <= 0) return;
    s += w;
    n -= (size_t)w;
  }
}

static void on_crash(int sig) {
  if (current) {
    say("standalone_driver: crashed on input ");
    say(current);
    say("\n");
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

static int run_file(const char *path) {
  uint8_t *data;
  size_t size;
  if (read_file(path, &data, &size) != 0) {
    fprintf(stderr, "standalone_driver: cannot read %s: %s\n", path, strerror(errno));
    return -1;
  }
  current = path;
  LLVMFuzzerTestOneInput(data, size);
  current = NULL;
  free(data);
  return 0;
}

/* Run every regular file in dir, in name order so runs are repeatable. */
static int run_dir(const char *dir, size_t *count) {
  struct dirent **names;
  int n = scandir(dir, &names, NULL, alphasort), i, rc = 0;
  if (n < 0) {
    fprintf(stderr, "standalone_driver: cannot list %s: %s\n", dir, strerror(errno));
    return -1;
  }
  for (i = 0; i < n; i++) {
    struct stat sb;
    size_t plen = strlen(dir) + strlen(names[i]->d_name) + 2;
    char *path = malloc(plen);
    if (path == NULL) {
      rc = -1;
    } else {
      snprintf(path, plen, "%s/%s", dir, names[i]->d_name);
      if (names[i]->d_name[0] != '.' && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
        if (run_file(path) == 0) (*count)++;
        else rc = -1;
      }
      free(path);
    }
    free(names[i]);
  }
  free(names);
  return rc;
}

int main(int argc, char **argv) {
  size_t count = 0;
  int i, failed = 0;
  if (argc < 2) {
    fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
    return 1;
  }
  signal(SIGILL, on_crash);
  signal(SIGABRT, on_crash);
  signal(SIGSEGV, on_crash);
  signal(SIGBUS, on_crash);
  signal(SIGFPE, on_crash);
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  for (i = 1; i < argc; i++) {
    struct stat sb;
    if (stat(argv[i], &sb) != 0) {
      fprintf(stderr, "standalone_driver: %s: %s\n", argv[i], strerror(errno));
      failed = 1;
    } else if (S_ISDIR(sb.st_mode)) {
      if (run_dir(argv[i], &count) != 0) failed = 1;
    } else if (run_file(argv[i]) == 0) {
      count++;
    } else {
      failed = 1;
    }
  }
  printf("standalone_driver: ran %zu input%s\n", count, count == 1 ? "" : "s");
  if (count == 0) {
    fprintf(stderr, "standalone_driver: no inputs found\n");
    return 1;
  }
  return failed;
}
