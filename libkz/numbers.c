/*
 * numbers.c - numeric claims.
 *
 * A claim is a number (digits or words, see numwords.c) with what sits
 * around it:
 *   - before it: a qualifier phrase, normalized ("at the minimum" and "no
 *     fewer than" -> "at least", "nearly" -> "almost", "over" -> "more
 *     than", "some"/"around" -> "about" ...), and a currency sign or code;
 *   - after it: a scale word ("billion", "bn", "Milliarden", "млн"), a
 *     percent sign or word, a currency word with an optional adjective
 *     ("Kazakh tenge", "US dollars"), a second number making a range
 *     ("2-3", "$2-$3 billion", "between 5 and 7"; "from 60 to 120" is a
 *     change, so two claims), and what is counted: a short noun phrase and
 *     a participle after optional auxiliaries ("police officers have been
 *     killed" -> "police officers killed"; "10,000 have been detained" ->
 *     "detained").
 * Separators: "3,000" and "3.000" (outside English) group thousands when
 * followed by exactly three digits; "0,14" is a decimal comma; groups split
 * by a no-break or thin space ("10 000") join.
 * Not claims: years (four digits 1800-2100 not followed by a plural noun),
 * days next to a month name, times of day ("10:29"), ordinals ("10th").
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"

typedef struct qual {
  const char *words[5];
  const char *norm;
  const char *lang; /* NULL: English (and any language) */
} qual;

static const qual quals[] = {
  {{"at", "the", "very", "least", NULL}, "at least", NULL},
  {{"at", "the", "minimum", NULL}, "at least", NULL},
  {{"at", "a", "minimum", NULL}, "at least", NULL},
  {{"a", "minimum", "of", NULL}, "at least", NULL},
  {{"no", "fewer", "than", NULL}, "at least", NULL},
  {{"no", "less", "than", NULL}, "at least", NULL},
  {{"not", "less", "than", NULL}, "at least", NULL},
  {{"at", "least", NULL}, "at least", NULL},
  {{"more", "than", NULL}, "more than", NULL},
  {{"in", "excess", "of", NULL}, "more than", NULL},
  {{"upwards", "of", NULL}, "more than", NULL},
  {{"well", "over", NULL}, "more than", NULL},
  {{"just", "over", NULL}, "more than", NULL},
  {{"over", NULL}, "more than", NULL},
  {{"above", NULL}, "more than", NULL},
  {{"exceeding", NULL}, "more than", NULL},
  {{"just", "under", NULL}, "almost", NULL},
  {{"close", "to", NULL}, "almost", NULL},
  {{"almost", NULL}, "almost", NULL},
  {{"nearly", NULL}, "almost", NULL},
  {{"roughly", NULL}, "about", NULL},
  {{"about", NULL}, "about", NULL},
  {{"around", NULL}, "about", NULL},
  {{"approximately", NULL}, "about", NULL},
  {{"an", "estimated", NULL}, "about", NULL},
  {{"estimated", NULL}, "about", NULL},
  {{"some", NULL}, "about", NULL},
  {{"up", "to", NULL}, "up to", NULL},
  {{"as", "many", "as", NULL}, "up to", NULL},
  {{"as", "much", "as", NULL}, "up to", NULL},
  {{"a", "maximum", "of", NULL}, "at most", NULL},
  {{"no", "more", "than", NULL}, "at most", NULL},
  {{"at", "most", NULL}, "at most", NULL},
  {{"less", "than", NULL}, "less than", NULL},
  {{"fewer", "than", NULL}, "less than", NULL},
  {{"under", NULL}, "less than", NULL},
  {{"below", NULL}, "less than", NULL},
  /* de */
  {{"mehr", "als", NULL}, "more than", "de"}, {{"über", NULL}, "more than", "de"},
  {{"mindestens", NULL}, "at least", "de"}, {{"wenigstens", NULL}, "at least", "de"},
  {{"fast", NULL}, "almost", "de"}, {{"knapp", NULL}, "almost", "de"},
  {{"beinahe", NULL}, "almost", "de"}, {{"etwa", NULL}, "about", "de"},
  {{"rund", NULL}, "about", "de"}, {{"ungefähr", NULL}, "about", "de"},
  {{"circa", NULL}, "about", "de"}, {{"ca", ".", NULL}, "about", "de"},
  {{"bis", "zu", NULL}, "up to", "de"}, {{"weniger", "als", NULL}, "less than", "de"},
  /* fr */
  {{"plus", "de", NULL}, "more than", "fr"}, {{"au", "moins", NULL}, "at least", "fr"},
  {{"près", "de", NULL}, "almost", "fr"}, {{"presque", NULL}, "almost", "fr"},
  {{"environ", NULL}, "about", "fr"}, {{"quelque", NULL}, "about", "fr"},
  {{"jusqu'à", NULL}, "up to", "fr"}, {{"moins", "de", NULL}, "less than", "fr"},
  /* es */
  {{"más", "de", NULL}, "more than", "es"}, {{"al", "menos", NULL}, "at least", "es"},
  {{"por", "lo", "menos", NULL}, "at least", "es"}, {{"casi", NULL}, "almost", "es"},
  {{"cerca", "de", NULL}, "almost", "es"}, {{"alrededor", "de", NULL}, "about", "es"},
  {{"unos", NULL}, "about", "es"}, {{"unas", NULL}, "about", "es"},
  {{"hasta", NULL}, "up to", "es"}, {{"menos", "de", NULL}, "less than", "es"},
  /* ru */
  {{"более", NULL}, "more than", "ru"}, {{"больше", NULL}, "more than", "ru"},
  {{"свыше", NULL}, "more than", "ru"}, {{"не", "менее", NULL}, "at least", "ru"},
  {{"по", "меньшей", "мере", NULL}, "at least", "ru"}, {{"минимум", NULL}, "at least", "ru"},
  {{"почти", NULL}, "almost", "ru"}, {{"около", NULL}, "about", "ru"},
  {{"примерно", NULL}, "about", "ru"}, {{"порядка", NULL}, "about", "ru"},
  {{"до", NULL}, "up to", "ru"}, {{"менее", NULL}, "less than", "ru"},
  {{NULL}, NULL, NULL}
};

