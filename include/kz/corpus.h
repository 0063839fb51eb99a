/*
 * kz/corpus.h - the corpus: an on-disk, crash-safe full-text index of
 * articles.
 *
 * A corpus is a directory.  It holds immutable segment files (term
 * dictionary, compressed postings with positions, per-document columns and
 * a document store), per-segment deletion files and a MANIFEST naming the
 * files of the current generation.  A commit writes new files, fsyncs them
 * and then replaces the MANIFEST atomically (write temp + fsync + rename +
 * fsync of the directory), so a crash at any point leaves the last
 * committed state intact.  See docs/index-format.md.
 *
 * Documents.  Every document has a key (a file path, a JSON "id" or any
 * caller string); adding a key that exists replaces the document, and
 * kz_corpus_delete() removes it.  The text fields title, body, caption and
 * heading are indexed with positions; source, author, language and date
 * are indexed for filtering and grouping; all of them are kept in the
 * document store so results can show titles, snippets and KWIC lines.
 *
 * Analyzer.  The tokenizer settings (language, stemming, diacritic
 * folding) are chosen when the corpus is created and stored in it; opening
 * an existing corpus ignores the analyzer fields of the options.  Queries
 * are analyzed with the same settings.
 *
 * Writers and readers.  A handle opened without KZ_CORPUS_READONLY takes
 * the corpus's writer lock at its first write (add, delete, commit,
 * optimize); if another handle or process holds it the call fails with
 * KZ_EBUSY.  Readers never take that lock: a handle reads the snapshot of
 * the generation that was current when it was opened (or last refreshed
 * or committed through it), and that snapshot stays valid however many
 * commits and merges other writers make; kz_corpus_refresh() moves to the
 * newest generation.  Changes are visible to searches only after
 * kz_corpus_commit().
 *
 * Threads.  Search-side calls (kz_corpus_search(), kz_corpus_keys(),
 * kz_corpus_kwic(), kz_corpus_count(), kz_corpus_vocabulary(),
 * kz_corpus_doc(), kz_corpus_count_docs(), kz_corpus_stats_get(),
 * kz_corpus_analyzer(), kz_query_parse()) may run on one handle from
 * several threads at once, also while one thread commits.  Write calls
 * (add, delete, commit, optimize, refresh, close) must not run
 * concurrently with each other on one handle.  Result objects (kz_results,
 * kz_kwic, kz_counts, kz_doc) are independent of the handle's later
 * commits; each may be used by one thread at a time and must be freed
 * before the corpus is closed.
 *
 * Errors.  Calls return KZ_OK or a negative kz_status.  The message of the
 * last failing call on the calling thread is kz_last_errmsg() (also
 * returned by kz_corpus_errmsg()); it names the file for KZ_ECORRUPT and
 * KZ_EIO, and the position for KZ_EQUERY.  Damaged files give
 * KZ_ECORRUPT, never a crash.
 */
#ifndef KZ_CORPUS_H
#define KZ_CORPUS_H

#include "common.h"
#include "article.h"

KZ_BEGIN_DECLS

typedef struct kz_corpus kz_corpus;

/* ------------------------------------------------------------------ */
/* Opening                                                               */
/* ------------------------------------------------------------------ */

/* kz_corpus_options.flags */
#define KZ_CORPUS_CREATE 0x0001u    /* create the corpus if it does not exist */
#define KZ_CORPUS_READONLY 0x0002u  /* never write (no writer lock) */
#define KZ_CORPUS_NO_VERIFY 0x0004u /* skip checksum verification of whole
                                       files at open (faster open; damage is
                                       then found only where decoding fails) */

/* The text fields (bit i of a field mask is field i). */
typedef enum kz_field {
  KZ_FIELD_TITLE = 0,
  KZ_FIELD_BODY = 1,
  KZ_FIELD_CAPTION = 2,
  KZ_FIELD_HEADING = 3,
  /* Stored-only values, for kz_doc_field() and kz_results_field(). */
  KZ_FIELD_KEY = 4,
  KZ_FIELD_DATE = 5,     /* "YYYY-MM-DD" or "" */
  KZ_FIELD_SOURCE = 6,
  KZ_FIELD_AUTHOR = 7,   /* several authors are joined by "; " */
  KZ_FIELD_URL = 8,
  KZ_FIELD_LANGUAGE = 9
} kz_field;
#define KZ_FIELD_COUNT 10

