/*
 * corpus.c - opening and creating a corpus, snapshots, the analyzer pool,
 * and the add/delete/commit entry points.
 *
 * A snapshot is the set of open (mmap'd) segments of one MANIFEST
 * generation plus their deletion bitmaps; it is reference-counted so that
 * searches running on other threads and result objects keep it alive while
 * a commit installs a newer one.  Opening a snapshot races with writers in
 * other processes that remove files of older generations: when a file the
 * MANIFEST names is missing, the MANIFEST is read again and, if it changed,
 * the open is retried.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "corpus_int.h"

#define DEFAULT_BUDGET ((size_t)256 << 20)

/* ---------------------------------------------------------------------
 * Small helpers: dates, metadata normalization, analyzer flags
 * --------------------------------------------------------------------- */

int32_t kzi_days(int y, int m, int d) {
  int era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int32_t)(era * 146097 + doe - 719468);
}

void kzi_civil(int32_t z0, int *y, int *m, int *d) {
  long z = (long)z0 + 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long yy = yoe + era * 400;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yy + (*m <= 2));
}

static int mdays(int y, int m) {
  static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return md[m - 1];
}

static int digits(const char *s, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

int32_t kzi_parse_date(const char *s, size_t n) {
  int y, m, d;
  if (!s || n < 10 || s[4] != '-' || s[7] != '-') return KZI_NO_DATE;
  if (n > 10 && s[10] != 'T' && s[10] != ' ') return KZI_NO_DATE;
  y = digits(s, 4);
  m = digits(s + 5, 2);
  d = digits(s + 8, 2);
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays(y, m)) return KZI_NO_DATE;
  return kzi_days(y, m, d);
}

/* Two decimal digits of v (< 100) at p. */
static void put2(char *p, unsigned v) {
  p[0] = (char)('0' + v / 10);
  p[1] = (char)('0' + v % 10);
}

/* YYYY-MM-DD (years modulo 10000), or "" for no date.  Written digit by
 * digit: every added document's date goes through here, and snprintf()
 * took 1.5% of indexing. */
void kzi_format_date(int32_t days, char out[11]) {
  int y, m, d;
  unsigned yy;
  if (days == KZI_NO_DATE) {
    out[0] = 0;
    return;
  }
  kzi_civil(days, &y, &m, &d);
  yy = (unsigned)(y % 10000 + 10000) % 10000u;
  put2(out, yy / 100);
  put2(out + 2, yy % 100);
  out[4] = '-';
  put2(out + 5, (unsigned)m % 100u);
  out[7] = '-';
  put2(out + 8, (unsigned)d % 100u);
  out[10] = 0;
}

unsigned kzi_analyzer_flags(unsigned tok_flags, int exact) {
  unsigned f = KZ_TOK_DEFAULT | KZ_TOK_SKIP_PUNCT |
               (tok_flags & (KZ_TOK_FOLD_DIACRITICS | KZ_TOK_STEM | KZ_TOK_POSSESSIVE));
  if (exact) f &= ~KZ_TOK_STEM;
  return f;
}

typedef struct normctx { kzi_buf *out; int rc; } normctx;
static int norm_cb(const kz_token *t, void *p) {
  normctx *nc = p;
  if (t->kind == KZ_TOKEN_PUNCT || t->kind == KZ_TOKEN_SYMBOL) return 0;
  if (nc->out->n && (nc->rc = kzi_buf_append(nc->out, " ", 1))) return nc->rc;
  return nc->rc = kzi_buf_append(nc->out, t->norm, t->norm_len);
}

int kzi_meta_norm(kz_tokenizer *tk, const char *s, size_t n, kzi_buf *out) {
  normctx nc = {out, 0};
  size_t start = out->n;
  int rc;
  out->n = 0; /* norm_cb uses out->n to place separators */
  rc = kz_tokenize(tk, s, n, norm_cb, &nc);
  (void)start;
  return rc ? rc : nc.rc;
}

/* ---------------------------------------------------------------------
 * Snapshots
 * --------------------------------------------------------------------- */

static void snap_free(kzi_snapshot *s) {
  if (!s) return;
  kzi_snap_gsize_free(s);
  kzi_snap_store_free(s);
  pthread_mutex_destroy(&s->gsize_mu);
  pthread_mutex_destroy(&s->store_mu);
  for (int f = 0; f < KZI_NFIELDS; f++) free(s->wnorm[f]);
  for (uint32_t i = 0; i < s->nseg; i++) kzi_segment_close(s->seg[i]);
  free(s->seg);
  free(s);
}

/* The identity of segment file name in c's directory (0 when unknown). */
static int seg_identity(const kz_corpus *c, const char *name, kzi_segfile *f) {
  char path[4200];
  struct stat st;
  kzi_path(path, sizeof path, c->dir, name);
  if (stat(path, &st) != 0) return 0;
  f->dev = (uint64_t)st.st_dev;
  f->ino = (uint64_t)st.st_ino;
  f->size = (uint64_t)st.st_size;
  f->ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec;
  return 1;
}

static int seg_is_checked(kz_corpus *c, const kzi_segfile *f) {
  int found = 0;
  pthread_mutex_lock(&c->mu);
  for (size_t i = 0; i < c->nchecked && !found; i++)
    found = memcmp(&c->checked[i], f, sizeof *f) == 0;
  pthread_mutex_unlock(&c->mu);
  return found;
}

void kzi_corpus_checked(kz_corpus *c, const char *name) {
  kzi_segfile f;
  memset(&f, 0, sizeof f);
  if (sscanf(name, "seg-%16" SCNx64, &f.id) != 1 || !seg_identity(c, name, &f)) return;
  pthread_mutex_lock(&c->mu);
  for (size_t i = 0; i < c->nchecked; i++)
    if (c->checked[i].id == f.id) {
      c->checked[i] = f;
      pthread_mutex_unlock(&c->mu);
      return;
    }
  if (c->nchecked == c->capchecked) {
    size_t ncap = c->capchecked ? c->capchecked * 2 : 16;
    kzi_segfile *n = realloc(c->checked, ncap * sizeof *n);
    if (!n) { /* only an optimization: check it again next time */
      pthread_mutex_unlock(&c->mu);
      return;
    }
    c->checked = n;
    c->capchecked = ncap;
  }
  c->checked[c->nchecked++] = f;
  pthread_mutex_unlock(&c->mu);
}