static const char *const months[] = {
  "january", "february", "march", "april", "may", "june", "july", "august",
  "september", "october", "november", "december", "jan", "feb", "mar", "apr",
  "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "januar",
  "februar", "märz", "mai", "juni", "juli", "oktober", "dezember",
  "janvier", "février", "mars", "avril", "juin", "juillet", "août",
  "septembre", "octobre", "novembre", "décembre", "enero", "febrero",
  "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
  "octubre", "noviembre", "diciembre", "января", "февраля", "марта",
  "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
  "ноября", "декабря", NULL
};
static kzi_wordlist months_wl = KZI_WORDLIST(months);

static const char *const ordinal_suffixes[] = {
  "st", "nd", "rd", "th", "er", "e", "ème", "eme", "re", "º", "ª", "й", "го",
  "я", NULL
};
static kzi_wordlist ordinal_suffixes_wl = KZI_WORDLIST(ordinal_suffixes);

static const char *const currency_words[] = {
  "dollars", "dollar", "euros", "euro", "rubles", "ruble", "roubles",
  "rouble", "tenge", "pounds", "yuan", "renminbi", "som", "soms", "hryvnia",
  "hryvnias", "rupees", "yen", "francs", "lira", "liras", "manat", "dinars",
  "riyals", "dirhams", "won", "pesos", "zlotys", "rubel", "dollar",
  "рублей", "рубля", "рубль", "долларов", "доллара", "евро", "тенге", NULL
};
static kzi_wordlist currency_words_wl = KZI_WORDLIST(currency_words);
static const char *const currency_codes[] = {
  "USD", "USD", "EUR", "EUR", "RUB", "RUB", "RUB", "RUB", "KZT", "GBP", "CNY",
  "CNY", "KGS", "KGS", "UAH", "UAH", "INR", "JPY", "CHF", "TRY", "TRY",
  "AZN", "DINAR", "SAR", "AED", "KRW", "PESO", "PLN", "RUB", "USD", "RUB",
  "RUB", "RUB", "USD", "USD", "EUR", "KZT"
};

static const char *const percent_words[] = {
  "percent", "prozent", "процентов", "процента", "процент", "pct", NULL
};
static kzi_wordlist percent_words_wl = KZI_WORDLIST(percent_words);

