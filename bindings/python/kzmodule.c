/*
 * kzmodule.c - the Python binding of libkz (module "kz"): the tokenizer
 * (kz.tokenize, kz.sentences, kz.Tokenizer), the article parser
 * (kz.parse -> kz.Article of kz.Block), the corpus (kz.Corpus) and the
 * analysis results (kz.Collocations, kz.Keyness, ... kz.Quotes,
 * kz.DocumentTermMatrix).
 *
 * CPython C API only, limited to the stable ABI of Python 3.11 (abi3), in the
 * shape of Modules/_bz2module.c and Modules/xxlimited.c:
 *
 *   - multi-phase initialization: PyInit_kz() only returns the module
 *     definition; kz_exec() creates the heap types (from PyType_Spec) and the
 *     exception classes and keeps them in the module state, which
 *     kz_traverse()/kz_clear()/kz_free() manage;
 *   - methods of a type reach the module state through their defining class
 *     (METH_METHOD), module-level functions through the module object;
 *   - every libkz status code becomes a Python exception in one place,
 *     set_kz_error();
 *   - libkz runs with the GIL released.  While it runs it touches no Python
 *     object: tokens and spans are first collected into plain C arrays
 *     (allocated with malloc: PyMem_Raw* is not in the 3.11 limited API),
 *     and the Python objects
 *     are built afterwards.  A kz.Tokenizer guards its C handle with its own
 *     lock, because a libkz handle must not be used by two threads at once.
 *
 * Text is accepted as str (passed to libkz as its UTF-8 form) or as any
 * bytes-like object (through the buffer protocol; invalid UTF-8 is repaired
 * by libkz).  libkz reports byte offsets; for str input they are also
 * converted to code point offsets, in a single pass over the UTF-8 buffer.
 */
#include <Python.h>
#include <structmember.h>
#include <pythread.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "kz.h"
#include "kz/article.h" /* until kz.h includes them */
#include "kz/corpus.h"
#include "kz/query.h"
#include "kz/stats.h"

#if !defined(Py_LIMITED_API) || Py_LIMITED_API + 0 < 0x030B0000
#  error "kzmodule.c is meant to be built against the limited API of 3.11"
#endif

/* ====================================================================
 * Module state
 * ==================================================================== */

/* Exception classes, indexed by -code (KZ_ERROR .. KZ_EFORMAT). */
#define KZ_N_CODES 17
/* Kind names cached as interned str, indexed by kz_token_kind. */
#define KZ_N_KINDS 32
/* The same for kz_block_kind. */
#define KZ_N_BLOCK_KINDS 16
/* Analysis result types (TB_N below). */
#define KZ_N_TABLES 8

/* Only PyObject * members: see kz_traverse(). */
typedef struct {
  PyObject *Token_type;
  PyObject *Tokenizer_type;
  PyObject *Error;                  /* kz.Error, the base class */
  PyObject *errors[KZ_N_CODES];     /* subclass for each code, or NULL */
  PyObject *kind_names[KZ_N_KINDS]; /* lazily filled */
  PyObject *Block_type;
  PyObject *Article_type;
  PyObject *FileNotFound;           /* kz.FileNotFound */
  PyObject *date_type;              /* datetime.date */
  PyObject *block_kind_names[KZ_N_BLOCK_KINDS]; /* lazily filled */
  PyObject *Corpus_type;
  PyObject *Hit_type;
  PyObject *Results_type;
  PyObject *Concordance_type;
  PyObject *Counts_type;
  PyObject *KwicRow_type;           /* struct sequences */
  PyObject *CountRow_type;
  PyObject *Term_type;
  /* analysis (see "Analysis" below) */
  PyObject *Table_types[KZ_N_TABLES]; /* kz.Quotes ... kz.Mentions */
  PyObject *Row_types[KZ_N_TABLES];   /* kz.Quote ... kz.Mention */
  PyObject *DispersionDoc_type;
  PyObject *DTM_type;
  PyObject *Array_type;
} kz_state;

static inline kz_state *
module_state(PyObject *module)
{
  return (kz_state *)PyModule_GetState(module);
}

static inline kz_state *
class_state(PyTypeObject *cls)
{
  return (kz_state *)PyType_GetModuleState(cls);
}

/* ====================================================================
 * Errors
 * ==================================================================== */

/* Give the exception exc (a new reference, consumed; NULL is passed through)
 * of class cls the attribute `code` and raise it.  Always returns NULL. */
static PyObject *
raise_with_code(PyObject *cls, PyObject *exc, int code)
{
  PyObject *pycode;

  if (exc == NULL)
    return NULL;
  pycode = PyLong_FromLong(code);
  if (pycode == NULL || PyObject_SetAttrString(exc, "code", pycode) < 0) {
    Py_XDECREF(pycode);
    Py_DECREF(exc);
    return NULL;
  }
  Py_DECREF(pycode);
  PyErr_SetObject(cls, exc);
  Py_DECREF(exc);
  return NULL;
}

/*
 * Raise the exception for a libkz status code with the message `pymsg`
 * (a str, borrowed).  The exception gets a `code` attribute holding the
 * status code.  This, set_kz_error() and raise_file_not_found() are the
 * only places that turn a kz_status into an exception.  Always returns NULL.
 */
static PyObject *
raise_kz(kz_state *st, int code, PyObject *pymsg)
{
  PyObject *cls = NULL;

  if (code == KZ_ENOMEM) {
    PyErr_SetObject(PyExc_MemoryError, pymsg);
    return NULL;
  }
  if (code < 0 && code > -KZ_N_CODES)
    cls = st->errors[-code];
  if (cls == NULL)
    cls = st->Error;
  return raise_with_code(cls, PyObject_CallFunctionObjArgs(cls, pymsg, NULL),
                         code);
}

/* Raise kz.FileNotFound (a kz.NotFound that is also a FileNotFoundError)
 * for `filename` (str or bytes, borrowed), as OSError(ENOENT, strerror,
 * filename) does.  Always returns NULL. */
static PyObject *
raise_file_not_found(kz_state *st, PyObject *filename)
{
  return raise_with_code(st->FileNotFound,
                         PyObject_CallFunction(st->FileNotFound, "isO", ENOENT,
                                               strerror(ENOENT), filename),
                         KZ_ENOTFOUND);
}

/* The same with a UTF-8 message: the handle's (kz_tokenizer_errmsg()) or the
 * thread's (kz_last_errmsg()).  An empty message is replaced by the static
 * text of kz_strerror(). */
static PyObject *
set_kz_error(kz_state *st, int code, const char *msg)
{
  PyObject *pymsg;

  if (msg == NULL || msg[0] == '\0')
    msg = kz_strerror(code);
  pymsg = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "replace");
  if (pymsg == NULL)
    return NULL;
  raise_kz(st, code, pymsg);
  Py_DECREF(pymsg);
  return NULL;
}

/* Messages are copied out of libkz while the handle is still locked, so the
 * exception can be raised after the lock and the GIL are dealt with. */
#define KZ_MSG_MAX 512

static void
copy_msg(char *dst, const char *src)
{
  size_t n = src ? strlen(src) : 0;
  if (n >= KZ_MSG_MAX)
    n = KZ_MSG_MAX - 1;
  if (n)
    memcpy(dst, src, n);
  dst[n] = '\0';
}

/* ====================================================================
 * Input text: str or bytes-like
 * ==================================================================== */

typedef struct {
  const char *s;  /* UTF-8 bytes */
  size_t len;
  int is_str;     /* the input was a str: report code point offsets */
  Py_buffer view; /* held when !is_str */
} text_arg;

/* Fill *t from obj.  Returns 0, or -1 with an exception set.  On success
 * release with text_release(). */
static int
text_get(text_arg *t, PyObject *obj)
{
  memset(t, 0, sizeof *t);
  if (PyUnicode_Check(obj)) {
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(obj, &n);
    if (s == NULL)
      return -1;
    t->s = s;
    t->len = (size_t)n;
    t->is_str = 1;
    return 0;
  }
  if (PyObject_CheckBuffer(obj)) {
    if (PyObject_GetBuffer(obj, &t->view, PyBUF_SIMPLE) < 0)
      return -1;
    t->s = t->view.buf ? (const char *)t->view.buf : "";
    t->len = (size_t)t->view.len;
    return 0;
  }
  {
    PyObject *name = PyType_GetName(Py_TYPE(obj));
    if (name != NULL) {
      PyErr_Format(PyExc_TypeError,
                   "text must be str or a bytes-like object, not %U", name);
      Py_DECREF(name);
    }
  }
  return -1;
}

static void
text_release(text_arg *t)
{
  if (!t->is_str && t->view.obj != NULL)
    PyBuffer_Release(&t->view);
}

/*
 * Byte offsets to code point offsets.  A cursor walks the UTF-8 buffer
 * forward, counting the bytes that start a code point; libkz reports tokens
 * and spans in order, so the whole conversion is one pass.  Should an offset
 * ever go backwards, the cursor restarts from 0 (correct, only slower).
 */
typedef struct {
  size_t byte;
  size_t chr;
} char_cursor;

static size_t
char_offset(char_cursor *c, const unsigned char *s, size_t target)
{
  size_t b, n;

  if (target < c->byte) {
    c->byte = 0;
    c->chr = 0;
  }
  n = c->chr;
  for (b = c->byte; b < target; b++)
    n += (s[b] & 0xC0) != 0x80;
  c->byte = target;
  c->chr = n;
  return n;
}

/* ====================================================================
 * Collecting libkz's output without the GIL
 * ==================================================================== */

/* A callback's return value meaning "out of memory while collecting".
 * Positive, so it cannot be mistaken for a kz_status. */
#define COLLECT_NOMEM 1

typedef struct {
  size_t start, end;     /* byte offsets */
  size_t cstart, cend;   /* code point offsets (str input only) */
  size_t norm_off;       /* into token_list.arena */
  size_t norm_len;
  uint32_t position;
  uint16_t kind;
  uint16_t flags;
} token_rec;

typedef struct {
  token_rec *v;
  size_t n, cap;
  char *arena; /* all normalized forms, back to back */
  size_t arena_n, arena_cap;
} token_list;

/* Grow *p (an array of `size`-byte items, *cap of them) to hold `need`. */
static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
  size_t ncap;
  void *np;

  if (need <= *cap)
    return 0;
  ncap = *cap ? *cap : 64;
  while (ncap < need) {
    if (ncap > ((size_t)PY_SSIZE_T_MAX / size) / 2)
      return -1;
    ncap *= 2;
  }
  np = realloc(*p, ncap * size);
  if (np == NULL)
    return -1;
  *p = np;
  *cap = ncap;
  return 0;
}

static int
collect_token(const kz_token *tok, void *payload)
{
  token_list *tl = (token_list *)payload;
  token_rec *r;

  if (grow((void **)&tl->v, &tl->cap, tl->n + 1, sizeof *tl->v) < 0)
    return COLLECT_NOMEM;
  if (tok->norm_len > (size_t)PY_SSIZE_T_MAX - tl->arena_n ||
      grow((void **)&tl->arena, &tl->arena_cap, tl->arena_n + tok->norm_len,
           1) < 0)
    return COLLECT_NOMEM;
  r = &tl->v[tl->n++];
  r->start = tok->start;
  r->end = tok->end;
  r->cstart = r->start;
  r->cend = r->end;
  r->norm_off = tl->arena_n;
  r->norm_len = tok->norm_len;
  r->position = tok->position;
  r->kind = tok->kind;
  r->flags = tok->flags;
  if (tok->norm_len)
    memcpy(tl->arena + tl->arena_n, tok->norm, tok->norm_len);
  tl->arena_n += tok->norm_len;
  return 0;
}

static void
token_list_free(token_list *tl)
{
  free(tl->v);
  free(tl->arena);
}

typedef struct {
  size_t (*v)[2];
  size_t n, cap;
} span_list;

static int
collect_span(size_t start, size_t end, void *payload)
{
  span_list *sl = (span_list *)payload;

  if (grow((void **)&sl->v, &sl->cap, sl->n + 1, sizeof *sl->v) < 0)
    return COLLECT_NOMEM;
  sl->v[sl->n][0] = start;
  sl->v[sl->n][1] = end;
  sl->n++;
  return 0;
}

/* Check offsets against the input and convert them to code point offsets for
 * str input.  Runs without the GIL.  Returns 0, or -1 if libkz reported an
 * offset outside the input (a libkz bug: reported, never trusted). */
static int
finish_tokens(token_list *tl, const text_arg *t)
{
  char_cursor cur = {0, 0};
  size_t i;

  for (i = 0; i < tl->n; i++) {
    token_rec *r = &tl->v[i];
    if (r->start > r->end || r->end > t->len)
      return -1;
    if (t->is_str) {
      r->cstart = char_offset(&cur, (const unsigned char *)t->s, r->start);
      r->cend = char_offset(&cur, (const unsigned char *)t->s, r->end);
    }
  }
  return 0;
}

static int
finish_spans(span_list *sl, const text_arg *t)
{
  char_cursor cur = {0, 0};
  size_t i;

  for (i = 0; i < sl->n; i++) {
    size_t *sp = sl->v[i];
    if (sp[0] > sp[1] || sp[1] > t->len)
      return -1;
    if (t->is_str) {
      sp[0] = char_offset(&cur, (const unsigned char *)t->s, sp[0]);
      sp[1] = char_offset(&cur, (const unsigned char *)t->s, sp[1]);
    }
  }
  return 0;
}

/* ====================================================================
 * Options
 * ==================================================================== */

/* The tokenizer options of kz.tokenize() and kz.Tokenizer(), parsed. */
typedef struct {
  unsigned int flags;  /* KZ_TOK_* */
  PyObject *language;  /* str, or NULL for none (strong reference) */
  int stem;            /* for repr */
} tok_options;

static void
tok_options_clear(tok_options *o)
{
  Py_CLEAR(o->language);
}

/* C string of o->language (NULL for none).  Borrowed from the str, which the
 * caller keeps alive. */
static const char *
tok_options_language(const tok_options *o)
{
  return o->language ? PyUnicode_AsUTF8AndSize(o->language, NULL) : NULL;
}

/* Validate a language argument: None or a str without NUL characters.
 * Returns a new reference to the str, or NULL with *err set on error (and
 * NULL with *err unset for None or ""). */
static PyObject *
check_language(PyObject *obj, const char *argname, int *err)
{
  Py_ssize_t n;
  const char *s;

  *err = 0;
  if (obj == NULL || obj == Py_None)
    return NULL;
  if (!PyUnicode_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "%s must be None or a language code (str)",
                 argname);
    *err = 1;
    return NULL;
  }
  s = PyUnicode_AsUTF8AndSize(obj, &n);
  if (s == NULL) {
    *err = 1;
    return NULL;
  }
  if (strlen(s) != (size_t)n) {
    PyErr_Format(PyExc_ValueError, "%s contains a NUL character", argname);
    *err = 1;
    return NULL;
  }
  if (n == 0)
    return NULL;
  Py_INCREF(obj);
  return obj;
}

/*
 * Turn the keyword arguments shared by kz.tokenize() and kz.Tokenizer() into
 * *o.  stem: None or False for no stemming, True for stemming in `language`,
 * or a language code (which then is also the language, if none was given).
 */
static int
tok_options_set(tok_options *o, kz_state *st, PyObject *stem,
                PyObject *language, int fold_diacritics, int nfkc,
                int casefold, int quotes, int numbers, int possessive,
                int punct, int stopwords, int plain)
{
  int err;
  PyObject *lang, *stem_lang = NULL;

  memset(o, 0, sizeof *o);
  lang = check_language(language, "language", &err);
  if (err)
    return -1;

  if (stem == NULL || stem == Py_None || stem == Py_False) {
    o->stem = 0;
  } else if (stem == Py_True) {
    if (lang == NULL) {
      set_kz_error(st, KZ_EINVAL,
                   "stem=True needs a language: pass language='en' (or "
                   "another code), or stem='en'");
      return -1;
    }
    o->stem = 1;
  } else if (PyUnicode_Check(stem)) {
    stem_lang = check_language(stem, "stem", &err);
    if (err) {
      Py_XDECREF(lang);
      return -1;
    }
    if (stem_lang == NULL) { /* stem="" is "no stemming" */
      o->stem = 0;
    } else if (lang == NULL) {
      lang = stem_lang;
      stem_lang = NULL;
      o->stem = 1;
    } else {
      int same = PyUnicode_Compare(lang, stem_lang);
      if (same == -1 && PyErr_Occurred()) {
        Py_DECREF(lang);
        Py_DECREF(stem_lang);
        return -1;
      }
      if (same != 0) {
        PyObject *m = PyUnicode_FromFormat(
            "stem=%R and language=%R disagree: a tokenizer has one language",
            stem_lang, lang);
        if (m != NULL) {
          raise_kz(st, KZ_EINVAL, m);
          Py_DECREF(m);
        }
        Py_DECREF(lang);
        Py_DECREF(stem_lang);
        return -1;
      }
      Py_CLEAR(stem_lang);
      o->stem = 1;
    }
  } else {
    PyErr_SetString(PyExc_TypeError,
                    "stem must be None, a bool or a language code (str)");
    Py_XDECREF(lang);
    return -1;
  }

  o->language = lang;
  o->flags = (nfkc ? KZ_TOK_NFKC : 0) | (casefold ? KZ_TOK_CASEFOLD : 0) |
             (quotes ? KZ_TOK_QUOTES : 0) | (numbers ? KZ_TOK_NUMBERS : 0) |
             (fold_diacritics ? KZ_TOK_FOLD_DIACRITICS : 0) |
             (possessive ? KZ_TOK_POSSESSIVE : 0) |
             (o->stem ? KZ_TOK_STEM : 0) | (punct ? 0 : KZ_TOK_SKIP_PUNCT) |
             (stopwords ? 0 : KZ_TOK_SKIP_STOPWORDS) |
             (plain ? KZ_TOK_PLAIN : 0);
  return 0;
}

/* Create a libkz tokenizer for *o with the GIL released.  Returns 0, or -1
 * with an exception set. */
static int
new_c_tokenizer(kz_state *st, kz_tokenizer **out, const tok_options *o)
{
  kz_tokenizer_options copts = KZ_TOKENIZER_OPTIONS_INIT;
  char msg[KZ_MSG_MAX];
  int rc;

  copts.flags = o->flags;
  copts.language = tok_options_language(o);
  if (o->language != NULL && copts.language == NULL)
    return -1;
  *out = NULL;
  Py_BEGIN_ALLOW_THREADS
  rc = kz_tokenizer_new(out, &copts);
  if (rc != KZ_OK)
    copy_msg(msg, kz_last_errmsg());
  Py_END_ALLOW_THREADS
  if (rc != KZ_OK) {
    kz_tokenizer_free(*out);
    *out = NULL;
    set_kz_error(st, rc, msg);
    return -1;
  }
  return 0;
}

/* ====================================================================
 * kz.Token
 * ==================================================================== */

typedef struct {
  PyObject_HEAD
  PyObject *text; /* str or bytes: the original slice */
  PyObject *norm; /* str */
  PyObject *kind; /* str, interned */
  Py_ssize_t start, end;           /* byte offsets */
  Py_ssize_t char_start, char_end; /* code point offsets */
  Py_ssize_t position;
  int flags;
} TokenObject;

/* The end of every tp_dealloc: free the instance, then drop the reference
 * it held to its heap type. */
static void
free_instance(PyObject *op)
{
  PyTypeObject *tp = Py_TYPE(op);
  freefunc tp_free = (freefunc)PyType_GetSlot(tp, Py_tp_free);

  tp_free(op);
  Py_DECREF(tp);
}

/*
 * Token is deliberately not a GC type: it references only str and bytes
 * objects (and its type, whose dict holds no instances), so it can never be
 * part of a reference cycle.  Tracking the hundreds of thousands of tokens a
 * large text yields made the collector take almost half of tokenize()'s time.
 * Dealloc still drops the reference to the heap type.
 */
static void
Token_dealloc(PyObject *op)
{
  TokenObject *self = (TokenObject *)op;

  Py_CLEAR(self->text);
  Py_CLEAR(self->norm);
  Py_CLEAR(self->kind);
  free_instance(op);
}

static PyObject *
Token_repr(PyObject *op)
{
  TokenObject *self = (TokenObject *)op;
  return PyUnicode_FromFormat("Token(%R, norm=%R, kind=%R, start=%zd, end=%zd)",
                              self->text, self->norm, self->kind, self->start,
                              self->end);
}

/* The fields compared by == and hashed, as a tuple. */
static PyObject *
Token_key(PyObject *op)
{
  TokenObject *self = (TokenObject *)op;
  return Py_BuildValue("(OOOnnnnni)", self->text, self->norm, self->kind,
                       self->start, self->end, self->char_start,
                       self->char_end, self->position, self->flags);
}

/* a == b or a != b (op) for objects of one type, compared as key(a) and
 * key(b) (new references); other comparisons are not implemented. */
static PyObject *
compare_by_key(PyObject *a, PyObject *b, int op, PyObject *(*key)(PyObject *))
{
  PyObject *ka, *kb, *res;

  if ((op != Py_EQ && op != Py_NE) || !Py_IS_TYPE(b, Py_TYPE(a)))
    Py_RETURN_NOTIMPLEMENTED;
  ka = key(a);
  if (ka == NULL)
    return NULL;
  kb = key(b);
  if (kb == NULL) {
    Py_DECREF(ka);
    return NULL;
  }
  res = PyObject_RichCompare(ka, kb, op);
  Py_DECREF(ka);
  Py_DECREF(kb);
  return res;
}

/* hash(k), consuming k (NULL after a failed call: -1). */
static Py_hash_t
hash_of(PyObject *k)
{
  Py_hash_t h;

  if (k == NULL)
    return -1;
  h = PyObject_Hash(k);
  Py_DECREF(k);
  return h;
}

static PyObject *
Token_richcompare(PyObject *a, PyObject *b, int op)
{
  return compare_by_key(a, b, op, Token_key);
}

static Py_hash_t
Token_hash(PyObject *op)
{
  return hash_of(Token_key(op));
}

static PyObject *
Token_get_flag(PyObject *op, void *closure)
{
  TokenObject *self = (TokenObject *)op;
  return PyBool_FromLong(self->flags & (int)(intptr_t)closure);
}

static PyMemberDef Token_members[] = {
  {"text", T_OBJECT_EX, offsetof(TokenObject, text), READONLY,
   "The token as it appears in the input: a slice of the str passed in, or\n"
   "bytes when the input was bytes-like."},
  {"norm", T_OBJECT_EX, offsetof(TokenObject, norm), READONLY,
   "The normalized form (str), as configured: NFKC, case folding, quote\n"
   "unification, number normalization, diacritic folding, stemming..."},
  {"kind", T_OBJECT_EX, offsetof(TokenObject, kind), READONLY,
   "What the token is, as a lowercase string: 'word', 'number', 'punct',\n"
   "'symbol', 'url', 'email', 'handle', 'hashtag', 'ideograph' or 'emoji'."},
  {"start", T_PYSSIZET, offsetof(TokenObject, start), READONLY,
   "Byte offset of the token in the UTF-8 input."},
  {"end", T_PYSSIZET, offsetof(TokenObject, end), READONLY,
   "Byte offset one past the token's last byte in the UTF-8 input."},
  {"char_start", T_PYSSIZET, offsetof(TokenObject, char_start), READONLY,
   "Code point offset of the token, so text[t.char_start:t.char_end] ==\n"
   "t.text for str input.  For bytes input, equal to start."},
  {"char_end", T_PYSSIZET, offsetof(TokenObject, char_end), READONLY,
   "Code point offset one past the token.  For bytes input, equal to end."},
  {"position", T_PYSSIZET, offsetof(TokenObject, position), READONLY,
   "Ordinal of the token among the indexable tokens (words, numbers, URLs,\n"
   "e-mails, handles, hashtags...), from 0.  Punctuation and symbols carry\n"
   "the position the next indexable token gets."},
  {"flags", T_INT, offsetof(TokenObject, flags), READONLY,
   "The token's flags as an int: a combination of kz.TOKEN_HYPHENATED,\n"
   "kz.TOKEN_STOPWORD, kz.TOKEN_REPAIRED, kz.TOKEN_CAPITALIZED,\n"
   "kz.TOKEN_ALLCAPS, kz.TOKEN_SPACE_BEFORE and kz.TOKEN_NEWLINE_BEFORE."},
  {NULL, 0, 0, 0, NULL}};

static PyGetSetDef Token_getset[] = {
  {"hyphenated", Token_get_flag, NULL,
   "True if the token is joined to the previous word by a hyphen, as\n"
   "'Jomart' in 'Kassym-Jomart'.",
   (void *)(intptr_t)KZ_TOKEN_HYPHENATED},
  {"stopword", Token_get_flag, NULL,
   "True if the token is a stopword of the tokenizer's language.",
   (void *)(intptr_t)KZ_TOKEN_STOPWORD},
  {"repaired", Token_get_flag, NULL,
   "True if the token contains invalid UTF-8 read as U+FFFD.",
   (void *)(intptr_t)KZ_TOKEN_REPAIRED},
  {NULL, NULL, NULL, NULL, NULL}};

PyDoc_STRVAR(Token_doc,
"A token found by kz.tokenize() or kz.Tokenizer.tokenize().\n"
"\n"
"Tokens are immutable and compare equal when all their fields are equal.\n"
"Attributes: text, norm, kind, start, end, char_start, char_end, position,\n"
"flags, and the flag shortcuts hyphenated, stopword and repaired.");

static PyType_Slot Token_slots[] = {
  {Py_tp_doc, (void *)Token_doc},
  {Py_tp_dealloc, Token_dealloc},
  {Py_tp_repr, Token_repr},
  {Py_tp_richcompare, Token_richcompare},
  {Py_tp_hash, Token_hash},
  {Py_tp_members, Token_members},
  {Py_tp_getset, Token_getset},
  {0, NULL}};

static PyType_Spec Token_spec = {
  .name = "kz.Token",
  .basicsize = sizeof(TokenObject),
  .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION |
           Py_TPFLAGS_IMMUTABLETYPE, /* not GC: see Token_dealloc() */
  .slots = Token_slots,
};

/* The name of a kind as a str: a new reference, or NULL with an error.
 * Names of the kinds below KZ_N_KINDS are interned once and cached. */
static PyObject *
kind_name(kz_state *st, int kind)
{
  PyObject *s;

  if (kind < 0 || kind >= KZ_N_KINDS)
    return PyUnicode_FromString(kz_token_kind_name(kind));
  s = st->kind_names[kind];
  if (s == NULL) {
    s = PyUnicode_InternFromString(kz_token_kind_name(kind));
    if (s == NULL)
      return NULL;
    st->kind_names[kind] = s;
  }
  Py_INCREF(s);
  return s;
}

/* Build the list of kz.Token for the collected tokens. */
static PyObject *
make_token_list(kz_state *st, const token_list *tl, const text_arg *t,
                PyObject *text_obj)
{
  PyTypeObject *tp = (PyTypeObject *)st->Token_type;
  allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
  PyObject *list;
  size_t i;

  if ((Py_ssize_t)tl->n < 0)
    return PyErr_NoMemory();
  list = PyList_New((Py_ssize_t)tl->n);
  if (list == NULL)
    return NULL;
  for (i = 0; i < tl->n; i++) {
    const token_rec *r = &tl->v[i];
    TokenObject *tok;
    PyObject *kind = kind_name(st, r->kind);

    if (kind == NULL)
      goto fail;
    tok = (TokenObject *)alloc(tp, 0);
    if (tok == NULL) {
      Py_DECREF(kind);
      goto fail;
    }
    tok->kind = kind;
    PyList_SetItem(list, (Py_ssize_t)i, (PyObject *)tok); /* steals */
    if (t->is_str)
      tok->text = PyUnicode_Substring(text_obj, (Py_ssize_t)r->cstart,
                                      (Py_ssize_t)r->cend);
    else
      tok->text = PyBytes_FromStringAndSize(t->s + r->start,
                                            (Py_ssize_t)(r->end - r->start));
    if (tok->text == NULL)
      goto fail;
    if (t->is_str && r->norm_len == r->end - r->start &&
        memcmp(tl->arena + r->norm_off, t->s + r->start, r->norm_len) == 0) {
      /* Most norms equal the text ("," "3000" "said"): share the object. */
      Py_INCREF(tok->text);
      tok->norm = tok->text;
    } else {
      tok->norm = PyUnicode_DecodeUTF8(tl->arena + r->norm_off,
                                       (Py_ssize_t)r->norm_len, "replace");
      if (tok->norm == NULL)
        goto fail;
    }
    tok->start = (Py_ssize_t)r->start;
    tok->end = (Py_ssize_t)r->end;
    tok->char_start = (Py_ssize_t)r->cstart;
    tok->char_end = (Py_ssize_t)r->cend;
    tok->position = (Py_ssize_t)r->position;
    tok->flags = r->flags;
  }
  return list;

fail:
  Py_DECREF(list);
  return NULL;
}

static PyObject *
make_span_list(const span_list *sl)
{
  PyObject *list = PyList_New((Py_ssize_t)sl->n);
  size_t i;

  if (list == NULL)
    return NULL;
  for (i = 0; i < sl->n; i++) {
    PyObject *span = Py_BuildValue("(nn)", (Py_ssize_t)sl->v[i][0],
                                   (Py_ssize_t)sl->v[i][1]);
    if (span == NULL) {
      Py_DECREF(list);
      return NULL;
    }
    PyList_SetItem(list, (Py_ssize_t)i, span);
  }
  return list;
}

/* ====================================================================
 * Running libkz
 * ==================================================================== */

/* The outcome of one libkz call made without the GIL. */
typedef struct {
  int rc;            /* libkz's return value, or COLLECT_NOMEM */
  int bad_offsets;   /* libkz reported an offset outside the input */
  size_t repaired;   /* kz_tokenizer_repaired() after the call */
  char msg[KZ_MSG_MAX];
} run_result;

/* Raise the exception for a failed run; returns NULL. */
static PyObject *
run_error(kz_state *st, const run_result *res)
{
  if (res->rc == COLLECT_NOMEM)
    return PyErr_NoMemory();
  if (res->bad_offsets)
    return set_kz_error(st, KZ_ERROR,
                        "libkz reported an offset outside the input");
  return set_kz_error(st, res->rc, res->msg);
}

/* Tokenize t with tk.  Call without the GIL and with tk locked. */
static void
run_tokenize(kz_tokenizer *tk, const text_arg *t, token_list *tl,
             run_result *res)
{
  res->rc = kz_tokenize(tk, t->s, t->len, collect_token, tl);
  res->repaired = kz_tokenizer_repaired(tk);
  if (res->rc < 0)
    copy_msg(res->msg, kz_tokenizer_errmsg(tk));
  else if (res->rc == KZ_OK && finish_tokens(tl, t) < 0)
    res->bad_offsets = 1;
}

static void
run_sentences(kz_tokenizer *tk, const text_arg *t, unsigned int flags,
              span_list *sl, run_result *res)
{
  res->rc = kz_sentences(tk, t->s, t->len, flags, collect_span, sl);
  res->repaired = kz_tokenizer_repaired(tk);
  if (res->rc < 0)
    copy_msg(res->msg, kz_tokenizer_errmsg(tk));
  else if (res->rc == KZ_OK && finish_spans(sl, t) < 0)
    res->bad_offsets = 1;
}

/*
 * The common body of tokenize(): tk is used under `lock` (NULL when tk is
 * private to this call).  *repaired receives kz_tokenizer_repaired().
 */
static PyObject *
do_tokenize(kz_state *st, kz_tokenizer *tk, PyThread_type_lock lock,
            PyObject *text_obj, size_t *repaired)
{
  text_arg t;
  token_list tl = {0};
  run_result res = {0};
  PyObject *list = NULL;

  if (text_get(&t, text_obj) < 0)
    return NULL;
  Py_BEGIN_ALLOW_THREADS
  if (lock)
    PyThread_acquire_lock(lock, WAIT_LOCK);
  run_tokenize(tk, &t, &tl, &res);
  if (lock)
    PyThread_release_lock(lock);
  Py_END_ALLOW_THREADS
  if (repaired)
    *repaired = res.repaired;
  if (res.rc != KZ_OK || res.bad_offsets)
    run_error(st, &res);
  else
    list = make_token_list(st, &tl, &t, text_obj);
  token_list_free(&tl);
  text_release(&t);
  return list;
}

static PyObject *
do_sentences(kz_state *st, kz_tokenizer *tk, PyThread_type_lock lock,
             PyObject *text_obj, unsigned int flags, size_t *repaired)
{
  text_arg t;
  span_list sl = {0};
  run_result res = {0};
  PyObject *list = NULL;

  if (text_get(&t, text_obj) < 0)
    return NULL;
  Py_BEGIN_ALLOW_THREADS
  if (lock)
    PyThread_acquire_lock(lock, WAIT_LOCK);
  run_sentences(tk, &t, flags, &sl, &res);
  if (lock)
    PyThread_release_lock(lock);
  Py_END_ALLOW_THREADS
  if (repaired)
    *repaired = res.repaired;
  if (res.rc != KZ_OK || res.bad_offsets)
    run_error(st, &res);
  else
    list = make_span_list(&sl);
  free(sl.v);
  text_release(&t);
  return list;
}

static unsigned int
sentence_flags(int abbreviations, int line_breaks)
{
  return (abbreviations ? 0 : KZ_SENT_NO_ABBREVIATIONS) |
         (line_breaks ? KZ_SENT_LINE_BREAKS : 0);
}

/* ====================================================================
 * kz.Tokenizer
 * ==================================================================== */

typedef struct {
  PyObject_HEAD
  kz_tokenizer *tk;
  PyThread_type_lock lock; /* guards tk, which runs without the GIL */
  tok_options opts;
  Py_ssize_t repaired;     /* kz_tokenizer_repaired() of the last call */
} TokenizerObject;

/* Keyword names of the tokenizer options, in the order of the format
 * "|$OpOpppppppp" (after any positional text argument). */
#define TOK_KWNAMES                                                        \
  "stem", "fold_diacritics", "language", "nfkc", "casefold", "quotes",     \
  "numbers", "possessive", "punct", "stopwords", "plain"

static PyObject *
Tokenizer_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {TOK_KWNAMES, NULL};
  kz_state *st = class_state(type);
  PyObject *stem = Py_None, *language = Py_None;
  int fold = 0, nfkc = 1, casefold = 1, quotes = 1, numbers = 1, poss = 0,
      punct = 1, stopwords = 1, plain = 0;
  TokenizerObject *self;
  allocfunc alloc;

  if (st == NULL)
    return NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kwds, "|$OpOpppppppp:Tokenizer",
                                   kwlist, &stem, &fold, &language, &nfkc,
                                   &casefold, &quotes, &numbers, &poss, &punct,
                                   &stopwords, &plain))
    return NULL;
  alloc = (allocfunc)PyType_GetSlot(type, Py_tp_alloc);
  self = (TokenizerObject *)alloc(type, 0);
  if (self == NULL)
    return NULL;
  self->lock = PyThread_allocate_lock();
  if (self->lock == NULL) {
    Py_DECREF(self);
    PyErr_SetString(PyExc_MemoryError, "cannot allocate a lock");
    return NULL;
  }
  if (tok_options_set(&self->opts, st, stem, language, fold, nfkc, casefold,
                      quotes, numbers, poss, punct, stopwords, plain) < 0 ||
      new_c_tokenizer(st, &self->tk, &self->opts) < 0) {
    Py_DECREF(self);
    return NULL;
  }
  return (PyObject *)self;
}

static int
Tokenizer_traverse(PyObject *op, visitproc visit, void *arg)
{
  TokenizerObject *self = (TokenizerObject *)op;
  Py_VISIT(Py_TYPE(op));
  Py_VISIT(self->opts.language);
  return 0;
}

static void
Tokenizer_dealloc(PyObject *op)
{
  TokenizerObject *self = (TokenizerObject *)op;

  PyObject_GC_UnTrack(op);
  kz_tokenizer_free(self->tk);
  if (self->lock)
    PyThread_free_lock(self->lock);
  tok_options_clear(&self->opts);
  free_instance(op);
}

/* Parse (text) or (text, *, name=bool, ...) of a METH_FASTCALL|KEYWORDS
 * method: `names` are the keyword-only bool options, stored into `vals`. */
static int
parse_text_and_bools(const char *fname, PyObject *const *args,
                     Py_ssize_t nargs, PyObject *kwnames, PyObject **text,
                     const char *const *names, int *vals, int nnames)
{
  Py_ssize_t nkw = kwnames ? PyTuple_Size(kwnames) : 0, i;

  if (nargs != 1) {
    PyErr_Format(PyExc_TypeError,
                 "%s() takes exactly one positional argument (%zd given)",
                 fname, nargs);
    return -1;
  }
  *text = args[0];
  for (i = 0; i < nkw; i++) {
    PyObject *key = PyTuple_GetItem(kwnames, i);
    int j, v;

    if (key == NULL)
      return -1;
    for (j = 0; j < nnames; j++)
      if (PyUnicode_CompareWithASCIIString(key, names[j]) == 0)
        break;
    if (j == nnames) {
      PyErr_Format(PyExc_TypeError,
                   "%s() got an unexpected keyword argument %R", fname, key);
      return -1;
    }
    v = PyObject_IsTrue(args[nargs + i]);
    if (v < 0)
      return -1;
    vals[j] = v;
  }
  return 0;
}

PyDoc_STRVAR(Tokenizer_tokenize_doc,
"tokenize($self, text, /)\n"
"--\n"
"\n"
"Return the list of kz.Token of text.\n"
"\n"
"Tokenize text (str, or bytes-like holding UTF-8) with this tokenizer's\n"
"options.  See kz.tokenize() for the tokens.  Invalid UTF-8 in bytes\n"
"input is read as U+FFFD; self.repaired then tells how many bytes were\n"
"repaired.  The GIL is released while libkz works; a Tokenizer may be\n"
"shared between threads (calls on one Tokenizer are serialized).");

static PyObject *
Tokenizer_tokenize(PyObject *op, PyTypeObject *cls, PyObject *const *args,
                   Py_ssize_t nargs, PyObject *kwnames)
{
  TokenizerObject *self = (TokenizerObject *)op;
  kz_state *st = class_state(cls);
  PyObject *text, *res;
  size_t repaired = 0;

  if (st == NULL ||
      parse_text_and_bools("tokenize", args, nargs, kwnames, &text, NULL,
                           NULL, 0) < 0)
    return NULL;
  res = do_tokenize(st, self->tk, self->lock, text, &repaired);
  self->repaired = (Py_ssize_t)repaired;
  return res;
}

PyDoc_STRVAR(Tokenizer_sentences_doc,
"sentences($self, text, /, *, abbreviations=True, line_breaks=False)\n"
"--\n"
"\n"
"Return the list of (start, end) sentence spans of text.\n"
"\n"
"Split text into sentences, using this tokenizer's language for the\n"
"abbreviations.  See kz.sentences(): the (start, end) spans are code\n"
"point offsets for str input and byte offsets for bytes-like input.");

static PyObject *
Tokenizer_sentences(PyObject *op, PyTypeObject *cls, PyObject *const *args,
                    Py_ssize_t nargs, PyObject *kwnames)
{
  static const char *const names[] = {"abbreviations", "line_breaks"};
  TokenizerObject *self = (TokenizerObject *)op;
  kz_state *st = class_state(cls);
  int vals[2] = {1, 0};
  PyObject *text, *res;
  size_t repaired = 0;

  if (st == NULL ||
      parse_text_and_bools("sentences", args, nargs, kwnames, &text, names,
                           vals, 2) < 0)
    return NULL;
  res = do_sentences(st, self->tk, self->lock, text,
                     sentence_flags(vals[0], vals[1]), &repaired);
  self->repaired = (Py_ssize_t)repaired;
  return res;
}

static PyObject *
Tokenizer_get_language(PyObject *op, void *closure)
{
  TokenizerObject *self = (TokenizerObject *)op;
  if (self->opts.language == NULL)
    Py_RETURN_NONE;
  Py_INCREF(self->opts.language);
  return self->opts.language;
}

static PyObject *
Tokenizer_repr(PyObject *op)
{
  static const struct {
    const char *name;
    unsigned int flag;
    int dflt;
  } opt[] = {
    {"fold_diacritics", KZ_TOK_FOLD_DIACRITICS, 0},
    {"nfkc", KZ_TOK_NFKC, 1},
    {"casefold", KZ_TOK_CASEFOLD, 1},
    {"quotes", KZ_TOK_QUOTES, 1},
    {"numbers", KZ_TOK_NUMBERS, 1},
    {"possessive", KZ_TOK_POSSESSIVE, 0},
    {"punct", KZ_TOK_SKIP_PUNCT, 1},  /* inverted below */
    {"stopwords", KZ_TOK_SKIP_STOPWORDS, 1},
    {"plain", KZ_TOK_PLAIN, 0},
  };
  TokenizerObject *self = (TokenizerObject *)op;
  PyObject *parts, *sep, *joined, *s, *res = NULL;
  size_t i;

  parts = PyList_New(0);
  if (parts == NULL)
    return NULL;
  if (self->opts.language != NULL) {
    s = PyUnicode_FromFormat("language=%R", self->opts.language);
    if (s == NULL || PyList_Append(parts, s) < 0)
      goto done_s;
    Py_DECREF(s);
  }
  if (self->opts.stem) {
    s = PyUnicode_FromString("stem=True");
    if (s == NULL || PyList_Append(parts, s) < 0)
      goto done_s;
    Py_DECREF(s);
  }
  for (i = 0; i < sizeof opt / sizeof opt[0]; i++) {
    int on = (self->opts.flags & opt[i].flag) != 0;
    if (opt[i].flag == KZ_TOK_SKIP_PUNCT ||
        opt[i].flag == KZ_TOK_SKIP_STOPWORDS)
      on = !on;
    if (on == opt[i].dflt)
      continue;
    s = PyUnicode_FromFormat("%s=%s", opt[i].name, on ? "True" : "False");
    if (s == NULL || PyList_Append(parts, s) < 0)
      goto done_s;
    Py_DECREF(s);
  }
  sep = PyUnicode_FromString(", ");
  if (sep == NULL)
    goto done;
  joined = PyUnicode_Join(sep, parts);
  Py_DECREF(sep);
  if (joined == NULL)
    goto done;
  res = PyUnicode_FromFormat("kz.Tokenizer(%U)", joined);
  Py_DECREF(joined);
  goto done;
done_s:
  Py_XDECREF(s);
done:
  Py_DECREF(parts);
  return res;
}

static PyMethodDef Tokenizer_methods[] = {
  {"tokenize", (PyCFunction)(void (*)(void))Tokenizer_tokenize,
   METH_METHOD | METH_FASTCALL | METH_KEYWORDS, Tokenizer_tokenize_doc},
  {"sentences", (PyCFunction)(void (*)(void))Tokenizer_sentences,
   METH_METHOD | METH_FASTCALL | METH_KEYWORDS, Tokenizer_sentences_doc},
  {NULL, NULL, 0, NULL}};

static PyMemberDef Tokenizer_members[] = {
  {"repaired", T_PYSSIZET, offsetof(TokenizerObject, repaired), READONLY,
   "Number of invalid UTF-8 bytes read as U+FFFD by the last tokenize() or\n"
   "sentences() call (0 before the first call).  With several threads\n"
   "sharing this Tokenizer, it belongs to whichever call finished last."},
  {"flags", T_UINT, offsetof(TokenizerObject, opts.flags), READONLY,
   "The libkz KZ_TOK_* flags these options amount to (an int)."},
  {NULL, 0, 0, 0, NULL}};

static PyGetSetDef Tokenizer_getset[] = {
  {"language", Tokenizer_get_language, NULL,
   "The language code (str), or None.", NULL},
  {NULL, NULL, NULL, NULL, NULL}};

PyDoc_STRVAR(Tokenizer_doc,
"Tokenizer(*, stem=None, fold_diacritics=False, language=None, nfkc=True,\n"
"          casefold=True, quotes=True, numbers=True, possessive=False,\n"
"          punct=True, stopwords=True, plain=False)\n"
"--\n"
"\n"
"A reusable tokenizer with fixed options (see kz.tokenize() for their\n"
"meaning).  Creating one loads the stemmer and stopword list once; reuse\n"
"it for many texts.  Methods: tokenize(text), sentences(text).  The\n"
"attribute `repaired` counts the invalid UTF-8 bytes of the last call.\n"
"\n"
"Raises kz.NotFound if stemming is asked for a language libkz has no\n"
"stemmer for, kz.InvalidArgument for inconsistent options.");

static PyType_Slot Tokenizer_slots[] = {
  {Py_tp_doc, (void *)Tokenizer_doc},
  {Py_tp_new, Tokenizer_new},
  {Py_tp_dealloc, Tokenizer_dealloc},
  {Py_tp_traverse, Tokenizer_traverse},
  {Py_tp_repr, Tokenizer_repr},
  {Py_tp_methods, Tokenizer_methods},
  {Py_tp_members, Tokenizer_members},
  {Py_tp_getset, Tokenizer_getset},
  {0, NULL}};

static PyType_Spec Tokenizer_spec = {
  .name = "kz.Tokenizer",
  .basicsize = sizeof(TokenizerObject),
  .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
  .slots = Tokenizer_slots,
};

/* ====================================================================
 * kz.Block and kz.Article
 * ==================================================================== */

/*
 * kz.parse() converts the whole C article into Python objects at once and
 * frees it: an Article holds only immutable objects (str, int, None, tuples,
 * a datetime.date, bytes), so it is thread-safe and can never be part of a
 * reference cycle.  List attributes are stored as tuples and handed out as
 * fresh lists, so changing a returned list does not change the article.
 */

/* A str (or None for NULL) from a UTF-8 string borrowed from libkz. */
static PyObject *
str_or_none(const char *s)
{
  if (s == NULL)
    Py_RETURN_NONE;
  return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "strict");
}

/* s, or its first max-1 code points and an ellipsis when it is longer. */
static PyObject *
shorten(PyObject *s, Py_ssize_t max)
{
  Py_ssize_t n = PyUnicode_GetLength(s);
  PyObject *head, *dots, *res;

  if (n < 0)
    return NULL;
  if (n <= max)
    return Py_NewRef(s);
  head = PyUnicode_Substring(s, 0, max - 1);
  if (head == NULL)
    return NULL;
  dots = PyUnicode_FromString("\xe2\x80\xa6");
  res = dots ? PyUnicode_Concat(head, dots) : NULL;
  Py_XDECREF(dots);
  Py_DECREF(head);
  return res;
}

/* The name of a block kind as an interned str (new reference). */
static PyObject *
block_kind_name(kz_state *st, int kind)
{
  PyObject *s;

  if (kind < 0 || kind >= KZ_N_BLOCK_KINDS)
    return PyUnicode_FromString(kz_block_kind_name(kind));
  s = st->block_kind_names[kind];
  if (s == NULL) {
    s = PyUnicode_InternFromString(kz_block_kind_name(kind));
    if (s == NULL)
      return NULL;
    st->block_kind_names[kind] = s;
  }
  return Py_NewRef(s);
}

/* --- kz.Block ------------------------------------------------------- */

typedef struct {
  PyObject_HEAD
  PyObject *kind;         /* str, interned */
  PyObject *text;         /* str */
  PyObject *duplicate_of; /* int, or None */
  Py_ssize_t start, end;  /* byte offsets into the input */
} BlockObject;

/* Not a GC type, for the reason given at Token_dealloc(). */
static void
Block_dealloc(PyObject *op)
{
  BlockObject *self = (BlockObject *)op;

  Py_CLEAR(self->kind);
  Py_CLEAR(self->text);
  Py_CLEAR(self->duplicate_of);
  free_instance(op);
}

static PyObject *
Block_repr(PyObject *op)
{
  BlockObject *self = (BlockObject *)op;
  PyObject *text = shorten(self->text, 50), *res;

  if (text == NULL)
    return NULL;
  if (self->duplicate_of == Py_None)
    res = PyUnicode_FromFormat("kz.Block(%R, %R, start=%zd, end=%zd)",
                               self->kind, text, self->start, self->end);
  else
    res = PyUnicode_FromFormat(
        "kz.Block(%R, %R, start=%zd, end=%zd, duplicate_of=%R)", self->kind,
        text, self->start, self->end, self->duplicate_of);
  Py_DECREF(text);
  return res;
}

/* The block as the dict of the JSON form: kind, text, start, end,
 * duplicate_of. */
static PyObject *
Block_as_dict(PyObject *op)
{
  BlockObject *self = (BlockObject *)op;
  return Py_BuildValue("{sOsOsnsnsO}", "kind", self->kind, "text", self->text,
                       "start", self->start, "end", self->end, "duplicate_of",
                       self->duplicate_of);
}

static PyObject *
Block_richcompare(PyObject *a, PyObject *b, int op)
{
  return compare_by_key(a, b, op, Block_as_dict);
}

static Py_hash_t
Block_hash(PyObject *op)
{
  BlockObject *self = (BlockObject *)op;
  return hash_of(Py_BuildValue("(OOnnO)", self->kind, self->text,
                               self->start, self->end, self->duplicate_of));
}

static PyMemberDef Block_members[] = {
  {"kind", T_OBJECT_EX, offsetof(BlockObject, kind), READONLY,
   "What the block is: 'paragraph', 'heading', 'caption', 'credit',\n"
   "'standfirst', 'box', 'byline', 'quote-box', 'related-link', 'comment'\n"
   "or 'boilerplate'."},
  {"text", T_OBJECT_EX, offsetof(BlockObject, text), READONLY,
   "The clean text (str): tags stripped, entities decoded, hard wraps\n"
   "re-flowed, white space collapsed."},
  {"start", T_PYSSIZET, offsetof(BlockObject, start), READONLY,
   "Byte offset where the block's lines start in the raw input (the UTF-8\n"
   "bytes of a str, the bytes of a bytes-like object or of the file)."},
  {"end", T_PYSSIZET, offsetof(BlockObject, end), READONLY,
   "Byte offset one past the block's last line in the raw input."},
  {"duplicate_of", T_OBJECT_EX, offsetof(BlockObject, duplicate_of), READONLY,
   "Index in Article.blocks of the earlier block this one repeats (exactly\n"
   "or nearly), or None when the block is not a duplicate."},
  {NULL, 0, 0, 0, NULL}};

PyDoc_STRVAR(Block_doc,
"A block of a kz.Article, in reading order (immutable).\n"
"\n"
"Attributes: kind, text, start and end (byte offsets into the raw input),\n"
"duplicate_of (the index of the block it repeats, or None).  Blocks\n"
"compare equal when all their fields are equal.");

static PyType_Slot Block_slots[] = {
  {Py_tp_doc, (void *)Block_doc},
  {Py_tp_dealloc, Block_dealloc},
  {Py_tp_repr, Block_repr},
  {Py_tp_richcompare, Block_richcompare},
  {Py_tp_hash, Block_hash},
  {Py_tp_members, Block_members},
  {0, NULL}};

static PyType_Spec Block_spec = {
  .name = "kz.Block",
  .basicsize = sizeof(BlockObject),
  .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION |
           Py_TPFLAGS_IMMUTABLETYPE, /* not GC: see Token_dealloc() */
  .slots = Block_slots,
};

static PyObject *
make_block(kz_state *st, const kz_article *a, size_t i)
{
  PyTypeObject *tp = (PyTypeObject *)st->Block_type;
  allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
  BlockObject *b = (BlockObject *)alloc(tp, 0);
  const char *text;
  long dup;

  if (b == NULL)
    return NULL;
  b->kind = block_kind_name(st, kz_article_block_kind(a, i));
  text = kz_article_block_text(a, i);
  b->text = str_or_none(text ? text : "");
  dup = kz_article_block_duplicate_of(a, i);
  b->duplicate_of = dup < 0 ? Py_NewRef(Py_None) : PyLong_FromLong(dup);
  b->start = (Py_ssize_t)kz_article_block_start(a, i);
  b->end = (Py_ssize_t)kz_article_block_end(a, i);
  if (b->kind == NULL || b->text == NULL || b->duplicate_of == NULL) {
    Py_DECREF(b);
    return NULL;
  }
  return (PyObject *)b;
}

/* --- kz.Article ----------------------------------------------------- */

typedef struct {
  PyObject_HEAD
  /* str or None */
  PyObject *title, *title_language, *language, *date_iso, *time, *source,
      *original_source, *dateline, *body;
  PyObject *date;      /* datetime.date or None */
  PyObject *date_span; /* (start, end) or None */
  /* tuples */
  PyObject *authors, *blocks, *warnings, *paragraphs, *captions, *headings;
  PyObject *json;      /* bytes: kz_article_to_json() */
  PyObject *key, *url; /* a stored document's (Corpus.doc()); else None */
  PyObject *fields;    /* the mapping view (see Article_fields()), or NULL
                          until first used; never handed out itself */
  kz_article *art;     /* the parsed article, for quotes() and friends
                          (immutable; read by any thread) */
} ArticleObject;

static void
Article_dealloc(PyObject *op)
{
  ArticleObject *self = (ArticleObject *)op;

  Py_CLEAR(self->title);
  Py_CLEAR(self->title_language);
  Py_CLEAR(self->language);
  Py_CLEAR(self->date_iso);
  Py_CLEAR(self->time);
  Py_CLEAR(self->source);
  Py_CLEAR(self->original_source);
  Py_CLEAR(self->dateline);
  Py_CLEAR(self->body);
  Py_CLEAR(self->date);
  Py_CLEAR(self->date_span);
  Py_CLEAR(self->authors);
  Py_CLEAR(self->blocks);
  Py_CLEAR(self->warnings);
  Py_CLEAR(self->paragraphs);
  Py_CLEAR(self->captions);
  Py_CLEAR(self->headings);
  Py_CLEAR(self->json);
  Py_CLEAR(self->key);
  Py_CLEAR(self->url);
  Py_CLEAR(self->fields);
  kz_article_free(self->art);
  self->art = NULL;
  free_instance(op);
}

/* datetime.date for libkz's "YYYY-MM-DD".  Anything else is a libkz bug,
 * reported as kz.Error rather than trusted. */
static PyObject *
make_date(kz_state *st, const char *iso)
{
  int v[3] = {0, 0, 0}, k = 0;
  const char *p;
  PyObject *res = NULL;

  if (strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-') {
    for (p = iso; *p; p++) {
      if (*p == '-')
        k++;
      else if (*p >= '0' && *p <= '9')
        v[k] = v[k] * 10 + (*p - '0');
      else
        break;
    }
    if (*p == '\0')
      res = PyObject_CallFunction(st->date_type, "iii", v[0], v[1], v[2]);
    if (res != NULL || !PyErr_ExceptionMatches(PyExc_ValueError))
      return res;
    PyErr_Clear();
  }
  {
    PyObject *m = PyUnicode_FromFormat("libkz returned an invalid date %s",
                                       iso);
    if (m != NULL) {
      raise_kz(st, KZ_ERROR, m);
      Py_DECREF(m);
    }
  }
  return NULL;
}

/* A tuple of str from the n strings get(a, i). */
static PyObject *
str_tuple(const kz_article *a, size_t n,
          const char *(*get)(const kz_article *, size_t))
{
  PyObject *t = PyTuple_New((Py_ssize_t)n);
  size_t i;

  if (t == NULL)
    return NULL;
  for (i = 0; i < n; i++) {
    const char *s = get(a, i);
    PyObject *o = str_or_none(s ? s : "");
    if (o == NULL) {
      Py_DECREF(t);
      return NULL;
    }
    PyTuple_SetItem(t, (Py_ssize_t)i, o); /* steals */
  }
  return t;
}

/* Append the text of block b to the list for its kind when b is kept. */
static int
sort_block(BlockObject *b, int kind, PyObject *paragraphs, PyObject *captions,
           PyObject *headings)
{
  PyObject *list = NULL;

  if (b->duplicate_of != Py_None)
    return 0;
  if (kind == KZ_BLOCK_PARAGRAPH)
    list = paragraphs;
  else if (kind == KZ_BLOCK_CAPTION)
    list = captions;
  else if (kind == KZ_BLOCK_HEADING)
    list = headings;
  return list ? PyList_Append(list, b->text) : 0;
}

/* Build the kz.Article for the parsed article a and its JSON form. */
static PyObject *
make_article(kz_state *st, const kz_article *a, const kz_buf *json)
{
  PyTypeObject *tp = (PyTypeObject *)st->Article_type;
  allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
  ArticleObject *self;
  PyObject *lists[3] = {NULL, NULL, NULL};
  size_t i, n, dstart, dend;
  const char *iso;

  self = (ArticleObject *)alloc(tp, 0);
  if (self == NULL)
    return NULL;
  self->key = Py_NewRef(Py_None);
  self->url = Py_NewRef(Py_None);
#define STR_FIELD(field, value)                                               \
  if ((self->field = str_or_none(value)) == NULL)                            \
    goto fail
  STR_FIELD(title, kz_article_title(a));
  STR_FIELD(title_language, kz_article_title_language(a));
  STR_FIELD(language, kz_article_language(a));
  STR_FIELD(time, kz_article_time(a));
  STR_FIELD(source, kz_article_source(a));
  STR_FIELD(original_source, kz_article_original_source(a));
  STR_FIELD(dateline, kz_article_dateline(a));
  STR_FIELD(body, kz_article_body(a));
  iso = kz_article_date(a);
  STR_FIELD(date_iso, iso);
#undef STR_FIELD
  self->date = iso ? make_date(st, iso) : Py_NewRef(Py_None);
  if (self->date == NULL)
    goto fail;
  if (kz_article_date_span(a, &dstart, &dend) == KZ_OK)
    self->date_span = Py_BuildValue("(nn)", (Py_ssize_t)dstart,
                                    (Py_ssize_t)dend);
  else
    self->date_span = Py_NewRef(Py_None);
  if (self->date_span == NULL)
    goto fail;

  self->authors = str_tuple(a, kz_article_author_count(a), kz_article_author);
  if (self->authors == NULL)
    goto fail;
  self->warnings = str_tuple(a, kz_article_warning_count(a),
                             kz_article_warning);
  if (self->warnings == NULL)
    goto fail;

  n = kz_article_block_count(a);
  self->blocks = PyTuple_New((Py_ssize_t)n);
  for (i = 0; i < 3; i++)
    if ((lists[i] = PyList_New(0)) == NULL)
      goto fail;
  if (self->blocks == NULL)
    goto fail;
  for (i = 0; i < n; i++) {
    PyObject *b = make_block(st, a, i);
    if (b == NULL)
      goto fail;
    PyTuple_SetItem(self->blocks, (Py_ssize_t)i, b); /* steals */
    if (sort_block((BlockObject *)b, kz_article_block_kind(a, i), lists[0],
                   lists[1], lists[2]) < 0)
      goto fail;
  }
  if ((self->paragraphs = PyList_AsTuple(lists[0])) == NULL ||
      (self->captions = PyList_AsTuple(lists[1])) == NULL ||
      (self->headings = PyList_AsTuple(lists[2])) == NULL)
    goto fail;
  self->json = PyBytes_FromStringAndSize(json->ptr ? json->ptr : "",
                                         (Py_ssize_t)json->len);
  if (self->json == NULL)
    goto fail;
  for (i = 0; i < 3; i++)
    Py_DECREF(lists[i]);
  return (PyObject *)self;

fail:
  for (i = 0; i < 3; i++)
    Py_XDECREF(lists[i]);
  Py_DECREF(self);
  return NULL;
}

/* Getter of a tuple field (closure: its offset) as a new list. */
static PyObject *
Article_get_list(PyObject *op, void *closure)
{
  PyObject *t = *(PyObject **)((char *)op + (size_t)(uintptr_t)closure);
  return PySequence_List(t);
}

#define LIST_FIELD(name, doc)                                                 \
  {#name, Article_get_list, NULL, doc,                                        \
   (void *)(uintptr_t)offsetof(ArticleObject, name)}

static PyGetSetDef Article_getset[] = {
  LIST_FIELD(authors, "The authors (list of str): people only; desk and\n"
                      "agency names are not authors."),
  LIST_FIELD(blocks, "The article in reading order (list of kz.Block),\n"
                     "duplicates included and marked by duplicate_of."),
  LIST_FIELD(warnings, "What the parser repaired or doubts (list of str):\n"
                       "invalid UTF-8, NUL bytes, unclosed tags, empty\n"
                       "input..."),
  LIST_FIELD(paragraphs, "The texts of the paragraph blocks that are not\n"
                         "duplicates (list of str), in order."),
  LIST_FIELD(captions, "The texts of the caption blocks that are not\n"
                       "duplicates (list of str), in order."),
  LIST_FIELD(headings, "The texts of the heading blocks that are not\n"
                       "duplicates (list of str), in order; the headline\n"
                       "is one of them when the page prints it."),
  {NULL, NULL, NULL, NULL, NULL}};

#undef LIST_FIELD

static PyMemberDef Article_members[] = {
  {"title", T_OBJECT_EX, offsetof(ArticleObject, title), READONLY,
   "The headline (str), or None."},
  {"title_language", T_OBJECT_EX, offsetof(ArticleObject, title_language),
   READONLY, "ISO 639-1 code of the title's language, or 'und'."},
  {"language", T_OBJECT_EX, offsetof(ArticleObject, language), READONLY,
   "ISO 639-1 code of the body's language, or 'und' when unsure."},
  {"date", T_OBJECT_EX, offsetof(ArticleObject, date), READONLY,
   "The publication date (datetime.date), or None when the page states\n"
   "none.  Dates in captions, body sentences or related links are not\n"
   "publication dates."},
  {"time", T_OBJECT_EX, offsetof(ArticleObject, time), READONLY,
   "The publication time as written, 'HH:MM' (24-hour, no time zone), or\n"
   "None."},
  {"date_span", T_OBJECT_EX, offsetof(ArticleObject, date_span), READONLY,
   "(start, end) byte offsets of the date in the raw input, or None."},
  {"source", T_OBJECT_EX, offsetof(ArticleObject, source), READONLY,
   "The outlet the page names or credits (str), or None."},
  {"original_source", T_OBJECT_EX, offsetof(ArticleObject, original_source),
   READONLY, "The outlet the page republishes (str), or None."},
  {"dateline", T_OBJECT_EX, offsetof(ArticleObject, dateline), READONLY,
   "The place line ('Moscow') that opens the report, or None."},
  {"body", T_OBJECT_EX, offsetof(ArticleObject, body), READONLY,
   "The body: the texts of the kept standfirst and paragraph blocks joined\n"
   "by blank lines ('' when there are none)."},
  {"key", T_OBJECT_EX, offsetof(ArticleObject, key), READONLY,
   "The document's key in its corpus (Corpus.doc()), else None."},
  {"url", T_OBJECT_EX, offsetof(ArticleObject, url), READONLY,
   "The document's stored url (Corpus.doc()), else None."},
  {NULL, 0, 0, 0, NULL}};

/* d[key] = value, consuming value (NULL passes an error through). */
static int
dict_put(PyObject *d, const char *key, PyObject *value)
{
  int rc;

  if (value == NULL)
    return -1;
  rc = PyDict_SetItemString(d, key, value);
  Py_DECREF(value);
  return rc;
}

PyDoc_STRVAR(Article_to_dict_doc,
"to_dict($self, /)\n"
"--\n"
"\n"
"Return the article as a dict with the fields of its JSON form, in this\n"
"order: title, title_language, language, date (ISO 'YYYY-MM-DD' str or\n"
"None), time, source, original_source, authors, dateline, blocks (a\n"
"list of dicts with kind, text, start, end, duplicate_of), body,\n"
"warnings.  json.loads(a.to_json()) == a.to_dict().");

static PyObject *
Article_to_dict(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  ArticleObject *self = (ArticleObject *)op;
  PyObject *d = PyDict_New(), *blocks = NULL;
  Py_ssize_t i, n = PyTuple_Size(self->blocks);

  if (d == NULL)
    return NULL;
  if (dict_put(d, "title", Py_NewRef(self->title)) < 0 ||
      dict_put(d, "title_language", Py_NewRef(self->title_language)) < 0 ||
      dict_put(d, "language", Py_NewRef(self->language)) < 0 ||
      dict_put(d, "date", Py_NewRef(self->date_iso)) < 0 ||
      dict_put(d, "time", Py_NewRef(self->time)) < 0 ||
      dict_put(d, "source", Py_NewRef(self->source)) < 0 ||
      dict_put(d, "original_source", Py_NewRef(self->original_source)) < 0 ||
      dict_put(d, "authors", PySequence_List(self->authors)) < 0 ||
      dict_put(d, "dateline", Py_NewRef(self->dateline)) < 0)
    goto fail;
  blocks = PyList_New(n);
  if (blocks == NULL)
    goto fail;
  for (i = 0; i < n; i++) {
    PyObject *b = Block_as_dict(PyTuple_GetItem(self->blocks, i));
    if (b == NULL)
      goto fail;
    PyList_SetItem(blocks, i, b); /* steals */
  }
  if (dict_put(d, "blocks", blocks) < 0)
    goto fail_d;
  if (dict_put(d, "body", Py_NewRef(self->body)) < 0 ||
      dict_put(d, "warnings", PySequence_List(self->warnings)) < 0)
    goto fail_d;
  return d;

fail:
  Py_XDECREF(blocks);
fail_d:
  Py_DECREF(d);
  return NULL;
}

PyDoc_STRVAR(Article_to_json_doc,
"to_json($self, /)\n"
"--\n"
"\n"
"Return the article as one JSON object (str), as libkz writes it\n"
"(kz_article_to_json(), the form `kz parse --json` prints).");

static PyObject *
Article_to_json(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  ArticleObject *self = (ArticleObject *)op;
  char *s;
  Py_ssize_t n;

  if (PyBytes_AsStringAndSize(self->json, &s, &n) < 0)
    return NULL;
  return PyUnicode_DecodeUTF8(s, n, "strict");
}

static PyObject *
Article_repr(PyObject *op)
{
  ArticleObject *self = (ArticleObject *)op;
  PyObject *title, *res;

  title = self->title == Py_None ? Py_NewRef(Py_None)
                                 : shorten(self->title, 60);
  if (title == NULL)
    return NULL;
  res = PyUnicode_FromFormat("<kz.Article title=%R date=%S source=%R "
                             "blocks=%zd>",
                             title, self->date_iso, self->source,
                             PyTuple_Size(self->blocks));
  Py_DECREF(title);
  return res;
}

/* --- Article._repr_html_() ------------------------------------------ */

/* A growing UTF-8 buffer with a sticky error flag (out of memory). */
typedef struct {
  char *p;
  size_t n, cap;
  int nomem;
} html_buf;

static void
hb_put(html_buf *h, const char *s, size_t n)
{
  if (h->nomem || n == 0)
    return;
  if (n > (size_t)PY_SSIZE_T_MAX - h->n ||
      grow((void **)&h->p, &h->cap, h->n + n, 1) < 0) {
    h->nomem = 1;
    return;
  }
  memcpy(h->p + h->n, s, n);
  h->n += n;
}

static void
hb_str(html_buf *h, const char *s)
{
  hb_put(h, s, strlen(s));
}

/* Append s[0..n) escaped for HTML text and attribute values: & < > " '
 * become entities, control characters spaces.  With max > 0, at most max
 * code points are kept and an ellipsis marks the cut. */
static void
hb_esc(html_buf *h, const char *s, size_t n, size_t max)
{
  size_t i, run = 0, cps = 0;

  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *e = NULL;

    if ((c & 0xC0) != 0x80) {
      if (max && cps == max) {
        hb_put(h, s + i - run, run);
        hb_str(h, "\xe2\x80\xa6");
        return;
      }
      cps++;
    }
    switch (c) {
    case '&': e = "&amp;"; break;
    case '<': e = "&lt;"; break;
    case '>': e = "&gt;"; break;
    case '"': e = "&quot;"; break;
    case '\'': e = "&#39;"; break;
    default:
      if (c < 0x20 || c == 0x7f)
        e = " ";
    }
    if (e) {
      hb_put(h, s + i - run, run);
      hb_str(h, e);
      run = 0;
    } else {
      run++;
    }
  }
  hb_put(h, s + n - run, run);
}

/* Append the str obj escaped (see hb_esc()), or a grey dash for None.
 * Returns 0, or -1 with an exception set. */
static int
hb_obj(html_buf *h, PyObject *obj, size_t max)
{
  const char *s;
  Py_ssize_t n;

  if (obj == Py_None) {
    hb_str(h, "<span style=\"color:#999\">\xe2\x80\x94</span>");
    return 0;
  }
  s = PyUnicode_AsUTF8AndSize(obj, &n);
  if (s == NULL)
    return -1;
  hb_esc(h, s, (size_t)n, max);
  return 0;
}

/* One row of the metadata table; value is a str or None. */
static int
hb_row(html_buf *h, const char *label, PyObject *value)
{
  hb_str(h, "<tr><th style=\"text-align:left;padding:0 1em 0 0;"
            "font-weight:normal;color:#666;vertical-align:top\">");
  hb_str(h, label);
  hb_str(h, "</th><td style=\"text-align:left\">");
  if (hb_obj(h, value, 0) < 0)
    return -1;
  hb_str(h, "</td></tr>\n");
  return 0;
}

/* Maximum code points of a block's text shown in the outline. */
#define HTML_BLOCK_CHARS 160

PyDoc_STRVAR(Article__repr_html__doc,
"_repr_html_($self, /)\n"
"--\n"
"\n"
"An HTML card of the article for Jupyter: title, metadata table, an\n"
"outline of the blocks with their kinds (duplicates greyed out) and the\n"
"warnings.  Every text is HTML-escaped.");

static PyObject *
Article__repr_html_(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  ArticleObject *self = (ArticleObject *)op;
  html_buf h = {NULL, 0, 0, 0};
  Py_ssize_t i, nblocks = PyTuple_Size(self->blocks), ndup = 0,
                nwarn = PyTuple_Size(self->warnings),
                nauth = PyTuple_Size(self->authors);
  char num[96];
  PyObject *res = NULL, *s;

  hb_str(&h, "<div class=\"kz-article\" style=\"font-family:sans-serif;"
             "max-width:60em;border:1px solid #ccc;border-radius:6px;"
             "padding:.6em 1em;line-height:1.4\">\n"
             "<div style=\"font-size:1.3em;font-weight:bold;"
             "margin-bottom:.4em\">");
  if (self->title == Py_None)
    hb_str(&h, "<span style=\"color:#999\">(no title)</span>");
  else if (hb_obj(&h, self->title, 0) < 0)
    goto done;
  hb_str(&h, "</div>\n<table style=\"border-collapse:collapse;"
             "margin-bottom:.5em\">\n");
  if (hb_row(&h, "date", self->date_iso) < 0 ||
      hb_row(&h, "time", self->time) < 0 ||
      hb_row(&h, "source", self->source) < 0 ||
      hb_row(&h, "original source", self->original_source) < 0)
    goto done;
  hb_str(&h, "<tr><th style=\"text-align:left;padding:0 1em 0 0;"
             "font-weight:normal;color:#666;vertical-align:top\">authors"
             "</th><td style=\"text-align:left\">");
  if (nauth == 0)
    hb_obj(&h, Py_None, 0);
  for (i = 0; i < nauth; i++) {
    if (i)
      hb_str(&h, ", ");
    if (hb_obj(&h, PyTuple_GetItem(self->authors, i), 0) < 0)
      goto done;
  }
  hb_str(&h, "</td></tr>\n");
  if (hb_row(&h, "dateline", self->dateline) < 0 ||
      hb_row(&h, "language", self->language) < 0 ||
      hb_row(&h, "title language", self->title_language) < 0)
    goto done;
  hb_str(&h, "</table>\n");

  for (i = 0; i < nblocks; i++)
    ndup += ((BlockObject *)PyTuple_GetItem(self->blocks, i))->duplicate_of !=
            Py_None;
  snprintf(num, sizeof num, "<details open><summary>%zd blocks "
           "(%zd duplicates)</summary>\n", nblocks, ndup);
  hb_str(&h, num);
  hb_str(&h, "<ol start=\"0\" style=\"margin:.3em 0;padding-left:3em\">\n");
  for (i = 0; i < nblocks; i++) {
    BlockObject *b = (BlockObject *)PyTuple_GetItem(self->blocks, i);
    int dup = b->duplicate_of != Py_None;
    int heading = PyUnicode_CompareWithASCIIString(b->kind, "heading") == 0;

    snprintf(num, sizeof num, "<li title=\"bytes %zd-%zd\"%s>", b->start,
             b->end, dup ? " style=\"color:#aaa\"" : "");
    hb_str(&h, num);
    hb_str(&h, "<code style=\"display:inline-block;min-width:8em;"
               "color:");
    hb_str(&h, dup ? "#aaa" : "#07a");
    hb_str(&h, "\">");
    if (hb_obj(&h, b->kind, 0) < 0)
      goto done;
    hb_str(&h, "</code> ");
    if (heading && !dup)
      hb_str(&h, "<b>");
    if (hb_obj(&h, b->text, HTML_BLOCK_CHARS) < 0)
      goto done;
    if (heading && !dup)
      hb_str(&h, "</b>");
    if (dup) {
      s = PyObject_Str(b->duplicate_of);
      if (s == NULL)
        goto done;
      hb_str(&h, " <i>(duplicate of ");
      if (hb_obj(&h, s, 0) < 0) {
        Py_DECREF(s);
        goto done;
      }
      Py_DECREF(s);
      hb_str(&h, ")</i>");
    }
    hb_str(&h, "</li>\n");
  }
  hb_str(&h, "</ol></details>\n");

  if (nwarn) {
    snprintf(num, sizeof num, "<details><summary>%zd warning%s</summary>"
             "<ul style=\"margin:.3em 0\">\n", nwarn, nwarn == 1 ? "" : "s");
    hb_str(&h, num);
    for (i = 0; i < nwarn; i++) {
      hb_str(&h, "<li>");
      if (hb_obj(&h, PyTuple_GetItem(self->warnings, i), 0) < 0)
        goto done;
      hb_str(&h, "</li>\n");
    }
    hb_str(&h, "</ul></details>\n");
  }
  hb_str(&h, "</div>");
  if (h.nomem)
    PyErr_NoMemory();
  else
    res = PyUnicode_DecodeUTF8(h.p ? h.p : "", (Py_ssize_t)h.n, "strict");
done:
  free(h.p);
  return res;
}

/* Defined with the analysis types, below. */
static PyObject *Article_quotes(PyObject *op, PyObject *ignored);
static PyObject *Article_numbers(PyObject *op, PyObject *ignored);
static PyObject *Article_mentions(PyObject *op, PyObject *ignored);

PyDoc_STRVAR(Article_quotes_doc,
"quotes($self, /)\n"
"--\n"
"\n"
"The quotations of the article: kz.Quotes of kz.Quote (doc=None, source,\n"
"date, speaker, role, verb, kind, text, start, end); start and end are\n"
"code point offsets into article.body.  Interview sections headed by a\n"
"speaker's name are attributed to that speaker.");

PyDoc_STRVAR(Article_numbers_doc,
"numbers($self, /)\n"
"--\n"
"\n"
"The numeric claims of the article: kz.Numbers of kz.Number (doc=None,\n"
"source, date, value, low, high, qualifier, unit, counted, exact, start,\n"
"end), offsets in code points into article.body.");

PyDoc_STRVAR(Article_mentions_doc,
"mentions($self, /)\n"
"--\n"
"\n"
"Mentions of people, organizations and places: kz.Mentions of kz.Mention\n"
"(text, kind, expansion, start, end); start/end are None outside the\n"
"body.");

/* --- The mapping view: a["title"], a.get(), a.keys(), "url" in a ------
 *
 * Corpus.doc() returned a dict before it returned a kz.Article; the
 * article still answers to that dict's keys, with its values: key, title,
 * body, caption and heading (captions and headings joined by blank lines),
 * date, source, author (authors joined by '; '), url, language; empty
 * metadata is None.  Corpus.doc() hands over that dict; for a parsed page
 * it is built from the attributes on first use. */

/* "sep".join(list attribute t), or None for an empty one when none_if_empty. */
static PyObject *
join_tuple(PyObject *t, const char *sep, int none_if_empty)
{
  PyObject *s, *res;

  if (none_if_empty && PyTuple_Size(t) == 0)
    Py_RETURN_NONE;
  if ((s = PyUnicode_FromString(sep)) == NULL)
    return NULL;
  res = PyUnicode_Join(s, t);
  Py_DECREF(s);
  return res;
}

static PyObject *
Article_fields(ArticleObject *self)
{
  PyObject *d;

  if (self->fields != NULL)
    return self->fields;
  if ((d = PyDict_New()) == NULL)
    return NULL;
  if (dict_put(d, "key", Py_NewRef(self->key)) < 0 ||
      dict_put(d, "title", Py_NewRef(self->title)) < 0 ||
      dict_put(d, "body", Py_NewRef(self->body)) < 0 ||
      dict_put(d, "caption", join_tuple(self->captions, "\n\n", 0)) < 0 ||
      dict_put(d, "heading", join_tuple(self->headings, "\n\n", 0)) < 0 ||
      dict_put(d, "date", Py_NewRef(self->date)) < 0 ||
      dict_put(d, "source", Py_NewRef(self->source)) < 0 ||
      dict_put(d, "author", join_tuple(self->authors, "; ", 1)) < 0 ||
      dict_put(d, "url", Py_NewRef(self->url)) < 0 ||
      dict_put(d, "language", Py_NewRef(self->language)) < 0) {
    Py_DECREF(d);
    return NULL;
  }
  self->fields = d;
  return d;
}

/* d[key] as a new reference; KeyError when it is absent (the mapping
 * types' __getitem__). */
static PyObject *
dict_subscript(PyObject *d, PyObject *key)
{
  PyObject *v = PyDict_GetItemWithError(d, key);

  if (v == NULL) {
    if (!PyErr_Occurred())
      PyErr_SetObject(PyExc_KeyError, key);
    return NULL;
  }
  return Py_NewRef(v);
}

static PyObject *
Article_getitem(PyObject *op, PyObject *name)
{
  PyObject *d = Article_fields((ArticleObject *)op);

  return d == NULL ? NULL : dict_subscript(d, name);
}

static int
Article_contains(PyObject *op, PyObject *name)
{
  PyObject *d = Article_fields((ArticleObject *)op);

  return d == NULL ? -1 : PyDict_Contains(d, name);
}

static PyObject *
Article_iter(PyObject *op)
{
  PyObject *d = Article_fields((ArticleObject *)op);

  return d == NULL ? NULL : PyObject_GetIter(d);
}

PyDoc_STRVAR(Article_get_doc,
"get($self, name, default=None, /)\n"
"--\n"
"\n"
"a[name] if name is one of keys(), else default.");

static PyObject *
Article_get(PyObject *op, PyObject *args)
{
  PyObject *name, *dflt = Py_None, *d, *v;

  if (!PyArg_UnpackTuple(args, "get", 1, 2, &name, &dflt))
    return NULL;
  if ((d = Article_fields((ArticleObject *)op)) == NULL)
    return NULL;
  v = PyDict_GetItemWithError(d, name);
  if (v == NULL && PyErr_Occurred())
    return NULL;
  return Py_NewRef(v ? v : dflt);
}

PyDoc_STRVAR(Article_keys_doc,
"keys($self, /)\n"
"--\n"
"\n"
"The names a[name] answers to (the dict Corpus.doc() used to return):\n"
"key, title, body, caption, heading, date, source, author, url, language.");

static PyObject *
Article_keys(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  PyObject *d = Article_fields((ArticleObject *)op);

  return d == NULL ? NULL : PyDict_Keys(d);
}

static PyMethodDef Article_methods[] = {
  {"get", Article_get, METH_VARARGS, Article_get_doc},
  {"keys", Article_keys, METH_NOARGS, Article_keys_doc},
  {"quotes", Article_quotes, METH_NOARGS, Article_quotes_doc},
  {"numbers", Article_numbers, METH_NOARGS, Article_numbers_doc},
  {"mentions", Article_mentions, METH_NOARGS, Article_mentions_doc},
  {"to_dict", Article_to_dict, METH_NOARGS, Article_to_dict_doc},
  {"to_json", Article_to_json, METH_NOARGS, Article_to_json_doc},
  {"_repr_html_", Article__repr_html_, METH_NOARGS,
   Article__repr_html__doc},
  {NULL, NULL, 0, NULL}};

PyDoc_STRVAR(Article_doc,
"A parsed news article, returned by kz.parse() (immutable).\n"
"\n"
"Metadata: title, title_language, language, date (datetime.date or\n"
"None), time, date_span, source, original_source, authors, dateline.\n"
"Content: blocks (list of kz.Block in reading order, duplicates marked),\n"
"paragraphs, captions, headings (the kept blocks' texts), body, and\n"
"warnings.  Methods: to_dict(), to_json(); _repr_html_() for notebooks.\n"
"List attributes return a new list on each access.\n"
"\n"
"Corpus.doc() gives a stored document as an Article too (key and url set,\n"
"blocks rebuilt from the stored fields).  a['title'], a.get('source'),\n"
"a.keys(), 'url' in a and iterating over a (its keys) work as on the\n"
"dict doc() returned before (see keys()).");

static PyType_Slot Article_slots[] = {
  {Py_tp_doc, (void *)Article_doc},
  {Py_tp_dealloc, Article_dealloc},
  {Py_tp_repr, Article_repr},
  {Py_tp_methods, Article_methods},
  {Py_tp_members, Article_members},
  {Py_tp_getset, Article_getset},
  {Py_mp_subscript, Article_getitem},
  {Py_sq_contains, Article_contains},
  {Py_tp_iter, Article_iter},
  {0, NULL}};

/* Not a GC type: an Article holds only immutable objects that cannot refer
 * back to it (see the comment at the top of this section; its fields dict
 * is never handed out, and holds only strs, dates and None). */
static PyType_Spec Article_spec = {
  .name = "kz.Article",
  .basicsize = sizeof(ArticleObject),
  .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION |
           Py_TPFLAGS_IMMUTABLETYPE,
  .slots = Article_slots,
};

/* --- Parsing without the GIL ----------------------------------------- */

/* A str source without line breaks and shorter than this may name a file. */
#define PATH_GUESS_MAX 4096

typedef struct {
  /* in */
  const char *data;    /* the text to parse, or (with path) the fallback */
  size_t len;
  const char *path;    /* a file to parse (file system encoding), or NULL */
  int path_if_file;    /* path is a guess: parse data unless it names a
                          regular file */
  kz_parse_options opts;
  /* out */
  int rc;
  int used_path;       /* the file was read */
  kz_article *art;
  kz_buf json;
  char msg[KZ_MSG_MAX];
} parse_job;

/* Call without the GIL. */
static void
run_parse(parse_job *j)
{
  int rc;

  j->used_path = j->path != NULL;
  if (j->path != NULL && j->path_if_file) {
    struct stat sb;
    j->used_path = stat(j->path, &sb) == 0 && S_ISREG(sb.st_mode);
  }
  if (j->used_path)
    rc = kz_article_parse_file(&j->art, j->path, &j->opts);
  else
    rc = kz_article_parse(&j->art, j->data, j->len, &j->opts);
  if (rc == KZ_OK) {
    rc = kz_article_to_json(j->art, &j->json);
    if (rc != KZ_OK) {
      kz_article_free(j->art);
      j->art = NULL;
    }
  }
  if (rc != KZ_OK)
    copy_msg(j->msg, kz_last_errmsg());
  j->rc = rc;
}

/* Validate an optional str argument without NUL characters.  Returns a new
 * reference (NULL for None or "") and sets *err on error. */
static PyObject *
check_opt_str(PyObject *obj, const char *argname, int *err)
{
  Py_ssize_t n;
  const char *s;

  *err = 0;
  if (obj == Py_None)
    return NULL;
  if (!PyUnicode_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "%s must be None or a str", argname);
    *err = 1;
    return NULL;
  }
  s = PyUnicode_AsUTF8AndSize(obj, &n);
  if (s == NULL || strlen(s) != (size_t)n) {
    if (s != NULL)
      PyErr_Format(PyExc_ValueError, "%s contains a NUL character", argname);
    *err = 1;
    return NULL;
  }
  if (n == 0)
    return NULL;
  return Py_NewRef(obj);
}

PyDoc_STRVAR(kz_parse_doc,
"parse(source, *, language=None, source_name=None, strict_utf8=False,\n"
"      allow_binary=False)\n"
"--\n"
"\n"
"Parse a scraped news page into a kz.Article.\n"
"\n"
"source is one of:\n"
"  - a path: an os.PathLike (pathlib.Path...), or a str without line\n"
"    breaks that names an existing regular file.  The file is read as\n"
"    bytes.  A str that names no file is parsed as text, so pass a\n"
"    pathlib.Path to get an error for a missing file;\n"
"  - a str: the page's text;\n"
"  - a bytes-like object (bytes, bytearray, memoryview...): the page's\n"
"    UTF-8 bytes.\n"
"The page may be plain text or text with leftover HTML fragments.\n"
"Block offsets (Block.start, Block.end) and Article.date_span are byte\n"
"offsets into the raw input: the file's bytes, the bytes given, or the\n"
"UTF-8 encoding of the str.\n"
"\n"
"language: ISO 639-1 code of the body ('en'), used when language\n"
"    detection is unsure.\n"
"source_name: the outlet, if known; used when the text names none.\n"
"strict_utf8: raise kz.Utf8Error on invalid UTF-8 instead of repairing\n"
"    it.\n"
"allow_binary: parse a file that does not look like text (an image, PDF,\n"
"    archive, UTF-16, or 5% control bytes) instead of raising\n"
"    kz.FormatError.\n"
"\n"
"Bad input does not fail: empty input gives an empty article, NUL and\n"
"control bytes are dropped, invalid UTF-8 is replaced by U+FFFD, unclosed\n"
"tags are cut; each repair is listed in Article.warnings.\n"
"\n"
"Raises kz.FileNotFound (a kz.NotFound and a FileNotFoundError) for a\n"
"missing file, kz.IOError for an unreadable one, kz.FormatError for a file\n"
"that is not text, kz.Utf8Error in strict mode, TypeError for other\n"
"source types.  The GIL is released while\n"
"libkz parses.");

static PyObject *
kz_parse_func(PyObject *module, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"source", "language", "source_name", "strict_utf8",
                           "allow_binary", NULL};
  static const kz_parse_options defaults = KZ_PARSE_OPTIONS_INIT;
  kz_state *st = module_state(module);
  PyObject *source, *language = Py_None, *source_name = Py_None;
  PyObject *lang = NULL, *sname = NULL, *fspath = NULL, *path_bytes = NULL;
  PyObject *res = NULL;
  int strict = 0, allow_binary = 0, err, have_text = 0;
  char *copy = NULL;
  text_arg t;
  parse_job j;

  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$OOpp:parse", kwlist,
                                   &source, &language, &source_name, &strict,
                                   &allow_binary))
    return NULL;
  memset(&j, 0, sizeof j);
  j.opts = defaults;
  lang = check_language(language, "language", &err);
  if (err)
    return NULL;
  sname = check_opt_str(source_name, "source_name", &err);
  if (err)
    goto done;
  j.opts.language_hint = lang ? PyUnicode_AsUTF8AndSize(lang, NULL) : NULL;
  j.opts.source_hint = sname ? PyUnicode_AsUTF8AndSize(sname, NULL) : NULL;
  j.opts.flags = (strict ? KZ_PARSE_STRICT_UTF8 : 0) |
                 (allow_binary ? KZ_PARSE_ALLOW_BINARY : 0);

  if (PyUnicode_Check(source) || PyObject_CheckBuffer(source)) {
    if (text_get(&t, source) < 0)
      goto done;
    have_text = 1;
    j.data = t.s;
    j.len = t.len;
    if (t.is_str && t.len > 0 && t.len < PATH_GUESS_MAX &&
        memchr(t.s, '\n', t.len) == NULL && memchr(t.s, '\r', t.len) == NULL &&
        memchr(t.s, '\0', t.len) == NULL) {
      /* Maybe a file name: decided by stat() in run_parse(). */
      path_bytes = PyUnicode_EncodeFSDefault(source);
      if (path_bytes == NULL) {
        PyErr_Clear(); /* not encodable as a file name: text */
      } else {
        j.path = PyBytes_AsString(path_bytes);
        j.path_if_file = 1;
        fspath = Py_NewRef(source);
      }
    } else if (!t.is_str && !t.view.readonly && t.len > 0) {
      /* A writable buffer could change while libkz reads it: snapshot. */
      copy = malloc(t.len);
      if (copy == NULL) {
        PyErr_NoMemory();
        goto done;
      }
      memcpy(copy, t.s, t.len);
      j.data = copy;
    }
  } else {
    fspath = PyOS_FSPath(source);
    if (fspath == NULL) {
      if (PyErr_ExceptionMatches(PyExc_TypeError)) {
        PyObject *name = PyType_GetName(Py_TYPE(source));
        PyErr_Clear();
        if (name != NULL) {
          PyErr_Format(PyExc_TypeError,
                       "source must be a path (os.PathLike or str), article "
                       "text (str) or a bytes-like object, not %U",
                       name);
          Py_DECREF(name);
        }
      }
      goto done;
    }
    if (!PyUnicode_FSConverter(fspath, &path_bytes))
      goto done;
    j.path = PyBytes_AsString(path_bytes);
  }

  Py_BEGIN_ALLOW_THREADS
  run_parse(&j);
  Py_END_ALLOW_THREADS

  if (j.rc == KZ_ENOTFOUND && j.used_path)
    raise_file_not_found(st, fspath);
  else if (j.rc != KZ_OK)
    set_kz_error(st, j.rc, j.msg);
  else if ((res = make_article(st, j.art, &j.json)) != NULL) {
    ((ArticleObject *)res)->art = j.art; /* the article keeps it */
    j.art = NULL;
  }
  kz_buf_dispose(&j.json);
  kz_article_free(j.art);
done:
  free(copy);
  if (have_text)
    text_release(&t);
  Py_XDECREF(path_bytes);
  Py_XDECREF(fspath);
  Py_XDECREF(sname);
  Py_XDECREF(lang);
  return res;
}

/* ====================================================================
 * The corpus: kz.Corpus and its result types
 * ==================================================================== */

/*
 * A kz.Corpus wraps a kz_corpus handle.  libkz lets the search-side calls
 * (search, keys, kwic, count, vocabulary, doc, count_docs) run on one handle
 * from several threads at once, also while one thread commits, but the
 * write calls (add, delete, commit, optimize, refresh, close) must not
 * overlap.  So:
 *
 *   - write calls take the object's writer lock, waiting for it and running
 *     with the GIL released (a progress callback takes the GIL back briefly
 *     to draw its bar; nobody waits for the writer lock while holding the
 *     GIL, so this cannot deadlock);
 *   - search-side calls take no lock: they count themselves in `active`
 *     (changed only with the GIL held) while they run without the GIL;
 *   - close() marks the object closing, so that no new search starts,
 *     takes the writer lock, waits for `active` to drop to 0 and only then
 *     closes the handle.
 *
 * Every search-side result (kz_results, kz_kwic, kz_counts, kz_doc, the
 * key and vocabulary callbacks) is copied into plain C memory without the
 * GIL, and the libkz object is freed before the call returns.  No libkz
 * object outlives a call, so the Python results stay valid after the corpus
 * is closed, and "free results before closing the corpus" holds by
 * construction.
 *
 * Offsets: hit highlights are code point offsets into the str they belong
 * to (hit.snippet[s:e] is the match); KWIC start/end are byte offsets in
 * the stored field, as libkz gives them.
 */

/* Internal outcomes of a corpus call besides kz_status values; positive, and
 * distinct from COLLECT_NOMEM. */
#define RC_CLOSED 2  /* the corpus was closed before the call could run */
#define RC_STOPPED 3 /* the progress callback stopped an add */
#define RC_BADOFFSET 4 /* libkz reported an offset outside its text, or a
                          row it could not give */

static const char closed_msg[] = "operation on a closed kz.Corpus";

/* The kz_field names of the text fields, for KWIC rows. */
static const char *const field_names[KZ_FIELD_COUNT] = {
  "title", "body", "caption", "heading", "key", "date", "source", "author",
  "url", "language"};

/* --- Plain C collection ---------------------------------------------- */

/* Strings copied out of libkz while the GIL is released go into an html_buf
 * used as an arena.  Records keep offsets: the buffer moves as it grows. */
static size_t
arena_put(html_buf *a, const char *s, size_t n)
{
  size_t off = a->n;
  hb_put(a, s, n);
  return off;
}

/* A str of arena bytes; None for an empty string when none_if_empty. */
static PyObject *
arena_str(const html_buf *a, size_t off, size_t len, int none_if_empty)
{
  if (len == 0 && none_if_empty)
    Py_RETURN_NONE;
  return PyUnicode_DecodeUTF8(len ? a->p + off : "", (Py_ssize_t)len,
                              "replace");
}

/* Document keys are byte strings.  They come back as str decoded with
 * surrogateescape, and key_get() encodes them the same way, so every key
 * round-trips (for paths this is os.fsdecode()/os.fsencode()). */
static PyObject *
key_str(const char *s, size_t len)
{
  return PyUnicode_DecodeUTF8(len ? s : "", (Py_ssize_t)len,
                              "surrogateescape");
}

/* Raise TypeError "<what>, not <type name>". */
static void
type_error(const char *what, PyObject *obj)
{
  PyObject *name = PyType_GetName(Py_TYPE(obj));
  if (name != NULL) {
    PyErr_Format(PyExc_TypeError, "%s, not %U", what, name);
    Py_DECREF(name);
  }
}

typedef struct {
  PyObject *bytes; /* owns s */
  const char *s;
  size_t len;
} key_arg;

/* A document key from str (UTF-8, surrogateescape), bytes or os.PathLike.
 * Release with Py_XDECREF(k->bytes). */
static int
key_get(key_arg *k, PyObject *obj)
{
  char *s;
  Py_ssize_t n;

  k->bytes = NULL;
  if (PyUnicode_Check(obj)) {
    k->bytes = PyUnicode_AsEncodedString(obj, "utf-8", "surrogateescape");
  } else if (PyBytes_Check(obj)) {
    k->bytes = Py_NewRef(obj);
  } else {
    PyObject *p = PyOS_FSPath(obj);
    if (p == NULL) {
      if (PyErr_ExceptionMatches(PyExc_TypeError)) {
        PyErr_Clear();
        type_error("a document key must be str, bytes or os.PathLike", obj);
      }
      return -1;
    }
    if (!PyUnicode_FSConverter(p, &k->bytes))
      k->bytes = NULL;
    Py_DECREF(p);
  }
  if (k->bytes == NULL || PyBytes_AsStringAndSize(k->bytes, &s, &n) < 0) {
    Py_CLEAR(k->bytes);
    return -1;
  }
  k->s = s;
  k->len = (size_t)n;
  return 0;
}

/* A growing array of (start, end) pairs. */
typedef struct {
  size_t (*v)[2];
  size_t n, cap;
} pair_list;

static int
pair_push(pair_list *pl, size_t a, size_t b)
{
  if (grow((void **)&pl->v, &pl->cap, pl->n + 1, sizeof *pl->v) < 0)
    return -1;
  pl->v[pl->n][0] = a;
  pl->v[pl->n][1] = b;
  pl->n++;
  return 0;
}

/* Byte offsets [start, end) into s (len bytes) as code points, checked.
 * Returns 0, or -1 when libkz gave an offset outside s (a libkz bug:
 * reported, never trusted). */
static int
span_to_chars(char_cursor *cur, const char *s, size_t len, size_t *start,
              size_t *end)
{
  if (*start > *end || *end > len)
    return -1;
  *start = char_offset(cur, (const unsigned char *)s, *start);
  *end = char_offset(cur, (const unsigned char *)s, *end);
  return 0;
}

/* A tuple of (start, end) tuples from pairs v[0..n). */
static PyObject *
pairs_tuple(size_t (*v)[2], size_t n)
{
  PyObject *t = PyTuple_New((Py_ssize_t)n);
  size_t i;

  if (t == NULL)
    return NULL;
  for (i = 0; i < n; i++) {
    PyObject *p = Py_BuildValue("(nn)", (Py_ssize_t)v[i][0],
                                (Py_ssize_t)v[i][1]);
    if (p == NULL) {
      Py_DECREF(t);
      return NULL;
    }
    PyTuple_SetItem(t, (Py_ssize_t)i, p); /* steals */
  }
  return t;
}

/* --- Errors of corpus calls ------------------------------------------- */

static PyObject *
corpus_error(kz_state *st, int rc, const char *msg)
{
  if (rc == RC_CLOSED) {
    PyErr_SetString(PyExc_ValueError, closed_msg);
    return NULL;
  }
  if (rc == COLLECT_NOMEM)
    return PyErr_NoMemory();
  if (rc == RC_BADOFFSET)
    return set_kz_error(st, KZ_ERROR,
                        "libkz reported an offset outside its text");
  if (rc == RC_STOPPED || rc >= 0)
    return set_kz_error(st, KZ_ERROR, "libkz stopped for no reason given");
  return set_kz_error(st, rc, msg);
}

/*
 * Raise the error of a call that parsed the query `qobj` (str or bytes):
 * KZ_EQUERY becomes kz.QueryError with the attributes `query` and
 * `position` (code point offset in a str query, byte offset in a bytes
 * query, None when libkz named none), read from libkz's message
 * "query error at byte N: problem".  Other codes go to corpus_error().
 */
static PyObject *
query_error(kz_state *st, int rc, const char *msg, PyObject *qobj,
            const text_arg *q)
{
  PyObject *cls, *pymsg, *exc, *pos;
  const char *at;

  if (rc != KZ_EQUERY)
    return corpus_error(st, rc, msg);
  cls = st->errors[-KZ_EQUERY];
  pymsg = PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "replace");
  if (pymsg == NULL)
    return NULL;
  exc = PyObject_CallFunctionObjArgs(cls, pymsg, NULL);
  Py_DECREF(pymsg);
  if (exc == NULL)
    return NULL;
  at = strstr(msg, "at byte ");
  if (at != NULL) {
    size_t b = (size_t)strtoull(at + 8, NULL, 10);
    if (b > q->len)
      b = q->len;
    if (q->is_str) {
      char_cursor cur = {0, 0};
      b = char_offset(&cur, (const unsigned char *)q->s, b);
    }
    pos = PyLong_FromSize_t(b);
  } else {
    pos = Py_NewRef(Py_None);
  }
  if (pos == NULL || PyObject_SetAttrString(exc, "position", pos) < 0 ||
      PyObject_SetAttrString(exc, "query", qobj) < 0) {
    Py_XDECREF(pos);
    Py_DECREF(exc);
    return NULL;
  }
  Py_DECREF(pos);
  return raise_with_code(cls, exc, KZ_EQUERY);
}

/* --- kz.Hit ------------------------------------------------------------ */

typedef struct {
  PyObject_HEAD
  PyObject *key;                    /* str */
  PyObject *title, *source, *date;  /* str / datetime.date, or None */
  PyObject *author, *url, *language;
  PyObject *snippet;                /* str */
  PyObject *body;                   /* str, or None unless asked for */
  PyObject *highlights;             /* tuple of (start, end) */
  PyObject *body_highlights;
  double score;
} HitObject;

/* Not a GC type: a Hit holds only immutable objects (see Token_dealloc()). */
static void
Hit_dealloc(PyObject *op)
{
  HitObject *self = (HitObject *)op;

  Py_CLEAR(self->key);
  Py_CLEAR(self->title);
  Py_CLEAR(self->source);
  Py_CLEAR(self->date);
  Py_CLEAR(self->author);
  Py_CLEAR(self->url);
  Py_CLEAR(self->language);
  Py_CLEAR(self->snippet);
  Py_CLEAR(self->body);
  Py_CLEAR(self->highlights);
  Py_CLEAR(self->body_highlights);
  free_instance(op);
}

static PyObject *
Hit_repr(PyObject *op)
{
  HitObject *self = (HitObject *)op;
  PyObject *title, *res;
  char score[32];

  title = self->title == Py_None ? Py_NewRef(Py_None)
                                 : shorten(self->title, 50);
  if (title == NULL)
    return NULL;
  snprintf(score, sizeof score, "%.4g", self->score);
  res = PyUnicode_FromFormat("<kz.Hit key=%R score=%s date=%R source=%R "
                             "title=%R>",
                             self->key, score, self->date, self->source,
                             title);
  Py_DECREF(title);
  return res;
}

/* Getter of a tuple field (closure: its offset) as a new list. */
static PyObject *
Hit_get_list(PyObject *op, void *closure)
{
  PyObject *t = *(PyObject **)((char *)op + (size_t)(uintptr_t)closure);
  return PySequence_List(t);
}

static PyGetSetDef Hit_getset[] = {
  {"highlights", Hit_get_list, NULL,
   "The matches in the snippet: a list of (start, end) code point offsets,\n"
   "so hit.snippet[start:end] is a match.  A phrase or NEAR group is one\n"
   "range.",
   (void *)(uintptr_t)offsetof(HitObject, highlights)},
  {"body_highlights", Hit_get_list, NULL,
   "The matches in the whole stored body: (start, end) code point offsets\n"
   "into hit.body (search(..., body=True)) or corpus.doc(hit.key)['body'].",
   (void *)(uintptr_t)offsetof(HitObject, body_highlights)},
  {NULL, NULL, NULL, NULL, NULL}};

static PyMemberDef Hit_members[] = {
  {"key", T_OBJECT_EX, offsetof(HitObject, key), READONLY,
   "The document key (str): its path or id."},
  {"score", T_DOUBLE, offsetof(HitObject, score), READONLY,
   "The BM25 score (float), higher is better."},
  {"title", T_OBJECT_EX, offsetof(HitObject, title), READONLY,
   "The title (str), or None."},
  {"source", T_OBJECT_EX, offsetof(HitObject, source), READONLY,
   "The outlet (str), or None."},
  {"date", T_OBJECT_EX, offsetof(HitObject, date), READONLY,
   "The publication date (datetime.date), or None."},
  {"author", T_OBJECT_EX, offsetof(HitObject, author), READONLY,
   "The authors joined by '; ' (str), or None."},
  {"url", T_OBJECT_EX, offsetof(HitObject, url), READONLY,
   "The URL (str), or None."},
  {"language", T_OBJECT_EX, offsetof(HitObject, language), READONLY,
   "ISO 639-1 code of the document's language, or None."},
  {"snippet", T_OBJECT_EX, offsetof(HitObject, snippet), READONLY,
   "A window of the body (or title) around the best matches (str); '...'\n"
   "marks cut ends.  Empty with search(..., snippets=False)."},
  {"body", T_OBJECT_EX, offsetof(HitObject, body), READONLY,
   "The stored body (str) with search(..., body=True), else None."},
  {NULL, 0, 0, 0, NULL}};

PyDoc_STRVAR(Hit_doc,
"One search hit (immutable), an item of kz.Results.\n"
"\n"
"Attributes: key, score, title, source, date, author, url, language,\n"
"snippet, highlights, body_highlights, body.");

static PyType_Slot Hit_slots[] = {
  {Py_tp_doc, (void *)Hit_doc},
  {Py_tp_dealloc, Hit_dealloc},
  {Py_tp_repr, Hit_repr},
  {Py_tp_members, Hit_members},
  {Py_tp_getset, Hit_getset},
  {0, NULL}};

static PyType_Spec Hit_spec = {
  .name = "kz.Hit",
  .basicsize = sizeof(HitObject),
  .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION |
           Py_TPFLAGS_IMMUTABLETYPE, /* not GC: see Hit_dealloc() */
  .slots = Hit_slots,
};

/* --- Results, Concordance, Counts: shared sequence helpers ------------- */

/* The three result types keep their items in a tuple right after the
 * object header, so one set of sequence slots serves them all. */
typedef struct {
  PyObject_HEAD
  PyObject *items; /* tuple */
} SeqObject;

static Py_ssize_t
Seq_length(PyObject *op)
{
  return PyTuple_Size(((SeqObject *)op)->items);
}

static PyObject *
Seq_item(PyObject *op, Py_ssize_t i)
{
  PyObject *items = ((SeqObject *)op)->items;
  if (i < 0 || i >= PyTuple_Size(items)) {
    PyErr_SetString(PyExc_IndexError, "index out of range");
    return NULL;
  }
  return Py_NewRef(PyTuple_GetItem(items, i));
}

/* r[i], r[-1] and r[a:b] (a tuple) */
static PyObject *
Seq_subscript(PyObject *op, PyObject *key)
{
  return PyObject_GetItem(((SeqObject *)op)->items, key);
}

static PyObject *
Seq_iter(PyObject *op)
{
  return PyObject_GetIter(((SeqObject *)op)->items);
}

/* pandas, imported when first needed: a new reference or NULL with
 * ImportError. */
static PyObject *
import_pandas(const char *what)
{
  PyObject *pd = PyImport_ImportModule("pandas");
  if (pd == NULL && PyErr_ExceptionMatches(PyExc_ImportError)) {
    PyErr_Clear();
    PyErr_Format(PyExc_ImportError,
                 "%s needs pandas, which is not installed (Debian: apt "
                 "install python3-pandas)", what);
  }
  return pd;
}

/* pandas.DataFrame.from_records(records, columns=columns[, index=index]) */
static PyObject *
make_frame(const char *what, PyObject *records, const char *const *columns,
           int ncolumns, const char *index)
{
  PyObject *pd, *df_type = NULL, *cols = NULL, *kw = NULL, *args = NULL,
                *from = NULL, *res = NULL;
  int i;

  pd = import_pandas(what);
  if (pd == NULL)
    return NULL;
  df_type = PyObject_GetAttrString(pd, "DataFrame");
  if (df_type == NULL)
    goto done;
  from = PyObject_GetAttrString(df_type, "from_records");
  cols = PyList_New(ncolumns);
  if (from == NULL || cols == NULL)
    goto done;
  for (i = 0; i < ncolumns; i++) {
    PyObject *s = PyUnicode_FromString(columns[i]);
    if (s == NULL)
      goto done;
    PyList_SetItem(cols, i, s);
  }
  kw = PyDict_New();
  args = PyTuple_Pack(1, records);
  if (kw == NULL || args == NULL ||
      PyDict_SetItemString(kw, "columns", cols) < 0)
    goto done;
  if (index != NULL) {
    PyObject *ix = PyUnicode_FromString(index);
    if (ix == NULL || PyDict_SetItemString(kw, "index", ix) < 0) {
      Py_XDECREF(ix);
      goto done;
    }
    Py_DECREF(ix);
  }
  res = PyObject_Call(from, args, kw);
done:
  Py_XDECREF(args);
  Py_XDECREF(kw);
  Py_XDECREF(cols);
  Py_XDECREF(from);
  Py_XDECREF(df_type);
  Py_DECREF(pd);
  return res;
}

/* Append the str s to h escaped, with the (start, end) code point ranges
 * of the tuple hl wrapped in <mark>; ranges out of order or overlapping
 * are clipped. */
static int
hb_marked(html_buf *h, PyObject *s, PyObject *hl)
{
  Py_ssize_t n = PyUnicode_GetLength(s), pos = 0, i, nh = PyTuple_Size(hl);
  PyObject *part;

  if (n < 0 || nh < 0)
    return -1;
  for (i = 0; i <= nh; i++) {
    Py_ssize_t a = n, b = n;
    if (i < nh) {
      PyObject *p = PyTuple_GetItem(hl, i);
      a = PyLong_AsSsize_t(PyTuple_GetItem(p, 0));
      b = PyLong_AsSsize_t(PyTuple_GetItem(p, 1));
      if (PyErr_Occurred())
        return -1;
      if (a < pos)
        a = pos;
      if (b > n)
        b = n;
      if (a > n || b <= a)
        continue;
    }
    part = PyUnicode_Substring(s, pos, a);
    if (part == NULL || hb_obj(h, part, 0) < 0) {
      Py_XDECREF(part);
      return -1;
    }
    Py_DECREF(part);
    if (i == nh)
      break;
    part = PyUnicode_Substring(s, a, b);
    hb_str(h, "<mark>");
    if (part == NULL || hb_obj(h, part, 0) < 0) {
      Py_XDECREF(part);
      return -1;
    }
    Py_DECREF(part);
    hb_str(h, "</mark>");
    pos = b;
  }
  return 0;
}

/* The finished html_buf as a str (freeing it). */
static PyObject *
hb_finish(html_buf *h, int failed)
{
  PyObject *res = NULL;
  if (!failed) {
    if (h->nomem)
      PyErr_NoMemory();
    else
      res = PyUnicode_DecodeUTF8(h->p ? h->p : "", (Py_ssize_t)h->n,
                                 "strict");
  }
  free(h->p);
  return res;
}

/* --- kz.Results -------------------------------------------------------- */

typedef struct {
  PyObject_HEAD
  PyObject *items;  /* tuple of kz.Hit; first, see SeqObject */
  PyObject *query;  /* str or bytes */
  PyObject *total;  /* int */
  int exact;
} ResultsObject;

static void
Results_dealloc(PyObject *op)
{
  ResultsObject *self = (ResultsObject *)op;

  Py_CLEAR(self->items);
  Py_CLEAR(self->query);
  Py_CLEAR(self->total);
  free_instance(op);
}

/* Lines of a text listing shown by repr(), at most this many. */
#define REPR_ROWS 20

/* Append s (a new reference, consumed; NULL after a failed call) to the
 * list lines. */
static int
add_line(PyObject *lines, PyObject *s)
{
  int rc = s == NULL ? -1 : PyList_Append(lines, s);

  Py_XDECREF(s);
  return rc;
}

/* "\n".join(lines). */
static PyObject *
join_lines(PyObject *lines)
{
  PyObject *sep = PyUnicode_FromString("\n"), *res = NULL;

  if (sep != NULL)
    res = PyUnicode_Join(sep, lines);
  Py_XDECREF(sep);
  return res;
}

static PyObject *
Results_repr(PyObject *op)
{
  ResultsObject *self = (ResultsObject *)op;
  Py_ssize_t i, n = PyTuple_Size(self->items);
  PyObject *lines = PyList_New(0), *s, *res = NULL;

  if (lines == NULL)
    return NULL;
  if (add_line(lines, PyUnicode_FromFormat(
                          "<kz.Results %R: %zd hit%s of %S%s matching>",
                          self->query, n, n == 1 ? "" : "s", self->total,
                          self->exact ? "" : "+")) < 0)
    goto done;
  for (i = 0; i < n && i < REPR_ROWS; i++) {
    HitObject *h = (HitObject *)PyTuple_GetItem(self->items, i);
    PyObject *title = h->title == Py_None ? PyUnicode_FromString("")
                                          : shorten(h->title, 60);
    char score[64];
    if (title == NULL)
      goto done;
    snprintf(score, sizeof score, "%3zd %8.3f", i + 1, h->score);
    if (h->date == Py_None)
      s = PyUnicode_FromFormat("%s  %s  %S  %S", score, "          ",
                               h->key, title);
    else
      s = PyUnicode_FromFormat("%s  %S  %S  %S", score, h->date, h->key,
                               title);
    Py_DECREF(title);
    if (add_line(lines, s) < 0)
      goto done;
  }
  if (n > REPR_ROWS &&
      add_line(lines, PyUnicode_FromFormat("    ... %zd more",
                                           n - REPR_ROWS)) < 0)
    goto done;
  res = join_lines(lines);
done:
  Py_DECREF(lines);
  return res;
}

static const char *const hit_columns[] = {
  "key", "score", "title", "source", "date", "snippet", "highlights",
  "body_highlights", "author", "url", "language"};

PyDoc_STRVAR(Results_to_pandas_doc,
"to_pandas($self, /)\n"
"--\n"
"\n"
"The hits as a pandas.DataFrame, one row per hit in rank order, with the\n"
"columns key, score, title, source, date, snippet, highlights,\n"
"body_highlights, author, url, language.  Needs pandas.");

static PyObject *
Results_to_pandas(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  ResultsObject *self = (ResultsObject *)op;
  Py_ssize_t i, n = PyTuple_Size(self->items);
  PyObject *records = PyList_New(n), *res;

  if (records == NULL)
    return NULL;
  for (i = 0; i < n; i++) {
    HitObject *h = (HitObject *)PyTuple_GetItem(self->items, i);
    PyObject *hl = PySequence_List(h->highlights);
    PyObject *bhl = PySequence_List(h->body_highlights);
    PyObject *rec = NULL;
    if (hl != NULL && bhl != NULL)
      rec = Py_BuildValue("(OdOOOOOOOOO)", h->key, h->score, h->title,
                          h->source, h->date, h->snippet, hl, bhl, h->author,
                          h->url, h->language);
    Py_XDECREF(hl);
    Py_XDECREF(bhl);
    if (rec == NULL) {
      Py_DECREF(records);
      return NULL;
    }
    PyList_SetItem(records, i, rec);
  }
  res = make_frame("Results.to_pandas()", records, hit_columns,
                   (int)(sizeof hit_columns / sizeof hit_columns[0]), NULL);
  Py_DECREF(records);
  return res;
}

/* A cell with a str or a grey dash for None. */
static int
hb_cell(html_buf *h, const char *style, PyObject *obj)
{
  hb_str(h, "<td style=\"");
  hb_str(h, style);
  hb_str(h, "\">");
  if (obj != Py_None && !PyUnicode_Check(obj)) {
    PyObject *s = PyObject_Str(obj);
    int rc = s ? hb_obj(h, s, 0) : -1;
    Py_XDECREF(s);
    if (rc < 0)
      return -1;
  } else if (hb_obj(h, obj, 0) < 0) {
    return -1;
  }
  hb_str(h, "</td>");
  return 0;
}

PyDoc_STRVAR(Results__repr_html__doc,
"_repr_html_($self, /)\n"
"--\n"
"\n"
"An HTML table of the hits for Jupyter: rank, score, date, source, title,\n"
"key and the snippet with the matches in <mark>.  Every text is escaped.");

static PyObject *
Results__repr_html_(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  ResultsObject *self = (ResultsObject *)op;
  html_buf h = {NULL, 0, 0, 0};
  Py_ssize_t i, n = PyTuple_Size(self->items);
  PyObject *total = NULL, *q = NULL;
  char num[512];
  int failed = 1;

  total = PyObject_Str(self->total);
  q = PyUnicode_Check(self->query) ? Py_NewRef(self->query)
                                   : PyObject_Repr(self->query);
  if (total == NULL || q == NULL)
    goto done;
  hb_str(&h, "<div class=\"kz-results\" style=\"font-family:sans-serif\">\n"
             "<div style=\"color:#666;margin-bottom:.3em\">");
  snprintf(num, sizeof num, "%zd hit%s of ", n, n == 1 ? "" : "s");
  hb_str(&h, num);
  if (hb_obj(&h, total, 0) < 0)
    goto done;
  hb_str(&h, self->exact ? "" : "+");
  hb_str(&h, " matching documents for <code>");
  if (hb_obj(&h, q, 0) < 0)
    goto done;
  hb_str(&h, "</code></div>\n<table style=\"border-collapse:collapse\">\n"
             "<thead><tr><th>#</th><th>score</th><th>date</th>"
             "<th>source</th><th style=\"text-align:left\">document</th>"
             "</tr></thead>\n<tbody>\n");
  for (i = 0; i < n; i++) {
    HitObject *hit = (HitObject *)PyTuple_GetItem(self->items, i);
    static const char top[] = "vertical-align:top;padding:.3em .6em;"
                              "border-top:1px solid #ddd;";
    snprintf(num, sizeof num,
             "<tr><td style=\"%scolor:#666\">%zd</td>"
             "<td style=\"%stext-align:right\">%.3f</td>",
             top, i + 1, top, hit->score);
    hb_str(&h, num);
    if (hb_cell(&h, "vertical-align:top;padding:.3em .6em;"
                    "border-top:1px solid #ddd;white-space:nowrap",
                hit->date) < 0 ||
        hb_cell(&h, "vertical-align:top;padding:.3em .6em;"
                    "border-top:1px solid #ddd",
                hit->source) < 0)
      goto done;
    hb_str(&h, "<td style=\"vertical-align:top;padding:.3em .6em;"
               "border-top:1px solid #ddd;text-align:left\"><b>");
    if (hit->title == Py_None)
      hb_str(&h, "<span style=\"color:#999\">(no title)</span>");
    else if (hb_obj(&h, hit->title, 0) < 0)
      goto done;
    hb_str(&h, "</b> <small style=\"color:#888\">");
    if (hb_obj(&h, hit->key, 0) < 0)
      goto done;
    hb_str(&h, "</small><br>");
    if (hb_marked(&h, hit->snippet, hit->highlights) < 0)
      goto done;
    hb_str(&h, "</td></tr>\n");
  }
  hb_str(&h, "</tbody></table></div>");
  failed = 0;
done:
  Py_XDECREF(total);
  Py_XDECREF(q);
  return hb_finish(&h, failed);
}

static PyMethodDef Results_methods[] = {
  {"to_pandas", Results_to_pandas, METH_NOARGS, Results_to_pandas_doc},
  {"_repr_html_", Results__repr_html_, METH_NOARGS,
   Results__repr_html__doc},
  {NULL, NULL, 0, NULL}};

static PyObject *
Results_get_exact(PyObject *op, void *closure)
{
  return PyBool_FromLong(((ResultsObject *)op)->exact);
}

static PyGetSetDef Results_getset[] = {
  {"exact", Results_get_exact, NULL,
   "True when total is exact (always, unless libkz cut the search short).",
   NULL},
  {NULL, NULL, NULL, NULL, NULL}};

static PyMemberDef Results_members[] = {
  {"total", T_OBJECT_EX, offsetof(ResultsObject, total), READONLY,
   "The number of documents that match (int), however many hits were\n"
   "returned."},
  {"query", T_OBJECT_EX, offsetof(ResultsObject, query), READONLY,
   "The query as given."},
  {NULL, 0, 0, 0, NULL}};

PyDoc_STRVAR(Results_doc,
"The hits of Corpus.search(): a read-only sequence of kz.Hit in rank\n"
"order, with `total` (matching documents), `exact`, `query`,\n"
"to_pandas() and _repr_html_() for notebooks.");

static PyType_Slot Results_slots[] = {
  {Py_tp_doc, (void *)Results_doc},
  {Py_tp_dealloc, Results_dealloc},
  {Py_tp_repr, Results_repr},
  {Py_tp_iter, Seq_iter},
  {Py_sq_length, Seq_length},
  {Py_sq_item, Seq_item},
  {Py_mp_length, Seq_length},
  {Py_mp_subscript, Seq_subscript},
  {Py_tp_methods, Results_methods},
  {Py_tp_members, Results_members},
  {Py_tp_getset, Results_getset},
  {0, NULL}};

/* Not GC: it holds a tuple of Hits, which hold only immutable objects. */
static PyType_Spec Results_spec = {
  .name = "kz.Results",
  .basicsize = sizeof(ResultsObject),
  .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION |
           Py_TPFLAGS_IMMUTABLETYPE,
  .slots = Results_slots,
};

/* --- kz.Concordance ----------------------------------------------------- */

typedef struct {
  PyObject_HEAD
  PyObject *items; /* tuple of kz.KwicRow; first, see SeqObject */
  PyObject *query;
} ConcordanceObject;

static void
Concordance_dealloc(PyObject *op)
{
  ConcordanceObject *self = (ConcordanceObject *)op;

  Py_CLEAR(self->items);
  Py_CLEAR(self->query);
  free_instance(op);
}

/* Field i of a KwicRow (borrowed). */
static PyObject *
kwic_item(PyObject *row, Py_ssize_t i)
{
  return PyStructSequence_GetItem(row, i);
}

/* s with each run of white space (line breaks included) as one space and
 * no space at the ends: " ".join(s.split()). */
static PyObject *
one_line(PyObject *s)
{
  PyObject *parts = PyUnicode_Split(s, NULL, -1), *sep, *res = NULL;

  if (parts == NULL)
    return NULL;
  sep = PyUnicode_FromString(" ");
  if (sep != NULL)
    res = PyUnicode_Join(sep, parts);
  Py_XDECREF(sep);
  Py_DECREF(parts);
  return res;
}

/* The text form: left contexts right-aligned, the match in brackets, each
 * row on one line. */
static PyObject *
Concordance_repr(PyObject *op)
{
  ConcordanceObject *self = (ConcordanceObject *)op;
  Py_ssize_t i, n = PyTuple_Size(self->items), shown, wleft = 0;
  PyObject *lines = PyList_New(0), *s, *res = NULL;

  if (lines == NULL)
    return NULL;
  shown = n < REPR_ROWS ? n : REPR_ROWS;
  for (i = 0; i < shown; i++) {
    PyObject *left = one_line(kwic_item(PyTuple_GetItem(self->items, i), 1));
    Py_ssize_t l;
    if (left == NULL)
      goto done;
    l = PyUnicode_GetLength(left);
    Py_DECREF(left);
    if (l > wleft)
      wleft = l;
  }
  if (add_line(lines, PyUnicode_FromFormat("<kz.Concordance %R: %zd row%s>",
                                           self->query, n,
                                           n == 1 ? "" : "s")) < 0)
    goto done;
  for (i = 0; i < shown; i++) {
    PyObject *row = PyTuple_GetItem(self->items, i), *padding = NULL;
    PyObject *left = one_line(kwic_item(row, 1));
    PyObject *match = one_line(kwic_item(row, 2));
    PyObject *right = one_line(kwic_item(row, 3));
    PyObject *space = PyUnicode_FromString(" ");
    s = NULL;
    if (left != NULL && match != NULL && right != NULL && space != NULL)
      padding = PySequence_Repeat(space,
                                  wleft - PyUnicode_GetLength(left));
    if (padding != NULL)
      s = PyUnicode_FromFormat("%U%U [%U] %U", padding, left, match, right);
    Py_XDECREF(padding);
    Py_XDECREF(space);
    Py_XDECREF(left);
    Py_XDECREF(match);
    Py_XDECREF(right);
    if (add_line(lines, s) < 0)
      goto done;
  }
  if (n > shown &&
      add_line(lines, PyUnicode_FromFormat("... %zd more", n - shown)) < 0)
    goto done;
  res = join_lines(lines);
done:
  Py_DECREF(lines);
  return res;
}

static const char *const kwic_columns[] = {"doc", "left", "match", "right",
                                           "start", "end", "field"};

PyDoc_STRVAR(Concordance_to_pandas_doc,
"to_pandas($self, /)\n"
"--\n"
"\n"
"The rows as a pandas.DataFrame with the columns doc, left, match, right,\n"
"start, end, field.  Needs pandas.");

/* The first width fields of each struct-sequence row of the tuple items
 * (named-only fields included) as a DataFrame of those columns. */
static PyObject *
rows_frame(const char *what, PyObject *items, const char *const *columns,
           int width, const char *index)
{
  Py_ssize_t i, n = PyTuple_Size(items);
  PyObject *records = PyList_New(n), *res;
  int k;

  if (records == NULL)
    return NULL;
  for (i = 0; i < n; i++) {
    PyObject *row = PyTuple_GetItem(items, i);
    PyObject *rec = PyTuple_New(width);
    if (rec == NULL) {
      Py_DECREF(records);
      return NULL;
    }
    for (k = 0; k < width; k++)
      PyTuple_SetItem(rec, k, Py_NewRef(PyStructSequence_GetItem(row, k)));
    PyList_SetItem(records, i, rec);
  }
  res = make_frame(what, records, columns, width, index);
  Py_DECREF(records);
  return res;
}

static PyObject *
Concordance_to_pandas(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  return rows_frame("Concordance.to_pandas()",
                    ((ConcordanceObject *)op)->items, kwic_columns, 7, NULL);
}

PyDoc_STRVAR(Concordance__repr_html__doc,
"_repr_html_($self, /)\n"
"--\n"
"\n"
"An HTML concordance for Jupyter: left contexts right-aligned, matches in\n"
"bold, right contexts left-aligned, the document key beside each row.");

static PyObject *
Concordance__repr_html_(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  ConcordanceObject *self = (ConcordanceObject *)op;
  html_buf h = {NULL, 0, 0, 0};
  Py_ssize_t i, n = PyTuple_Size(self->items);
  PyObject *q;
  char num[64];
  int failed = 1;

  q = PyUnicode_Check(self->query) ? Py_NewRef(self->query)
                                   : PyObject_Repr(self->query);
  if (q == NULL)
    return NULL;
  hb_str(&h, "<div class=\"kz-concordance\" style=\"font-family:sans-serif\">"
             "\n<div style=\"color:#666;margin-bottom:.3em\">");
  snprintf(num, sizeof num, "%zd row%s for <code>", n, n == 1 ? "" : "s");
  hb_str(&h, num);
  if (hb_obj(&h, q, 0) < 0)
    goto done;
  hb_str(&h, "</code></div>\n<table style=\"border-collapse:collapse\">\n"
             "<tbody>\n");
  for (i = 0; i < n; i++) {
    PyObject *row = PyTuple_GetItem(self->items, i);
    hb_str(&h, "<tr><td style=\"text-align:right;white-space:nowrap;"
               "padding:0 .3em\">");
    if (hb_obj(&h, kwic_item(row, 1), 0) < 0)
      goto done;
    hb_str(&h, "</td><td style=\"text-align:center;white-space:nowrap;"
               "padding:0 .2em\"><b>");
    if (hb_obj(&h, kwic_item(row, 2), 0) < 0)
      goto done;
    hb_str(&h, "</b></td><td style=\"text-align:left;white-space:nowrap;"
               "padding:0 .3em\">");
    if (hb_obj(&h, kwic_item(row, 3), 0) < 0)
      goto done;
    hb_str(&h, "</td><td style=\"text-align:left;color:#888;"
               "padding:0 .6em\"><small>");
    if (hb_obj(&h, kwic_item(row, 0), 0) < 0)
      goto done;
    hb_str(&h, "</small></td></tr>\n");
  }
  hb_str(&h, "</tbody></table></div>");
  failed = 0;
done:
  Py_DECREF(q);
  return hb_finish(&h, failed);
}

static PyMethodDef Concordance_methods[] = {
  {"to_pandas", Concordance_to_pandas, METH_NOARGS,
   Concordance_to_pandas_doc},
  {"_repr_html_", Concordance__repr_html_, METH_NOARGS,
   Concordance__repr_html__doc},
  {NULL, NULL, 0, NULL}};

static PyMemberDef Concordance_members[] = {
  {"query", T_OBJECT_EX, offsetof(ConcordanceObject, query), READONLY,
   "The query as given."},
  {NULL, 0, 0, 0, NULL}};

PyDoc_STRVAR(Concordance_doc,
"The KWIC concordance of Corpus.kwic(): a read-only sequence of\n"
"kz.KwicRow (doc, left, match, right, start, end; and .field), with\n"
"to_pandas() and _repr_html_() for notebooks.");

static PyType_Slot Concordance_slots[] = {
  {Py_tp_doc, (void *)Concordance_doc},
  {Py_tp_dealloc, Concordance_dealloc},
  {Py_tp_repr, Concordance_repr},
  {Py_tp_iter, Seq_iter},
  {Py_sq_length, Seq_length},
  {Py_sq_item, Seq_item},
  {Py_mp_length, Seq_length},
  {Py_mp_subscript, Seq_subscript},
  {Py_tp_methods, Concordance_methods},
  {Py_tp_members, Concordance_members},
  {0, NULL}};

static PyType_Spec Concordance_spec = {
  .name = "kz.Concordance",
  .basicsize = sizeof(ConcordanceObject),
  .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION |
           Py_TPFLAGS_IMMUTABLETYPE,
  .slots = Concordance_slots,
};

static PyStructSequence_Field KwicRow_fields[] = {
  {"doc", "the document key"},
  {"left", "the context before the match"},
  {"match", "the matched text"},
  {"right", "the context after the match"},
  {"start", "byte offset of the match in the stored field"},
  {"end", "byte offset one past the match in the stored field"},
  {"field", "the field matched: 'title', 'body', 'caption' or 'heading'"},
  {NULL, NULL}};

static PyStructSequence_Desc KwicRow_desc = {
  "kz.KwicRow",
  "One concordance line: (doc, left, match, right, start, end); the field\n"
  "(title, body, caption, heading) is the attribute .field.",
  KwicRow_fields, 6};

/* --- kz.Counts ------------------------------------------------------------ */

typedef struct {
  PyObject_HEAD
  PyObject *items;   /* tuple of kz.CountRow; first, see SeqObject */
  PyObject *map;     /* dict group -> matches or per-million figure */
  PyObject *by;      /* str */
  PyObject *query;
  int per_million;
} CountsObject;

static void
Counts_dealloc(PyObject *op)
{
  CountsObject *self = (CountsObject *)op;

  Py_CLEAR(self->items);
  Py_CLEAR(self->map);
  Py_CLEAR(self->by);
  Py_CLEAR(self->query);
  free_instance(op);
}

static Py_ssize_t
Counts_length(PyObject *op)
{
  return PyDict_Size(((CountsObject *)op)->map);
}

static PyObject *
Counts_subscript(PyObject *op, PyObject *key)
{
  return dict_subscript(((CountsObject *)op)->map, key);
}

static int
Counts_contains(PyObject *op, PyObject *key)
{
  return PyDict_Contains(((CountsObject *)op)->map, key);
}

static PyObject *
Counts_iter(PyObject *op)
{
  return PyObject_GetIter(((CountsObject *)op)->map);
}

static PyObject *
Counts_repr(PyObject *op)
{
  CountsObject *self = (CountsObject *)op;
  return PyUnicode_FromFormat("kz.Counts(by=%R%s, %R)", self->by,
                              self->per_million ? ", per_million=True" : "",
                              self->map);
}

/* The dict group -> column i of the rows. */
static PyObject *
Counts_column(CountsObject *self, Py_ssize_t col)
{
  PyObject *d = PyDict_New();
  Py_ssize_t i, n = PyTuple_Size(self->items);

  if (d == NULL)
    return NULL;
  for (i = 0; i < n; i++) {
    PyObject *row = PyTuple_GetItem(self->items, i);
    if (PyDict_SetItem(d, PyStructSequence_GetItem(row, 0),
                       PyStructSequence_GetItem(row, col)) < 0) {
      Py_DECREF(d);
      return NULL;
    }
  }
  return d;
}

/* Sum of integer column col. */
static PyObject *
Counts_sum(CountsObject *self, Py_ssize_t col)
{
  Py_ssize_t i, n = PyTuple_Size(self->items);
  unsigned long long sum = 0;

  for (i = 0; i < n; i++) {
    unsigned long long v = PyLong_AsUnsignedLongLong(
        PyStructSequence_GetItem(PyTuple_GetItem(self->items, i), col));
    if (v == (unsigned long long)-1 && PyErr_Occurred())
      return NULL;
    sum += v;
  }
  return PyLong_FromUnsignedLongLong(sum);
}

static PyObject *
Counts_get_docs(PyObject *op, void *closure)
{
  return Counts_column((CountsObject *)op, 1);
}

static PyObject *
Counts_get_matches(PyObject *op, void *closure)
{
  return Counts_column((CountsObject *)op, 2);
}

static PyObject *
Counts_get_total_docs(PyObject *op, void *closure)
{
  return Counts_sum((CountsObject *)op, 1);
}

static PyObject *
Counts_get_total_matches(PyObject *op, void *closure)
{
  return Counts_sum((CountsObject *)op, 2);
}

static PyObject *
Counts_get_rows(PyObject *op, void *closure)
{
  return PySequence_List(((CountsObject *)op)->items);
}

static PyObject *
Counts_get_per_million(PyObject *op, void *closure)
{
  return PyBool_FromLong(((CountsObject *)op)->per_million);
}

static PyGetSetDef Counts_getset[] = {
  {"docs", Counts_get_docs, NULL,
   "dict: group -> number of matching documents.", NULL},
  {"matches", Counts_get_matches, NULL,
   "dict: group -> number of matches (a phrase counts once).", NULL},
  {"total_docs", Counts_get_total_docs, NULL,
   "Matching documents in all groups (int).", NULL},
  {"total_matches", Counts_get_total_matches, NULL,
   "Matches in all groups (int).", NULL},
  {"rows", Counts_get_rows, NULL,
   "list of kz.CountRow (group, docs, matches, group_docs, group_words,\n"
   "per_million), in group order.", NULL},
  {"per_million", Counts_get_per_million, NULL,
   "True when the values are matches per million words of the group.",
   NULL},
  {NULL, NULL, NULL, NULL, NULL}};

static PyMemberDef Counts_members[] = {
  {"by", T_OBJECT_EX, offsetof(CountsObject, by), READONLY,
   "What the groups are: 'all', 'source', 'day', 'week', 'month', 'year' or\n"
   "'doc'."},
  {"query", T_OBJECT_EX, offsetof(CountsObject, query), READONLY,
   "The query as given."},
  {NULL, 0, 0, 0, NULL}};

static PyObject *
Counts_keys(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  return PyDict_Keys(((CountsObject *)op)->map);
}

static PyObject *
Counts_values(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  return PyDict_Values(((CountsObject *)op)->map);
}

static PyObject *
Counts_items(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  return PyDict_Items(((CountsObject *)op)->map);
}

static PyObject *
Counts_get(PyObject *op, PyObject *args)
{
  PyObject *key, *dflt = Py_None, *v;

  if (!PyArg_ParseTuple(args, "O|O:get", &key, &dflt))
    return NULL;
  v = PyDict_GetItemWithError(((CountsObject *)op)->map, key);
  if (v == NULL && PyErr_Occurred())
    return NULL;
  return Py_NewRef(v ? v : dflt);
}

static const char *const count_columns[] = {
  "group", "docs", "matches", "group_docs", "group_words", "per_million"};

PyDoc_STRVAR(Counts_to_pandas_doc,
"to_pandas($self, /)\n"
"--\n"
"\n"
"The groups as a pandas.DataFrame indexed by group, with the columns\n"
"docs, matches, group_docs, group_words, per_million.  Needs pandas.");

static PyObject *
Counts_to_pandas(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  return rows_frame("Counts.to_pandas()", ((CountsObject *)op)->items,
                    count_columns, 6, "group");
}

static PyMethodDef Counts_methods[] = {
  {"keys", Counts_keys, METH_NOARGS, "The groups (list)."},
  {"values", Counts_values, METH_NOARGS, "The values (list)."},
  {"items", Counts_items, METH_NOARGS, "(group, value) pairs (list)."},
  {"get", Counts_get, METH_VARARGS, "get(group, default=None)"},
  {"to_pandas", Counts_to_pandas, METH_NOARGS, Counts_to_pandas_doc},
  {NULL, NULL, 0, NULL}};

PyDoc_STRVAR(Counts_doc,
"The counts of Corpus.count(): a read-only mapping group -> number of\n"
"matches (or, with per_million=True, matches per million words of the\n"
"group), groups in order (dates ascending).  Also: docs and matches\n"
"(dicts), total_docs, total_matches, rows (kz.CountRow), to_pandas().");

static PyType_Slot Counts_slots[] = {
  {Py_tp_doc, (void *)Counts_doc},
  {Py_tp_dealloc, Counts_dealloc},
  {Py_tp_repr, Counts_repr},
  {Py_tp_iter, Counts_iter},
  {Py_mp_length, Counts_length},
  {Py_mp_subscript, Counts_subscript},
  {Py_sq_contains, Counts_contains},
  {Py_tp_methods, Counts_methods},
  {Py_tp_members, Counts_members},
  {Py_tp_getset, Counts_getset},
  {0, NULL}};

static PyType_Spec Counts_spec = {
  .name = "kz.Counts",
  .basicsize = sizeof(CountsObject),
  .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION |
           Py_TPFLAGS_IMMUTABLETYPE,
  .slots = Counts_slots,
};

static PyStructSequence_Field CountRow_fields[] = {
  {"group", "the group: a source, a date, a week, a month, a year or a key"},
  {"docs", "matching documents in the group"},
  {"matches", "matches in those documents (a phrase counts once)"},
  {"group_docs", "all documents of the group"},
  {"group_words", "indexed words of all documents of the group"},
  {"per_million", "matches per million words of the group"},
  {NULL, NULL}};

static PyStructSequence_Desc CountRow_desc = {
  "kz.CountRow",
  "One group of kz.Counts: (group, docs, matches, group_docs, group_words,\n"
  "per_million).",
  CountRow_fields, 6};

static PyStructSequence_Field Term_fields[] = {
  {"term", "the indexed (analyzed) term"},
  {"tf", "total number of occurrences"},
  {"df", "number of documents it occurs in"},
  {NULL, NULL}};

static PyStructSequence_Desc Term_desc = {
  "kz.Term", "One vocabulary entry: (term, tf, df).", Term_fields, 3};

/* --- Progress of long adds --------------------------------------------- */

/*
 * Corpus.add_jsonl() and add_dir() pass progress_cb() to libkz, which calls
 * it without the GIL after each document (or batch).  It always records
 * the figures (the number of documents added comes from there); at most
 * every PROGRESS_INTERVAL seconds it takes the GIL back to check for
 * signals (Ctrl-C stops the add) and to draw a tqdm bar when tqdm is
 * importable, else a plain bar on sys.stderr.  A user's function is
 * called at every callback instead, so that it sees each batch.  An exception raised there stops libkz (the callback returns
 * RC_STOPPED) and is re-raised once libkz has returned.
 */
#define PROGRESS_NONE 0
#define PROGRESS_PLAIN 1
#define PROGRESS_TQDM 2
#define PROGRESS_CALL 3
#define PROGRESS_INTERVAL 0.2

typedef struct {
  int mode;           /* PROGRESS_* */
  PyObject *obj;      /* TQDM: the tqdm class, then the bar; CALL: the
                         function */
  int bar_made;       /* TQDM: obj is the bar */
  const char *desc;
  uint64_t shown;     /* bytes given to the bar, or to the function */
  uint64_t shown_docs;
  int drawn;
  /* set by progress_cb() without the GIL */
  uint64_t done, total, docs;
  double next;        /* monotonic time of the next update */
  int stop;           /* CALL: the function returned False */
  PyObject *etype, *evalue, *etb; /* raised while drawing */
  unsigned long *cb_thread; /* the corpus's: who runs the callback */
} progress;

static double
monotonic_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Set *p up for the `progress` argument: True (a bar), False or None
 * (none), or a function f(done_bytes, total_bytes, docs) that may return
 * False to stop.  Returns 0, or -1 with an exception set. */
static int
progress_init(progress *p, PyObject *arg, const char *desc)
{
  memset(p, 0, sizeof *p);
  p->desc = desc;
  p->next = monotonic_now() + PROGRESS_INTERVAL;
  if (arg == Py_None || arg == Py_False)
    return 0;
  if (arg == Py_True) {
    PyObject *m = PyImport_ImportModule("tqdm.auto");
    if (m != NULL) {
      p->obj = PyObject_GetAttrString(m, "tqdm");
      Py_DECREF(m);
      if (p->obj == NULL)
        return -1;
      p->mode = PROGRESS_TQDM;
      return 0;
    }
    if (!PyErr_ExceptionMatches(PyExc_ImportError))
      return -1;
    PyErr_Clear();
    p->mode = PROGRESS_PLAIN;
    return 0;
  }
  if (PyCallable_Check(arg)) {
    p->obj = Py_NewRef(arg);
    p->mode = PROGRESS_CALL;
    return 0;
  }
  type_error("progress must be a bool or a function(done, total, docs)",
             arg);
  return -1;
}

static void
fmt_bytes(char *buf, size_t n, uint64_t v)
{
  if (v < 1000000)
    snprintf(buf, n, "%.1f kB", (double)v / 1e3);
  else if (v < 1000000000)
    snprintf(buf, n, "%.1f MB", (double)v / 1e6);
  else
    snprintf(buf, n, "%.2f GB", (double)v / 1e9);
}

/* Draw the figures in *p (with the GIL).  final: the add is over.  Returns
 * 0, or -1 with an exception set. */
static int
progress_show(progress *p, int final)
{
  PyObject *r;

  switch (p->mode) {
  case PROGRESS_PLAIN: {
    PyObject *stream = PySys_GetObject("stderr"); /* borrowed */
    char line[256], a[32], b[32], bar[33];
    if (stream == NULL || stream == Py_None)
      return 0;
    fmt_bytes(a, sizeof a, p->done);
    if (p->total > 0) {
      uint64_t pct = p->done >= p->total ? 100 : p->done * 100 / p->total;
      size_t fill = (size_t)(pct * 32 / 100);
      memset(bar, '#', fill);
      memset(bar + fill, '.', 32 - fill);
      bar[32] = '\0';
      fmt_bytes(b, sizeof b, p->total);
      snprintf(line, sizeof line, "\r%s %3u%% [%s] %s / %s, %llu docs  %s",
               p->desc, (unsigned)pct, bar, a, b,
               (unsigned long long)p->docs, final ? "\n" : "");
    } else {
      snprintf(line, sizeof line, "\r%s %s, %llu docs  %s", p->desc, a,
               (unsigned long long)p->docs, final ? "\n" : "");
    }
    if (PyFile_WriteString(line, stream) < 0)
      return -1;
    r = PyObject_CallMethod(stream, "flush", NULL);
    if (r == NULL)
      PyErr_Clear(); /* a stream that cannot flush still got the line */
    Py_XDECREF(r);
    p->drawn = 1;
    return 0;
  }
  case PROGRESS_TQDM: {
    char docs[48];
    if (!p->bar_made) {
      PyObject *kw, *args, *bar;
      kw = Py_BuildValue("{sssssOsO}", "desc", p->desc, "unit", "B",
                         "unit_scale", Py_True, "leave", Py_True);
      args = PyTuple_New(0);
      if (kw == NULL || args == NULL ||
          (p->total > 0 && dict_put(kw, "total",
                                    PyLong_FromUnsignedLongLong(p->total)) <
                               0)) {
        Py_XDECREF(kw);
        Py_XDECREF(args);
        return -1;
      }
      bar = PyObject_Call(p->obj, args, kw);
      Py_DECREF(kw);
      Py_DECREF(args);
      if (bar == NULL)
        return -1;
      Py_DECREF(p->obj);
      p->obj = bar;
      p->bar_made = 1;
    }
    if (p->done > p->shown) {
      r = PyObject_CallMethod(p->obj, "update", "K",
                              (unsigned long long)(p->done - p->shown));
      if (r == NULL)
        return -1;
      Py_DECREF(r);
      p->shown = p->done;
    }
    snprintf(docs, sizeof docs, "%llu docs", (unsigned long long)p->docs);
    r = PyObject_CallMethod(p->obj, "set_postfix_str", "s", docs);
    if (r == NULL)
      return -1;
    Py_DECREF(r);
    if (final) {
      r = PyObject_CallMethod(p->obj, "close", NULL);
      if (r == NULL)
        return -1;
      Py_DECREF(r);
    }
    p->drawn = 1;
    return 0;
  }
  case PROGRESS_CALL:
    if (final && p->drawn && p->shown == p->done && p->shown_docs == p->docs)
      return 0; /* the function saw these figures already */
    r = PyObject_CallFunction(p->obj, "KKK", (unsigned long long)p->done,
                              (unsigned long long)p->total,
                              (unsigned long long)p->docs);
    if (r == NULL)
      return -1;
    if (r == Py_False)
      p->stop = 1;
    Py_DECREF(r);
    p->shown = p->done;
    p->shown_docs = p->docs;
    p->drawn = 1;
    return 0;
  default:
    return 0;
  }
}

/* The kz_progress_cb of long adds; runs without the GIL. */
static int
progress_cb(uint64_t done, uint64_t total, uint64_t docs, void *payload)
{
  progress *p = (progress *)payload;
  PyGILState_STATE g;
  double now;
  int rc = 0;

  p->done = done;
  p->total = total;
  p->docs = docs;
  now = monotonic_now();
  if (now < p->next && p->mode != PROGRESS_CALL)
    return 0;
  p->next = now + PROGRESS_INTERVAL;
  g = PyGILState_Ensure();
  *p->cb_thread = PyThread_get_thread_ident();
  if (PyErr_CheckSignals() < 0 || progress_show(p, 0) < 0) {
    PyErr_Fetch(&p->etype, &p->evalue, &p->etb);
    rc = RC_STOPPED;
  } else if (p->stop) {
    rc = RC_STOPPED;
  }
  *p->cb_thread = 0;
  PyGILState_Release(g);
  return rc;
}

/* After the add (with the GIL): re-raise an exception of the callback, or
 * draw the final figures.  ok: the add succeeded.  Returns 0, or -1 with an
 * exception set (the callback's, or the drawing's when ok).  Keeps an
 * exception already set when !ok. */
static int
progress_end(progress *p, int ok)
{
  int rc = 0;

  if (p->etype != NULL) {
    if (!ok)
      PyErr_Clear();
    PyErr_Restore(p->etype, p->evalue, p->etb);
    p->etype = p->evalue = p->etb = NULL;
    rc = -1;
  } else if (p->mode != PROGRESS_NONE && (ok || p->drawn)) {
    PyObject *et, *ev, *tb;
    PyErr_Fetch(&et, &ev, &tb);
    if (progress_show(p, 1) < 0) {
      if (ok) {
        rc = -1;
      } else {
        PyErr_Clear();
      }
    }
    if (et != NULL)
      PyErr_Restore(et, ev, tb);
  }
  Py_CLEAR(p->obj);
  return rc;
}

/* --- kz.Corpus ------------------------------------------------------------ */

typedef struct {
  PyObject_HEAD
  kz_corpus *c;             /* NULL once closed */
  PyThread_type_lock wlock; /* held by write calls (see above) */
  Py_ssize_t active;        /* search-side calls running; changed with
                               the GIL held */
  int closing;              /* close() started: no new call may start */
  int readonly;
  unsigned long cb_thread;  /* the thread running a progress callback of
                               this corpus (which holds the writer lock),
                               or 0 */
  PyObject *path;           /* str or bytes, as given (after os.fspath) */
  PyObject *analyzer;       /* dict, never handed out (copied) */
} CorpusObject;

/* kz.Corpus cannot be subclassed, so the type of self is the defining
 * class: its module state is the module's. */
static kz_state *
corpus_state(PyObject *op)
{
  return class_state(Py_TYPE(op));
}

static int
corpus_check(CorpusObject *self)
{
  if (self->c == NULL || self->closing) {
    PyErr_SetString(PyExc_ValueError, closed_msg);
    return -1;
  }
  return 0;
}

/* Before a write call or close(): the corpus is open and this thread is
 * not inside one of its progress callbacks, which run with the writer lock
 * held (taking it again would deadlock). */
static int
writer_check(CorpusObject *self)
{
  if (corpus_check(self) < 0)
    return -1;
  if (self->cb_thread != 0 &&
      self->cb_thread == PyThread_get_thread_ident()) {
    PyErr_SetString(PyExc_RuntimeError,
                    "cannot write to or close a kz.Corpus from its own "
                    "progress callback");
    return -1;
  }
  return 0;
}

/* Enter a search-side call: the handle, or NULL with ValueError when the
 * corpus is closed.  Pair with reader_leave() once the GIL is back. */
static kz_corpus *
reader_enter(CorpusObject *self)
{
  if (corpus_check(self) < 0)
    return NULL;
  self->active++;
  return self->c;
}

static void
reader_leave(CorpusObject *self)
{
  self->active--;
}

typedef int (*write_fn)(kz_corpus *c, void *job);

/* Run fn(c, job) with the GIL released and the writer lock held.  Returns
 * fn's status, or RC_CLOSED when the corpus was closed before the lock was
 * ours.  msg gets libkz's last message (an error, or a success's note). */
static int
run_write(CorpusObject *self, write_fn fn, void *job, char *msg)
{
  int rc;

  msg[0] = '\0';
  Py_BEGIN_ALLOW_THREADS
  PyThread_acquire_lock(self->wlock, WAIT_LOCK);
  if (self->c == NULL) {
    rc = RC_CLOSED;
  } else {
    rc = fn(self->c, job);
    copy_msg(msg, kz_last_errmsg());
  }
  PyThread_release_lock(self->wlock);
  Py_END_ALLOW_THREADS
  return rc;
}

/* Run fn(c, job) on the corpus with the GIL released, as a reader.
 * Returns 0, or -1 with an exception set when the corpus is closed. */
static int
run_read(CorpusObject *self, void (*fn)(kz_corpus *c, void *job), void *job)
{
  kz_corpus *c = reader_enter(self);

  if (c == NULL)
    return -1;
  Py_BEGIN_ALLOW_THREADS
  fn(c, job);
  Py_END_ALLOW_THREADS
  reader_leave(self);
  return 0;
}

/* Close the handle once no other call uses it (see the section comment).
 * Returns 0, or -1 with an exception set (called from a progress
 * callback). */
static int
corpus_close(CorpusObject *self)
{
  kz_corpus *c;

  if (self->c == NULL)
    return 0;
  if (self->cb_thread != 0 &&
      self->cb_thread == PyThread_get_thread_ident())
    return writer_check(self);
  self->closing = 1;
  Py_BEGIN_ALLOW_THREADS
  PyThread_acquire_lock(self->wlock, WAIT_LOCK);
  Py_END_ALLOW_THREADS
  while (self->active > 0) {
    Py_BEGIN_ALLOW_THREADS
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
    Py_END_ALLOW_THREADS
  }
  c = self->c;
  self->c = NULL;
  Py_BEGIN_ALLOW_THREADS
  kz_corpus_close(c);
  PyThread_release_lock(self->wlock);
  Py_END_ALLOW_THREADS
  return 0;
}

/* The analyzer of a corpus as a dict. */
static PyObject *
analyzer_dict(kz_corpus *c)
{
  unsigned int flags = 0;
  const char *lang = kz_corpus_analyzer(c, &flags);
  PyObject *pylang = str_or_none(lang && *lang ? lang : NULL);

  if (pylang == NULL)
    return NULL;
  return Py_BuildValue("{sNsOsOsO}", "language", pylang, "stem",
                       flags & KZ_TOK_STEM ? Py_True : Py_False,
                       "fold_diacritics",
                       flags & KZ_TOK_FOLD_DIACRITICS ? Py_True : Py_False,
                       "possessive",
                       flags & KZ_TOK_POSSESSIVE ? Py_True : Py_False);
}

#define ANALYZER_BITS (KZ_TOK_FOLD_DIACRITICS | KZ_TOK_STEM | KZ_TOK_POSSESSIVE)

/* A kwarg that is an optional bool: -1 when absent, else 0 or 1. */
static int
opt_bool(PyObject *obj)
{
  return obj == NULL ? -1 : PyObject_IsTrue(obj);
}

/* Read field_weights={'title': 2.5, ...} into w[4]. */
static int
read_weights(PyObject *obj, double w[4])
{
  Py_ssize_t pos = 0;
  PyObject *k, *v;

  if (obj == Py_None)
    return 0;
  if (!PyDict_Check(obj)) {
    type_error("field_weights must be a dict such as {'title': 2.5}", obj);
    return -1;
  }
  while (PyDict_Next(obj, &pos, &k, &v)) {
    int f;
    double d;
    for (f = 0; f < 4; f++)
      if (PyUnicode_Check(k) &&
          PyUnicode_CompareWithASCIIString(k, field_names[f]) == 0)
        break;
    if (f == 4) {
      PyErr_Format(PyExc_ValueError,
                   "field_weights: unknown field %R (title, body, caption, "
                   "heading)", k);
      return -1;
    }
    d = PyFloat_AsDouble(v);
    if (d == -1.0 && PyErr_Occurred())
      return -1;
    if (!(d > 0)) {
      PyErr_Format(PyExc_ValueError, "field_weights: the weight of %R must "
                   "be positive", k);
      return -1;
    }
    w[f] = d;
  }
  return 0;
}

static PyObject *
Corpus_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"path", "create", "readonly", "language", "stem",
                           "fold_diacritics", "possessive", "memory_budget",
                           "k1", "b", "field_weights", "verify", NULL};
  kz_state *st = class_state(type);
  PyObject *path, *language = NULL, *stem = NULL, *fold = NULL, *poss = NULL;
  PyObject *weights = Py_None, *fspath = NULL, *pbytes = NULL;
  int create = 0, readonly = 0, verify = 1, vfold, vposs, explicit_;
  Py_ssize_t budget = 0;
  double k1 = 0, b = 0;
  kz_corpus_options o = KZ_CORPUS_OPTIONS_INIT;
  tok_options to;
  CorpusObject *self = NULL;
  allocfunc alloc;
  char msg[KZ_MSG_MAX];
  int rc;

  memset(&to, 0, sizeof to);
  if (st == NULL ||
      !PyArg_ParseTupleAndKeywords(args, kwds, "O|p$pOOOOnddOp:Corpus",
                                   kwlist, &path, &create, &readonly,
                                   &language, &stem, &fold, &poss, &budget,
                                   &k1, &b, &weights, &verify))
    return NULL;
  if ((vfold = opt_bool(fold)) == -1 && fold != NULL)
    return NULL;
  if ((vposs = opt_bool(poss)) == -1 && poss != NULL)
    return NULL;
  explicit_ = language != NULL || stem != NULL || fold != NULL ||
              poss != NULL;
  if (create && readonly) {
    PyErr_SetString(PyExc_ValueError,
                    "create=True and readonly=True exclude each other");
    return NULL;
  }
  if (budget < 0 || k1 < 0 || b < 0 || b > 1) {
    PyErr_SetString(PyExc_ValueError,
                    budget < 0 ? "memory_budget must not be negative"
                               : "k1 must be >= 0 and b within [0, 1] "
                                 "(0 means the default)");
    return NULL;
  }
  if (read_weights(weights, o.field_weight) < 0)
    return NULL;
  if (tok_options_set(&to, st, stem ? stem : Py_None,
                      language ? language : Py_None, vfold > 0, 1, 1, 1, 1,
                      vposs > 0, 1, 1, 0) < 0)
    return NULL;
  fspath = PyOS_FSPath(path);
  if (fspath == NULL || !PyUnicode_FSConverter(fspath, &pbytes))
    goto fail;

  o.flags = (create ? KZ_CORPUS_CREATE : 0) |
            (readonly ? KZ_CORPUS_READONLY : 0) |
            (verify ? 0 : KZ_CORPUS_NO_VERIFY);
  o.analyzer_flags = to.flags & ANALYZER_BITS;
  o.language = tok_options_language(&to);
  o.memory_budget = (size_t)budget;
  o.bm25_k1 = k1;
  o.bm25_b = b;

  alloc = (allocfunc)PyType_GetSlot(type, Py_tp_alloc);
  self = (CorpusObject *)alloc(type, 0);
  if (self == NULL)
    goto fail;
  self->readonly = readonly;
  self->path = Py_NewRef(fspath);
  self->wlock = PyThread_allocate_lock();
  if (self->wlock == NULL) {
    PyErr_SetString(PyExc_MemoryError, "cannot allocate a lock");
    goto fail;
  }
  {
    const char *p = PyBytes_AsString(pbytes);
    Py_BEGIN_ALLOW_THREADS
    rc = kz_corpus_open(&self->c, p, &o);
    if (rc != KZ_OK)
      copy_msg(msg, kz_last_errmsg());
    Py_END_ALLOW_THREADS
  }
  if (rc != KZ_OK) {
    self->c = NULL;
    if (rc == KZ_ENOTFOUND)
      raise_with_code(st->FileNotFound,
                      PyObject_CallFunction(st->FileNotFound, "isO", ENOENT,
                                            msg, fspath),
                      KZ_ENOTFOUND);
    else
      set_kz_error(st, rc, msg);
    goto fail;
  }
  /* The analyzer is fixed at creation: options that disagree with the
   * stored one are an error rather than silently ignored. */
  {
    unsigned int have = 0;
    const char *lang = kz_corpus_analyzer(self->c, &have);
    const char *want_lang = tok_options_language(&to);
    int differ = 0;
    if (explicit_) {
      if (stem != NULL || language != NULL)
        differ |= (have & KZ_TOK_STEM) != (to.flags & KZ_TOK_STEM);
      if (fold != NULL)
        differ |= !(have & KZ_TOK_FOLD_DIACRITICS) != !vfold;
      if (poss != NULL)
        differ |= !(have & KZ_TOK_POSSESSIVE) != !vposs;
      if (want_lang != NULL)
        differ |= strcmp(lang ? lang : "", want_lang) != 0;
    }
    self->analyzer = analyzer_dict(self->c);
    if (self->analyzer == NULL)
      goto fail;
    if (differ) {
      PyObject *m = PyUnicode_FromFormat(
          "the corpus at %R was created with the analyzer %R; analyzer "
          "options are fixed at creation (leave them out when opening)",
          fspath, self->analyzer);
      if (m != NULL) {
        raise_kz(st, KZ_EINVAL, m);
        Py_DECREF(m);
      }
      goto fail;
    }
  }
  tok_options_clear(&to);
  Py_DECREF(fspath);
  Py_DECREF(pbytes);
  return (PyObject *)self;

fail:
  tok_options_clear(&to);
  Py_XDECREF(fspath);
  Py_XDECREF(pbytes);
  Py_XDECREF((PyObject *)self);
  return NULL;
}

static int
Corpus_traverse(PyObject *op, visitproc visit, void *arg)
{
  CorpusObject *self = (CorpusObject *)op;
  Py_VISIT(Py_TYPE(op));
  Py_VISIT(self->path);
  Py_VISIT(self->analyzer);
  return 0;
}

static void
Corpus_dealloc(PyObject *op)
{
  CorpusObject *self = (CorpusObject *)op;

  PyObject_GC_UnTrack(op);
  /* No call can be running: each holds a reference to self. */
  kz_corpus_close(self->c);
  if (self->wlock)
    PyThread_free_lock(self->wlock);
  Py_CLEAR(self->path);
  Py_CLEAR(self->analyzer);
  free_instance(op);
}

static PyObject *
Corpus_repr(PyObject *op)
{
  CorpusObject *self = (CorpusObject *)op;

  if (self->c == NULL || self->closing)
    return PyUnicode_FromFormat("<kz.Corpus %R (closed)>", self->path);
  return PyUnicode_FromFormat("<kz.Corpus %R docs=%llu%s>", self->path,
                              (unsigned long long)kz_corpus_count_docs(
                                  self->c),
                              self->readonly ? " readonly" : "");
}

static Py_ssize_t
Corpus_length(PyObject *op)
{
  CorpusObject *self = (CorpusObject *)op;
  kz_corpus *c = reader_enter(self);
  uint64_t n;

  if (c == NULL)
    return -1;
  n = kz_corpus_count_docs(c); /* O(1): keeps the GIL */
  reader_leave(self);
  return n > (uint64_t)PY_SSIZE_T_MAX ? PY_SSIZE_T_MAX : (Py_ssize_t)n;
}

/* --- Adding ------------------------------------------------------------- */

typedef struct {
  const char *key;
  size_t klen;
  const char *text;
  size_t len;
  kz_doc_meta meta;
} add_text_job;

static int
do_add_text(kz_corpus *c, void *job)
{
  add_text_job *j = (add_text_job *)job;
  return kz_corpus_add_text(c, j->key, j->klen, j->text, j->len, &j->meta);
}

static int
do_add_file(kz_corpus *c, void *job)
{
  return kz_corpus_add_file(c, (const char *)job);
}

/* The keywords of Corpus.add(); after "key", in kz_doc_meta's order. */
static const char *const meta_names[] = {
  "key", "title", "date", "source", "author", "url", "language", "caption",
  "heading"};
#define N_META 9

/* A metadata value as a str (new reference; NULL and no error for None or
 * ""): dates may be datetime.date, authors a list of str. */
static PyObject *
meta_value(int i, PyObject *v, int *err)
{
  PyObject *s = NULL, *res;

  *err = 0;
  if (i == 2 && !PyUnicode_Check(v)) { /* date */
    s = PyObject_CallMethod(v, "isoformat", NULL);
    if (s == NULL) {
      PyErr_Clear();
      type_error("date must be a str or a datetime.date", v);
      *err = 1;
      return NULL;
    }
    v = s;
  } else if (i == 4 && (PyList_Check(v) || PyTuple_Check(v))) { /* author */
    PyObject *sep = PyUnicode_FromString("; ");
    if (sep == NULL) {
      *err = 1;
      return NULL;
    }
    s = PyUnicode_Join(sep, v);
    Py_DECREF(sep);
    if (s == NULL) {
      *err = 1;
      return NULL;
    }
    v = s;
  }
  res = check_opt_str(v, meta_names[i], err);
  Py_XDECREF(s);
  return res;
}

PyDoc_STRVAR(Corpus_add_doc,
"add($self, path_or_text, /, *, key=None, title=None, date=None,\n"
"    source=None, author=None, url=None, language=None, caption=None,\n"
"    heading=None)\n"
"--\n"
"\n"
"Add a document, or replace the one with the same key.\n"
"\n"
"Without key=, path_or_text is a path (os.PathLike, or a str naming a\n"
"file): the raw article file is parsed by the article parser (title,\n"
"date, source, authors, captions and headings come from it) and added\n"
"under its path as given.  With key=, it is the body text (str or a\n"
"bytes-like object holding UTF-8) and the keywords are its metadata:\n"
"date a datetime.date or a str: ISO '2022-01-05', '20220105', Unix time\n"
"'1641376800', or as pages and feeds write dates ('Wed, 05 Jan 2022\n"
"10:00:00 GMT', 'January 5, 2022', '05.01.2022' day first; '05/01/2022'\n"
"is ambiguous and gives no date); author a str or a list of str.  The\n"
"change is visible to searches after commit().\n"
"\n"
"Raises kz.FileNotFound for a missing file, kz.BusyError when another\n"
"writer holds the corpus, TypeError for metadata with a file.  The GIL\n"
"is released while libkz indexes.");

static PyObject *
Corpus_add(PyObject *op, PyObject *args, PyObject *kwds)
{
  CorpusObject *self = (CorpusObject *)op;
  kz_state *st = corpus_state(op);
  PyObject *src, *given[N_META] = {NULL}, *conv[N_META] = {NULL};
  PyObject *fspath = NULL, *pbytes = NULL, *res = NULL;
  text_arg t;
  int have_text = 0, is_path = 0, nmeta = 0, i, rc, err;
  char *copy = NULL;
  key_arg k = {NULL, NULL, 0};
  char msg[KZ_MSG_MAX];

  if (PyTuple_Size(args) != 1) {
    PyErr_Format(PyExc_TypeError,
                 "add() takes exactly one positional argument (%zd given)",
                 PyTuple_Size(args));
    return NULL;
  }
  src = PyTuple_GetItem(args, 0);
  if (kwds != NULL) {
    Py_ssize_t pos = 0;
    PyObject *kw, *v;
    while (PyDict_Next(kwds, &pos, &kw, &v)) {
      for (i = 0; i < N_META; i++)
        if (PyUnicode_CompareWithASCIIString(kw, meta_names[i]) == 0)
          break;
      if (i == N_META) {
        PyErr_Format(PyExc_TypeError,
                     "add() got an unexpected keyword argument %R", kw);
        return NULL;
      }
      if (v != Py_None) {
        given[i] = v;
        nmeta += i > 0;
      }
    }
  }
  if (writer_check(self) < 0)
    return NULL;

  if (given[0] == NULL) {
    /* No key: source must name a file. */
    if (PyUnicode_Check(src)) {
      Py_ssize_t n;
      const char *s = PyUnicode_AsUTF8AndSize(src, &n);
      struct stat sb;
      if (s == NULL)
        return NULL;
      if (n == 0 || n >= PATH_GUESS_MAX || memchr(s, '\n', (size_t)n) ||
          memchr(s, '\r', (size_t)n) || memchr(s, '\0', (size_t)n)) {
        PyErr_SetString(PyExc_TypeError,
                        "add(text) needs key=...: a str that is not a file "
                        "name is a document's text");
        return NULL;
      }
      pbytes = PyUnicode_EncodeFSDefault(src);
      if (pbytes == NULL)
        return NULL;
      if (stat(PyBytes_AsString(pbytes), &sb) != 0) {
        Py_DECREF(pbytes);
        return raise_with_code(
            st->FileNotFound,
            PyObject_CallFunction(st->FileNotFound, "isO", ENOENT,
                                  "no such file (to add a text, pass key=)",
                                  src),
            KZ_ENOTFOUND);
      }
      if (S_ISDIR(sb.st_mode)) {
        Py_DECREF(pbytes);
        PyErr_Format(PyExc_IsADirectoryError,
                     "%R is a directory: use add_dir()", src);
        return NULL;
      }
      fspath = Py_NewRef(src);
    } else if (PyObject_CheckBuffer(src)) {
      PyErr_SetString(PyExc_TypeError,
                      "add(text) needs key=...: bytes are a document's text");
      return NULL;
    } else {
      fspath = PyOS_FSPath(src);
      if (fspath == NULL) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
          PyErr_Clear();
          type_error("source must be a path (os.PathLike or str) or, with "
                     "key=, a text (str or bytes-like)", src);
        }
        return NULL;
      }
      if (!PyUnicode_FSConverter(fspath, &pbytes))
        goto done;
    }
    is_path = 1;
    if (nmeta > 0) {
      PyErr_SetString(PyExc_TypeError,
                      "metadata keywords (title=, date=, ...) are for a "
                      "text added with key=; a file's metadata comes from "
                      "the article parser");
      goto done;
    }
  } else {
    if (!PyUnicode_Check(src) && !PyObject_CheckBuffer(src)) {
      type_error("with key=, source must be the text (str or bytes-like); "
                 "a file is added under its own path", src);
      return NULL;
    }
    if (key_get(&k, given[0]) < 0)
      return NULL;
    for (i = 1; i < N_META; i++)
      if (given[i] != NULL) {
        conv[i] = meta_value(i, given[i], &err);
        if (err)
          goto done;
      }
    if (text_get(&t, src) < 0)
      goto done;
    have_text = 1;
  }

  if (is_path) {
    rc = run_write(self, do_add_file, PyBytes_AsString(pbytes), msg);
    if (rc == KZ_ENOTFOUND)
      raise_file_not_found(st, fspath);
    else if (rc != KZ_OK)
      corpus_error(st, rc, msg);
    else
      res = Py_NewRef(Py_None);
  } else {
    add_text_job j;
    const char **m[N_META];
    memset(&j, 0, sizeof j);
    j.meta.version = KZ_DOC_META_VERSION;
    m[1] = &j.meta.title;
    m[2] = &j.meta.date;
    m[3] = &j.meta.source;
    m[4] = &j.meta.author;
    m[5] = &j.meta.url;
    m[6] = &j.meta.language;
    m[7] = &j.meta.caption;
    m[8] = &j.meta.heading;
    for (i = 1; i < N_META; i++)
      *m[i] = conv[i] ? PyUnicode_AsUTF8AndSize(conv[i], NULL) : NULL;
    j.key = k.s;
    j.klen = k.len;
    j.text = t.s;
    j.len = t.len;
    if (!t.is_str && !t.view.readonly && t.len > 0) {
      /* A writable buffer could change while libkz reads it: snapshot. */
      copy = malloc(t.len);
      if (copy == NULL) {
        PyErr_NoMemory();
        goto done;
      }
      memcpy(copy, t.s, t.len);
      j.text = copy;
    }
    rc = run_write(self, do_add_text, &j, msg);
    if (rc != KZ_OK)
      corpus_error(st, rc, msg);
    else
      res = Py_NewRef(Py_None);
  }

done:
  free(copy);
  if (have_text)
    text_release(&t);
  for (i = 0; i < N_META; i++)
    Py_XDECREF(conv[i]);
  Py_XDECREF(k.bytes);
  Py_XDECREF(fspath);
  Py_XDECREF(pbytes);
  return res;
}

/* os.fspath(obj) encoded for the file system, for a path argument. */
static int
path_arg(PyObject *obj, PyObject **fspath, PyObject **pbytes)
{
  *pbytes = NULL;
  *fspath = PyOS_FSPath(obj);
  if (*fspath == NULL)
    return -1;
  if (!PyUnicode_FSConverter(*fspath, pbytes)) {
    Py_CLEAR(*fspath);
    return -1;
  }
  return 0;
}

typedef struct {
  const char *path;
  unsigned int flags;
  uint64_t count; /* skipped lines, failed files */
  progress *pg;
} bulk_job;

static int
do_add_jsonl(kz_corpus *c, void *job)
{
  bulk_job *j = (bulk_job *)job;
  return kz_corpus_add_jsonl(c, j->path, j->flags, &j->count, progress_cb,
                             j->pg);
}

static int
do_add_dir(kz_corpus *c, void *job)
{
  bulk_job *j = (bulk_job *)job;
  return kz_corpus_add_dir(c, j->path, &j->count, progress_cb, j->pg);
}

/* The common body of add_jsonl() and add_dir(). */
static PyObject *
corpus_bulk_add(CorpusObject *self, PyObject *path, PyObject *prog,
                unsigned int flags, int is_dir)
{
  kz_state *st = corpus_state((PyObject *)self);
  PyObject *fspath, *pbytes, *res = NULL;
  progress pg;
  bulk_job j;
  char msg[KZ_MSG_MAX];
  int rc;

  if (writer_check(self) < 0 || path_arg(path, &fspath, &pbytes) < 0)
    return NULL;
  if (progress_init(&pg, prog, is_dir ? "add_dir" : "add_jsonl") < 0) {
    Py_DECREF(fspath);
    Py_DECREF(pbytes);
    return NULL;
  }
  memset(&j, 0, sizeof j);
  pg.cb_thread = &self->cb_thread;
  j.path = PyBytes_AsString(pbytes);
  j.flags = flags;
  j.pg = &pg;
  if (is_dir) {
    /* "dir/" would give keys "dir//file". */
    char *p = PyBytes_AsString(pbytes);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
      p[--n] = '\0';
  }
  rc = run_write(self, is_dir ? do_add_dir : do_add_jsonl, &j, msg);
  if (rc == RC_STOPPED && pg.etype == NULL)
    rc = KZ_OK; /* the progress function returned False */
  if (rc == KZ_ENOTFOUND)
    raise_with_code(st->FileNotFound,
                    PyObject_CallFunction(st->FileNotFound, "isO", ENOENT,
                                          msg, fspath),
                    KZ_ENOTFOUND);
  else if (rc != KZ_OK && rc != RC_STOPPED)
    corpus_error(st, rc, msg);
  if (progress_end(&pg, rc == KZ_OK) == 0 && rc == KZ_OK) {
    if (!is_dir && j.count > 0 &&
        PyErr_WarnEx(PyExc_RuntimeWarning, msg, 1) < 0)
      goto done;
    res = Py_BuildValue("(KK)", (unsigned long long)pg.docs,
                        (unsigned long long)j.count);
  }
done:
  Py_DECREF(fspath);
  Py_DECREF(pbytes);
  return res;
}

PyDoc_STRVAR(Corpus_add_jsonl_doc,
"add_jsonl($self, path, progress=True, *, strict=False)\n"
"--\n"
"\n"
"Add every line of a JSON Lines file: one object per line with 'id' (the\n"
"key), 'title', 'text' (the body) and optional 'date', 'source',\n"
"'author', 'url', 'language', 'caption', 'heading'.  A file compressed\n"
"with gzip or zstd (data.jsonl.gz, data.jsonl.zst) is read as it is.  Bad\n"
"lines are\n"
"skipped with a RuntimeWarning naming the first one, or, with\n"
"strict=True, raise kz.FormatError.\n"
"\n"
"progress: True draws a bar (tqdm when installed, else a plain one on\n"
"stderr), False draws none, a function f(done_bytes, total_bytes, docs)\n"
"is called instead after each batch of documents (returning False stops\n"
"the add).  Ctrl-C stops it too; the documents added before stay\n"
"pending.\n"
"\n"
"Returns (added, skipped).  The GIL is released while libkz indexes.");

static PyObject *
Corpus_add_jsonl(PyObject *op, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"path", "progress", "strict", NULL};
  PyObject *path, *prog = Py_True;
  int strict = 0;

  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O$p:add_jsonl", kwlist,
                                   &path, &prog, &strict))
    return NULL;
  return corpus_bulk_add((CorpusObject *)op, path, prog,
                         strict ? KZ_JSONL_STRICT : 0, 0);
}

PyDoc_STRVAR(Corpus_add_dir_doc,
"add_dir($self, path, progress=True)\n"
"--\n"
"\n"
"Add every regular file under the directory path, recursively and in\n"
"sorted order (names starting with '.' are skipped), each as add(file)\n"
"does.  Links are followed, but a directory or file reached again through\n"
"a link is added once, under its first path.  progress as for\n"
"add_jsonl().  Returns (added, failed): failed counts the files that could\n"
"not be read or are not text, and directories more than 64 levels deep.");

static PyObject *
Corpus_add_dir(PyObject *op, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"path", "progress", NULL};
  PyObject *path, *prog = Py_True;

  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O:add_dir", kwlist, &path,
                                   &prog))
    return NULL;
  return corpus_bulk_add((CorpusObject *)op, path, prog, 0, 1);
}

static int
do_delete(kz_corpus *c, void *job)
{
  key_arg *k = (key_arg *)job;
  return kz_corpus_delete(c, k->s, k->len);
}

PyDoc_STRVAR(Corpus_delete_doc,
"delete($self, key, /)\n"
"--\n"
"\n"
"Delete the document key (visible after commit()).  Raises kz.NotFound\n"
"when no committed or pending document has that key.");

static PyObject *
Corpus_delete(PyObject *op, PyObject *key)
{
  CorpusObject *self = (CorpusObject *)op;
  key_arg k;
  char msg[KZ_MSG_MAX];
  int rc;

  if (writer_check(self) < 0 || key_get(&k, key) < 0)
    return NULL;
  rc = run_write(self, do_delete, &k, msg);
  Py_DECREF(k.bytes);
  if (rc != KZ_OK)
    return corpus_error(corpus_state(op), rc, msg);
  Py_RETURN_NONE;
}

static int
do_commit(kz_corpus *c, void *job)
{
  (void)job;
  return kz_corpus_commit(c);
}

static int
do_optimize(kz_corpus *c, void *job)
{
  (void)job;
  return kz_corpus_optimize(c);
}

static int
do_refresh(kz_corpus *c, void *job)
{
  (void)job;
  return kz_corpus_refresh(c);
}

static PyObject *
corpus_simple_write(PyObject *op, write_fn fn)
{
  CorpusObject *self = (CorpusObject *)op;
  char msg[KZ_MSG_MAX];
  int rc;

  if (writer_check(self) < 0)
    return NULL;
  rc = run_write(self, fn, NULL, msg);
  if (rc != KZ_OK)
    return corpus_error(corpus_state(op), rc, msg);
  Py_RETURN_NONE;
}

PyDoc_STRVAR(Corpus_commit_doc,
"commit($self, /)\n"
"--\n"
"\n"
"Make the pending additions and deletions durable and visible, at once:\n"
"after a crash the corpus has either all of them or none.");

static PyObject *
Corpus_commit(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  return corpus_simple_write(op, do_commit);
}

PyDoc_STRVAR(Corpus_optimize_doc,
"optimize($self, /)\n"
"--\n"
"\n"
"Commit, then merge all segments into one and drop deleted documents.");

static PyObject *
Corpus_optimize(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  return corpus_simple_write(op, do_optimize);
}

PyDoc_STRVAR(Corpus_refresh_doc,
"refresh($self, /)\n"
"--\n"
"\n"
"Move to the newest committed state, to see what other writers (other\n"
"processes or kz.Corpus objects) committed since this one was opened.");

static PyObject *
Corpus_refresh(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  return corpus_simple_write(op, do_refresh);
}

static int
do_stats(kz_corpus *c, void *job)
{
  return kz_corpus_stats_get(c, (kz_corpus_stats *)job);
}

PyDoc_STRVAR(Corpus_stats_doc,
"stats($self, /)\n"
"--\n"
"\n"
"Statistics of the committed state as a dict: generation, docs, deleted,\n"
"segments, terms, tokens, bytes_postings, bytes_store, bytes_total.");

static PyObject *
Corpus_stats(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  CorpusObject *self = (CorpusObject *)op;
  kz_corpus_stats s;
  char msg[KZ_MSG_MAX];
  int rc;

  if (writer_check(self) < 0)
    return NULL;
  memset(&s, 0, sizeof s);
  /* kz_corpus_stats_get() is not documented as a search-side call, so it
   * runs under the writer lock. */
  rc = run_write(self, do_stats, &s, msg);
  if (rc != KZ_OK)
    return corpus_error(corpus_state(op), rc, msg);
  return Py_BuildValue(
      "{sKsKsKsKsKsKsKsKsK}", "generation", (unsigned long long)s.generation,
      "docs", (unsigned long long)s.docs, "deleted",
      (unsigned long long)s.deleted, "segments",
      (unsigned long long)s.segments, "terms", (unsigned long long)s.terms,
      "tokens", (unsigned long long)s.tokens, "bytes_postings",
      (unsigned long long)s.bytes_postings, "bytes_store",
      (unsigned long long)s.bytes_store, "bytes_total",
      (unsigned long long)s.bytes_total);
}

PyDoc_STRVAR(Corpus_close_doc,
"close($self, /)\n"
"--\n"
"\n"
"Close the corpus: uncommitted changes are discarded and the writer lock\n"
"released.  Waits for searches running in other threads.  Closing twice\n"
"is fine; results already returned stay usable.");

static PyObject *
Corpus_close(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  if (corpus_close((CorpusObject *)op) < 0)
    return NULL;
  Py_RETURN_NONE;
}

static PyObject *
Corpus_enter(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  if (corpus_check((CorpusObject *)op) < 0)
    return NULL;
  return Py_NewRef(op);
}

static PyObject *
Corpus_exit(PyObject *op, PyObject *args)
{
  if (corpus_close((CorpusObject *)op) < 0)
    return NULL;
  Py_RETURN_FALSE;
}

/* --- Search-side calls ------------------------------------------------- */

/* A str choice argument: names[i] gives values[i]; None (or an absent
 * argument) gives dflt. */
static int
parse_choice(PyObject *obj, const char *what, const char *const *names,
             const int *values, int dflt, int *out)
{
  int i;

  *out = dflt;
  if (obj == NULL || obj == Py_None)
    return 0;
  if (PyUnicode_Check(obj))
    for (i = 0; names[i] != NULL; i++)
      if (PyUnicode_CompareWithASCIIString(obj, names[i]) == 0) {
        *out = values[i];
        return 0;
      }
  {
    PyObject *choices = PyUnicode_FromString(names[0]);
    for (i = 1; choices != NULL && names[i] != NULL; i++) {
      PyObject *more = PyUnicode_FromFormat("%U, %s", choices, names[i]);
      Py_DECREF(choices);
      choices = more;
    }
    if (choices != NULL) {
      PyErr_Format(PyExc_ValueError, "%s must be one of %U (or None), not %R",
                   what, choices, obj);
      Py_DECREF(choices);
    }
  }
  return -1;
}

/* An optional limit: None (or absent) gives 0, else an int >= 1. */
static int
parse_limit(PyObject *obj, const char *what, size_t *out)
{
  Py_ssize_t n;

  *out = 0;
  if (obj == NULL || obj == Py_None)
    return 0;
  n = PyLong_AsSsize_t(obj);
  if (n == -1 && PyErr_Occurred())
    return -1;
  if (n < 1) {
    PyErr_Format(PyExc_ValueError, "%s must be a positive int or None", what);
    return -1;
  }
  *out = (size_t)n;
  return 0;
}

/* A pointer into the arena (never computed on a NULL buffer). */
static const char *
arena_ptr(const html_buf *a, size_t off)
{
  return a->p ? a->p + off : "";
}

/* datetime.date (or None for "") from the len bytes at s. */
static PyObject *
date_n(kz_state *st, const char *s, size_t len)
{
  char iso[16];

  if (len == 0)
    Py_RETURN_NONE;
  if (len >= sizeof iso)
    len = sizeof iso - 1; /* make_date() reports it */
  memcpy(iso, s, len);
  iso[len] = '\0';
  return make_date(st, iso);
}

/* datetime.date (or None for "") from arena bytes. */
static PyObject *
arena_date(kz_state *st, const html_buf *a, size_t off, size_t len)
{
  return date_n(st, arena_ptr(a, off), len);
}

/* --- search() --- */

enum {
  HF_KEY, HF_TITLE, HF_SOURCE, HF_DATE, HF_AUTHOR, HF_URL, HF_LANGUAGE,
  HF_SNIPPET, HF_BODY, HF_N
};

static const int hit_field_ids[HF_SNIPPET] = {
  KZ_FIELD_KEY, KZ_FIELD_TITLE, KZ_FIELD_SOURCE, KZ_FIELD_DATE,
  KZ_FIELD_AUTHOR, KZ_FIELD_URL, KZ_FIELD_LANGUAGE};

typedef struct {
  double score;
  size_t off[HF_N], len[HF_N]; /* in the arena */
  size_t hl, nhl;              /* snippet highlights in search_job.pairs */
  size_t bhl, nbhl;            /* body highlights */
} hit_rec;

typedef struct {
  /* in */
  const char *q;
  size_t qlen;
  kz_search_options opts;
  int want_body;
  /* out */
  int rc;
  char msg[KZ_MSG_MAX];
  uint64_t total;
  int exact;
  hit_rec *hits;
  size_t nhits, cap;
  pair_list pairs; /* code point offsets */
  html_buf arena;
} search_job;

/* Copy highlight i of kind `body` of the current hit, as code points. */
static int
copy_highlights(kz_results *r, int body, const char *s, size_t len,
                pair_list *pl)
{
  size_t i, n = body ? kz_results_body_highlight_count(r)
                     : kz_results_highlight_count(r);
  char_cursor cur = {0, 0};

  for (i = 0; i < n; i++) {
    size_t a, b;
    int rc = body ? kz_results_body_highlight(r, i, &a, &b)
                  : kz_results_highlight(r, i, &a, &b);
    if (rc != KZ_OK)
      return RC_BADOFFSET;
    if (span_to_chars(&cur, s, len, &a, &b) < 0)
      return RC_BADOFFSET;
    if (pair_push(pl, a, b) < 0)
      return COLLECT_NOMEM;
  }
  return 0;
}

/* Search and copy every hit out of the cursor.  Runs without the GIL. */
static void
run_search(kz_corpus *c, void *job)
{
  search_job *j = job;
  kz_results *r = NULL;
  uint64_t ndocs = kz_corpus_count_docs(c);
  int rc;

  /* There are never more hits than documents: a limit above that (or
   * limit=None) is cut to it, so libkz never sizes a heap from it. */
  if (j->opts.limit == 0 || j->opts.limit > ndocs)
    j->opts.limit = ndocs == 0 ? 1 : (size_t)ndocs;
  rc = kz_corpus_search(&r, c, j->q, j->qlen, &j->opts);
  if (rc != KZ_OK) {
    copy_msg(j->msg, kz_last_errmsg());
    j->rc = rc;
    return;
  }
  j->exact = 1;
  j->total = kz_results_total(r, &j->exact);
  while ((rc = kz_results_next(r)) == KZ_OK) {
    hit_rec *h;
    const char *s;
    size_t i, n;

    if (grow((void **)&j->hits, &j->cap, j->nhits + 1, sizeof *j->hits) < 0) {
      rc = COLLECT_NOMEM;
      break;
    }
    h = &j->hits[j->nhits++];
    memset(h, 0, sizeof *h);
    h->score = kz_results_score(r);
    for (i = 0; i < HF_SNIPPET; i++) {
      s = kz_results_field(r, hit_field_ids[i], &n);
      if (s == NULL)
        n = 0;
      h->off[i] = arena_put(&j->arena, s, n);
      h->len[i] = n;
    }
    s = kz_results_snippet(r, &n);
    if (s == NULL)
      n = 0;
    h->off[HF_SNIPPET] = arena_put(&j->arena, s, n);
    h->len[HF_SNIPPET] = n;
    h->hl = j->pairs.n;
    if ((rc = copy_highlights(r, 0, s, n, &j->pairs)) != 0)
      break;
    h->nhl = j->pairs.n - h->hl;
    s = kz_results_field(r, KZ_FIELD_BODY, &n);
    if (s == NULL)
      n = 0;
    h->bhl = j->pairs.n;
    if ((rc = copy_highlights(r, 1, s, n, &j->pairs)) != 0)
      break;
    h->nbhl = j->pairs.n - h->bhl;
    if (j->want_body) {
      h->off[HF_BODY] = arena_put(&j->arena, s, n);
      h->len[HF_BODY] = n;
    }
    if (j->arena.nomem) {
      rc = COLLECT_NOMEM;
      break;
    }
  }
  if (rc == KZ_ITEROVER)
    rc = KZ_OK;
  else if (rc < 0)
    copy_msg(j->msg, kz_last_errmsg());
  kz_results_free(r);
  j->rc = rc;
}

static void
search_job_free(search_job *j)
{
  free(j->hits);
  free(j->pairs.v);
  free(j->arena.p);
}

/* Pairs pl[first .. first+n) as a tuple. */
static PyObject *
pairs_slice(const pair_list *pl, size_t first, size_t n)
{
  return n ? pairs_tuple(pl->v + first, n) : PyTuple_New(0);
}

static PyObject *
make_hit(kz_state *st, const search_job *j, const hit_rec *h)
{
  PyTypeObject *tp = (PyTypeObject *)st->Hit_type;
  allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
  const html_buf *a = &j->arena;
  HitObject *o = (HitObject *)alloc(tp, 0);

  if (o == NULL)
    return NULL;
  o->score = h->score;
  if ((o->key = key_str(arena_ptr(a, h->off[HF_KEY]), h->len[HF_KEY])) ==
          NULL ||
      (o->title = arena_str(a, h->off[HF_TITLE], h->len[HF_TITLE], 1)) ==
          NULL ||
      (o->source = arena_str(a, h->off[HF_SOURCE], h->len[HF_SOURCE], 1)) ==
          NULL ||
      (o->date = arena_date(st, a, h->off[HF_DATE], h->len[HF_DATE])) ==
          NULL ||
      (o->author = arena_str(a, h->off[HF_AUTHOR], h->len[HF_AUTHOR], 1)) ==
          NULL ||
      (o->url = arena_str(a, h->off[HF_URL], h->len[HF_URL], 1)) == NULL ||
      (o->language = arena_str(a, h->off[HF_LANGUAGE], h->len[HF_LANGUAGE],
                               1)) == NULL ||
      (o->snippet = arena_str(a, h->off[HF_SNIPPET], h->len[HF_SNIPPET],
                              0)) == NULL ||
      (o->body = j->want_body ? arena_str(a, h->off[HF_BODY],
                                          h->len[HF_BODY], 0)
                              : Py_NewRef(Py_None)) == NULL ||
      (o->highlights = pairs_slice(&j->pairs, h->hl, h->nhl)) == NULL ||
      (o->body_highlights = pairs_slice(&j->pairs, h->bhl, h->nbhl)) ==
          NULL) {
    Py_DECREF(o);
    return NULL;
  }
  return (PyObject *)o;
}

static PyObject *
make_results(kz_state *st, const search_job *j, PyObject *qobj)
{
  PyTypeObject *tp = (PyTypeObject *)st->Results_type;
  allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
  ResultsObject *r;
  size_t i;

  r = (ResultsObject *)alloc(tp, 0);
  if (r == NULL)
    return NULL;
  r->query = Py_NewRef(qobj);
  r->exact = j->exact;
  r->total = PyLong_FromUnsignedLongLong((unsigned long long)j->total);
  r->items = PyTuple_New((Py_ssize_t)j->nhits);
  if (r->total == NULL || r->items == NULL)
    goto fail;
  for (i = 0; i < j->nhits; i++) {
    PyObject *h = make_hit(st, j, &j->hits[i]);
    if (h == NULL)
      goto fail;
    PyTuple_SetItem(r->items, (Py_ssize_t)i, h); /* steals */
  }
  return (PyObject *)r;
fail:
  Py_DECREF(r);
  return NULL;
}

static const char *const sort_names[] = {"score", "date", "newest", "oldest",
                                         NULL};
static const int sort_values[] = {KZ_SORT_SCORE, KZ_SORT_DATE_DESC,
                                  KZ_SORT_DATE_DESC, KZ_SORT_DATE_ASC};

PyDoc_STRVAR(Corpus_search_doc,
"search($self, query, limit=10, sort='score', *, offset=0, snippets=True,\n"
"       body=False)\n"
"--\n"
"\n"
"Search the committed documents and return kz.Results: the best `limit`\n"
"hits (None: all), skipping `offset`, with `total` the number of all\n"
"matching documents.\n"
"\n"
"query: the query language of docs/query.md: words, \"phrases\", AND, OR,\n"
"    NOT, -word, ( ), NEAR(a b, 5), a NEAR/5 b, prefix*, fuzzy~, =exact,\n"
"    title:/body:/caption:/heading: fields, source:, author:, lang:,\n"
"    date:2022-01-05, date:2022-01-01..2022-01-31, date:>=2022-01-10.\n"
"sort: 'score' (BM25), 'date' or 'newest' (newest first), 'oldest'.\n"
"snippets: False to skip computing snippets (faster).\n"
"body: True to return each hit's stored body in hit.body.\n"
"\n"
"Each kz.Hit has key, score, title, source, date (datetime.date or\n"
"None), author, url, language, snippet, highlights (code point ranges in\n"
"the snippet) and body_highlights (in the body).  Raises kz.QueryError\n"
"(with .position, .query) for a bad query.  The GIL is released; several\n"
"threads may search one Corpus at once.");

static PyObject *
Corpus_search(PyObject *op, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"query", "limit", "sort", "offset", "snippets",
                           "body", NULL};
  CorpusObject *self = (CorpusObject *)op;
  kz_state *st = corpus_state(op);
  PyObject *qobj, *limit = NULL, *sort = NULL, *res = NULL;
  Py_ssize_t offset = 0;
  int snippets = 1, body = 0;
  search_job j;
  text_arg q;

  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OO$npp:search", kwlist,
                                   &qobj, &limit, &sort, &offset, &snippets,
                                   &body))
    return NULL;
  memset(&j, 0, sizeof j);
  kz_search_options_init(&j.opts, KZ_SEARCH_OPTIONS_VERSION);
  if (limit == NULL)
    j.opts.limit = 10;
  else if (parse_limit(limit, "limit", &j.opts.limit) < 0)
    return NULL;
  if (offset < 0) {
    PyErr_SetString(PyExc_ValueError, "offset must not be negative");
    return NULL;
  }
  j.opts.offset = (size_t)offset;
  if (parse_choice(sort, "sort", sort_names, sort_values, KZ_SORT_SCORE,
                   &j.opts.sort) < 0)
    return NULL;
  j.opts.flags = snippets ? 0 : KZ_SEARCH_NO_SNIPPETS;
  j.want_body = body;
  if (text_get(&q, qobj) < 0)
    return NULL;
  j.q = q.s;
  j.qlen = q.len;
  if (run_read(self, run_search, &j) == 0) {
    if (j.rc != KZ_OK)
      query_error(st, j.rc, j.msg, qobj, &q);
    else
      res = make_results(st, &j, qobj);
  }
  search_job_free(&j);
  text_release(&q);
  return res;
}

/* --- Rows of struct sequences: one table-driven builder --- */

/* Move v[0..n) (new references, some possibly NULL after a failed
 * conversion) into the struct-sequence row.  On the first NULL the rest are
 * released and -1 is returned with the Python error set; the items already
 * moved belong to row. */
static int
row_set(PyObject *row, PyObject **v, int n)
{
  for (int k = 0; k < n; k++) {
    if (v[k] == NULL) {
      for (int m = k + 1; m < n; m++)
        Py_XDECREF(v[m]);
      return -1;
    }
    PyStructSequence_SetItem(row, k, v[k]); /* steals */
  }
  return 0;
}

#define ROW_MAX 12 /* fields of the widest row (kz.Number) */

/* Put the `width` values of row i into v (new references; NULL where a
 * conversion failed).  On -1 (with the Python error set) whatever v holds
 * is released. */
typedef int (*row_fill_fn)(kz_state *st, void *ctx, size_t i, PyObject **v);

/* n rows of the struct sequence tp, filled by fill(), as a tuple (or, with
 * as_list, a list). */
static PyObject *
build_rows(kz_state *st, PyObject *tp, int width, size_t n, int as_list,
           row_fill_fn fill, void *ctx)
{
  PyObject *items = as_list ? PyList_New((Py_ssize_t)n)
                            : PyTuple_New((Py_ssize_t)n);
  size_t i;

  for (i = 0; items != NULL && i < n; i++) {
    PyObject *v[ROW_MAX] = {NULL};
    PyObject *row = PyStructSequence_New((PyTypeObject *)tp);
    int k;
    if (row == NULL) {
      Py_CLEAR(items);
      break;
    }
    if (as_list)
      PyList_SetItem(items, (Py_ssize_t)i, row);
    else
      PyTuple_SetItem(items, (Py_ssize_t)i, row);
    if (fill(st, ctx, i, v) < 0) {
      for (k = 0; k < width; k++)
        Py_XDECREF(v[k]);
      Py_CLEAR(items);
    } else if (row_set(row, v, width) < 0) {
      Py_CLEAR(items);
    }
  }
  return items;
}

/* How a field of a C record becomes a Python value.  Strings are a
 * pointer at `off` and a size_t length at `len`, or (RF_ASTR, RF_AKEY) a
 * size_t arena offset at `off` and the length at `len`. */
enum {
  RF_STR,     /* str, invalid UTF-8 replaced */
  RF_KEY,     /* a document key: str, surrogateescape (see key_str) */
  RF_DATE,    /* "YYYY-MM-DD": datetime.date, None when empty */
  RF_ASTR,    /* RF_STR of arena bytes */
  RF_AKEY,    /* RF_KEY of arena bytes */
  RF_U64,     /* uint64_t: int */
  RF_U32,     /* uint32_t: int */
  RF_SIZE,    /* size_t: int */
  RF_DOUBLE,  /* double: float */
  RF_FIELD,   /* int kz_field: its name */
  RF_OPT = 0x80 /* or-ed with a string kind: None when empty */
};

typedef struct {
  unsigned char kind;
  size_t off, len;
} row_field;

#define RF_VAL(kind, type, m) {kind, offsetof(type, m), 0}
#define RF_TXT(kind, type, m, len) {kind, offsetof(type, m), offsetof(type, len)}

static PyObject *
field_name_str(int field)
{
  return PyUnicode_FromString(field >= 0 && field < KZ_FIELD_COUNT
                                  ? field_names[field]
                                  : "unknown");
}

static PyObject *
field_value(kz_state *st, const html_buf *arena, const char *rec,
            const row_field *f)
{
  const char *at = rec + f->off, *s = "";
  int kind = f->kind & ~RF_OPT;
  size_t len = 0;

  if (kind <= RF_AKEY) {
    memcpy(&len, rec + f->len, sizeof len);
    if (kind >= RF_ASTR) {
      size_t off;
      memcpy(&off, at, sizeof off);
      s = arena_ptr(arena, off);
      kind -= RF_ASTR;
    } else {
      memcpy(&s, at, sizeof s);
    }
    if (len == 0) {
      s = "";
      if (f->kind & RF_OPT)
        Py_RETURN_NONE;
    }
  }
  switch (kind) {
  case RF_STR:
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "replace");
  case RF_KEY:
    return key_str(s, len);
  case RF_DATE:
    return date_n(st, s, len);
  case RF_U64: {
    uint64_t u;
    memcpy(&u, at, sizeof u);
    return PyLong_FromUnsignedLongLong(u);
  }
  case RF_U32: {
    uint32_t u;
    memcpy(&u, at, sizeof u);
    return PyLong_FromUnsignedLong(u);
  }
  case RF_SIZE: {
    size_t z;
    memcpy(&z, at, sizeof z);
    return PyLong_FromSize_t(z);
  }
  case RF_DOUBLE: {
    double d;
    memcpy(&d, at, sizeof d);
    return PyFloat_FromDouble(d);
  }
  default: {
    int field;
    memcpy(&field, at, sizeof field);
    return field_name_str(field);
  }
  }
}

/* Rows described by a field table, from C records: get(res, i, rec) fills
 * the record (a libkz row getter), or without get they are an array. */
typedef struct {
  const row_field *f;
  int width;
  int (*get)(const void *res, size_t i, void *rec);
  const void *res;    /* with get: the libkz result; else the records */
  void *rec;          /* with get: room for one record */
  size_t size;        /* without get: the size of a record */
  const html_buf *arena;
} record_rows;

static int
fill_record(kz_state *st, void *ctx, size_t i, PyObject **v)
{
  const record_rows *r = ctx;
  const char *rec = r->rec;
  int k;

  if (r->get)
    r->get(r->res, i, r->rec);
  else
    rec = (const char *)r->res + i * r->size;
  for (k = 0; k < r->width && (k == 0 || v[k - 1] != NULL); k++)
    v[k] = field_value(st, r->arena, rec, &r->f[k]);
  return 0;
}

#define FIELDS(a) (a), (int)(sizeof(a) / sizeof *(a))

/* A tuple of n rows of tp from libkz's row getter get(res, i, &rec). */
static PyObject *
result_rows(kz_state *st, PyObject *tp, const row_field *f, int width,
            int (*get)(const void *, size_t, void *), const void *res,
            void *rec, size_t n)
{
  record_rows r = {f, width, get, res, rec, 0, NULL};
  return build_rows(st, tp, width, n, 0, fill_record, &r);
}

/* A tuple of the n records at recs (size bytes each) as rows of tp. */
static PyObject *
record_array_rows(kz_state *st, PyObject *tp, const row_field *f, int width,
                  const void *recs, size_t size, size_t n,
                  const html_buf *arena)
{
  record_rows r = {f, width, NULL, recs, NULL, size, arena};
  return build_rows(st, tp, width, n, 0, fill_record, &r);
}

/* --- keys() and vocabulary(): callbacks into an arena --- */

typedef struct {
  html_buf arena;
  size_t n;
} sink;

static int
collect_key(const char *key, size_t len, void *payload)
{
  sink *k = (sink *)payload;

  hb_put(&k->arena, (const char *)&len, sizeof len);
  hb_put(&k->arena, key, len);
  if (k->arena.nomem)
    return COLLECT_NOMEM;
  k->n++;
  return 0;
}

static int
collect_term(const char *term, size_t len, uint64_t tf, uint64_t df,
             void *payload)
{
  sink *k = (sink *)payload;

  hb_put(&k->arena, (const char *)&len, sizeof len);
  hb_put(&k->arena, (const char *)&tf, sizeof tf);
  hb_put(&k->arena, (const char *)&df, sizeof df);
  hb_put(&k->arena, term, len);
  if (k->arena.nomem)
    return COLLECT_NOMEM;
  k->n++;
  return 0;
}

/* A search-side call of libkz that reports through a callback into a
 * sink.  terms: kz_corpus_vocabulary(), else kz_corpus_keys(). */
typedef struct {
  const char *q;
  size_t qlen;
  int terms;
  sink out;
  int rc;
  char msg[KZ_MSG_MAX];
} sink_job;

static void
run_sink(kz_corpus *c, void *job)
{
  sink_job *j = job;
  if (j->terms)
    j->rc = kz_corpus_vocabulary(c, j->q, j->qlen, collect_term, &j->out);
  else
    j->rc = kz_corpus_keys(c, j->q, j->qlen, collect_key, &j->out);
  if (j->rc < 0)
    copy_msg(j->msg, kz_last_errmsg());
}

/* Run a sink_job for the query qobj (NULL: no filter). */
static int
corpus_sink(CorpusObject *self, sink_job *j, PyObject *qobj, int terms)
{
  kz_state *st = corpus_state((PyObject *)self);
  text_arg q;
  int ok = -1;

  memset(j, 0, sizeof *j);
  memset(&q, 0, sizeof q);
  j->terms = terms;
  if (qobj != NULL && text_get(&q, qobj) < 0)
    return -1;
  j->q = q.s;
  j->qlen = q.len;
  if (run_read(self, run_sink, j) == 0) {
    if (j->rc != KZ_OK)
      query_error(st, j->rc, j->msg, qobj ? qobj : Py_None, &q);
    else
      ok = 0;
  }
  if (qobj != NULL)
    text_release(&q);
  if (ok < 0) {
    free(j->out.arena.p);
    j->out.arena.p = NULL;
  }
  return ok;
}

PyDoc_STRVAR(Corpus_keys_doc,
"keys($self, query, /)\n"
"--\n"
"\n"
"The keys of every document matching query (list of str), unranked, in\n"
"index order: faster than search() when only the documents matter.");

static PyObject *
Corpus_keys(PyObject *op, PyObject *qobj)
{
  sink_job j;
  PyObject *list;
  const char *p;
  size_t i;

  if (corpus_sink((CorpusObject *)op, &j, qobj, 0) < 0)
    return NULL;
  list = PyList_New((Py_ssize_t)j.out.n);
  p = arena_ptr(&j.out.arena, 0);
  for (i = 0; list != NULL && i < j.out.n; i++) {
    size_t len;
    PyObject *k;
    memcpy(&len, p, sizeof len);
    k = key_str(p + sizeof len, len);
    if (k == NULL) {
      Py_CLEAR(list);
      break;
    }
    PyList_SetItem(list, (Py_ssize_t)i, k);
    p += sizeof len + len;
  }
  free(j.out.arena.p);
  return list;
}

PyDoc_STRVAR(Corpus_vocabulary_doc,
"vocabulary($self, filter=None)\n"
"--\n"
"\n"
"The indexed terms (analyzed forms, in byte order) as a list of kz.Term\n"
"(term, tf, df): total occurrences and documents, over every live\n"
"document or those matching the query `filter`.  pandas.DataFrame(v)\n"
"makes a table of it.");

/* Term i of collect_term()'s records, read in order from *cursor. */
static int
fill_term(kz_state *st, void *cursor, size_t i, PyObject **v)
{
  const char **p = cursor;
  struct { size_t len; uint64_t tf, df; } r;

  (void)st;
  (void)i;
  memcpy(&r.len, *p, sizeof r.len);
  memcpy(&r.tf, *p + sizeof r.len, sizeof r.tf);
  memcpy(&r.df, *p + sizeof r.len + sizeof r.tf, sizeof r.df);
  *p += sizeof r.len + sizeof r.tf + sizeof r.df;
  v[0] = PyUnicode_DecodeUTF8(r.len ? *p : "", (Py_ssize_t)r.len, "replace");
  v[1] = PyLong_FromUnsignedLongLong(r.tf);
  v[2] = PyLong_FromUnsignedLongLong(r.df);
  *p += r.len;
  return 0;
}

static PyObject *
Corpus_vocabulary(PyObject *op, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"filter", NULL};
  kz_state *st = corpus_state(op);
  PyObject *filter = Py_None, *list;
  sink_job j;
  const char *p;

  if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:vocabulary", kwlist,
                                   &filter))
    return NULL;
  if (corpus_sink((CorpusObject *)op, &j, filter == Py_None ? NULL : filter,
                  1) < 0)
    return NULL;
  p = arena_ptr(&j.out.arena, 0);
  list = build_rows(st, st->Term_type, 3, j.out.n, 1, fill_term, &p);
  free(j.out.arena.p);
  return list;
}

/* --- kwic() --- */

typedef struct {
  size_t doc, doc_len, left, left_len; /* arena offsets and lengths */
  size_t match, match_len, right, right_len;
  size_t start, end;
  int field;
} kwic_rec;

static const row_field kwic_fields[] = {
  RF_TXT(RF_AKEY, kwic_rec, doc, doc_len),
  RF_TXT(RF_ASTR, kwic_rec, left, left_len),
  RF_TXT(RF_ASTR, kwic_rec, match, match_len),
  RF_TXT(RF_ASTR, kwic_rec, right, right_len),
  RF_VAL(RF_SIZE, kwic_rec, start),
  RF_VAL(RF_SIZE, kwic_rec, end),
  RF_VAL(RF_FIELD, kwic_rec, field)};

typedef struct {
  const char *q;
  size_t qlen;
  kz_kwic_options opts;
  kwic_rec *rows;
  size_t n;
  html_buf arena;
  int rc;
  char msg[KZ_MSG_MAX];
} kwic_job;

static void
run_kwic(kz_corpus *c, void *job)
{
  kwic_job *j = job;
  kz_kwic *k = NULL;
  size_t i, n;
  int rc = kz_corpus_kwic(&k, c, j->q, j->qlen, &j->opts);

  if (rc != KZ_OK) {
    copy_msg(j->msg, kz_last_errmsg());
    j->rc = rc;
    return;
  }
  n = kz_kwic_count(k);
  if (n > 0 && (n > (size_t)PY_SSIZE_T_MAX / sizeof *j->rows ||
                (j->rows = malloc(n * sizeof *j->rows)) == NULL)) {
    rc = COLLECT_NOMEM;
    n = 0;
  }
  for (i = 0; i < n; i++) {
    kz_kwic_row row;
    kwic_rec *r = &j->rows[i];
    if (kz_kwic_row_get(k, i, &row) != KZ_OK) {
      rc = RC_BADOFFSET;
      break;
    }
    r->doc = arena_put(&j->arena, row.key, row.key_len);
    r->doc_len = row.key_len;
    r->left = arena_put(&j->arena, row.left, row.left_len);
    r->left_len = row.left_len;
    r->match = arena_put(&j->arena, row.match, row.match_len);
    r->match_len = row.match_len;
    r->right = arena_put(&j->arena, row.right, row.right_len);
    r->right_len = row.right_len;
    r->start = row.start;
    r->end = row.end;
    r->field = row.field;
    j->n = i + 1;
  }
  if (rc == KZ_OK && j->arena.nomem)
    rc = COLLECT_NOMEM;
  kz_kwic_free(k);
  j->rc = rc;
}

static const char *const kwic_sort_names[] = {"none", "left", "right",
                                              "match", NULL};
static const int kwic_sort_values[] = {KZ_KWIC_SORT_NONE, KZ_KWIC_SORT_LEFT,
                                       KZ_KWIC_SORT_RIGHT,
                                       KZ_KWIC_SORT_MATCH};

PyDoc_STRVAR(Corpus_kwic_doc,
"kwic($self, query, width=None, sort=None, *, chars=False, limit=None)\n"
"--\n"
"\n"
"The KWIC concordance of query: every match as a kz.KwicRow (doc, left,\n"
"match, right, start, end; .field), in a kz.Concordance.\n"
"\n"
"width: context on each side, in tokens (default 5) or, with chars=True,\n"
"    in characters (default 40).\n"
"sort: None (document order), 'left' or 'right' (by the context words\n"
"    nearest the match, as corpus linguists sort), 'match'.\n"
"limit: at most this many rows (None: all).\n"
"start and end are byte offsets of the match in the stored field.");

static PyObject *
Corpus_kwic(PyObject *op, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"query", "width", "sort", "chars", "limit", NULL};
  CorpusObject *self = (CorpusObject *)op;
  kz_state *st = corpus_state(op);
  PyObject *qobj, *width = Py_None, *sort = Py_None, *limit = Py_None;
  PyObject *res = NULL, *items = NULL;
  PyTypeObject *tp = (PyTypeObject *)st->Concordance_type;
  int chars = 0;
  kwic_job j;
  text_arg q;

  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OO$pO:kwic", kwlist, &qobj,
                                   &width, &sort, &chars, &limit))
    return NULL;
  memset(&j, 0, sizeof j);
  kz_kwic_options_init(&j.opts, KZ_KWIC_OPTIONS_VERSION);
  j.opts.width = 0;
  if (width != Py_None) {
    long w = PyLong_AsLong(width);
    if (w == -1 && PyErr_Occurred())
      return NULL;
    if (w < 1 || w > 100000) {
      PyErr_SetString(PyExc_ValueError,
                      "width must be a positive int (or None)");
      return NULL;
    }
    j.opts.width = (unsigned int)w;
  }
  j.opts.flags = chars ? KZ_KWIC_CHARS : 0;
  if (parse_choice(sort, "sort", kwic_sort_names, kwic_sort_values,
                   KZ_KWIC_SORT_NONE, &j.opts.sort) < 0 ||
      parse_limit(limit, "limit", &j.opts.limit) < 0)
    return NULL;
  if (text_get(&q, qobj) < 0)
    return NULL;
  j.q = q.s;
  j.qlen = q.len;
  if (run_read(self, run_kwic, &j) < 0)
    goto done;
  if (j.rc != KZ_OK) {
    query_error(st, j.rc, j.msg, qobj, &q);
    goto done;
  }
  items = record_array_rows(st, st->KwicRow_type, FIELDS(kwic_fields), j.rows,
                            sizeof *j.rows, j.n, &j.arena);
  if (items != NULL) {
    allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
    ConcordanceObject *k = (ConcordanceObject *)alloc(tp, 0);
    if (k != NULL) {
      k->items = items;
      k->query = Py_NewRef(qobj);
      items = NULL;
      res = (PyObject *)k;
    }
  }
done:
  Py_XDECREF(items);
  free(j.rows);
  free(j.arena.p);
  text_release(&q);
  return res;
}

/* --- count() --- */

typedef struct {
  size_t goff, glen;
  kz_count_row row; /* group pointer unused */
} count_rec;

typedef struct {
  const char *q;
  size_t qlen;
  int by;
  count_rec *rows;
  size_t n;
  html_buf arena;
  int rc;
  char msg[KZ_MSG_MAX];
} count_job;

static void
run_count(kz_corpus *c, void *job)
{
  count_job *j = job;
  kz_counts *k = NULL;
  size_t i, n;
  int rc = kz_corpus_count(&k, c, j->q, j->qlen, j->by);

  if (rc != KZ_OK) {
    copy_msg(j->msg, kz_last_errmsg());
    j->rc = rc;
    return;
  }
  n = kz_counts_size(k);
  if (n > 0 && (n > (size_t)PY_SSIZE_T_MAX / sizeof *j->rows ||
                (j->rows = malloc(n * sizeof *j->rows)) == NULL)) {
    rc = COLLECT_NOMEM;
    n = 0;
  }
  for (i = 0; i < n; i++) {
    count_rec *r = &j->rows[i];
    if (kz_counts_row(k, i, &r->row) != KZ_OK) {
      rc = RC_BADOFFSET;
      break;
    }
    r->goff = arena_put(&j->arena, r->row.group, r->row.group_len);
    r->glen = r->row.group_len;
    r->row.group = NULL;
    j->n = i + 1;
  }
  if (rc == KZ_OK && j->arena.nomem)
    rc = COLLECT_NOMEM;
  kz_counts_free(k);
  j->rc = rc;
}

static const char *const by_names[] = {"all", "source", "day", "date",
                                       "week", "month", "year", "doc",
                                       "key", NULL};
static const int by_values[] = {KZ_COUNT_ALL, KZ_COUNT_SOURCE, KZ_COUNT_DAY,
                                KZ_COUNT_DAY, KZ_COUNT_WEEK, KZ_COUNT_MONTH,
                                KZ_COUNT_YEAR, KZ_COUNT_DOC, KZ_COUNT_DOC};
/* Canonical names, indexed by kz_count_by. */
static const char *const by_canonical[] = {"all", "source", "day", "week",
                                           "month", "year", "doc"};

/* The group (None for none) is a key with by='doc' (count_fields[0] is
 * patched), else a str. */
static const row_field count_fields[] = {
  RF_TXT(RF_ASTR | RF_OPT, count_rec, goff, glen),
  RF_VAL(RF_U64, count_rec, row.docs),
  RF_VAL(RF_U64, count_rec, row.matches),
  RF_VAL(RF_U64, count_rec, row.group_docs),
  RF_VAL(RF_U64, count_rec, row.group_words),
  RF_VAL(RF_DOUBLE, count_rec, row.per_million)};

PyDoc_STRVAR(Corpus_count_doc,
"count($self, query, by='source', per_million=False)\n"
"--\n"
"\n"
"Count the matches of query by group and return a kz.Counts mapping\n"
"group -> matches (a phrase counts once) or, with per_million=True,\n"
"matches per million words of the group, so that outlets of different\n"
"sizes compare.  Groups without a match are left out; a document without\n"
"a source or date falls in the group None.\n"
"\n"
"by: 'source', 'day' (or 'date'), 'week' (ISO, '2022-W01'), 'month',\n"
"    'year', 'doc' (by document key), or None / 'all' (one group).\n"
"The mapping also has docs and matches (dicts), total_docs,\n"
"total_matches, rows and to_pandas().");

static PyObject *
Corpus_count(PyObject *op, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"query", "by", "per_million", NULL};
  CorpusObject *self = (CorpusObject *)op;
  kz_state *st = corpus_state(op);
  PyTypeObject *tp = (PyTypeObject *)st->Counts_type;
  PyObject *qobj, *by = NULL, *res = NULL, *items = NULL, *map = NULL;
  int per_million = 0;
  row_field fields[sizeof count_fields / sizeof *count_fields];
  count_job j;
  text_arg q;
  size_t i;

  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|Op:count", kwlist, &qobj,
                                   &by, &per_million))
    return NULL;
  memset(&j, 0, sizeof j);
  if (by == NULL)
    j.by = KZ_COUNT_SOURCE;
  else if (parse_choice(by, "by", by_names, by_values, KZ_COUNT_ALL, &j.by) <
           0)
    return NULL;
  if (text_get(&q, qobj) < 0)
    return NULL;
  j.q = q.s;
  j.qlen = q.len;
  if (run_read(self, run_count, &j) < 0)
    goto done;
  if (j.rc != KZ_OK) {
    query_error(st, j.rc, j.msg, qobj, &q);
    goto done;
  }
  memcpy(fields, count_fields, sizeof fields);
  if (j.by == KZ_COUNT_DOC)
    fields[0].kind = RF_AKEY | RF_OPT;
  items = record_array_rows(st, st->CountRow_type, FIELDS(fields), j.rows,
                            sizeof *j.rows, j.n, &j.arena);
  map = PyDict_New();
  if (items == NULL || map == NULL)
    goto done;
  for (i = 0; i < j.n; i++) {
    PyObject *row = PyTuple_GetItem(items, (Py_ssize_t)i);
    if (PyDict_SetItem(map, PyStructSequence_GetItem(row, 0),
                       PyStructSequence_GetItem(row, per_million ? 5 : 2)) <
        0)
      goto done;
  }
  {
    allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
    CountsObject *k = (CountsObject *)alloc(tp, 0);
    if (k == NULL)
      goto done;
    k->items = items;
    k->map = map;
    k->query = Py_NewRef(qobj);
    k->per_million = per_million;
    items = map = NULL;
    k->by = PyUnicode_FromString(by_canonical[j.by]);
    if (k->by == NULL) {
      Py_DECREF(k);
      goto done;
    }
    res = (PyObject *)k;
  }
done:
  Py_XDECREF(items);
  Py_XDECREF(map);
  free(j.rows);
  free(j.arena.p);
  text_release(&q);
  return res;
}

/* --- doc() --- */

typedef struct {
  const char *key;
  size_t klen;
  size_t off[KZ_FIELD_COUNT], len[KZ_FIELD_COUNT];
  html_buf arena;
  kz_article *art;     /* kz_doc_article() */
  kz_buf json;         /* and its JSON form */
  int rc;
  char msg[KZ_MSG_MAX];
} doc_job;

static void
run_doc(kz_corpus *c, void *job)
{
  doc_job *j = job;
  kz_doc *d = NULL;
  int f, rc = kz_corpus_doc(&d, c, j->key, j->klen);

  if (rc != KZ_OK) {
    copy_msg(j->msg, kz_last_errmsg());
    j->rc = rc;
    return;
  }
  for (f = 0; f < KZ_FIELD_COUNT; f++) {
    size_t n = 0;
    const char *s = kz_doc_field(d, f, &n);
    if (s == NULL)
      n = 0;
    j->off[f] = arena_put(&j->arena, s, n);
    j->len[f] = n;
  }
  rc = kz_doc_article(&j->art, d);
  if (rc == KZ_OK)
    rc = kz_article_to_json(j->art, &j->json);
  kz_doc_free(d);
  if (rc != KZ_OK) {
    copy_msg(j->msg, kz_last_errmsg());
    j->rc = rc;
    return;
  }
  j->rc = j->arena.nomem ? COLLECT_NOMEM : KZ_OK;
}

PyDoc_STRVAR(Corpus_doc_doc,
"doc($self, key, /)\n"
"--\n"
"\n"
"The stored document key as a kz.Article: its title, date, source,\n"
"authors, language, key and url, its body as stored, and blocks rebuilt\n"
"from the stored fields (the title, the body's paragraphs, the headings,\n"
"the captions), so quotes(), numbers() and mentions() work on it.\n"
"a['title'] and the other keys of the dict doc() returned before still\n"
"work: key, title, body, caption, heading (str; captions and headings\n"
"joined by blank lines), date (datetime.date or None), source, author\n"
"(authors joined by '; '), url, language (str or None).\n"
"Raises kz.NotFound for an unknown key.");

static PyObject *
Corpus_doc(PyObject *op, PyObject *key)
{
  CorpusObject *self = (CorpusObject *)op;
  kz_state *st = corpus_state(op);
  PyObject *d = NULL, *res = NULL;
  key_arg k;
  doc_job j;
  int f;

  if (key_get(&k, key) < 0)
    return NULL;
  memset(&j, 0, sizeof j);
  j.key = k.s;
  j.klen = k.len;
  if (run_read(self, run_doc, &j) < 0)
    goto done;
  if (j.rc != KZ_OK) {
    corpus_error(st, j.rc, j.msg);
    goto done;
  }
  d = PyDict_New();
  for (f = 0; d != NULL && f < KZ_FIELD_COUNT; f++) {
    PyObject *v;
    if (f == KZ_FIELD_KEY)
      v = key_str(arena_ptr(&j.arena, j.off[f]), j.len[f]);
    else if (f == KZ_FIELD_DATE)
      v = arena_date(st, &j.arena, j.off[f], j.len[f]);
    else
      v = arena_str(&j.arena, j.off[f], j.len[f],
                    f != KZ_FIELD_BODY && f != KZ_FIELD_CAPTION &&
                        f != KZ_FIELD_HEADING);
    if (dict_put(d, field_names[f], v) < 0)
      Py_CLEAR(d);
  }
  if (d != NULL && (res = make_article(st, j.art, &j.json)) != NULL) {
    ArticleObject *a = (ArticleObject *)res;
    a->art = j.art; /* the article keeps it */
    j.art = NULL;
    /* its key and url, and the dict as its mapping view */
    Py_DECREF(a->key);
    a->key = Py_NewRef(PyDict_GetItemString(d, "key"));
    Py_DECREF(a->url);
    a->url = Py_NewRef(PyDict_GetItemString(d, "url"));
    a->fields = Py_NewRef(d);
  }
done:
  Py_XDECREF(d);
  kz_article_free(j.art);
  kz_buf_dispose(&j.json);
  free(j.arena.p);
  Py_DECREF(k.bytes);
  return res;
}

/* ====================================================================
 * Analysis: quotes, numbers, entities, collocations, keyness, n-grams,
 * dispersion and the document-term matrix
 * ==================================================================== */

/*
 * Every table-like result is a kz.Table subtype (kz.Quotes, kz.Numbers,
 * kz.Entities, kz.Collocations, kz.Keyness, kz.Ngrams, kz.Dispersion): a
 * read-only sequence of rows (struct sequences such as kz.Quote, whose
 * fields are the columns) plus a dict of figures (`info`) whose keys are
 * also attributes (colls.node_freq).  One set of slots serves them all;
 * `kind` picks the columns shown by repr() and _repr_html_().
 *
 * The libkz calls run without the GIL.  Statistics come back as libkz
 * result objects, which are independent of the corpus and immutable: they
 * are turned into rows once the GIL is back, then freed.  The extractors
 * run through a callback per document; it copies each quote or claim into
 * plain C cells (see cell_list) without the GIL, converting byte offsets
 * into code point offsets of the body as it goes.
 *
 * Offsets: quote and claim start/end are code point offsets into the body
 * (article.body, or corpus.doc(key)['body']); dispersion hits give both
 * token positions and byte offsets in the stored field, as KWIC does.
 */

enum {
  TB_QUOTES, TB_NUMBERS, TB_ENTITIES, TB_COLLOC, TB_KEYNESS, TB_NGRAMS,
  TB_DISPERSION, TB_MENTIONS, TB_N
};
_Static_assert(TB_N == KZ_N_TABLES, "KZ_N_TABLES must equal TB_N");

/* Row fields of each kind (the columns). */
static PyStructSequence_Field Quote_fields[] = {
  {"doc", "the document key (None for Article.quotes())"},
  {"source", "the outlet, or None"},
  {"date", "the publication date (datetime.date), or None"},
  {"speaker", "who is quoted (the fullest name the article gives), or None"},
  {"role", "the speaker's role from an apposition or title, or None"},
  {"verb", "the speech verb as written ('said', 'according to'), or None"},
  {"kind", "'direct', 'partial' or 'scare'"},
  {"text", "the quoted words, without the quotation marks"},
  {"start", "code point offset of the quote (marks included) in the body"},
  {"end", "code point offset one past its end"},
  {NULL, NULL}};

static PyStructSequence_Field Number_fields[] = {
  {"doc", "the document key (None for Article.numbers())"},
  {"source", "the outlet, or None"},
  {"date", "the publication date (datetime.date), or None"},
  {"value", "the value (a range's low end; 'dozens' 24)"},
  {"low", "low end of a range (== value for a single number)"},
  {"high", "high end of a range"},
  {"qualifier", "'more than', 'at least', 'almost', 'about', ... or None"},
  {"unit", "'%' or an ISO 4217 currency code, or None for counts"},
  {"counted", "what is counted ('police officers killed'), or None"},
  {"exact", "the claim as written"},
  {"start", "code point offset in the body, or None"},
  {"end", "code point offset one past the end, or None"},
  {NULL, NULL}};

static PyStructSequence_Field Entity_fields[] = {
  {"name", "the canonical name: the most frequent full form"},
  {"kind", "'person', 'org', 'place' or 'other'"},
  {"count", "mentions"},
  {"variants", "dict: spelling -> mentions"},
  {"by_source", "dict: source -> mentions"},
  {NULL, NULL}};

static PyStructSequence_Field Collocate_fields[] = {
  {"term", "the collocate (analyzed form)"},
  {"observed", "O: co-occurrences within the window"},
  {"expected", "E = R C / N"},
  {"mi", "log2(O / E)"},
  {"t_score", "(O - E) / sqrt(O)"},
  {"g2", "log-likelihood G2 (>= 0; attraction when O > E)"},
  {"log_dice", "14 + log2(2 O / (f_node + C))"},
  {"freq", "C: frequency in the filtered corpus"},
  {"left", "co-occurrences before the node"},
  {"right", "co-occurrences after the node"},
  {"docs", "documents where they co-occur"},
  {NULL, NULL}};

static PyStructSequence_Field Keyword_fields[] = {
  {"term", "the word (analyzed form)"},
  {"freq_target", "a: frequency in the target"},
  {"freq_reference", "b: frequency in the reference"},
  {"g2", "log-likelihood G2, signed: > 0 overused in the target"},
  {"p", "p-value of |G2| (chi-squared, 1 df)"},
  {"log_ratio", "log2 of the ratio of relative frequencies (Hardie 2014)"},
  {"pct_diff", "%DIFF (Gabrielatos & Marchi 2012)"},
  {"expected", "expected target frequency"},
  {"docs_target", "target documents holding it"},
  {"docs_reference", "reference documents holding it"},
  {NULL, NULL}};

static PyStructSequence_Field Ngram_fields[] = {
  {"ngram", "the n-gram: its words joined by one space"},
  {"freq", "occurrences"},
  {"docs", "documents holding it"},
  {NULL, NULL}};

static PyStructSequence_Field DispersionHit_fields[] = {
  {"doc", "the document key"},
  {"date", "the publication date (datetime.date), or None"},
  {"source", "the outlet, or None"},
  {"field", "'title', 'body', 'caption' or 'heading'"},
  {"position", "token position of the match in its field"},
  {"field_tokens", "tokens (positions) of that field"},
  {"relative", "position / field_tokens: where it falls, 0 to 1"},
  {"start", "byte offset of the match in the stored field"},
  {"end", "byte offset one past the match"},
  {NULL, NULL}};

static PyStructSequence_Field Mention_fields[] = {
  {"text", "the name as written (titles and possessives dropped)"},
  {"kind", "'person', 'org', 'place' or 'other'"},
  {"expansion", "for an acronym defined in the article, its long form"},
  {"start", "code point offset in the body, or None (headline, headings)"},
  {"end", "code point offset one past the end, or None"},
  {NULL, NULL}};

static PyStructSequence_Field DispersionDoc_fields[] = {
  {"doc", "the document key"},
  {"date", "the publication date (datetime.date), or None"},
  {"source", "the outlet, or None"},
  {"tokens", "tokens of the document"},
  {"hits", "matches in it"},
  {NULL, NULL}};

static struct {
  PyStructSequence_Desc desc;
  const char *table_name; /* the kz.Table subtype */
  const char *table_doc;
  const char *what;       /* "quote", for "3 quotes" ("entit": "y"/"ies") */
  int shown[8];           /* columns in the text repr, -1 ends */
} tables[TB_N] = {
  {{"kz.Quote", "One quotation: (doc, source, date, speaker, role, verb, "
                "kind, text, start, end).", Quote_fields, 10},
   "kz.Quotes", "Quotations with their speakers: a sequence of kz.Quote.",
   "quote", {3, 6, 7, 0, -1}},
  {{"kz.Number", "One numeric claim: (doc, source, date, value, low, high, "
                 "qualifier, unit, counted, exact, start, end).",
    Number_fields, 12},
   "kz.Numbers", "Numeric claims: a sequence of kz.Number.", "claim",
   {3, 6, 7, 8, 1, 0, -1}},
  {{"kz.Entity", "One entity: (name, kind, count, variants, by_source).",
    Entity_fields, 5},
   "kz.Entities", "Entities clustered across spellings: a sequence of "
   "kz.Entity, most mentioned first.", "entit", {0, 1, 2, 3, -1}},
  {{"kz.Collocate", "One collocate: (term, observed, expected, mi, t_score, "
                    "g2, log_dice, freq, left, right, docs).",
    Collocate_fields, 11},
   "kz.Collocations", "Collocates of a node: a sequence of kz.Collocate, "
   "best first by the measure asked for.", "collocate",
   {0, 1, 2, 7, 3, 4, 5, 6}},
  {{"kz.Keyword", "One word of a keyness table: (term, freq_target, "
                  "freq_reference, g2, p, log_ratio, pct_diff, expected, "
                  "docs_target, docs_reference).",
    Keyword_fields, 10},
   "kz.Keyness", "Keywords of a target against a reference: a sequence of "
   "kz.Keyword, most overused first.", "word", {0, 1, 2, 3, 5, 6, -1}},
  {{"kz.Ngram", "One n-gram: (ngram, freq, docs).", Ngram_fields, 3},
   "kz.Ngrams", "N-gram frequencies: a sequence of kz.Ngram, most frequent "
   "first.", "n-gram", {0, 1, 2, -1}},
  {{"kz.DispersionHit", "One match: (doc, date, source, field, position, "
                        "field_tokens, relative, start, end).",
    DispersionHit_fields, 9},
   "kz.Dispersion", "Where the matches of a query fall: a sequence of "
   "kz.DispersionHit (one per match), with the per-document table in "
   "`documents` and the measures dp, juilland_d, range.", "hit",
   {0, 1, 3, 4, 5, 6, -1}},
  {{"kz.Mention", "One mention: (text, kind, expansion, start, end).",
    Mention_fields, 5},
   "kz.Mentions", "Mentions of people, organizations and places: a "
   "sequence of kz.Mention.", "mention", {0, 1, 2, 3, -1}},
};

static PyStructSequence_Desc DispersionDoc_desc = {
  "kz.DispersionDoc",
  "A document with matches: (doc, date, source, tokens, hits).",
  DispersionDoc_fields, 5};

/* --- Cells collected without the GIL ---------------------------------- */

enum { CELL_NONE, CELL_STR, CELL_KEY, CELL_DATE, CELL_INT, CELL_FLOAT };

typedef struct {
  int type;
  size_t off, len;   /* STR, KEY, DATE: bytes in the arena */
  uint64_t u;
  double d;
} cell;

typedef struct {
  cell *v;
  size_t n, cap;
  html_buf arena;
  int nomem;
} cell_list;

static cell *
cell_new(cell_list *l, int type)
{
  cell *c;
  if (l->nomem || grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v) < 0) {
    l->nomem = 1;
    return NULL;
  }
  c = &l->v[l->n++];
  memset(c, 0, sizeof *c);
  c->type = type;
  return c;
}

/* A str cell (None for a NULL s; with none_if_empty also for ""). */
static void
cell_str(cell_list *l, int type, const char *s, size_t n, int none_if_empty)
{
  cell *c;
  if (s == NULL || (n == 0 && none_if_empty)) {
    cell_new(l, CELL_NONE);
    return;
  }
  c = cell_new(l, type);
  if (c == NULL)
    return;
  c->off = arena_put(&l->arena, s, n);
  c->len = n;
}

static void
cell_cstr(cell_list *l, const char *s)
{
  cell_str(l, CELL_STR, s, s ? strlen(s) : 0, 0);
}

static void
cell_int(cell_list *l, uint64_t u)
{
  cell *c = cell_new(l, CELL_INT);
  if (c)
    c->u = u;
}

static void
cell_float(cell_list *l, double d)
{
  cell *c = cell_new(l, CELL_FLOAT);
  if (c)
    c->d = d;
}

/* A code point offset into s, or None for KZ_NO_OFFSET. */
static void
cell_offset(cell_list *l, char_cursor *cur, const char *s, size_t len,
            size_t off)
{
  if (off == KZ_NO_OFFSET || off > len)
    cell_new(l, CELL_NONE);
  else
    cell_int(l, char_offset(cur, (const unsigned char *)s, off));
}

static void
cell_list_free(cell_list *l)
{
  free(l->v);
  free(l->arena.p);
}

static PyObject *
cell_value(kz_state *st, const cell_list *l, const cell *c)
{
  switch (c->type) {
  case CELL_STR:
    return arena_str(&l->arena, c->off, c->len, 0);
  case CELL_KEY:
    return key_str(arena_ptr(&l->arena, c->off), c->len);
  case CELL_DATE:
    return arena_date(st, &l->arena, c->off, c->len);
  case CELL_INT:
    return PyLong_FromUnsignedLongLong((unsigned long long)c->u);
  case CELL_FLOAT:
    return PyFloat_FromDouble(c->d);
  default:
    Py_RETURN_NONE;
  }
}

typedef struct {
  const cell_list *l;
  int width;
} cell_rows;

static int
fill_cells(kz_state *st, void *ctx, size_t i, PyObject **v)
{
  const cell_rows *c = ctx;
  int k;

  for (k = 0; k < c->width && (k == 0 || v[k - 1] != NULL); k++)
    v[k] = cell_value(st, c->l, &c->l->v[i * (size_t)c->width + (size_t)k]);
  return 0;
}

/* The rows of table `kind` from the cells, as a tuple. */
static PyObject *
cells_to_rows(kz_state *st, const cell_list *l, int kind)
{
  cell_rows c = {l, tables[kind].desc.n_in_sequence};
  return build_rows(st, st->Row_types[kind], c.width,
                    l->n / (size_t)c.width, 0, fill_cells, &c);
}

/* --- Quotes and claims of one analysis into cells --------------------- */

typedef struct {
  const char *key; size_t key_len;      /* NULL: no document (None) */
  const char *source; size_t source_len;
  const char *date; size_t date_len;
  const char *body; size_t body_len;
} doc_ctx;

static void
cells_doc(cell_list *l, const doc_ctx *d)
{
  if (d->key)
    cell_str(l, CELL_KEY, d->key, d->key_len, 0);
  else
    cell_new(l, CELL_NONE);
  cell_str(l, CELL_STR, d->source, d->source_len, 1);
  cell_str(l, CELL_DATE, d->date, d->date_len > 10 ? 10 : d->date_len, 1);
}

static void
cells_quotes(cell_list *l, const doc_ctx *d, const kz_quotes *q)
{
  char_cursor cur = {0, 0};
  size_t i, n = kz_quotes_count(q);

  for (i = 0; i < n; i++) {
    cells_doc(l, d);
    cell_cstr(l, kz_quote_speaker(q, i));
    cell_cstr(l, kz_quote_role(q, i));
    cell_cstr(l, kz_quote_verb(q, i));
    cell_cstr(l, kz_quote_kind_name(kz_quote_kind(q, i)));
    cell_cstr(l, kz_quote_text(q, i));
    cell_offset(l, &cur, d->body, d->body_len, kz_quote_start(q, i));
    cell_offset(l, &cur, d->body, d->body_len, kz_quote_end(q, i));
  }
}

static void
cells_numbers(cell_list *l, const doc_ctx *d, const kz_numbers *nb)
{
  char_cursor cur = {0, 0};
  size_t i, n = kz_numbers_count(nb);

  for (i = 0; i < n; i++) {
    cells_doc(l, d);
    cell_float(l, kz_number_value(nb, i));
    cell_float(l, kz_number_low(nb, i));
    cell_float(l, kz_number_high(nb, i));
    cell_cstr(l, kz_number_qualifier(nb, i));
    cell_cstr(l, kz_number_unit(nb, i));
    cell_cstr(l, kz_number_counted(nb, i));
    cell_cstr(l, kz_number_exact(nb, i));
    cell_offset(l, &cur, d->body, d->body_len, kz_number_start(nb, i));
    cell_offset(l, &cur, d->body, d->body_len, kz_number_end(nb, i));
  }
}

static void
cells_mentions(cell_list *l, const doc_ctx *d, const kz_mentions *m)
{
  char_cursor cur = {0, 0};
  size_t i, n = kz_mentions_count(m);

  for (i = 0; i < n; i++) {
    cell_cstr(l, kz_mention_text(m, i));
    cell_cstr(l, kz_entity_kind_name(kz_mention_kind(m, i)));
    cell_cstr(l, kz_mention_expansion(m, i));
    cell_offset(l, &cur, d->body, d->body_len, kz_mention_start(m, i));
    cell_offset(l, &cur, d->body, d->body_len, kz_mention_end(m, i));
  }
}

/* --- kz.Table ------------------------------------------------------------ */

typedef struct {
  PyObject_HEAD
  PyObject *items; /* tuple of rows; first, see SeqObject */
  PyObject *info;  /* dict */
  PyObject *title; /* str */
  int kind;        /* TB_* */
} TableObject;

static void
Table_dealloc(PyObject *op)
{
  TableObject *self = (TableObject *)op;

  Py_CLEAR(self->items);
  Py_CLEAR(self->info);
  Py_CLEAR(self->title);
  free_instance(op);
}

/* A new table of `kind` holding items (consumed) and info (consumed). */
static PyObject *
make_table(kz_state *st, int kind, PyObject *items, PyObject *info,
           PyObject *title)
{
  PyTypeObject *tp = (PyTypeObject *)st->Table_types[kind];
  allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
  TableObject *t;

  if (items == NULL || info == NULL || title == NULL) {
    Py_XDECREF(items);
    Py_XDECREF(info);
    Py_XDECREF(title);
    return NULL;
  }
  t = (TableObject *)alloc(tp, 0);
  if (t == NULL) {
    Py_DECREF(items);
    Py_DECREF(info);
    Py_DECREF(title);
    return NULL;
  }
  t->items = items;
  t->info = info;
  t->title = title;
  t->kind = kind;
  return (PyObject *)t;
}

/* Attributes: the type's, then the keys of info. */
static PyObject *
Table_getattro(PyObject *op, PyObject *name)
{
  TableObject *self = (TableObject *)op;
  PyObject *v = PyObject_GenericGetAttr(op, name);
  PyObject *type, *value, *tb;

  if (v != NULL || !PyErr_ExceptionMatches(PyExc_AttributeError))
    return v;
  PyErr_Fetch(&type, &value, &tb);
  v = PyDict_GetItemWithError(self->info, name);
  if (v != NULL) {
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return Py_NewRef(v);
  }
  if (PyErr_Occurred()) {
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return NULL;
  }
  PyErr_Restore(type, value, tb); /* the AttributeError stands */
  return NULL;
}

/* A cell of the text or HTML table: floats with 4 significant digits,
 * None as an empty string, the rest str(). */
static PyObject *
cell_text(PyObject *v)
{
  if (v == Py_None)
    return PyUnicode_FromString("");
  if (PyFloat_Check(v)) {
    char buf[40];
    double d = PyFloat_AsDouble(v);
    if (d == floor(d) && fabs(d) < 1e15)
      snprintf(buf, sizeof buf, "%.0f", d); /* 10000, not 1e+04 */
    else
      snprintf(buf, sizeof buf, "%.4g", d);
    return PyUnicode_FromString(buf);
  }
  if (PyUnicode_Check(v))
    return Py_NewRef(v);
  return PyObject_Str(v);
}

static const char *
plural_suffix(int kind, Py_ssize_t n)
{
  if (kind == TB_ENTITIES)
    return n == 1 ? "y" : "ies";
  return n == 1 ? "" : "s";
}

static const char *
column_name(int kind, int col)
{
  return tables[kind].desc.fields[col].name;
}

static int
shown_count(int kind)
{
  int n = 0;
  while (n < 8 && tables[kind].shown[n] >= 0)
    n++;
  return n;
}

/* The text form: a heading and the first REPR_ROWS rows, aligned. */
static PyObject *
Table_repr(PyObject *op)
{
  TableObject *self = (TableObject *)op;
  Py_ssize_t n = PyTuple_Size(self->items), shown, i;
  int nc = shown_count(self->kind), k;
  Py_ssize_t width[8] = {0};
  PyObject *cells = NULL, *lines = NULL, *res = NULL, *s;

  shown = n < REPR_ROWS ? n : REPR_ROWS;
  cells = PyList_New(0);
  lines = PyList_New(0);
  if (cells == NULL || lines == NULL)
    goto done;
  /* the heading row, then the rows: cell texts, cut to 40 code points */
  for (i = -1; i < shown; i++) {
    for (k = 0; k < nc; k++) {
      int col = tables[self->kind].shown[k];
      PyObject *t, *cut;
      Py_ssize_t len;
      if (i < 0)
        t = PyUnicode_FromString(column_name(self->kind, col));
      else
        t = cell_text(PyStructSequence_GetItem(
            PyTuple_GetItem(self->items, i), col));
      if (t == NULL)
        goto done;
      cut = one_line(t);
      Py_DECREF(t);
      t = cut ? shorten(cut, 40) : NULL;
      Py_XDECREF(cut);
      if (t == NULL || PyList_Append(cells, t) < 0) {
        Py_XDECREF(t);
        goto done;
      }
      len = PyUnicode_GetLength(t);
      Py_DECREF(t);
      if (len > width[k])
        width[k] = len;
    }
  }
  if (add_line(lines, PyUnicode_FromFormat(
                          "<%s %U: %zd %s%s>", tables[self->kind].table_name,
                          self->title, n, tables[self->kind].what,
                          plural_suffix(self->kind, n))) < 0)
    goto done;
  for (i = 0; i <= shown && n > 0; i++) {
    PyObject *parts = PyList_New(0), *space = PyUnicode_FromString("  ");
    PyObject *line = NULL;
    for (k = 0; parts != NULL && space != NULL && k < nc; k++) {
      PyObject *t = PyList_GetItem(cells, i * nc + k), *pad, *cellv;
      Py_ssize_t len = PyUnicode_GetLength(t);
      PyObject *sp = PyUnicode_FromString(" ");
      int numeric = i > 0 && !PyUnicode_Check(PyStructSequence_GetItem(
                                  PyTuple_GetItem(self->items, i - 1),
                                  tables[self->kind].shown[k])) &&
                    PyStructSequence_GetItem(PyTuple_GetItem(self->items,
                                                             i - 1),
                                             tables[self->kind].shown[k]) !=
                        Py_None;
      pad = sp ? PySequence_Repeat(sp, width[k] - len) : NULL;
      Py_XDECREF(sp);
      if (pad == NULL) {
        Py_CLEAR(parts);
        break;
      }
      cellv = numeric ? PyUnicode_Concat(pad, t) : PyUnicode_Concat(t, pad);
      Py_DECREF(pad);
      if (cellv == NULL || PyList_Append(parts, cellv) < 0) {
        Py_XDECREF(cellv);
        Py_CLEAR(parts);
        break;
      }
      Py_DECREF(cellv);
    }
    if (parts != NULL && space != NULL)
      line = PyUnicode_Join(space, parts);
    Py_XDECREF(parts);
    Py_XDECREF(space);
    if (line == NULL)
      goto done;
    s = line;
    line = PyObject_CallMethod(s, "rstrip", NULL);
    Py_DECREF(s);
    if (add_line(lines, line) < 0)
      goto done;
  }
  if (n > shown &&
      add_line(lines, PyUnicode_FromFormat("... %zd more", n - shown)) < 0)
    goto done;
  res = join_lines(lines);
done:
  Py_XDECREF(cells);
  Py_XDECREF(lines);
  return res;
}

/* Rows shown by _repr_html_(). */
#define HTML_ROWS 100

PyDoc_STRVAR(Table__repr_html__doc,
"_repr_html_($self, /)\n"
"--\n"
"\n"
"An HTML table for Jupyter: a heading with the figures of `info`, then\n"
"the first rows with every column.  Every text is escaped.");

static PyObject *
Table__repr_html_(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  TableObject *self = (TableObject *)op;
  html_buf h = {NULL, 0, 0, 0};
  Py_ssize_t n = PyTuple_Size(self->items), i, pos = 0;
  int ncol = tables[self->kind].desc.n_in_sequence, k, failed = 1;
  PyObject *key, *value;
  char num[128];
  static const char td[] = "<td style=\"padding:.15em .6em;border-top:1px "
                           "solid #ddd;vertical-align:top;text-align:";

  hb_str(&h, "<div class=\"kz-table\" style=\"font-family:sans-serif\">\n"
             "<div style=\"color:#666;margin-bottom:.3em\"><b>");
  hb_str(&h, tables[self->kind].table_name);
  hb_str(&h, "</b> ");
  if (hb_obj(&h, self->title, 0) < 0)
    goto done;
  snprintf(num, sizeof num, ": %zd %s%s", n, tables[self->kind].what,
           plural_suffix(self->kind, n));
  hb_str(&h, num);
  while (PyDict_Next(self->info, &pos, &key, &value)) {
    PyObject *t;
    if (PyList_Check(value) || PyTuple_Check(value) || PyDict_Check(value))
      continue;
    t = cell_text(value);
    if (t == NULL)
      goto done;
    hb_str(&h, " &middot; ");
    if (hb_obj(&h, key, 0) < 0 || (hb_str(&h, " "), hb_obj(&h, t, 0)) < 0) {
      Py_DECREF(t);
      goto done;
    }
    Py_DECREF(t);
  }
  hb_str(&h, "</div>\n<table style=\"border-collapse:collapse\">\n"
             "<thead><tr><th>#</th>");
  for (k = 0; k < ncol; k++) {
    hb_str(&h, "<th style=\"padding:0 .6em\">");
    hb_str(&h, column_name(self->kind, k));
    hb_str(&h, "</th>");
  }
  hb_str(&h, "</tr></thead>\n<tbody>\n");
  for (i = 0; i < n && i < HTML_ROWS; i++) {
    PyObject *row = PyTuple_GetItem(self->items, i);
    snprintf(num, sizeof num, "<tr>%sright;color:#666\">%zd</td>", td, i + 1);
    hb_str(&h, num);
    for (k = 0; k < ncol; k++) {
      PyObject *v = PyStructSequence_GetItem(row, k), *t;
      hb_str(&h, td);
      hb_str(&h, PyUnicode_Check(v) || v == Py_None ? "left\">" : "right\">");
      t = v == Py_None ? Py_NewRef(Py_None) : cell_text(v);
      if (t == NULL || hb_obj(&h, t, 300) < 0) {
        Py_XDECREF(t);
        goto done;
      }
      Py_DECREF(t);
      hb_str(&h, "</td>");
    }
    hb_str(&h, "</tr>\n");
  }
  hb_str(&h, "</tbody></table>");
  if (n > HTML_ROWS) {
    snprintf(num, sizeof num,
             "<div style=\"color:#666\">... %zd more rows (to_pandas() has "
             "them all)</div>", n - HTML_ROWS);
    hb_str(&h, num);
  }
  hb_str(&h, "</div>");
  failed = 0;
done:
  return hb_finish(&h, failed);
}

PyDoc_STRVAR(Table_to_pandas_doc,
"to_pandas($self, /)\n"
"--\n"
"\n"
"The rows as a pandas.DataFrame, one column per field of the rows (see\n"
"the row type's fields), in order.  Needs pandas.");

static PyObject *
Table_to_pandas(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  TableObject *self = (TableObject *)op;
  int ncol = tables[self->kind].desc.n_in_sequence, k;
  const char *cols[16];
  PyObject *records = PySequence_List(self->items), *res;

  if (records == NULL)
    return NULL;
  for (k = 0; k < ncol && k < 16; k++)
    cols[k] = column_name(self->kind, k);
  res = make_frame("to_pandas()", records, cols, ncol, NULL);
  Py_DECREF(records);
  return res;
}

static PyObject *
Table_get_info(PyObject *op, void *closure)
{
  return PyDict_Copy(((TableObject *)op)->info);
}

static PyObject *
Table_get_columns(PyObject *op, void *closure)
{
  TableObject *self = (TableObject *)op;
  int ncol = tables[self->kind].desc.n_in_sequence, k;
  PyObject *l = PyList_New(ncol);

  for (k = 0; l != NULL && k < ncol; k++) {
    PyObject *s = PyUnicode_FromString(column_name(self->kind, k));
    if (s == NULL) {
      Py_CLEAR(l);
      break;
    }
    PyList_SetItem(l, k, s);
  }
  return l;
}

static PyMethodDef Table_methods[] = {
  {"to_pandas", Table_to_pandas, METH_NOARGS, Table_to_pandas_doc},
  {"_repr_html_", Table__repr_html_, METH_NOARGS, Table__repr_html__doc},
  {NULL, NULL, 0, NULL}};

static PyGetSetDef Table_getset[] = {
  {"info", Table_get_info, NULL,
   "The figures behind the table (dict): query, filter, sizes, measures.\n"
   "Each key is also an attribute.", NULL},
  {"columns", Table_get_columns, NULL,
   "The names of the row fields (list of str).", NULL},
  {NULL, NULL, NULL, NULL, NULL}};

static PyMemberDef Table_members[] = {
  {"title", T_OBJECT_EX, offsetof(TableObject, title), READONLY,
   "What the table is of (str)."},
  {NULL, 0, 0, 0, NULL}};

static PyType_Slot Table_slots[] = {
  {Py_tp_dealloc, Table_dealloc},
  {Py_tp_repr, Table_repr},
  {Py_tp_getattro, Table_getattro},
  {Py_tp_iter, Seq_iter},
  {Py_sq_length, Seq_length},
  {Py_sq_item, Seq_item},
  {Py_mp_length, Seq_length},
  {Py_mp_subscript, Seq_subscript},
  {Py_tp_methods, Table_methods},
  {Py_tp_getset, Table_getset},
  {Py_tp_members, Table_members},
  {Py_tp_doc, NULL}, /* filled per type */
  {0, NULL}};

/* Not GC: rows hold str, numbers, dates and dicts of those only. */
static PyType_Spec Table_specs[TB_N];

/* --- Entities into rows -------------------------------------------------- */

/* dict name -> count from get(es, i, j, &count) for j < n. */
static PyObject *
count_dict(const kz_entities *es, size_t i, size_t n,
           const char *(*get)(const kz_entities *, size_t, size_t, size_t *))
{
  PyObject *d = PyDict_New();
  size_t j;

  for (j = 0; d != NULL && j < n; j++) {
    size_t cnt = 0;
    const char *s = get(es, i, j, &cnt);
    PyObject *k = str_or_none(s ? s : ""), *v = PyLong_FromSize_t(cnt);
    if (k == NULL || v == NULL || PyDict_SetItem(d, k, v) < 0)
      Py_CLEAR(d);
    Py_XDECREF(k);
    Py_XDECREF(v);
  }
  return d;
}

static int
fill_entity(kz_state *st, void *es, size_t i, PyObject **v)
{
  (void)st;
  v[0] = str_or_none(kz_entity_name(es, i));
  v[1] = PyUnicode_FromString(kz_entity_kind_name(kz_entity_kind(es, i)));
  v[2] = PyLong_FromSize_t(kz_entity_count(es, i));
  v[3] = count_dict(es, i, kz_entity_variant_count(es, i),
                    kz_entity_variant);
  v[4] = count_dict(es, i, kz_entity_source_count(es, i), kz_entity_source);
  return 0;
}

static PyObject *
entity_rows(kz_state *st, const kz_entities *es)
{
  return build_rows(st, st->Row_types[TB_ENTITIES], 5, kz_entities_count(es),
                    0, fill_entity, (void *)es);
}

/* --- Article.quotes(), numbers(), mentions() ---------------------------- */

typedef struct {
  const kz_article *art;
  unsigned int which;   /* KZ_ANALYZE_* */
  cell_list cells;
  int rc;
  char msg[KZ_MSG_MAX];
} art_job;

static void
run_article_analysis(art_job *j)
{
  kz_analysis *r = NULL;
  const char *body = kz_article_body(j->art);
  const char *src = kz_article_source(j->art), *date = kz_article_date(j->art);
  doc_ctx d = {NULL, 0, src, src ? strlen(src) : 0, date,
               date ? strlen(date) : 0, body ? body : "",
               body ? strlen(body) : 0};
  int rc = kz_article_analyze(&r, j->art, j->which);

  if (rc != KZ_OK) {
    copy_msg(j->msg, kz_last_errmsg());
    j->rc = rc;
    return;
  }
  if (j->which == KZ_ANALYZE_QUOTES)
    cells_quotes(&j->cells, &d, kz_analysis_quotes(r));
  else if (j->which == KZ_ANALYZE_NUMBERS)
    cells_numbers(&j->cells, &d, kz_analysis_numbers(r));
  else
    cells_mentions(&j->cells, &d, kz_analysis_mentions(r));
  kz_analysis_free(r);
  j->rc = j->cells.nomem || j->cells.arena.nomem ? COLLECT_NOMEM : KZ_OK;
}

static PyObject *
article_table(PyObject *op, unsigned int which, int kind)
{
  ArticleObject *self = (ArticleObject *)op;
  kz_state *st = class_state(Py_TYPE(op));
  art_job j;
  PyObject *items, *title, *res = NULL;

  memset(&j, 0, sizeof j);
  j.art = self->art;
  j.which = which;
  if (j.art == NULL)
    return set_kz_error(st, KZ_EINVAL, "the article has no parsed form");
  Py_BEGIN_ALLOW_THREADS
  run_article_analysis(&j);
  Py_END_ALLOW_THREADS
  if (j.rc == COLLECT_NOMEM)
    PyErr_NoMemory();
  else if (j.rc != KZ_OK)
    set_kz_error(st, j.rc, j.msg);
  else {
    items = cells_to_rows(st, &j.cells, kind);
    title = self->title == Py_None ? PyUnicode_FromString("article")
                                   : shorten(self->title, 60);
    res = make_table(st, kind, items, PyDict_New(), title);
  }
  cell_list_free(&j.cells);
  return res;
}

static PyObject *
Article_quotes(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  return article_table(op, KZ_ANALYZE_QUOTES, TB_QUOTES);
}

static PyObject *
Article_numbers(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  return article_table(op, KZ_ANALYZE_NUMBERS, TB_NUMBERS);
}

static PyObject *
Article_mentions(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  return article_table(op, KZ_ANALYZE_MENTIONS, TB_MENTIONS);
}

/* --- Corpus: the stats job --------------------------------------------- */

enum { JOB_COLLOC, JOB_KEYNESS, JOB_NGRAMS, JOB_DISPERSION, JOB_DTM,
       JOB_QUOTES, JOB_NUMBERS, JOB_ENTITIES };

typedef struct {
  int what;                 /* JOB_* */
  text_arg q, f, r;         /* query (or target), filter, reference */
  int has_q, has_f, has_r;
  kz_stats_options o;
  unsigned int aflags;      /* JOB_QUOTES ...: KZ_ANALYZE_STORED_ONLY */
  /* out */
  int rc;
  int bad;                  /* KZ_EQUERY: 0 query, 1 filter, 2 reference */
  char msg[KZ_MSG_MAX];
  void *res;                /* the libkz result object */
  cell_list cells;          /* JOB_QUOTES, JOB_NUMBERS */
} stats_job;

/* Which of the job's queries does not parse (for the error's position). */
static void
find_bad_query(kz_corpus *c, stats_job *j)
{
  const text_arg *t[3] = {&j->q, &j->f, &j->r};
  int has[3] = {j->has_q, j->has_f, j->has_r}, i;

  for (i = 0; i < 3; i++) {
    kz_query *q = NULL;
    if (!has[i] || t[i]->len == 0)
      continue;
    if (kz_query_parse(&q, c, t[i]->s, t[i]->len) == KZ_EQUERY) {
      copy_msg(j->msg, kz_last_errmsg());
      j->bad = i;
      return;
    }
    kz_query_free(q);
  }
}

static int
collect_doc_analysis(const kz_doc *doc, const kz_analysis *r, void *payload)
{
  stats_job *j = payload;
  doc_ctx d;

  d.key = kz_doc_field(doc, KZ_FIELD_KEY, &d.key_len);
  d.source = kz_doc_field(doc, KZ_FIELD_SOURCE, &d.source_len);
  d.date = kz_doc_field(doc, KZ_FIELD_DATE, &d.date_len);
  d.body = kz_doc_field(doc, KZ_FIELD_BODY, &d.body_len);
  if (j->what == JOB_QUOTES)
    cells_quotes(&j->cells, &d, kz_analysis_quotes(r));
  else
    cells_numbers(&j->cells, &d, kz_analysis_numbers(r));
  return j->cells.nomem || j->cells.arena.nomem ? COLLECT_NOMEM : 0;
}

/* Run without the GIL. */
static void
run_stats(kz_corpus *c, void *job)
{
  stats_job *j = job;
  const char *q = j->has_q ? j->q.s : NULL, *r = j->has_r ? j->r.s : NULL;
  size_t ql = j->has_q ? j->q.len : 0, rl = j->has_r ? j->r.len : 0;
  int rc;

  switch (j->what) {
  case JOB_COLLOC:
    rc = kz_corpus_collocations((kz_colloc **)&j->res, c, q, ql, &j->o);
    break;
  case JOB_KEYNESS:
    rc = kz_corpus_keyness((kz_keyness **)&j->res, c, q, ql, r, rl, &j->o);
    break;
  case JOB_NGRAMS:
    rc = kz_corpus_ngrams((kz_ngrams **)&j->res, c, &j->o);
    break;
  case JOB_DISPERSION:
    rc = kz_corpus_dispersion((kz_dispersion **)&j->res, c, q, ql, &j->o);
    break;
  case JOB_DTM:
    rc = kz_corpus_dtm((kz_dtm **)&j->res, c, &j->o);
    break;
  case JOB_ENTITIES:
    rc = kz_corpus_entities((kz_entities **)&j->res, c, j->o.filter,
                            j->o.filter_len, j->aflags);
    break;
  default:
    rc = kz_corpus_analyze(c, j->o.filter, j->o.filter_len,
                           (j->what == JOB_QUOTES ? KZ_ANALYZE_QUOTES
                                                  : KZ_ANALYZE_NUMBERS) |
                               j->aflags,
                           collect_doc_analysis, j);
    break;
  }
  if (rc < 0) {
    copy_msg(j->msg, kz_last_errmsg());
    if (rc == KZ_EQUERY)
      find_bad_query(c, j);
  }
  j->rc = rc;
}

static void
stats_job_free(stats_job *j)
{
  if (j->has_q)
    text_release(&j->q);
  if (j->has_f)
    text_release(&j->f);
  if (j->has_r)
    text_release(&j->r);
  cell_list_free(&j->cells);
}

/* Take the query-like argument obj (str or bytes; None allowed unless
 * required) into *t. */
static int
job_text(text_arg *t, int *has, PyObject *obj, int required, const char *what)
{
  *has = 0;
  if (obj == NULL || obj == Py_None) {
    if (required) {
      PyErr_Format(PyExc_TypeError, "%s must be a str or bytes query", what);
      return -1;
    }
    return 0;
  }
  if (text_get(t, obj) < 0)
    return -1;
  *has = 1;
  return 0;
}

/* Run the job on the corpus; on failure raise and return -1. */
static int
corpus_stats(CorpusObject *self, stats_job *j, PyObject *qobj, PyObject *fobj,
             PyObject *robj)
{
  kz_state *st = corpus_state((PyObject *)self);

  if (j->has_f) {
    j->o.filter = j->f.s;
    j->o.filter_len = j->f.len;
  }
  if (run_read(self, run_stats, j) < 0)
    return -1;
  if (j->rc == KZ_OK)
    return 0;
  if (j->rc == KZ_EQUERY) {
    PyObject *objs[3] = {qobj, fobj, robj};
    const text_arg *ts[3] = {&j->q, &j->f, &j->r};
    query_error(st, j->rc, j->msg, objs[j->bad] ? objs[j->bad] : Py_None,
                ts[j->bad]);
  } else {
    corpus_error(st, j->rc, j->msg);
  }
  return -1;
}

/* info[key] = value (consumed). */
static int
info_put(PyObject *info, const char *key, PyObject *value)
{
  return dict_put(info, key, value);
}

static PyObject *
none_or(PyObject *obj)
{
  return Py_NewRef(obj ? obj : Py_None);
}

/* A bool-or-"edges" stopwords argument into flags. */
static int
stopword_flags(PyObject *obj, unsigned int *flags, int allow_edges)
{
  int t;

  if (obj == NULL || obj == Py_None)
    return 0;
  if (allow_edges && PyUnicode_Check(obj) &&
      PyUnicode_CompareWithASCIIString(obj, "edges") == 0) {
    *flags |= KZ_STATS_STOP_EDGES;
    return 0;
  }
  if (PyUnicode_Check(obj)) {
    PyErr_Format(PyExc_ValueError, "stopwords must be True, False%s, not %R",
                 allow_edges ? " or 'edges'" : "", obj);
    return -1;
  }
  t = PyObject_IsTrue(obj);
  if (t < 0)
    return -1;
  if (t)
    *flags |= KZ_STATS_SKIP_STOPWORDS;
  return 0;
}

/* An int argument >= lo (absent: dflt). */
static int
int_arg(PyObject *obj, const char *what, long lo, long hi, long dflt,
        long *out)
{
  long v;

  *out = dflt;
  if (obj == NULL || obj == Py_None)
    return 0;
  v = PyLong_AsLong(obj);
  if (v == -1 && PyErr_Occurred())
    return -1;
  if (v < lo || v > hi) {
    PyErr_Format(PyExc_ValueError, "%s must be an int from %ld to %ld",
                 what, lo, hi);
    return -1;
  }
  *out = v;
  return 0;
}

static void
stats_job_init(stats_job *j, int what)
{
  memset(j, 0, sizeof *j);
  j->what = what;
  kz_stats_options_init(&j->o, KZ_STATS_OPTIONS_VERSION);
}

/* The arguments collocations(), keyness() and ngrams() share. */
static int
stats_args(stats_job *j, PyObject *min_freq, long min_dflt,
           PyObject *stopwords, int allow_edges, int numbers,
           PyObject *limit)
{
  long mf;

  if (int_arg(min_freq, "min_freq", 0, LONG_MAX, min_dflt, &mf) < 0 ||
      stopword_flags(stopwords, &j->o.flags, allow_edges) < 0 ||
      parse_limit(limit, "limit", &j->o.limit) < 0)
    return -1;
  j->o.min_freq = (uint64_t)mf;
  if (!numbers)
    j->o.flags |= KZ_STATS_SKIP_NUMBERS;
  return 0;
}

/* The info dict of the key, value pairs that follow, up to a NULL key.
 * Each value is a new reference, consumed; a NULL one (a failed
 * conversion, with the Python error set) makes the result NULL. */
static PyObject *
info_new(const char *key, ...)
{
  PyObject *info = PyDict_New();
  va_list ap;

  va_start(ap, key);
  for (; key != NULL; key = va_arg(ap, const char *)) {
    PyObject *value = va_arg(ap, PyObject *);
    if (info == NULL)
      Py_XDECREF(value);
    else if (info_put(info, key, value) < 0)
      Py_CLEAR(info);
  }
  va_end(ap);
  return info;
}

static PyObject *
u64(uint64_t v)
{
  return PyLong_FromUnsignedLongLong(v);
}

/* Row fields and getters of the libkz statistics. */
static const row_field colloc_fields[] = {
  RF_TXT(RF_STR, kz_colloc_row, term, term_len),
  RF_VAL(RF_U64, kz_colloc_row, observed),
  RF_VAL(RF_DOUBLE, kz_colloc_row, expected),
  RF_VAL(RF_DOUBLE, kz_colloc_row, mi),
  RF_VAL(RF_DOUBLE, kz_colloc_row, t_score),
  RF_VAL(RF_DOUBLE, kz_colloc_row, g2),
  RF_VAL(RF_DOUBLE, kz_colloc_row, log_dice),
  RF_VAL(RF_U64, kz_colloc_row, freq),
  RF_VAL(RF_U64, kz_colloc_row, left),
  RF_VAL(RF_U64, kz_colloc_row, right),
  RF_VAL(RF_U64, kz_colloc_row, docs)};

static const row_field keyword_fields[] = {
  RF_TXT(RF_STR, kz_keyword_row, term, term_len),
  RF_VAL(RF_U64, kz_keyword_row, freq_target),
  RF_VAL(RF_U64, kz_keyword_row, freq_reference),
  RF_VAL(RF_DOUBLE, kz_keyword_row, g2),
  RF_VAL(RF_DOUBLE, kz_keyword_row, p),
  RF_VAL(RF_DOUBLE, kz_keyword_row, log_ratio),
  RF_VAL(RF_DOUBLE, kz_keyword_row, pct_diff),
  RF_VAL(RF_DOUBLE, kz_keyword_row, expected),
  RF_VAL(RF_U64, kz_keyword_row, docs_target),
  RF_VAL(RF_U64, kz_keyword_row, docs_reference)};

static const row_field ngram_fields[] = {
  RF_TXT(RF_STR, kz_ngram_row, text, text_len),
  RF_VAL(RF_U64, kz_ngram_row, freq),
  RF_VAL(RF_U64, kz_ngram_row, docs)};

static const row_field dispersion_doc_fields[] = {
  RF_TXT(RF_KEY, kz_dispersion_doc, key, key_len),
  RF_TXT(RF_DATE, kz_dispersion_doc, date, date_len),
  RF_TXT(RF_STR | RF_OPT, kz_dispersion_doc, source, source_len),
  RF_VAL(RF_U64, kz_dispersion_doc, tokens),
  RF_VAL(RF_U64, kz_dispersion_doc, hits)};

/* libkz's row getters with the type result_rows() takes. */
#define ROW_GETTER(name, fn)                                                \
  static int name(const void *res, size_t i, void *row)                     \
  {                                                                         \
    return fn(res, i, row);                                                 \
  }
ROW_GETTER(colloc_get, kz_colloc_row_get)
ROW_GETTER(keyness_get, kz_keyness_row_get)
ROW_GETTER(ngrams_get, kz_ngrams_row_get)
ROW_GETTER(dispersion_doc_get, kz_dispersion_doc_get)

/* --- collocations() ----------------------------------------------------- */

static const char *const measure_names[] = {"logdice", "mi", "t", "g2",
                                            "freq", "log_dice", "tscore",
                                            "t_score", "ll", "frequency",
                                            NULL};
static const int measure_values[] = {
  KZ_MEASURE_LOGDICE, KZ_MEASURE_MI, KZ_MEASURE_TSCORE, KZ_MEASURE_G2,
  KZ_MEASURE_FREQ, KZ_MEASURE_LOGDICE, KZ_MEASURE_TSCORE, KZ_MEASURE_TSCORE,
  KZ_MEASURE_G2, KZ_MEASURE_FREQ};

PyDoc_STRVAR(Corpus_collocations_doc,
"collocations($self, query, window=5, measure='logdice', min_freq=3, *,\n"
"             filter=None, stopwords=False, numbers=True, limit=None)\n"
"--\n"
"\n"
"Collocates of the node `query` (a word, \"a phrase\", prefix*, an OR of\n"
"spellings: any query) within `window` tokens on each side, or\n"
"window=(left, right), in the same field; in the documents matching\n"
"`filter` (e.g. 'source:\"RT DE\"' or 'date:2022-01-01..2022-01-31').\n"
"\n"
"Returns kz.Collocations: rows kz.Collocate (term, observed, expected, mi,\n"
"t_score, g2, log_dice, freq, left, right, docs) with observed >=\n"
"min_freq, sorted by `measure` ('logdice', 'mi', 't', 'g2' -- attraction\n"
"first -- or 'freq'), best first; info: query, filter, window, measure,\n"
"node_freq, node_docs, window_tokens (R), corpus_tokens (N).\n"
"E = R C / N; G2 is NLTK's BigramAssocMeasures.likelihood_ratio(O,\n"
"(R, C), N).  stopwords=True leaves stopwords out as collocates,\n"
"numbers=False numbers.  The GIL is released.");

static PyObject *
Corpus_collocations(PyObject *op, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"query", "window", "measure", "min_freq", "filter",
                           "stopwords", "numbers", "limit", NULL};
  CorpusObject *self = (CorpusObject *)op;
  kz_state *st = corpus_state(op);
  PyObject *qobj, *window = NULL, *measure = NULL, *min_freq = NULL;
  PyObject *filter = Py_None, *stopwords = NULL, *limit = NULL, *info;
  PyObject *items, *res = NULL;
  int numbers = 1;
  stats_job j;
  kz_colloc *r;
  kz_colloc_row row;

  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|OOO$OOpO:collocations",
                                   kwlist, &qobj, &window, &measure,
                                   &min_freq, &filter, &stopwords, &numbers,
                                   &limit))
    return NULL;
  stats_job_init(&j, JOB_COLLOC);
  if (window == NULL || window == Py_None) {
    j.o.left = j.o.right = 5;
  } else if (PyTuple_Check(window) && PyTuple_Size(window) == 2) {
    long l, r2;
    if (int_arg(PyTuple_GetItem(window, 0), "window[0]", 0, 1000, 5, &l) < 0 ||
        int_arg(PyTuple_GetItem(window, 1), "window[1]", 0, 1000, 5, &r2) < 0)
      return NULL;
    if (l == 0 && r2 == 0) {
      PyErr_SetString(PyExc_ValueError, "window (0, 0) holds no token");
      return NULL;
    }
    j.o.left = (unsigned int)l;
    j.o.right = (unsigned int)r2;
  } else {
    long w;
    if (int_arg(window, "window", 1, 1000, 5, &w) < 0)
      return NULL;
    j.o.left = j.o.right = (unsigned int)w;
  }
  if (parse_choice(measure, "measure", measure_names, measure_values,
                   KZ_MEASURE_LOGDICE, &j.o.measure) < 0 ||
      stats_args(&j, min_freq, 3, stopwords, 0, numbers, limit) < 0)
    return NULL;
  if (job_text(&j.q, &j.has_q, qobj, 1, "query") < 0 ||
      job_text(&j.f, &j.has_f, filter, 0, "filter") < 0)
    goto done;
  if (corpus_stats(self, &j, qobj, filter, NULL) < 0)
    goto done;
  r = j.res;
  items = result_rows(st, st->Row_types[TB_COLLOC], FIELDS(colloc_fields),
                      colloc_get, r, &row, kz_colloc_count(r));
  info = info_new(
      "query", Py_NewRef(qobj), "filter", none_or(filter),
      "window", Py_BuildValue("(II)", j.o.left, j.o.right),
      "measure", PyUnicode_FromString(kz_measure_name(j.o.measure)),
      "node_freq", u64(kz_colloc_node_freq(r)),
      "node_docs", u64(kz_colloc_node_docs(r)),
      "window_tokens", u64(kz_colloc_window_tokens(r)),
      "corpus_tokens", u64(kz_colloc_corpus_tokens(r)), NULL);
  res = make_table(st, TB_COLLOC, items, info,
                   PyUnicode_FromFormat("%R window %u/%u by %s", qobj,
                                        j.o.left, j.o.right,
                                        kz_measure_name(j.o.measure)));
  kz_colloc_free(r);
done:
  stats_job_free(&j);
  return res;
}

/* --- keyness() -------------------------------------------------------------- */

PyDoc_STRVAR(Corpus_keyness_doc,
"keyness($self, target, reference=None, *, min_freq=1, stopwords=False,\n"
"        numbers=True, limit=None)\n"
"--\n"
"\n"
"Which words the documents matching the query `target` (e.g.\n"
"'source:\"RT DE\"') over- and under-use against those matching\n"
"`reference` (None: every other document).\n"
"\n"
"Returns kz.Keyness: rows kz.Keyword (term, freq_target, freq_reference,\n"
"g2, p, log_ratio, pct_diff, expected, docs_target, docs_reference), most\n"
"overused first (signed G2), for words whose frequency in both together\n"
"is at least min_freq; info: target, reference, target_tokens,\n"
"reference_tokens, target_docs, reference_docs.  G2 is Dunning's\n"
"log-likelihood over the 2x2 table, log ratio Hardie's (a zero counts as\n"
"0.5), %DIFF Gabrielatos & Marchi's.  The GIL is released.");

static PyObject *
Corpus_keyness(PyObject *op, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"target", "reference", "min_freq", "stopwords",
                           "numbers", "limit", NULL};
  CorpusObject *self = (CorpusObject *)op;
  kz_state *st = corpus_state(op);
  PyObject *tobj, *robj = Py_None, *min_freq = NULL, *stopwords = NULL;
  PyObject *limit = NULL, *items, *info, *res = NULL;
  int numbers = 1;
  stats_job j;
  kz_keyness *k;
  kz_keyword_row row;

  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O$OOpO:keyness", kwlist,
                                   &tobj, &robj, &min_freq, &stopwords,
                                   &numbers, &limit))
    return NULL;
  stats_job_init(&j, JOB_KEYNESS);
  if (stats_args(&j, min_freq, 1, stopwords, 0, numbers, limit) < 0)
    return NULL;
  if (job_text(&j.q, &j.has_q, tobj, 1, "target") < 0 ||
      job_text(&j.r, &j.has_r, robj, 0, "reference") < 0)
    goto done;
  if (corpus_stats(self, &j, tobj, NULL, robj) < 0)
    goto done;
  k = j.res;
  items = result_rows(st, st->Row_types[TB_KEYNESS], FIELDS(keyword_fields),
                      keyness_get, k, &row, kz_keyness_count(k));
  info = info_new(
      "target", Py_NewRef(tobj), "reference", Py_NewRef(robj),
      "target_tokens", u64(kz_keyness_target_tokens(k)),
      "reference_tokens", u64(kz_keyness_reference_tokens(k)),
      "target_docs", u64(kz_keyness_target_docs(k)),
      "reference_docs", u64(kz_keyness_reference_docs(k)), NULL);
  if (robj == Py_None)
    res = make_table(st, TB_KEYNESS, items, info,
                     PyUnicode_FromFormat("%R against the rest", tobj));
  else
    res = make_table(st, TB_KEYNESS, items, info,
                     PyUnicode_FromFormat("%R against %R", tobj, robj));
  kz_keyness_free(k);
done:
  stats_job_free(&j);
  return res;
}

/* --- ngrams() ----------------------------------------------------------------- */

PyDoc_STRVAR(Corpus_ngrams_doc,
"ngrams($self, n=2, filter=None, *, min_freq=1, stopwords=False,\n"
"       numbers=True, punct=False, limit=None)\n"
"--\n"
"\n"
"N-gram frequencies (n = 1 to 5) over the documents matching `filter`:\n"
"kz.Ngrams of kz.Ngram (ngram, freq, docs), most frequent first, with\n"
"freq >= min_freq.  N-grams stay inside one field and, unless punct=True,\n"
"do not span punctuation.  stopwords=True drops n-grams holding a\n"
"stopword, stopwords='edges' those that begin or end with one (keeping\n"
"'state of emergency').  info: n, filter, total (n-grams counted).");

static PyObject *
Corpus_ngrams(PyObject *op, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"n", "filter", "min_freq", "stopwords", "numbers",
                           "punct", "limit", NULL};
  CorpusObject *self = (CorpusObject *)op;
  kz_state *st = corpus_state(op);
  PyObject *nobj = NULL, *filter = Py_None, *min_freq = NULL;
  PyObject *stopwords = NULL, *limit = NULL, *items, *info;
  PyObject *res = NULL;
  int numbers = 1, punct = 0;
  long n;
  stats_job j;
  kz_ngrams *g;
  kz_ngram_row row;

  if (!PyArg_ParseTupleAndKeywords(args, kwds, "|OO$OOppO:ngrams", kwlist,
                                   &nobj, &filter, &min_freq, &stopwords,
                                   &numbers, &punct, &limit))
    return NULL;
  stats_job_init(&j, JOB_NGRAMS);
  if (int_arg(nobj, "n", 1, 5, 2, &n) < 0 ||
      stats_args(&j, min_freq, 1, stopwords, 1, numbers, limit) < 0)
    return NULL;
  j.o.n = (unsigned int)n;
  if (punct)
    j.o.flags |= KZ_STATS_ACROSS_PUNCT;
  if (job_text(&j.f, &j.has_f, filter, 0, "filter") < 0)
    goto done;
  if (corpus_stats(self, &j, NULL, filter, NULL) < 0)
    goto done;
  g = j.res;
  items = result_rows(st, st->Row_types[TB_NGRAMS], FIELDS(ngram_fields),
                      ngrams_get, g, &row, kz_ngrams_count(g));
  info = info_new("n", PyLong_FromLong(n), "filter", none_or(filter),
                  "total", u64(kz_ngrams_total(g)), NULL);
  res = make_table(st, TB_NGRAMS, items, info,
                   filter == Py_None
                       ? PyUnicode_FromFormat("%ld-grams", n)
                       : PyUnicode_FromFormat("%ld-grams of %R", n, filter));
  kz_ngrams_free(g);
done:
  stats_job_free(&j);
  return res;
}

/* --- dispersion() ------------------------------------------------------------- */

PyDoc_STRVAR(Corpus_dispersion_doc,
"dispersion($self, query, filter=None)\n"
"--\n"
"\n"
"Where the matches of `query` fall in the documents matching `filter`.\n"
"Returns kz.Dispersion: one kz.DispersionHit per match (doc, date, source,\n"
"field, position, field_tokens, relative, start, end) for a dispersion\n"
"plot; info: documents (list of kz.DispersionDoc: doc, date, source,\n"
"tokens, hits), docs and tokens of the filter, hits, range (documents\n"
"with a match), per_million, dp (Gries's DP: 0 even, 1 clumped),\n"
"juilland_d (1 even).  For counts over time use\n"
"count(query, by='month').");

/* The hits share the doc, date and source objects of their document's row
 * (docs, the list of kz.DispersionDoc). */
typedef struct {
  kz_dispersion *d;
  PyObject *docs;
} hit_rows;

static int
fill_dispersion_hit(kz_state *st, void *ctx, size_t i, PyObject **v)
{
  const hit_rows *c = ctx;
  kz_dispersion_hit h;
  PyObject *doc;
  int k;

  kz_dispersion_hit_get(c->d, i, &h);
  if (h.doc >= (size_t)PyList_Size(c->docs)) {
    set_kz_error(st, KZ_ERROR, "libkz gave a hit of an unknown document");
    return -1;
  }
  doc = PyList_GetItem(c->docs, (Py_ssize_t)h.doc);
  for (k = 0; k < 3; k++)
    v[k] = Py_NewRef(PyStructSequence_GetItem(doc, k));
  v[3] = field_name_str(h.field);
  v[4] = PyLong_FromUnsignedLong(h.position);
  v[5] = PyLong_FromUnsignedLong(h.field_tokens);
  v[6] = PyFloat_FromDouble(h.field_tokens ? (double)h.position /
                                                 (double)h.field_tokens
                                           : 0.0);
  v[7] = PyLong_FromSize_t(h.start);
  v[8] = PyLong_FromSize_t(h.end);
  return 0;
}

/* A float, or None for NaN. */
static PyObject *
float_or_none(double v)
{
  return v == v ? PyFloat_FromDouble(v) : Py_NewRef(Py_None);
}

static PyObject *
Corpus_dispersion(PyObject *op, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"query", "filter", NULL};
  CorpusObject *self = (CorpusObject *)op;
  kz_state *st = corpus_state(op);
  PyObject *qobj, *filter = Py_None, *items = NULL, *docs, *info;
  PyObject *res = NULL;
  stats_job j;
  kz_dispersion_summary s;
  kz_dispersion_doc row;
  record_rows dr = {FIELDS(dispersion_doc_fields), dispersion_doc_get, NULL,
                    &row, 0, NULL};
  hit_rows hits;

  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|O:dispersion", kwlist,
                                   &qobj, &filter))
    return NULL;
  stats_job_init(&j, JOB_DISPERSION);
  if (job_text(&j.q, &j.has_q, qobj, 1, "query") < 0 ||
      job_text(&j.f, &j.has_f, filter, 0, "filter") < 0)
    goto done;
  if (corpus_stats(self, &j, qobj, filter, NULL) < 0)
    goto done;
  hits.d = j.res;
  kz_dispersion_summary_get(hits.d, &s);
  dr.res = hits.d;
  docs = build_rows(st, st->DispersionDoc_type, dr.width,
                    kz_dispersion_doc_count(hits.d), 1, fill_record, &dr);
  hits.docs = docs;
  if (docs != NULL)
    items = build_rows(st, st->Row_types[TB_DISPERSION], 9,
                       kz_dispersion_hit_count(hits.d), 0,
                       fill_dispersion_hit, &hits);
  if (items != NULL) {
    info = info_new(
        "query", Py_NewRef(qobj), "filter", none_or(filter),
        "docs", u64(s.docs), "tokens", u64(s.tokens), "hits", u64(s.hits),
        "range", u64(s.range),
        "per_million", PyFloat_FromDouble(s.per_million),
        "dp", float_or_none(s.dp), "juilland_d", float_or_none(s.juilland_d),
        "documents", Py_NewRef(docs), NULL);
    res = make_table(st, TB_DISPERSION, items, info,
                     PyUnicode_FromFormat("%R", qobj));
  }
  Py_XDECREF(docs);
  kz_dispersion_free(hits.d);
done:
  stats_job_free(&j);
  return res;
}

/* --- quotes(), numbers(), entities() ------------------------------------- */

static PyObject *
corpus_extract(PyObject *op, PyObject *args, PyObject *kwds, int what,
               const char *fname)
{
  static char *kwlist[] = {"filter", "stored_only", NULL};
  CorpusObject *self = (CorpusObject *)op;
  kz_state *st = corpus_state(op);
  PyObject *filter = Py_None, *res = NULL, *items, *info;
  int stored = 0, kind;
  char fmt[32];
  stats_job j;

  snprintf(fmt, sizeof fmt, "|O$p:%s", fname);
  if (!PyArg_ParseTupleAndKeywords(args, kwds, fmt, kwlist, &filter, &stored))
    return NULL;
  stats_job_init(&j, what);
  j.aflags = stored ? KZ_ANALYZE_STORED_ONLY : 0;
  if (job_text(&j.f, &j.has_f, filter, 0, "filter") < 0)
    goto done;
  if (corpus_stats(self, &j, NULL, filter, NULL) < 0)
    goto done;
  if (what == JOB_ENTITIES) {
    kind = TB_ENTITIES;
    items = entity_rows(st, j.res);
    kz_entities_free(j.res);
  } else {
    kind = what == JOB_QUOTES ? TB_QUOTES : TB_NUMBERS;
    items = cells_to_rows(st, &j.cells, kind);
  }
  info = PyDict_New();
  if (info != NULL && info_put(info, "filter", none_or(filter)) < 0)
    Py_CLEAR(info);
  res = make_table(st, kind, items, info,
                   filter == Py_None ? PyUnicode_FromString("corpus")
                                     : PyUnicode_FromFormat("%R", filter));
done:
  stats_job_free(&j);
  return res;
}

PyDoc_STRVAR(Corpus_quotes_doc,
"quotes($self, filter=None, *, stored_only=False)\n"
"--\n"
"\n"
"The quotations of the documents matching `filter`: kz.Quotes of kz.Quote\n"
"(doc, source, date, speaker, role, verb, kind, text, start, end), start\n"
"and end being code point offsets into the stored body.  A document added\n"
"from a file that still parses to the stored body is re-read, so its\n"
"interview headings count; stored_only=True always uses the stored text.");

static PyObject *
Corpus_quotes(PyObject *op, PyObject *args, PyObject *kwds)
{
  return corpus_extract(op, args, kwds, JOB_QUOTES, "quotes");
}

PyDoc_STRVAR(Corpus_numbers_doc,
"numbers($self, filter=None, *, stored_only=False)\n"
"--\n"
"\n"
"The numeric claims of the documents matching `filter`: kz.Numbers of\n"
"kz.Number (doc, source, date, value, low, high, qualifier, unit,\n"
"counted, exact, start, end) -- a claims table per document, so\n"
"to_pandas() can put the outlets' figures side by side.");

static PyObject *
Corpus_numbers(PyObject *op, PyObject *args, PyObject *kwds)
{
  return corpus_extract(op, args, kwds, JOB_NUMBERS, "numbers");
}

PyDoc_STRVAR(Corpus_entities_doc,
"entities($self, filter=None, *, stored_only=False)\n"
"--\n"
"\n"
"People, organizations and places of the documents matching `filter`,\n"
"their spellings clustered into entities (surnames, acronyms,\n"
"transliterations): kz.Entities of kz.Entity (name, kind, count,\n"
"variants, by_source), most mentioned first.");

static PyObject *
Corpus_entities(PyObject *op, PyObject *args, PyObject *kwds)
{
  return corpus_extract(op, args, kwds, JOB_ENTITIES, "entities");
}

/* --- The document-term matrix ------------------------------------------- */

/*
 * kz.DocumentTermMatrix owns the kz_dtm.  Its three arrays are exported
 * through kz._Array objects (buffer protocol; each keeps the matrix alive),
 * so memoryview(), numpy.frombuffer() and scipy.sparse.csr_matrix() use
 * libkz's memory without a copy (SciPy copies indptr only, to make both
 * index arrays int32).  The buffers are writable: nothing else reads them.
 */
typedef struct {
  PyObject_HEAD
  kz_dtm *m;
  PyObject *vocabulary; /* list of str */
  PyObject *keys;       /* list of str */
  PyObject *matrix;     /* csr_matrix, or the tuple (data, indices, indptr) */
  PyObject *arrays;     /* tuple of three kz._Array: data, indices, indptr */
  PyObject *info;       /* dict */
} DTMObject;

typedef struct {
  PyObject_HEAD
  PyObject *owner;      /* the DTMObject */
  void *buf;
  Py_ssize_t len;       /* items */
  Py_ssize_t itemsize;
  const char *format;
  Py_ssize_t shape[1];
  Py_ssize_t strides[1];
  Py_ssize_t exports;
} ArrayObject;

static int
Array_getbuffer(PyObject *op, Py_buffer *view, int flags)
{
  ArrayObject *self = (ArrayObject *)op;

  view->obj = Py_NewRef(op);
  view->buf = self->buf;
  view->len = self->len * self->itemsize;
  view->readonly = 0;
  view->itemsize = self->itemsize;
  view->format = (flags & PyBUF_FORMAT) ? (char *)self->format : NULL;
  view->ndim = 1;
  view->shape = (flags & PyBUF_ND) ? self->shape : NULL;
  view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? self->strides
                                                            : NULL;
  view->suboffsets = NULL;
  view->internal = NULL;
  self->exports++;
  return 0;
}

static void
Array_releasebuffer(PyObject *op, Py_buffer *view)
{
  (void)view;
  ((ArrayObject *)op)->exports--;
}

static int
Array_traverse(PyObject *op, visitproc visit, void *arg)
{
  Py_VISIT(((ArrayObject *)op)->owner);
  Py_VISIT(Py_TYPE(op));
  return 0;
}

static void
Array_dealloc(PyObject *op)
{
  PyObject_GC_UnTrack(op);
  Py_CLEAR(((ArrayObject *)op)->owner);
  free_instance(op);
}

static PyObject *
Array_repr(PyObject *op)
{
  ArrayObject *self = (ArrayObject *)op;
  return PyUnicode_FromFormat("<kz._Array format=%s len=%zd>", self->format,
                              self->len);
}

static Py_ssize_t
Array_length(PyObject *op)
{
  return ((ArrayObject *)op)->len;
}

static PyType_Slot Array_slots[] = {
  {Py_tp_doc, (void *)"A one-dimensional array of libkz memory (buffer "
                      "protocol):\nuse memoryview() or numpy.frombuffer() "
                      "on it."},
  {Py_bf_getbuffer, Array_getbuffer},
  {Py_bf_releasebuffer, Array_releasebuffer},
  {Py_tp_traverse, Array_traverse},
  {Py_tp_dealloc, Array_dealloc},
  {Py_tp_repr, Array_repr},
  {Py_sq_length, Array_length},
  {0, NULL}};

static PyType_Spec Array_spec = {
  .name = "kz._Array",
  .basicsize = sizeof(ArrayObject),
  .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION |
           Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_HAVE_GC,
  .slots = Array_slots,
};

static PyObject *
make_array(kz_state *st, PyObject *owner, const void *buf, size_t len,
           size_t itemsize, const char *format)
{
  PyTypeObject *tp = (PyTypeObject *)st->Array_type;
  allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
  ArrayObject *a = (ArrayObject *)alloc(tp, 0);

  if (a == NULL)
    return NULL;
  a->owner = Py_NewRef(owner);
  a->buf = (void *)buf;
  a->len = (Py_ssize_t)len;
  a->itemsize = (Py_ssize_t)itemsize;
  a->format = format;
  a->shape[0] = (Py_ssize_t)len;
  a->strides[0] = (Py_ssize_t)itemsize;
  return (PyObject *)a;
}

static int
DTM_traverse(PyObject *op, visitproc visit, void *arg)
{
  DTMObject *self = (DTMObject *)op;
  Py_VISIT(self->vocabulary);
  Py_VISIT(self->keys);
  Py_VISIT(self->matrix);
  Py_VISIT(self->arrays);
  Py_VISIT(self->info);
  Py_VISIT(Py_TYPE(op));
  return 0;
}

static int
DTM_clear(PyObject *op)
{
  DTMObject *self = (DTMObject *)op;
  Py_CLEAR(self->vocabulary);
  Py_CLEAR(self->keys);
  Py_CLEAR(self->matrix);
  Py_CLEAR(self->arrays);
  Py_CLEAR(self->info);
  return 0;
}

static void
DTM_dealloc(PyObject *op)
{
  DTMObject *self = (DTMObject *)op;

  PyObject_GC_UnTrack(op);
  DTM_clear(op);
  /* The arrays (and so every buffer export) hold a reference to self:
   * once self goes, nobody can read the matrix any more. */
  kz_dtm_free(self->m);
  self->m = NULL;
  free_instance(op);
}

static PyObject *
DTM_repr(PyObject *op)
{
  DTMObject *self = (DTMObject *)op;
  return PyUnicode_FromFormat(
      "<kz.DocumentTermMatrix %zu documents x %zu terms, %zu nonzero, %S%s>",
      kz_dtm_rows(self->m), kz_dtm_cols(self->m), kz_dtm_nnz(self->m),
      PyDict_GetItemString(self->info, "weighting"),
      PyTuple_Check(self->matrix) ? " (no SciPy: .matrix is plain arrays)"
                                  : "");
}

PyDoc_STRVAR(DTM_to_pandas_doc,
"to_pandas($self, /)\n"
"--\n"
"\n"
"The matrix as a pandas.DataFrame with sparse columns (index: the keys,\n"
"columns: the vocabulary).  Needs pandas and SciPy.");

static PyObject *
DTM_to_pandas(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  DTMObject *self = (DTMObject *)op;
  PyObject *pd, *df, *sparse, *res = NULL;

  if (PyTuple_Check(self->matrix)) {
    PyErr_SetString(PyExc_ImportError,
                    "DocumentTermMatrix.to_pandas() needs SciPy (Debian: apt "
                    "install python3-scipy)");
    return NULL;
  }
  pd = import_pandas("DocumentTermMatrix.to_pandas()");
  if (pd == NULL)
    return NULL;
  df = PyObject_GetAttrString(pd, "DataFrame");
  sparse = df ? PyObject_GetAttrString(df, "sparse") : NULL;
  if (sparse != NULL)
    res = PyObject_CallMethod(sparse, "from_spmatrix", "OOO", self->matrix,
                              self->keys, self->vocabulary);
  Py_XDECREF(sparse);
  Py_XDECREF(df);
  Py_DECREF(pd);
  return res;
}

PyDoc_STRVAR(DTM__repr_html__doc,
"_repr_html_($self, /)\n"
"--\n"
"\n"
"An HTML summary for Jupyter: shape, weighting, density and the terms\n"
"that occur in the most documents.");

static PyObject *
DTM__repr_html_(PyObject *op, PyObject *Py_UNUSED(ignored))
{
  DTMObject *self = (DTMObject *)op;
  html_buf h = {NULL, 0, 0, 0};
  size_t cols = kz_dtm_cols(self->m), rows = kz_dtm_rows(self->m), i, k;
  size_t top[20], ntop = 0;
  char num[256];
  PyObject *w = PyDict_GetItemString(self->info, "weighting");

  /* the 20 terms with the highest document frequency */
  for (i = 0; i < cols; i++) {
    uint64_t df = kz_dtm_df(self->m, i);
    if (ntop < 20)
      top[ntop++] = i;
    else if (df <= kz_dtm_df(self->m, top[ntop - 1]))
      continue;
    else
      top[ntop - 1] = i;
    for (k = ntop - 1; k > 0 && kz_dtm_df(self->m, top[k]) >
                                    kz_dtm_df(self->m, top[k - 1]); k--) {
      size_t t = top[k];
      top[k] = top[k - 1];
      top[k - 1] = t;
    }
  }
  hb_str(&h, "<div class=\"kz-dtm\" style=\"font-family:sans-serif\"><b>"
             "kz.DocumentTermMatrix</b> ");
  snprintf(num, sizeof num,
           "%zu documents &times; %zu terms, %zu nonzero (density %.3g%%), ",
           rows, cols, kz_dtm_nnz(self->m),
           rows && cols ? 100.0 * (double)kz_dtm_nnz(self->m) /
                              ((double)rows * (double)cols)
                        : 0.0);
  hb_str(&h, num);
  if (w == NULL || hb_obj(&h, w, 0) < 0) {
    free(h.p);
    return NULL;
  }
  hb_str(&h, "<br><span style=\"color:#666\">most widespread terms (documents):"
             "</span> ");
  for (i = 0; i < ntop; i++) {
    size_t len;
    const char *t = kz_dtm_term(self->m, top[i], &len);
    if (i)
      hb_str(&h, ", ");
    hb_esc(&h, t ? t : "", t ? len : 0, 40);
    snprintf(num, sizeof num, " (%llu)",
             (unsigned long long)kz_dtm_df(self->m, top[i]));
    hb_str(&h, num);
  }
  hb_str(&h, "</div>");
  return hb_finish(&h, 0);
}

static PyMethodDef DTM_methods[] = {
  {"to_pandas", DTM_to_pandas, METH_NOARGS, DTM_to_pandas_doc},
  {"_repr_html_", DTM__repr_html_, METH_NOARGS, DTM__repr_html__doc},
  {NULL, NULL, 0, NULL}};

static PyObject *
DTM_get_array(PyObject *op, void *closure)
{
  DTMObject *self = (DTMObject *)op;
  PyObject *a = PyTuple_GetItem(self->arrays, (Py_ssize_t)(uintptr_t)closure);
  return a ? PyMemoryView_FromObject(a) : NULL;
}

static PyObject *
DTM_get_shape(PyObject *op, void *closure)
{
  DTMObject *self = (DTMObject *)op;
  return Py_BuildValue("(nn)", (Py_ssize_t)kz_dtm_rows(self->m),
                       (Py_ssize_t)kz_dtm_cols(self->m));
}

static PyObject *
DTM_get_df(PyObject *op, void *closure)
{
  DTMObject *self = (DTMObject *)op;
  size_t i, n = kz_dtm_cols(self->m);
  PyObject *l = PyList_New((Py_ssize_t)n);

  for (i = 0; l != NULL && i < n; i++) {
    PyObject *v = PyLong_FromUnsignedLongLong(kz_dtm_df(self->m, i));
    if (v == NULL) {
      Py_CLEAR(l);
      break;
    }
    PyList_SetItem(l, (Py_ssize_t)i, v);
  }
  return l;
}

static PyGetSetDef DTM_getset[] = {
  {"data", DTM_get_array, NULL,
   "The nonzero values (memoryview of float64, libkz's memory).",
   (void *)(uintptr_t)0},
  {"indices", DTM_get_array, NULL,
   "The column of each value (memoryview of int32).", (void *)(uintptr_t)1},
  {"indptr", DTM_get_array, NULL,
   "Row i's values are data[indptr[i]:indptr[i+1]] (memoryview of int64).",
   (void *)(uintptr_t)2},
  {"shape", DTM_get_shape, NULL, "(documents, terms)", NULL},
  {"df", DTM_get_df, NULL, "Document frequency of each term (list of int).",
   NULL},
  {NULL, NULL, NULL, NULL, NULL}};

static PyMemberDef DTM_members[] = {
  {"matrix", T_OBJECT_EX, offsetof(DTMObject, matrix), READONLY,
   "A scipy.sparse.csr_matrix when SciPy is importable, else the tuple\n"
   "(data, indices, indptr) of memoryviews."},
  {"vocabulary", T_OBJECT_EX, offsetof(DTMObject, vocabulary), READONLY,
   "The terms, one per column, in byte order (list of str)."},
  {"keys", T_OBJECT_EX, offsetof(DTMObject, keys), READONLY,
   "The document keys, one per row (list of str)."},
  {"info", T_OBJECT_EX, offsetof(DTMObject, info), READONLY,
   "The options it was made with (dict)."},
  {NULL, 0, 0, 0, NULL}};

static PyType_Slot DTM_slots[] = {
  {Py_tp_doc, (void *)"A document-term matrix, from Corpus.dtm(): .matrix "
                      "(a\nscipy.sparse.csr_matrix, or plain arrays without "
                      "SciPy),\n.vocabulary, .keys, .data/.indices/.indptr "
                      "(memoryviews of\nlibkz's arrays), .shape, .df, "
                      "to_pandas()."},
  {Py_tp_dealloc, DTM_dealloc},
  {Py_tp_traverse, DTM_traverse},
  {Py_tp_clear, DTM_clear},
  {Py_tp_repr, DTM_repr},
  {Py_tp_methods, DTM_methods},
  {Py_tp_getset, DTM_getset},
  {Py_tp_members, DTM_members},
  {0, NULL}};

static PyType_Spec DTM_spec = {
  .name = "kz.DocumentTermMatrix",
  .basicsize = sizeof(DTMObject),
  .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION |
           Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_HAVE_GC,
  .slots = DTM_slots,
};

/* .matrix: scipy.sparse.csr_matrix over numpy views of the arrays, or the
 * tuple of memoryviews when SciPy (or NumPy) is missing. */
static PyObject *
dtm_matrix(DTMObject *self)
{
  PyObject *np = PyImport_ImportModule("numpy"), *sp = NULL, *res = NULL;
  PyObject *views[3] = {NULL, NULL, NULL};
  static const char *const dtypes[3] = {"float64", "int32", "int64"};
  int i;

  if (np != NULL)
    sp = PyImport_ImportModule("scipy.sparse");
  if (np == NULL || sp == NULL) {
    if (!PyErr_ExceptionMatches(PyExc_ImportError)) {
      Py_XDECREF(np);
      return NULL;
    }
    PyErr_Clear();
    Py_XDECREF(np);
    for (i = 0; i < 3; i++) {
      views[i] = PyMemoryView_FromObject(PyTuple_GetItem(self->arrays, i));
      if (views[i] == NULL)
        goto done;
    }
    res = PyTuple_Pack(3, views[0], views[1], views[2]);
    goto done;
  }
  for (i = 0; i < 3; i++) {
    views[i] = PyObject_CallMethod(np, "frombuffer", "Os",
                                   PyTuple_GetItem(self->arrays, i),
                                   dtypes[i]);
    if (views[i] == NULL)
      goto done;
  }
  {
    PyObject *csr = PyObject_GetAttrString(sp, "csr_matrix"), *kw = NULL;
    PyObject *arg = Py_BuildValue("((OOO))", views[0], views[1], views[2]);
    PyObject *shape = DTM_get_shape((PyObject *)self, NULL);
    kw = shape ? Py_BuildValue("{sO}", "shape", shape) : NULL;
    if (csr != NULL && arg != NULL && kw != NULL)
      res = PyObject_Call(csr, arg, kw);
    Py_XDECREF(shape);
    Py_XDECREF(kw);
    Py_XDECREF(arg);
    Py_XDECREF(csr);
  }
done:
  for (i = 0; i < 3; i++)
    Py_XDECREF(views[i]);
  Py_XDECREF(sp);
  Py_XDECREF(np);
  return res;
}

/* Read a min_df/max_df argument: int count or float proportion. */
static int
df_arg(PyObject *obj, const char *what, int is_max, double *out)
{
  double v;

  if (obj == NULL || obj == Py_None)
    return 0;
  if (PyLong_Check(obj)) {
    long n = PyLong_AsLong(obj);
    if (n == -1 && PyErr_Occurred())
      return -1;
    if (n < 0) {
      PyErr_Format(PyExc_ValueError, "%s must not be negative", what);
      return -1;
    }
    /* an int is a number of documents: 1 means 1 document for max_df, and
     * libkz reads values <= 1 as proportions there */
    *out = is_max && n == 1 ? 1.0 + 1e-9 : (double)n;
    if (is_max && n == 0) {
      PyErr_Format(PyExc_ValueError, "%s=0 keeps no term", what);
      return -1;
    }
    return 0;
  }
  v = PyFloat_AsDouble(obj);
  if (v == -1.0 && PyErr_Occurred())
    return -1;
  if (!(v >= 0.0 && v <= 1.0)) {
    PyErr_Format(PyExc_ValueError,
                 "%s as a float is a proportion of the documents, from 0.0 "
                 "to 1.0", what);
    return -1;
  }
  if (!is_max && v == 1.0)
    v = 1.0 - 1e-12; /* "in every document", read as a proportion */
  *out = v;
  return 0;
}

static const char *const weighting_names[] = {"count", "tfidf", "tf-idf",
                                              NULL};
static const int weighting_values[] = {0, 1, 1};

PyDoc_STRVAR(Corpus_dtm_doc,
"dtm($self, filter=None, *, weighting='count', norm=None, min_df=1,\n"
"    max_df=1.0, max_features=None, stopwords=False, numbers=True)\n"
"--\n"
"\n"
"The document-term matrix of the documents matching `filter`, one row per\n"
"document (index order), one column per term (byte order):\n"
"kz.DocumentTermMatrix with .matrix (scipy.sparse.csr_matrix when SciPy\n"
"is installed, else (data, indices, indptr) memoryviews), .vocabulary,\n"
".keys.  The arrays are libkz's, not copied.\n"
"\n"
"weighting: 'count' or 'tfidf' (idf = ln((1+n)/(1+df)) + 1, as\n"
"    scikit-learn's TfidfVectorizer); norm: None or 'l2' (rows of unit\n"
"    length).\n"
"min_df, max_df: an int is a number of documents, a float a proportion\n"
"    (as in scikit-learn).  max_features: keep the most frequent terms.\n"
"stopwords=True leaves stopwords out, numbers=False numbers.");

static PyObject *
Corpus_dtm(PyObject *op, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"filter", "weighting", "norm", "min_df", "max_df",
                           "max_features", "stopwords", "numbers", NULL};
  static const char *const norm_names[] = {"l2", NULL};
  static const int norm_values[] = {1};
  CorpusObject *self = (CorpusObject *)op;
  kz_state *st = corpus_state(op);
  PyObject *filter = Py_None, *weighting = NULL, *norm = NULL, *min_df = NULL;
  PyObject *max_df = NULL, *max_features = NULL, *stopwords = NULL;
  PyObject *res = NULL;
  PyTypeObject *tp = (PyTypeObject *)st->DTM_type;
  allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
  DTMObject *m = NULL;
  int numbers = 1, tfidf, l2;
  stats_job j;
  const int64_t *ip;
  const int32_t *ix;
  const double *dv;
  size_t i, n;

  if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O$OOOOOOp:dtm", kwlist,
                                   &filter, &weighting, &norm, &min_df,
                                   &max_df, &max_features, &stopwords,
                                   &numbers))
    return NULL;
  stats_job_init(&j, JOB_DTM);
  j.o.min_df = 1;
  if (parse_choice(weighting, "weighting", weighting_names, weighting_values,
                   0, &tfidf) < 0 ||
      parse_choice(norm, "norm", norm_names, norm_values, 0, &l2) < 0 ||
      df_arg(min_df, "min_df", 0, &j.o.min_df) < 0 ||
      df_arg(max_df, "max_df", 1, &j.o.max_df) < 0 ||
      parse_limit(max_features, "max_features", &j.o.max_features) < 0 ||
      stopword_flags(stopwords, &j.o.flags, 0) < 0)
    return NULL;
  if (tfidf)
    j.o.flags |= KZ_STATS_TFIDF;
  if (l2)
    j.o.flags |= KZ_STATS_L2;
  if (!numbers)
    j.o.flags |= KZ_STATS_SKIP_NUMBERS;
  if (job_text(&j.f, &j.has_f, filter, 0, "filter") < 0)
    goto done;
  if (corpus_stats(self, &j, NULL, filter, NULL) < 0)
    goto done;
  m = (DTMObject *)alloc(tp, 0);
  if (m == NULL) {
    kz_dtm_free(j.res);
    goto done;
  }
  m->m = j.res;
  kz_dtm_csr(m->m, &ip, &ix, &dv);
  m->arrays = PyTuple_New(3);
  if (m->arrays == NULL)
    goto fail;
  {
    PyObject *a[3];
    a[0] = make_array(st, (PyObject *)m, dv, kz_dtm_nnz(m->m), sizeof *dv,
                      "d");
    a[1] = make_array(st, (PyObject *)m, ix, kz_dtm_nnz(m->m), sizeof *ix,
                      "i");
    a[2] = make_array(st, (PyObject *)m, ip, kz_dtm_rows(m->m) + 1,
                      sizeof *ip, "q");
    for (i = 0; i < 3; i++) {
      if (a[i] == NULL) {
        size_t k;
        for (k = i + 1; k < 3; k++)
          Py_XDECREF(a[k]);
        goto fail;
      }
      PyTuple_SetItem(m->arrays, (Py_ssize_t)i, a[i]);
    }
  }
  n = kz_dtm_cols(m->m);
  m->vocabulary = PyList_New((Py_ssize_t)n);
  for (i = 0; m->vocabulary != NULL && i < n; i++) {
    size_t len;
    const char *t = kz_dtm_term(m->m, i, &len);
    PyObject *s = PyUnicode_DecodeUTF8(t ? t : "", (Py_ssize_t)len,
                                       "replace");
    if (s == NULL)
      goto fail;
    PyList_SetItem(m->vocabulary, (Py_ssize_t)i, s);
  }
  n = kz_dtm_rows(m->m);
  m->keys = PyList_New((Py_ssize_t)n);
  for (i = 0; m->keys != NULL && i < n; i++) {
    size_t len;
    const char *k = kz_dtm_key(m->m, i, &len);
    PyObject *s = key_str(k ? k : "", len);
    if (s == NULL)
      goto fail;
    PyList_SetItem(m->keys, (Py_ssize_t)i, s);
  }
  if (m->vocabulary == NULL || m->keys == NULL)
    goto fail;
  m->info = Py_BuildValue("{sOsssOsOsO}", "filter", filter, "weighting",
                          tfidf ? (l2 ? "tfidf, l2" : "tfidf")
                                : (l2 ? "count, l2" : "count"),
                          "min_df", min_df ? min_df : Py_None, "max_df",
                          max_df ? max_df : Py_None, "max_features",
                          max_features ? max_features : Py_None);
  if (m->info == NULL)
    goto fail;
  m->matrix = dtm_matrix(m);
  if (m->matrix == NULL)
    goto fail;
  res = (PyObject *)m;
  goto done;
fail:
  Py_DECREF(m);
done:
  stats_job_free(&j);
  return res;
}

/* --- Types ---------------------------------------------------------------- */

static int
add_analysis_types(PyObject *module, kz_state *st)
{
  int k;

  for (k = 0; k < TB_N; k++) {
    PyType_Slot *slots;
    size_t ns = sizeof Table_slots / sizeof Table_slots[0], i;
    st->Row_types[k] = (PyObject *)PyStructSequence_NewType(&tables[k].desc);
    if (st->Row_types[k] == NULL ||
        PyModule_AddType(module, (PyTypeObject *)st->Row_types[k]) < 0)
      return -1;
    /* one copy of the slots per type, for its own doc string; kept for the
     * life of the process, like the spec (static) */
    slots = Table_specs[k].slots;
    if (slots == NULL) {
      slots = malloc(sizeof Table_slots);
      if (slots == NULL) {
        PyErr_NoMemory();
        return -1;
      }
      memcpy(slots, Table_slots, sizeof Table_slots);
      for (i = 0; i < ns; i++)
        if (slots[i].slot == Py_tp_doc)
          slots[i].pfunc = (void *)tables[k].table_doc;
      Table_specs[k].name = tables[k].table_name;
      Table_specs[k].basicsize = sizeof(TableObject);
      Table_specs[k].flags = Py_TPFLAGS_DEFAULT |
                             Py_TPFLAGS_DISALLOW_INSTANTIATION |
                             Py_TPFLAGS_IMMUTABLETYPE;
      Table_specs[k].slots = slots;
    }
    st->Table_types[k] = PyType_FromModuleAndSpec(module, &Table_specs[k],
                                                  NULL);
    if (st->Table_types[k] == NULL ||
        PyModule_AddType(module, (PyTypeObject *)st->Table_types[k]) < 0)
      return -1;
  }
  st->DispersionDoc_type =
      (PyObject *)PyStructSequence_NewType(&DispersionDoc_desc);
  if (st->DispersionDoc_type == NULL ||
      PyModule_AddType(module, (PyTypeObject *)st->DispersionDoc_type) < 0)
    return -1;
  st->DTM_type = PyType_FromModuleAndSpec(module, &DTM_spec, NULL);
  if (st->DTM_type == NULL ||
      PyModule_AddType(module, (PyTypeObject *)st->DTM_type) < 0)
    return -1;
  st->Array_type = PyType_FromModuleAndSpec(module, &Array_spec, NULL);
  if (st->Array_type == NULL ||
      PyModule_AddType(module, (PyTypeObject *)st->Array_type) < 0)
    return -1;
  return 0;
}

/* --- The type ----------------------------------------------------------- */

static PyObject *
Corpus_get_closed(PyObject *op, void *closure)
{
  CorpusObject *self = (CorpusObject *)op;
  return PyBool_FromLong(self->c == NULL || self->closing);
}

static PyObject *
Corpus_get_readonly(PyObject *op, void *closure)
{
  return PyBool_FromLong(((CorpusObject *)op)->readonly);
}

static PyObject *
Corpus_get_analyzer(PyObject *op, void *closure)
{
  return PyDict_Copy(((CorpusObject *)op)->analyzer);
}

static PyGetSetDef Corpus_getset[] = {
  {"closed", Corpus_get_closed, NULL, "True once close() was called.", NULL},
  {"readonly", Corpus_get_readonly, NULL,
   "True when opened with readonly=True.", NULL},
  {"analyzer", Corpus_get_analyzer, NULL,
   "The analyzer stored in the corpus: a dict with language, stem,\n"
   "fold_diacritics, possessive.", NULL},
  {NULL, NULL, NULL, NULL, NULL}};

static PyMemberDef Corpus_members[] = {
  {"path", T_OBJECT_EX, offsetof(CorpusObject, path), READONLY,
   "The corpus directory, as given."},
  {NULL, 0, 0, 0, NULL}};

#define KW_METHOD(name, func, doc)                                            \
  {name, (PyCFunction)(void (*)(void))func, METH_VARARGS | METH_KEYWORDS, doc}

static PyMethodDef Corpus_methods[] = {
  KW_METHOD("add", Corpus_add, Corpus_add_doc),
  KW_METHOD("add_jsonl", Corpus_add_jsonl, Corpus_add_jsonl_doc),
  KW_METHOD("add_dir", Corpus_add_dir, Corpus_add_dir_doc),
  {"delete", Corpus_delete, METH_O, Corpus_delete_doc},
  {"commit", Corpus_commit, METH_NOARGS, Corpus_commit_doc},
  {"optimize", Corpus_optimize, METH_NOARGS, Corpus_optimize_doc},
  {"refresh", Corpus_refresh, METH_NOARGS, Corpus_refresh_doc},
  KW_METHOD("search", Corpus_search, Corpus_search_doc),
  {"keys", Corpus_keys, METH_O, Corpus_keys_doc},
  KW_METHOD("kwic", Corpus_kwic, Corpus_kwic_doc),
  KW_METHOD("count", Corpus_count, Corpus_count_doc),
  {"doc", Corpus_doc, METH_O, Corpus_doc_doc},
  KW_METHOD("vocabulary", Corpus_vocabulary, Corpus_vocabulary_doc),
  KW_METHOD("collocations", Corpus_collocations, Corpus_collocations_doc),
  KW_METHOD("keyness", Corpus_keyness, Corpus_keyness_doc),
  KW_METHOD("ngrams", Corpus_ngrams, Corpus_ngrams_doc),
  KW_METHOD("dispersion", Corpus_dispersion, Corpus_dispersion_doc),
  KW_METHOD("dtm", Corpus_dtm, Corpus_dtm_doc),
  KW_METHOD("quotes", Corpus_quotes, Corpus_quotes_doc),
  KW_METHOD("numbers", Corpus_numbers, Corpus_numbers_doc),
  KW_METHOD("entities", Corpus_entities, Corpus_entities_doc),
  {"stats", Corpus_stats, METH_NOARGS, Corpus_stats_doc},
  {"close", Corpus_close, METH_NOARGS, Corpus_close_doc},
  {"__enter__", Corpus_enter, METH_NOARGS, NULL},
  {"__exit__", Corpus_exit, METH_VARARGS, NULL},
  {NULL, NULL, 0, NULL}};

#undef KW_METHOD

PyDoc_STRVAR(Corpus_type_doc,
"Corpus(path, create=False, *, readonly=False, language=None, stem=None,\n"
"       fold_diacritics=None, possessive=None, memory_budget=0, k1=0.0,\n"
"       b=0.0, field_weights=None, verify=True)\n"
"--\n"
"\n"
"A corpus of articles on disk: a full-text index with positions, BM25\n"
"ranking, snippets, KWIC concordances and counts.  Use it as a context\n"
"manager, or call close().\n"
"\n"
"path: the corpus directory; create=True creates it (its parent must\n"
"    exist) when it holds no corpus yet.\n"
"readonly: never write (no writer lock; any number of readers).\n"
"Analyzer (fixed when the corpus is created; when opening, options that\n"
"disagree with the stored analyzer raise kz.InvalidArgument):\n"
"    language (ISO 639-1 code), stem (True to stem in `language`, or a\n"
"    language code), fold_diacritics, possessive (strip English 's).\n"
"memory_budget: bytes of pending documents kept in memory before they\n"
"    are flushed to disk (0: 256 MB).\n"
"k1, b: BM25 parameters (0: 1.2 and 0.75); field_weights: e.g.\n"
"    {'title': 2.5, 'body': 1.0, 'caption': 0.8, 'heading': 1.5}.\n"
"verify: check whole-file checksums when opening.\n"
"\n"
"Writing: add(), add_jsonl(), add_dir(), delete(), then commit().  One\n"
"writer at a time: a second one gets kz.BusyError.  Searching: search(),\n"
"keys(), kwic(), count(), vocabulary(), doc(), len().  Analysis:\n"
"collocations(), keyness(), ngrams(), dispersion(), dtm(), quotes(),\n"
"numbers(), entities() (docs/analysis.md).  Searches see the\n"
"state of the last commit (or refresh()).  Raises kz.FileNotFound when\n"
"there is no corpus at path and create is False.");

static PyType_Slot Corpus_slots[] = {
  {Py_tp_doc, (void *)Corpus_type_doc},
  {Py_tp_new, Corpus_new},
  {Py_tp_dealloc, Corpus_dealloc},
  {Py_tp_traverse, Corpus_traverse},
  {Py_tp_repr, Corpus_repr},
  {Py_tp_methods, Corpus_methods},
  {Py_tp_members, Corpus_members},
  {Py_tp_getset, Corpus_getset},
  {Py_mp_length, Corpus_length},
  {0, NULL}};

static PyType_Spec Corpus_spec = {
  .name = "kz.Corpus",
  .basicsize = sizeof(CorpusObject),
  .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
  .slots = Corpus_slots,
};


/* ====================================================================
 * Module functions
 * ==================================================================== */

PyDoc_STRVAR(kz_tokenize_doc,
"tokenize(text, *, stem=None, fold_diacritics=False, language=None,\n"
"         nfkc=True, casefold=True, quotes=True, numbers=True,\n"
"         possessive=False, punct=True, stopwords=True, plain=False)\n"
"--\n"
"\n"
"Return the list of kz.Token of text.\n"
"\n"
"Split text into tokens (words per Unicode UAX #29, with URLs, e-mail\n"
"addresses, @handles and #hashtags kept whole) and normalize each one.\n"
"\n"
"text: a str, or a bytes-like object holding UTF-8.  Invalid UTF-8 never\n"
"    fails: each bad byte is read as U+FFFD (the token's `repaired` flag\n"
"    is set) and offsets keep pointing into the original bytes.\n"
"stem: None or False for no stemming; a language code ('en', 'de',\n"
"    'ru', ...) for Snowball stemming in that language; True to stem in\n"
"    `language`.\n"
"fold_diacritics: fold diacritics in all scripts (é -> e, й -> и, ł -> l).\n"
"language: the language code for stopwords (and stemming with\n"
"    stem=True); None for none.\n"
"nfkc, casefold, quotes, numbers: Unicode NFKC, full case folding,\n"
"    curly/straight apostrophe and quote unification, digit-group\n"
"    separators removed from numbers ('3,000' -> '3000').\n"
"possessive: strip the English possessive 's.\n"
"punct: False to leave out punctuation and symbol tokens.\n"
"stopwords: False to leave out the stopwords of `language`.\n"
"plain: pure UAX #29 words, without joining URLs, e-mails, handles,\n"
"    hashtags.\n"
"\n"
"Each Token has text (the slice of the input: str for str input, bytes\n"
"for bytes input), norm, kind, start and end (byte offsets into the UTF-8\n"
"input), char_start and char_end (code point offsets, so that\n"
"text[t.char_start:t.char_end] == t.text for str input), position, flags.\n"
"\n"
"Raises kz.NotFound for a stem language libkz has no stemmer for,\n"
"kz.InvalidArgument for inconsistent options, TypeError for other text\n"
"types.  The GIL is released while libkz works.");

static PyObject *
kz_tokenize_func(PyObject *module, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"text", TOK_KWNAMES, NULL};
  kz_state *st = module_state(module);
  PyObject *text, *stem = Py_None, *language = Py_None, *res;
  int fold = 0, nfkc = 1, casefold = 1, quotes = 1, numbers = 1, poss = 0,
      punct = 1, stopwords = 1, plain = 0;
  tok_options o;
  kz_tokenizer *tk;

  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$OpOpppppppp:tokenize",
                                   kwlist, &text, &stem, &fold, &language,
                                   &nfkc, &casefold, &quotes, &numbers, &poss,
                                   &punct, &stopwords, &plain))
    return NULL;
  if (tok_options_set(&o, st, stem, language, fold, nfkc, casefold, quotes,
                      numbers, poss, punct, stopwords, plain) < 0)
    return NULL;
  if (new_c_tokenizer(st, &tk, &o) < 0) {
    tok_options_clear(&o);
    return NULL;
  }
  res = do_tokenize(st, tk, NULL, text, NULL);
  kz_tokenizer_free(tk);
  tok_options_clear(&o);
  return res;
}

PyDoc_STRVAR(kz_sentences_doc,
"sentences(text, *, language=None, abbreviations=True, line_breaks=False)\n"
"--\n"
"\n"
"Split text into sentences and return their (start, end) spans, trimmed\n"
"of surrounding white space, in order.\n"
"\n"
"The offsets depend on the type of text: for a str they are code point\n"
"offsets, so text[start:end] is the sentence; for a bytes-like object\n"
"they are byte offsets into it.\n"
"\n"
"Sentences follow the Unicode UAX #29 rules, plus:\n"
"language: the language whose abbreviations ('Mr.', 'Jan.', 'U.S.',\n"
"    initials) do not end a sentence; None (or a language without lists\n"
"    of its own) uses the lists of every language.\n"
"abbreviations: False to use no abbreviation list at all.\n"
"line_breaks: True to end a sentence at every line break; by default a\n"
"    single line break is read as a space and a blank line ends a\n"
"    paragraph, hence a sentence.");

static PyObject *
kz_sentences_func(PyObject *module, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"text", "language", "abbreviations", "line_breaks",
                           NULL};
  kz_state *st = module_state(module);
  PyObject *text, *language = Py_None, *res;
  int abbreviations = 1, line_breaks = 0, err;
  tok_options o;
  kz_tokenizer *tk;

  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$Opp:sentences", kwlist,
                                   &text, &language, &abbreviations,
                                   &line_breaks))
    return NULL;
  memset(&o, 0, sizeof o);
  o.flags = KZ_TOK_DEFAULT;
  o.language = check_language(language, "language", &err);
  if (err)
    return NULL;
  if (new_c_tokenizer(st, &tk, &o) < 0) {
    tok_options_clear(&o);
    return NULL;
  }
  res = do_sentences(st, tk, NULL, text,
                     sentence_flags(abbreviations, line_breaks), NULL);
  kz_tokenizer_free(tk);
  tok_options_clear(&o);
  return res;
}

static PyMethodDef kz_functions[] = {
  {"tokenize", (PyCFunction)(void (*)(void))kz_tokenize_func,
   METH_VARARGS | METH_KEYWORDS, kz_tokenize_doc},
  {"sentences", (PyCFunction)(void (*)(void))kz_sentences_func,
   METH_VARARGS | METH_KEYWORDS, kz_sentences_doc},
  {"parse", (PyCFunction)(void (*)(void))kz_parse_func,
   METH_VARARGS | METH_KEYWORDS, kz_parse_doc},
  {NULL, NULL, 0, NULL}};

/* ====================================================================
 * Module definition and multi-phase initialization
 * ==================================================================== */

/* The exception classes, one per status code of include/kz/error.h.  Codes
 * that are not failures (KZ_ITEROVER, KZ_EUSER) and KZ_ERROR itself map to
 * kz.Error; KZ_ENOMEM maps to MemoryError. */
static const struct {
  int code;
  const char *name;   /* "kz.X" */
  PyObject **extra;   /* a builtin base besides kz.Error, or NULL */
  const char *doc;
} kz_error_table[] = {
  {KZ_EINVAL, "kz.InvalidArgument", &PyExc_ValueError,
   "An invalid argument or option value (KZ_EINVAL)."},
  {KZ_EUTF8, "kz.Utf8Error", &PyExc_ValueError,
   "Invalid UTF-8 where repair was not allowed (KZ_EUTF8)."},
  {KZ_ENOTFOUND, "kz.NotFound", &PyExc_LookupError,
   "No such key, file, language or resource (KZ_ENOTFOUND)."},
  {KZ_EBUFSIZE, "kz.BufferSizeError", NULL,
   "A buffer is too small (KZ_EBUFSIZE)."},
  {KZ_EIO, "kz.IOError", &PyExc_OSError,
   "An operating-system I/O call failed (KZ_EIO)."},
  {KZ_ECORRUPT, "kz.CorruptError", NULL,
   "A stored file is damaged or truncated (KZ_ECORRUPT)."},
  {KZ_EBUSY, "kz.BusyError", NULL,
   "The resource is locked by another writer (KZ_EBUSY)."},
  {KZ_EQUERY, "kz.QueryError", &PyExc_ValueError,
   "A query could not be parsed (KZ_EQUERY)."},
  {KZ_EVERSION, "kz.VersionError", NULL,
   "An options struct or file of unknown version (KZ_EVERSION)."},
  {KZ_EUNSUPPORTED, "kz.UnsupportedError", NULL,
   "A feature not available in this build of libkz (KZ_EUNSUPPORTED)."},
  {KZ_ELIMIT, "kz.LimitError", &PyExc_ValueError,
   "An input exceeds a documented limit (KZ_ELIMIT)."},
  {KZ_EFORMAT, "kz.FormatError", &PyExc_ValueError,
   "An input is not in the expected format (KZ_EFORMAT)."},
};

static int
add_exceptions(PyObject *module, kz_state *st)
{
  size_t i;

  st->Error = PyErr_NewExceptionWithDoc(
      "kz.Error",
      "Base class of the errors raised by libkz.  The attribute `code`\n"
      "holds libkz's (negative) status code.",
      NULL, NULL);
  if (st->Error == NULL || PyModule_AddObjectRef(module, "Error", st->Error))
    return -1;
  for (i = 0; i < sizeof kz_error_table / sizeof kz_error_table[0]; i++) {
    PyObject *bases, *cls;

    bases = kz_error_table[i].extra
                ? PyTuple_Pack(2, st->Error, *kz_error_table[i].extra)
                : PyTuple_Pack(1, st->Error);
    if (bases == NULL)
      return -1;
    cls = PyErr_NewExceptionWithDoc(kz_error_table[i].name,
                                    kz_error_table[i].doc, bases, NULL);
    Py_DECREF(bases);
    if (cls == NULL)
      return -1;
    st->errors[-kz_error_table[i].code] = cls;
    if (PyModule_AddObjectRef(module, kz_error_table[i].name + 3, cls) < 0)
      return -1;
  }
  Py_INCREF(st->Error);
  st->errors[-KZ_ERROR] = st->Error;

  /* A missing file given to kz.parse(): both kz.NotFound and the builtin
   * FileNotFoundError (whose OSError layout comes first in the bases). */
  {
    PyObject *bases = PyTuple_Pack(2, PyExc_FileNotFoundError,
                                   st->errors[-KZ_ENOTFOUND]);
    if (bases == NULL)
      return -1;
    st->FileNotFound = PyErr_NewExceptionWithDoc(
        "kz.FileNotFound",
        "A file to read does not exist: a kz.NotFound that is also a\n"
        "FileNotFoundError (errno, strerror and filename are set).",
        bases, NULL);
    Py_DECREF(bases);
    if (st->FileNotFound == NULL ||
        PyModule_AddObjectRef(module, "FileNotFound", st->FileNotFound) < 0)
      return -1;
  }
  return 0;
}

/* The corpus types.  KwicRow, CountRow and Term are struct sequences
 * (tuples with named fields). */
static int
add_corpus_types(PyObject *module, kz_state *st)
{
  static const struct {
    PyType_Spec *spec;
    size_t slot; /* offset of the kz_state field */
  } types[] = {
    {&Corpus_spec, offsetof(kz_state, Corpus_type)},
    {&Hit_spec, offsetof(kz_state, Hit_type)},
    {&Results_spec, offsetof(kz_state, Results_type)},
    {&Concordance_spec, offsetof(kz_state, Concordance_type)},
    {&Counts_spec, offsetof(kz_state, Counts_type)},
  };
  static const struct {
    PyStructSequence_Desc *desc;
    size_t slot;
  } seqs[] = {
    {&KwicRow_desc, offsetof(kz_state, KwicRow_type)},
    {&CountRow_desc, offsetof(kz_state, CountRow_type)},
    {&Term_desc, offsetof(kz_state, Term_type)},
  };
  size_t i;

  for (i = 0; i < sizeof types / sizeof types[0]; i++) {
    PyObject **slot = (PyObject **)((char *)st + types[i].slot);
    *slot = PyType_FromModuleAndSpec(module, types[i].spec, NULL);
    if (*slot == NULL || PyModule_AddType(module, (PyTypeObject *)*slot) < 0)
      return -1;
  }
  for (i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
    PyObject **slot = (PyObject **)((char *)st + seqs[i].slot);
    *slot = (PyObject *)PyStructSequence_NewType(seqs[i].desc);
    if (*slot == NULL || PyModule_AddType(module, (PyTypeObject *)*slot) < 0)
      return -1;
  }
  /* kz.Counts is a read-only mapping: make isinstance(c, Mapping) true. */
  {
    PyObject *abc = PyImport_ImportModule("collections.abc"), *r = NULL;
    if (abc != NULL) {
      PyObject *mapping = PyObject_GetAttrString(abc, "Mapping");
      if (mapping != NULL) {
        r = PyObject_CallMethod(mapping, "register", "O", st->Counts_type);
        Py_DECREF(mapping);
      }
      Py_DECREF(abc);
    }
    if (r == NULL)
      return -1;
    Py_DECREF(r);
  }
  return 0;
}

static int
kz_exec(PyObject *module)
{
  kz_state *st = module_state(module);

  if (kz_version_number() < KZ_VERSION_NUMBER) {
    PyErr_Format(PyExc_ImportError,
                 "kz was built against libkz %s but the loaded libkz is %s, "
                 "which is older",
                 KZ_VERSION_STRING, kz_version());
    return -1;
  }

  st->Token_type = PyType_FromModuleAndSpec(module, &Token_spec, NULL);
  if (st->Token_type == NULL ||
      PyModule_AddType(module, (PyTypeObject *)st->Token_type) < 0)
    return -1;
  st->Tokenizer_type = PyType_FromModuleAndSpec(module, &Tokenizer_spec, NULL);
  if (st->Tokenizer_type == NULL ||
      PyModule_AddType(module, (PyTypeObject *)st->Tokenizer_type) < 0)
    return -1;
  st->Block_type = PyType_FromModuleAndSpec(module, &Block_spec, NULL);
  if (st->Block_type == NULL ||
      PyModule_AddType(module, (PyTypeObject *)st->Block_type) < 0)
    return -1;
  st->Article_type = PyType_FromModuleAndSpec(module, &Article_spec, NULL);
  if (st->Article_type == NULL ||
      PyModule_AddType(module, (PyTypeObject *)st->Article_type) < 0)
    return -1;
  if (add_exceptions(module, st) < 0)
    return -1;
  if (add_corpus_types(module, st) < 0)
    return -1;
  if (add_analysis_types(module, st) < 0)
    return -1;
  {
    PyObject *datetime = PyImport_ImportModule("datetime");
    if (datetime == NULL)
      return -1;
    st->date_type = PyObject_GetAttrString(datetime, "date");
    Py_DECREF(datetime);
    if (st->date_type == NULL)
      return -1;
  }

  if (PyModule_AddStringConstant(module, "__version__", kz_version()) < 0 ||
      PyModule_AddIntConstant(module, "version_number",
                              kz_version_number()) < 0 ||
      PyModule_AddIntConstant(module, "TOKEN_HYPHENATED",
                              KZ_TOKEN_HYPHENATED) < 0 ||
      PyModule_AddIntConstant(module, "TOKEN_STOPWORD", KZ_TOKEN_STOPWORD) <
          0 ||
      PyModule_AddIntConstant(module, "TOKEN_REPAIRED", KZ_TOKEN_REPAIRED) <
          0 ||
      PyModule_AddIntConstant(module, "TOKEN_CAPITALIZED",
                              KZ_TOKEN_CAPITALIZED) < 0 ||
      PyModule_AddIntConstant(module, "TOKEN_ALLCAPS", KZ_TOKEN_ALLCAPS) < 0 ||
      PyModule_AddIntConstant(module, "TOKEN_SPACE_BEFORE",
                              KZ_TOKEN_SPACE_BEFORE) < 0 ||
      PyModule_AddIntConstant(module, "TOKEN_NEWLINE_BEFORE",
                              KZ_TOKEN_NEWLINE_BEFORE) < 0)
    return -1;
  return 0;
}

/* kz_state holds object references only (NULL or owned): traverse and
 * clear walk it as an array of them, so a new member needs no code here. */
#define KZ_STATE_REFS (sizeof(kz_state) / sizeof(PyObject *))
_Static_assert(sizeof(kz_state) % sizeof(PyObject *) == 0,
               "kz_state must hold PyObject * members only");

static int
kz_traverse(PyObject *module, visitproc visit, void *arg)
{
  PyObject **refs = (PyObject **)module_state(module);
  size_t i;

  for (i = 0; i < KZ_STATE_REFS; i++)
    Py_VISIT(refs[i]);
  return 0;
}

static int
kz_clear(PyObject *module)
{
  PyObject **refs = (PyObject **)module_state(module);
  size_t i;

  for (i = 0; i < KZ_STATE_REFS; i++)
    Py_CLEAR(refs[i]);
  return 0;
}

static void
kz_free(void *module)
{
  (void)kz_clear((PyObject *)module);
}

static PyModuleDef_Slot kz_slots[] = {
  {Py_mod_exec, kz_exec},
  {0, NULL}};

PyDoc_STRVAR(kz_module_doc,
"kz - parse, tokenize and segment news text with libkz.\n"
"\n"
"Functions: parse(source, ...) -> Article (a scraped page, from a path,\n"
"str or bytes, into title, date, source, authors and clean blocks),\n"
"tokenize(text, ...) -> list[Token], sentences(text, ...) ->\n"
"list[tuple[int, int]].  Class Tokenizer(...) keeps options (and the\n"
"stemmer) for reuse.  Class Corpus(path, ...) is an on-disk index of\n"
"articles: add them, commit, then search() -> Results of Hit, kwic() ->\n"
"Concordance of KwicRow, count() -> Counts, keys(), doc(),\n"
"vocabulary(); and analysis: collocations(), keyness(), ngrams(),\n"
"dispersion(), dtm() (scipy.sparse), quotes(), numbers(), entities(),\n"
"Article.quotes() and .numbers() -- tables with to_pandas() and\n"
"_repr_html_().  Errors are subclasses of kz.Error.\n"
"\n"
"Text is a str or a bytes-like object holding UTF-8; libkz runs with the\n"
"GIL released.");

static struct PyModuleDef kz_module = {
  PyModuleDef_HEAD_INIT,
  .m_name = "kz",
  .m_doc = kz_module_doc,
  .m_size = sizeof(kz_state),
  .m_methods = kz_functions,
  .m_slots = kz_slots,
  .m_traverse = kz_traverse,
  .m_clear = kz_clear,
  .m_free = kz_free,
};

PyMODINIT_FUNC
PyInit_kz(void)
{
  return PyModuleDef_Init(&kz_module);
}
