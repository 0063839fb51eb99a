/*
 * kzmodule.c - the Python binding of libkz (module "kz"): the tokenizer
 * (kz.tokenize, kz.sentences, kz.Tokenizer) and the article parser
 * (kz.parse -> kz.Article of kz.Block).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kz.h"
#include "kz/article.h" /* until kz.h includes it */

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
  PyTypeObject *tp = Py_TYPE(op);
  freefunc tp_free = (freefunc)PyType_GetSlot(tp, Py_tp_free);

  Py_CLEAR(self->text);
  Py_CLEAR(self->norm);
  Py_CLEAR(self->kind);
  tp_free(op);
  Py_DECREF(tp);
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
Token_key(TokenObject *self)
{
  return Py_BuildValue("(OOOnnnnni)", self->text, self->norm, self->kind,
                       self->start, self->end, self->char_start,
                       self->char_end, self->position, self->flags);
}

static PyObject *
Token_richcompare(PyObject *a, PyObject *b, int op)
{
  PyObject *ka, *kb, *res;

  if ((op != Py_EQ && op != Py_NE) || !Py_IS_TYPE(b, Py_TYPE(a)))
    Py_RETURN_NOTIMPLEMENTED;
  ka = Token_key((TokenObject *)a);
  if (ka == NULL)
    return NULL;
  kb = Token_key((TokenObject *)b);
  if (kb == NULL) {
    Py_DECREF(ka);
    return NULL;
  }
  res = PyObject_RichCompare(ka, kb, op);
  Py_DECREF(ka);
  Py_DECREF(kb);
  return res;
}

static Py_hash_t
Token_hash(PyObject *op)
{
  PyObject *k = Token_key((TokenObject *)op);
  Py_hash_t h;

  if (k == NULL)
    return -1;
  h = PyObject_Hash(k);
  Py_DECREF(k);
  return h;
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
  PyTypeObject *tp = Py_TYPE(op);
  freefunc tp_free = (freefunc)PyType_GetSlot(tp, Py_tp_free);

  PyObject_GC_UnTrack(op);
  kz_tokenizer_free(self->tk);
  if (self->lock)
    PyThread_free_lock(self->lock);
  tok_options_clear(&self->opts);
  tp_free(op);
  Py_DECREF(tp);
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
  PyTypeObject *tp = Py_TYPE(op);
  freefunc tp_free = (freefunc)PyType_GetSlot(tp, Py_tp_free);

  Py_CLEAR(self->kind);
  Py_CLEAR(self->text);
  Py_CLEAR(self->duplicate_of);
  tp_free(op);
  Py_DECREF(tp);
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
Block_as_dict(BlockObject *self)
{
  return Py_BuildValue("{sOsOsnsnsO}", "kind", self->kind, "text", self->text,
                       "start", self->start, "end", self->end, "duplicate_of",
                       self->duplicate_of);
}

static PyObject *
Block_richcompare(PyObject *a, PyObject *b, int op)
{
  PyObject *ka, *kb, *res;

  if ((op != Py_EQ && op != Py_NE) || !Py_IS_TYPE(b, Py_TYPE(a)))
    Py_RETURN_NOTIMPLEMENTED;
  ka = Block_as_dict((BlockObject *)a);
  if (ka == NULL)
    return NULL;
  kb = Block_as_dict((BlockObject *)b);
  if (kb == NULL) {
    Py_DECREF(ka);
    return NULL;
  }
  res = PyObject_RichCompare(ka, kb, op);
  Py_DECREF(ka);
  Py_DECREF(kb);
  return res;
}

static Py_hash_t
Block_hash(PyObject *op)
{
  BlockObject *self = (BlockObject *)op;
  PyObject *k = Py_BuildValue("(OOnnO)", self->kind, self->text, self->start,
                              self->end, self->duplicate_of);
  Py_hash_t h;

  if (k == NULL)
    return -1;
  h = PyObject_Hash(k);
  Py_DECREF(k);
  return h;
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
} ArticleObject;

static void
Article_dealloc(PyObject *op)
{
  ArticleObject *self = (ArticleObject *)op;
  PyTypeObject *tp = Py_TYPE(op);
  freefunc tp_free = (freefunc)PyType_GetSlot(tp, Py_tp_free);

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
  tp_free(op);
  Py_DECREF(tp);
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
    PyObject *b = Block_as_dict((BlockObject *)PyTuple_GetItem(self->blocks,
                                                               i));
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

static PyMethodDef Article_methods[] = {
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
"List attributes return a new list on each access.");

static PyType_Slot Article_slots[] = {
  {Py_tp_doc, (void *)Article_doc},
  {Py_tp_dealloc, Article_dealloc},
  {Py_tp_repr, Article_repr},
  {Py_tp_methods, Article_methods},
  {Py_tp_members, Article_members},
  {Py_tp_getset, Article_getset},
  {0, NULL}};

/* Not a GC type: an Article holds only immutable objects that cannot refer
 * back to it (see the comment at the top of this section). */
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
"parse(source, *, language=None, source_name=None, strict_utf8=False)\n"
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
"\n"
"Bad input does not fail: empty input gives an empty article, NUL and\n"
"control bytes are dropped, invalid UTF-8 is replaced by U+FFFD, unclosed\n"
"tags are cut; each repair is listed in Article.warnings.\n"
"\n"
"Raises kz.FileNotFound (a kz.NotFound and a FileNotFoundError) for a\n"
"missing file, kz.IOError for an unreadable one, kz.Utf8Error in strict\n"
"mode, TypeError for other source types.  The GIL is released while\n"
"libkz parses.");

static PyObject *
kz_parse_func(PyObject *module, PyObject *args, PyObject *kwds)
{
  static char *kwlist[] = {"source", "language", "source_name", "strict_utf8",
                           NULL};
  static const kz_parse_options defaults = KZ_PARSE_OPTIONS_INIT;
  kz_state *st = module_state(module);
  PyObject *source, *language = Py_None, *source_name = Py_None;
  PyObject *lang = NULL, *sname = NULL, *fspath = NULL, *path_bytes = NULL;
  PyObject *res = NULL;
  int strict = 0, err, have_text = 0;
  char *copy = NULL;
  text_arg t;
  parse_job j;

  if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$OOp:parse", kwlist,
                                   &source, &language, &source_name, &strict))
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
  j.opts.flags = strict ? KZ_PARSE_STRICT_UTF8 : 0;

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
  else
    res = make_article(st, j.art, &j.json);
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

