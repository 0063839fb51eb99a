/*
 * jsonl.c - one line of JSON Lines -> a document.
 *
 * A small, strict JSON reader for one object per line: the members libkz
 * knows (id, title, text, date, source, author/authors, url,
 * language/lang, caption, heading, and other tools' names for some of
 * them: see field_of()) are decoded into an arena; others are skipped
 * whatever their type.  "id" may be a string or a number (without one,
 * the url is the id), "date" too, "author" a string or an array of strings
 * (joined with "; "); "source" and "author" may also be objects, whose
 * "name" is taken (NewsAPI's {"id": ..., "name": "Reuters"}, schema.org's
 * authors).  Errors name the byte
 * column and the problem.  Nesting of skipped values is limited to 64.
 */
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#  include <emmintrin.h>
#endif

#include "corpus_int.h"

typedef struct jp {
  const char *s, *p, *end;
  kzi_buf *arena;
  char *err; size_t errcap;
  int rc;
} jp;

static int jerr(jp *j, const char *what) {
  if (j->rc) return j->rc;
  snprintf(j->err, j->errcap, "column %zu: %s", (size_t)(j->p - j->s) + 1, what);
  return j->rc = KZ_EFORMAT;
}

static void ws(jp *j) {
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n')) j->p++;
}

static int hex4(jp *j, uint32_t *v) {
  *v = 0;
  if (j->end - j->p < 4) return jerr(j, "truncated \\u escape");
  for (int i = 0; i < 4; i++) {
    char c = *j->p++;
    *v <<= 4;
    if (c >= '0' && c <= '9') *v |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f') *v |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') *v |= (uint32_t)(c - 'A' + 10);
    else return jerr(j, "bad \\u escape");
  }
  return KZ_OK;
}

/* The first '"', '\\' or control character in [q, end), or end. */
static const char *plain_end(const char *q, const char *end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
  const __m128i c1f = _mm_set1_epi8(0x1F);
  while (end - q >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
    /* unsigned v <= 0x1F: min(v, 0x1F) == v */
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                               _mm_cmpeq_epi8(_mm_min_epu8(v, c1f), v));
    int m = _mm_movemask_epi8(hit);
    if (m) return q + __builtin_ctz((unsigned)m);
    q += 16;
  }
#endif
  while (q < end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20) q++;
  return q;
}

/* Parse a string at j->p ('"'); append decoded bytes to out when not NULL. */
static int jstring(jp *j, kzi_buf *out) {
  j->p++;
  for (;;) {
    const char *q = plain_end(j->p, j->end);
    if (out && q > j->p && kzi_buf_add(out, j->p, (size_t)(q - j->p))) return j->rc = KZ_ENOMEM;
    j->p = q;
    if (q >= j->end) return jerr(j, "unterminated string");
    if (*q == '"') {
      j->p++;
      return KZ_OK;
    }
    if ((unsigned char)*q < 0x20) return jerr(j, "control character in string");
    /* escape */
    j->p++;
    if (j->p >= j->end) return jerr(j, "unterminated string");
    {
      char c = *j->p++, o[4];
      size_t on = 1;
      uint32_t u;
      switch (c) {
        case '"': o[0] = '"'; break;
        case '\\': o[0] = '\\'; break;
        case '/': o[0] = '/'; break;
        case 'b': o[0] = '\b'; break;
        case 'f': o[0] = '\f'; break;
        case 'n': o[0] = '\n'; break;
        case 'r': o[0] = '\r'; break;
        case 't': o[0] = '\t'; break;
        case 'u':
          if (hex4(j, &u)) return j->rc;
          if (u >= 0xD800 && u < 0xDC00) {
            uint32_t lo;
            if (j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u') {
              j->p += 2;
              if (hex4(j, &lo)) return j->rc;
              if (lo >= 0xDC00 && lo < 0xE000) u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
              else u = 0xFFFD;
            } else {
              u = 0xFFFD;
            }
          } else if (u >= 0xDC00 && u < 0xE000) {
            u = 0xFFFD;
          }
          /* a NUL would end the value for every C string reader (and
           * the article parser drops NUL bytes too) */
          on = u ? kzi_utf8_encode(u, o) : 0;
          break;
        default: return jerr(j, "bad escape in string");
      }
      if (out && kzi_buf_add(out, o, on)) return j->rc = KZ_ENOMEM;
    }
  }
}