#define KZ_CORPUS_OPTIONS_VERSION 1

typedef struct kz_corpus_options {
  unsigned int version;   /* KZ_CORPUS_OPTIONS_VERSION */
  unsigned int flags;     /* KZ_CORPUS_* */
  /* Analyzer, used only when a corpus is created.  analyzer_flags are
   * KZ_TOK_* bits added to the fixed base KZ_TOK_DEFAULT; only
   * KZ_TOK_FOLD_DIACRITICS, KZ_TOK_STEM and KZ_TOK_POSSESSIVE are taken.
   * language: ISO 639-1 code ("en") or NULL (required for KZ_TOK_STEM). */
  unsigned int analyzer_flags;
  const char *language;
  /* Bytes of memory the in-memory segment may use before it is flushed to
   * disk while adding; 0 means 256 MB.  Minimum 1 MB. */
  size_t memory_budget;
  /* BM25 parameters; 0 means the defaults k1 = 1.2, b = 0.75. */
  double bm25_k1;
  double bm25_b;
  /* Per-field weights (BM25F) for title, body, caption, heading; a
   * weight <= 0 means the default: title 2.5, body 1, caption 0.8,
   * heading 1.5. */
  double field_weight[4];
} kz_corpus_options;

#define KZ_CORPUS_OPTIONS_INIT \
  { KZ_CORPUS_OPTIONS_VERSION, 0, 0, NULL, 0, 0, 0, { 0, 0, 0, 0 } }

/* Fill *opts with the defaults of `version`.  Returns KZ_OK, KZ_EINVAL or
 * KZ_EVERSION. */
KZ_API int kz_corpus_options_init(kz_corpus_options *opts,
                                  unsigned int version);

/*
 * Open the corpus in directory `path` (created, with its parent required
 * to exist, when opts->flags has KZ_CORPUS_CREATE).  opts may be NULL: open
 * an existing corpus for reading and writing with default settings.  On
 * success *out is a new handle owned by the caller (kz_corpus_close()).
 *
 * Returns KZ_OK; KZ_ENOTFOUND (no corpus there and no KZ_CORPUS_CREATE);
 * KZ_EBUSY (creating while another writer holds the lock); KZ_ECORRUPT (a
 * damaged MANIFEST, segment or deletion file; the message names it);
 * KZ_EVERSION (options or a file of an unknown version); KZ_EINVAL;
 * KZ_EIO; KZ_ENOMEM.
 */
KZ_API int kz_corpus_open(kz_corpus **out, const char *path,
                          const kz_corpus_options *opts);

/* Close the handle: uncommitted changes are discarded (their temporary
 * files removed), the writer lock released.  NULL is fine. */
KZ_API void kz_corpus_close(kz_corpus *c);

/* The message of the last failing libkz call on this thread ("" if none).
 * Owned by libkz; valid until the next libkz call on this thread.  c may be
 * NULL. */
KZ_API const char *kz_corpus_errmsg(const kz_corpus *c);

/* The analyzer settings stored in the corpus: *flags gets the KZ_TOK_* bits
 * used for indexing, and the language code (or "") is returned (borrowed
 * from c). */
KZ_API const char *kz_corpus_analyzer(const kz_corpus *c, unsigned int *flags);

/* ------------------------------------------------------------------ */
/* Adding and deleting                                                   */
/* ------------------------------------------------------------------ */

#define KZ_DOC_META_VERSION 1

/* Metadata of a document added from a buffer.  Strings are NUL-terminated
 * UTF-8, borrowed for the duration of the call; NULL means none. */