static int snap_load_once(kz_corpus *c, const kzi_manifest *m, kzi_snapshot **out) {
  kzi_snapshot *s = calloc(1, sizeof *s);
  uint64_t tot[KZI_NFIELDS] = {0};
  int rc = KZ_OK;
  *out = NULL;
  if (!s) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  if (pthread_mutex_init(&s->gsize_mu, NULL)) {
    free(s);
    return kzi_seterr(NULL, KZ_ENOMEM, "cannot create a mutex");
  }
  if (pthread_mutex_init(&s->store_mu, NULL)) {
    pthread_mutex_destroy(&s->gsize_mu);
    free(s);
    return kzi_seterr(NULL, KZ_ENOMEM, "cannot create a mutex");
  }
  s->generation = m->generation;
  s->seg = calloc(m->nseg ? m->nseg : 1, sizeof *s->seg);
  if (!s->seg) {
    snap_free(s);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  for (uint32_t i = 0; i < m->nseg && !rc; i++) {
    char name[64];
    kzi_segment *seg;
    kzi_segfile f;
    int verify = !(c->flags & KZ_CORPUS_NO_VERIFY);
    kzi_seg_name(name, sizeof name, m->seg[i].id);
    memset(&f, 0, sizeof f);
    f.id = m->seg[i].id;
    if (verify && seg_identity(c, name, &f) && seg_is_checked(c, &f)) verify = 0;
    rc = kzi_segment_open(&seg, c->dir, name, m->seg[i].id, verify);
    if (rc) break;
    if (verify) kzi_corpus_checked(c, name);
    s->seg[s->nseg++] = seg;
    if (seg->ndocs != m->seg[i].ndocs) {
      rc = kzi_corrupt(name, "document count differs from the MANIFEST");
      break;
    }
    if (m->seg[i].delgen) {
      rc = kzi_segment_load_deletes(seg, c->dir, m->seg[i].delgen);
      if (!rc && seg->ndel != m->seg[i].ndel) {
        char dn[64];
        kzi_del_name(dn, sizeof dn, seg->id, m->seg[i].delgen);
        rc = kzi_corrupt(dn, "deleted count differs from the MANIFEST");
      }
    }
    if (rc) break;
    s->ndocs += seg->ndocs - seg->ndel;
    s->ndel += seg->ndel;
    s->total_docs += seg->ndocs;
    for (int f = 0; f < KZI_NFIELDS; f++) tot[f] += seg->total_len[f];
  }
  if (rc) {
    snap_free(s);
    return rc;
  }
  for (int f = 0; f < KZI_NFIELDS; f++)
    s->avglen[f] = s->total_docs ? (double)tot[f] / (double)s->total_docs : 0;
  if (s->avglen[1] <= 0) s->avglen[1] = 1;
  s->norm_a = 1 - c->b;
  for (int f = 0; f < KZI_NFIELDS; f++) {
    s->norm_c[f] = c->b / (s->avglen[f] > 0 ? s->avglen[f] : 1);
    s->wnorm[f] = malloc(KZI_WNORM * sizeof *s->wnorm[f]);
    if (!s->wnorm[f]) {
      snap_free(s);
      return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    }
    for (uint32_t l = 0; l < KZI_WNORM; l++) s->wnorm[f][l] = kzi_wnorm_calc(c, s, (unsigned)f, l);
  }
  s->refs = 1;
  *out = s;
  return KZ_OK;
}

/* Load the newest generation; *man (may be NULL) gets its manifest. */
static int snap_load(kz_corpus *c, kzi_snapshot **out, kzi_manifest *man) {
  for (int attempt = 0;; attempt++) {
    kzi_manifest m, m2;
    int rc = kzi_manifest_read(&m, c->dir);
    if (rc) return rc;
    rc = snap_load_once(c, &m, out);
    if (rc == KZ_ENOTFOUND) {
      /* a writer may have replaced the generation meanwhile */
      char msg[512];
      snprintf(msg, sizeof msg, "%s", kz_last_errmsg());
      if (kzi_manifest_read(&m2, c->dir) == KZ_OK) {
        int changed = m2.generation != m.generation;
        kzi_manifest_free(&m2);
        if (changed && attempt < 100) {
          kzi_manifest_free(&m);
          continue;
        }
      }
      kzi_manifest_free(&m);
      return kzi_seterr(NULL, KZ_ECORRUPT, "corrupt corpus: %s", msg);
    }
    if (rc == KZ_OK && man) *man = m;
    else kzi_manifest_free(&m);
    return rc;
  }
}

kzi_snapshot *kzi_snap_acquire(kz_corpus *c) {
  kzi_snapshot *s;
  pthread_mutex_lock(&c->mu);
  s = c->snap;
  s->refs++;
  pthread_mutex_unlock(&c->mu);
  return s;
}

void kzi_snap_release(kz_corpus *c, kzi_snapshot *s) {
  int last;
  if (!s) return;
  pthread_mutex_lock(&c->mu);
  last = --s->refs == 0;
  pthread_mutex_unlock(&c->mu);
  if (last) snap_free(s);
}

static void snap_install(kz_corpus *c, kzi_snapshot *s) {
  kzi_snapshot *old;
  pthread_mutex_lock(&c->mu);
  old = c->snap;
  c->snap = s;
  pthread_mutex_unlock(&c->mu);
  if (old) kzi_snap_release(c, old);
}

/* ---------------------------------------------------------------------
 * Analyzer pool
 * --------------------------------------------------------------------- */

int kzi_tok_get(kz_corpus *c, int exact, kz_tokenizer **out) {
  kz_tokenizer_options o = KZ_TOKENIZER_OPTIONS_INIT;
  pthread_mutex_lock(&c->mu);
  if (exact ? c->nxpool : c->npool) {
    *out = exact ? c->xpool[--c->nxpool] : c->pool[--c->npool];
    pthread_mutex_unlock(&c->mu);
    return KZ_OK;
  }
  pthread_mutex_unlock(&c->mu);
  o.flags = kzi_analyzer_flags(c->tok_flags, exact);
  o.language = c->lang[0] ? c->lang : NULL;
  return kz_tokenizer_new(out, &o);
}

void kzi_tok_put(kz_corpus *c, int exact, kz_tokenizer *tk) {
  kz_tokenizer ***pool = exact ? &c->xpool : &c->pool;
  size_t *n = exact ? &c->nxpool : &c->npool, *cap = exact ? &c->capxpool : &c->cappool;
  if (!tk) return;
  pthread_mutex_lock(&c->mu);
  if (*n == *cap && *cap < 64) {
    size_t nc = *cap ? *cap * 2 : 4;
    kz_tokenizer **np = realloc(*pool, nc * sizeof *np);
    if (np) {
      *pool = np;
      *cap = nc;
    }
  }
  if (*n < *cap) {
    (*pool)[(*n)++] = tk;
    tk = NULL;
  }
  pthread_mutex_unlock(&c->mu);
  kz_tokenizer_free(tk);
}

/* ---------------------------------------------------------------------
 * Open / close
 * --------------------------------------------------------------------- */

int kz_corpus_options_init(kz_corpus_options *opts, unsigned int version) {
  static const kz_corpus_options init = KZ_CORPUS_OPTIONS_INIT;
  if (!opts) return kzi_seterr(NULL, KZ_EINVAL, "options is NULL");
  if (version != KZ_CORPUS_OPTIONS_VERSION)
    return kzi_seterr(NULL, KZ_EVERSION, "unknown kz_corpus_options version %u", version);
  *opts = init;
  return KZ_OK;
}

static int create_corpus(kz_corpus *c) {
  kzi_manifest m;
  char path[4200];
  struct stat st;
  int rc;
  if (mkdir(c->dir, 0755) != 0 && errno != EEXIST)
    return kzi_seterr(NULL, errno == ENOENT ? KZ_ENOTFOUND : KZ_EIO,
                      "cannot create corpus directory %s: %s", c->dir, strerror(errno));
  rc = kzi_lock_writer(c->dir, &c->lock_fd);
  if (rc) return rc;
  kzi_path(path, sizeof path, c->dir, "MANIFEST");
  if (stat(path, &st) == 0) return KZ_OK; /* created meanwhile: open it */
  memset(&m, 0, sizeof m);
  m.generation = 1;
  m.next_id = 1;
  m.tok_flags = c->tok_flags;
  snprintf(m.lang, sizeof m.lang, "%s", c->lang);
  return kzi_manifest_write(&m, c->dir);
}

int kz_corpus_open(kz_corpus **out, const char *path, const kz_corpus_options *opts) {
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *c;
  char mpath[4200];
  struct stat st;
  int rc;
  kzi_clearerr(NULL);
  if (!out || !path || !*path) return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_open: NULL argument");
  *out = NULL;
  if (opts) {
    if (opts->version != KZ_CORPUS_OPTIONS_VERSION)
      return kzi_seterr(NULL, KZ_EVERSION, "unknown kz_corpus_options version %u", opts->version);
    o = *opts;
  }
  if (strlen(path) > 3900) return kzi_seterr(NULL, KZ_EINVAL, "corpus path too long");
  if ((o.analyzer_flags & KZ_TOK_STEM) && (!o.language || !*o.language))
    return kzi_seterr(NULL, KZ_EINVAL, "stemming needs a language");
  c = calloc(1, sizeof *c);
  if (!c) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  c->lock_fd = -1;
  pthread_mutex_init(&c->mu, NULL);
  c->dir = strdup(path);
  c->flags = o.flags;
  c->k1 = o.bm25_k1 > 0 ? o.bm25_k1 : 1.2;
  c->b = o.bm25_b > 0 ? (o.bm25_b > 1 ? 1 : o.bm25_b) : 0.75;
  {
    static const double dw[4] = {2.5, 1.0, 0.8, 1.5};
    for (int f = 0; f < 4; f++) c->weight[f] = o.field_weight[f] > 0 ? o.field_weight[f] : dw[f];
  }
  c->budget = o.memory_budget ? o.memory_budget : DEFAULT_BUDGET;
  if (c->budget < ((size_t)1 << 20)) c->budget = (size_t)1 << 20;
  c->tok_flags = kzi_analyzer_flags(o.analyzer_flags, 0);
  if (o.language) snprintf(c->lang, sizeof c->lang, "%s", o.language);
  if (!c->dir) {
    kz_corpus_close(c);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  kzi_path(mpath, sizeof mpath, path, "MANIFEST");
  if (stat(mpath, &st) != 0) {
    if (!(o.flags & KZ_CORPUS_CREATE) || (o.flags & KZ_CORPUS_READONLY)) {
      kz_corpus_close(c);
      return kzi_seterr(NULL, KZ_ENOTFOUND, "%s is not a corpus (no MANIFEST)", path);
    }
    /* check the analyzer before creating anything */
    {
      kz_tokenizer *tk;
      rc = kzi_tok_get(c, 0, &tk);
      if (rc) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", kz_last_errmsg());
        kz_corpus_close(c);
        return kzi_seterr(NULL, rc, "bad analyzer settings: %s", msg);
      }
      kzi_tok_put(c, 0, tk);
    }
    rc = create_corpus(c);
    if (rc) {
      kz_corpus_close(c);
      return rc;
    }
  }
  rc = snap_load(c, &c->snap, &c->man);
  if (rc) {
    kz_corpus_close(c);
    return rc;
  }
  /* the stored analyzer wins */
  c->tok_flags = c->man.tok_flags;
  memcpy(c->lang, c->man.lang, sizeof c->lang);
  for (size_t i = 0; i < c->npool; i++) kz_tokenizer_free(c->pool[i]);
  c->npool = 0;
  {
    kz_tokenizer *tk;
    rc = kzi_tok_get(c, 0, &tk);
    if (rc) {
      kz_corpus_close(c);
      return kzi_seterr(NULL, KZ_ECORRUPT, "MANIFEST: stored analyzer cannot be built");
    }
    kzi_tok_put(c, 0, tk);
  }
  *out = c;
  return KZ_OK;
}

void kz_corpus_close(kz_corpus *c) {
  if (!c) return;
  kzi_writer_free(c->w);
  c->w = NULL;
  if (c->snap) kzi_snap_release(c, c->snap);
  for (size_t i = 0; i < c->npool; i++) kz_tokenizer_free(c->pool[i]);
  for (size_t i = 0; i < c->nxpool; i++) kz_tokenizer_free(c->xpool[i]);
  free(c->pool);
  free(c->xpool);
  kzi_manifest_free(&c->man);
  kzi_unlock(c->lock_fd);
  pthread_mutex_destroy(&c->mu);
  free(c->checked);
  free(c->dir);
  free(c);
}

const char *kz_corpus_errmsg(const kz_corpus *c) {
  (void)c;
  return kz_last_errmsg();
}

const char *kz_corpus_analyzer(const kz_corpus *c, unsigned int *flags) {
  if (!c) return "";
  if (flags) *flags = c->tok_flags;
  return c->lang;
}

int kz_corpus_refresh(kz_corpus *c) {
  kzi_snapshot *s;
  kzi_manifest m;
  int rc;
  if (!c) return kzi_seterr(NULL, KZ_EINVAL, "corpus is NULL");
  rc = kzi_manifest_read(&m, c->dir);
  if (rc) return rc;
  if (m.generation == c->snap->generation) {
    kzi_manifest_free(&m);
    return KZ_OK;
  }
  kzi_manifest_free(&m);
  rc = snap_load(c, &s, &m);
  if (rc) return rc;
  if (c->lock_fd < 0) {
    kzi_manifest_free(&c->man);
    c->man = m;
  } else {
    kzi_manifest_free(&m);
  }
  snap_install(c, s);
  return KZ_OK;
}

/* Take the writer lock and set up the writer on first use. */
static int writer(kz_corpus *c) {
  int rc;
  if (c->flags & KZ_CORPUS_READONLY)
    return kzi_seterr(NULL, KZ_EINVAL, "corpus %s was opened read-only", c->dir);
  if (c->lock_fd < 0) {
    kzi_manifest m;
    kzi_snapshot *s;
    rc = kzi_lock_writer(c->dir, &c->lock_fd);
    if (rc) return rc;
    rc = snap_load(c, &s, &m);
    if (rc) {
      kzi_unlock(c->lock_fd);
      c->lock_fd = -1;
      return rc;
    }
    kzi_manifest_free(&c->man);
    c->man = m;
    snap_install(c, s);
  }
  if (!c->w) {
    rc = kzi_writer_new(&c->w, c);
    if (rc) return rc;
    rc = kzi_writer_attach(c->w);
    if (rc) {
      kzi_writer_free(c->w);
      c->w = NULL;
      return rc;
    }
  }
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * Adding
 * --------------------------------------------------------------------- */

static void set_field(kzi_stored *st, int f, const char *s) {
  st->f[f] = s ? s : "";
  st->n[f] = s ? strlen(s) : 0;
}

/* Can a corpus take the document at all?  KZ_OK, or KZ_EINVAL / KZ_ELIMIT
 * with the reason in why[0..cap). */
static int check_stored(const kzi_stored *st, char *why, size_t cap) {
  if (st->n[KZ_FIELD_KEY] == 0 || st->n[KZ_FIELD_KEY] > KZI_MAX_KEY) {
    snprintf(why, cap, "document key must be 1 to %d bytes (it has %zu)", KZI_MAX_KEY,
             st->n[KZ_FIELD_KEY]);
    return KZ_EINVAL;
  }
  for (int i = 0; i < KZ_FIELD_COUNT; i++)
    if (st->n[i] > ((size_t)1 << 30)) {
      snprintf(why, cap, "document field over 1 GB");
      return KZ_ELIMIT;
    }
  return KZ_OK;
}

static int add_stored(kz_corpus *c, kzi_stored *st) {
  char date[11], why[128];
  int32_t d;
  int rc = check_stored(st, why, sizeof why);
  if (rc) return kzi_seterr(NULL, rc, "%s", why);
  d = kzi_meta_date(st->f[KZ_FIELD_DATE], st->n[KZ_FIELD_DATE]);
  kzi_format_date(d, date);
  st->f[KZ_FIELD_DATE] = date;
  st->n[KZ_FIELD_DATE] = strlen(date);
  rc = writer(c);
  if (rc) return rc;
  return kzi_writer_add(c->w, st);
}

int kz_corpus_add_text(kz_corpus *c, const char *key, size_t key_len,
                       const char *text, size_t len, const kz_doc_meta *meta) {
  kzi_stored st;
  kz_doc_meta m = KZ_DOC_META_INIT;
  if (!c || !key || (!text && len)) return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_add_text: NULL argument");
  if (meta) {
    if (meta->version != KZ_DOC_META_VERSION)
      return kzi_seterr(NULL, KZ_EVERSION, "unknown kz_doc_meta version %u", meta->version);
    m = *meta;
  }
  memset(&st, 0, sizeof st);
  st.f[KZ_FIELD_KEY] = key;
  st.n[KZ_FIELD_KEY] = key_len;
  st.f[KZ_FIELD_BODY] = text ? text : "";
  st.n[KZ_FIELD_BODY] = len;
  set_field(&st, KZ_FIELD_TITLE, m.title);
  set_field(&st, KZ_FIELD_DATE, m.date);
  set_field(&st, KZ_FIELD_SOURCE, m.source);
  set_field(&st, KZ_FIELD_AUTHOR, m.author);
  set_field(&st, KZ_FIELD_URL, m.url);
  set_field(&st, KZ_FIELD_LANGUAGE, m.language);
  set_field(&st, KZ_FIELD_CAPTION, m.caption);
  set_field(&st, KZ_FIELD_HEADING, m.heading);
  return add_stored(c, &st);
}

int kz_corpus_delete(kz_corpus *c, const char *key, size_t key_len) {
  int rc;
  if (!c || !key) return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_delete: NULL argument");
  rc = writer(c);
  if (rc) return rc;
  rc = kzi_writer_delete(c->w, key, key_len);
  if (rc == KZ_ENOTFOUND)
    return kzi_seterr(NULL, KZ_ENOTFOUND, "no document with key '%.*s'",
                      (int)(key_len > 200 ? 200 : key_len), key);
  return rc;
}

int kz_corpus_commit(kz_corpus *c) {
  int rc;
  if (!c) return kzi_seterr(NULL, KZ_EINVAL, "corpus is NULL");
  rc = writer(c);
  if (rc) return rc;
  return kzi_writer_commit(c->w, 0);
}

int kz_corpus_optimize(kz_corpus *c) {
  int rc;
  if (!c) return kzi_seterr(NULL, KZ_EINVAL, "corpus is NULL");
  rc = writer(c);
  if (rc) return rc;
  return kzi_writer_commit(c->w, 1);
}

/* JSON Lines */
int kz_corpus_add_jsonl(kz_corpus *c, const char *path, unsigned int flags,
                        uint64_t *skipped, kz_progress_cb progress, void *payload) {
  kzi_lines *f;
  const char *line;
  size_t n;
  uint64_t lineno = 0, docs = 0, bad = 0;
  kzi_buf arena = {0};
  char first_err[400] = "";
  int rc = KZ_OK, rrc;
  if (skipped) *skipped = 0;
  if (!c || !path) return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_add_jsonl: NULL argument");
  rc = writer(c);
  if (rc) return rc;
  rc = kzi_lines_open(&f, path);
  if (rc) return rc;
  while ((rrc = kzi_lines_next(f, &line, &n)) == KZ_OK && line) {
    kzi_stored s;
    char err[300];
    const char *text = line;
    size_t len = n;
    lineno++;
    /* a byte order mark, as tools on Windows write before the first line */
    if (lineno == 1 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
      text += 3;
      len -= 3;
    }
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' ' ||
                   text[len - 1] == '\t'))
      len--;
    if (len == 0) continue;
    arena.n = 0;
    rc = kzi_jsonl_parse_line(text, len, &arena, &s, err, sizeof err);
    if (rc == KZ_ENOMEM) break;
    if (!rc) rc = check_stored(&s, err, sizeof err); /* a line the corpus cannot take */
    if (rc) {
      bad++;
      if (flags & KZ_JSONL_STRICT) {
        rc = kzi_seterr(NULL, KZ_EFORMAT, "%s:%llu: %s", path, (unsigned long long)lineno, err);
        break;
      }
      if (!first_err[0])
        snprintf(first_err, sizeof first_err, "%s:%llu: %s", path, (unsigned long long)lineno, err);
      rc = KZ_OK;
      continue;
    }
    rc = add_stored(c, &s);
    if (rc) {
      char why[512];
      snprintf(why, sizeof why, "%s", kz_last_errmsg());
      rc = kzi_seterr(NULL, rc, "%s:%llu: %s", path, (unsigned long long)lineno, why);
      break;
    }
    docs++;
    if (progress && docs % 256 == 0 &&
        (rc = progress(kzi_lines_done(f), kzi_lines_size(f), docs, payload)))
      break;
  }
  if (!rc && rrc) {
    /* the file could not be read on (its message names it): the lines
     * before stay added */
    char why[512];
    snprintf(why, sizeof why, "%s", kz_last_errmsg());
    rc = kzi_seterr(NULL, rrc, "%s, after line %llu", why, (unsigned long long)lineno);
  }
  if (!rc && progress) rc = progress(kzi_lines_done(f), kzi_lines_size(f), docs, payload);
  kzi_lines_close(f);
  kzi_buf_free(&arena);
  if (skipped) *skipped = bad;
  if (!rc && first_err[0])
    kzi_seterr(NULL, KZ_OK, "skipped %llu bad line(s); first: %s", (unsigned long long)bad, first_err);
  return rc;
}

