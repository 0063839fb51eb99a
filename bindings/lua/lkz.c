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
 * UTF-8 instead of repairing it and warning).  A missing or unreadable
 * file and strict-mode UTF-8 errors return nil, message, code.
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"
#include "lua.h"

#include <sys/stat.h>

#include "kz.h"
#include "kz/article.h" /* until kz.h includes it */

#define LKZ_TOKENIZER "kz.Tokenizer"
#define LKZ_ARTICLE "kz.ArticleHolder" /* internal: owns a kz_article briefly */
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
  {"stem", LKZ_OPT_TOKEN},       {"language", LKZ_OPT_ALL},
  {"nfkc", LKZ_OPT_TOKEN},       {"casefold", LKZ_OPT_TOKEN},
  {"quotes", LKZ_OPT_TOKEN},     {"numbers", LKZ_OPT_TOKEN},
  {"fold_diacritics", LKZ_OPT_TOKEN}, {"possessive", LKZ_OPT_TOKEN},
  {"plain", LKZ_OPT_TOKEN},      {"punct", LKZ_OPT_TOKEN},
  {"stopwords", LKZ_OPT_TOKEN},  {"abbreviations", LKZ_OPT_SENT},
  {"line_breaks", LKZ_OPT_SENT}, {"trim", LKZ_OPT_SENT},
  {"path", LKZ_OPT_PARSE},       {"source", LKZ_OPT_PARSE},
  {"strict_utf8", LKZ_OPT_PARSE},
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

/* Push the Lua table for article a. */
static void push_article(lua_State *L, const kz_article *a) {
  size_t i, n, dstart, dend;
  lua_Integer np = 0, nc = 0, nh = 0;
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

  n = kz_article_author_count(a);
  lua_createtable(L, size_hint(n), 0);
  for (i = 0; i < n; i++) {
    lua_pushstring(L, kz_article_author(a, i));
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, tbl, "authors");

  n = kz_article_warning_count(a);
  lua_createtable(L, size_hint(n), 0);
  for (i = 0; i < n; i++) {
    lua_pushstring(L, kz_article_warning(a, i));
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, tbl, "warnings");

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