typedef struct kz_doc_meta {
  unsigned int version; /* KZ_DOC_META_VERSION */
  const char *title;
  const char *date;     /* "YYYY-MM-DD", optionally followed by a time;
                           also YYYYMMDD, Unix time (seconds or ms, UTC),
                           YYYY/MM/DD, and dates as pages write them
                           ("Wed, 05 Jan 2022 10:00:00 GMT", "January 5,
                           2022", "5 января 2022", "05.01.2022": day
                           first).  Anything else (05/01/2022: which comes
                           first?) leaves the document undated. */
  const char *source;
  const char *author;   /* several authors separated by ';' */
  const char *url;
  const char *language; /* ISO 639-1 code */
  const char *caption;  /* photo captions, indexed as field caption */
  const char *heading;  /* section headings, indexed as field heading */
} kz_doc_meta;

#define KZ_DOC_META_INIT \
  { KZ_DOC_META_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL }

/*
 * Add (or replace) the document `key` with body text[0..len) and the
 * metadata *meta (may be NULL).  The key is any non-empty byte string of
 * at most 4096 bytes.  Invalid UTF-8 is repaired as the tokenizer does.
 * Returns KZ_OK, KZ_EBUSY (another writer holds the lock), KZ_EINVAL,
 * KZ_ELIMIT (key or text over 1 GB), KZ_EIO (flushing to disk failed),
 * KZ_ENOMEM.
 */
KZ_API int kz_corpus_add_text(kz_corpus *c, const char *key, size_t key_len,
                              const char *text, size_t len,
                              const kz_doc_meta *meta);

/* Progress callback for long adds: `done` and `total` are bytes of input
 * read so far and in all (total 0 when unknown), `docs` the documents
 * added so far.  Return 0 to go on; nonzero stops the add, which returns
 * that value (documents added before stay pending). */
typedef int (*kz_progress_cb)(uint64_t done, uint64_t total, uint64_t docs,
                              void *payload);

/* kz_corpus_add_jsonl() flags */
#define KZ_JSONL_STRICT 0x0001u /* stop at the first bad line (KZ_EFORMAT)
                                   instead of skipping it */

/*
 * Add every line of the JSON Lines file `path` ("-" is not special; a
 * gzip-compressed file, one member or several, and a zstd-compressed one,
 * one frame or several, are read as they are, and a file compressed with
 * xz, bzip2 or zip is KZ_EFORMAT saying how to decompress it; a damaged or
 * truncated stream is KZ_EFORMAT after the lines before the damage): one
 * object per line with "id" (string or number; the key), "title", "text"
 * (the body), and optional "date" (a string in the forms kz_doc_meta.date
 * takes, or a number: YYYYMMDD or Unix time), "source" (a string, or an
 * object whose "name" is taken, as NewsAPI writes it), "author" (a string,
 * such an object, or an array of them, joined with "; "), "url",
 * "language" (or "lang"), "caption", "heading".  Without
 * an id the url is the key.  Other tools' names are read too, as strings,
 * when libkz's own name is absent: "maintext", "content", "body" (text);
 * "headline"; "date_publish", "published", "publishedAt", "published_at",
 * "publish_date", "pubDate"; "source_domain", "domain", "publication",
 * "outlet"; "link" (url): news-please's, NewsAPI's and CC-News's output
 * read as it is.  Unknown
 * members are ignored; blank lines and a UTF-8 byte order mark before the
 * first line are skipped.  A line that is not such an
 * object or that a corpus cannot take (bad JSON, no id, no text, an empty id
 * or one over 4096 bytes, a field over 1 GB) is skipped, counted in
 * *skipped (may be NULL), and the first such line's number and problem is
 * kept as the message; with KZ_JSONL_STRICT it stops the add with
 * KZ_EFORMAT naming the line.  Any other error stops the add, with a
 * message naming the file and line; the documents before it stay pending.
 * progress may be NULL.
 * Returns KZ_OK, KZ_ENOTFOUND, KZ_EIO, KZ_EFORMAT, KZ_EBUSY, KZ_ENOMEM or
 * the callback's value.
 */
