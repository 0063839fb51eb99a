/*
 * entity_cluster.c - mentions of many documents clustered into entities.
 *
 * Distinct spellings ("variants") are the units; each carries its mention
 * count, kind votes, counts per source and acronym expansions.  They are
 * joined with union-find, in this order:
 *   1. alias "merge" rules (by hand);
 *   2. equal phonetic keys (kzi_name_key) with the same number of words:
 *      "Tokayev"/"Toqayev", "Kassym-Jomart Tokayev"/"Qassym-Shomart
 *      Toqayev", "Nur-Sultan"/"Nursultan", "Kazakhstan"/"Kasachstan";
 *      acronyms (all capitals) are keyed by their letters only;
 *   3. an acronym with its long form where a document defined it;
 *   4. a single word that is not a place or organization with the most
 *      mentioned person whose last name has the same key ("Kortunov" ->
 *      "Andrei Kortunov"); a first name alone ("Nursultan") never joins a
 *      person this way.
 * Alias "split" rules veto any automatic join that would put their two
 * spellings in one entity.
 *
 * The canonical name is the most mentioned spelling of several words that
 * is not an acronym, else the most mentioned spelling.
 *
 * The alias table's text form is one rule a line: "merge\tA\tB" or
 * "split\tA\tB"; '#' starts a comment line.
 */
#include <stdlib.h>
#include <string.h>

#include <unicase.h>

#include "analysis_int.h"

/* ---------------------------------------------------------------------
 * Phonetic key
 * --------------------------------------------------------------------- */

/* Romanization of one code point (lowercase) into ASCII, or NULL to keep
 * nothing; *sep set for word separators. */
static const char *romanize(uint32_t c) {
  static const char *const cyr[] = {
    "a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"
  };
  if (c >= 0x430 && c <= 0x44f) return cyr[c - 0x430];
  switch (c) {
    case 0x451: return "e";   /* ё */
    case 0x456: return "i";   /* і */
    case 0x4d9: return "a";   /* ә */
    case 0x493: return "g";   /* ғ */
    case 0x49b: return "q";   /* қ */
    case 0x4a3: return "n";   /* ң */
    case 0x4e9: return "o";   /* ө */
    case 0x4b1: case 0x4af: return "u";
    case 0x4bb: return "h";
    case 0x454: return "ye";  /* є */
    case 0x457: return "yi";  /* ї */
    case 0xdf: return "ss";
    case 0x161: case 0x15f: return "sh";
    case 0x17e: return "zh";
    case 0x10d: return "ch";
    case 0x107: case 0x109: case 0x10b: return "c";
    case 0x142: return "l";
    case 0x15b: return "s";
    case 0x17a: case 0x17c: return "z";
    case 0x11f: return "g";
    case 0x131: return "i";
    case 0x148: case 0x144: return "n";
    case 0x159: return "r";
    case 0x165: return "t";
    case 0x10f: case 0x111: return "d";
    case 0xe6: return "ae";
    case 0xf8: case 0x153: return "o";
    default: break;
  }
  if (c >= 0xe0 && c <= 0xe5) return "a";
  if (c == 0xe7) return "c";
  if (c >= 0xe8 && c <= 0xeb) return "e";
  if (c >= 0xec && c <= 0xef) return "i";
  if (c == 0xf1) return "n";
  if (c >= 0xf2 && c <= 0xf6) return "o";
  if (c >= 0xf9 && c <= 0xfc) return "u";
  if (c == 0xfd || c == 0xff) return "y";
  if (c >= 0x100 && c <= 0x105) return "a";
  if (c >= 0x112 && c <= 0x11b) return "e";
  if (c >= 0x128 && c <= 0x12f) return "i";
  if (c >= 0x14c && c <= 0x151) return "o";
  if (c >= 0x168 && c <= 0x173) return "u";
  return NULL;
}

static bool vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; }