static int jvalue_skip(jp *j, int depth);

static int jliteral(jp *j, const char *lit) {
  size_t n = strlen(lit);
  if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0) return jerr(j, "bad value");
  j->p += n;
  return KZ_OK;
}

static int jnumber(jp *j, kzi_buf *out) {
  const char *q = j->p;
  if (q < j->end && *q == '-') q++;
  if (q >= j->end || *q < '0' || *q > '9') return jerr(j, "bad number");
  while (q < j->end && ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' ||
                        *q == '+' || *q == '-'))
    q++;
  if (out && kzi_buf_append(out, j->p, (size_t)(q - j->p))) return j->rc = KZ_ENOMEM;
  j->p = q;
  return KZ_OK;
}

static int jvalue_skip(jp *j, int depth) {
  ws(j);
  if (j->p >= j->end) return jerr(j, "missing value");
  if (depth > 64) return jerr(j, "nesting too deep");
  switch (*j->p) {
    case '"': return jstring(j, NULL);
    case 't': return jliteral(j, "true");
    case 'f': return jliteral(j, "false");
    case 'n': return jliteral(j, "null");
    case '[':
    case '{': {
      char close = *j->p == '[' ? ']' : '}';
      int obj = close == '}';
      j->p++;
      ws(j);
      if (j->p < j->end && *j->p == close) {
        j->p++;
        return KZ_OK;
      }
      for (;;) {
        if (obj) {
          ws(j);
          if (j->p >= j->end || *j->p != '"') return jerr(j, "expected a member name");
          if (jstring(j, NULL)) return j->rc;
          ws(j);
          if (j->p >= j->end || *j->p != ':') return jerr(j, "expected ':'");
          j->p++;
        }
        if (jvalue_skip(j, depth + 1)) return j->rc;
        ws(j);
        if (j->p < j->end && *j->p == ',') {
          j->p++;
          continue;
        }
        if (j->p < j->end && *j->p == close) {
          j->p++;
          return KZ_OK;
        }
        return jerr(j, obj ? "expected ',' or '}'" : "expected ',' or ']'");
      }
    }
    default: return jnumber(j, NULL);
  }
}

/* An object at j->p ('{') whose member "name" holds a string: the string
 * is appended to out and *got set; every other member is skipped. */
static int jobject_name(jp *j, kzi_buf *out, int *got) {
  kzi_buf name = {0};
  j->p++;
  ws(j);
  if (j->p < j->end && *j->p == '}') {
    j->p++;
    return KZ_OK;
  }
  for (;;) {
    ws(j);
    if (j->p >= j->end || *j->p != '"') {
      jerr(j, "expected a member name");
      break;
    }
    name.n = 0;
    if (jstring(j, &name)) break;
    ws(j);
    if (j->p >= j->end || *j->p != ':') {
      jerr(j, "expected ':'");
      break;
    }
    j->p++;
    ws(j);
    if (!*got && name.n == 4 && memcmp(name.p, "name", 4) == 0 && j->p < j->end &&
        *j->p == '"') {
      if (jstring(j, out)) break;
      *got = 1;
    } else if (jvalue_skip(j, 2)) {
      break;
    }
    ws(j);
    if (j->p < j->end && *j->p == ',') {
      j->p++;
      continue;
    }
    if (j->p < j->end && *j->p == '}') {
      j->p++;
      break;
    }
    jerr(j, "expected ',' or '}'");
    break;
  }
  kzi_buf_free(&name);
  return j->rc;
}

/* The field a member names, and how firmly (*rank): 2 for libkz's own
 * names, 1 for the names other tools give the same thing (news-please's
 * maintext and date_publish, NewsAPI's content and publishedAt, CC-News's
 * domain, ...).  A
 * member with one of libkz's names wins wherever it comes in the line; an
 * alias is taken only as a string (or a number, for a date). */