static int
kz_traverse(PyObject *module, visitproc visit, void *arg)
{
  kz_state *st = module_state(module);
  int i;

  Py_VISIT(st->Token_type);
  Py_VISIT(st->Tokenizer_type);
  Py_VISIT(st->Error);
  for (i = 0; i < KZ_N_CODES; i++)
    Py_VISIT(st->errors[i]);
  for (i = 0; i < KZ_N_KINDS; i++)
    Py_VISIT(st->kind_names[i]);
  Py_VISIT(st->Block_type);
  Py_VISIT(st->Article_type);
  Py_VISIT(st->FileNotFound);
  Py_VISIT(st->date_type);
  for (i = 0; i < KZ_N_BLOCK_KINDS; i++)
    Py_VISIT(st->block_kind_names[i]);
  return 0;
}

static int
kz_clear(PyObject *module)
{
  kz_state *st = module_state(module);
  int i;

  Py_CLEAR(st->Token_type);
  Py_CLEAR(st->Tokenizer_type);
  Py_CLEAR(st->Error);
  for (i = 0; i < KZ_N_CODES; i++)
    Py_CLEAR(st->errors[i]);
  for (i = 0; i < KZ_N_KINDS; i++)
    Py_CLEAR(st->kind_names[i]);
  Py_CLEAR(st->Block_type);
  Py_CLEAR(st->Article_type);
  Py_CLEAR(st->FileNotFound);
  Py_CLEAR(st->date_type);
  for (i = 0; i < KZ_N_BLOCK_KINDS; i++)
    Py_CLEAR(st->block_kind_names[i]);
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
"stemmer) for reuse.  Errors are subclasses of kz.Error.\n"
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
