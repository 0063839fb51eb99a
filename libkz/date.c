/*
 * date.c - dates and times as written in news pages, in English, German,
 * Russian, French and Spanish.
 *
 * Grammars (W = optional weekday, separators are spaces, commas, dots):
 *   W Month D[st|nd|rd|th] YYYY        "Saturday, January 29, 2022", "Jan. 10, 2022"
 *   W D[.] [de] Month [de] YYYY [г.]    "13 Jan. 2022", "13. Januar 2022",
 *                                       "13 de enero de 2022", "13 января 2022 г."
 *   D.M.YYYY, YYYY-MM-DD
 * followed by an optional time: [at|um|à|a las|в|-|,] H:MM | H.MM Uhr
 * [am|pm|Uhr|o'clock] [time zone].  kzi_date_find() returns the first date in
 * the text, its span and how many bytes the date, weekday and time cover, so
 * the caller can tell a date line from a sentence that mentions a date.
 */
#include <string.h>
#include <threads.h>

#include "article_int.h"
#include "corpus_int.h"

typedef struct tok {
  size_t s, e;  /* byte span */
  char lw[32];  /* lowercased, "" if too long */
} tok;

#define MAXTOK 512

static const struct { const char *name; int month; } months[] = {
  {"january", 1}, {"february", 2}, {"march", 3}, {"april", 4}, {"may", 5}, {"june", 6},
  {"july", 7}, {"august", 8}, {"september", 9}, {"october", 10}, {"november", 11},
  {"december", 12}, {"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4}, {"jun", 6},
  {"jul", 7}, {"aug", 8}, {"sep", 9}, {"sept", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12},
  /* de */
  {"januar", 1}, {"jänner", 1}, {"jän", 1}, {"februar", 2}, {"märz", 3}, {"mär", 3},
  {"mai", 5}, {"juni", 6}, {"juli", 7}, {"oktober", 10}, {"okt", 10}, {"dezember", 12},
  {"dez", 12},
  /* fr */
  {"janvier", 1}, {"janv", 1}, {"février", 2}, {"févr", 2}, {"fév", 2}, {"mars", 3},
  {"avril", 4}, {"avr", 4}, {"juin", 6}, {"juillet", 7}, {"juil", 7}, {"août", 8},
  {"septembre", 9}, {"octobre", 10}, {"novembre", 11}, {"décembre", 12}, {"déc", 12},
  /* es */
  {"enero", 1}, {"ene", 1}, {"febrero", 2}, {"marzo", 3}, {"abril", 4}, {"abr", 4},
  {"mayo", 5}, {"junio", 6}, {"julio", 7}, {"agosto", 8}, {"ago", 8}, {"septiembre", 9},
  {"setiembre", 9}, {"octubre", 10}, {"noviembre", 11}, {"diciembre", 12}, {"dic", 12},
  /* ru, genitive and nominative */
  {"января", 1}, {"февраля", 2}, {"марта", 3}, {"апреля", 4}, {"мая", 5}, {"июня", 6},
  {"июля", 7}, {"августа", 8}, {"сентября", 9}, {"октября", 10}, {"ноября", 11},
  {"декабря", 12}, {"январь", 1}, {"февраль", 2}, {"март", 3}, {"апрель", 4}, {"май", 5},
  {"июнь", 6}, {"июль", 7}, {"август", 8}, {"сентябрь", 9}, {"октябрь", 10},
  {"ноябрь", 11}, {"декабрь", 12},
  {NULL, 0}};

static const char *const weekdays[] = {
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
  "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
  "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend",
  "sonntag", "mo", "di", "mi", "do", "fr", "sa", "so",
  "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
  "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo",
  "понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье",
  NULL};

static const char *const zones[] = {
  "et", "est", "edt", "ct", "cst", "cdt", "pt", "pst", "pdt", "gmt", "utc", "bst", "cet",
  "cest", "msk", "mez", "mesz", "ist", "jst", "aest", "z", NULL};

/* Months and weekdays in one hash table (built once): value 1..12 is a
 * month, WEEKDAY a weekday. */
#define DW_SLOTS 512
#define WEEKDAY 100
static struct { const char *w; int v; } dw_tab[DW_SLOTS];
static once_flag dw_once = ONCE_FLAG_INIT;

static unsigned dw_hash(const char *w) {
  uint32_t h = 2166136261u;
  for (; *w; w++) h = (h ^ (unsigned char)*w) * 16777619u;
  return h & (DW_SLOTS - 1);
}

static void dw_put(const char *w, int v) {
  unsigned k = dw_hash(w);
  while (dw_tab[k].w && strcmp(dw_tab[k].w, w) != 0) k = (k + 1) & (DW_SLOTS - 1);
  dw_tab[k].w = w;
  dw_tab[k].v = v;
}

static void dw_build(void) {
  int i;
  for (i = 0; weekdays[i]; i++) dw_put(weekdays[i], WEEKDAY);
  for (i = 0; months[i].name; i++) dw_put(months[i].name, months[i].month);
}

static int date_word(const char *w) {
  unsigned k;
  if (!w[0] || !w[1]) return 0; /* no one-letter names */
  call_once(&dw_once, dw_build);
  for (k = dw_hash(w); dw_tab[k].w; k = (k + 1) & (DW_SLOTS - 1))
    if (strcmp(dw_tab[k].w, w) == 0) return dw_tab[k].v;
  return 0;
}

static int month_of(const char *w) {
  int v = date_word(w);
  return v <= 12 ? v : 0;
}

static int is_weekday(const char *w) { return date_word(w) == WEEKDAY; }

int kzi_weekday_word(const char *w, size_t n) {
  char lw[32];
  return kzi_word_lower(w, n, lw, sizeof lw) > 0 && is_weekday(lw);
}

static int in(const char *const *list, const char *w) {
  for (; *list; list++)
    if (strcmp(*list, w) == 0) return 1;
  return 0;
}

/* The number a token starts with ("29th" -> 29), or -1; *digits = count. */
static int num(const tok *t, const char *s, int *digits, int allow_suffix) {
  size_t i;
  int v = 0, nd = 0;
  for (i = t->s; i < t->e && s[i] >= '0' && s[i] <= '9' && nd < 5; i++, nd++)
    v = v * 10 + (s[i] - '0');
  *digits = nd;
  if (nd == 0) return -1;
  if (i < t->e) {
    const char *rest = t->lw + (i - t->s);
    if (!allow_suffix) return -1;
    if (strcmp(rest, "st") && strcmp(rest, "nd") && strcmp(rest, "rd") &&
        strcmp(rest, "th") && strcmp(rest, "er") && strcmp(rest, "e"))
      return -1;
  }
  return v;
}

static int year_at(const tok *t, const char *s) {
  int nd, v = num(t, s, &nd, 0);
  return nd == 4 && v >= 1900 && v <= 2100 ? v : -1;
}

static int day_at(const tok *t, const char *s) {
  int nd, v = num(t, s, &nd, 1);
  return nd >= 1 && nd <= 2 && v >= 1 && v <= 31 ? v : -1;
}

/* Only spaces and characters of `allowed` between tokens a and b. */
static int gap_ok(const char *s, const tok *a, const tok *b, const char *allowed) {
  size_t i;
  for (i = a->e; i < b->s; i++)
    if (s[i] != ' ' && !strchr(allowed, s[i])) return 0;
  return b->s - a->e <= 4;
}

/* Parse a time at tokens k..; returns the index after it or k. */
static size_t parse_time(const char *s, const tok *t, size_t nt, size_t k, char tm[6],
                         size_t *end) {
  int h, m, nd;
  size_t j = k;
  if (j < nt && (strcmp(t[j].lw, "at") == 0 || strcmp(t[j].lw, "um") == 0 ||
                 strcmp(t[j].lw, "à") == 0 || strcmp(t[j].lw, "в") == 0))
    j++;
  else if (j + 1 < nt && strcmp(t[j].lw, "a") == 0 && strcmp(t[j + 1].lw, "las") == 0)
    j += 2;
  if (j + 1 >= nt) return k;
  h = num(&t[j], s, &nd, 0);
  if (h < 0 || nd > 2 || h > 23) return k;
  if (t[j + 1].s != t[j].e + 1 || (s[t[j].e] != ':' && s[t[j].e] != '.')) return k;
  m = num(&t[j + 1], s, &nd, 1);
  if (nd != 2 || m > 59) return k;
  {
    /* "8:03am" */
    const char *suf = t[j + 1].lw + 2;
    size_t after = j + 2;
    if (!strcmp(suf, "am") || !strcmp(suf, "pm")) {
      if (!strcmp(suf, "pm") && h < 12) h += 12;
      if (!strcmp(suf, "am") && h == 12) h = 0;
    } else if (*suf) {
      return k;
    } else if (after < nt && (!strcmp(t[after].lw, "am") || !strcmp(t[after].lw, "pm") ||
                              !strcmp(t[after].lw, "a") || !strcmp(t[after].lw, "p"))) {
      if (t[after].lw[0] == 'p' && h < 12) h += 12;
      if (t[after].lw[0] == 'a' && h == 12) h = 0;
      after++;
      if (after < nt && !strcmp(t[after].lw, "m")) after++;
    }
    if (after < nt && (!strcmp(t[after].lw, "uhr") || !strcmp(t[after].lw, "o'clock") ||
                       !strcmp(t[after].lw, "h")))
      after++;
    if (after < nt && in(zones, t[after].lw)) after++;
    tm[0] = (char)('0' + h / 10);
    tm[1] = (char)('0' + h % 10);
    tm[2] = ':';
    tm[3] = (char)('0' + m / 10);
    tm[4] = (char)('0' + m % 10);
    tm[5] = '\0';
    *end = t[after - 1].e;
    return after;
  }
}

static int valid(int y, int mo, int d) {
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return y > 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= mdays[mo - 1] &&
         !(mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

int kzi_date_find(const char *s, size_t n, char iso[11], char tm[6], size_t *ds,
                  size_t *de, size_t *cover) {
  tok t[MAXTOK];
  size_t nt = 0, i;
  kzi_wordit it = {s, n, 0, 0, 0};
  /* every grammar has a four-digit year: look for one first */
  for (i = 0; i + 3 < n; i++)
    if ((s[i] == '1' || s[i] == '2') && s[i + 1] >= '0' && s[i + 1] <= '9' && s[i + 2] >= '0' &&
        s[i + 2] <= '9' && s[i + 3] >= '0' && s[i + 3] <= '9')
      break;
  if (i + 3 >= n) return 0;
  while (nt < MAXTOK && kzi_word_next(&it)) {
    t[nt].s = it.wstart;
    t[nt].e = it.wstart + it.wlen;
    if (!kzi_word_lower(s + it.wstart, it.wlen, t[nt].lw, sizeof t[nt].lw)) t[nt].lw[0] = 0;
    nt++;
  }
  for (i = 0; i < nt; i++) {
    size_t k = i, start = t[i].s, end, next = 0;
    int y = -1, mo = 0, d = -1;
    if (is_weekday(t[k].lw) && k + 1 < nt) k++;
    if (k + 2 < nt && (mo = month_of(t[k].lw)) && (d = day_at(&t[k + 1], s)) > 0 &&
        (y = year_at(&t[k + 2], s)) > 0 && gap_ok(s, &t[k], &t[k + 1], ".") &&
        gap_ok(s, &t[k + 1], &t[k + 2], ",")) {
      next = k + 3;
    } else if (k + 2 < nt && (d = day_at(&t[k], s)) > 0) {
      size_t m = k + 1;
      mo = 0;
      y = -1;
      if (m < nt && strcmp(t[m].lw, "de") == 0) m++;
      if (m + 1 < nt && (mo = month_of(t[m].lw)) && gap_ok(s, &t[m - 1], &t[m], ".")) {
        size_t yy = m + 1;
        if (yy < nt && strcmp(t[yy].lw, "de") == 0) yy++;
        if (yy < nt && (y = year_at(&t[yy], s)) > 0 && gap_ok(s, &t[yy - 1], &t[yy], ".,")) {
          next = yy + 1;
          if (next < nt && strcmp(t[next].lw, "г") == 0) next++;
        } else {
          y = -1;
        }
      } else if (t[k + 1].s == t[k].e + 1 && s[t[k].e] == '.' && t[k + 2].s == t[k + 1].e + 1 &&
                 s[t[k + 1].e] == '.') {
        int nd;
        mo = num(&t[k + 1], s, &nd, 0);
        if (nd > 2) mo = 0;
        y = year_at(&t[k + 2], s);
        next = k + 3;
      }
      if (y < 0 || mo <= 0) { if (k != i) continue; else goto iso_form; }
    } else {
    iso_form:
      /* YYYY-MM-DD inside one token */
      if (t[k].e - t[k].s == 10 && s[t[k].s + 4] == '-' && s[t[k].s + 7] == '-') {
        const char *p = s + t[k].s;
        int q, ok = 1;
        for (q = 0; q < 10; q++)
          if (q != 4 && q != 7 && !(p[q] >= '0' && p[q] <= '9')) ok = 0;
        if (!ok) continue;
        y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
        mo = (p[5] - '0') * 10 + (p[6] - '0');
        d = (p[8] - '0') * 10 + (p[9] - '0');
        if (y < 1900 || y > 2100) continue;
        next = k + 1;
      } else {
        continue;
      }
    }
    if (!valid(y, mo, d)) continue;
    /* valid() bounds y, mo and d; write the digits directly */
    iso[0] = (char)('0' + y / 1000 % 10);
    iso[1] = (char)('0' + y / 100 % 10);
    iso[2] = (char)('0' + y / 10 % 10);
    iso[3] = (char)('0' + y % 10);
    iso[4] = '-';
    iso[5] = (char)('0' + mo / 10);
    iso[6] = (char)('0' + mo % 10);
    iso[7] = '-';
    iso[8] = (char)('0' + d / 10);
    iso[9] = (char)('0' + d % 10);
    iso[10] = '\0';
    end = t[next - 1].e;
    /* a dot after an abbreviation or the Russian "г." belongs to the date */
    tm[0] = '\0';
    *ds = t[k].s;
    *de = end;
    if (next < nt) {
      size_t e2 = end;
      size_t after = parse_time(s, t, nt, next, tm, &e2);
      if (after != next) end = e2;
    }
    if (end < n && s[end] == '.') end++;
    *cover = end - start;
    return 1;
  }
  return 0;
}

/* ---------------------------------------------------------------------
 * A date given as metadata (a dataset's "date", kz_doc_meta.date)
 * --------------------------------------------------------------------- */

/* The value of s[0..n) if it is all digits (at most 18), else -1. */
static long long all_digits(const char *s, size_t n) {
  long long v = 0;
  if (n == 0 || n > 18) return -1;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* Days since 1970 of YYYYMMDD, or KZI_NO_DATE. */
static int32_t ymd_days(long long v) {
  int y = (int)(v / 10000), mo = (int)(v / 100 % 100), d = (int)(v % 100);
  return y >= 1000 && valid(y, mo, d) ? kzi_days(y, mo, d) : KZI_NO_DATE;
}

int32_t kzi_meta_date(const char *s, size_t n) {
  int32_t days = kzi_parse_date(s, n);
  char iso[11], tm[6];
  size_t ds, de, cover, k;
  long long v;
  if (days != KZI_NO_DATE || !s) return days;
  while (n && (*s == ' ' || *s == '\t')) s++, n--;
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
  /* a number: YYYYMMDD, or Unix time in seconds or milliseconds (the
   * fraction of a JSON number dropped) */
  for (k = 0; k < n && s[k] >= '0' && s[k] <= '9'; k++) {}
  if (k == n || (k > 0 && s[k] == '.' && all_digits(s + k + 1, n - k - 1) >= 0)) {
    v = all_digits(s, k);
    if (v < 0) return KZI_NO_DATE;
    if (k == 8) return ymd_days(v);
    if (k == 13) v /= 1000;
    else if (k < 9 || k > 10) return KZI_NO_DATE;
    return (int32_t)(v / 86400);
  }
  /* YYYY/MM/DD, YYYY.MM.DD (year first: never ambiguous) */
  if (n >= 8 && k == 4 && (s[4] == '/' || s[4] == '.')) {
    int mo = 0, d = 0;
    size_t i = 5;
    for (; i < n && i < 7 && s[i] >= '0' && s[i] <= '9'; i++) mo = mo * 10 + (s[i] - '0');
    if (i > 5 && i < n && s[i] == s[4]) {
      size_t j = ++i;
      for (; i < n && i < j + 2 && s[i] >= '0' && s[i] <= '9'; i++) d = d * 10 + (s[i] - '0');
      if (i > j && (i == n || s[i] == ' ' || s[i] == 'T')) {
        int y = (int)all_digits(s, 4);
        if (valid(y, mo, d)) return kzi_days(y, mo, d);
      }
    }
  }
  /* as written in pages: "Wed, 05 Jan 2022 10:00:00 GMT", "January 5,
   * 2022", "5 января 2022 г.", "05.01.2022" (day first) */
  if (kzi_date_find(s, n, iso, tm, &ds, &de, &cover)) return kzi_parse_date(iso, 10);
  return KZI_NO_DATE;
}
