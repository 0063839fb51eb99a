/*
 * lkz.c - the Lua 5.4 binding of libkz.
 *
 *   local kz = require "kz"
 *   kz.version, kz.version_number
 *   kz.tokenize(s [, opts])   -> array of tokens, repaired
 *   kz.sentences(s [, opts])  -> array of {start, stop}, repaired
 *   kz.tokenizer([opts])      -> a reusable kz.Tokenizer with the methods
 *                                :tokenize(s), :sentences(s [, opts]),
 *                                :repaired(), :close()
 *   kz.parse(path_or_string [, opts]) -> the article as a plain table
 *   kz.open(path [, opts])    -> a kz.Corpus (see "The corpus" below)
 *
 * A token is a table with the fields
 *   text      the slice of s (s:sub(t.start, t.stop) == t.text)
 *   norm      its normalized form
 *   start     1-based byte index of its first byte
 *   stop      1-based byte index of its last byte (inclusive)
 *   kind      "word", "number", "punct", "symbol", "url", ... (see kz/token.h)
 *   position  ordinal among indexable tokens, from 1 (punctuation carries the
 *             position of the next indexable token, as in libkz)
 *   hyphenated, stopword, repaired   true when the flag is set, else absent
 * A sentence is a pair {start, stop} of 1-based inclusive byte indices.
 *
 * Options (all optional; an unknown key or a value of the wrong type raises):
 *   tokenizing:  stem (language string, true = use `language`, or false),
 *                language, nfkc, casefold, quotes, numbers (default true),
 *                fold_diacritics, possessive, plain (default false),
 *                punct, stopwords (false leaves those tokens out)
 *   sentences:   language, abbreviations (default true), line_breaks
 *                (default false: only a blank line ends a paragraph),
 *                trim (default true)
 * kz.tokenizer() takes both sets; its sentence options are the defaults of
 * its :sentences() method.
 *
 * kz.parse() reads a scraped article (plain text, maybe with HTML remnants)
 * and returns a table with the field names of the JSON form
 * (kz_article_to_json):
 *   title, title_language, language, date ("YYYY-MM-DD"), time ("HH:MM"),
 *   source, original_source, dateline, body   strings, nil when unknown
 *   date_span   {start, stop} of the date in the raw input, or nil
 *   authors, warnings   arrays of strings
 *   blocks      array of {kind, text, start, stop, duplicate_of} in reading
 *               order: raw:sub(b.start, b.stop) is the raw span of the
 *               block; duplicate_of is the index in `blocks` of the kept
 *               block it repeats, or nil
 *   paragraphs, captions, headings   texts of the kept (not duplicate)
 *               blocks of that kind
 * where raw is the string given or, for a path, the file's bytes.
 * Its options: path (true: the string is a file name; false: it is the
 * text; absent: a string without a newline that names a regular file is
 * a path), language (hint used when detection is unsure), source (the
 * outlet, used when the text names none), strict_utf8 (fail on invalid
 * UTF-8 instead of repairing it and warning), allow_binary (parse a file
 * that does not look like text instead of failing).  A missing or
 * unreadable file, a file that is not text and strict-mode UTF-8 errors
 * return nil, message, code.
 *
 * The corpus.  kz.open(path [, opts]) opens (or, with create = true,
 * creates) the corpus in directory path; opts: create, readonly, verify,
 * memory_budget, k1, b and the analyzer (language, stem, fold_diacritics,
 * possessive; used when the corpus is created).  A kz.Corpus c has
 *   c:add(s [, meta])      s is a file (parsed, keyed by its path) or, with
 *                          meta.key, the text; meta: key, title, date,
 *                          source, author (string or array), url, language,
 *                          caption, heading, path (true: s is a file)
 *   c:add_jsonl(path [, {strict=, progress=}]) -> added, skipped
 *   c:add_dir(path [, {progress=}])           -> added, failed
 *                          progress: true (a bar on stderr) or a function
 *                          f(done_bytes, total_bytes, docs) returning false
 *                          to stop
 *   c:delete(key), c:commit(), c:optimize(), c:refresh() -> true
 *   c:search(q [, opts])   an iterator over the hits: for hit in c:search(q)
 *                          (raises on a bad query, as io.lines does)
 *   c:search_all(q [, opts]) -> array of hits, with .total and .exact
 *                          opts: limit (math.huge: all), offset, sort
 *                          ("score", "newest"/"date", "oldest"), snippets,
 *                          body.  A hit: key, score, title, source, date,
 *                          author, url, language (nil when empty), snippet,
 *                          highlights and body_highlights (arrays of
 *                          {start, stop}: snippet:sub(start, stop) is a
 *                          match), body (with opts.body)
 *   c:keys(q)              -> array of the matching keys, unranked
 *   c:kwic(q [, {width=, sort=, chars=, limit=}]) -> array of {doc, left,
 *                          match, right, start, stop, field}
 *   c:count(q [, {by=, per_million=}]) -> array of {group, docs, matches,
 *                          group_docs, group_words, per_million}, plus total_docs,
 *                          total_matches and groups (name -> row); by:
 *                          "source" (default), "day", "week", "month",
 *                          "year", "doc", "all"
 *   c:doc(key)             -> the stored fields (title, body, caption,
 *                          heading, key, date, source, author, url, language)
 *                          and the document as an article (kz_doc_article):
 *                          authors, blocks, paragraphs, captions, headings
 *                          as kz.parse() gives them, block spans being
 *                          body:sub(b.start, b.stop) for paragraphs (empty
 *                          for the others)
 *   c:vocabulary([filter]) -> array of {term, tf, df}
 *   c:stats(), #c (committed documents), c:close(); <close> and __gc close.
 * Analysis (kz/stats.h; each returns an array of plain tables, with the
 * figures behind it as fields of the array):
 *   c:collocations(q [, {window=, left=, right=, measure=, min_freq=,
 *                  filter=, stopwords=, numbers=, limit=}])
 *                          -> {term, observed, expected, mi, t_score, g2,
 *                          log_dice, freq, left, right, docs}...; node_freq,
 *                          node_docs, window_tokens, corpus_tokens
 *   c:keyness(target [, reference [, {min_freq=, stopwords=, numbers=,
 *             limit=}]])   -> {term, freq_target, freq_reference, g2, p,
 *                          log_ratio, pct_diff, expected, docs_target,
 *                          docs_reference}...; target_tokens, ...
 *   c:ngrams([n [, {filter=, min_freq=, stopwords= (true, "edges"),
 *            numbers=, punct=, limit=}]]) -> {ngram, freq, docs}...; total
 *   c:dispersion(q [, {filter=}]) -> {doc, date, source, field, position,
 *                          field_tokens, relative, start, stop}...;
 *                          documents, docs, tokens, hits, range, dp,
 *                          juilland_d, per_million
 *   c:dtm([{filter=, weighting=, norm=, min_df=, max_df=, max_features=,
 *         stopwords=, numbers=}]) -> {rows, cols, nnz, keys, vocabulary,
 *                          df, indptr, indices, data} (CSR, 1-based)
 *   c:quotes([filter [, {stored_only=}]]), c:numbers(...), c:entities(...)
 *                          -> the extractors of kz/analysis.h over the
 *                          documents of the filter
 * Everything a call returns is a plain table, independent of the corpus.
 *
 * Errors follow the Lua libraries: misuse (wrong argument type, unknown
 * option, closed tokenizer) raises; a failure reported by libkz (no stemmer
 * for a language, out of memory) returns nil, message, code where code is
 * the negative kz_status number.
 *
 * Lua errors are longjmps, so no C memory is ever held that a userdata does
 * not own.  libkz calls back into C for each token; the callbacks only copy
 * into growable buffers owned by the kz.Tokenizer userdata and never touch
 * the Lua state.  The Lua tables are built after kz_tokenize() returns.
 * kz.parse() parses into a kz_article owned by an internal userdata, builds
 * the table from it, then frees it.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lauxlib.h"
#include "lua.h"

#include <sys/stat.h>

#include "kz.h"
#include "kz/article.h" /* until kz.h includes them */
#include "kz/corpus.h"
#include "kz/query.h"
#include "kz/stats.h"

#define LKZ_TOKENIZER "kz.Tokenizer"
#define LKZ_ARTICLE "kz.ArticleHolder" /* internal: owns a kz_article briefly */
#define LKZ_CORPUS "kz.Corpus"
#define LKZ_HOLD "kz.Holder" /* internal: owns libkz results briefly */
#define LKZ_LANG_MAX 64

/* One token copied out of the kz_tokenize() callback; its normalized form
 * lives in the tokenizer's norm buffer at norm_off. */
typedef struct lkz_tok {
  size_t start, end;
  size_t norm_off, norm_len;
  uint32_t position;
  uint16_t kind, flags;
} lkz_tok;

typedef struct lkz_tokenizer {
  kz_tokenizer *tk;     /* NULL when closed */
  unsigned int sflags;  /* default kz_sentences() flags */
  /* Scratch filled by the callbacks, reused from call to call. */
  lkz_tok *toks;
  size_t ntoks, captoks;
  char *norm;
  size_t nnorm, capnorm;
  size_t *spans; /* start, end pairs */
  size_t nspans, capspans; /* counted in pairs */
} lkz_tokenizer;

/* Parsed options. */
typedef struct lkz_opts {
  kz_tokenizer_options topts;
  unsigned int sflags;
  char language[LKZ_LANG_MAX];
} lkz_opts;

/* Which option keys a function accepts. */
#define LKZ_OPT_TOKEN 0x1
#define LKZ_OPT_SENT 0x2
#define LKZ_OPT_BOTH 0x3
#define LKZ_OPT_PARSE 0x4
#define LKZ_OPT_ALL 0x7
#define LKZ_OPT_OPEN 0x8     /* kz.open */
#define LKZ_OPT_SEARCH 0x10  /* c:search, c:search_all */
#define LKZ_OPT_KWIC 0x20    /* c:kwic */
#define LKZ_OPT_COUNT 0x40   /* c:count */
#define LKZ_OPT_BULK 0x80    /* c:add_jsonl, c:add_dir */
#define LKZ_OPT_ADD 0x100    /* c:add (the document's metadata) */
#define LKZ_OPT_COLLOC 0x200 /* c:collocations */
#define LKZ_OPT_KEYNESS 0x400 /* c:keyness */
#define LKZ_OPT_NGRAMS 0x800 /* c:ngrams */
#define LKZ_OPT_DISP 0x1000  /* c:dispersion */
#define LKZ_OPT_DTM 0x2000   /* c:dtm */
#define LKZ_OPT_EXTRACT 0x4000 /* c:quotes, c:numbers, c:entities */
#define LKZ_OPT_STATS (LKZ_OPT_COLLOC | LKZ_OPT_KEYNESS | LKZ_OPT_NGRAMS | \
                       LKZ_OPT_DISP | LKZ_OPT_DTM)

/* ------------------------------------------------------------------------
 * Growable buffers (plain malloc; owned by the userdata)
 * ------------------------------------------------------------------------ */

/* Make room for `extra` more elements of `size` bytes in *p (capacity *cap,
 * used *n).  Returns 0 or KZ_ENOMEM. */
static int grow(void **p, size_t *cap, size_t n, size_t extra, size_t size) {
  size_t need, ncap;
  void *np;
  if (extra <= *cap - n) return 0;
  if (extra > SIZE_MAX / size - n) return KZ_ENOMEM;
  need = n + extra;
  ncap = *cap ? *cap : 64;
  while (ncap < need) {
    if (ncap > SIZE_MAX / size / 2) {
      ncap = need;
      break;
    }
    ncap *= 2;
  }
  np = realloc(*p, ncap * size);
  if (np == NULL) return KZ_ENOMEM;
  *p = np;
  *cap = ncap;
  return 0;
}

static int collect_token(const kz_token *t, void *payload) {
  lkz_tokenizer *lt = payload;
  lkz_tok *r;
  if (grow((void **)&lt->toks, &lt->captoks, lt->ntoks, 1, sizeof *lt->toks) ||
      grow((void **)&lt->norm, &lt->capnorm, lt->nnorm, t->norm_len, 1))
    return KZ_ENOMEM;
  r = &lt->toks[lt->ntoks++];
  r->start = t->start;
  r->end = t->end;
  r->norm_off = lt->nnorm;
  r->norm_len = t->norm_len;
  r->position = t->position;
  r->kind = t->kind;
  r->flags = t->flags;
  if (t->norm_len) memcpy(lt->norm + lt->nnorm, t->norm, t->norm_len);
  lt->nnorm += t->norm_len;
  return 0;
}

static int collect_span(size_t start, size_t end, void *payload) {
  lkz_tokenizer *lt = payload;
  if (grow((void **)&lt->spans, &lt->capspans, lt->nspans, 1,
           2 * sizeof *lt->spans))
    return KZ_ENOMEM;
  lt->spans[2 * lt->nspans] = start;
  lt->spans[2 * lt->nspans + 1] = end;
  lt->nspans++;
  return 0;
}

/* Drop the scratch memory, keep the handle. */
static void release_scratch(lkz_tokenizer *lt) {
  free(lt->toks);
  free(lt->norm);
  free(lt->spans);
  lt->toks = NULL;
  lt->norm = NULL;
  lt->spans = NULL;
  lt->ntoks = lt->captoks = lt->nnorm = lt->capnorm = 0;
  lt->nspans = lt->capspans = 0;
}

/* ------------------------------------------------------------------------
 * Options
 * ------------------------------------------------------------------------ */