static int field_of(const char *name, size_t n, int *rank) {
  static const struct { const char *n; int f, rank; } map[] = {
      {"id", KZ_FIELD_KEY, 2}, {"title", KZ_FIELD_TITLE, 2}, {"text", KZ_FIELD_BODY, 2},
      {"date", KZ_FIELD_DATE, 2}, {"source", KZ_FIELD_SOURCE, 2}, {"author", KZ_FIELD_AUTHOR, 2},
      {"authors", KZ_FIELD_AUTHOR, 2}, {"url", KZ_FIELD_URL, 2}, {"language", KZ_FIELD_LANGUAGE, 2},
      {"lang", KZ_FIELD_LANGUAGE, 2}, {"caption", KZ_FIELD_CAPTION, 2},
      {"heading", KZ_FIELD_HEADING, 2},
      {"headline", KZ_FIELD_TITLE, 1}, {"maintext", KZ_FIELD_BODY, 1},
      {"content", KZ_FIELD_BODY, 1}, {"body", KZ_FIELD_BODY, 1},
      {"date_publish", KZ_FIELD_DATE, 1}, {"published", KZ_FIELD_DATE, 1},
      {"publishedAt", KZ_FIELD_DATE, 1}, {"published_at", KZ_FIELD_DATE, 1},
      {"publish_date", KZ_FIELD_DATE, 1}, {"pubDate", KZ_FIELD_DATE, 1},
      {"source_domain", KZ_FIELD_SOURCE, 1}, {"domain", KZ_FIELD_SOURCE, 1},
      {"publication", KZ_FIELD_SOURCE, 1},
      {"outlet", KZ_FIELD_SOURCE, 1}, {"link", KZ_FIELD_URL, 1}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strlen(map[i].n) == n && memcmp(map[i].n, name, n) == 0) {
      *rank = map[i].rank;
      return map[i].f;
    }
  *rank = 0;
  return -1;
}