/* Key of one romanized lowercase word w[0..n). */
static int word_key(kzi_buf *b, char *w, size_t n) {
  char cls[256];
  size_t i = 0, k = 0, j;
  char out[256];
  size_t o = 0;
  if (n == 0) return KZ_OK;
  if (n > 200) n = 200;
  /* endings: -off/-ow -> -ov, -eff/-ieff -> -ev */
  if (n > 4 && memcmp(w + n - 3, "off", 3) == 0) { w[n - 2] = 'v'; n--; }
  else if (n > 4 && memcmp(w + n - 3, "eff", 3) == 0) { w[n - 2] = 'v'; n--; }
  else if (n > 4 && memcmp(w + n - 2, "ow", 2) == 0) w[n - 1] = 'v';
  while (i < n) {
    char c = w[i], c2 = i + 1 < n ? w[i + 1] : 0, c3 = i + 2 < n ? w[i + 2] : 0;
    char x;
    size_t used = 1;
    if (c == 's' && c2 == 'h' && c3 == 'c' && i + 3 < n && w[i + 3] == 'h') { x = 's'; used = 4; }
    else if (c == 't' && c2 == 's' && c3 == 'c' && i + 3 < n && w[i + 3] == 'h') { x = 'k'; used = 4; }
    else if (c == 's' && c2 == 'c' && c3 == 'h') { x = 's'; used = 3; }
    else if (c == 'd' && c2 == 'z' && c3 == 'h') { x = 's'; used = 3; }
    else if (c == 't' && c2 == 'c' && c3 == 'h') { x = 'k'; used = 3; }
    else if ((c == 's' || c == 'z') && c2 == 'h') { x = 's'; used = 2; }
    else if ((c == 'c' || c == 'k') && c2 == 'h') { x = 'k'; used = 2; }
    else if (c == 'c' && c2 == 'k') { x = 'k'; used = 2; }
    else if (c == 'p' && c2 == 'h') { x = 'f'; used = 2; }
    else if ((c == 't' || c == 'g') && c2 == 'h') { x = c; used = 2; }
    else if (c == 'd' && c2 == 'j') { x = 's'; used = 2; }
    else if (c == 'x') { cls[k++] = 'k'; x = 's'; }
    else if (c == 'q' || c == 'c' || c == 'k') x = 'k';
    else if (c == 'j' || c == 'z' || c == 's') x = 's';
    else if (c == 'w' || c == 'v') x = 'v';
    else if (c == 'h') x = 0;
    else if (vowel(c)) x = 'a';
    else if (c >= 'a' && c <= 'z') x = c;
    else x = 0;
    if (x && k < sizeof cls - 2) cls[k++] = x;
    i += used;
  }
  for (j = 0; j < k; j++) {
    if (j > 0 && cls[j] == cls[j - 1]) continue;
    if (cls[j] == 'a' && o > 0) continue;
    if (o > 0 && out[o - 1] == cls[j]) continue;
    out[o++] = cls[j];
  }
  /* collapse again after dropping vowels: "Massimov" m-s-s-m-v */
  if (kzi_buf_append(b, out, o)) return KZ_ENOMEM;
  return KZ_OK;
}

int kzi_name_key(kzi_buf *b, const char *s, size_t n) {
  char w[256];
  size_t wl = 0, i = 0, words = 0, letters = 0, upper = 0;
  /* acronyms keep their letters */
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 'A' && c <= 'Z') { letters++; upper++; }
    else if ((c >= 'a' && c <= 'z') || c >= 0x80) letters++;
  }
  if (letters >= 2 && letters == upper && letters <= 8) {
    if (kzi_buf_append(b, "#", 1)) return KZ_ENOMEM;
    for (i = 0; i < n; i++)
      if (s[i] >= 'A' && s[i] <= 'Z' && kzi_buf_append(b, s + i, 1)) return KZ_ENOMEM;
    return KZ_OK;
  }
  i = 0;
  while (i <= n) {
    uint32_t c;
    size_t l = 1;
    if (i == n) c = ' ';
    else {
      unsigned char u = (unsigned char)s[i];
      if (u < 0x80) c = u;
      else {
        int32_t d = kzi_utf8_decode((const unsigned char *)s + i, n - i, &l);
        c = d < 0 ? 0xfffd : (uint32_t)d;
      }
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == 0xa0) {
      if (wl) {
        if (words++ && kzi_buf_append(b, " ", 1)) return KZ_ENOMEM;
        if (word_key(b, w, wl)) return KZ_ENOMEM;
        wl = 0;
      }
    } else if (c < 0x80) {
      char ch = (char)c;
      if (ch >= 'A' && ch <= 'Z') ch = (char)(ch + 32);
      if (ch >= 'a' && ch <= 'z' && wl < sizeof w - 5) w[wl++] = ch;
      else if (ch >= '0' && ch <= '9' && wl < sizeof w - 5) w[wl++] = ch;
    } else {
      const char *r;
      ucs4_t lc = uc_tolower((ucs4_t)c);
      r = romanize(lc);
      if (r) {
        size_t rl = strlen(r);
        if (wl + rl < sizeof w - 5) { memcpy(w + wl, r, rl); wl += rl; }
      }
    }
    i += l;
  }
  return KZ_OK;
}