static const struct {
  const char *name;
  int which;
} known_opts[] = {
  {"stem", LKZ_OPT_TOKEN | LKZ_OPT_OPEN},
  {"language", LKZ_OPT_ALL | LKZ_OPT_OPEN | LKZ_OPT_ADD},
  {"nfkc", LKZ_OPT_TOKEN},       {"casefold", LKZ_OPT_TOKEN},
  {"quotes", LKZ_OPT_TOKEN},
  {"numbers", LKZ_OPT_TOKEN | LKZ_OPT_STATS},
  {"fold_diacritics", LKZ_OPT_TOKEN | LKZ_OPT_OPEN},
  {"possessive", LKZ_OPT_TOKEN | LKZ_OPT_OPEN},
  {"plain", LKZ_OPT_TOKEN},
  {"punct", LKZ_OPT_TOKEN | LKZ_OPT_NGRAMS},
  {"stopwords", LKZ_OPT_TOKEN | LKZ_OPT_STATS},
  {"abbreviations", LKZ_OPT_SENT},
  {"line_breaks", LKZ_OPT_SENT}, {"trim", LKZ_OPT_SENT},
  {"path", LKZ_OPT_PARSE | LKZ_OPT_ADD},
  {"source", LKZ_OPT_PARSE | LKZ_OPT_ADD},
  {"strict_utf8", LKZ_OPT_PARSE},  {"allow_binary", LKZ_OPT_PARSE},
  {"create", LKZ_OPT_OPEN},      {"readonly", LKZ_OPT_OPEN},
  {"verify", LKZ_OPT_OPEN},      {"memory_budget", LKZ_OPT_OPEN},
  {"k1", LKZ_OPT_OPEN},          {"b", LKZ_OPT_OPEN},
  {"limit", LKZ_OPT_SEARCH | LKZ_OPT_KWIC | LKZ_OPT_STATS},
  {"sort", LKZ_OPT_SEARCH | LKZ_OPT_KWIC},
  {"offset", LKZ_OPT_SEARCH},    {"snippets", LKZ_OPT_SEARCH},
  {"body", LKZ_OPT_SEARCH},
  {"width", LKZ_OPT_KWIC},       {"chars", LKZ_OPT_KWIC},
  {"by", LKZ_OPT_COUNT},         {"per_million", LKZ_OPT_COUNT},
  {"progress", LKZ_OPT_BULK},    {"strict", LKZ_OPT_BULK},
  {"key", LKZ_OPT_ADD},          {"title", LKZ_OPT_ADD},
  {"date", LKZ_OPT_ADD},         {"author", LKZ_OPT_ADD},
  {"url", LKZ_OPT_ADD},          {"caption", LKZ_OPT_ADD},
  {"heading", LKZ_OPT_ADD},
  {"filter", LKZ_OPT_STATS},     {"min_freq", LKZ_OPT_STATS},
  {"window", LKZ_OPT_COLLOC},    {"left", LKZ_OPT_COLLOC},
  {"right", LKZ_OPT_COLLOC},     {"measure", LKZ_OPT_COLLOC},
  {"weighting", LKZ_OPT_DTM},    {"norm", LKZ_OPT_DTM},
  {"min_df", LKZ_OPT_DTM},       {"max_df", LKZ_OPT_DTM},
  {"max_features", LKZ_OPT_DTM}, {"stored_only", LKZ_OPT_EXTRACT},
  {NULL, 0}
};

/* Read the boolean option `name` of the table at arg into *flags: when the
 * option is present, set `bit` if its value equals `when`, clear it
 * otherwise. */
static void opt_flag(lua_State *L, int arg, const char *name,
                     unsigned int *flags, unsigned int bit, int when) {
  int t = lua_getfield(L, arg, name);
  if (t != LUA_TNIL) {
    if (t != LUA_TBOOLEAN)
      luaL_argerror(L, arg, lua_pushfstring(L,
                    "option '%s' must be a boolean, got %s", name,
                    luaL_typename(L, -1)));
    if (lua_toboolean(L, -1) == when)
      *flags |= bit;
    else
      *flags &= ~bit;
  }
  lua_pop(L, 1);
}

static void copy_language(lua_State *L, int arg, const char *name,
                          lkz_opts *o) {
  size_t len;
  const char *s = lua_tolstring(L, -1, &len);
  if (len >= sizeof o->language || memchr(s, '\0', len) != NULL)
    luaL_argerror(L, arg, lua_pushfstring(L, "option '%s': bad language name",
                                          name));
  memcpy(o->language, s, len + 1);
}

/* Check that the options table at arg has only keys that the function
 * (`which`) accepts: a misspelt option must not pass silently. */
static void check_keys(lua_State *L, int arg, int which) {
  lua_pushnil(L);
  while (lua_next(L, arg) != 0) {
    int i, ok = 0;
    if (lua_type(L, -2) == LUA_TSTRING) {
      const char *k = lua_tostring(L, -2);
      for (i = 0; known_opts[i].name; i++)
        if (strcmp(k, known_opts[i].name) == 0) {
          ok = (known_opts[i].which & which) != 0;
          break;
        }
      if (!ok)
        luaL_argerror(L, arg, lua_pushfstring(L, "unknown option '%s'", k));
    } else {
      luaL_argerror(L, arg, "option names must be strings");
    }
    lua_pop(L, 1);
  }
}

/* Parse the options table at index arg (absent or nil means defaults). */
static void check_opts(lua_State *L, int arg, int which, lkz_opts *o) {
  int t, stem = 0;
  memset(o, 0, sizeof *o);
  if (kz_tokenizer_options_init(&o->topts, KZ_TOKENIZER_OPTIONS_VERSION) != 0)
    luaL_error(L, "kz: cannot initialize tokenizer options");
  o->sflags = 0;
  if (lua_isnoneornil(L, arg)) return;
  luaL_checktype(L, arg, LUA_TTABLE);
  check_keys(L, arg, which);

  t = lua_getfield(L, arg, "language");
  if (t == LUA_TSTRING)
    copy_language(L, arg, "language", o);
  else if (t != LUA_TNIL)
    luaL_argerror(L, arg, lua_pushfstring(L,
                  "option 'language' must be a string, got %s",
                  luaL_typename(L, -1)));
  lua_pop(L, 1);

  if (which & LKZ_OPT_TOKEN) {
    unsigned int *f = &o->topts.flags;
    t = lua_getfield(L, arg, "stem");
    if (t == LUA_TSTRING) {
      char had[LKZ_LANG_MAX];
      memcpy(had, o->language, sizeof had);
      copy_language(L, arg, "stem", o);
      if (had[0] && strcmp(had, o->language) != 0)
        luaL_argerror(L, arg, "options 'stem' and 'language' disagree");
      stem = 1;
    } else if (t == LUA_TBOOLEAN) {
      stem = lua_toboolean(L, -1);
    } else if (t != LUA_TNIL) {
      luaL_argerror(L, arg, lua_pushfstring(L,
                    "option 'stem' must be a language string or a boolean, "
                    "got %s", luaL_typename(L, -1)));
    }
    lua_pop(L, 1);
    if (stem) *f |= KZ_TOK_STEM;
    opt_flag(L, arg, "nfkc", f, KZ_TOK_NFKC, 1);
    opt_flag(L, arg, "casefold", f, KZ_TOK_CASEFOLD, 1);
    opt_flag(L, arg, "quotes", f, KZ_TOK_QUOTES, 1);
    opt_flag(L, arg, "numbers", f, KZ_TOK_NUMBERS, 1);
    opt_flag(L, arg, "fold_diacritics", f, KZ_TOK_FOLD_DIACRITICS, 1);
    opt_flag(L, arg, "possessive", f, KZ_TOK_POSSESSIVE, 1);
    opt_flag(L, arg, "plain", f, KZ_TOK_PLAIN, 1);
    opt_flag(L, arg, "punct", f, KZ_TOK_SKIP_PUNCT, 0);
    opt_flag(L, arg, "stopwords", f, KZ_TOK_SKIP_STOPWORDS, 0);
  }
  if (which & LKZ_OPT_SENT) {
    opt_flag(L, arg, "abbreviations", &o->sflags, KZ_SENT_NO_ABBREVIATIONS, 0);
    opt_flag(L, arg, "line_breaks", &o->sflags, KZ_SENT_LINE_BREAKS, 1);
    opt_flag(L, arg, "trim", &o->sflags, KZ_SENT_UNTRIMMED, 0);
  }
  if (stem && !o->language[0])
    luaL_argerror(L, arg, "option 'stem' needs a language");
}

/* ------------------------------------------------------------------------
 * The kz.Tokenizer userdata
 * ------------------------------------------------------------------------ */

/* Push nil, message, code (the Lua "fail" convention). */
static int push_fail(lua_State *L, int code, const char *msg) {
  luaL_pushfail(L);
  lua_pushstring(L, msg && *msg ? msg : kz_strerror(code));
  lua_pushinteger(L, code);
  return 3;
}

static lkz_tokenizer *check_tokenizer(lua_State *L, int arg) {
  lkz_tokenizer *lt = luaL_checkudata(L, arg, LKZ_TOKENIZER);
  if (lt->tk == NULL) luaL_error(L, "attempt to use a closed tokenizer");
  return lt;
}

/* Create a closed kz.Tokenizer on the stack, then open the C handle.
 * Returns NULL (with the fail triple pushed above the userdata) when libkz
 * refuses the options. */
static lkz_tokenizer *new_tokenizer(lua_State *L, const lkz_opts *o) {
  lkz_tokenizer *lt = lua_newuserdatauv(L, sizeof *lt, 0);
  kz_tokenizer_options topts = o->topts;
  int rc;
  memset(lt, 0, sizeof *lt);
  luaL_setmetatable(L, LKZ_TOKENIZER);
  topts.language = o->language[0] ? o->language : NULL;
  rc = kz_tokenizer_new(&lt->tk, &topts);
  if (rc != 0) {
    lt->tk = NULL;
    push_fail(L, rc, kz_last_errmsg());
    return NULL;
  }
  lt->sflags = o->sflags;
  return lt;
}

/* The one close shared by :close(), __close and __gc; idempotent. */
static void close_tokenizer(lkz_tokenizer *lt) {
  kz_tokenizer_free(lt->tk);
  lt->tk = NULL;
  release_scratch(lt);
}

/* tk:close(), __close and __gc */
static int tok_close(lua_State *L) {
  close_tokenizer(luaL_checkudata(L, 1, LKZ_TOKENIZER));
  return 0;
}

static int tok_tostring(lua_State *L) {
  lkz_tokenizer *lt = luaL_checkudata(L, 1, LKZ_TOKENIZER);
  if (lt->tk == NULL)
    lua_pushliteral(L, "kz.Tokenizer (closed)");
  else
    lua_pushfstring(L, "kz.Tokenizer (%p)", (void *)lt);
  return 1;
}

/* Tokenize the string at index sarg with lt and push the array of token
 * tables and the repaired byte count (2 results), or the fail triple. */