int kzi_jsonl_parse_line(const char *line, size_t n, kzi_buf *arena,
                         kzi_stored *st, char *err, size_t errcap) {
  jp j = {line, line, line + n, arena, err, errcap, 0};
  size_t off[KZ_FIELD_COUNT], len[KZ_FIELD_COUNT];
  int have[KZ_FIELD_COUNT] = {0};
  kzi_buf name = {0};
  err[0] = 0;
  memset(st, 0, sizeof *st);
  if (!arena->p && kzi_buf_reserve(arena, 256)) return KZ_ENOMEM;
  ws(&j);
  if (j.p >= j.end || *j.p != '{') {
    jerr(&j, "line is not a JSON object");
    goto out;
  }
  j.p++;
  ws(&j);
  if (j.p < j.end && *j.p == '}') {
    j.p++;
  } else {
    for (;;) {
      int f, rank;
      ws(&j);
      if (j.p >= j.end || *j.p != '"') {
        jerr(&j, "expected a member name");
        goto out;
      }
      name.n = 0;
      if (jstring(&j, &name)) goto out;
      ws(&j);
      if (j.p >= j.end || *j.p != ':') {
        jerr(&j, "expected ':'");
        goto out;
      }
      j.p++;
      ws(&j);
      f = field_of(name.p ? name.p : "", name.n, &rank);
      if (f >= 0 && have[f] > rank) f = -1; /* a firmer name gave it already */
      if (f >= 0 && rank == 1 &&
          !(j.p < j.end && (*j.p == '"' || (f == KZ_FIELD_DATE && (*j.p == '-' ||
                                                                  (*j.p >= '0' && *j.p <= '9'))))))
        f = -1; /* an alias holding something else: not ours */
      if (f >= 0 && j.p < j.end && *j.p == '"') {
        off[f] = arena->n;
        if (jstring(&j, arena)) goto out;
        len[f] = arena->n - off[f];
        have[f] = rank;
      } else if ((f == KZ_FIELD_KEY || f == KZ_FIELD_DATE) && j.p < j.end &&
                 (*j.p == '-' || (*j.p >= '0' && *j.p <= '9'))) {
        /* a number: an id, or a date as YYYYMMDD or Unix time */
        off[f] = arena->n;
        if (jnumber(&j, arena)) goto out;
        len[f] = arena->n - off[f];
        have[f] = rank;
      } else if ((f == KZ_FIELD_SOURCE || f == KZ_FIELD_AUTHOR) && j.p < j.end &&
                 *j.p == '{') {
        /* {"id": ..., "name": "Reuters"}: its name, if it has one */
        size_t at = arena->n;
        int got = 0;
        if (jobject_name(&j, arena, &got)) goto out;
        if (got) {
          off[f] = at;
          len[f] = arena->n - at;
          have[f] = rank;
        }
      } else if (f == KZ_FIELD_AUTHOR && j.p < j.end && *j.p == '[') {
        off[f] = arena->n;
        j.p++;
        ws(&j);
        while (j.p < j.end && *j.p != ']') {
          size_t at = arena->n;
          int got = 0;
          if (*j.p == '"' || *j.p == '{') {
            int obj = *j.p == '{';
            if (arena->n > off[f] && kzi_buf_append(arena, "; ", 2)) { j.rc = KZ_ENOMEM; goto out; }
            if (obj ? jobject_name(&j, arena, &got) : jstring(&j, arena)) goto out;
            if (obj && !got) arena->n = at; /* an object without a name */
          } else if (jvalue_skip(&j, 1)) {
            goto out;
          }
          ws(&j);
          if (j.p < j.end && *j.p == ',') {
            j.p++;
            ws(&j);
          } else if (j.p >= j.end || *j.p != ']') {
            jerr(&j, "expected ',' or ']'");
            goto out;
          }
        }
        if (j.p >= j.end) {
          jerr(&j, "unterminated array");
          goto out;
        }
        j.p++;
        len[f] = arena->n - off[f];
        have[f] = rank;
      } else {
        if (f == KZ_FIELD_KEY || f == KZ_FIELD_BODY) {
          if (j.p + 4 <= j.end && memcmp(j.p, "null", 4) == 0 && f == KZ_FIELD_BODY) {
            /* "text": null is an empty body */
          } else {
            jerr(&j, f == KZ_FIELD_KEY ? "\"id\" must be a string or a number"
                                       : "\"text\" must be a string");
            goto out;
          }
        }
        if (jvalue_skip(&j, 1)) goto out;
        if (f == KZ_FIELD_BODY) {
          off[f] = arena->n;
          len[f] = 0;
          have[f] = rank;
        }
      }
      ws(&j);
      if (j.p < j.end && *j.p == ',') {
        j.p++;
        continue;
      }
      if (j.p < j.end && *j.p == '}') {
        j.p++;
        break;
      }
      jerr(&j, "expected ',' or '}'");
      goto out;
    }
  }
  ws(&j);
  if (j.p != j.end) {
    jerr(&j, "text after the object");
    goto out;
  }
  if ((!have[KZ_FIELD_KEY] || len[KZ_FIELD_KEY] == 0) && have[KZ_FIELD_URL] &&
      len[KZ_FIELD_URL] > 0) {
    /* no id: a scraped page's URL is its name (news-please has no id) */
    off[KZ_FIELD_KEY] = off[KZ_FIELD_URL];
    len[KZ_FIELD_KEY] = len[KZ_FIELD_URL];
    have[KZ_FIELD_KEY] = 1;
  }
  if (!have[KZ_FIELD_KEY] || len[KZ_FIELD_KEY] == 0) {
    jerr(&j, "no \"id\" (nor \"url\")");
    goto out;
  }
  if (!have[KZ_FIELD_BODY]) {
    jerr(&j, "no \"text\"");
    goto out;
  }
  for (int f = 0; f < KZ_FIELD_COUNT; f++) {
    st->f[f] = have[f] ? arena->p + off[f] : "";
    st->n[f] = have[f] ? len[f] : 0;
  }
out:
  kzi_buf_free(&name);
  return j.rc;
}
