/*
 * newsdata.h - read the text of JSON Lines news corpora (tests and benches).
 *
 * Each line is a JSON object; only the string fields "title" and "text" are
 * taken, decoded to UTF-8.  Used to read the JSONL files of ../shared/data/news, which is
 * not shipped with libkz: callers skip with a message when it is absent.
 */
#ifndef KZ_NEWSDATA_H
#define KZ_NEWSDATA_H

#include <stddef.h>

typedef struct nd_doc {
  char *title;
  size_t title_len;
  char *text;
  size_t text_len;
} nd_doc;

typedef struct nd_corpus {
  nd_doc *docs;
  size_t count;
  size_t bytes; /* sum of text_len */
} nd_corpus;

/* Load path; returns 0, or -1 when the file cannot be read. */
int nd_load(nd_corpus *c, const char *path);
void nd_free(nd_corpus *c);
/* Read a whole file; returns malloc'd bytes (NUL-terminated) or NULL. */
char *nd_read_file(const char *path, size_t *len);

#endif