static int do_tokenize(lua_State *L, lkz_tokenizer *lt, int sarg) {
  size_t len, i;
  const char *s = luaL_checklstring(L, sarg, &len);
  int rc;
  lt->ntoks = lt->nnorm = 0;
  rc = kz_tokenize(lt->tk, s, len, collect_token, lt);
  if (rc != 0) {
    const char *msg = kz_tokenizer_errmsg(lt->tk);
    lt->ntoks = lt->nnorm = 0;
    return push_fail(L, rc, rc == KZ_ENOMEM ? NULL : msg);
  }
  if (lt->ntoks > (size_t)INT32_MAX) {
    lt->ntoks = lt->nnorm = 0;
    return push_fail(L, KZ_ELIMIT, "too many tokens for a Lua table");
  }
  lua_createtable(L, (int)lt->ntoks, 0);
  for (i = 0; i < lt->ntoks; i++) {
    const lkz_tok *r = &lt->toks[i];
    lua_createtable(L, 0, 8);
    lua_pushlstring(L, s + r->start, r->end - r->start);
    lua_setfield(L, -2, "text");
    lua_pushlstring(L, lt->norm + r->norm_off, r->norm_len);
    lua_setfield(L, -2, "norm");
    lua_pushinteger(L, (lua_Integer)r->start + 1);
    lua_setfield(L, -2, "start");
    lua_pushinteger(L, (lua_Integer)r->end);
    lua_setfield(L, -2, "stop");
    lua_pushstring(L, kz_token_kind_name(r->kind));
    lua_setfield(L, -2, "kind");
    lua_pushinteger(L, (lua_Integer)r->position + 1);
    lua_setfield(L, -2, "position");
    if (r->flags & KZ_TOKEN_HYPHENATED) {
      lua_pushboolean(L, 1);
      lua_setfield(L, -2, "hyphenated");
    }
    if (r->flags & KZ_TOKEN_STOPWORD) {
      lua_pushboolean(L, 1);
      lua_setfield(L, -2, "stopword");
    }
    if (r->flags & KZ_TOKEN_REPAIRED) {
      lua_pushboolean(L, 1);
      lua_setfield(L, -2, "repaired");
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lt->ntoks = lt->nnorm = 0;
  lua_pushinteger(L, (lua_Integer)kz_tokenizer_repaired(lt->tk));
  return 2;
}

/* Split the string at sarg into sentences; push the array of {start, stop}
 * pairs and the repaired count, or the fail triple. */
static int do_sentences(lua_State *L, lkz_tokenizer *lt, int sarg,
                        unsigned int flags) {
  size_t len, i;
  const char *s = luaL_checklstring(L, sarg, &len);
  int rc;
  lt->nspans = 0;
  rc = kz_sentences(lt->tk, s, len, flags, collect_span, lt);
  if (rc != 0) {
    const char *msg = kz_tokenizer_errmsg(lt->tk);
    lt->nspans = 0;
    return push_fail(L, rc, rc == KZ_ENOMEM ? NULL : msg);
  }
  if (lt->nspans > (size_t)INT32_MAX) {
    lt->nspans = 0;
    return push_fail(L, KZ_ELIMIT, "too many sentences for a Lua table");
  }
  lua_createtable(L, (int)lt->nspans, 0);
  for (i = 0; i < lt->nspans; i++) {
    lua_createtable(L, 2, 0);
    lua_pushinteger(L, (lua_Integer)lt->spans[2 * i] + 1);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, (lua_Integer)lt->spans[2 * i + 1]);
    lua_rawseti(L, -2, 2);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lt->nspans = 0;
  lua_pushinteger(L, (lua_Integer)kz_tokenizer_repaired(lt->tk));
  return 2;
}

/* tk:tokenize(s) */
static int tok_tokenize(lua_State *L) {
  lkz_tokenizer *lt = check_tokenizer(L, 1);
  return do_tokenize(L, lt, 2);
}

/* tk:sentences(s [, opts]): opts replace the tokenizer's sentence options. */
static int tok_sentences(lua_State *L) {
  lkz_tokenizer *lt = check_tokenizer(L, 1);
  unsigned int flags = lt->sflags;
  luaL_checkstring(L, 2);
  if (!lua_isnoneornil(L, 3)) {
    lkz_opts o;
    check_opts(L, 3, LKZ_OPT_SENT, &o); /* validates the keys */
    if (o.language[0])
      luaL_argerror(L, 3, "the language of a tokenizer is fixed; "
                          "set it in kz.tokenizer()");
    /* Options left out keep the tokenizer's defaults. */
    opt_flag(L, 3, "abbreviations", &flags, KZ_SENT_NO_ABBREVIATIONS, 0);
    opt_flag(L, 3, "line_breaks", &flags, KZ_SENT_LINE_BREAKS, 1);
    opt_flag(L, 3, "trim", &flags, KZ_SENT_UNTRIMMED, 0);
  }
  return do_sentences(L, lt, 2, flags);
}

/* tk:repaired() */
static int tok_repaired(lua_State *L) {
  lkz_tokenizer *lt = check_tokenizer(L, 1);
  lua_pushinteger(L, (lua_Integer)kz_tokenizer_repaired(lt->tk));
  return 1;
}

/* ------------------------------------------------------------------------
 * kz.parse: the article parser
 * ------------------------------------------------------------------------ */

/* A kz_article owned by a userdata while its Lua table is built, so that a
 * memory error raised by the Lua API cannot leak it.  Never handed to Lua
 * code: kz.parse frees the article before it returns. */
typedef struct lkz_article {
  kz_article *a; /* NULL when freed */
} lkz_article;

static int art_gc(lua_State *L) {
  lkz_article *h = luaL_checkudata(L, 1, LKZ_ARTICLE);
  kz_article_free(h->a);
  h->a = NULL;
  return 0;
}

/* How the first argument of kz.parse is taken. */
#define LKZ_PATH_AUTO (-1)

/* Read the optional string option `name` of the table at arg.  The value is
 * left on the stack (so that it stays alive whatever the table's
 * metamethods do); returns NULL when the option is absent. */
static const char *opt_string(lua_State *L, int arg, const char *name) {
  size_t len;
  const char *s;
  int t = lua_getfield(L, arg, name);
  if (t == LUA_TNIL) return NULL;
  if (t != LUA_TSTRING)
    luaL_argerror(L, arg, lua_pushfstring(L,
                  "option '%s' must be a string, got %s", name,
                  luaL_typename(L, -1)));
  s = lua_tolstring(L, -1, &len);
  if (memchr(s, '\0', len) != NULL)
    luaL_argerror(L, arg, lua_pushfstring(L,
                  "option '%s' contains a zero byte", name));
  return s;
}

/* Parse the options of kz.parse at arg into *po and *path_mode (1 = the
 * string is a path, 0 = it is the text, LKZ_PATH_AUTO = decide). */
static void check_parse_opts(lua_State *L, int arg, kz_parse_options *po,
                             int *path_mode) {
  int t;
  if (kz_parse_options_init(po, KZ_PARSE_OPTIONS_VERSION) != 0)
    luaL_error(L, "kz: cannot initialize parse options");
  *path_mode = LKZ_PATH_AUTO;
  if (lua_isnoneornil(L, arg)) return;
  luaL_checktype(L, arg, LUA_TTABLE);
  check_keys(L, arg, LKZ_OPT_PARSE);
  po->language_hint = opt_string(L, arg, "language");
  po->source_hint = opt_string(L, arg, "source");
  t = lua_getfield(L, arg, "path");
  if (t == LUA_TBOOLEAN)
    *path_mode = lua_toboolean(L, -1);
  else if (t != LUA_TNIL)
    luaL_argerror(L, arg, lua_pushfstring(L,
                  "option 'path' must be a boolean, got %s",
                  luaL_typename(L, -1)));
  lua_pop(L, 1);
  opt_flag(L, arg, "strict_utf8", &po->flags, KZ_PARSE_STRICT_UTF8, 1);
  opt_flag(L, arg, "allow_binary", &po->flags, KZ_PARSE_ALLOW_BINARY, 1);
}

/* Does s (len bytes, no zero byte, no newline) name a regular file?  A
 * file that exists but cannot be read still counts: kz.parse then reports
 * the read error rather than parsing the file's name as an article. */
static int names_file(const char *s, size_t len) {
  struct stat sb;
  if (len == 0 || memchr(s, '\n', len) != NULL ||
      memchr(s, '\0', len) != NULL)
    return 0;
  return stat(s, &sb) == 0 && S_ISREG(sb.st_mode);
}

static void set_string(lua_State *L, const char *field, const char *s) {
  if (s == NULL) return; /* an absent field is nil */
  lua_pushstring(L, s);
  lua_setfield(L, -2, field);
}

/* Array-size hint for lua_createtable. */
static int size_hint(size_t n) {
  return n > (size_t)INT32_MAX ? INT32_MAX : (int)n;
}

static void set_article_lists(lua_State *L, const kz_article *a, int tbl);

/* Push the Lua table for article a. */
static void push_article(lua_State *L, const kz_article *a) {
  size_t i, n, dstart, dend;
  int tbl;

  lua_createtable(L, 0, 17);
  tbl = lua_gettop(L);
  set_string(L, "title", kz_article_title(a));
  set_string(L, "title_language", kz_article_title_language(a));
  set_string(L, "language", kz_article_language(a));
  set_string(L, "date", kz_article_date(a));
  set_string(L, "time", kz_article_time(a));
  if (kz_article_date_span(a, &dstart, &dend) == KZ_OK) {
    lua_createtable(L, 2, 0);
    lua_pushinteger(L, (lua_Integer)dstart + 1);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, (lua_Integer)dend);
    lua_rawseti(L, -2, 2);
    lua_setfield(L, tbl, "date_span");
  }
  set_string(L, "source", kz_article_source(a));
  set_string(L, "original_source", kz_article_original_source(a));
  set_string(L, "dateline", kz_article_dateline(a));
  set_string(L, "body", kz_article_body(a));

  n = kz_article_warning_count(a);
  lua_createtable(L, size_hint(n), 0);
  for (i = 0; i < n; i++) {
    lua_pushstring(L, kz_article_warning(a, i));
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, tbl, "warnings");
  set_article_lists(L, a, tbl);
}

/* Set authors, blocks, paragraphs, captions and headings of article a in
 * the table at index tbl (the top of the stack). */
static void set_article_lists(lua_State *L, const kz_article *a, int tbl) {
  size_t i, n;
  lua_Integer np = 0, nc = 0, nh = 0;

  n = kz_article_author_count(a);
  lua_createtable(L, size_hint(n), 0);
  for (i = 0; i < n; i++) {
    lua_pushstring(L, kz_article_author(a, i));
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, tbl, "authors");

  /* blocks, and the kept paragraphs, captions and headings beside them */
  n = kz_article_block_count(a);
  lua_createtable(L, size_hint(n), 0); /* tbl + 1: blocks */
  lua_newtable(L);                     /* tbl + 2: paragraphs */
  lua_newtable(L);                     /* tbl + 3: captions */
  lua_newtable(L);                     /* tbl + 4: headings */
  for (i = 0; i < n; i++) {
    int kind = kz_article_block_kind(a, i);
    long dup = kz_article_block_duplicate_of(a, i);
    const char *text = kz_article_block_text(a, i);
    lua_createtable(L, 0, 5);
    lua_pushstring(L, kz_block_kind_name(kind));
    lua_setfield(L, -2, "kind");
    lua_pushstring(L, text ? text : "");
    lua_setfield(L, -2, "text");
    lua_pushinteger(L, (lua_Integer)kz_article_block_start(a, i) + 1);
    lua_setfield(L, -2, "start");
    lua_pushinteger(L, (lua_Integer)kz_article_block_end(a, i));
    lua_setfield(L, -2, "stop");
    if (dup >= 0) {
      lua_pushinteger(L, (lua_Integer)dup + 1);
      lua_setfield(L, -2, "duplicate_of");
    }
    lua_getfield(L, -1, "text");
    if (dup >= 0)
      lua_pop(L, 1);
    else if (kind == KZ_BLOCK_PARAGRAPH)
      lua_rawseti(L, tbl + 2, ++np);
    else if (kind == KZ_BLOCK_CAPTION)
      lua_rawseti(L, tbl + 3, ++nc);
    else if (kind == KZ_BLOCK_HEADING)
      lua_rawseti(L, tbl + 4, ++nh);
    else
      lua_pop(L, 1);
    lua_rawseti(L, tbl + 1, (lua_Integer)i + 1);
  }
  lua_setfield(L, tbl, "headings");
  lua_setfield(L, tbl, "captions");
  lua_setfield(L, tbl, "paragraphs");
  lua_setfield(L, tbl, "blocks");
}

/* kz.parse(path_or_string [, opts]) */
static int lkz_parse(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  kz_parse_options po;
  lkz_article *h;
  int path_mode, rc;

  lua_settop(L, 2);
  check_parse_opts(L, 2, &po, &path_mode); /* may leave option values */
  if (path_mode == 1 && memchr(s, '\0', len) != NULL)
    luaL_argerror(L, 1, "path contains a zero byte");
  if (path_mode == LKZ_PATH_AUTO) path_mode = names_file(s, len);

  h = lua_newuserdatauv(L, sizeof *h, 0);
  h->a = NULL;
  luaL_setmetatable(L, LKZ_ARTICLE);
  if (path_mode)
    rc = kz_article_parse_file(&h->a, s, &po);
  else
    rc = kz_article_parse(&h->a, s, len, &po);
  if (rc != KZ_OK) {
    h->a = NULL;
    return push_fail(L, rc, kz_last_errmsg());
  }
  push_article(L, h->a);
  kz_article_free(h->a); /* now rather than at the next collection */
  h->a = NULL;
  return 1;
}

/* ------------------------------------------------------------------------
 * kz.open: the corpus
 * ------------------------------------------------------------------------ */

/*
 * Every libkz object a call produces (kz_results, kz_kwic, kz_counts,
 * kz_doc) and every buffer its callbacks fill is owned by a holder
 * userdata while the Lua tables are built, so that a memory error raised
 * by the Lua API cannot leak it; the call frees it before it returns.
 * Nothing of libkz outlives a call, so the tables stay valid after the
 * corpus is closed, and "free the results before closing the corpus"
 * holds by construction.
 */

typedef struct lkz_corpus {
  kz_corpus *c; /* NULL when closed */
  int readonly;
  int busy;     /* in add_jsonl/add_dir: its progress function must not
                   use the corpus (libkz is in the middle of a write) */
} lkz_corpus;

enum { HOLD_NONE, HOLD_RESULTS, HOLD_KWIC, HOLD_COUNTS, HOLD_DOC,
       HOLD_COLLOC, HOLD_KEYNESS, HOLD_NGRAMS, HOLD_DISP, HOLD_DTM,
       HOLD_ENTITIES, HOLD_ARTICLE };

typedef struct lkz_hold {
  int kind;      /* HOLD_* */
  void *obj;
  char *buf;     /* records of keys / terms, back to back */
  size_t n, cap;
  size_t count;  /* records in buf */
  int nomem;
} lkz_hold;

static void hold_release(lkz_hold *h) {
  switch (h->kind) {
  case HOLD_RESULTS: kz_results_free(h->obj); break;
  case HOLD_KWIC: kz_kwic_free(h->obj); break;
  case HOLD_COUNTS: kz_counts_free(h->obj); break;
  case HOLD_DOC: kz_doc_free(h->obj); break;
  case HOLD_COLLOC: kz_colloc_free(h->obj); break;
  case HOLD_KEYNESS: kz_keyness_free(h->obj); break;
  case HOLD_NGRAMS: kz_ngrams_free(h->obj); break;
  case HOLD_DISP: kz_dispersion_free(h->obj); break;
  case HOLD_DTM: kz_dtm_free(h->obj); break;
  case HOLD_ENTITIES: kz_entities_free(h->obj); break;
  case HOLD_ARTICLE: kz_article_free(h->obj); break;
  default: break;
  }
  h->kind = HOLD_NONE;
  h->obj = NULL;
  free(h->buf);
  h->buf = NULL;
  h->n = h->cap = h->count = 0;
}

static int hold_gc(lua_State *L) {
  hold_release(luaL_checkudata(L, 1, LKZ_HOLD));
  return 0;
}

/* A new empty holder on the stack. */
static lkz_hold *new_hold(lua_State *L) {
  lkz_hold *h = lua_newuserdatauv(L, sizeof *h, 0);
  memset(h, 0, sizeof *h);
  luaL_setmetatable(L, LKZ_HOLD);
  return h;
}

static void hold_put(lkz_hold *h, const void *p, size_t n) {
  if (h->nomem || n == 0) return;
  if (grow((void **)&h->buf, &h->cap, h->n, n, 1)) {
    h->nomem = 1;
    return;
  }
  memcpy(h->buf + h->n, p, n);
  h->n += n;
}

static lkz_corpus *check_corpus(lua_State *L, int arg) {
  lkz_corpus *lc = luaL_checkudata(L, arg, LKZ_CORPUS);
  if (lc->c == NULL) luaL_error(L, "attempt to use a closed corpus");
  if (lc->busy)
    luaL_error(L, "attempt to use a corpus from its own progress function");
  return lc;
}

/* Push `true`, or the fail triple for a nonzero rc. */
static int push_status(lua_State *L, int rc) {
  if (rc != KZ_OK) return push_fail(L, rc, kz_last_errmsg());
  lua_pushboolean(L, 1);
  return 1;
}

/* A boolean option: absent gives dflt. */
static int opt_bool(lua_State *L, int arg, const char *name, int dflt) {
  int t = lua_getfield(L, arg, name), v = dflt;
  if (t == LUA_TBOOLEAN)
    v = lua_toboolean(L, -1);
  else if (t != LUA_TNIL)
    luaL_argerror(L, arg, lua_pushfstring(L,
                  "option '%s' must be a boolean, got %s", name,
                  luaL_typename(L, -1)));
  lua_pop(L, 1);
  return v;
}

/* A numeric option within [lo, hi]: absent gives dflt.  math.huge is
 * allowed when hi is HUGE_VAL. */
static double opt_number(lua_State *L, int arg, const char *name, double dflt,
                         double lo, double hi) {
  int t = lua_getfield(L, arg, name);
  double v = dflt;
  if (t == LUA_TNUMBER) {
    v = lua_tonumber(L, -1);
    if (!(v >= lo && v <= hi))
      luaL_argerror(L, arg, lua_pushfstring(L, "option '%s' is out of range",
                                            name));
  } else if (t != LUA_TNIL) {
    luaL_argerror(L, arg, lua_pushfstring(L,
                  "option '%s' must be a number, got %s", name,
                  luaL_typename(L, -1)));
  }
  lua_pop(L, 1);
  return v;
}

/* A string option that must be one of names[]; returns its index, or dflt
 * when absent. */
static int opt_choice(lua_State *L, int arg, const char *name,
                      const char *const names[], int dflt) {
  int t = lua_getfield(L, arg, name), i;
  if (t == LUA_TNIL) {
    lua_pop(L, 1);
    return dflt;
  }
  if (t == LUA_TSTRING) {
    const char *s = lua_tostring(L, -1);
    for (i = 0; names[i]; i++)
      if (strcmp(s, names[i]) == 0) {
        lua_pop(L, 1);
        return i;
      }
  }
  return luaL_argerror(L, arg, lua_pushfstring(L,
                       "option '%s': invalid value '%s'", name,
                       luaL_tolstring(L, -1, NULL)));
}

/* Seconds on a monotonic clock, for the progress bar. */
static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* kz.open(path [, opts]) */
static int lkz_open(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  kz_corpus_options co;
  lkz_opts o;
  lkz_corpus *lc;
  int rc;

  if (kz_corpus_options_init(&co, KZ_CORPUS_OPTIONS_VERSION) != 0)
    return luaL_error(L, "kz: cannot initialize corpus options");
  lua_settop(L, 2);
  if (!lua_isnil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    check_keys(L, 2, LKZ_OPT_OPEN);
  }
  check_opts(L, 2, LKZ_OPT_TOKEN | LKZ_OPT_OPEN, &o);
  co.analyzer_flags = o.topts.flags &
      (KZ_TOK_FOLD_DIACRITICS | KZ_TOK_STEM | KZ_TOK_POSSESSIVE);
  co.language = o.language[0] ? o.language : NULL;
  if (!lua_isnil(L, 2)) {
    int create = opt_bool(L, 2, "create", 0);
    int readonly = opt_bool(L, 2, "readonly", 0);
    if (create && readonly)
      luaL_argerror(L, 2, "options 'create' and 'readonly' exclude each other");
    co.flags = (create ? KZ_CORPUS_CREATE : 0) |
               (readonly ? KZ_CORPUS_READONLY : 0) |
               (opt_bool(L, 2, "verify", 1) ? 0 : KZ_CORPUS_NO_VERIFY);
    co.memory_budget = (size_t)opt_number(L, 2, "memory_budget", 0, 0,
                                          (double)(SIZE_MAX / 2));
    co.bm25_k1 = opt_number(L, 2, "k1", 0, 0, 100);
    co.bm25_b = opt_number(L, 2, "b", 0, 0, 1);
  }
  lc = lua_newuserdatauv(L, sizeof *lc, 0);
  memset(lc, 0, sizeof *lc);
  lc->readonly = (co.flags & KZ_CORPUS_READONLY) != 0;
  luaL_setmetatable(L, LKZ_CORPUS);
  rc = kz_corpus_open(&lc->c, path, &co);
  if (rc != KZ_OK) {
    lc->c = NULL;
    return push_fail(L, rc, kz_last_errmsg());
  }
  return 1;
}

/* c:close(), __close and __gc: uncommitted changes are discarded. */
static int corpus_close(lua_State *L) {
  lkz_corpus *lc = luaL_checkudata(L, 1, LKZ_CORPUS);
  if (lc->busy)
    return luaL_error(L, "attempt to close a corpus from its own progress "
                         "function");
  kz_corpus_close(lc->c);
  lc->c = NULL;
  return 0;
}

static int corpus_tostring(lua_State *L) {
  lkz_corpus *lc = luaL_checkudata(L, 1, LKZ_CORPUS);
  if (lc->c == NULL)
    lua_pushliteral(L, "kz.Corpus (closed)");
  else
    lua_pushfstring(L, "kz.Corpus (%I docs%s)",
                    (lua_Integer)kz_corpus_count_docs(lc->c),
                    lc->readonly ? ", readonly" : "");
  return 1;
}

/* #c: the committed documents */
static int corpus_len(lua_State *L) {
  lkz_corpus *lc = check_corpus(L, 1);
  lua_pushinteger(L, (lua_Integer)kz_corpus_count_docs(lc->c));
  return 1;
}

/* --- Adding --- */

/* c:add(path_or_text [, meta]): with meta.key, s is the text; otherwise s
 * is a file (meta.path = true forces that). */
static int corpus_add(lua_State *L) {
  static const char *const fields[] = {"title", "date", "source", "author",
                                       "url", "language", "caption",
                                       "heading", NULL};
  lkz_corpus *lc = check_corpus(L, 1);
  size_t len, klen = 0;
  const char *s = luaL_checklstring(L, 2, &len), *key = NULL;
  kz_doc_meta meta = KZ_DOC_META_INIT;
  const char **slot[8];
  int i, nmeta = 0, path_mode = LKZ_PATH_AUTO, rc;

  lua_settop(L, 3);
  luaL_checkstack(L, 24, "kz: add");
  slot[0] = &meta.title;
  slot[1] = &meta.date;
  slot[2] = &meta.source;
  slot[3] = &meta.author;
  slot[4] = &meta.url;
  slot[5] = &meta.language;
  slot[6] = &meta.caption;
  slot[7] = &meta.heading;
  if (!lua_isnil(L, 3)) {
    int t;
    luaL_checktype(L, 3, LUA_TTABLE);
    check_keys(L, 3, LKZ_OPT_ADD);
    t = lua_getfield(L, 3, "key");
    if (t == LUA_TSTRING || t == LUA_TNUMBER) {
      key = lua_tolstring(L, -1, &klen); /* stays on the stack */
    } else if (t != LUA_TNIL) {
      luaL_argerror(L, 3, "'key' must be a string");
    } else {
      lua_pop(L, 1);
    }
    t = lua_getfield(L, 3, "path");
    if (t == LUA_TBOOLEAN)
      path_mode = lua_toboolean(L, -1);
    else if (t != LUA_TNIL)
      luaL_argerror(L, 3, "option 'path' must be a boolean");
    lua_pop(L, 1);
    for (i = 0; fields[i]; i++) {
      if (i == 3 && lua_getfield(L, 3, "author") == LUA_TTABLE) {
        /* several authors: joined by "; " */
        luaL_Buffer b;
        lua_Integer k, n = luaL_len(L, -1);
        int tbl = lua_gettop(L);
        luaL_buffinit(L, &b);
        for (k = 1; k <= n; k++) {
          if (lua_geti(L, tbl, k) != LUA_TSTRING)
            luaL_argerror(L, 3, "'author' must be a string or an array of "
                                "strings");
          if (k > 1) luaL_addstring(&b, "; ");
          luaL_addvalue(&b);
        }
        luaL_pushresult(&b);
        *slot[i] = lua_tostring(L, -1); /* stays on the stack */
        nmeta++;
        continue;
      } else if (i == 3) {
        lua_pop(L, 1);
      }
      *slot[i] = opt_string(L, 3, fields[i]);
      if (*slot[i]) nmeta++;
    }
  }
  if (key != NULL) {
    if (path_mode == 1)
      luaL_argerror(L, 3, "a file is added under its own path: "
                          "no 'key' with path = true");
    rc = kz_corpus_add_text(lc->c, key, klen, s, len, &meta);
    return push_status(L, rc);
  }
  if (nmeta > 0)
    luaL_argerror(L, 3, "metadata is for a text added with 'key'; a "
                        "file's metadata comes from the article parser");
  if (path_mode == 0)
    luaL_argerror(L, 3, "a text needs 'key'");
  if (memchr(s, '\0', len) != NULL)
    luaL_argerror(L, 2, "path contains a zero byte");
  if (path_mode == LKZ_PATH_AUTO && !names_file(s, len)) {
    if (memchr(s, '\n', len) != NULL)
      luaL_argerror(L, 3, "a text needs 'key'");
    lua_pushfstring(L, "%s: no such file (to add a text, give 'key')", s);
    return push_fail(L, KZ_ENOTFOUND, lua_tostring(L, -1));
  }
  return push_status(L, kz_corpus_add_file(lc->c, s));
}

/* Progress of c:add_jsonl and c:add_dir: a plain bar on stderr
 * (progress = true) or a Lua function f(done_bytes, total_bytes, docs)
 * that may return false to stop.  The function runs under lua_pcall:
 * an error stops libkz, and is raised again once libkz has returned. */
typedef struct lkz_progress {
  lua_State *L;
  int fn;        /* stack index of the function, or 0 */
  int bar;
  const char *desc;
  uint64_t done, total, docs;
  double next;
  int drawn;
  int err;       /* the function raised: its error is on top of the stack */
  int stopped;   /* the function returned false */
} lkz_progress;

static void draw_bar(lkz_progress *p, int final) {
  if (p->total > 0) {
    uint64_t pct = p->done >= p->total ? 100 : p->done * 100 / p->total;
    fprintf(stderr, "\r%s %3u%% %.1f/%.1f MB, %llu docs%s", p->desc,
            (unsigned)pct, (double)p->done / 1e6, (double)p->total / 1e6,
            (unsigned long long)p->docs, final ? "\n" : "");
  } else {
    fprintf(stderr, "\r%s %.1f MB, %llu docs%s", p->desc,
            (double)p->done / 1e6, (unsigned long long)p->docs,
            final ? "\n" : "");
  }
  fflush(stderr);
  p->drawn = 1;
}

static int progress_cb(uint64_t done, uint64_t total, uint64_t docs,
                       void *payload) {
  lkz_progress *p = payload;
  p->done = done;
  p->total = total;
  p->docs = docs;
  if (p->bar) {
    double now = now_seconds();
    if (now >= p->next) {
      p->next = now + 0.2;
      draw_bar(p, 0);
    }
  }
  if (p->fn) {
    lua_State *L = p->L;
    int stop;
    lua_pushvalue(L, p->fn);
    lua_pushinteger(L, (lua_Integer)done);
    lua_pushinteger(L, (lua_Integer)total);
    lua_pushinteger(L, (lua_Integer)docs);
    if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
      p->err = 1;
      return 1;
    }
    stop = lua_type(L, -1) == LUA_TBOOLEAN && !lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (stop) {
      p->stopped = 1;
      return 1;
    }
  }
  return 0;
}

