/*
 * test_fs.h - temporary directories for the C tests: kzt_rmtree()
 * removes a directory and everything under it (corpora nest no deeper
 * than a couple of levels, but this does not assume so).  Header-only:
 * each test includes it once.
 */
#ifndef KZ_TEST_FS_H
#define KZ_TEST_FS_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void kzt_rmtree(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char p[4096];
  struct stat st;
  if (!d) {
    unlink(dir);
    return;
  }
  while ((e = readdir(d)) != NULL) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) kzt_rmtree(p);
    else unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

#endif /* KZ_TEST_FS_H */