static const char *const np_stop[] = {
  "of", "in", "on", "at", "to", "for", "from", "with", "by", "and", "or",
  "but", "the", "a", "an", "have", "has", "had", "were", "was", "are", "is",
  "be", "been", "being", "will", "would", "could", "can", "may", "might",
  "should", "must", "more", "than", "who", "that", "which", "as", "per",
  "each", "since", "during", "after", "before", "over", "under", "across",
  "into", "this", "these", "their", "its", "his", "her", "it", "they", "we",
  "he", "she", "reportedly", "already", "also", "now", "still", "or", "nor",
  "when", "while", "where", "ago", "later", "earlier", "between", "among",
  "about", "around", "up", "out", "not", "no", "only", "just", "so", "if",
  "than", "then", "there", "here", "what", "again", "all", "some", "such",
  "und", "der", "die", "das", "et", "de", "la", "le", "y", "el", "и", "в",
  NULL
};
static kzi_wordlist np_stop_wl = KZI_WORDLIST(np_stop);

static const char *const aux[] = {
  "have", "has", "had", "been", "were", "was", "are", "is", "be", "being",
  "reportedly", "already", "also", "were", "now", "officially", "allegedly",
  "wurden", "sind", "waren", "ont", "été", "han", "sido", "были", "было",
  NULL
};
static kzi_wordlist aux_wl = KZI_WORDLIST(aux);

static const char *const participles[] = {
  "dead", "hurt", "held", "shot", "slain", "taken", "missing", "left",
  "lost", "fled", "sent", "killed", "died", "injured", "wounded", "arrested",
  "detained", "displaced", "evacuated", "deployed", "getötet", "verletzt",
  "festgenommen", "tués", "blessés", "muertos", "heridos", "погибли",
  "задержаны", "ранены", NULL
};
static kzi_wordlist participles_wl = KZI_WORDLIST(participles);

typedef struct claim {
  double value, low, high;
  int range;
  const char *qualifier; /* static */
  const char *unit;      /* static */
  uint32_t counted;      /* strs offset or KZI_NIL */
  uint32_t exact;
  uint32_t start, end;
} claim;

typedef struct nctx {
  kzi_adoc *d;
  claim *c;
  size_t n, cap;
} nctx;

/* ---------------------------------------------------------------------
 * Reading digits
 * --------------------------------------------------------------------- */

static bool english(const kzi_adoc *d) { return d->lang[0] == 0 || strcmp(d->lang, "en") == 0; }

/* Parse a NUM token.  *plain: no separator at all. */
static double parse_digits(const kzi_adoc *d, uint32_t t, bool *plain, int *ndigits) {
  const char *s = kzi_tok_s(d, t);
  size_t n = kzi_tok_n(d, t), i, ncomma = 0, ndot = 0, lastsep = n;
  char dec_sep = 0, buf[64];
  size_t k = 0;
  bool groups3 = true;
  for (i = 0; i < n; i++) {
    if (s[i] == ',' || s[i] == '.') {
      size_t j = i + 1, m = 0;
      while (j < n && s[j] >= '0' && s[j] <= '9') { j++; m++; }
      if (m != 3) groups3 = false;
      if (s[i] == ',') ncomma++;
      else ndot++;
      lastsep = i;
    }
  }
  *plain = ncomma == 0 && ndot == 0;
  if (ncomma && ndot) dec_sep = s[lastsep];
  else if (ncomma) dec_sep = (groups3 && (ncomma > 1 || english(d) || true)) ? 0 : ',';
  else if (ndot) dec_sep = (groups3 && (ndot > 1 || !english(d))) ? 0 : '.';
  *ndigits = 0;
  for (i = 0; i < n && k + 1 < sizeof buf; i++) {
    if (s[i] >= '0' && s[i] <= '9') { buf[k++] = s[i]; (*ndigits)++; }
    else if (s[i] == dec_sep) buf[k++] = '.';
  }
  buf[k] = 0;
  return strtod(buf, NULL);
}

static const char *currency_sign(uint32_t cp) {
  switch (cp) {
    case '$': return "USD";
    case 0x20ac: return "EUR";
    case 0xa3: return "GBP";
    case 0xa5: return "JPY";
    case 0x20bd: return "RUB";
    case 0x20b8: return "KZT";
    case 0x20b4: return "UAH";
    case 0x20b9: return "INR";
    case 0x20ba: return "TRY";
    case 0x20a9: return "KRW";
    default: return NULL;
  }
}

/* A number at t (digits, possibly space-grouped, or words).  Returns the
 * tokens used, 0 if none. */