int kz_entity_key(kz_buf *out, const char *name, size_t len) {
  kzi_buf b = {0};
  int rc;
  if (out == NULL || (name == NULL && len)) return kzi_seterr(NULL, KZ_EINVAL, "kz_entity_key: NULL argument");
  out->ptr = NULL;
  out->len = 0;
  rc = kzi_name_key(&b, name ? name : "", len);
  if (rc == KZ_OK) rc = kzi_buf_append(&b, "", 1);
  if (rc) { kzi_buf_free(&b); return kzi_seterr(NULL, KZ_ENOMEM, "out of memory"); }
  out->ptr = b.p;
  out->len = b.n - 1;
  return KZ_OK;
}

/* ---------------------------------------------------------------------
 * The set
 * --------------------------------------------------------------------- */

typedef struct emention {
  uint32_t text, expansion, src;
  int kind;
} emention;

typedef struct evariant {
  uint32_t text, key, lastkey;
  size_t count;
  size_t votes[4];
  uint32_t words;
  bool acronym;
  uint32_t parent;
} evariant;

typedef struct ecount { uint32_t what; size_t count; } ecount;

typedef struct entity {
  uint32_t name;
  int kind;
  size_t count;
  size_t v0, nv; /* in es->ev */
  size_t s0, ns; /* in es->es */
} entity;

typedef struct alias { int merge; uint32_t a, b; } alias;

struct kz_entities {
  kzi_errbuf err;
  kzi_buf strs;
  kzi_buf keys;            /* phonetic keys of the variants (per clustering) */
  emention *m; size_t nm, mcap;
  uint32_t *src; size_t nsrc, srccap;
  alias *al; size_t nal, alcap;
  /* results */
  evariant *v; size_t nv;
  entity *e; size_t ne;
  ecount *ev; size_t nev;  /* variants of entities: what = variant text */
  ecount *es; size_t nes;  /* sources of entities: what = source text */
  bool clustered;
};

static uint32_t es_str(kz_entities *es, const char *s, size_t n, int *rc) {
  size_t off = es->strs.n;
  if (*rc) return KZI_NIL;
  if (off > 0x7fffffffu || kzi_buf_reserve(&es->strs, n + 1)) { *rc = KZ_ENOMEM; return KZI_NIL; }
  memcpy(es->strs.p + off, s, n);
  es->strs.p[off + n] = 0;
  es->strs.n += n + 1;
  return (uint32_t)off;
}
#define ES(es, off) ((es)->strs.p + (off))
#define KS(es, off) ((es)->keys.p + (off))

