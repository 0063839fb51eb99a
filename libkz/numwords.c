/*
 * numwords.c - numbers written in words.
 *
 * English is read with its grammar: units, teens and tens ("twenty-five"
 * arrives as "twenty" + hyphenated "five"), "hundred", scale words
 * ("thousand", "million", "billion"), an optional "and" after a hundred or
 * scale, and "a" in front ("a dozen", "a hundred").  German, French,
 * Spanish and Russian have their cardinal words up to the hundreds and
 * thousands (German compounds such as "fünfundzwanzig" are split at
 * "und").  Vague plurals ("dozens", "hundreds", "tens of thousands",
 * "Hunderte", "des centaines", "сотни") give a range: dozens 24-96,
 * hundreds 200-900, thousands 2,000-9,000, and so on.
 *
 * A lone "one" (or "ein", "un", "uno", "один") is not read as a number:
 * it is far more often a pronoun or article.
 */
#include <string.h>

#include "analysis_int.h"

typedef enum { NW_SMALL, NW_HUNDRED, NW_SCALE, NW_VAGUE, NW_DOZEN, NW_ONE } nw_type;

typedef struct nw {
  const char *w;
  double v;
  nw_type type;
  const char *lang; /* NULL: English */
} nw;

static const nw words[] = {
  /* en */
  {"one", 1, NW_ONE, NULL}, {"two", 2, NW_SMALL, NULL}, {"three", 3, NW_SMALL, NULL},
  {"four", 4, NW_SMALL, NULL}, {"five", 5, NW_SMALL, NULL}, {"six", 6, NW_SMALL, NULL},
  {"seven", 7, NW_SMALL, NULL}, {"eight", 8, NW_SMALL, NULL}, {"nine", 9, NW_SMALL, NULL},
  {"ten", 10, NW_SMALL, NULL}, {"eleven", 11, NW_SMALL, NULL}, {"twelve", 12, NW_SMALL, NULL},
  {"thirteen", 13, NW_SMALL, NULL}, {"fourteen", 14, NW_SMALL, NULL},
  {"fifteen", 15, NW_SMALL, NULL}, {"sixteen", 16, NW_SMALL, NULL},
  {"seventeen", 17, NW_SMALL, NULL}, {"eighteen", 18, NW_SMALL, NULL},
  {"nineteen", 19, NW_SMALL, NULL}, {"twenty", 20, NW_SMALL, NULL},
  {"thirty", 30, NW_SMALL, NULL}, {"forty", 40, NW_SMALL, NULL}, {"fifty", 50, NW_SMALL, NULL},
  {"sixty", 60, NW_SMALL, NULL}, {"seventy", 70, NW_SMALL, NULL},
  {"eighty", 80, NW_SMALL, NULL}, {"ninety", 90, NW_SMALL, NULL},
  {"hundred", 100, NW_HUNDRED, NULL}, {"thousand", 1e3, NW_SCALE, NULL},
  {"million", 1e6, NW_SCALE, NULL}, {"billion", 1e9, NW_SCALE, NULL},
  {"trillion", 1e12, NW_SCALE, NULL}, {"dozen", 12, NW_DOZEN, NULL},
  {"dozens", 24, NW_VAGUE, NULL}, {"hundreds", 200, NW_VAGUE, NULL},
  {"thousands", 2e3, NW_VAGUE, NULL}, {"millions", 2e6, NW_VAGUE, NULL},
  {"billions", 2e9, NW_VAGUE, NULL}, {"scores", 40, NW_VAGUE, NULL},
  /* de */
  {"zwei", 2, NW_SMALL, "de"}, {"drei", 3, NW_SMALL, "de"}, {"vier", 4, NW_SMALL, "de"},
  {"fünf", 5, NW_SMALL, "de"}, {"sechs", 6, NW_SMALL, "de"}, {"sieben", 7, NW_SMALL, "de"},
  {"acht", 8, NW_SMALL, "de"}, {"neun", 9, NW_SMALL, "de"}, {"zehn", 10, NW_SMALL, "de"},
  {"elf", 11, NW_SMALL, "de"}, {"zwölf", 12, NW_SMALL, "de"}, {"dreizehn", 13, NW_SMALL, "de"},
  {"vierzehn", 14, NW_SMALL, "de"}, {"fünfzehn", 15, NW_SMALL, "de"},
  {"sechzehn", 16, NW_SMALL, "de"}, {"siebzehn", 17, NW_SMALL, "de"},
  {"achtzehn", 18, NW_SMALL, "de"}, {"neunzehn", 19, NW_SMALL, "de"},
  {"zwanzig", 20, NW_SMALL, "de"}, {"dreißig", 30, NW_SMALL, "de"},
  {"vierzig", 40, NW_SMALL, "de"}, {"fünfzig", 50, NW_SMALL, "de"},
  {"sechzig", 60, NW_SMALL, "de"}, {"siebzig", 70, NW_SMALL, "de"},
  {"achtzig", 80, NW_SMALL, "de"}, {"neunzig", 90, NW_SMALL, "de"},
  {"hundert", 100, NW_HUNDRED, "de"}, {"tausend", 1e3, NW_SCALE, "de"},
  {"dutzend", 12, NW_DOZEN, "de"}, {"dutzende", 24, NW_VAGUE, "de"},
  {"hunderte", 200, NW_VAGUE, "de"}, {"tausende", 2e3, NW_VAGUE, "de"},
  /* fr */
  {"deux", 2, NW_SMALL, "fr"}, {"trois", 3, NW_SMALL, "fr"}, {"quatre", 4, NW_SMALL, "fr"},
  {"cinq", 5, NW_SMALL, "fr"}, {"sept", 7, NW_SMALL, "fr"}, {"huit", 8, NW_SMALL, "fr"},
  {"neuf", 9, NW_SMALL, "fr"}, {"dix", 10, NW_SMALL, "fr"}, {"onze", 11, NW_SMALL, "fr"},
  {"douze", 12, NW_SMALL, "fr"}, {"treize", 13, NW_SMALL, "fr"},
  {"quatorze", 14, NW_SMALL, "fr"}, {"quinze", 15, NW_SMALL, "fr"},
  {"seize", 16, NW_SMALL, "fr"}, {"vingt", 20, NW_SMALL, "fr"}, {"trente", 30, NW_SMALL, "fr"},
  {"quarante", 40, NW_SMALL, "fr"}, {"cinquante", 50, NW_SMALL, "fr"},
  {"soixante", 60, NW_SMALL, "fr"}, {"cent", 100, NW_HUNDRED, "fr"},
  {"mille", 1e3, NW_SCALE, "fr"}, {"douzaine", 12, NW_DOZEN, "fr"},
  {"dizaines", 20, NW_VAGUE, "fr"}, {"centaines", 200, NW_VAGUE, "fr"},
  {"milliers", 2e3, NW_VAGUE, "fr"},
  /* es */
  {"dos", 2, NW_SMALL, "es"}, {"tres", 3, NW_SMALL, "es"}, {"cuatro", 4, NW_SMALL, "es"},
  {"cinco", 5, NW_SMALL, "es"}, {"seis", 6, NW_SMALL, "es"}, {"siete", 7, NW_SMALL, "es"},
  {"ocho", 8, NW_SMALL, "es"}, {"nueve", 9, NW_SMALL, "es"}, {"diez", 10, NW_SMALL, "es"},
  {"once", 11, NW_SMALL, "es"}, {"doce", 12, NW_SMALL, "es"}, {"trece", 13, NW_SMALL, "es"},
  {"catorce", 14, NW_SMALL, "es"}, {"quince", 15, NW_SMALL, "es"},
  {"veinte", 20, NW_SMALL, "es"}, {"treinta", 30, NW_SMALL, "es"},
  {"cuarenta", 40, NW_SMALL, "es"}, {"cincuenta", 50, NW_SMALL, "es"},
  {"sesenta", 60, NW_SMALL, "es"}, {"setenta", 70, NW_SMALL, "es"},
  {"ochenta", 80, NW_SMALL, "es"}, {"noventa", 90, NW_SMALL, "es"},
  {"cien", 100, NW_HUNDRED, "es"}, {"ciento", 100, NW_HUNDRED, "es"},
  {"docena", 12, NW_DOZEN, "es"}, {"decenas", 20, NW_VAGUE, "es"},
  {"centenares", 200, NW_VAGUE, "es"}, {"cientos", 200, NW_VAGUE, "es"},
  /* ru */
  {"два", 2, NW_SMALL, "ru"}, {"две", 2, NW_SMALL, "ru"}, {"три", 3, NW_SMALL, "ru"},
  {"четыре", 4, NW_SMALL, "ru"}, {"пять", 5, NW_SMALL, "ru"}, {"шесть", 6, NW_SMALL, "ru"},
  {"семь", 7, NW_SMALL, "ru"}, {"восемь", 8, NW_SMALL, "ru"}, {"девять", 9, NW_SMALL, "ru"},
  {"десять", 10, NW_SMALL, "ru"}, {"одиннадцать", 11, NW_SMALL, "ru"},
  {"двенадцать", 12, NW_SMALL, "ru"}, {"тринадцать", 13, NW_SMALL, "ru"},
  {"пятнадцать", 15, NW_SMALL, "ru"}, {"двадцать", 20, NW_SMALL, "ru"},
  {"тридцать", 30, NW_SMALL, "ru"}, {"сорок", 40, NW_SMALL, "ru"},
  {"пятьдесят", 50, NW_SMALL, "ru"}, {"сто", 100, NW_HUNDRED, "ru"},
  {"тысяча", 1e3, NW_SCALE, "ru"}, {"тысячи", 1e3, NW_SCALE, "ru"},
  {"тысяч", 1e3, NW_SCALE, "ru"}, {"дюжина", 12, NW_DOZEN, "ru"},
  {"десятки", 20, NW_VAGUE, "ru"}, {"сотни", 200, NW_VAGUE, "ru"},
  {NULL, 0, NW_SMALL, NULL}
};