static uint32_t read_number(kzi_adoc *d, uint32_t t, uint32_t p1, double *v, double *lo,
                            double *hi, int *vague, bool *plain, int *ndig) {
  *vague = 0;
  *plain = false;
  *ndig = 0;
  if (d->toks[t].kind == KZI_AT_NUM) {
    uint32_t u = t + 1;
    *v = parse_digits(d, t, plain, ndig);
    /* "10 000": a no-break/thin space, or a plain space outside English */
    while (u < p1 && d->toks[u].kind == KZI_AT_NUM && kzi_tok_n(d, u) == 3 &&
           (*ndig <= 3 || !*plain) && *v == floor(*v)) {
      const unsigned char *gap = (const unsigned char *)d->text + d->toks[u - 1].end;
      size_t gl = d->toks[u].start - d->toks[u - 1].end;
      bool nb = (gl == 2 && gap[0] == 0xc2 && gap[1] == 0xa0) ||
                (gl == 3 && gap[0] == 0xe2 && gap[1] == 0x80 && (gap[2] == 0xaf || gap[2] == 0x89));
      if (!(nb || (gl == 1 && gap[0] == ' ' && !english(d)))) break;
      *v = *v * 1000 + strtod(kzi_tok_s(d, u), NULL);
      *plain = false;
      u++;
    }
    *lo = *hi = *v;
    return u - t;
  }
  {
    uint32_t n = kzi_number_words(d, t, v, lo, hi, vague);
    if (n && t + n <= p1) return n;
  }
  return 0;
}

/* ---------------------------------------------------------------------
 * Context
 * --------------------------------------------------------------------- */

/* Qualifier ending right before token t (>= p0).  *qstart = its first token. */
static const char *qualifier_before(const kzi_adoc *d, uint32_t t, uint32_t p0, uint32_t *qstart) {
  size_t i;
  for (i = 0; quals[i].norm; i++) {
    uint32_t n = 0, k;
    bool ok = true;
    if (quals[i].lang && strcmp(quals[i].lang, d->lang) != 0) continue;
    while (n < 5 && quals[i].words[n]) n++;
    if (t < p0 + n) continue;
    for (k = 0; k < n && ok; k++) {
      uint32_t tk = t - n + k;
      const char *w = quals[i].words[k];
      if (w[0] == '.' && w[1] == 0) ok = kzi_tok_punct(d, tk, '.');
      else ok = d->toks[tk].kind == KZI_AT_WORD && kzi_tok_is(d, tk, w);
    }
    if (!ok) {
      /* non-ASCII words: compare lowercased (ASCII ones were compared) */
      bool ascii = true;
      for (k = 0; k < n; k++)
        if (!(d->toks[t - n + k].flags & KZI_AF_ASCII)) ascii = false;
      if (ascii) continue;
      ok = true;
      for (k = 0; k < n && ok; k++) {
        char buf[64];
        uint32_t tk = t - n + k;
        if (kzi_tok_lower(d, tk, buf, sizeof buf) == 0 || strcmp(buf, quals[i].words[k]) != 0)
          ok = false;
      }
    }
    if (ok) {
      /* "some" and "over" only right before the number */
      *qstart = t - n;
      return quals[i].norm;
    }
  }
  return NULL;
}

static bool ends_in(const char *s, size_t n, const char *suf) {
  size_t m = strlen(suf);
  return n > m + 1 && memcmp(s + n - m, suf, m) == 0;
}

static bool participle(const kzi_adoc *d, uint32_t t) {
  if (t >= d->ntok || d->toks[t].kind != KZI_AT_WORD || !(d->toks[t].flags & KZI_AF_LOWER)) return false;
  if (kzi_tok_in(d, t, &participles_wl) >= 0) return true;
  return ends_in(kzi_tok_s(d, t), kzi_tok_n(d, t), "ed") && kzi_tok_in(d, t, &np_stop_wl) < 0;
}

/* What is counted after token t (exclusive start).  Returns the end token
 * (exclusive) of the phrase, or t when nothing is found; *counted gets a
 * string. */