/* The common body of c:add_jsonl(path [, opts]) and c:add_dir. */
static int bulk_add(lua_State *L, int is_dir) {
  lkz_corpus *lc = check_corpus(L, 1);
  const char *path = luaL_checkstring(L, 2);
  lkz_progress p;
  uint64_t count = 0;
  unsigned int flags = 0;
  int rc;

  lua_settop(L, 3);
  memset(&p, 0, sizeof p);
  p.L = L;
  p.desc = is_dir ? "add_dir" : "add_jsonl";
  p.next = now_seconds() + 0.2;
  if (!lua_isnil(L, 3)) {
    int t;
    luaL_checktype(L, 3, LUA_TTABLE);
    check_keys(L, 3, LKZ_OPT_BULK);
    if (opt_bool(L, 3, "strict", 0)) {
      if (is_dir) luaL_argerror(L, 3, "option 'strict' is for add_jsonl");
      flags |= KZ_JSONL_STRICT;
    }
    t = lua_getfield(L, 3, "progress"); /* index 4 */
    if (t == LUA_TFUNCTION)
      p.fn = 4;
    else if (t == LUA_TBOOLEAN)
      p.bar = lua_toboolean(L, -1);
    else if (t != LUA_TNIL)
      luaL_argerror(L, 3, "option 'progress' must be a boolean or a "
                          "function");
  }
  luaL_checkstack(L, 8, "kz: progress callback");
  lc->busy = 1;
  if (is_dir) {
    /* "dir/" would give keys "dir//file" */
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--;
    path = lua_pushlstring(L, path, n); /* kept on the stack */
    rc = kz_corpus_add_dir(lc->c, path, &count, progress_cb, &p);
  } else {
    rc = kz_corpus_add_jsonl(lc->c, path, flags, &count, progress_cb, &p);
  }
  lc->busy = 0;
  if (p.err) return lua_error(L); /* the function's error, on top */
  if (p.bar && (rc == KZ_OK || p.drawn)) draw_bar(&p, 1);
  if (rc != KZ_OK && !p.stopped) return push_fail(L, rc, kz_last_errmsg());
  lua_pushinteger(L, (lua_Integer)p.docs);
  lua_pushinteger(L, (lua_Integer)count);
  return 2;
}

