/*
 * bench_index.cpp - the corpus index against its peers, in one run: libkz,
 * SQLite FTS5 (C API) and Xapian (C++ API).
 *
 *   bench_index [--jsonl PATH] [--workdir DIR] [--reps N] [--min-time S]
 *               [--scale K [--scale-xapian] [--keep]] [--budget MB]
 *               [--no-xapian]
 *
 * Default input: ../shared/data/news/news.jsonl (Reuters-21578; not shipped
 * with libkz; the bench says so and exits 0 when it is absent).
 *
 * Indexing (one thread, each engine built --reps times (default 5), the
 * median shown; libkz add_text and FTS5 are built in turns and their
 * speed-up is the median of the pairs' ratios, which a shared machine's
 * slow spells move much less than a ratio of two separate medians):
 *   libkz   kz_corpus_add_text() per document (title + body) and one
 *           commit, no stemming, diacritics folded; also the end-to-end
 *           kz_corpus_add_jsonl() from the file, and a run with a small
 *           memory budget to show flushing.
 *   FTS5    fts5(title, body, tokenize='unicode61 remove_diacritics 2'),
 *           every INSERT in one transaction (prepared statement).
 *   Xapian  glass, TermGenerator without stemmer (positions on), title and
 *           body in one position space, title + body stored as data;
 *           one commit.  Its compacted size is reported too; index =
 *           postlist + position + termlist tables, store = docdata.
 * MB/s is over the bytes of title + text.  Sizes: libkz postings (term
 * dictionary + postings) and store from kz_corpus_stats_get(), FTS5 index
 * (ft_data + ft_idx) and store (ft_content + ft_docsize) from dbstat,
 * Xapian as a directory.  Each build runs in a child process; its peak RSS
 * is VmHWM after resetting it (/proc/self/clear_refs) just before the
 * build, minus the RSS then, and split into heap (RssAnon) and mapped
 * files (RssFile) by sampling every 5 ms.
 *
 * Queries (hot cache, one thread): a fixed set of common-term, rare-term,
 * phrase, AND, OR and NEAR queries, each run repeatedly; median and p99
 * of the single runs, in two modes:
 *   count   every matching document: kz_corpus_keys(); SELECT rowid ...
 *           MATCH stepped to the end; Xapian BoolWeight get_mset(0, all)
 *   top10   best 10 by BM25: kz_corpus_search(limit 10, TOP_ONLY,
 *           NO_SNIPPETS) reading each key; FTS5 ORDER BY rank LIMIT 10;
 *           Xapian get_mset(0, 10) with BM25Weight (early termination).
 *
 * --scale K builds a corpus K times larger by resampling sentences of the
 * input (deterministic), written as JSON Lines into the workdir (default
 * /tmp), indexes it with libkz (kz_corpus_add_jsonl, default budget) and
 * FTS5 (and Xapian with --scale-xapian), and runs the queries again.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <sqlite3.h>
#include <xapian.h>

#include "kz.h"
#include "kz/corpus.h"
#include "kz/query.h"
extern "C" {
#include "newsdata.h"
}

namespace {

/* ------------------------------------------------------------------ */
/* Utilities                                                            */
/* ------------------------------------------------------------------ */