static uint32_t counted_after(kzi_adoc *d, uint32_t t, uint32_t p1, uint32_t *counted) {
  uint32_t u = t, np0, np1, head0, v = KZI_NIL, k;
  kzi_buf b = {0};
  bool marks;
  *counted = KZI_NIL;
  /* quotation marks around the noun: 2,500 “peacekeepers” */
  while (u < p1 && d->toks[u].kind == KZI_AT_PUNCT &&
         (d->toks[u].cp == 0x201c || d->toks[u].cp == '"' || d->toks[u].cp == 0xab ||
          d->toks[u].cp == 0x201e || d->toks[u].cp == 0x2018))
    u++;
  marks = u > t;
  np0 = u;
  while (u < p1 && u < np0 + 4 && d->toks[u].kind == KZI_AT_WORD && kzi_tok_in(d, u, &np_stop_wl) < 0) {
    const char *s = kzi_tok_s(d, u);
    size_t n = kzi_tok_n(d, u);
    if (u > np0 && participle(d, u)) break;
    if ((d->toks[u].flags & KZI_AF_CAP) &&
        !(u + 1 < p1 && d->toks[u + 1].kind == KZI_AT_WORD && (d->toks[u + 1].flags & KZI_AF_LOWER)))
      break;
    u++;
    if ((d->toks[u - 1].flags & KZI_AF_LOWER) && n > 3 && s[n - 1] == 's' && s[n - 2] != 's') break;
    if (d->toks[u - 1].flags & KZI_AF_POSS) break;
  }
  np1 = u;
  /* drop capitalized adjectives before a lowercase noun */
  head0 = np0;
  while (head0 + 1 < np1 && (d->toks[head0].flags & KZI_AF_CAP) && (d->toks[head0 + 1].flags & KZI_AF_LOWER))
    head0++;
  if (np1 == np0 + 1 && participle(d, np0)) { v = np0; np1 = np0; }
  /* auxiliaries then a participle */
  if (v == KZI_NIL) {
    uint32_t w = np1;
    while (w < p1 && w < np1 + 3 && kzi_tok_in(d, w, &aux_wl) >= 0) w++;
    /* skip closing quotation marks */
    while (w < p1 && d->toks[w].kind == KZI_AT_PUNCT &&
           (d->toks[w].cp == 0x201d || d->toks[w].cp == '"' || d->toks[w].cp == 0xbb))
      w++;
    if (w < p1 && w < np1 + 4 && participle(d, w)) v = w;
  }
  if (np1 == np0 && v == KZI_NIL) return t;
  for (k = head0; k < np1; k++) {
    if (b.n && kzi_buf_append(&b, (d->toks[k].flags & KZI_AF_HYPH) ? "-" : " ", 1)) d->rc = KZ_ENOMEM;
    if (kzi_buf_append(&b, kzi_tok_s(d, k), kzi_tok_n(d, k))) d->rc = KZ_ENOMEM;
  }
  if (v != KZI_NIL) {
    if (b.n && kzi_buf_append(&b, " ", 1)) d->rc = KZ_ENOMEM;
    if (kzi_buf_append(&b, kzi_tok_s(d, v), kzi_tok_n(d, v))) d->rc = KZ_ENOMEM;
  }
  if (!d->rc && b.n) *counted = kzi_adoc_str(d, b.p, b.n);
  kzi_buf_free(&b);
  if (v != KZI_NIL) return v + 1;
  /* the claim as written keeps the closing mark of “peacekeepers” */
  if (marks && np1 < p1 && d->toks[np1].kind == KZI_AT_PUNCT && !(d->toks[np1].flags & KZI_AF_SPACE) &&
      (d->toks[np1].cp == 0x201d || d->toks[np1].cp == '"' || d->toks[np1].cp == 0xbb ||
       d->toks[np1].cp == 0x201c || d->toks[np1].cp == 0x2019))
    return np1 + 1;
  return np1;
}

static int push(nctx *c, const claim *cl) {
  if (c->n == c->cap) {
    size_t nc = c->cap ? c->cap * 2 : 32;
    claim *x = realloc(c->c, nc * sizeof *x);
    if (x == NULL) return c->d->rc = KZ_ENOMEM;
    c->c = x;
    c->cap = nc;
  }
  c->c[c->n++] = *cl;
  return KZ_OK;
}

/* A unit right after token u: scale, percent, currency.  Returns the next
 * token. */
