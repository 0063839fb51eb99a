/*
 * corpus_analysis.c - the per-article extractors (quotes, numbers,
 * mentions; kz/analysis.h) run over the documents of a corpus filter.
 *
 * A document added from a file keeps the file's path as its key.  When
 * that file still exists and parses to the body the corpus stored, the
 * parsed article is analyzed: it has the structure (headline, headings that
 * open interview sections) the stored text has lost.  Otherwise the stored
 * body is analyzed as plain text in the stored language, and for entities
 * the stored title's mentions are added as well.  Either way, offsets are
 * offsets into the stored body.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "stats_int.h"

typedef int (*doc_fn)(void *payload, const kz_doc *doc, const kz_analysis *r, int parsed);

/* The article parsed from the file named by the key, when it gives the
 * stored body; else NULL. */
static kz_article *reparse(const kz_doc *d) {
  size_t kl = 0, bl = 0;
  const char *key = kz_doc_field(d, KZ_FIELD_KEY, &kl);
  const char *body = kz_doc_field(d, KZ_FIELD_BODY, &bl);
  struct stat st;
  kz_article *a = NULL;
  const char *ab;
  if (!key || kl == 0 || strlen(key) != kl) return NULL;
  if (stat(key, &st) != 0 || !S_ISREG(st.st_mode)) return NULL;
  if (kz_article_parse_file(&a, key, NULL) != KZ_OK) return NULL;
  ab = kz_article_body(a);
  if (!ab || strlen(ab) != bl || memcmp(ab, body, bl) != 0) {
    kz_article_free(a);
    return NULL;
  }
  return a;
}

static int each_doc(kz_corpus *c, const char *filter, size_t len, unsigned flags, doc_fn fn,
                    void *payload) {
  kzs_keys keys = {0};
  unsigned which = flags & KZ_ANALYZE_ALL;
  int rc;
  if (!which) which = KZ_ANALYZE_ALL;
  rc = kzs_keys_collect(&keys, c, filter, len);
  for (size_t i = 0; i < keys.n && !rc; i++) {
    kz_doc *d = NULL;
    kz_article *a = NULL;
    kz_analysis *r = NULL;
    rc = kz_corpus_doc(&d, c, keys.arena.p + keys.off[i], keys.len[i]);
    if (rc == KZ_ENOTFOUND) { /* deleted since listed */
      rc = KZ_OK;
      continue;
    }
    if (rc) break;
    if (!(flags & KZ_ANALYZE_STORED_ONLY)) a = reparse(d);
    if (a) {
      rc = kz_article_analyze(&r, a, which);
    } else {
      size_t bl = 0;
      const char *body = kz_doc_field(d, KZ_FIELD_BODY, &bl);
      const char *lang = kz_doc_field(d, KZ_FIELD_LANGUAGE, NULL);
      rc = kz_text_analyze(&r, body, bl, lang && lang[0] ? lang : NULL, which);
    }
    if (!rc) rc = fn(payload, d, r, a != NULL);
    kz_analysis_free(r);
    kz_article_free(a);
    kz_doc_free(d);
  }
  kzs_keys_free(&keys);
  return rc;
}

typedef struct pub { kz_doc_analysis_cb cb; void *payload; } pub;

static int pub_fn(void *p, const kz_doc *doc, const kz_analysis *r, int parsed) {
  pub *x = p;
  (void)parsed;
  return x->cb(doc, r, x->payload);
}

int kz_corpus_analyze(kz_corpus *c, const char *filter, size_t len, unsigned int flags,
                      kz_doc_analysis_cb cb, void *payload) {
  pub x = {cb, payload};
  if (!c || !cb || (!filter && len)) return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_analyze: NULL argument");
  if (flags & ~(KZ_ANALYZE_ALL | KZ_ANALYZE_STORED_ONLY))
    return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_analyze: unknown flags 0x%x",
                      flags & ~(KZ_ANALYZE_ALL | KZ_ANALYZE_STORED_ONLY));
  return each_doc(c, filter, len, flags, pub_fn, &x);
}

static int ent_fn(void *p, const kz_doc *doc, const kz_analysis *r, int parsed) {
  kz_entities *es = p;
  const char *src = kz_doc_field(doc, KZ_FIELD_SOURCE, NULL);
  int rc;
  if (!src || !src[0]) src = "unknown";
  rc = kz_entities_add_mentions(es, kz_analysis_mentions(r), src);
  if (!rc && !parsed) {
    size_t tl = 0;
    const char *title = kz_doc_field(doc, KZ_FIELD_TITLE, &tl);
    const char *lang = kz_doc_field(doc, KZ_FIELD_LANGUAGE, NULL);
    if (tl) {
      kz_mentions *m = NULL;
      rc = kz_text_mentions(&m, title, tl, lang && lang[0] ? lang : NULL);
      if (!rc) rc = kz_entities_add_mentions(es, m, src);
      kz_mentions_free(m);
    }
  }
  return rc;
}

int kz_corpus_entities(kz_entities **out, kz_corpus *c, const char *filter, size_t len,
                       unsigned int flags) {
  kz_entities *es = NULL;
  int rc;
  if (!out || !c || (!filter && len)) return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_entities: NULL argument");
  *out = NULL;
  if (flags & ~KZ_ANALYZE_STORED_ONLY)
    return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_entities: unknown flags 0x%x", flags & ~KZ_ANALYZE_STORED_ONLY);
  rc = kz_entities_new(&es);
  if (!rc) rc = each_doc(c, filter, len, KZ_ANALYZE_MENTIONS | flags, ent_fn, es);
  if (!rc) rc = kz_entities_cluster(es);
  if (rc) {
    kz_entities_free(es);
    return rc;
  }
  *out = es;
  return KZ_OK;
}