int kz_entities_new(kz_entities **out) {
  kz_entities *es;
  if (out == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_entities_new: out is NULL");
  es = calloc(1, sizeof *es);
  if (es == NULL) return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  *out = es;
  return KZ_OK;
}

static void free_results(kz_entities *es) {
  es->keys.n = 0;
  free(es->v); es->v = NULL; es->nv = 0;
  free(es->e); es->e = NULL; es->ne = 0;
  free(es->ev); es->ev = NULL; es->nev = 0;
  free(es->es); es->es = NULL; es->nes = 0;
  es->clustered = false;
}

void kz_entities_free(kz_entities *es) {
  if (es == NULL) return;
  free_results(es);
  free(es->m);
  free(es->src);
  free(es->al);
  kzi_buf_free(&es->strs);
  kzi_buf_free(&es->keys);
  free(es);
}

const char *kz_entities_errmsg(const kz_entities *es) { return es ? es->err.msg : ""; }

static uint32_t source_id(kz_entities *es, const char *s, int *rc) {
  size_t i;
  for (i = 0; i < es->nsrc; i++)
    if (strcmp(ES(es, es->src[i]), s) == 0) return (uint32_t)i;
  if (es->nsrc == es->srccap) {
    size_t nc = es->srccap ? es->srccap * 2 : 8;
    uint32_t *n = realloc(es->src, nc * sizeof *n);
    if (n == NULL) { *rc = KZ_ENOMEM; return 0; }
    es->src = n;
    es->srccap = nc;
  }
  es->src[es->nsrc] = es_str(es, s, strlen(s), rc);
  return (uint32_t)es->nsrc++;
}

int kz_entities_add_mentions(kz_entities *es, const kz_mentions *m, const char *source) {
  size_t i, n;
  int rc = 0;
  uint32_t src;
  if (es == NULL || m == NULL) return kzi_seterr(es ? &es->err : NULL, KZ_EINVAL, "kz_entities_add_mentions: NULL argument");
  kzi_clearerr(&es->err);
  src = source_id(es, source ? source : "unknown", &rc);
  n = kz_mentions_count(m);
  for (i = 0; i < n && !rc; i++) {
    const char *t = kz_mention_text(m, i), *x = kz_mention_expansion(m, i);
    emention *e;
    if (es->nm == es->mcap) {
      size_t nc = es->mcap ? es->mcap * 2 : 256;
      emention *nm = realloc(es->m, nc * sizeof *nm);
      if (nm == NULL) { rc = KZ_ENOMEM; break; }
      es->m = nm;
      es->mcap = nc;
    }
    e = &es->m[es->nm];
    e->text = es_str(es, t, strlen(t), &rc);
    e->expansion = x ? es_str(es, x, strlen(x), &rc) : KZI_NIL;
    e->src = src;
    e->kind = kz_mention_kind(m, i);
    if (e->kind < 0 || e->kind > 3) e->kind = 0;
    if (!rc) es->nm++;
  }
  es->clustered = false;
  if (rc) return kzi_seterr(&es->err, rc, "out of memory adding mentions");
  return KZ_OK;
}

int kz_entities_add_article(kz_entities *es, const kz_article *a, const char *source) {
  kz_mentions *m = NULL;
  int rc;
  if (es == NULL || a == NULL) return kzi_seterr(es ? &es->err : NULL, KZ_EINVAL, "kz_entities_add_article: NULL argument");
  rc = kz_article_mentions(&m, a);
  if (rc) return kzi_seterr(&es->err, rc, "%s", kz_last_errmsg());
  if (source == NULL) source = kz_article_source(a);
  rc = kz_entities_add_mentions(es, m, source);
  kz_mentions_free(m);
  return rc;
}

/* ---------------------------------------------------------------------
 * Clustering
 * --------------------------------------------------------------------- */

static _Thread_local const kz_entities *sort_es; /* qsort has no payload */

static int cmp_mention(const void *a, const void *b) {
  const emention *x = a, *y = b;
  return strcmp(ES(sort_es, x->text), ES(sort_es, y->text));
}

static uint32_t find(evariant *v, uint32_t i) {
  while (v[i].parent != i) {
    v[i].parent = v[v[i].parent].parent;
    i = v[i].parent;
  }
  return i;
}

static bool split_forbids(kz_entities *es, uint32_t ra, uint32_t rb) {
  size_t i, j, k;
  for (i = 0; i < es->nal; i++) {
    uint32_t pa = KZI_NIL, pb = KZI_NIL;
    if (es->al[i].merge) continue;
    for (j = 0; j < es->nv; j++) {
      if (strcmp(ES(es, es->v[j].text), ES(es, es->al[i].a)) == 0) pa = find(es->v, (uint32_t)j);
      if (strcmp(ES(es, es->v[j].text), ES(es, es->al[i].b)) == 0) pb = find(es->v, (uint32_t)j);
    }
    k = 0;
    (void)k;
    if (pa == KZI_NIL || pb == KZI_NIL) continue;
    if ((pa == ra && pb == rb) || (pa == rb && pb == ra)) return true;
  }
  return false;
}

static void unite(kz_entities *es, uint32_t a, uint32_t b, bool manual) {
  uint32_t ra = find(es->v, a), rb = find(es->v, b);
  if (ra == rb) return;
  if (!manual && split_forbids(es, ra, rb)) return;
  if (es->v[ra].count < es->v[rb].count) { uint32_t t = ra; ra = rb; rb = t; }
  es->v[rb].parent = ra;
}

static int vote_kind(const size_t *v) {
  int k, best = 0;
  for (k = 1; k < 4; k++)
    if (v[k] > v[best]) best = k;
  return best;
}

static uint32_t variant_of(const kz_entities *es, const char *s) {
  size_t lo = 0, hi = es->nv;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(ES(es, es->v[mid].text), s);
    if (c == 0) return (uint32_t)mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return KZI_NIL;
}

static int cmp_key_idx(const void *a, const void *b) {
  const evariant *x = &sort_es->v[*(const uint32_t *)a], *y = &sort_es->v[*(const uint32_t *)b];
  int c = strcmp(KS(sort_es, x->key), KS(sort_es, y->key));
  return c ? c : (int)(*(const uint32_t *)a) - (int)(*(const uint32_t *)b);
}

static int cmp_entity(const void *a, const void *b) {
  const entity *x = a, *y = b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return strcmp(ES(sort_es, x->name), ES(sort_es, y->name));
}

int kz_entities_cluster(kz_entities *es) {
  size_t i, j;
  int rc = 0;
  uint32_t *idx = NULL, *root_ent = NULL;
  kzi_buf kb = {0};
  if (es == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_entities_cluster: NULL argument");
  kzi_clearerr(&es->err);
  free_results(es);
  sort_es = es;
  if (es->nm) qsort(es->m, es->nm, sizeof *es->m, cmp_mention);
  /* variants */
  es->v = calloc(es->nm ? es->nm : 1, sizeof *es->v);
  if (es->v == NULL) goto nomem;
  for (i = 0; i < es->nm; i++) {
    evariant *v;
    if (es->nv == 0 || strcmp(ES(es, es->v[es->nv - 1].text), ES(es, es->m[i].text)) != 0) {
      const char *t = ES(es, es->m[i].text), *sp;
      v = &es->v[es->nv];
      v->text = es->m[i].text;
      v->parent = (uint32_t)es->nv;
      kb.n = 0;
      if (kzi_name_key(&kb, t, strlen(t))) goto nomem;
      if (es->keys.n > 0x7fffffffu || kzi_buf_append(&es->keys, kb.p ? kb.p : "", kb.n) ||
          kzi_buf_append(&es->keys, "", 1))
        goto nomem;
      v->key = (uint32_t)(es->keys.n - kb.n - 1);
      sp = strrchr(KS(es, v->key), ' ');
      v->lastkey = sp ? v->key + (uint32_t)(sp - KS(es, v->key)) + 1 : v->key;
      v->acronym = KS(es, v->key)[0] == '#';
      v->words = 1;
      for (sp = t; *sp; sp++)
        if (*sp == ' ') v->words++;
      if (rc) goto nomem;
      es->nv++;
    }
    v = &es->v[es->nv - 1];
    v->count++;
    v->votes[es->m[i].kind]++;
  }
  /* 1. manual merges */
  for (i = 0; i < es->nal; i++) {
    uint32_t a, b;
    if (!es->al[i].merge) continue;
    a = variant_of(es, ES(es, es->al[i].a));
    b = variant_of(es, ES(es, es->al[i].b));
    if (a != KZI_NIL && b != KZI_NIL) unite(es, a, b, true);
  }
  /* 2. equal keys with equal word counts */
  idx = malloc((es->nv ? es->nv : 1) * sizeof *idx);
  if (idx == NULL) goto nomem;
  for (i = 0; i < es->nv; i++) idx[i] = (uint32_t)i;
  if (es->nv) qsort(idx, es->nv, sizeof *idx, cmp_key_idx);
  for (i = 1; i < es->nv; i++) {
    evariant *a = &es->v[idx[i - 1]], *b = &es->v[idx[i]];
    if (strcmp(KS(es, a->key), KS(es, b->key)) != 0 || a->words != b->words) continue;
    if (strlen(KS(es, a->key)) < 3) continue;
    /* a person never joins a place by key */
    {
      int ka = vote_kind(a->votes), kb2 = vote_kind(b->votes);
      if (ka != kb2 && ka != KZ_ENTITY_OTHER && kb2 != KZ_ENTITY_OTHER) continue;
    }
    unite(es, idx[i - 1], idx[i], false);
  }
  /* 3. acronyms with their long forms */
  for (i = 0; i < es->nm; i++) {
    uint32_t a, b;
    if (es->m[i].expansion == KZI_NIL) continue;
    a = variant_of(es, ES(es, es->m[i].text));
    b = variant_of(es, ES(es, es->m[i].expansion));
    if (a != KZI_NIL && b != KZI_NIL) unite(es, a, b, false);
  }
  /* 4. surnames alone */
  for (i = 0; i < es->nv; i++) {
    evariant *s = &es->v[i];
    int k = vote_kind(s->votes);
    uint32_t best = KZI_NIL;
    size_t bestc = 0;
    if (s->words != 1 || s->acronym || k != KZ_ENTITY_PERSON) continue;
    for (j = 0; j < es->nv; j++) {
      evariant *f = &es->v[j];
      if (f->words < 2 || vote_kind(f->votes) != KZ_ENTITY_PERSON) continue;
      if (strcmp(KS(es, f->lastkey), KS(es, s->key)) != 0) continue;
      if (f->count > bestc) { bestc = f->count; best = (uint32_t)j; }
    }
    if (best != KZI_NIL) unite(es, (uint32_t)i, best, false);
  }
  /* entities */
  root_ent = malloc((es->nv ? es->nv : 1) * sizeof *root_ent);
  es->e = calloc(es->nv ? es->nv : 1, sizeof *es->e);
  es->ev = calloc(es->nv ? es->nv : 1, sizeof *es->ev);
  if (root_ent == NULL || es->e == NULL || es->ev == NULL) goto nomem;
  for (i = 0; i < es->nv; i++) root_ent[i] = KZI_NIL;
  {
    /* order variants by entity: count per root, then place */
    size_t *fill;
    size_t (*votes)[4];
    for (i = 0; i < es->nv; i++) {
      uint32_t r = find(es->v, (uint32_t)i);
      if (root_ent[r] == KZI_NIL) root_ent[r] = (uint32_t)es->ne++;
      es->e[root_ent[r]].nv++;
      es->e[root_ent[r]].count += es->v[i].count;
    }
    fill = calloc(es->ne ? es->ne : 1, sizeof *fill);
    votes = calloc(es->ne ? es->ne : 1, sizeof *votes);
    if (fill == NULL || votes == NULL) { free(fill); free(votes); goto nomem; }
    for (i = 0, j = 0; i < es->ne; i++) { es->e[i].v0 = j; j += es->e[i].nv; }
    for (i = 0; i < es->nv; i++) {
      uint32_t e = root_ent[find(es->v, (uint32_t)i)];
      entity *en = &es->e[e];
      evariant *v = &es->v[i];
      size_t k;
      es->ev[en->v0 + fill[e]].what = v->text;
      es->ev[en->v0 + fill[e]].count = v->count;
      fill[e]++;
      for (k = 0; k < 4; k++) votes[e][k] += v->votes[k];
      /* canonical name */
      {
        bool cand_multi = v->words >= 2 && !v->acronym;
        const evariant *cur = en->name ? NULL : NULL;
        (void)cur;
        if (fill[e] == 1) en->name = v->text;
        else {
          uint32_t ci = variant_of(es, ES(es, en->name));
          const evariant *c = &es->v[ci];
          bool cur_multi = c->words >= 2 && !c->acronym;
          if ((cand_multi && !cur_multi) || (cand_multi == cur_multi && v->count > c->count))
            en->name = v->text;
        }
      }
    }
    for (i = 0; i < es->ne; i++) {
      es->e[i].kind = vote_kind(votes[i]);
      if (es->e[i].kind == KZ_ENTITY_OTHER && votes[i][0] * 2 < es->e[i].count) {
        size_t k, best = 1;
        for (k = 2; k < 4; k++)
          if (votes[i][k] > votes[i][best]) best = k;
        if (votes[i][best]) es->e[i].kind = (int)best;
      }
    }
    free(fill);
    free(votes);
  }
  /* sources: count per (entity, source) */
  {
    size_t *cnt = calloc((es->ne ? es->ne : 1) * (es->nsrc ? es->nsrc : 1), sizeof *cnt);
    size_t ns = es->nsrc ? es->nsrc : 1;
    if (cnt == NULL) goto nomem;
    for (i = 0; i < es->nm; i++) {
      uint32_t v = variant_of(es, ES(es, es->m[i].text));
      uint32_t e = root_ent[find(es->v, v)];
      cnt[e * ns + es->m[i].src]++;
    }
    for (i = 0; i < es->ne * ns; i++)
      if (cnt[i]) es->nes++;
    es->es = calloc(es->nes ? es->nes : 1, sizeof *es->es);
    if (es->es == NULL) { free(cnt); goto nomem; }
    for (i = 0, j = 0; i < es->ne; i++) {
      size_t k;
      es->e[i].s0 = j;
      for (k = 0; k < es->nsrc; k++)
        if (cnt[i * ns + k]) {
          es->es[j].what = es->src[k];
          es->es[j].count = cnt[i * ns + k];
          j++;
        }
      es->e[i].ns = j - es->e[i].s0;
    }
    free(cnt);
  }
  /* most mentioned first; variants inside by count */
  for (i = 0; i < es->ne; i++) {
    size_t a, b;
    entity *en = &es->e[i];
    for (a = 1; a < en->nv; a++)
      for (b = a; b > 0 && es->ev[en->v0 + b].count > es->ev[en->v0 + b - 1].count; b--) {
        ecount t = es->ev[en->v0 + b];
        es->ev[en->v0 + b] = es->ev[en->v0 + b - 1];
        es->ev[en->v0 + b - 1] = t;
      }
  }
  if (es->ne) qsort(es->e, es->ne, sizeof *es->e, cmp_entity);
  free(idx);
  free(root_ent);
  kzi_buf_free(&kb);
  es->clustered = true;
  return KZ_OK;
nomem:
  free(idx);
  free(root_ent);
  kzi_buf_free(&kb);
  free_results(es);
  return kzi_seterr(&es->err, KZ_ENOMEM, "out of memory clustering entities");
}

/* ---------------------------------------------------------------------
 * Accessors
 * --------------------------------------------------------------------- */

size_t kz_entities_count(const kz_entities *es) { return es && es->clustered ? es->ne : 0; }
#define ENT_OK(es, i) ((es) && (es)->clustered && (i) < (es)->ne)
const char *kz_entity_name(const kz_entities *es, size_t i) {
  return ENT_OK(es, i) ? ES(es, es->e[i].name) : NULL;
}
int kz_entity_kind(const kz_entities *es, size_t i) { return ENT_OK(es, i) ? es->e[i].kind : -1; }
size_t kz_entity_count(const kz_entities *es, size_t i) { return ENT_OK(es, i) ? es->e[i].count : 0; }
size_t kz_entity_variant_count(const kz_entities *es, size_t i) {
  return ENT_OK(es, i) ? es->e[i].nv : 0;
}
const char *kz_entity_variant(const kz_entities *es, size_t i, size_t j, size_t *count) {
  if (!ENT_OK(es, i) || j >= es->e[i].nv) return NULL;
  if (count) *count = es->ev[es->e[i].v0 + j].count;
  return ES(es, es->ev[es->e[i].v0 + j].what);
}
size_t kz_entity_source_count(const kz_entities *es, size_t i) {
  return ENT_OK(es, i) ? es->e[i].ns : 0;
}
const char *kz_entity_source(const kz_entities *es, size_t i, size_t j, size_t *count) {
  if (!ENT_OK(es, i) || j >= es->e[i].ns) return NULL;
  if (count) *count = es->es[es->e[i].s0 + j].count;
  return ES(es, es->es[es->e[i].s0 + j].what);
}

int kz_entities_lookup(const kz_entities *es, const char *name, size_t len, size_t *index) {
  size_t i, j, pass;
  kzi_buf kb = {0};
  if (es == NULL || name == NULL || index == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_entities_lookup: NULL argument");
  if (!es->clustered) return kzi_seterr(NULL, KZ_ENOTFOUND, "entities are not clustered");
  if (kzi_name_key(&kb, name, len) || kzi_buf_append(&kb, "", 1)) {
    kzi_buf_free(&kb);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  for (pass = 0; pass < 2; pass++)
    for (i = 0; i < es->ne; i++)
      for (j = 0; j < es->e[i].nv; j++) {
        const char *v = ES(es, es->ev[es->e[i].v0 + j].what);
        bool hit;
        if (pass == 0) hit = strlen(v) == len && memcmp(v, name, len) == 0;
        else {
          uint32_t vi = variant_of(es, v);
          hit = vi != KZI_NIL && strcmp(KS(es, es->v[vi].key), kb.p) == 0;
        }
        if (hit) {
          *index = i;
          kzi_buf_free(&kb);
          return KZ_OK;
        }
      }
  kzi_buf_free(&kb);
  return kzi_seterr(NULL, KZ_ENOTFOUND, "no entity named \"%.*s\"", (int)(len > 200 ? 200 : len), name);
}

int kz_entities_to_json(const kz_entities *es, kz_buf *out) {
  kzi_buf b = {0};
  int rc = 0;
  size_t i, j;
  if (es == NULL || out == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_entities_to_json: NULL argument");
  for (i = 0; i < kz_entities_count(es); i++) {
    const entity *e = &es->e[i];
    kzi_ajson_raw(&b, &rc, "{\"name\":");
    kzi_ajson_str(&b, &rc, ES(es, e->name));
    kzi_ajson_raw(&b, &rc, ",\"kind\":");
    kzi_ajson_str(&b, &rc, kz_entity_kind_name(e->kind));
    kzi_ajson_raw(&b, &rc, ",\"variants\":{");
    for (j = 0; j < e->nv; j++) {
      if (j) kzi_ajson_raw(&b, &rc, ",");
      kzi_ajson_str(&b, &rc, ES(es, es->ev[e->v0 + j].what));
      kzi_ajson_raw(&b, &rc, ":");
      kzi_ajson_size(&b, &rc, es->ev[e->v0 + j].count);
    }
    kzi_ajson_raw(&b, &rc, "},\"count\":");
    kzi_ajson_size(&b, &rc, e->count);
    kzi_ajson_raw(&b, &rc, ",\"by_source\":{");
    for (j = 0; j < e->ns; j++) {
      if (j) kzi_ajson_raw(&b, &rc, ",");
      kzi_ajson_str(&b, &rc, ES(es, es->es[e->s0 + j].what));
      kzi_ajson_raw(&b, &rc, ":");
      kzi_ajson_size(&b, &rc, es->es[e->s0 + j].count);
    }
    kzi_ajson_raw(&b, &rc, "}}\n");
  }
  return kzi_ajson_out(&b, rc, out);
}

/* ---------------------------------------------------------------------
 * Alias table
 * --------------------------------------------------------------------- */

static int add_alias(kz_entities *es, int merge, const char *a, size_t an, const char *b, size_t bn) {
  int rc = 0;
  alias *al;
  if (es->nal == es->alcap) {
    size_t nc = es->alcap ? es->alcap * 2 : 8;
    alias *n = realloc(es->al, nc * sizeof *n);
    if (n == NULL) return KZ_ENOMEM;
    es->al = n;
    es->alcap = nc;
  }
  al = &es->al[es->nal];
  al->merge = merge;
  al->a = es_str(es, a, an, &rc);
  al->b = es_str(es, b, bn, &rc);
  if (rc) return rc;
  es->nal++;
  es->clustered = false;
  return KZ_OK;
}

int kz_entities_alias_merge(kz_entities *es, const char *a, const char *b) {
  if (es == NULL || a == NULL || b == NULL) return kzi_seterr(es ? &es->err : NULL, KZ_EINVAL, "kz_entities_alias_merge: NULL argument");
  if (add_alias(es, 1, a, strlen(a), b, strlen(b))) return kzi_seterr(&es->err, KZ_ENOMEM, "out of memory");
  return KZ_OK;
}

int kz_entities_alias_split(kz_entities *es, const char *a, const char *b) {
  if (es == NULL || a == NULL || b == NULL) return kzi_seterr(es ? &es->err : NULL, KZ_EINVAL, "kz_entities_alias_split: NULL argument");
  if (add_alias(es, 0, a, strlen(a), b, strlen(b))) return kzi_seterr(&es->err, KZ_ENOMEM, "out of memory");
  return KZ_OK;
}

void kz_entities_alias_clear(kz_entities *es) {
  if (es == NULL) return;
  es->nal = 0;
  es->clustered = false;
}

static void put_clean(kzi_buf *b, int *rc, const char *s) {
  for (; *s && !*rc; s++) {
    char c = (*s == '\t' || *s == '\n' || *s == '\r') ? ' ' : *s;
    *rc = kzi_buf_append(b, &c, 1);
  }
}

int kz_entities_alias_save(const kz_entities *es, kz_buf *out) {
  kzi_buf b = {0};
  int rc = 0;
  size_t i;
  if (es == NULL || out == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_entities_alias_save: NULL argument");
  for (i = 0; i < es->nal && !rc; i++) {
    rc = kzi_buf_append(&b, es->al[i].merge ? "merge\t" : "split\t", 6);
    put_clean(&b, &rc, ES(es, es->al[i].a));
    if (!rc) rc = kzi_buf_append(&b, "\t", 1);
    put_clean(&b, &rc, ES(es, es->al[i].b));
    if (!rc) rc = kzi_buf_append(&b, "\n", 1);
  }
  return kzi_ajson_out(&b, rc, out);
}

int kz_entities_alias_load(kz_entities *es, const char *text, size_t len) {
  size_t i = 0, line = 0, pass;
  if (es == NULL || (text == NULL && len)) return kzi_seterr(es ? &es->err : NULL, KZ_EINVAL, "kz_entities_alias_load: NULL argument");
  /* pass 0 checks every line, pass 1 adds: all or nothing */
  for (pass = 0; pass < 2; pass++) {
    i = 0;
    line = 0;
    while (i < len) {
      size_t s = i, e, t1, t2;
      int merge;
      while (i < len && text[i] != '\n') i++;
      e = i;
      if (i < len) i++;
      line++;
      if (e > s && text[e - 1] == '\r') e--;
      if (e == s || text[s] == '#') continue;
      if (e - s > 6 && memcmp(text + s, "merge\t", 6) == 0) merge = 1;
      else if (e - s > 6 && memcmp(text + s, "split\t", 6) == 0) merge = 0;
      else return kzi_seterr(&es->err, KZ_EFORMAT, "alias table line %zu: expected \"merge\" or \"split\" and a tab", line);
      t1 = s + 6;
      t2 = t1;
      while (t2 < e && text[t2] != '\t') t2++;
      if (t2 == e || t2 == t1 || t2 + 1 == e || memchr(text + t2 + 1, '\t', e - t2 - 1))
        return kzi_seterr(&es->err, KZ_EFORMAT, "alias table line %zu: expected two names separated by a tab", line);
      if (pass == 1 && add_alias(es, merge, text + t1, t2 - t1, text + t2 + 1, e - t2 - 1))
        return kzi_seterr(&es->err, KZ_ENOMEM, "out of memory");
    }
  }
  return KZ_OK;
}