/* c:add_jsonl(path [, {strict=, progress=}]) -> added, skipped */
static int corpus_add_jsonl(lua_State *L) { return bulk_add(L, 0); }

/* c:add_dir(path [, {progress=}]) -> added, failed */
static int corpus_add_dir(lua_State *L) { return bulk_add(L, 1); }

static int corpus_delete(lua_State *L) {
  lkz_corpus *lc = check_corpus(L, 1);
  size_t len;
  const char *key = luaL_checklstring(L, 2, &len);
  return push_status(L, kz_corpus_delete(lc->c, key, len));
}

static int corpus_commit(lua_State *L) {
  return push_status(L, kz_corpus_commit(check_corpus(L, 1)->c));
}

static int corpus_optimize(lua_State *L) {
  return push_status(L, kz_corpus_optimize(check_corpus(L, 1)->c));
}

static int corpus_refresh(lua_State *L) {
  return push_status(L, kz_corpus_refresh(check_corpus(L, 1)->c));
}

static int corpus_stats(lua_State *L) {
  lkz_corpus *lc = check_corpus(L, 1);
  kz_corpus_stats st;
  int rc = kz_corpus_stats_get(lc->c, &st);
  if (rc != KZ_OK) return push_fail(L, rc, kz_last_errmsg());
  lua_createtable(L, 0, 9);
#define STAT(f)                                 \
  lua_pushinteger(L, (lua_Integer)st.f);        \
  lua_setfield(L, -2, #f)
  STAT(generation);
  STAT(docs);
  STAT(deleted);
  STAT(segments);
  STAT(terms);
  STAT(tokens);
  STAT(bytes_postings);
  STAT(bytes_store);
  STAT(bytes_total);
#undef STAT
  return 1;
}

/* --- Searching --- */

/* Set t[name] = s[0..n), or leave it nil when empty and skip_empty. */
static void set_lstring(lua_State *L, const char *name, const char *s,
                        size_t n, int skip_empty) {
  if (n == 0 && skip_empty) return;
  lua_pushlstring(L, n ? s : "", n);
  lua_setfield(L, -2, name);
}

static void set_num(lua_State *L, const char *name, double v) {
  lua_pushnumber(L, v);
  lua_setfield(L, -2, name);
}

static void set_int(lua_State *L, const char *name, uint64_t v) {
  lua_pushinteger(L, (lua_Integer)v);
  lua_setfield(L, -2, name);
}

static const char *const field_names[] = {"title", "body", "caption",
                                          "heading", "key", "date", "source",
                                          "author", "url", "language"};

/* Rows of libkz results as Lua tables, described by a field table: the
 * field `name` is read from the C record at `off` (for strings, a pointer
 * there and its size_t length at `len`) and set as `kind` says. */
enum {
  LF_STR,     /* string */
  LF_STR_NIL, /* string, left out (nil) when empty */
  LF_U64,     /* uint64_t: integer */
  LF_U32,     /* uint32_t: integer */
  LF_NUM,     /* double: number */
  LF_START,   /* size_t byte offset: 1-based index (offset + 1) */
  LF_SIZE,    /* size_t: integer */
  LF_FIELD    /* int kz_field: its name */
};

typedef struct {
  const char *name;
  int kind;
  size_t off, len;
} lkz_field;

#define LF_VAL(name, kind, type, m) {name, kind, offsetof(type, m), 0}
#define LF_TXT(name, kind, type, m, len) \
  {name, kind, offsetof(type, m), offsetof(type, len)}
#define LF_N(a) (int)(sizeof(a) / sizeof *(a))

/* Push a table of the fields f[0..n) of the record rec. */
static void push_record(lua_State *L, const void *rec, const lkz_field *f,
                        int n) {
  const char *r = rec;
  int k;
  lua_createtable(L, 0, n);
  for (k = 0; k < n; k++) {
    const char *at = r + f[k].off, *s;
    size_t len, z;
    uint64_t u;
    uint32_t u32;
    double d;
    int field;
    switch (f[k].kind) {
    case LF_STR:
    case LF_STR_NIL:
      memcpy(&s, at, sizeof s);
      memcpy(&len, r + f[k].len, sizeof len);
      set_lstring(L, f[k].name, s, len, f[k].kind == LF_STR_NIL);
      break;
    case LF_U64: memcpy(&u, at, sizeof u); set_int(L, f[k].name, u); break;
    case LF_U32:
      memcpy(&u32, at, sizeof u32);
      set_int(L, f[k].name, u32);
      break;
    case LF_NUM: memcpy(&d, at, sizeof d); set_num(L, f[k].name, d); break;
    case LF_START:
    case LF_SIZE:
      memcpy(&z, at, sizeof z);
      set_int(L, f[k].name, (uint64_t)z + (f[k].kind == LF_START));
      break;
    default:
      memcpy(&field, at, sizeof field);
      lua_pushstring(L, field >= 0 && field < KZ_FIELD_COUNT
                            ? field_names[field] : "unknown");
      lua_setfield(L, -2, f[k].name);
      break;
    }
  }
}

/* libkz's row getters with the type push_rows() takes. */
#define ROW_GETTER(name, fn) \
  static int name(const void *res, size_t i, void *row) { \
    return fn(res, i, row); \
  }
ROW_GETTER(kwic_get, kz_kwic_row_get)
ROW_GETTER(colloc_get, kz_colloc_row_get)
ROW_GETTER(keyness_get, kz_keyness_row_get)
ROW_GETTER(ngrams_get, kz_ngrams_row_get)
ROW_GETTER(dispersion_doc_get, kz_dispersion_doc_get)

/* Push the array of the n rows get(res, i, rec) fills in (up to the first
 * failing one), with room for nrec named fields besides. */
static void push_rows(lua_State *L, const void *res, size_t n,
                      int (*get)(const void *, size_t, void *), void *rec,
                      const lkz_field *f, int nf, int nrec) {
  size_t i;
  lua_createtable(L, size_hint(n), nrec);
  for (i = 0; i < n && get(res, i, rec) == KZ_OK; i++) {
    push_record(L, rec, f, nf);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* Push the array of {start, stop} highlight pairs of the current hit
 * (1-based, inclusive byte indices). */
static void push_highlights(lua_State *L, kz_results *r, int body) {
  size_t i, n = body ? kz_results_body_highlight_count(r)
                     : kz_results_highlight_count(r);
  lua_createtable(L, size_hint(n), 0);
  for (i = 0; i < n; i++) {
    size_t a, b;
    if ((body ? kz_results_body_highlight(r, i, &a, &b)
              : kz_results_highlight(r, i, &a, &b)) != KZ_OK)
      continue;
    lua_createtable(L, 2, 0);
    lua_pushinteger(L, (lua_Integer)a + 1);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, (lua_Integer)b);
    lua_rawseti(L, -2, 2);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

static const char *const search_sorts[] = {"score", "newest", "oldest",
                                           "date", NULL};

/* Run the search of c:search / c:search_all and push the table of hits
 * (fields total, exact), or the fail triple (returns 3). */
static int do_search(lua_State *L) {
  lkz_corpus *lc = check_corpus(L, 1);
  size_t qlen;
  const char *q = luaL_checklstring(L, 2, &qlen);
  kz_search_options so;
  uint64_t ndocs = kz_corpus_count_docs(lc->c);
  lkz_hold *h;
  kz_results *r;
  int want_body = 0, exact = 1, rc;
  lua_Integer i = 0;

  lua_settop(L, 3);
  kz_search_options_init(&so, KZ_SEARCH_OPTIONS_VERSION);
  so.limit = 10;
  if (!lua_isnil(L, 3)) {
    double limit;
    static const int sorts[] = {KZ_SORT_SCORE, KZ_SORT_DATE_DESC,
                                KZ_SORT_DATE_ASC, KZ_SORT_DATE_DESC};
    luaL_checktype(L, 3, LUA_TTABLE);
    check_keys(L, 3, LKZ_OPT_SEARCH);
    limit = opt_number(L, 3, "limit", 10, 1, HUGE_VAL);
    so.limit = limit >= (double)ndocs ? (size_t)ndocs : (size_t)limit;
    so.offset = (size_t)opt_number(L, 3, "offset", 0, 0, 1e15);
    so.sort = sorts[opt_choice(L, 3, "sort", search_sorts, 0)];
    if (!opt_bool(L, 3, "snippets", 1)) so.flags |= KZ_SEARCH_NO_SNIPPETS;
    want_body = opt_bool(L, 3, "body", 0);
  }
  if (so.limit > ndocs) so.limit = (size_t)ndocs;
  if (so.limit == 0) so.limit = 1; /* 0 would mean 10 to libkz */
  h = new_hold(L);
  rc = kz_corpus_search(&r, lc->c, q, qlen, &so);
  if (rc != KZ_OK) return push_fail(L, rc, kz_last_errmsg());
  h->kind = HOLD_RESULTS;
  h->obj = r;
  lua_createtable(L, size_hint(kz_results_count(r)), 2);
  lua_pushinteger(L, (lua_Integer)kz_results_total(r, &exact));
  lua_setfield(L, -2, "total");
  lua_pushboolean(L, exact);
  lua_setfield(L, -2, "exact");
  while ((rc = kz_results_next(r)) == KZ_OK) {
    static const struct { int field; const char *name; } f[] = {
      {KZ_FIELD_KEY, "key"},        {KZ_FIELD_TITLE, "title"},
      {KZ_FIELD_SOURCE, "source"},  {KZ_FIELD_DATE, "date"},
      {KZ_FIELD_AUTHOR, "author"},  {KZ_FIELD_URL, "url"},
      {KZ_FIELD_LANGUAGE, "language"}};
    size_t k, n;
    const char *s;
    lua_createtable(L, 0, 12);
    for (k = 0; k < sizeof f / sizeof f[0]; k++) {
      s = kz_results_field(r, f[k].field, &n);
      set_lstring(L, f[k].name, s, s ? n : 0, f[k].field != KZ_FIELD_KEY);
    }
    lua_pushnumber(L, kz_results_score(r));
    lua_setfield(L, -2, "score");
    s = kz_results_snippet(r, &n);
    set_lstring(L, "snippet", s, s ? n : 0, 0);
    push_highlights(L, r, 0);
    lua_setfield(L, -2, "highlights");
    push_highlights(L, r, 1);
    lua_setfield(L, -2, "body_highlights");
    if (want_body) {
      s = kz_results_field(r, KZ_FIELD_BODY, &n);
      set_lstring(L, "body", s, s ? n : 0, 0);
    }
    lua_rawseti(L, -2, ++i);
  }
  hold_release(h);
  if (rc != KZ_ITEROVER) return push_fail(L, rc, kz_last_errmsg());
  return 1;
}

/* c:search_all(q [, opts]) -> array of hits with .total and .exact */
static int corpus_search_all(lua_State *L) {
  return do_search(L);
}

static int search_iter(lua_State *L) {
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(2)) + 1;
  lua_pushinteger(L, i);
  lua_replace(L, lua_upvalueindex(2));
  lua_rawgeti(L, lua_upvalueindex(1), i); /* nil after the last */
  return 1;
}

/* c:search(q [, opts]) -> an iterator over the hits, for a generic for.
 * Like io.lines, it raises an error (a bad query) instead of returning
 * fail, which a for loop would not show. */
static int corpus_search(lua_State *L) {
  if (do_search(L) != 1)
    return luaL_error(L, "%s", lua_tostring(L, -2));
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, search_iter, 2);
  return 1;
}

static int collect_key(const char *key, size_t len, void *payload) {
  lkz_hold *h = payload;
  hold_put(h, &len, sizeof len);
  hold_put(h, key, len);
  if (h->nomem) return KZ_ENOMEM;
  h->count++;
  return 0;
}

/* c:keys(q) -> array of every matching key, unranked */
static int corpus_keys(lua_State *L) {
  lkz_corpus *lc = check_corpus(L, 1);
  size_t qlen, i, off = 0;
  const char *q = luaL_checklstring(L, 2, &qlen);
  lkz_hold *h = new_hold(L);
  int rc = kz_corpus_keys(lc->c, q, qlen, collect_key, h);
  if (rc != KZ_OK)
    return push_fail(L, rc, rc == KZ_ENOMEM ? NULL : kz_last_errmsg());
  lua_createtable(L, size_hint(h->count), 0);
  for (i = 0; i < h->count; i++) {
    size_t len;
    memcpy(&len, h->buf + off, sizeof len);
    lua_pushlstring(L, h->buf + off + sizeof len, len);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
    off += sizeof len + len;
  }
  hold_release(h);
  return 1;
}

static const char *const kwic_sorts[] = {"none", "left", "right", "match",
                                         NULL};

static const lkz_field kwic_fields[] = {
  LF_TXT("doc", LF_STR, kz_kwic_row, key, key_len),
  LF_TXT("left", LF_STR, kz_kwic_row, left, left_len),
  LF_TXT("match", LF_STR, kz_kwic_row, match, match_len),
  LF_TXT("right", LF_STR, kz_kwic_row, right, right_len),
  LF_VAL("start", LF_START, kz_kwic_row, start),
  LF_VAL("stop", LF_SIZE, kz_kwic_row, end),
  LF_VAL("field", LF_FIELD, kz_kwic_row, field)};

/* c:kwic(q [, opts]) -> array of {doc, left, match, right, start, stop,
 * field}; start and stop are 1-based inclusive byte indices of the match
 * in the stored field. */
static int corpus_kwic(lua_State *L) {
  lkz_corpus *lc = check_corpus(L, 1);
  size_t qlen;
  const char *q = luaL_checklstring(L, 2, &qlen);
  kz_kwic_options ko;
  kz_kwic_row row;
  lkz_hold *h;
  kz_kwic *k;
  int rc;

  lua_settop(L, 3);
  kz_kwic_options_init(&ko, KZ_KWIC_OPTIONS_VERSION);
  ko.width = 0;
  if (!lua_isnil(L, 3)) {
    double limit;
    luaL_checktype(L, 3, LUA_TTABLE);
    check_keys(L, 3, LKZ_OPT_KWIC);
    ko.width = (unsigned int)opt_number(L, 3, "width", 0, 1, 100000);
    ko.sort = opt_choice(L, 3, "sort", kwic_sorts, 0); /* kz_kwic_sort */
    if (opt_bool(L, 3, "chars", 0)) ko.flags |= KZ_KWIC_CHARS;
    limit = opt_number(L, 3, "limit", HUGE_VAL, 1, HUGE_VAL);
    ko.limit = limit == HUGE_VAL ? 0 : (size_t)limit;
  }
  h = new_hold(L);
  rc = kz_corpus_kwic(&k, lc->c, q, qlen, &ko);
  if (rc != KZ_OK) return push_fail(L, rc, kz_last_errmsg());
  h->kind = HOLD_KWIC;
  h->obj = k;
  push_rows(L, k, kz_kwic_count(k), kwic_get, &row, kwic_fields,
            LF_N(kwic_fields), 0);
  hold_release(h);
  return 1;
}

static const char *const count_by[] = {"all", "source", "day", "week",
                                       "month", "year", "doc", "date", "key",
                                       NULL};

static const lkz_field count_fields[] = {
  LF_TXT("group", LF_STR, kz_count_row, group, group_len),
  LF_VAL("docs", LF_U64, kz_count_row, docs),
  LF_VAL("matches", LF_U64, kz_count_row, matches),
  LF_VAL("group_docs", LF_U64, kz_count_row, group_docs),
  LF_VAL("group_words", LF_U64, kz_count_row, group_words),
  LF_VAL("per_million", LF_NUM, kz_count_row, per_million)};

/* c:count(q [, {by=, per_million=}]) -> array of {group, docs, matches, group_docs,
 * group_words, per_million} with the fields total_docs, total_matches and
 * groups (group name -> row). */
static int corpus_count(lua_State *L) {
  static const int by_value[] = {KZ_COUNT_ALL, KZ_COUNT_SOURCE, KZ_COUNT_DAY,
                                 KZ_COUNT_WEEK, KZ_COUNT_MONTH, KZ_COUNT_YEAR,
                                 KZ_COUNT_DOC, KZ_COUNT_DAY, KZ_COUNT_DOC};
  lkz_corpus *lc = check_corpus(L, 1);
  size_t qlen, i, n;
  const char *q = luaL_checklstring(L, 2, &qlen);
  int by = KZ_COUNT_SOURCE, rc, tbl;
  unsigned int ignored = 0;
  uint64_t tdocs = 0, tmatches = 0;
  lkz_hold *h;
  kz_counts *k;

  lua_settop(L, 3);
  if (!lua_isnil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    check_keys(L, 3, LKZ_OPT_COUNT);
    by = by_value[opt_choice(L, 3, "by", count_by, 1)];
    /* Every row carries per_million; the option is accepted (and checked)
     * so that code written after Python's count(per_million=True) runs. */
    opt_flag(L, 3, "per_million", &ignored, 1, 1);
  }
  h = new_hold(L);
  rc = kz_corpus_count(&k, lc->c, q, qlen, by);
  if (rc != KZ_OK) return push_fail(L, rc, kz_last_errmsg());
  h->kind = HOLD_COUNTS;
  h->obj = k;
  n = kz_counts_size(k);
  lua_createtable(L, size_hint(n), 3);
  tbl = lua_gettop(L);
  lua_createtable(L, 0, size_hint(n)); /* groups */
  for (i = 0; i < n; i++) {
    kz_count_row row;
    if (kz_counts_row(k, i, &row) != KZ_OK) break;
    push_record(L, &row, count_fields, LF_N(count_fields));
    lua_pushlstring(L, row.group_len ? row.group : "", row.group_len);
    lua_pushvalue(L, -2);
    lua_settable(L, tbl + 1);
    lua_rawseti(L, tbl, (lua_Integer)i + 1);
    tdocs += row.docs;
    tmatches += row.matches;
  }
  lua_setfield(L, tbl, "groups");
  lua_pushinteger(L, (lua_Integer)tdocs);
  lua_setfield(L, tbl, "total_docs");
  lua_pushinteger(L, (lua_Integer)tmatches);
  lua_setfield(L, tbl, "total_matches");
  hold_release(h);
  return 1;
}

/* c:doc(key) -> table of the stored fields (empty ones are nil, except the
 * body), with the lists of the document's article (set_article_lists()) */
static int corpus_doc(lua_State *L) {
  lkz_corpus *lc = check_corpus(L, 1);
  size_t klen;
  const char *key = luaL_checklstring(L, 2, &klen);
  lkz_hold *h = new_hold(L);
  kz_doc *d;
  kz_article *a = NULL;
  int f, rc = kz_corpus_doc(&d, lc->c, key, klen);
  if (rc != KZ_OK) return push_fail(L, rc, kz_last_errmsg());
  h->kind = HOLD_DOC;
  h->obj = d;
  lua_createtable(L, 0, KZ_FIELD_COUNT + 5);
  for (f = 0; f < KZ_FIELD_COUNT; f++) {
    size_t n = 0;
    const char *s = kz_doc_field(d, f, &n);
    set_lstring(L, field_names[f], s, s ? n : 0, f != KZ_FIELD_BODY);
  }
  /* and the document as an article, as kz.parse() gives it */
  rc = kz_doc_article(&a, d);
  hold_release(h);
  if (rc != KZ_OK) return push_fail(L, rc, kz_last_errmsg());
  h->kind = HOLD_ARTICLE;
  h->obj = a;
  set_article_lists(L, a, lua_gettop(L));
  hold_release(h);
  return 1;
}

static int collect_term(const char *term, size_t len, uint64_t tf,
                        uint64_t df, void *payload) {
  lkz_hold *h = payload;
  hold_put(h, &len, sizeof len);
  hold_put(h, &tf, sizeof tf);
  hold_put(h, &df, sizeof df);
  hold_put(h, term, len);
  if (h->nomem) return KZ_ENOMEM;
  h->count++;
  return 0;
}

/* c:vocabulary([filter]) -> array of {term, tf, df} */
static int corpus_vocabulary(lua_State *L) {
  lkz_corpus *lc = check_corpus(L, 1);
  size_t qlen = 0, i, off = 0;
  const char *q = luaL_optlstring(L, 2, NULL, &qlen);
  lkz_hold *h = new_hold(L);
  int rc = kz_corpus_vocabulary(lc->c, q, qlen, collect_term, h);
  if (rc != KZ_OK)
    return push_fail(L, rc, rc == KZ_ENOMEM ? NULL : kz_last_errmsg());
  lua_createtable(L, size_hint(h->count), 0);
  for (i = 0; i < h->count; i++) {
    size_t len;
    uint64_t tf, df;
    memcpy(&len, h->buf + off, sizeof len);
    memcpy(&tf, h->buf + off + sizeof len, sizeof tf);
    memcpy(&df, h->buf + off + sizeof len + sizeof tf, sizeof df);
    off += sizeof len + sizeof tf + sizeof df;
    lua_createtable(L, 0, 3);
    lua_pushlstring(L, h->buf + off, len);
    lua_setfield(L, -2, "term");
    lua_pushinteger(L, (lua_Integer)tf);
    lua_setfield(L, -2, "tf");
    lua_pushinteger(L, (lua_Integer)df);
    lua_setfield(L, -2, "df");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
    off += len;
  }
  hold_release(h);
  return 1;
}

/* ------------------------------------------------------------------------
 * Analysis: collocations, keyness, n-grams, dispersion, the document-term
 * matrix, and quotes, numbers and entities over the corpus
 * ------------------------------------------------------------------------ */

/* A query-like option (filter=) of the table at arg, or NULL. */
static const char *opt_query(lua_State *L, int arg, const char *name,
                             size_t *len) {
  int t = lua_getfield(L, arg, name);
  const char *s = NULL;
  *len = 0;
  if (t == LUA_TSTRING)
    s = lua_tolstring(L, -1, len); /* stays valid: the table holds it */
  else if (t != LUA_TNIL)
    luaL_argerror(L, arg, lua_pushfstring(L,
                  "option '%s' must be a string, got %s", name,
                  luaL_typename(L, -1)));
  lua_pop(L, 1);
  return s;
}

/* The options shared by the statistics: filter, min_freq, stopwords,
 * numbers, limit. */
static void stats_opts(lua_State *L, int arg, int which, kz_stats_options *o,
                       double dflt_min) {
  double v;
  int t;
  kz_stats_options_init(o, KZ_STATS_OPTIONS_VERSION);
  o->min_freq = (uint64_t)dflt_min;
  if (lua_isnoneornil(L, arg)) return;
  luaL_checktype(L, arg, LUA_TTABLE);
  check_keys(L, arg, which);
  o->filter = opt_query(L, arg, "filter", &o->filter_len);
  o->min_freq = (uint64_t)opt_number(L, arg, "min_freq", dflt_min, 0, 1e18);
  v = opt_number(L, arg, "limit", HUGE_VAL, 1, HUGE_VAL);
  o->limit = v == HUGE_VAL ? 0 : (size_t)v;
  t = lua_getfield(L, arg, "stopwords");
  if (t == LUA_TBOOLEAN) {
    if (lua_toboolean(L, -1)) o->flags |= KZ_STATS_SKIP_STOPWORDS;
  } else if (t == LUA_TSTRING && (which & LKZ_OPT_NGRAMS) &&
             strcmp(lua_tostring(L, -1), "edges") == 0) {
    o->flags |= KZ_STATS_STOP_EDGES;
  } else if (t != LUA_TNIL) {
    luaL_argerror(L, arg, "option 'stopwords' must be a boolean (or "
                          "'edges' for n-grams)");
  }
  lua_pop(L, 1);
  if (!opt_bool(L, arg, "numbers", 1)) o->flags |= KZ_STATS_SKIP_NUMBERS;
}

static const char *const measures[] = {"logdice", "mi", "t", "g2", "freq",
                                       NULL};

static const lkz_field colloc_fields[] = {
  LF_TXT("term", LF_STR, kz_colloc_row, term, term_len),
  LF_VAL("observed", LF_U64, kz_colloc_row, observed),
  LF_VAL("expected", LF_NUM, kz_colloc_row, expected),
  LF_VAL("mi", LF_NUM, kz_colloc_row, mi),
  LF_VAL("t_score", LF_NUM, kz_colloc_row, t_score),
  LF_VAL("g2", LF_NUM, kz_colloc_row, g2),
  LF_VAL("log_dice", LF_NUM, kz_colloc_row, log_dice),
  LF_VAL("freq", LF_U64, kz_colloc_row, freq),
  LF_VAL("left", LF_U64, kz_colloc_row, left),
  LF_VAL("right", LF_U64, kz_colloc_row, right),
  LF_VAL("docs", LF_U64, kz_colloc_row, docs)};

static const lkz_field keyword_fields[] = {
  LF_TXT("term", LF_STR, kz_keyword_row, term, term_len),
  LF_VAL("freq_target", LF_U64, kz_keyword_row, freq_target),
  LF_VAL("freq_reference", LF_U64, kz_keyword_row, freq_reference),
  LF_VAL("g2", LF_NUM, kz_keyword_row, g2),
  LF_VAL("p", LF_NUM, kz_keyword_row, p),
  LF_VAL("log_ratio", LF_NUM, kz_keyword_row, log_ratio),
  LF_VAL("pct_diff", LF_NUM, kz_keyword_row, pct_diff),
  LF_VAL("expected", LF_NUM, kz_keyword_row, expected),
  LF_VAL("docs_target", LF_U64, kz_keyword_row, docs_target),
  LF_VAL("docs_reference", LF_U64, kz_keyword_row, docs_reference)};

static const lkz_field ngram_fields[] = {
  LF_TXT("ngram", LF_STR, kz_ngram_row, text, text_len),
  LF_VAL("freq", LF_U64, kz_ngram_row, freq),
  LF_VAL("docs", LF_U64, kz_ngram_row, docs)};

static const lkz_field dispersion_doc_fields[] = {
  LF_TXT("doc", LF_STR, kz_dispersion_doc, key, key_len),
  LF_TXT("date", LF_STR_NIL, kz_dispersion_doc, date, date_len),
  LF_TXT("source", LF_STR_NIL, kz_dispersion_doc, source, source_len),
  LF_VAL("tokens", LF_U64, kz_dispersion_doc, tokens),
  LF_VAL("hits", LF_U64, kz_dispersion_doc, hits)};

static const lkz_field dispersion_hit_fields[] = {
  LF_VAL("position", LF_U32, kz_dispersion_hit, position),
  LF_VAL("field_tokens", LF_U32, kz_dispersion_hit, field_tokens),
  LF_VAL("start", LF_START, kz_dispersion_hit, start),
  LF_VAL("stop", LF_SIZE, kz_dispersion_hit, end)};

/* c:collocations(q [, opts]) -> array of {term, observed, expected, mi,
 * t_score, g2, log_dice, freq, left, right, docs} with the fields
 * node_freq, node_docs, window_tokens, corpus_tokens.  opts: window (both
 * sides) or left/right, measure, min_freq (default 3), filter, stopwords,
 * numbers, limit. */
static int corpus_collocations(lua_State *L) {
  lkz_corpus *lc = check_corpus(L, 1);
  size_t qlen;
  const char *q = luaL_checklstring(L, 2, &qlen);
  kz_stats_options o;
  kz_colloc_row row;
  lkz_hold *h;
  kz_colloc *r;
  int rc;
  lua_settop(L, 3);
  stats_opts(L, 3, LKZ_OPT_COLLOC, &o, 3);
  o.left = o.right = 5;
  if (!lua_isnil(L, 3)) {
    double w = opt_number(L, 3, "window", 5, 1, 1000);
    o.left = (unsigned)opt_number(L, 3, "left", w, 0, 1000);
    o.right = (unsigned)opt_number(L, 3, "right", w, 0, 1000);
    if (o.left == 0 && o.right == 0)
      luaL_argerror(L, 3, "the window holds no token (left = right = 0)");
    o.measure = opt_choice(L, 3, "measure", measures, KZ_MEASURE_LOGDICE);
  }
  h = new_hold(L);
  rc = kz_corpus_collocations(&r, lc->c, q, qlen, &o);
  if (rc != KZ_OK) return push_fail(L, rc, kz_last_errmsg());
  h->kind = HOLD_COLLOC;
  h->obj = r;
  push_rows(L, r, kz_colloc_count(r), colloc_get, &row, colloc_fields,
            LF_N(colloc_fields), 4);
  set_int(L, "node_freq", kz_colloc_node_freq(r));
  set_int(L, "node_docs", kz_colloc_node_docs(r));
  set_int(L, "window_tokens", kz_colloc_window_tokens(r));
  set_int(L, "corpus_tokens", kz_colloc_corpus_tokens(r));
  hold_release(h);
  return 1;
}

/* c:keyness(target [, reference [, opts]]) -> array of {term, freq_target,
 * freq_reference, g2, p, log_ratio, pct_diff, expected, docs_target,
 * docs_reference} with the fields target_tokens, reference_tokens,
 * target_docs, reference_docs.  reference nil: the rest of the corpus. */
static int corpus_keyness(lua_State *L) {
  lkz_corpus *lc = check_corpus(L, 1);
  size_t tlen, rlen = 0;
  const char *t = luaL_checklstring(L, 2, &tlen);
  const char *ref = luaL_optlstring(L, 3, NULL, &rlen);
  kz_stats_options o;
  kz_keyword_row row;
  lkz_hold *h;
  kz_keyness *k;
  int rc;
  lua_settop(L, 4);
  stats_opts(L, 4, LKZ_OPT_KEYNESS, &o, 1);
  h = new_hold(L);
  rc = kz_corpus_keyness(&k, lc->c, t, tlen, ref, rlen, &o);
  if (rc != KZ_OK) return push_fail(L, rc, kz_last_errmsg());
  h->kind = HOLD_KEYNESS;
  h->obj = k;
  push_rows(L, k, kz_keyness_count(k), keyness_get, &row, keyword_fields,
            LF_N(keyword_fields), 4);
  set_int(L, "target_tokens", kz_keyness_target_tokens(k));
  set_int(L, "reference_tokens", kz_keyness_reference_tokens(k));
  set_int(L, "target_docs", kz_keyness_target_docs(k));
  set_int(L, "reference_docs", kz_keyness_reference_docs(k));
  hold_release(h);
  return 1;
}

/* c:ngrams([n [, opts]]) -> array of {ngram, freq, docs} with the fields n
 * and total.  opts: filter, min_freq, stopwords (true or "edges"), numbers,
 * punct, limit. */
static int corpus_ngrams(lua_State *L) {
  lkz_corpus *lc = check_corpus(L, 1);
  lua_Integer gram = luaL_optinteger(L, 2, 2);
  kz_stats_options o;
  kz_ngram_row row;
  lkz_hold *h;
  kz_ngrams *g;
  int rc;
  luaL_argcheck(L, gram >= 1 && gram <= 5, 2, "n must be 1 to 5");
  lua_settop(L, 3);
  stats_opts(L, 3, LKZ_OPT_NGRAMS, &o, 1);
  if (!lua_isnil(L, 3) && opt_bool(L, 3, "punct", 0))
    o.flags |= KZ_STATS_ACROSS_PUNCT;
  o.n = (unsigned)gram;
  h = new_hold(L);
  rc = kz_corpus_ngrams(&g, lc->c, &o);
  if (rc != KZ_OK) return push_fail(L, rc, kz_last_errmsg());
  h->kind = HOLD_NGRAMS;
  h->obj = g;
  push_rows(L, g, kz_ngrams_count(g), ngrams_get, &row, ngram_fields,
            LF_N(ngram_fields), 2);
  set_int(L, "n", (uint64_t)gram);
  set_int(L, "total", kz_ngrams_total(g));
  hold_release(h);
  return 1;
}

/* c:dispersion(q [, opts]) -> array of hits {doc, date, source, field,
 * position, field_tokens, relative, start, stop} (start/stop 1-based
 * inclusive byte indices in the stored field; position from 0 as in
 * libkz), with the fields documents (array of {doc, date, source, tokens,
 * hits}), docs, tokens, hits, range, per_million, dp, juilland_d.
 * opts: filter. */
static int corpus_dispersion(lua_State *L) {
  lkz_corpus *lc = check_corpus(L, 1);
  size_t qlen, i, n;
  const char *q = luaL_checklstring(L, 2, &qlen);
  kz_stats_options o;
  kz_dispersion_summary s;
  kz_dispersion_doc doc;
  lkz_hold *h;
  kz_dispersion *d;
  int rc, tbl, docs;
  lua_settop(L, 3);
  stats_opts(L, 3, LKZ_OPT_DISP, &o, 1);
  h = new_hold(L);
  rc = kz_corpus_dispersion(&d, lc->c, q, qlen, &o);
  if (rc != KZ_OK) return push_fail(L, rc, kz_last_errmsg());
  h->kind = HOLD_DISP;
  h->obj = d;
  kz_dispersion_summary_get(d, &s);
  n = kz_dispersion_hit_count(d);
  lua_createtable(L, size_hint(n), 9);
  tbl = lua_gettop(L);
  push_rows(L, d, kz_dispersion_doc_count(d), dispersion_doc_get, &doc,
            dispersion_doc_fields, LF_N(dispersion_doc_fields), 0);
  docs = lua_gettop(L);
  for (i = 0; i < n; i++) {
    kz_dispersion_hit w;
    kz_dispersion_hit_get(d, i, &w);
    push_record(L, &w, dispersion_hit_fields, LF_N(dispersion_hit_fields));
    lua_rawgeti(L, docs, (lua_Integer)w.doc + 1);
    lua_getfield(L, -1, "doc");
    lua_setfield(L, -3, "doc");
    lua_getfield(L, -1, "date");
    lua_setfield(L, -3, "date");
    lua_getfield(L, -1, "source");
    lua_setfield(L, -3, "source");
    lua_pop(L, 1);
    lua_pushstring(L, w.field >= 0 && w.field < 4 ? field_names[w.field]
                                                  : "unknown");
    lua_setfield(L, -2, "field");
    set_num(L, "relative", w.field_tokens ? (double)w.position /
                                                (double)w.field_tokens : 0);
    lua_rawseti(L, tbl, (lua_Integer)i + 1);
  }
  lua_setfield(L, tbl, "documents");
  set_int(L, "docs", s.docs);
  set_int(L, "tokens", s.tokens);
  set_int(L, "hits", s.hits);
  set_int(L, "range", s.range);
  set_num(L, "per_million", s.per_million);
  if (s.dp == s.dp) set_num(L, "dp", s.dp);
  if (s.juilland_d == s.juilland_d) set_num(L, "juilland_d", s.juilland_d);
  hold_release(h);
  return 1;
}

/* A min_df / max_df option: an integer is a number of documents, a float
 * a proportion (libkz reads max_df <= 1 as a proportion). */
static double opt_df(lua_State *L, int arg, const char *name, int is_max) {
  int t = lua_getfield(L, arg, name);
  double v = 0;
  if (t == LUA_TNUMBER) {
    if (lua_isinteger(L, -1)) {
      lua_Integer n = lua_tointeger(L, -1);
      if (n < 0 || (is_max && n == 0))
        luaL_argerror(L, arg, lua_pushfstring(L, "option '%s' is out of "
                                                 "range", name));
      v = is_max && n == 1 ? 1.0 + 1e-9 : (double)n;
    } else {
      v = lua_tonumber(L, -1);
      if (!(v >= 0 && v <= 1))
        luaL_argerror(L, arg, lua_pushfstring(L, "option '%s' as a float is "
                                                 "a proportion, 0 to 1", name));
      if (!is_max && v == 1) v = 1 - 1e-12;
    }
  } else if (t != LUA_TNIL) {
    luaL_argerror(L, arg, lua_pushfstring(L, "option '%s' must be a number",
                                          name));
  }
  lua_pop(L, 1);
  return v;
}

static const char *const weightings[] = {"count", "tfidf", NULL};
static const char *const norms[] = {"none", "l2", NULL};

/* c:dtm([opts]) -> {rows, cols, nnz, keys, vocabulary, df, indptr,
 * indices, data}: the document-term matrix in compressed sparse row form,
 * 1-based (row i's values are data[indptr[i] .. indptr[i+1]-1] in the
 * columns indices[...]).  opts: filter, weighting ("count", "tfidf"), norm
 * ("l2"), min_df, max_df, max_features, stopwords, numbers. */
static int corpus_dtm(lua_State *L) {
  lkz_corpus *lc = check_corpus(L, 1);
  kz_stats_options o;
  const int64_t *ip;
  const int32_t *ix;
  const double *dv;
  lkz_hold *h;
  kz_dtm *m;
  size_t i, rows, cols, nnz;
  int rc;
  lua_settop(L, 2);
  stats_opts(L, 2, LKZ_OPT_DTM, &o, 1);
  if (!lua_isnil(L, 2)) {
    double mf;
    if (opt_choice(L, 2, "weighting", weightings, 0) == 1)
      o.flags |= KZ_STATS_TFIDF;
    if (opt_choice(L, 2, "norm", norms, 0) == 1) o.flags |= KZ_STATS_L2;
    o.min_df = opt_df(L, 2, "min_df", 0);
    o.max_df = opt_df(L, 2, "max_df", 1);
    mf = opt_number(L, 2, "max_features", 0, 0, 1e15);
    o.max_features = (size_t)mf;
  }
  h = new_hold(L);
  rc = kz_corpus_dtm(&m, lc->c, &o);
  if (rc != KZ_OK) return push_fail(L, rc, kz_last_errmsg());
  h->kind = HOLD_DTM;
  h->obj = m;
  rows = kz_dtm_rows(m);
  cols = kz_dtm_cols(m);
  nnz = kz_dtm_nnz(m);
  kz_dtm_csr(m, &ip, &ix, &dv);
  lua_createtable(L, 0, 9);
  set_int(L, "rows", rows);
  set_int(L, "cols", cols);
  set_int(L, "nnz", nnz);
  lua_createtable(L, size_hint(rows), 0);
  for (i = 0; i < rows; i++) {
    size_t len;
    const char *k = kz_dtm_key(m, i, &len);
    lua_pushlstring(L, k ? k : "", len);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "keys");
  lua_createtable(L, size_hint(cols), 0);
  for (i = 0; i < cols; i++) {
    size_t len;
    const char *t = kz_dtm_term(m, i, &len);
    lua_pushlstring(L, t ? t : "", len);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "vocabulary");
  lua_createtable(L, size_hint(cols), 0);
  for (i = 0; i < cols; i++) {
    lua_pushinteger(L, (lua_Integer)kz_dtm_df(m, i));
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "df");
  lua_createtable(L, size_hint(rows + 1), 0);
  for (i = 0; i <= rows; i++) {
    lua_pushinteger(L, (lua_Integer)ip[i] + 1);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "indptr");
  lua_createtable(L, size_hint(nnz), 0);
  for (i = 0; i < nnz; i++) {
    lua_pushinteger(L, (lua_Integer)ix[i] + 1);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "indices");
  lua_createtable(L, size_hint(nnz), 0);
  for (i = 0; i < nnz; i++) {
    if (o.flags & (KZ_STATS_TFIDF | KZ_STATS_L2))
      lua_pushnumber(L, dv[i]);
    else
      lua_pushinteger(L, (lua_Integer)dv[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "data");
  hold_release(h);
  return 1;
}

/* --- quotes, numbers, entities ---------------------------------------- */

/* Records of the extractors, serialized into the holder's buffer by the
 * callback (which must not touch the Lua state): a string is its length
 * (SIZE_MAX: nil) and bytes, a number a double. */
static void rec_str(lkz_hold *h, const char *s, size_t n) {
  size_t len = s ? n : SIZE_MAX;
  hold_put(h, &len, sizeof len);
  if (s) hold_put(h, s, n);
}

static void rec_cstr(lkz_hold *h, const char *s) {
  rec_str(h, s, s ? strlen(s) : 0);
}

static void rec_num(lkz_hold *h, double v) { hold_put(h, &v, sizeof v); }

/* A body offset as a 1-based index (start) or inclusive end: nil (NaN) for
 * KZ_NO_OFFSET. */
static void rec_off(lkz_hold *h, size_t off, int is_start) {
  rec_num(h, off == KZ_NO_OFFSET ? NAN : (double)off + (is_start ? 1 : 0));
}

typedef struct {
  lkz_hold *h;
  int numbers; /* 0: quotes */
} lkz_extract;

static int extract_cb(const kz_doc *doc, const kz_analysis *r, void *p) {
  lkz_extract *x = p;
  lkz_hold *h = x->h;
  size_t kl, sl, dl, i;
  const char *key = kz_doc_field(doc, KZ_FIELD_KEY, &kl);
  const char *src = kz_doc_field(doc, KZ_FIELD_SOURCE, &sl);
  const char *date = kz_doc_field(doc, KZ_FIELD_DATE, &dl);
#define DOC_FIELDS()                                                           \
  rec_str(h, key, kl);                                                         \
  rec_str(h, sl ? src : NULL, sl);                                             \
  rec_str(h, dl ? date : NULL, dl > 10 ? 10 : dl)
  if (!x->numbers) {
    const kz_quotes *q = kz_analysis_quotes(r);
    for (i = 0; i < kz_quotes_count(q); i++) {
      DOC_FIELDS();
      rec_cstr(h, kz_quote_speaker(q, i));
      rec_cstr(h, kz_quote_role(q, i));
      rec_cstr(h, kz_quote_verb(q, i));
      rec_cstr(h, kz_quote_kind_name(kz_quote_kind(q, i)));
      rec_cstr(h, kz_quote_text(q, i));
      rec_off(h, kz_quote_start(q, i), 1);
      rec_off(h, kz_quote_end(q, i), 0);
      h->count++;
    }
  } else {
    const kz_numbers *nb = kz_analysis_numbers(r);
    for (i = 0; i < kz_numbers_count(nb); i++) {
      DOC_FIELDS();
      rec_num(h, kz_number_value(nb, i));
      rec_num(h, kz_number_low(nb, i));
      rec_num(h, kz_number_high(nb, i));
      rec_cstr(h, kz_number_qualifier(nb, i));
      rec_cstr(h, kz_number_unit(nb, i));
      rec_cstr(h, kz_number_counted(nb, i));
      rec_cstr(h, kz_number_exact(nb, i));
      rec_off(h, kz_number_start(nb, i), 1);
      rec_off(h, kz_number_end(nb, i), 0);
      h->count++;
    }
  }
#undef DOC_FIELDS
  return h->nomem ? KZ_ENOMEM : 0;
}

/* Read back one field of a record at *off and set it in the table on top
 * (nil strings and NaN numbers are left out). */
static void get_str(lua_State *L, const lkz_hold *h, size_t *off,
                    const char *name) {
  size_t len;
  memcpy(&len, h->buf + *off, sizeof len);
  *off += sizeof len;
  if (len == SIZE_MAX) return;
  lua_pushlstring(L, len ? h->buf + *off : "", len);
  lua_setfield(L, -2, name);
  *off += len;
}

static void get_num(lua_State *L, const lkz_hold *h, size_t *off,
                    const char *name, int integer) {
  double v;
  memcpy(&v, h->buf + *off, sizeof v);
  *off += sizeof v;
  if (v != v) return;
  if (integer)
    lua_pushinteger(L, (lua_Integer)v);
  else
    lua_pushnumber(L, v);
  lua_setfield(L, -2, name);
}

/* The options of c:quotes(), c:numbers(), c:entities(): ([filter [, opts]])
 * with opts.stored_only. */
static unsigned extract_args(lua_State *L, const char **f, size_t *flen) {
  unsigned flags = 0;
  *f = luaL_optlstring(L, 2, NULL, flen);
  lua_settop(L, 3);
  if (!lua_isnil(L, 3)) {
    luaL_checktype(L, 3, LUA_TTABLE);
    check_keys(L, 3, LKZ_OPT_EXTRACT);
    if (opt_bool(L, 3, "stored_only", 0)) flags |= KZ_ANALYZE_STORED_ONLY;
  }
  return flags;
}

static int extract(lua_State *L, int numbers) {
  static const char *const qnames[] = {"speaker", "role", "verb", "kind",
                                       "text"};
  static const char *const nnames[] = {"qualifier", "unit", "counted",
                                       "exact"};
  lkz_corpus *lc = check_corpus(L, 1);
  size_t flen, i, off = 0;
  const char *f;
  unsigned flags = extract_args(L, &f, &flen);
  lkz_extract x;
  lkz_hold *h = new_hold(L);
  int rc, k;
  x.h = h;
  x.numbers = numbers;
  rc = kz_corpus_analyze(lc->c, f, flen, flags | (numbers ? KZ_ANALYZE_NUMBERS
                                                          : KZ_ANALYZE_QUOTES),
                         extract_cb, &x);
  if (rc != KZ_OK)
    return push_fail(L, rc, rc == KZ_ENOMEM ? NULL : kz_last_errmsg());
  lua_createtable(L, size_hint(h->count), 0);
  for (i = 0; i < h->count; i++) {
    lua_createtable(L, 0, 12);
    get_str(L, h, &off, "doc");
    get_str(L, h, &off, "source");
    get_str(L, h, &off, "date");
    if (!numbers) {
      for (k = 0; k < 5; k++) get_str(L, h, &off, qnames[k]);
    } else {
      get_num(L, h, &off, "value", 0);
      get_num(L, h, &off, "low", 0);
      get_num(L, h, &off, "high", 0);
      for (k = 0; k < 4; k++) get_str(L, h, &off, nnames[k]);
    }
    get_num(L, h, &off, "start", 1);
    get_num(L, h, &off, "stop", 1);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  hold_release(h);
  return 1;
}

/* c:quotes([filter [, {stored_only=}]]) -> array of {doc, source, date,
 * speaker, role, verb, kind, text, start, stop}: start/stop are 1-based
 * inclusive byte indices into the stored body. */
static int corpus_quotes(lua_State *L) { return extract(L, 0); }

/* c:numbers([filter [, opts]]) -> array of {doc, source, date, value, low,
 * high, qualifier, unit, counted, exact, start, stop}. */
static int corpus_numbers(lua_State *L) { return extract(L, 1); }

/* c:entities([filter [, opts]]) -> array of {name, kind, count, variants =
 * {spelling = count}, by_source = {source = count}}, most mentioned
 * first. */
static int corpus_entities(lua_State *L) {
  lkz_corpus *lc = check_corpus(L, 1);
  size_t flen, i, j, n;
  const char *f;
  unsigned flags = extract_args(L, &f, &flen);
  lkz_hold *h = new_hold(L);
  kz_entities *es;
  int rc = kz_corpus_entities(&es, lc->c, f, flen, flags);
  if (rc != KZ_OK) return push_fail(L, rc, kz_last_errmsg());
  h->kind = HOLD_ENTITIES;
  h->obj = es;
  n = kz_entities_count(es);
  lua_createtable(L, size_hint(n), 0);
  for (i = 0; i < n; i++) {
    lua_createtable(L, 0, 5);
    set_string(L, "name", kz_entity_name(es, i));
    lua_pushstring(L, kz_entity_kind_name(kz_entity_kind(es, i)));
    lua_setfield(L, -2, "kind");
    set_int(L, "count", kz_entity_count(es, i));
    lua_createtable(L, 0, size_hint(kz_entity_variant_count(es, i)));
    for (j = 0; j < kz_entity_variant_count(es, i); j++) {
      size_t cnt = 0;
      const char *v = kz_entity_variant(es, i, j, &cnt);
      lua_pushinteger(L, (lua_Integer)cnt);
      lua_setfield(L, -2, v ? v : "");
    }
    lua_setfield(L, -2, "variants");
    lua_createtable(L, 0, size_hint(kz_entity_source_count(es, i)));
    for (j = 0; j < kz_entity_source_count(es, i); j++) {
      size_t cnt = 0;
      const char *s = kz_entity_source(es, i, j, &cnt);
      lua_pushinteger(L, (lua_Integer)cnt);
      lua_setfield(L, -2, s ? s : "");
    }
    lua_setfield(L, -2, "by_source");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  hold_release(h);
  return 1;
}

/* ------------------------------------------------------------------------
 * Module functions
 * ------------------------------------------------------------------------ */

/* kz.tokenizer([opts]) */
static int lkz_tokenizer_new(lua_State *L) {
  lkz_opts o;
  check_opts(L, 1, LKZ_OPT_BOTH, &o);
  if (new_tokenizer(L, &o) == NULL) return 3;
  return 1;
}

/* kz.tokenize(s [, opts]): a tokenizer for one call, closed at once. */
static int lkz_tokenize(lua_State *L) {
  lkz_opts o;
  lkz_tokenizer *lt;
  int n;
  luaL_checkstring(L, 1);
  check_opts(L, 2, LKZ_OPT_TOKEN, &o);
  lua_settop(L, 2);
  lt = new_tokenizer(L, &o); /* index 3 */
  if (lt == NULL) return 3;
  n = do_tokenize(L, lt, 1);
  close_tokenizer(lt);
  return n;
}

/* kz.sentences(s [, opts]) */
static int lkz_sentences(lua_State *L) {
  lkz_opts o;
  lkz_tokenizer *lt;
  int n;
  luaL_checkstring(L, 1);
  check_opts(L, 2, LKZ_OPT_SENT, &o);
  lua_settop(L, 2);
  lt = new_tokenizer(L, &o);
  if (lt == NULL) return 3;
  n = do_sentences(L, lt, 1, o.sflags);
  close_tokenizer(lt);
  return n;
}

static const luaL_Reg kz_funcs[] = {
  {"tokenize", lkz_tokenize},
  {"sentences", lkz_sentences},
  {"tokenizer", lkz_tokenizer_new},
  {"parse", lkz_parse},
  {"open", lkz_open},
  {"version", NULL},
  {"version_number", NULL},
  {NULL, NULL}
};

static const luaL_Reg tok_methods[] = {
  {"tokenize", tok_tokenize},
  {"sentences", tok_sentences},
  {"repaired", tok_repaired},
  {"close", tok_close},
  {NULL, NULL}
};

static const luaL_Reg tok_meta[] = {
  {"__index", NULL}, /* filled with the method table */
  {"__gc", tok_close},
  {"__close", tok_close},
  {"__tostring", tok_tostring},
  {NULL, NULL}
};

static const luaL_Reg corpus_methods[] = {
  {"add", corpus_add},
  {"add_jsonl", corpus_add_jsonl},
  {"add_dir", corpus_add_dir},
  {"delete", corpus_delete},
  {"commit", corpus_commit},
  {"optimize", corpus_optimize},
  {"refresh", corpus_refresh},
  {"search", corpus_search},
  {"search_all", corpus_search_all},
  {"keys", corpus_keys},
  {"kwic", corpus_kwic},
  {"count", corpus_count},
  {"doc", corpus_doc},
  {"vocabulary", corpus_vocabulary},
  {"collocations", corpus_collocations},
  {"keyness", corpus_keyness},
  {"ngrams", corpus_ngrams},
  {"dispersion", corpus_dispersion},
  {"dtm", corpus_dtm},
  {"quotes", corpus_quotes},
  {"numbers", corpus_numbers},
  {"entities", corpus_entities},
  {"stats", corpus_stats},
  {"close", corpus_close},
  {NULL, NULL}
};

static const luaL_Reg corpus_meta[] = {
  {"__index", NULL}, /* filled with the method table */
  {"__gc", corpus_close},
  {"__close", corpus_close},
  {"__len", corpus_len},
  {"__tostring", corpus_tostring},
  {NULL, NULL}
};

static const luaL_Reg hold_meta[] = {
  {"__gc", hold_gc},
  {"__close", hold_gc},
  {NULL, NULL}
};

static const luaL_Reg art_meta[] = {
  {"__gc", art_gc},
  {"__close", art_gc},
  {NULL, NULL}
};

static void create_meta(lua_State *L) {
  luaL_newmetatable(L, LKZ_TOKENIZER);
  luaL_setfuncs(L, tok_meta, 0);
  luaL_newlibtable(L, tok_methods);
  luaL_setfuncs(L, tok_methods, 0);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  luaL_newmetatable(L, LKZ_ARTICLE);
  luaL_setfuncs(L, art_meta, 0);
  lua_pop(L, 1);
  luaL_newmetatable(L, LKZ_CORPUS);
  luaL_setfuncs(L, corpus_meta, 0);
  luaL_newlibtable(L, corpus_methods);
  luaL_setfuncs(L, corpus_methods, 0);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
  luaL_newmetatable(L, LKZ_HOLD);
  luaL_setfuncs(L, hold_meta, 0);
  lua_pop(L, 1);
}

KZ_API int luaopen_kz(lua_State *L);

int luaopen_kz(lua_State *L) {
  luaL_newlib(L, kz_funcs);
  create_meta(L);
  lua_pushstring(L, kz_version());
  lua_setfield(L, -2, "version");
  lua_pushinteger(L, kz_version_number());
  lua_setfield(L, -2, "version_number");
  return 1;
}