KZ_API int kz_corpus_add_jsonl(kz_corpus *c, const char *path,
                               unsigned int flags, uint64_t *skipped,
                               kz_progress_cb progress, void *payload);

/* Parse the raw article file at `path` with the article parser and add it
 * under the key `path` (as given).  Title, date, source, authors and
 * language come from the parser; captions and headings become the caption
 * and heading fields.  Returns like kz_corpus_add_text(), plus KZ_ENOTFOUND
 * and KZ_EIO for the file. */
KZ_API int kz_corpus_add_file(kz_corpus *c, const char *path);

/*
 * Add an article the caller parsed (kz_article_parse()) under the key
 * key[0..key_len), taking its fields as kz_corpus_add_file() does.  meta
 * (may be NULL) overrides them: each non-NULL member replaces the parsed
 * value ("" clears it); its url is the only way to give a URL.  a stays
 * the caller's.  Returns like kz_corpus_add_text(), plus KZ_EVERSION for an
 * unknown meta->version.
 */
KZ_API int kz_corpus_add_article(kz_corpus *c, const char *key, size_t key_len,
                                 const kz_article *a, const kz_doc_meta *meta);

/* kz_corpus_add_file() with a key of the caller's (key NULL: the path as
 * given) and metadata overriding the parsed values as in
 * kz_corpus_add_article() (meta may be NULL). */
KZ_API int kz_corpus_add_file_v2(kz_corpus *c, const char *path, const char *key,
                                 size_t key_len, const kz_doc_meta *meta);

/* Add every regular file under directory `path`, recursively (names
 * starting with '.' are skipped), in sorted order, each as
 * kz_corpus_add_file() does, keyed "path/relative/name" with `path`
 * normalized first (repeated '/' collapsed, a trailing '/' dropped, so
 * "dir/" and "dir" give the same keys).  Files that cannot be read or are
 * not text (kz_article_parse_file()'s KZ_EFORMAT: images, PDFs, archives)
 * are skipped and counted in *failed (may be NULL); the message then says
 * how many and why the first was skipped, while KZ_OK is returned.
 * Symbolic links are followed, but each directory and each file is
 * reached once: one reached again (through a symbolic or hard link, or a
 * link back to an ancestor) is passed over, so it is added under the
 * first path in the walk's order.  Directories more than 64 levels below
 * `path` are skipped and counted in *failed.
 * progress may be NULL; when given, the directory is walked once first
 * to sum the file sizes, reported as `total`. */
KZ_API int kz_corpus_add_dir(kz_corpus *c, const char *path, uint64_t *failed,
                             kz_progress_cb progress, void *payload);

/* Delete the document `key`.  Returns KZ_OK, KZ_ENOTFOUND (no such key in
 * the committed corpus or the pending changes), KZ_EBUSY, KZ_ENOMEM. */
KZ_API int kz_corpus_delete(kz_corpus *c, const char *key, size_t key_len);

/* Make the pending changes durable and visible, atomically.  May merge
 * small segments afterwards.  Returns KZ_OK, KZ_EBUSY, KZ_EIO, KZ_ENOMEM;
 * on failure the last committed state is unchanged. */
KZ_API int kz_corpus_commit(kz_corpus *c);

/* Commit, then merge every segment into one and drop deleted documents. */
KZ_API int kz_corpus_optimize(kz_corpus *c);

/* Move a reading handle to the newest committed generation (a no-op when
 * it is current).  Pending changes of this handle are kept. */
KZ_API int kz_corpus_refresh(kz_corpus *c);

/* Documents in the handle's snapshot (committed, not deleted). */
KZ_API uint64_t kz_corpus_count_docs(kz_corpus *c);

/* Statistics of the snapshot. */
typedef struct kz_corpus_stats {
  uint64_t generation;   /* of the MANIFEST */
  uint64_t docs;         /* live documents */
  uint64_t deleted;      /* deleted but not yet merged away */
  uint64_t segments;
  uint64_t terms;        /* dictionary entries summed over segments */
  uint64_t tokens;       /* indexed tokens in all text fields */
  uint64_t bytes_postings; /* term dictionary and postings */
  uint64_t bytes_store;  /* document store, keys and columns */
  uint64_t bytes_total;  /* every file of the generation */
} kz_corpus_stats;