static uint32_t unit_after(kzi_adoc *d, uint32_t u, uint32_t p1, double *v, double *lo,
                           double *hi, const char **unit, bool *scaled) {
  double s;
  int i;
  *scaled = false;
  if (u < p1 && (s = kzi_scale_word(d, u)) > 0) {
    *v *= s; *lo *= s; *hi *= s;
    *scaled = true;
    u++;
  }
  if (u < p1 && d->toks[u].kind == KZI_AT_SYM && d->toks[u].cp == '%') { *unit = "%"; return u + 1; }
  if (u < p1 && d->toks[u].kind == KZI_AT_SYM && currency_sign(d->toks[u].cp) && !*unit) {
    *unit = currency_sign(d->toks[u].cp);
    return u + 1;
  }
  if (u < p1 && kzi_tok_in(d, u, &percent_words_wl) >= 0) { *unit = "%"; return u + 1; }
  if (u + 1 < p1 && kzi_tok_is(d, u, "per") && kzi_tok_is(d, u + 1, "cent")) { *unit = "%"; return u + 2; }
  if (u < p1 && (i = kzi_tok_in(d, u, &currency_words_wl)) >= 0) { *unit = currency_codes[i]; return u + 1; }
  /* one adjective before the currency word: "Kazakh tenge", "US dollars" */
  if (u + 1 < p1 && d->toks[u].kind == KZI_AT_WORD && (i = kzi_tok_in(d, u + 1, &currency_words_wl)) >= 0) {
    *unit = currency_codes[i];
    return u + 2;
  }
  return u;
}

static bool is_dash(const kzi_adoc *d, uint32_t t) {
  return t < d->ntok && d->toks[t].kind == KZI_AT_PUNCT &&
         (d->toks[t].cp == '-' || d->toks[t].cp == 0x2013 || d->toks[t].cp == 0x2014 || d->toks[t].cp == 0x2212);
}

