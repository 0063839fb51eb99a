/*
 * lock.c - the single-writer lock and small durable-file helpers.
 *
 * The writer lock is an exclusive, non-blocking flock() on DIR/LOCK.  The
 * kernel drops it when the process dies (even by SIGKILL), so a crashed
 * writer never leaves a stale lock.  flock locks belong to the open file
 * description: a second kz_corpus handle in the same process is refused
 * too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus_int.h"

void kzi_path(char *buf, size_t cap, const char *dir, const char *name) {
  snprintf(buf, cap, "%s/%s", dir, name);
}

int kzi_lock_writer(const char *dir, int *fd_out) {
  char path[4200];
  int fd;
  kzi_path(path, sizeof path, dir, "LOCK");
  fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return kzi_seterr(NULL, KZ_EIO, "cannot open lock file %s: %s", path,
                      strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    close(fd);
    if (e == EWOULDBLOCK)
      return kzi_seterr(NULL, KZ_EBUSY,
                        "corpus %s is locked by another writer (%s is held); "
                        "only one process or handle may write at a time",
                        dir, path);
    return kzi_seterr(NULL, KZ_EIO, "cannot lock %s: %s", path, strerror(e));
  }
  *fd_out = fd;
  return KZ_OK;
}

void kzi_unlock(int fd) {
  if (fd >= 0) {
    flock(fd, LOCK_UN);
    close(fd);
  }
}

int kzi_write_file_sync(const char *path, const void *data, size_t n) {
  const char *p = data;
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return kzi_seterr(NULL, KZ_EIO, "cannot create %s: %s", path, strerror(errno));
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      return kzi_seterr(NULL, KZ_EIO, "cannot write %s: %s", path, strerror(e));
    }
    p += w;
    n -= (size_t)w;
  }
  if (fsync(fd) != 0) {
    int e = errno;
    close(fd);
    return kzi_seterr(NULL, KZ_EIO, "cannot fsync %s: %s", path, strerror(e));
  }
  if (close(fd) != 0)
    return kzi_seterr(NULL, KZ_EIO, "cannot close %s: %s", path, strerror(errno));
  return KZ_OK;
}

int kzi_fsync_dir(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return kzi_seterr(NULL, KZ_EIO, "cannot open directory %s: %s", dir,
                      strerror(errno));
  if (fsync(fd) != 0 && errno != EINVAL) {
    int e = errno;
    close(fd);
    return kzi_seterr(NULL, KZ_EIO, "cannot fsync directory %s: %s", dir,
                      strerror(e));
  }
  close(fd);
  return KZ_OK;
}

int kzi_read_file(const char *path, unsigned char **out, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  unsigned char *buf;
  size_t n = 0;
  *out = NULL;
  *len = 0;
  if (fd < 0) {
    if (errno == ENOENT)
      return kzi_seterr(NULL, KZ_ENOTFOUND, "%s: no such file", path);
    return kzi_seterr(NULL, KZ_EIO, "cannot open %s: %s", path, strerror(errno));
  }
  if (fstat(fd, &st) != 0 || st.st_size < 0 || (uint64_t)st.st_size > (1ull << 40)) {
    close(fd);
    return kzi_seterr(NULL, KZ_EIO, "cannot stat %s", path);
  }
  buf = malloc((size_t)st.st_size + 1);
  if (!buf) {
    close(fd);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory reading %s", path);
  }
  while (n < (size_t)st.st_size) {
    ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t)r;
  }
  close(fd);
  buf[n] = 0;
  *out = buf;
  *len = n;
  return KZ_OK;
}