double clock_s(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
double now() { return clock_s(CLOCK_MONOTONIC); }
/* CPU time of the building thread (libkz, SQLite and Xapian index on the
 * calling thread): what the indexing figures use, so that other load on
 * the machine and the RSS sampler thread do not count. */
double cpu_now() { return clock_s(CLOCK_THREAD_CPUTIME_ID); }
/* The clock of the query latencies: this thread's CPU time by default
 * (--wall: elapsed time). */
bool g_wall = false;
double qclock() { return g_wall ? now() : clock_s(CLOCK_THREAD_CPUTIME_ID); }

[[noreturn]] void die(const char *what, const char *msg) {
  std::fprintf(stderr, "bench_index: %s: %s\n", what, msg);
  std::exit(1);
}

int rm_cb(const char *p, const struct stat *, int, struct FTW *) { return remove(p); }
void rmrf(const std::string &p) { nftw(p.c_str(), rm_cb, 16, FTW_DEPTH | FTW_PHYS); }

uint64_t g_du;
int du_cb(const char *, const struct stat *sb, int flag, struct FTW *) {
  if (flag == FTW_F) g_du += (uint64_t)sb->st_size;
  return 0;
}
uint64_t du(const std::string &p) {
  g_du = 0;
  nftw(p.c_str(), du_cb, 16, FTW_PHYS);
  return g_du;
}

/* kB from /proc/self/status */
long proc_kb(const char *field) {
  FILE *f = std::fopen("/proc/self/status", "r");
  char line[256];
  long v = -1;
  size_t n = std::strlen(field);
  if (!f) return -1;
  while (std::fgets(line, sizeof line, f))
    if (!std::strncmp(line, field, n) && line[n] == ':') v = std::atol(line + n + 1);
  std::fclose(f);
  return v;
}

/* Reset VmHWM to the current RSS; returns the RSS in kB. */
long reset_peak() {
  int fd = open("/proc/self/clear_refs", O_WRONLY);
  if (fd >= 0) {
    if (write(fd, "5", 1) != 1) { /* older kernels: peak not reset */ }
    close(fd);
  }
  return proc_kb("VmRSS");
}

/* Samples RssAnon and RssFile of this process every 5 ms on a thread, so
 * that the peak of heap memory can be told from file pages mapped by the
 * segment readers (which count in VmHWM but are page cache). */
struct RssSampler {
  std::atomic<bool> stop{false};
  long max_anon = 0, max_file = 0, anon0 = 0, file0 = 0;
  std::thread th;
  RssSampler() {
    anon0 = proc_kb("RssAnon");
    file0 = proc_kb("RssFile");
    th = std::thread([this] {
      while (!stop.load()) {
        max_anon = std::max(max_anon, proc_kb("RssAnon"));
        max_file = std::max(max_file, proc_kb("RssFile"));
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
  }
  void finish(long *anon_kb, long *file_kb) {
    stop = true;
    th.join();
    max_anon = std::max(max_anon, proc_kb("RssAnon"));
    max_file = std::max(max_file, proc_kb("RssFile"));
    *anon_kb = max_anon - anon0;
    *file_kb = max_file - file0;
  }
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double pct(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = (size_t)std::ceil(p * (double)v.size()) - 1;
  return v[std::min(i, v.size() - 1)];
}

struct Doc {
  std::string title, text;
};

struct Input {
  std::vector<Doc> docs;
  uint64_t bytes = 0; /* title + text */
};

bool load(Input &in, const char *path) {
  nd_corpus nc;
  if (nd_load(&nc, path) != 0) return false;
  in.docs.resize(nc.count);
  for (size_t i = 0; i < nc.count; i++) {
    if (nc.docs[i].title) in.docs[i].title.assign(nc.docs[i].title, nc.docs[i].title_len);
    if (nc.docs[i].text) in.docs[i].text.assign(nc.docs[i].text, nc.docs[i].text_len);
    in.bytes += nc.docs[i].title_len + nc.docs[i].text_len;
  }
  nd_free(&nc);
  return true;
}

/* ------------------------------------------------------------------ */
/* Index builds                                                         */
/* ------------------------------------------------------------------ */

struct Build {
  double secs = 0; /* elapsed */
  double cpu = 0;  /* CPU time of the process */
  uint64_t total = 0, index = 0, store = 0, compact = 0;
  long peak_kb = 0; /* VmHWM during the build minus RSS before */
  long anon_kb = 0, file_kb = 0; /* sampled peaks of RssAnon / RssFile growth */
  uint64_t segments = 0;
};

kz_corpus *kz_create(const std::string &dir, size_t budget) {
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  kz_corpus *c = nullptr;
  o.flags = KZ_CORPUS_CREATE;
  o.analyzer_flags = KZ_TOK_FOLD_DIACRITICS;
  o.memory_budget = budget;
  if (kz_corpus_open(&c, dir.c_str(), &o) != KZ_OK) die("kz_corpus_open", kz_last_errmsg());
  return c;
}

void kz_sizes(kz_corpus *c, Build &b) {
  kz_corpus_stats st;
  if (kz_corpus_stats_get(c, &st) != KZ_OK) die("kz_corpus_stats_get", kz_last_errmsg());
  b.index = st.bytes_postings;
  b.store = st.bytes_store;
  b.total = st.bytes_total;
  b.segments = st.segments;
}

Build build_kz(const Input &in, const std::string &dir, size_t budget) {
  Build b;
  char key[32];
  rmrf(dir);
  long rss0 = reset_peak();
  RssSampler smp;
  double t0 = now(), c0 = cpu_now();
  kz_corpus *c = kz_create(dir, budget);
  for (size_t i = 0; i < in.docs.size(); i++) {
    kz_doc_meta m = KZ_DOC_META_INIT;
    int n = std::snprintf(key, sizeof key, "r%zu", i);
    m.title = in.docs[i].title.c_str();
    if (kz_corpus_add_text(c, key, (size_t)n, in.docs[i].text.data(), in.docs[i].text.size(),
                           &m) != KZ_OK)
      die("kz_corpus_add_text", kz_last_errmsg());
  }
  if (kz_corpus_commit(c) != KZ_OK) die("kz_corpus_commit", kz_last_errmsg());
  b.secs = now() - t0;
  b.cpu = cpu_now() - c0;
  b.peak_kb = proc_kb("VmHWM") - rss0;
  smp.finish(&b.anon_kb, &b.file_kb);
  kz_sizes(c, b);
  kz_corpus_close(c);
  return b;
}

Build build_kz_jsonl(const char *path, const std::string &dir, size_t budget) {
  Build b;
  uint64_t skipped = 0;
  rmrf(dir);
  long rss0 = reset_peak();
  RssSampler smp;
  double t0 = now(), c0 = cpu_now();
  kz_corpus *c = kz_create(dir, budget);
  if (kz_corpus_add_jsonl(c, path, 0, &skipped, nullptr, nullptr) != KZ_OK)
    die("kz_corpus_add_jsonl", kz_last_errmsg());
  if (kz_corpus_commit(c) != KZ_OK) die("kz_corpus_commit", kz_last_errmsg());
  b.secs = now() - t0;
  b.cpu = cpu_now() - c0;
  b.peak_kb = proc_kb("VmHWM") - rss0;
  smp.finish(&b.anon_kb, &b.file_kb);
  kz_sizes(c, b);
  kz_corpus_close(c);
  return b;
}

void sql(sqlite3 *db, const char *s) {
  char *err = nullptr;
  if (sqlite3_exec(db, s, nullptr, nullptr, &err) != SQLITE_OK) die(s, err);
}

Build build_fts(const Input &in, const std::string &path) {
  Build b;
  sqlite3 *db;
  sqlite3_stmt *st;
  std::remove(path.c_str());
  long rss0 = reset_peak();
  RssSampler smp;
  double t0 = now(), c0 = cpu_now();
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) die("sqlite3_open", path.c_str());
  sql(db, "CREATE VIRTUAL TABLE ft USING fts5(title, body, "
          "tokenize = 'unicode61 remove_diacritics 2')");
  sql(db, "BEGIN");
  if (sqlite3_prepare_v2(db, "INSERT INTO ft(rowid, title, body) VALUES (?1, ?2, ?3)", -1,
                         &st, nullptr) != SQLITE_OK)
    die("prepare", sqlite3_errmsg(db));
  for (size_t i = 0; i < in.docs.size(); i++) {
    sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
    sqlite3_bind_text(st, 2, in.docs[i].title.data(), (int)in.docs[i].title.size(), SQLITE_STATIC);
    sqlite3_bind_text(st, 3, in.docs[i].text.data(), (int)in.docs[i].text.size(), SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) die("insert", sqlite3_errmsg(db));
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  sql(db, "COMMIT");
  b.secs = now() - t0;
  b.cpu = cpu_now() - c0;
  b.peak_kb = proc_kb("VmHWM") - rss0;
  smp.finish(&b.anon_kb, &b.file_kb);
  /* index vs content, by table */
  if (sqlite3_prepare_v2(db, "SELECT name, sum(pgsize) FROM dbstat GROUP BY name", -1, &st,
                         nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string name = (const char *)sqlite3_column_text(st, 0);
      uint64_t sz = (uint64_t)sqlite3_column_int64(st, 1);
      if (name == "ft_data" || name == "ft_idx") b.index += sz;
      else if (name == "ft_content" || name == "ft_docsize") b.store += sz;
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  b.total = du(path);
  return b;
}

void xap_add(Xapian::WritableDatabase &db, Xapian::TermGenerator &tg, const std::string &title,
             const std::string &text) {
  Xapian::Document doc;
  tg.set_document(doc);
  tg.index_text(title);
  tg.increase_termpos();
  tg.index_text(text);
  std::string data;
  data.reserve(title.size() + 1 + text.size());
  data += title;
  data += '\n';
  data += text;
  doc.set_data(data);
  db.add_document(doc);
}

Build build_xapian(const Input &in, const std::string &dir, bool compact) {
  Build b;
  rmrf(dir);
  long rss0 = reset_peak();
  RssSampler smp;
  double t0 = now(), c0 = cpu_now();
  {
    Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator tg; /* no stemmer: no Z terms */
    for (const Doc &d : in.docs) xap_add(db, tg, d.title, d.text);
    db.commit();
  }
  b.secs = now() - t0;
  b.cpu = cpu_now() - c0;
  b.peak_kb = proc_kb("VmHWM") - rss0;
  smp.finish(&b.anon_kb, &b.file_kb);
  b.total = du(dir);
  b.store = du(dir + "/docdata.glass");
  b.index = du(dir + "/postlist.glass") + du(dir + "/position.glass") + du(dir + "/termlist.glass");
  if (compact) {
    std::string cdir = dir + "-compact";
    rmrf(cdir);
    Xapian::Database(dir).compact(cdir);
    b.compact = du(cdir);
    rmrf(cdir);
  }
  return b;
}

/* ------------------------------------------------------------------ */
/* Queries                                                              */
/* ------------------------------------------------------------------ */

enum XOp { X_TERM, X_PHRASE, X_AND, X_OR, X_NEAR };

struct Query {
  const char *cls;
  const char *text; /* libkz and FTS5 (same syntax here) */
  XOp xop;
  std::vector<std::string> terms;
  unsigned near = 0; /* FTS5 NEAR distance (tokens between) */
};

std::vector<Query> query_set() {
  return {
      {"common", "said", X_TERM, {"said"}},
      {"common", "pct", X_TERM, {"pct"}},
      {"common", "year", X_TERM, {"year"}},
      {"common", "mln", X_TERM, {"mln"}},
      {"rare", "temporao", X_TERM, {"temporao"}},
      {"rare", "arroba", X_TERM, {"arroba"}},
      {"rare", "cruzados", X_TERM, {"cruzados"}},
      {"rare", "icco", X_TERM, {"icco"}},
      {"phrase", "\"interest rates\"", X_PHRASE, {"interest", "rates"}},
      {"phrase", "\"united states\"", X_PHRASE, {"united", "states"}},
      {"phrase", "\"stock exchange\"", X_PHRASE, {"stock", "exchange"}},
      {"phrase", "\"crude oil\"", X_PHRASE, {"crude", "oil"}},
      {"and", "dollar AND yen", X_AND, {"dollar", "yen"}},
      {"and", "wheat AND corn", X_AND, {"wheat", "corn"}},
      {"and", "bank AND japan", X_AND, {"bank", "japan"}},
      {"and", "said AND pct", X_AND, {"said", "pct"}},
      {"or", "oil OR gold", X_OR, {"oil", "gold"}},
      {"or", "wheat OR corn", X_OR, {"wheat", "corn"}},
      {"or", "dollar OR yen", X_OR, {"dollar", "yen"}},
      {"or", "said OR year", X_OR, {"said", "year"}},
      {"near", "NEAR(saudi oil, 10)", X_NEAR, {"saudi", "oil"}, 10},
      {"near", "NEAR(interest rates, 5)", X_NEAR, {"interest", "rates"}, 5},
      {"near", "NEAR(trade deficit, 3)", X_NEAR, {"trade", "deficit"}, 3},
      {"near", "NEAR(said pct, 5)", X_NEAR, {"said", "pct"}, 5},
  };
}

Xapian::Query xquery(const Query &q) {
  const auto &t = q.terms;
  switch (q.xop) {
    case X_TERM: return Xapian::Query(t[0]);
    case X_PHRASE: return Xapian::Query(Xapian::Query::OP_PHRASE, t.begin(), t.end(), (Xapian::termcount)t.size());
    case X_AND: return Xapian::Query(Xapian::Query::OP_AND, t.begin(), t.end());
    case X_OR: return Xapian::Query(Xapian::Query::OP_OR, t.begin(), t.end());
    case X_NEAR:
      /* FTS5 "N tokens between" = a window of N + number of terms positions */
      return Xapian::Query(Xapian::Query::OP_NEAR, t.begin(), t.end(),
                           (Xapian::termcount)(q.near + t.size()));
  }
  return Xapian::Query();
}

struct Timing {
  double med = 0, p99 = 0;
  uint64_t hits = 0;
  bool ran = false;
};

/* Run f (which returns the number of hits) until min_time has passed and at
 * least min_reps times (after 3 warm-up runs). */
double g_min_time = 0.3;
int g_min_reps = 30;

Timing measure(const std::function<uint64_t()> &f) {
  Timing t;
  std::vector<double> v;
  for (int i = 0; i < 3; i++) t.hits = f();
  double start = now();
  while ((int)v.size() < g_min_reps || now() - start < g_min_time) {
    double t0 = qclock();
    f();
    v.push_back((qclock() - t0) * 1e3);
    if (v.size() >= 20000) break;
  }
  t.med = median(v);
  t.p99 = pct(v, 0.99);
  t.ran = true;
  return t;
}

int count_cb(const char *, size_t, void *p) {
  ++*(uint64_t *)p;
  return 0;
}

struct Engines {
  kz_corpus *kz = nullptr;
  sqlite3 *db = nullptr;
  sqlite3_stmt *fts_all = nullptr, *fts_top = nullptr;
  Xapian::Database *xdb = nullptr;
};

uint64_t kz_count(Engines &e, const Query &q) {
  uint64_t n = 0;
  if (kz_corpus_keys(e.kz, q.text, std::strlen(q.text), count_cb, &n) != KZ_OK)
    die(q.text, kz_last_errmsg());
  return n;
}

/* kz_corpus_count() of everything: matching documents and matches, no keys. */
uint64_t kz_count_api(Engines &e, const Query &q) {
  kz_counts *k = nullptr;
  kz_count_row row;
  if (kz_corpus_count(&k, e.kz, q.text, std::strlen(q.text), KZ_COUNT_ALL) != KZ_OK)
    die(q.text, kz_last_errmsg());
  uint64_t n = 0;
  if (kz_counts_size(k) > 0 && kz_counts_row(k, 0, &row) == KZ_OK) n = row.docs;
  kz_counts_free(k);
  return n;
}

uint64_t kz_top(Engines &e, const Query &q) {
  kz_results *r = nullptr;
  kz_search_options so = KZ_SEARCH_OPTIONS_INIT;
  so.flags = KZ_SEARCH_TOP_ONLY | KZ_SEARCH_NO_SNIPPETS;
  so.limit = 10;
  if (kz_corpus_search(&r, e.kz, q.text, std::strlen(q.text), &so) != KZ_OK)
    die(q.text, kz_last_errmsg());
  uint64_t n = 0;
  size_t len;
  while (kz_results_next(r) == KZ_OK) {
    kz_results_field(r, KZ_FIELD_KEY, &len);
    n++;
  }
  kz_results_free(r);
  return n;
}

uint64_t kz_top_snip(Engines &e, const Query &q) {
  kz_results *r = nullptr;
  kz_search_options so = KZ_SEARCH_OPTIONS_INIT;
  so.flags = KZ_SEARCH_TOP_ONLY;
  so.limit = 10;
  if (kz_corpus_search(&r, e.kz, q.text, std::strlen(q.text), &so) != KZ_OK)
    die(q.text, kz_last_errmsg());
  uint64_t n = 0;
  size_t len;
  while (kz_results_next(r) == KZ_OK) {
    kz_results_field(r, KZ_FIELD_TITLE, &len);
    kz_results_snippet(r, &len);
    n++;
  }
  kz_results_free(r);
  return n;
}

uint64_t fts_run(sqlite3_stmt *st, const char *text) {
  uint64_t n = 0;
  sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
  while (sqlite3_step(st) == SQLITE_ROW) {
    (void)sqlite3_column_int64(st, 0);
    n++;
  }
  sqlite3_reset(st);
  return n;
}

uint64_t xap_count(Engines &e, const Query &q) {
  Xapian::Enquire enq(*e.xdb);
  enq.set_query(xquery(q));
  enq.set_weighting_scheme(Xapian::BoolWeight());
  enq.set_docid_order(Xapian::Enquire::ASCENDING);
  Xapian::MSet m = enq.get_mset(0, e.xdb->get_doccount());
  uint64_t n = 0;
  for (auto it = m.begin(); it != m.end(); ++it) {
    (void)*it;
    n++;
  }
  return n;
}

uint64_t xap_top(Engines &e, const Query &q) {
  Xapian::Enquire enq(*e.xdb);
  enq.set_query(xquery(q));
  Xapian::MSet m = enq.get_mset(0, 10);
  uint64_t n = 0;
  for (auto it = m.begin(); it != m.end(); ++it) {
    (void)*it;
    n++;
  }
  return n;
}

struct Row {
  const Query *q;
  Timing kc, kn, fc, xc, kt, ks, ft, xt;
};

void open_engines(Engines &e, const std::string &kzdir, const std::string &ftspath,
                  const std::string &xdir, bool xap) {
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  o.flags = KZ_CORPUS_READONLY;
  if (kz_corpus_open(&e.kz, kzdir.c_str(), &o) != KZ_OK) die("open libkz", kz_last_errmsg());
  if (sqlite3_open_v2(ftspath.c_str(), &e.db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
    die("open fts5", ftspath.c_str());
  sql(e.db, "PRAGMA cache_size = -1000000"); /* 1 GB: keep it all hot */
  if (sqlite3_prepare_v2(e.db, "SELECT rowid FROM ft WHERE ft MATCH ?1", -1, &e.fts_all,
                         nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(e.db, "SELECT rowid FROM ft WHERE ft MATCH ?1 ORDER BY rank LIMIT 10",
                         -1, &e.fts_top, nullptr) != SQLITE_OK)
    die("prepare", sqlite3_errmsg(e.db));
  if (xap) e.xdb = new Xapian::Database(xdir);
}

void close_engines(Engines &e) {
  kz_corpus_close(e.kz);
  sqlite3_finalize(e.fts_all);
  sqlite3_finalize(e.fts_top);
  sqlite3_close(e.db);
  delete e.xdb;
  e = Engines();
}

std::vector<Row> run_queries(Engines &e) {
  std::vector<Row> rows;
  static std::vector<Query> qs = query_set();
  for (const Query &q : qs) {
    Row r;
    r.q = &q;
    r.kc = measure([&] { return kz_count(e, q); });
    r.kn = measure([&] { return kz_count_api(e, q); });
    r.fc = measure([&] { return fts_run(e.fts_all, q.text); });
    r.kt = measure([&] { return kz_top(e, q); });
    r.ks = measure([&] { return kz_top_snip(e, q); });
    r.ft = measure([&] { return fts_run(e.fts_top, q.text); });
    if (e.xdb) {
      r.xc = measure([&] { return xap_count(e, q); });
      r.xt = measure([&] { return xap_top(e, q); });
    }
    rows.push_back(r);
    std::fflush(stdout);
  }
  return rows;
}

/* --count-only: "count every match" of libkz (kz_corpus_keys()) and FTS5
 * alone, with the speed-up per query and the geometric mean per class. */
std::string ms(const Timing &t);
void run_count_only(Engines &e, const std::string &only, const std::vector<std::string> &extra) {
  static std::vector<Query> qs = query_set();
  for (const std::string &t : extra) qs.push_back(Query{"extra", t.c_str(), X_TERM, {}});
  std::map<std::string, std::pair<double, int>> geo_cls;
  std::printf("| class | query | hits libkz/FTS5 | libkz | FTS5 | FTS5/libkz |\n|---|---|---|---:|---:|---:|\n");
  for (const Query &q : qs) {
    if (!only.empty() && only != q.text && only != q.cls && std::strcmp(q.cls, "extra")) continue;
    Timing k = measure([&] { return kz_count(e, q); });
    Timing f = measure([&] { return fts_run(e.fts_all, q.text); });
    std::printf("| %s | `%s` | %llu/%llu | %s | %s | %.2fx |\n", q.cls, q.text,
                (unsigned long long)k.hits, (unsigned long long)f.hits, ms(k).c_str(),
                ms(f).c_str(), f.med / k.med);
    std::fflush(stdout);
    auto &g = geo_cls[q.cls];
    g.first += std::log(f.med / k.med);
    g.second++;
  }
  std::printf("\n");
  for (const auto &g : geo_cls)
    std::printf("geo-mean %-8s FTS5/libkz %.2fx\n", g.first.c_str(), std::exp(g.second.first / g.second.second));
}

std::string ms(const Timing &t) {
  char b[64];
  if (!t.ran) return "-";
  if (t.med < 0.1) std::snprintf(b, sizeof b, "%.4f/%.4f", t.med, t.p99);
  else if (t.med < 10) std::snprintf(b, sizeof b, "%.3f/%.3f", t.med, t.p99);
  else std::snprintf(b, sizeof b, "%.1f/%.1f", t.med, t.p99);
  return b;
}

std::string ratio(const Timing &peer, const Timing &kz) {
  char b[32];
  if (!peer.ran || !kz.ran || kz.med <= 0) return "-";
  std::snprintf(b, sizeof b, "%.2fx", peer.med / kz.med);
  return b;
}

/* Geometric mean of peer/libkz over the rows of a class ("" = all). */
double geo(const std::vector<Row> &rows, const char *cls, Timing Row::*peer, Timing Row::*kz) {
  double s = 0;
  int n = 0;
  for (const Row &r : rows) {
    if (*cls && std::strcmp(r.q->cls, cls)) continue;
    if (!((r.*peer).ran) || (r.*kz).med <= 0) continue;
    s += std::log((r.*peer).med / (r.*kz).med);
    n++;
  }
  return n ? std::exp(s / n) : 0;
}

void print_rows(const std::vector<Row> &rows) {
  std::printf("\n### Query latency, ms median/p99 (hot cache, one thread)\n\n");
  std::printf("Speed-ups are peer time / libkz time (above 1: libkz is faster).\n\n");
  std::printf("#### Count every match\n\n");
  std::printf("libkz = kz_corpus_keys() (every key); libkz count() = kz_corpus_count(KZ_COUNT_ALL)\n"
              "(documents and matches, no keys), shown for comparison.\n\n");
  std::printf("| class | query | hits libkz/FTS5/Xapian | libkz | libkz count() | FTS5 | Xapian | FTS5/libkz | Xapian/libkz |\n");
  std::printf("|---|---|---|---:|---:|---:|---:|---:|---:|\n");
  for (const Row &r : rows)
    std::printf("| %s | `%s` | %llu/%llu/%s | %s | %s | %s | %s | %s | %s |\n", r.q->cls, r.q->text,
                (unsigned long long)r.kc.hits, (unsigned long long)r.fc.hits,
                r.xc.ran ? std::to_string(r.xc.hits).c_str() : "-", ms(r.kc).c_str(),
                ms(r.kn).c_str(), ms(r.fc).c_str(), ms(r.xc).c_str(), ratio(r.fc, r.kc).c_str(),
                ratio(r.xc, r.kc).c_str());
  std::printf("\n#### Top 10 by BM25\n\n");
  std::printf("| class | query | libkz | libkz +snippets | FTS5 | Xapian | FTS5/libkz | Xapian/libkz |\n");
  std::printf("|---|---|---:|---:|---:|---:|---:|---:|\n");
  for (const Row &r : rows)
    std::printf("| %s | `%s` | %s | %s | %s | %s | %s | %s |\n", r.q->cls, r.q->text,
                ms(r.kt).c_str(), ms(r.ks).c_str(), ms(r.ft).c_str(), ms(r.xt).c_str(),
                ratio(r.ft, r.kt).c_str(), ratio(r.xt, r.kt).c_str());
  std::printf("\n#### Geometric mean speed-up by class\n\n");
  std::printf("| class | count: FTS5/libkz | count: Xapian/libkz | top10: FTS5/libkz | top10: Xapian/libkz |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  auto g = [&](const char *cls, Timing Row::*peer, Timing Row::*kz) {
    char b[32];
    double v = geo(rows, cls, peer, kz);
    if (v > 0) std::snprintf(b, sizeof b, "%.2fx", v);
    else std::snprintf(b, sizeof b, "-");
    return std::string(b);
  };
  for (const char *cls : {"common", "rare", "phrase", "and", "or", "near", ""})
    std::printf("| %s | %s | %s | %s | %s |\n", *cls ? cls : "all",
                g(cls, &Row::fc, &Row::kc).c_str(), g(cls, &Row::xc, &Row::kc).c_str(),
                g(cls, &Row::ft, &Row::kt).c_str(), g(cls, &Row::xt, &Row::kt).c_str());
}

void print_build(const char *name, const Build &b, uint64_t input, const char *note) {
  char compact[32] = "";
  if (b.compact) std::snprintf(compact, sizeof compact, " (compacted %.2fx)", (double)b.compact / (double)input);
  std::printf("| %s | %.2f | %.2f | %.1f | %.2fx%s | %s | %s | %ld (%ld+%ld) | %s |\n", name, b.cpu, b.secs,
              (double)input / 1e6 / b.cpu, (double)b.total / (double)input, compact,
              b.index ? (std::to_string((double)b.index / (double)input).substr(0, 4) + "x").c_str() : "-",
              b.store ? (std::to_string((double)b.store / (double)input).substr(0, 4) + "x").c_str() : "-",
              b.peak_kb / 1024, b.anon_kb / 1024, b.file_kb / 1024, note);
}

/* Run one build in a child process, so that its peak RSS is its own and
 * no memory of earlier builds is reused. */
Build in_child(const std::function<Build()> &f) {
  int fd[2];
  Build b;
  if (pipe(fd) != 0) die("pipe", std::strerror(errno));
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) die("fork", std::strerror(errno));
  if (pid == 0) {
    close(fd[0]);
    malloc_trim(0); /* free heap of the parent would hide the build's growth */
    b = f();
    ssize_t w = write(fd[1], &b, sizeof b);
    _exit(w == (ssize_t)sizeof b ? 0 : 1);
  }
  close(fd[1]);
  ssize_t r = read(fd[0], &b, sizeof b);
  close(fd[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (r != (ssize_t)sizeof b || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    die("build", "the child process failed");
  return b;
}

Build median_build(int reps, const std::function<Build()> &f) {
  std::vector<Build> v;
  for (int i = 0; i < reps; i++) v.push_back(in_child(f));
  std::sort(v.begin(), v.end(), [](const Build &a, const Build &b) { return a.cpu < b.cpu; });
  return v[v.size() / 2];
}

/* ------------------------------------------------------------------ */
/* Scale corpus                                                         */
/* ------------------------------------------------------------------ */

void json_str(std::string &o, const std::string &s) {
  o += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': o += "\\\""; break;
      case '\\': o += "\\\\"; break;
      case '\n': o += "\\n"; break;
      case '\t': o += "\\t"; break;
      case '\r': o += "\\r"; break;
      default:
        if (c < 0x20) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          o += b;
        } else {
          o += (char)c;
        }
    }
  }
  o += '"';
}

/* Cut text into sentences: after ". " / "? " / "! " or a blank line. */
void sentences(const std::string &t, std::vector<std::string> &pool, size_t &count) {
  size_t s = 0;
  count = 0;
  for (size_t i = 0; i + 1 < t.size(); i++) {
    bool end = ((t[i] == '.' || t[i] == '?' || t[i] == '!') && (t[i + 1] == ' ' || t[i + 1] == '\n')) ||
               (t[i] == '\n' && t[i + 1] == '\n');
    if (end) {
      pool.push_back(t.substr(s, i + 1 - s));
      count++;
      s = i + 2;
      while (s < t.size() && (t[s] == ' ' || t[s] == '\n')) s++;
      i = s ? s - 1 : 0;
    }
  }
  if (s < t.size()) {
    pool.push_back(t.substr(s));
    count++;
  }
}

uint64_t rng_state = 0x5ca1ab1e;
uint64_t rnd() {
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Write a corpus k times the input: document j copies the sentence count
 * and the title of input document j mod n, with sentences drawn uniformly
 * from all sentences of the input. */
uint64_t make_scale(const Input &in, int k, const std::string &path, Input *out) {
  std::vector<std::string> pool;
  std::vector<size_t> nsent(in.docs.size());
  for (size_t i = 0; i < in.docs.size(); i++) sentences(in.docs[i].text, pool, nsent[i]);
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) die(path.c_str(), std::strerror(errno));
  std::string line, text;
  uint64_t bytes = 0;
  size_t n = in.docs.size() * (size_t)k;
  if (out) out->docs.reserve(n);
  for (size_t j = 0; j < n; j++) {
    const Doc &src = in.docs[j % in.docs.size()];
    text.clear();
    for (size_t s = 0; s < nsent[j % in.docs.size()]; s++) {
      if (s) text += ' ';
      text += pool[rnd() % pool.size()];
    }
    line = "{\"id\": \"s" + std::to_string(j) + "\", \"title\": ";
    json_str(line, src.title);
    line += ", \"text\": ";
    json_str(line, text);
    line += "}\n";
    std::fwrite(line.data(), 1, line.size(), f);
    bytes += src.title.size() + text.size();
    if (out) out->docs.push_back(Doc{src.title, text});
  }
  std::fclose(f);
  if (out) out->bytes = bytes;
  return bytes;
}

}  // namespace

int main(int argc, char **argv) {
  std::string jsonl = KZ_SHARED_DATA "/news/news.jsonl", work = "/tmp";
  int reps = 5, scale = 0;
  bool xapian = true, scale_xapian = false, keep = false;
  int profile = 0;
  bool sweep = false, count_only = false;
  std::string only, reuse;
  std::vector<std::string> extra;
  size_t budget = 0;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    auto next = [&]() -> const char * {
      if (i + 1 >= argc) die(argv[i], "needs a value");
      return argv[++i];
    };
    if (a == "--jsonl") jsonl = next();
    else if (a == "--workdir") work = next();
    else if (a == "--reps") reps = std::max(1, std::atoi(next()));
    else if (a == "--min-time") g_min_time = std::atof(next());
    else if (a == "--min-reps") g_min_reps = std::max(1, std::atoi(next()));
    else if (a == "--scale") scale = std::atoi(next());
    else if (a == "--scale-xapian") scale_xapian = true;
    else if (a == "--no-xapian") xapian = false;
    else if (a == "--keep") keep = true;
    else if (a == "--wall") g_wall = true;
    else if (a == "--profile-index") profile = 1;
    else if (a == "--profile-query") profile = 2;
    else if (a == "--only") only = next();
    else if (a == "--rss-sweep") sweep = true;
    else if (a == "--count-only") count_only = true;
    else if (a == "--reuse") reuse = next();
    else if (a == "--query") extra.push_back(next());
    else if (a == "--budget") budget = (size_t)std::atol(next()) << 20;
    else {
      std::fprintf(stderr,
                   "usage: bench_index [--jsonl PATH] [--workdir DIR] [--reps N] "
                   "[--min-time S] [--min-reps N] [--budget MB] [--no-xapian] [--wall] [--scale K [--scale-xapian] [--keep]]\n"
                   "       bench_index --profile-index | --profile-query [--only QUERY] | --rss-sweep  (libkz only)\n"
                   "       bench_index --count-only [--only QUERY|CLASS] [--query QUERY]... [--scale K] [--keep | --reuse DIR]\n"
                   "         (count every match, libkz and FTS5 only; --reuse a directory kept by --keep)\n");
      return 2;
    }
  }
  Input in;
  if (!load(in, jsonl.c_str())) {
    std::printf("bench_index: %s is absent; nothing to measure (it is not shipped with libkz)\n",
                jsonl.c_str());
    return 0;
  }
  char tmpl[4096];
  std::snprintf(tmpl, sizeof tmpl, "%s/kzbenchXXXXXX", work.c_str());
  if (!mkdtemp(tmpl)) die(tmpl, std::strerror(errno));
  std::string dir = tmpl;
  std::string kzdir = dir + "/kz", ftspath = dir + "/fts5.db", xdir = dir + "/xapian";

  if (sweep) {
    std::printf("### libkz peak RSS while indexing vs memory budget (add_text, %zu documents, %.1f MB)\n\n",
                in.docs.size(), (double)in.bytes / 1e6);
    std::printf("| budget MB | peak RSS growth MB | peak anon MB | peak file MB | CPU s | MB/s (CPU) | segments after commit |\n|---:|---:|---:|---:|---:|---:|---:|\n");
    for (size_t mb : {1, 2, 4, 8, 16, 32, 64, 256}) {
      Build b = in_child([&] { return build_kz(in, kzdir, mb << 20); });
      std::printf("| %zu | %ld | %ld | %ld | %.2f | %.1f | %llu |\n", mb, b.peak_kb / 1024,
                  b.anon_kb / 1024, b.file_kb / 1024, b.cpu,
                  (double)in.bytes / 1e6 / b.cpu, (unsigned long long)b.segments);
      std::fflush(stdout);
    }
    rmrf(dir);
    return 0;
  }
  if (count_only) {
    Engines e;
    std::string d = reuse.empty() ? dir : reuse;
    if (reuse.empty()) {
      if (scale > 0) {
        std::string sjson = dir + "/scale.jsonl";
        Input big;
        make_scale(in, scale, sjson, &big);
        in = Input();
        in_child([&] { return build_kz_jsonl(sjson.c_str(), kzdir, budget); });
        kz_corpus *c = kz_create(kzdir, budget); /* as the scale run: optimized */
        if (kz_corpus_optimize(c) != KZ_OK) die("kz_corpus_optimize", kz_last_errmsg());
        kz_corpus_close(c);
        in_child([&] { return build_fts(big, ftspath); });
        std::remove(sjson.c_str());
      } else {
        in_child([&] { return build_kz(in, kzdir, budget); });
        in_child([&] { return build_fts(in, ftspath); });
      }
    } else {
      rmrf(dir);
    }
    std::printf("### count every match, libkz vs FTS5 (%s)\n\n", d.c_str());
    open_engines(e, d + "/kz", d + "/fts5.db", xdir, false);
    run_count_only(e, only, extra);
    close_engines(e);
    if (reuse.empty()) {
      if (!keep) rmrf(dir);
      else std::printf("\nkept %s\n", dir.c_str());
    }
    return 0;
  }
  if (profile) {
    /* libkz alone, for perf record / callgrind */
    Build b;
    for (int i = 0; i < reps; i++) b = build_kz(in, kzdir, budget);
    std::printf("libkz: %.3f s CPU, %.1f MB/s\n", b.cpu, (double)in.bytes / 1e6 / b.cpu);
    if (profile == 2) {
      Engines e;
      kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
      o.flags = KZ_CORPUS_READONLY;
      if (kz_corpus_open(&e.kz, kzdir.c_str(), &o) != KZ_OK) die("open", kz_last_errmsg());
      for (const Query &q : query_set()) {
        if (!only.empty() && only != q.text) continue;
        Timing c = measure([&] { return kz_count(e, q); });
        Timing a = measure([&] { return kz_count_api(e, q); });
        Timing t = measure([&] { return kz_top(e, q); });
        std::printf("%-28s count %s  count() %s  top10 %s\n", q.text, ms(c).c_str(), ms(a).c_str(),
                    ms(t).c_str());
      }
      kz_corpus_close(e.kz);
    }
    rmrf(dir);
    return 0;
  }

  std::printf("## bench_index: %s\n\n", jsonl.c_str());
  std::printf("%zu documents, %.2f MB of title + text; libkz %s, SQLite %s, Xapian %s\n",
              in.docs.size(), (double)in.bytes / 1e6, kz_version(), sqlite3_libversion(),
              Xapian::version_string());

  if (scale <= 0) {
    std::printf("\n### Indexing (median of %d builds; sizes relative to the input text)\n\n", reps);
    std::printf("| engine | CPU s | elapsed s | MB/s (CPU) | on disk | index | store | peak RSS MB (anon+file) | note |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    std::fflush(stdout);
    /* libkz and FTS5 built in turns, so that a slow spell of a shared
     * machine falls on both: the speed-up is the median of the pairs'
     * ratios (and the medians of each engine go in the table) */
    std::vector<Build> vk, vf;
    std::vector<double> pair_ratio;
    for (int i = 0; i < reps; i++) {
      vk.push_back(in_child([&] { return build_kz(in, kzdir, budget); }));
      vf.push_back(in_child([&] { return build_fts(in, ftspath); }));
      pair_ratio.push_back(vf.back().cpu / vk.back().cpu);
    }
    auto by_cpu = [](const Build &a, const Build &b) { return a.cpu < b.cpu; };
    std::sort(vk.begin(), vk.end(), by_cpu);
    std::sort(vf.begin(), vf.end(), by_cpu);
    Build bk = vk[vk.size() / 2], bf = vf[vf.size() / 2];
    char note[128];
    std::snprintf(note, sizeof note, "add_text, budget %zu MB, %llu segment(s)",
                  (budget ? budget : (size_t)256 << 20) >> 20, (unsigned long long)bk.segments);
    print_build("libkz", bk, in.bytes, note);
    Build bj = median_build(reps, [&] { return build_kz_jsonl(jsonl.c_str(), dir + "/kzj", budget); });
    std::snprintf(note, sizeof note, "add_jsonl from the file (JSON parsing included)");
    print_build("libkz", bj, in.bytes, note);
    Build bs = in_child([&] { return build_kz(in, dir + "/kzs", (size_t)8 << 20); });
    std::snprintf(note, sizeof note, "add_text, budget 8 MB, %llu segment(s)",
                  (unsigned long long)bs.segments);
    print_build("libkz", bs, in.bytes, note);
    rmrf(dir + "/kzj");
    rmrf(dir + "/kzs");
    std::fflush(stdout);
    print_build("FTS5", bf, in.bytes, "one transaction");
    std::fflush(stdout);
    Build bx;
    if (xapian) {
      bx = median_build(reps, [&] { return build_xapian(in, xdir, false); });
      Build c = in_child([&] { return build_xapian(in, xdir, true); });
      bx.compact = c.compact;
      print_build("Xapian", bx, in.bytes, "glass, positions, no stemming");
    }
    std::sort(pair_ratio.begin(), pair_ratio.end());
    std::printf("\nIndexing speed-up (CPU time): libkz/FTS5 %.2fx", median(pair_ratio));
    if (xapian) std::printf(", libkz/Xapian %.2fx", bx.cpu / bk.cpu);
    std::printf("; size libkz/FTS5 %.2f (postings/FTS5 index %.2f)\n",
                (double)bk.total / (double)bf.total, (double)bk.index / (double)bf.index);
    std::printf("(libkz/FTS5: median of %d builds of each taken in turns, per pair:", reps);
    for (double r : pair_ratio) std::printf(" %.2f", r);
    std::printf("; ratio of the medians %.2fx)\n", bf.cpu / bk.cpu);
    std::fflush(stdout);

    Engines e;
    open_engines(e, kzdir, ftspath, xdir, xapian);
    std::vector<Row> rows = run_queries(e);
    print_rows(rows);
    close_engines(e);
  } else {
    std::string sjson = dir + "/scale.jsonl";
    Input big;
    double t0 = now();
    uint64_t sbytes = make_scale(in, scale, sjson, &big);
    std::printf("\n### Scale run: %dx by resampling sentences (%zu documents, %.1f MB of "
                "title + text, JSON Lines %.1f MB, made in %.0f s)\n\n",
                scale, big.docs.size(), (double)sbytes / 1e6, (double)du(sjson) / 1e6, now() - t0);
    std::printf("| engine | CPU s | elapsed s | MB/s (CPU) | on disk | index | store | peak RSS MB (anon+file) | note |\n");
    std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    std::fflush(stdout);
    Input keep_big;
    std::swap(keep_big, big);
    Build bk = in_child([&] { return build_kz_jsonl(sjson.c_str(), kzdir, budget); });
    char note[160];
    std::snprintf(note, sizeof note, "add_jsonl, budget %zu MB, %llu segment(s) after commit",
                  (budget ? budget : (size_t)256 << 20) >> 20, (unsigned long long)bk.segments);
    print_build("libkz", bk, sbytes, note);
    std::fflush(stdout);
    {
      kz_corpus *c = kz_create(kzdir, budget);
      double t1 = now(), c1 = cpu_now();
      if (kz_corpus_optimize(c) != KZ_OK) die("kz_corpus_optimize", kz_last_errmsg());
      Build bo;
      bo.secs = now() - t1;
      bo.cpu = cpu_now() - c1;
      kz_sizes(c, bo);
      kz_corpus_close(c);
      std::printf("| libkz optimize | %.2f | %.2f | | %.2fx | %.2fx | %.2fx | | merged to %llu segment(s) |\n",
                  bo.cpu, bo.secs, (double)bo.total / (double)sbytes, (double)bo.index / (double)sbytes,
                  (double)bo.store / (double)sbytes, (unsigned long long)bo.segments);
      std::fflush(stdout);
    }
    Build bf = in_child([&] { return build_fts(keep_big, ftspath); });
    print_build("FTS5", bf, sbytes, "one transaction, from memory");
    std::fflush(stdout);
    if (scale_xapian) {
      Build bx = in_child([&] { return build_xapian(keep_big, xdir, false); });
      print_build("Xapian", bx, sbytes, "glass, positions, no stemming");
    }
    keep_big = Input();
    Engines e;
    open_engines(e, kzdir, ftspath, xdir, scale_xapian);
    std::vector<Row> rows = run_queries(e);
    print_rows(rows);
    close_engines(e);
    if (!keep) std::remove(sjson.c_str());
  }
  if (!keep) rmrf(dir);
  else std::printf("\nkept %s\n", dir.c_str());
  return 0;
}