static void scan(nctx *c) {
  kzi_adoc *d = c->d;
  size_t pi;
  for (pi = 0; pi < d->npara && !d->rc; pi++) {
    const kzi_apara *p = &d->paras[pi];
    uint32_t t, p0 = p->tok0, p1 = p->tok1;
    if (p->heading) continue;
    for (t = p0; t < p1 && !d->rc; t++) {
      claim cl;
      double v, lo, hi;
      int vague, ndig;
      bool plain, scaled = false;
      uint32_t n, u, first = t, qstart;
      const char *unit = NULL;
      if (d->toks[t].kind != KZI_AT_NUM && d->toks[t].kind != KZI_AT_WORD) continue;
      n = read_number(d, t, p1, &v, &lo, &hi, &vague, &plain, &ndig);
      if (n == 0) continue;
      u = t + n;
      if (d->toks[t].kind == KZI_AT_NUM) {
        /* time of day, ordinal, date */
        if ((t > p0 && kzi_tok_punct(d, t - 1, ':') && t >= p0 + 2 && d->toks[t - 2].kind == KZI_AT_NUM) ||
            (u + 1 < p1 && kzi_tok_punct(d, u, ':') && d->toks[u + 1].kind == KZI_AT_NUM &&
             !(d->toks[u].flags & KZI_AF_SPACE))) {
          t = u; continue;
        }
        if (u < p1 && d->toks[u].kind == KZI_AT_WORD && !(d->toks[u].flags & KZI_AF_SPACE) &&
            kzi_tok_in(d, u, &ordinal_suffixes_wl) >= 0) { t = u; continue; }
        if (plain && v <= 31 && ((t > p0 && kzi_tok_in(d, t - 1, &months_wl) >= 0) ||
                                 (t > p0 + 1 && kzi_tok_punct(d, t - 1, '.') && kzi_tok_in(d, t - 2, &months_wl) >= 0) ||
                                 (u < p1 && kzi_tok_in(d, u, &months_wl) >= 0)))
          continue;
        if (plain && ndig == 4 && v >= 1800 && v <= 2100) {
          /* a year unless a plural noun follows: "2000 troops" */
          bool plural = false;
          if (u < p1 && d->toks[u].kind == KZI_AT_WORD && (d->toks[u].flags & KZI_AF_LOWER) &&
              kzi_tok_in(d, u, &np_stop_wl) < 0) {
            const char *s = kzi_tok_s(d, u);
            size_t m = kzi_tok_n(d, u);
            plural = m > 3 && s[m - 1] == 's' && s[m - 2] != 's';
          }
          if (!plural) continue;
        }
        /* a number glued to letters ("G20", "COVID-19") */
        if (t > p0 && d->toks[t - 1].kind == KZI_AT_WORD && !(d->toks[t].flags & KZI_AF_SPACE)) continue;
        if (t > p0 + 1 && is_dash(d, t - 1) && !(d->toks[t].flags & KZI_AF_SPACE) &&
            d->toks[t - 2].kind == KZI_AT_WORD && !(d->toks[t - 1].flags & KZI_AF_SPACE))
          continue;
      }
      /* currency before: "$2", "$ 0.14", "US$5", "€3" */
      if (first > p0 && d->toks[first - 1].kind == KZI_AT_SYM && currency_sign(d->toks[first - 1].cp)) {
        unit = currency_sign(d->toks[first - 1].cp);
        first--;
        if (first > p0 && d->toks[first - 1].kind == KZI_AT_WORD && (d->toks[first - 1].flags & KZI_AF_ALLCAPS) &&
            !(d->toks[first].flags & KZI_AF_SPACE))
          first--;
      }
      u = unit_after(d, u, p1, &v, &lo, &hi, &unit, &scaled);
      /* range: "2-3", "$2-$3 billion", "2 to 3 million", "between 2 and 3" */
      {
        uint32_t r = u, r0;
        bool between = first > p0 && kzi_tok_is(d, first - 1, "between");
        bool from = first > p0 && (kzi_tok_is(d, first - 1, "from") || kzi_tok_is(d, first - 1, "von") ||
                                   kzi_tok_is(d, first - 1, "de") || kzi_tok_is(d, first - 1, "от"));
        if (r < p1 && (is_dash(d, r) || (kzi_tok_is(d, r, "to") && !from) ||
                       (between && kzi_tok_is(d, r, "and")))) {
          double v2, lo2, hi2;
          int vg2, nd2;
          bool pl2, sc2 = false;
          const char *unit2 = NULL;
          r0 = r + 1;
          if (r0 < p1 && d->toks[r0].kind == KZI_AT_SYM && currency_sign(d->toks[r0].cp)) {
            unit2 = currency_sign(d->toks[r0].cp);
            r0++;
          }
          if (r0 < p1 && (d->toks[r0].kind == KZI_AT_NUM) &&
              (n = read_number(d, r0, p1, &v2, &lo2, &hi2, &vg2, &pl2, &nd2)) > 0) {
            uint32_t r1 = unit_after(d, r0 + n, p1, &v2, &lo2, &hi2, &unit2, &sc2);
            if (sc2 && !scaled) {
              double f = v2 / (v2 == 0 ? 1 : strtod(kzi_tok_s(d, r0), NULL));
              (void)f;
              {
                double sc = kzi_scale_word(d, r0 + n);
                v *= sc; lo *= sc; hi *= sc;
              }
            }
            if (v2 > v) {
              hi = v2;
              if (!unit) unit = unit2;
              u = r1;
              cl.range = 1;
            }
          }
        }
      }
      cl.range = hi > lo || vague;
      cl.value = v;
      cl.low = lo;
      cl.high = hi;
      cl.unit = unit;
      cl.qualifier = qualifier_before(d, first, p0, &qstart);
      if (cl.qualifier) first = qstart;
      cl.counted = KZI_NIL;
      if (!unit || strcmp(unit, "%") != 0) {
        uint32_t e = counted_after(d, u, p1, &cl.counted);
        if (!unit) u = e;
      }
      cl.start = d->toks[first].start;
      cl.end = d->toks[u - 1].end;
      cl.exact = kzi_adoc_str(d, d->text + cl.start, cl.end - cl.start);
      push(c, &cl);
      t = u > t ? u - 1 : t;
    }
  }
}

/* ---------------------------------------------------------------------
 * Public API
 * --------------------------------------------------------------------- */

struct kz_numbers {
  claim *c;
  size_t n;
  kzi_buf strs;
};

int kzi_numbers_from_adoc(kz_numbers **out, kzi_adoc *d) {
  nctx c;
  kz_numbers *r;
  memset(&c, 0, sizeof c);
  c.d = d;
  scan(&c);
  if (d->rc) {
    free(c.c);
    return kzi_seterr(NULL, d->rc, "number extraction failed: %s", kz_strerror(d->rc));
  }
  r = calloc(1, sizeof *r);
  if (r == NULL || (d->strs.n && kzi_buf_append(&r->strs, d->strs.p, d->strs.n))) {
    free(c.c);
    kz_numbers_free(r);
    return kzi_seterr(NULL, KZ_ENOMEM, "out of memory");
  }
  r->c = c.c;
  r->n = c.n;
  *out = r;
  return KZ_OK;
}