/* Raw article files, through the article parser. */
#include "kz/article.h"

/* Override st's field f with the meta value v when v is not NULL. */
static void override(kzi_stored *st, int f, const char *v) {
  if (v) set_field(st, f, v);
}

/* Add the parsed article a under key[0..key_len), with meta (may be NULL)
 * overriding the parsed values. */
static int add_parsed(kz_corpus *c, const char *key, size_t key_len, const kz_article *a,
                      const kz_doc_meta *meta) {
  kzi_buf cap = {0}, head = {0}, auth = {0}, lay = {0};
  kzi_stored st;
  int rc;
  if (meta && meta->version != KZ_DOC_META_VERSION)
    return kzi_seterr(NULL, KZ_EVERSION, "unknown kz_doc_meta version %u", meta->version);
  memset(&st, 0, sizeof st);
  st.f[KZ_FIELD_KEY] = key;
  st.n[KZ_FIELD_KEY] = key_len;
  set_field(&st, KZ_FIELD_TITLE, kz_article_title(a));
  set_field(&st, KZ_FIELD_BODY, kz_article_body(a));
  set_field(&st, KZ_FIELD_DATE, kz_article_date(a));
  set_field(&st, KZ_FIELD_SOURCE, kz_article_source(a));
  set_field(&st, KZ_FIELD_URL, NULL);
  {
    const char *l = kz_article_language(a);
    set_field(&st, KZ_FIELD_LANGUAGE, l && strcmp(l, "und") != 0 ? l : NULL);
  }
  /* captions and headings, and where they stood among the paragraphs
   * (no layout when meta replaces them) */
  rc = kzi_layout_fields(a, kz_article_title(a), &cap, &head,
                         meta && (meta->caption || meta->heading) ? NULL : &lay);
  for (size_t i = 0; i < kz_article_author_count(a) && !rc; i++) {
    const char *s = kz_article_author(a, i);
    if (auth.n) rc = kzi_buf_append(&auth, "; ", 2);
    if (!rc && s) rc = kzi_buf_append(&auth, s, strlen(s));
  }
  if (!rc) {
    st.f[KZ_FIELD_CAPTION] = cap.p ? cap.p : "";
    st.n[KZ_FIELD_CAPTION] = cap.n;
    st.f[KZ_FIELD_HEADING] = head.p ? head.p : "";
    st.n[KZ_FIELD_HEADING] = head.n;
    st.f[KZ_FIELD_AUTHOR] = auth.p ? auth.p : "";
    st.n[KZ_FIELD_AUTHOR] = auth.n;
    st.f[KZI_FIELD_LAYOUT] = lay.p ? lay.p : "";
    st.n[KZI_FIELD_LAYOUT] = lay.n;
    if (meta) {
      override(&st, KZ_FIELD_TITLE, meta->title);
      override(&st, KZ_FIELD_DATE, meta->date);
      override(&st, KZ_FIELD_SOURCE, meta->source);
      override(&st, KZ_FIELD_AUTHOR, meta->author);
      override(&st, KZ_FIELD_URL, meta->url);
      override(&st, KZ_FIELD_LANGUAGE, meta->language);
      override(&st, KZ_FIELD_CAPTION, meta->caption);
      override(&st, KZ_FIELD_HEADING, meta->heading);
    }
    rc = add_stored(c, &st);
  } else {
    rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  kzi_buf_free(&cap);
  kzi_buf_free(&head);
  kzi_buf_free(&auth);
  kzi_buf_free(&lay);
  return rc;
}

int kz_corpus_add_article(kz_corpus *c, const char *key, size_t key_len, const kz_article *a,
                          const kz_doc_meta *meta) {
  if (!c || !key || !a) return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_add_article: NULL argument");
  return add_parsed(c, key, key_len, a, meta);
}

int kz_corpus_add_file_v2(kz_corpus *c, const char *path, const char *key, size_t key_len,
                          const kz_doc_meta *meta) {
  kz_article *a = NULL;
  int rc;
  if (!c || !path) return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_add_file: NULL argument");
  if (meta && meta->version != KZ_DOC_META_VERSION)
    return kzi_seterr(NULL, KZ_EVERSION, "unknown kz_doc_meta version %u", meta->version);
  rc = kz_article_parse_file(&a, path, NULL);
  if (rc) return rc;
  if (!key) {
    key = path;
    key_len = strlen(path);
  }
  rc = add_parsed(c, key, key_len, a, meta);
  kz_article_free(a);
  return rc;
}

int kz_corpus_add_file(kz_corpus *c, const char *path) {
  return kz_corpus_add_file_v2(c, path, NULL, 0, NULL);
}

/* The directories and files a walk has reached, by device and inode: a
 * directory reached again through a symbolic link (a link to an ancestor
 * would otherwise be walked until the depth limit, and two such links
 * double the walk at every level) or a file reached again through a
 * symbolic or hard link is passed over.  Open addressing; 0 is empty. */
typedef struct seen_set {
  uint64_t (*e)[2]; /* device + 1, inode */
  size_t n, cap;
} seen_set;

/* Add st's file to the set: 1 when it was new, 0 when already there, -1
 * when out of memory. */
static int seen_add(seen_set *ss, const struct stat *st) {
  uint64_t dev = (uint64_t)st->st_dev + 1, ino = (uint64_t)st->st_ino;
  size_t i;
  if ((ss->n + 1) * 2 > ss->cap) {
    size_t ncap = ss->cap ? ss->cap * 2 : 256;
    uint64_t(*ne)[2] = calloc(ncap, sizeof *ne);
    if (!ne) return -1;
    for (size_t j = 0; j < ss->cap; j++) {
      if (!ss->e[j][0]) continue;
      i = (size_t)(kzi_hash64(ss->e[j], sizeof ss->e[j]) & (ncap - 1));
      while (ne[i][0]) i = (i + 1) & (ncap - 1);
      ne[i][0] = ss->e[j][0];
      ne[i][1] = ss->e[j][1];
    }
    free(ss->e);
    ss->e = ne;
    ss->cap = ncap;
  }
  {
    uint64_t k[2] = {dev, ino};
    i = (size_t)(kzi_hash64(k, sizeof k) & (ss->cap - 1));
  }
  for (; ss->e[i][0]; i = (i + 1) & (ss->cap - 1))
    if (ss->e[i][0] == dev && ss->e[i][1] == ino) return 0;
  ss->e[i][0] = dev;
  ss->e[i][1] = ino;
  ss->n++;
  return 1;
}

static void seen_clear(seen_set *ss) {
  free(ss->e);
  memset(ss, 0, sizeof *ss);
}

#define WALK_MAX_DEPTH 64

typedef struct dirwalk {
  kz_corpus *c;
  uint64_t failed, docs, bytes, total;
  kz_progress_cb progress;
  void *payload;
  int depth;
  int sizing;               /* first pass: only sum the file sizes */
  seen_set seen;            /* directories and files reached so far */
  char first[640];          /* why the first skipped file was skipped */
} dirwalk;

/* Count a skipped file, keeping the reason of the first. */
static void skip_file(dirwalk *dw, const char *path, const char *why) {
  if (!dw->failed++) {
    if (why) snprintf(dw->first, sizeof dw->first, "%s", why);
    else snprintf(dw->first, sizeof dw->first, "%.600s: %s", path, strerror(errno));
  }
}

/* dir + "/" + name, without doubling a '/' that ends dir. */
static void join_path(char *buf, size_t cap, const char *dir, const char *name) {
  size_t n = strlen(dir);
  snprintf(buf, cap, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

static int walk(dirwalk *dw, const char *dir) {
  struct dirent **ents = NULL;
  int n = scandir(dir, &ents, NULL, alphasort), rc = KZ_OK;
  if (n < 0)
    return kzi_seterr(NULL, errno == ENOENT ? KZ_ENOTFOUND : KZ_EIO, "cannot read directory %s: %s",
                      dir, strerror(errno));
  for (int i = 0; i < n; i++) {
    char path[4200];
    struct stat st;
    int fresh;
    if (rc || ents[i]->d_name[0] == '.') {
      free(ents[i]);
      continue;
    }
    join_path(path, sizeof path, dir, ents[i]->d_name);
    free(ents[i]);
    if (stat(path, &st) != 0) {
      if (!dw->sizing) skip_file(dw, path, NULL);
      continue;
    }
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)) continue;
    fresh = seen_add(&dw->seen, &st);
    if (fresh < 0) {
      rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
      continue;
    }
    if (!fresh) continue; /* reached before, through a link */
    if (S_ISDIR(st.st_mode)) {
      if (dw->depth >= WALK_MAX_DEPTH) {
        if (!dw->sizing) {
          char why[640];
          snprintf(why, sizeof why, "%.500s: directory more than %d levels deep", path,
                   WALK_MAX_DEPTH);
          skip_file(dw, path, why);
        }
        continue;
      }
      dw->depth++;
      rc = walk(dw, path);
      dw->depth--;
    } else {
      int r;
      if (dw->sizing) {
        dw->total += (uint64_t)st.st_size;
        continue;
      }
      r = kz_corpus_add_file(dw->c, path);
      if (r == KZ_ENOMEM || r == KZ_EBUSY || (r == KZ_EIO && dw->c->w == NULL)) rc = r;
      else if (r) skip_file(dw, path, kz_last_errmsg());
      else dw->docs++;
      dw->bytes += (uint64_t)st.st_size;
      if (dw->bytes > dw->total) dw->total = dw->bytes;
      if (!rc && !r && dw->progress)
        rc = dw->progress(dw->bytes, dw->total, dw->docs, dw->payload);
    }
  }
  free(ents);
  return rc;
}

/* One pass over root (see walk()). */
static int walk_root(dirwalk *dw, const char *root) {
  struct stat st;
  int rc;
  seen_clear(&dw->seen);
  /* the root itself, so that a link back to it is not walked */
  if (stat(root, &st) == 0 && seen_add(&dw->seen, &st) < 0)
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  rc = walk(dw, root);
  seen_clear(&dw->seen);
  return rc;
}

int kz_corpus_add_dir(kz_corpus *c, const char *path, uint64_t *failed,
                      kz_progress_cb progress, void *payload) {
  dirwalk dw;
  char root[4200];
  size_t n = 0;
  int rc;
  if (failed) *failed = 0;
  if (!c || !path) return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_add_dir: NULL argument");
  if (strlen(path) >= sizeof root - 256)
    return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_add_dir: path too long");
  /* keys are root + "/" + relative path: collapse repeated '/' and drop a
   * trailing one so "dir/" and "dir//" give the keys of "dir" */
  for (const char *p = path; *p; p++)
    if (!(*p == '/' && n && root[n - 1] == '/')) root[n++] = *p;
  while (n > 1 && root[n - 1] == '/') n--;
  root[n] = 0;
  if (!n) return kzi_seterr(NULL, KZ_EINVAL, "kz_corpus_add_dir: empty path");
  rc = writer(c);
  if (rc) return rc;
  memset(&dw, 0, sizeof dw);
  dw.c = c;
  dw.progress = progress;
  dw.payload = payload;
  if (progress) {
    dw.sizing = 1;
    rc = walk_root(&dw, root);
    dw.sizing = 0;
    if (rc) return rc;
  }
  rc = walk_root(&dw, root);
  if (!rc && progress && dw.docs == 0) rc = progress(0, dw.total, 0, payload);
  if (failed) *failed = dw.failed;
  if (!rc && dw.failed)
    kzi_seterr(NULL, KZ_EFORMAT, "%llu file(s) skipped; the first: %s",
               (unsigned long long)dw.failed, dw.first);
  return rc;
}

/* ---------------------------------------------------------------------
 * The alias table (qentity.c stores it; kz_entities_* parse and edit it)
 * --------------------------------------------------------------------- */

#include "kz/analysis.h"

enum { AL_MERGE, AL_SPLIT, AL_CLEAR, AL_LOAD };

static int alias_edit(kz_corpus *c, int op, const char *a, const char *b, const char *text,
                      size_t len) {
  kz_entities *es = NULL;
  kz_buf out = {NULL, 0};
  char *cur = NULL;
  size_t ncur = 0;
  int rc;
  if (!c) return kzi_seterr(NULL, KZ_EINVAL, "corpus is NULL");
  if ((op == AL_MERGE || op == AL_SPLIT) && (!a || !b))
    return kzi_seterr(NULL, KZ_EINVAL, "alias: NULL name");
  if (op == AL_LOAD && !text && len) return kzi_seterr(NULL, KZ_EINVAL, "alias: NULL text");
  rc = writer(c);
  if (rc) return rc;
  rc = kzi_aliases_read(c->dir, &cur, &ncur);
  if (!rc) rc = kz_entities_new(&es);
  if (!rc && op != AL_CLEAR && ncur) rc = kz_entities_alias_load(es, cur, ncur);
  if (!rc) {
    switch (op) {
      case AL_MERGE: rc = kz_entities_alias_merge(es, a, b); break;
      case AL_SPLIT: rc = kz_entities_alias_split(es, a, b); break;
      case AL_LOAD: rc = len ? kz_entities_alias_load(es, text, len) : KZ_OK; break;
      default: break;
    }
  }
  if (!rc) rc = kz_entities_alias_save(es, &out);
  if (!rc) rc = kzi_aliases_write(c->dir, out.ptr ? out.ptr : "", out.len);
  kz_buf_dispose(&out);
  kz_entities_free(es);
  free(cur);
  return rc;
}

int kz_corpus_alias_merge(kz_corpus *c, const char *a, const char *b) {
  return alias_edit(c, AL_MERGE, a, b, NULL, 0);
}

int kz_corpus_alias_split(kz_corpus *c, const char *a, const char *b) {
  return alias_edit(c, AL_SPLIT, a, b, NULL, 0);
}

int kz_corpus_alias_clear(kz_corpus *c) { return alias_edit(c, AL_CLEAR, NULL, NULL, NULL, 0); }

int kz_corpus_alias_load(kz_corpus *c, const char *text, size_t len) {
  return alias_edit(c, AL_LOAD, NULL, NULL, text, len);
}

int kz_corpus_aliases(kz_corpus *c, kz_buf *out) {
  char *cur = NULL;
  size_t n = 0;
  int rc;
  if (!c || !out) return kzi_seterr(NULL, KZ_EINVAL, "NULL argument");
  out->ptr = NULL;
  out->len = 0;
  rc = kzi_aliases_read(c->dir, &cur, &n);
  if (rc) return rc;
  if (!cur) {
    cur = malloc(1);
    if (!cur) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    cur[0] = 0;
  }
  out->ptr = cur;
  out->len = n;
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * Reading documents and statistics
 * --------------------------------------------------------------------- */

uint64_t kz_corpus_count_docs(kz_corpus *c) {
  uint64_t n;
  kzi_snapshot *s;
  if (!c) return 0;
  s = kzi_snap_acquire(c);
  n = s->ndocs;
  kzi_snap_release(c, s);
  return n;
}

int kz_corpus_stats_get(kz_corpus *c, kz_corpus_stats *out) {
  kzi_snapshot *s;
  if (!c || !out) return kzi_seterr(NULL, KZ_EINVAL, "NULL argument");
  memset(out, 0, sizeof *out);
  s = kzi_snap_acquire(c);
  out->generation = s->generation;
  out->docs = s->ndocs;
  out->deleted = s->ndel;
  out->segments = s->nseg;
  for (uint32_t i = 0; i < s->nseg; i++) {
    kzi_segment *g = s->seg[i];
    out->terms += g->nterms;
    for (int f = 0; f < KZI_NFIELDS; f++) out->tokens += g->total_len[f];
    out->bytes_postings += g->dict_len + g->post_len + g->nblocks * 4;
    out->bytes_store += g->store_len + g->cols_len + g->sidx_len + g->keys_len + g->srcs_len +
                        g->koff_len + g->kstr_len;
    out->bytes_total += g->size + (g->del ? 20 + (g->ndocs + 7) / 8 : 0);
  }
  kzi_snap_release(c, s);
  return KZ_OK;
}

struct kz_doc {
  char *f[KZI_STORED_FIELDS]; /* the kz_field values, then the layout */
  size_t n[KZI_STORED_FIELDS];
  char *mem;
};

int kz_corpus_doc(kz_doc **out, kz_corpus *c, const char *key, size_t key_len) {
  kzi_snapshot *s;
  int rc = KZ_ENOTFOUND;
  if (!out || !c || !key) return kzi_seterr(NULL, KZ_EINVAL, "NULL argument");
  *out = NULL;
  s = kzi_snap_acquire(c);
  for (uint32_t i = s->nseg; i-- > 0;) {
    uint32_t d;
    kzi_stored st;
    kz_doc *doc;
    rc = kzi_seg_find_key(s->seg[i], key, key_len, &d); /* live ones only */
    if (rc == KZ_ENOTFOUND) continue;
    if (rc) break;
    doc = calloc(1, sizeof *doc);
    if (!doc) {
      rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
      break;
    }
    /* the fields but the key, through the snapshot's store block cache */
    rc = kzi_snap_record(s, i, d, &st, &doc->mem);
    if (!rc) {
      doc->f[KZ_FIELD_KEY] = malloc(key_len + 1);
      if (!doc->f[KZ_FIELD_KEY]) rc = kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
    }
    if (rc) {
      free(doc->mem);
      free(doc);
      break;
    }
    memcpy(doc->f[KZ_FIELD_KEY], key, key_len);
    doc->f[KZ_FIELD_KEY][key_len] = 0;
    doc->n[KZ_FIELD_KEY] = key_len;
    for (int f = 0; f < KZI_STORED_FIELDS; f++) {
      if (f == KZ_FIELD_KEY) continue;
      doc->f[f] = (char *)st.f[f];
      doc->n[f] = st.n[f];
    }
    *out = doc;
    break;
  }
  kzi_snap_release(c, s);
  if (rc == KZ_ENOTFOUND)
    kzi_seterr(NULL, rc, "no document with key '%.*s'", (int)(key_len > 200 ? 200 : key_len), key);
  return rc;
}

const char *kz_doc_field(const kz_doc *d, int field, size_t *len) {
  if (!d || field < 0 || field >= KZ_FIELD_COUNT) {
    if (len) *len = 0;
    return "";
  }
  if (len) *len = d->n[field];
  return d->f[field];
}

const char *kzi_doc_layout(const kz_doc *d, size_t *len) {
  *len = d->n[KZI_FIELD_LAYOUT];
  return d->f[KZI_FIELD_LAYOUT];
}

void kz_doc_free(kz_doc *d) {
  if (!d) return;
  free(d->f[KZ_FIELD_KEY]);
  free(d->mem);
  free(d);
}