/* Fill *out with the statistics of the handle's snapshot.  A search-side
 * call: safe on one handle from several threads, also while another thread
 * commits (the snapshot is reference-counted).  Returns KZ_OK or
 * KZ_EINVAL. */
KZ_API int kz_corpus_stats_get(kz_corpus *c, kz_corpus_stats *out);

/* ------------------------------------------------------------------ */
/* The alias table of entity:                                           */
/* ------------------------------------------------------------------ */

/*
 * Hand-made rules for the query operator entity:NAME (kz/query.h), kept
 * in the corpus directory (file ALIASES, checksummed, replaced atomically;
 * not part of the commit protocol: an edit is durable when the call
 * returns).  The rules have the text form of kz_entities_alias_save()
 * (kz/analysis.h), one a line, "merge\tA\tB" or "split\tA\tB":
 *   merge  entity:A also matches every spelling of B, and the reverse
 *          (transitively);
 *   split  entity:A leaves out the one-word spelling B even though it has
 *          A's phonetic key (and the reverse).
 * Editing takes the writer lock like kz_corpus_add_text().  Returns KZ_OK,
 * KZ_EINVAL, KZ_EFORMAT (kz_corpus_alias_load(): a malformed line, named
 * in the message; nothing is changed), KZ_EBUSY, KZ_ECORRUPT (a damaged
 * ALIASES file), KZ_EIO, KZ_ENOMEM.
 */
KZ_API int kz_corpus_alias_merge(kz_corpus *c, const char *a, const char *b);
KZ_API int kz_corpus_alias_split(kz_corpus *c, const char *a, const char *b);
/* Remove every rule. */
KZ_API int kz_corpus_alias_clear(kz_corpus *c);
/* Add the rules of text[0..len) (the kz_entities_alias_save() form). */
KZ_API int kz_corpus_alias_load(kz_corpus *c, const char *text, size_t len);
/* The rules as text into *out (owned by the caller: kz_buf_dispose());
 * "" when there are none.  A read-side call. */
KZ_API int kz_corpus_aliases(kz_corpus *c, kz_buf *out);

/* ------------------------------------------------------------------ */
/* Stored documents                                                      */
/* ------------------------------------------------------------------ */

typedef struct kz_doc kz_doc;

/* Look up the document `key` in the snapshot.  *out (free with
 * kz_doc_free()) holds its stored fields.  Returns KZ_OK, KZ_ENOTFOUND,
 * KZ_ECORRUPT, KZ_ENOMEM. */
KZ_API int kz_corpus_doc(kz_doc **out, kz_corpus *c, const char *key,
                         size_t key_len);

/* A stored field (a kz_field): NUL-terminated, borrowed from d; "" when the
 * document has none.  *len (may be NULL) gets its length. */
KZ_API const char *kz_doc_field(const kz_doc *d, int field, size_t *len);

KZ_API void kz_doc_free(kz_doc *d);

/* The stored document d as an article (free it with kz_article_free()),
 * for what takes one (kz_article_analyze(), kz_article_to_json(), ...):
 * its title, date, source, authors (the stored author split at "; "),
 * language (when none is stored, told from the body as the parser does),
 * and blocks: the title (a heading), then the body's paragraphs (pieces
 * between blank lines), headings and captions in the order of the page
 * they were parsed from (a document added from a page or a kz_article
 * keeps that order; for others, and for corpora written before libkz
 * kept it, the headings and the captions come after the paragraphs).
 * kz_article_body() is the stored body byte for byte, so offsets into it
 * (kz_results_body_highlight(), the analyses') agree; paragraph block
 * spans are offsets into the body, the other blocks' spans are empty.
 * Returns KZ_OK, KZ_EINVAL, KZ_ENOMEM. */
KZ_API int kz_doc_article(kz_article **out, const kz_doc *d);

KZ_END_DECLS

#endif /* KZ_CORPUS_H */