int kz_article_numbers(kz_numbers **out, const kz_article *a) {
  kzi_adoc d;
  int rc;
  if (out == NULL || a == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_article_numbers: NULL argument");
  *out = NULL;
  rc = kzi_adoc_from_article(&d, a, 0);
  if (rc == KZ_OK) rc = kzi_numbers_from_adoc(out, &d);
  kzi_adoc_free(&d);
  return rc;
}

int kz_text_numbers(kz_numbers **out, const char *text, size_t len, const char *lang) {
  kzi_adoc d;
  int rc;
  if (out == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_text_numbers: NULL argument");
  *out = NULL;
  rc = kzi_adoc_from_text(&d, text, len, lang, 0);
  if (rc == KZ_OK) rc = kzi_numbers_from_adoc(out, &d);
  kzi_adoc_free(&d);
  return rc;
}

void kz_numbers_free(kz_numbers *n) {
  if (n == NULL) return;
  free(n->c);
  kzi_buf_free(&n->strs);
  free(n);
}

#define NSTR(n, off) ((off) == KZI_NIL ? NULL : (n)->strs.p + (off))

size_t kz_numbers_count(const kz_numbers *n) { return n ? n->n : 0; }
double kz_number_value(const kz_numbers *n, size_t i) { return n && i < n->n ? n->c[i].value : NAN; }
double kz_number_low(const kz_numbers *n, size_t i) { return n && i < n->n ? n->c[i].low : NAN; }
double kz_number_high(const kz_numbers *n, size_t i) { return n && i < n->n ? n->c[i].high : NAN; }
int kz_number_is_range(const kz_numbers *n, size_t i) { return n && i < n->n ? n->c[i].range : 0; }
const char *kz_number_qualifier(const kz_numbers *n, size_t i) {
  return n && i < n->n ? n->c[i].qualifier : NULL;
}
const char *kz_number_unit(const kz_numbers *n, size_t i) { return n && i < n->n ? n->c[i].unit : NULL; }
const char *kz_number_counted(const kz_numbers *n, size_t i) {
  return n && i < n->n ? NSTR(n, n->c[i].counted) : NULL;
}
const char *kz_number_exact(const kz_numbers *n, size_t i) {
  return n && i < n->n ? NSTR(n, n->c[i].exact) : NULL;
}
size_t kz_number_start(const kz_numbers *n, size_t i) { return n && i < n->n ? n->c[i].start : KZ_NO_OFFSET; }
size_t kz_number_end(const kz_numbers *n, size_t i) { return n && i < n->n ? n->c[i].end : KZ_NO_OFFSET; }

int kz_numbers_to_json(const kz_numbers *n, const char *doc, kz_buf *out) {
  kzi_buf b = {0};
  int rc = 0;
  size_t i;
  if (n == NULL || out == NULL) return kzi_seterr(NULL, KZ_EINVAL, "kz_numbers_to_json: NULL argument");
  for (i = 0; i < n->n; i++) {
    const claim *c = &n->c[i];
    kzi_ajson_raw(&b, &rc, "{\"doc\":");
    kzi_ajson_str(&b, &rc, doc);
    kzi_ajson_raw(&b, &rc, ",\"value\":");
    kzi_ajson_num(&b, &rc, c->value);
    kzi_ajson_raw(&b, &rc, ",\"low\":");
    kzi_ajson_num(&b, &rc, c->low);
    kzi_ajson_raw(&b, &rc, ",\"high\":");
    kzi_ajson_num(&b, &rc, c->high);
    kzi_ajson_raw(&b, &rc, ",\"qualifier\":");
    kzi_ajson_str(&b, &rc, c->qualifier);
    kzi_ajson_raw(&b, &rc, ",\"unit\":");
    kzi_ajson_str(&b, &rc, c->unit);
    kzi_ajson_raw(&b, &rc, ",\"counted\":");
    kzi_ajson_str(&b, &rc, NSTR(n, c->counted));
    kzi_ajson_raw(&b, &rc, ",\"exact\":");
    kzi_ajson_str(&b, &rc, NSTR(n, c->exact));
    kzi_ajson_raw(&b, &rc, ",\"start\":");
    kzi_ajson_size(&b, &rc, c->start);
    kzi_ajson_raw(&b, &rc, ",\"end\":");
    kzi_ajson_size(&b, &rc, c->end);
    kzi_ajson_raw(&b, &rc, "}\n");
  }
  return kzi_ajson_out(&b, rc, out);
}