static kzi_wordlist words_wl = KZI_WORDLIST_FIELD(words, w);

static const char *const scales[] = {
  "thousand", "million", "billion", "trillion", "bn", "mn", "m", "k", "mln",
  "mio", "mrd", "tsd", "millionen", "milliarde", "milliarden", "millions",
  "milliard", "milliards", "millón", "millones", "млн", "млрд", "тыс",
  "миллион", "миллиона", "миллионов", "миллиард", "миллиарда",
  "миллиардов", "тысяч", "тысячи", "thousands", NULL
};
static kzi_wordlist scales_wl = KZI_WORDLIST(scales);
static const double scale_v[] = {
  1e3, 1e6, 1e9, 1e12, 1e9, 1e6, 1e6, 1e3, 1e6, 1e6, 1e9, 1e3, 1e6, 1e9, 1e9,
  1e6, 1e9, 1e9, 1e6, 1e6, 1e6, 1e9, 1e3, 1e6, 1e6, 1e6, 1e9, 1e9, 1e9, 1e3,
  1e3, 1e3
};

double kzi_scale_word(const kzi_adoc *d, uint32_t t) {
  int i;
  if (t >= d->ntok || d->toks[t].kind != KZI_AT_WORD) return 0;
  i = kzi_tok_in(d, t, &scales_wl);
  if (i < 0) return 0;
  /* "m" and "k" only glued to the number: "$5m", "20k" */
  if ((kzi_tok_is(d, t, "m") || kzi_tok_is(d, t, "k")) && (d->toks[t].flags & KZI_AF_SPACE))
    return 0;
  if (kzi_tok_is(d, t, "thousands")) return 0;
  return scale_v[i];
}

static const nw *lookup(const kzi_adoc *d, uint32_t t) {
  int i;
  if (t >= d->ntok || d->toks[t].kind != KZI_AT_WORD) return NULL;
  i = kzi_tok_in(d, t, &words_wl);
  if (i < 0) return NULL;
  if (words[i].lang != NULL && strcmp(words[i].lang, d->lang) != 0) return NULL;
  return &words[i];
}

/* German compound "fünfundzwanzig": unit + "und" + tens. */
static bool german_compound(const kzi_adoc *d, uint32_t t, double *v) {
  const char *s = kzi_tok_s(d, t);
  size_t n = kzi_tok_n(d, t), i, j;
  char low[48];
  if (n < 8 || n >= sizeof low) return false;
  for (i = 0; i < n; i++) low[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
  low[n] = 0;
  for (i = 1; i + 3 < n; i++) {
    if (memcmp(low + i, "und", 3) != 0) continue;
    {
      double u = 0, tens = 0;
      for (j = 0; words[j].w; j++) {
        size_t m = strlen(words[j].w);
        if (words[j].type != NW_SMALL && words[j].type != NW_ONE) continue;
        if (m == i && memcmp(low, words[j].w, m) == 0 && words[j].v < 10) u = words[j].v;
        if (strcmp(low + i + 3, words[j].w) == 0 && words[j].v >= 20) tens = words[j].v;
      }
      if (i == 3 && memcmp(low, "ein", 3) == 0) u = 1;
      if (u > 0 && tens > 0) { *v = u + tens; return true; }
    }
  }
  return false;
}

uint32_t kzi_number_words(const kzi_adoc *d, uint32_t t, double *value,
                          double *low, double *high, int *vague) {
  uint32_t u = t, used = 0;
  double total = 0, cur = 0;
  bool any = false, only_one = true, article = false;
  const nw *w;
  *vague = 0;
  if (t >= d->ntok || d->toks[t].kind != KZI_AT_WORD) return 0;
  /* Most words are none of ours: the article/"tens" openers are short
   * ASCII words, German compounds long ones; everything else is a word of
   * the table. */
  {
    size_t n = kzi_tok_n(d, t);
    unsigned char c0 = (unsigned char)(kzi_tok_s(d, t)[0] | 0x20);
    bool opener = (n == 1 && c0 == 'a') || (n == 3 && c0 == 'u') || (n == 4 && c0 == 't');
    if (!opener && lookup(d, t) == NULL && !(n >= 8 && strcmp(d->lang, "de") == 0)) return 0;
  }
  /* "a dozen", "a hundred", "a thousand" */
  if ((kzi_tok_is(d, t, "a") || kzi_tok_is(d, t, "une") || kzi_tok_is(d, t, "una")) &&
      (w = lookup(d, t + 1)) != NULL &&
      (w->type == NW_DOZEN || w->type == NW_HUNDRED || w->type == NW_SCALE)) {
    article = true;
    cur = 1;
    u = t + 1;
  }
  /* vague: "tens of thousands", "hundreds of thousands" */
  if (kzi_tok_is(d, u, "tens") && kzi_tok_is(d, u + 1, "of") && (w = lookup(d, u + 2)) != NULL &&
      w->type == NW_VAGUE && w->v >= 2e3) {
    *value = *low = w->v * 10;
    *high = *low * 4.5;
    *vague = 1;
    return 3;
  }
  w = lookup(d, u);
  if (w && w->type == NW_VAGUE) {
    double v = w->v;
    uint32_t n = 1;
    const nw *w2;
    if (kzi_tok_is(d, u + 1, "of") && (w2 = lookup(d, u + 2)) != NULL && w2->type == NW_VAGUE &&
        w2->v >= 2e3 && w2->v > v) {
      v = v * w2->v / 2;
      n = 3;
    }
    *value = *low = v;
    *high = v * (w->type == NW_VAGUE && w->v == 24 ? 4 : 4.5);
    *vague = 1;
    return u - t + n;
  }
  if (w == NULL) {
    double g;
    if (strcmp(d->lang, "de") == 0 && german_compound(d, u, &g)) {
      *value = *low = *high = g;
      return 1;
    }
    return 0;
  }
  for (;;) {
    w = lookup(d, u);
    if (w == NULL) {
      /* "two hundred and forty": "and" between a hundred/scale and more */
      if (any && (kzi_tok_is(d, u, "and") || kzi_tok_is(d, u, "und")) && lookup(d, u + 1) &&
          lookup(d, u + 1)->type == NW_SMALL && cur == (double)(long long)cur &&
          ((long long)cur % 100 == 0 || total > 0) && (long long)cur % 100 == 0) {
        u++;
        continue;
      }
      break;
    }
    if (any && !(d->toks[u].flags & (KZI_AF_SPACE | KZI_AF_HYPH))) break;
    if (w->type == NW_SMALL || w->type == NW_ONE) {
      long long c = (long long)cur % 100;
      if (any && c != 0 && !(c >= 20 && c % 10 == 0 && w->v < 10)) break;
      cur += w->v;
      if (w->type != NW_ONE) only_one = false;
    } else if (w->type == NW_HUNDRED) {
      cur = (cur ? cur : 1) * 100;
      only_one = false;
    } else if (w->type == NW_SCALE) {
      total += (cur ? cur : 1) * w->v;
      cur = 0;
      only_one = false;
    } else if (w->type == NW_DOZEN) {
      cur = (cur ? cur : 1) * 12;
      only_one = false;
    } else {
      break;
    }
    any = true;
    u++;
    used = u - t;
  }
  if (!any || (only_one && !article)) return 0;
  *value = *low = *high = total + cur;
  return used;
}
