/*
 * test_sentence.c - kz_sentences() and kzi_is_abbreviation().
 *
 * 1. Conformance: every case of Unicode's SentenceBreakTest.txt (15.0, like
 *    the property table) through kz_sentences() with KZ_SENT_UAX29.
 * 2. Seed articles: paragraphs of examples/corpus/ (those listed as
 *    body_paragraphs in tests/data/expected/) with the sentences written
 *    down by hand, including the hard-wrapped 002 article.
 * 3. Abbreviations, initials, ellipses, quotes, paragraphs, line breaks,
 *    CR LF, trimming, invalid UTF-8, empty input, long and pathological
 *    inputs, the callback's stop value and argument errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "kz.h"
#include "kz_int.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers ------------------------------------------------------------ */

typedef struct span {
  size_t s, e;
} span;

typedef struct spans {
  span *v;
  size_t n, cap;
  size_t stop_at; /* return 42 from the callback at this span (1-based) */
} spans;

static int collect(size_t s, size_t e, void *payload) {
  spans *a = payload;
  if (a->n == a->cap) {
    a->cap = a->cap * 2 + 64;
    a->v = realloc(a->v, a->cap * sizeof *a->v);
    assert_non_null(a->v);
  }
  a->v[a->n].s = s;
  a->v[a->n].e = e;
  a->n++;
  return a->stop_at && a->n == a->stop_at ? 42 : 0;
}

static kz_tokenizer *new_tk(const char *lang) {
  kz_tokenizer_options o = KZ_TOKENIZER_OPTIONS_INIT;
  kz_tokenizer *tk = NULL;
  o.language = lang;
  assert_int_equal(kz_tokenizer_new(&tk, &o), KZ_OK);
  return tk;
}

/* Split text[0..len) and compare with the expected sentences exactly. */
static void check_n(const char *lang, const char *text, size_t len,
                    unsigned flags, const char *const *want, size_t nwant) {
  kz_tokenizer *tk = new_tk(lang);
  spans a = {0};
  size_t i;
  bool ok;
  /* a private copy without a terminating NUL, so ASan sees any over-read */
  char *copy = malloc(len ? len : 1);
  assert_non_null(copy);
  memcpy(copy, text, len);
  assert_int_equal(kz_sentences(tk, copy, len, flags, collect, &a), KZ_OK);
  ok = a.n == nwant;
  for (i = 0; ok && i < nwant; i++)
    ok = a.v[i].e - a.v[i].s == strlen(want[i]) &&
         memcmp(copy + a.v[i].s, want[i], strlen(want[i])) == 0;
  if (!ok) {
    print_message("text [%.*s] (lang %s, flags %u)\n", (int)len, text,
                  lang ? lang : "-", flags);
    for (i = 0; i < a.n; i++)
      print_message("  got  %zu: [%.*s]\n", i, (int)(a.v[i].e - a.v[i].s),
                    copy + a.v[i].s);
    for (i = 0; i < nwant; i++)
      print_message("  want %zu: [%s]\n", i, want[i]);
  }
  assert_true(ok);
  free(a.v);
  free(copy);
  kz_tokenizer_free(tk);
}

#define CHECK(lang, text, flags, ...)                                   \
  do {                                                                  \
    static const char *const want_[] = {__VA_ARGS__};                   \
    check_n(lang, text, strlen(text), flags, want_, COUNT(want_));      \
  } while (0)
#define CHECK_NONE(lang, text, flags) check_n(lang, text, strlen(text), flags, NULL, 0)

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  if (f == NULL) fail_msg("cannot open %s", path);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return buf;
}

/* Lines first..last (1-based) of a seed article, joined by their '\n'; a
 * single line loses the "<p>" and "</p>" around it. */
static char *corpus_lines(const char *file, int first, int last, size_t *len) {
  char path[512], *buf, *p, *q, *out;
  size_t n;
  int line = 1;
  snprintf(path, sizeof path, "%s/examples/corpus/%s", KZ_SOURCE_DIR, file);
  buf = read_file(path, &n);
  for (p = buf; line < first && p < buf + n; p++)
    if (*p == '\n') line++;
  for (q = p; q < buf + n; q++)
    if (*q == '\n' && line++ == last) break;
  assert_int_equal(line, last + 1);
  if (first == last && strncmp(p, "<p>", 3) == 0 && q - p >= 7 &&
      memcmp(q - 4, "</p>", 4) == 0) {
    p += 3;
    q -= 4;
  }
  *len = (size_t)(q - p);
  out = malloc(*len + 1);
  assert_non_null(out);
  memcpy(out, p, *len);
  out[*len] = '\0';
  free(buf);
  return out;
}

static void check_corpus(const char *file, int first, int last,
                         const char *const *want, size_t nwant) {
  size_t len;
  char *text = corpus_lines(file, first, last, &len);
  check_n("en", text, len, 0, want, nwant);
  free(text);
}

#define CORPUS(file, first, last, ...)                                  \
  do {                                                                  \
    static const char *const want_[] = {__VA_ARGS__};                   \
    check_corpus(file, first, last, want_, COUNT(want_));               \
  } while (0)

/* ---- 1. SentenceBreakTest.txt ------------------------------------------- */

/* Cases of SentenceBreakTest.txt where libkz is known to differ, by line
 * number, with the reason.  Empty: the table and the rules are Unicode 15.0
 * like the test file. */
static const struct {
  int line;
  const char *why;
} known_differences[] = {{0, NULL}};

static bool is_known(int line) {
  size_t i;
  for (i = 0; i < COUNT(known_differences); i++)
    if (known_differences[i].line == line && known_differences[i].why) return true;
  return false;
}

static void test_conformance(void **state) {
  char path[512], *buf, *line, *next;
  size_t n, total = 0, passed = 0, known = 0;
  int lineno = 0;
  kz_tokenizer *tk = new_tk(NULL);
  (void)state;
  snprintf(path, sizeof path, "%s/unicode/SentenceBreakTest.txt", KZ_TEST_DATA);
  buf = read_file(path, &n);
  for (line = buf; line && *line; line = next) {
    char text[1024], *p, *hash;
    size_t tlen = 0, nb = 0, breaks[256], i;
    spans a = {0};
    bool ok;
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    lineno++;
    hash = strchr(line, '#');
    if (hash) *hash = '\0';
    for (p = line; *p;) {
      if (*p == ' ' || *p == '\t') {
        p++;
      } else if (strncmp(p, "\xC3\xB7", 2) == 0) { /* ÷ */
        breaks[nb++] = tlen;
        p += 2;
      } else if (strncmp(p, "\xC3\x97", 2) == 0) { /* × */
        p += 2;
      } else {
        char *end;
        unsigned long cp = strtoul(p, &end, 16);
        assert_true(end > p);
        tlen += kzi_utf8_encode((uint32_t)cp, text + tlen);
        p = end;
      }
      assert_true(nb < COUNT(breaks) && tlen + 4 < sizeof text);
    }
    if (tlen == 0) continue;
    total++;
    assert_int_equal(kz_sentences(tk, text, tlen, KZ_SENT_UAX29, collect, &a), KZ_OK);
    /* the test marks sot and eot too: spans are between consecutive marks */
    ok = nb >= 2 && breaks[0] == 0 && breaks[nb - 1] == tlen && a.n == nb - 1;
    for (i = 0; ok && i < a.n; i++)
      ok = a.v[i].s == breaks[i] && a.v[i].e == breaks[i + 1];
    if (ok) {
      passed++;
    } else if (is_known(lineno)) {
      known++;
    } else {
      print_message("SentenceBreakTest.txt:%d: %s\n  got:", lineno, line);
      for (i = 0; i < a.n; i++) print_message(" [%zu,%zu)", a.v[i].s, a.v[i].e);
      print_message("\n");
    }
    free(a.v);
  }
  print_message("SentenceBreakTest.txt: %zu of %zu cases pass, %zu known differences\n",
                passed, total, known);
  assert_true(total > 400);
  assert_int_equal(passed + known, total);
  free(buf);
  kz_tokenizer_free(tk);
}

/* ---- 2. seed articles ------------------------------------------------------ */

static void test_seed_000(void **state) {
  (void)state;
  /* lowercase after a full stop continues the sentence (UAX #29 SB8) */
  CORPUS("000_263d34c5b9433d99.txt", 7, 7,
         "But on January 11, Kazakh President Kassym-Jomart Tokayev, who leads a "
         "country that has long claimed to pursue a balanced \xE2\x80\x9cmultivector\xE2\x80\x9d "
         "foreign approach, announced that the CSTO would force the government "
         "earlier this week. will start departing in and should be completely gone "
         "by the end. of January.");
  CORPUS("000_263d34c5b9433d99.txt", 11, 11,
         "Herbst says Tokayev had another option for external support \xE2\x80\x93 the "
         "China-backed Shanghai Cooperation Organization (SCO \xE2\x80\x93 which also "
         "includes Russia, but chose the CSTO, showing an inclination towards Moscow.",
         "In opposing US policies globally.",
         "Despite China and Russia\xE2\x80\x99s growing cooperation, they say, there are "
         "\xE2\x80\x9c" "competitors\xE2\x80\x9d in Central Asia.");
  /* a quote closing after a full stop */
  CORPUS("000_263d34c5b9433d99.txt", 17, 17,
         "\xE2\x80\x9cKazakhstan beholds Russia in a way that it did not before, limiting "
         "the scope of Kazakhstan\xE2\x80\x99s multi-pronged foreign policy.",
         "Therefore, it is not the length of the Russian deployment, but the fact "
         "that Kazakhstan\xE2\x80\x99s leadership has to deal with the country\xE2\x80\x99s "
         "leadership.\xE2\x80\x9d",
         "The need to call on outsiders for defense makes Russia more reactive and "
         "likely beholden.");
  /* an ellipsis between sentences stays with the first */
  CORPUS("000_263d34c5b9433d99.txt", 47, 47,
         "\xE2\x80\x9cWe have 30 years of really good relations with Kazakhstan, which "
         "have led to a huge number of positive steps in the international "
         "community, from non-proliferation to hosting the Syria Dialogue. \xE2\x80\xA6",
         "There is a lot of political capital left in our relationship with "
         "Kazakhstan. ,\xE2\x80\x9d he says.");
  /* a closing quote, then an opening one */
  CORPUS("000_263d34c5b9433d99.txt", 51, 51,
         "On Monday, Kazakhstan\xE2\x80\x99s national day of mourning, the State Department "
         "offered condolences to America\xE2\x80\x99s \xE2\x80\x9ctrusted friend.\xE2\x80\x9d",
         "\xE2\x80\x9cWe believe in the resilience of the people of Kazakhstan and their "
         "ability to overcome this crisis,\xE2\x80\x9d tweeted this,");
}

static void test_seed_001(void **state) {
  (void)state;
  CORPUS("001_ab822a0e62d101c9.txt", 8, 8,
         "After days of turmoil in Kazakhstan, the largest country in the Central "
         "Asian region, the situation began to stabilize with the arrival of the "
         "collective peacekeeping forces of the CSTO.",
         "What are the reasons for the violent protests?",
         "What lessons should regional countries learn?",
         "How will this change geopolitics in Central Asia?",
         "The Global Times interviewed experts from Russia and Kyrgyzstan to find "
         "out their views on these issues.");
  /* a decimal number */
  CORPUS("001_ab822a0e62d101c9.txt", 12, 12,
         "The root cause of the current unrest is the dissatisfaction with the "
         "social inequalities that have developed in Kazakhstan in recent years.",
         "If you judge by the situation today, you can see that there are at least "
         "three influence groups with different goals and objectives operating in "
         "Kazakhstan.",
         "Initially, oil refinery workers in West Kazakhstan demonstrated peacefully "
         "to protest the increase in gas prices from 60 Kazakh tenge ($ 0.14) to 120 "
         "Kazakh tenge.",
         "This is serious money for Kazakhstan under conditions of crisis.");
}

static void test_seed_002_hard_wrapped(void **state) {
  (void)state;
  /* single line breaks are spaces; offsets keep them inside the spans */
  CORPUS("002_b03ce63f8eeabc7f.txt", 6, 14,
         "Experts believe Moscow risks\nbeing sucked into neighboring unrest and "
         "having to manage strategic instability\non two fronts.",
         "Russia\xE2\x80\x99s deployment of troops as part of a military alliance to\nput "
         "down growing protest in neighboring Kazakhstan will have "
         "major\nramifications for Moscow\xE2\x80\x99s foreign and domestic policy, experts "
         "told the Moscow\nTimes on Thursday.",
         "\xE2\x80\x9c" "For now, this is less an armed intervention than a police\noperation,"
         "\xE2\x80\x9d said Andrei Kortunov, head of the Russian International "
         "Affairs\nCouncil (RIAC), a Kremlin-linked think tank.",
         "\xE2\x80\x9c" "But if it drags on, consequences\nfor Russia could mount up.\xE2\x80\x9d");
  /* "U.S.-Russia" and a quote closing after "terrorists." */
  CORPUS("002_b03ce63f8eeabc7f.txt", 42, 52,
         "The crisis in Kazakhstan comes at\nan awkward time for Russia.",
         "With tensions with the West on the rise amid a\nmonths-long military buildup "
         "on the Ukrainian border and fears of war, Russian\nhas moved westward many "
         "of the units it usually deploys in Siberia and the\nUrals, along its "
         "frontier with Kazakhstan.",
         "As reports of unrest spread across\nKazakhstan on Wednesday, parts of the "
         "pro-Kremlin media labeled the events a\n\xE2\x80\x9cMaidan\xE2\x80\x9d, referring to "
         "the 2014 revolution in Ukraine that touched off that\ncountry\xE2\x80\x99s break "
         "with Russia, and accused the West of contriving the\ndisturbances ahead of "
         "high-stakes U.S.-Russia talks this month.",
         "Tokayev\nlikewise claimed that his country was under \xE2\x80\x9c" "external "
         "attack\xE2\x80\x9d from \xE2\x80\x9c" "bands of\nterrorists.\xE2\x80\x9d");
  /* "U.S." inside a sentence, "U.S.S.R." ending one */
  CORPUS("002_b03ce63f8eeabc7f.txt", 53, 70,
         "However, with Russia\xE2\x80\x99s armed\nforces heavily engaged along the "
         "Ukrainian border, and much of its diplomatic\ncapacity given over to ongoing "
         "talks with the U.S. on security guarantees, the\nKazakhstan crisis "
         "represents an unwelcome turn of events for Moscow.",
         "\xE2\x80\x9cThe\nKremlin needs to divide [its] attention \xE2\x80\xA6 and manage "
         "strategic instability on\ntwo fronts,\xE2\x80\x9d Alexander Baunov, a Russian "
         "foreign policy analyst at the Carnegie\nMoscow Center think tank, wrote on "
         "Twitter.",
         "For some experts, the biggest\npotential risk is Russia\xE2\x80\x99s getting "
         "sucked into Kazakhstan\xE2\x80\x99s domestic disputes.",
         "Though Kazakhstan has a large\nRussian majority, and the country\xE2\x80\x99s "
         "north has sometimes been the object of\nirredentist dreams, Russo-Kazakh "
         "relations have been generally friendly since\nthe end of the U.S.S.R.",
         "With Russia now assuming a leading role in underwriting\nKazakhstan\xE2\x80\x99s "
         "government, RIAC\xE2\x80\x99s Kortunov fears an outpouring of "
         "Kazakh\nnationalism and disruption of the country\xE2\x80\x99s fragile internal "
         "ethnic balance.",
         "Previous\nRussian interventions in post-Soviet countries have seen friendly "
         "states take\nsharp anti-Russian turns, Kortunov noted.",
         "\xE2\x80\x9cThere\xE2\x80\x99s a real chance that we could\nsee the rise of "
         "anti-Russian sentiment in Kazakhstan, along the lines of\nUkraine or "
         "Georgia,\xE2\x80\x9d he said.");
}

static void test_seed_003(void **state) {
  (void)state;
  CORPUS("003_fc91008267daa0a1.txt", 15, 15,
         "Mass protests across the country were sparked by the lifting of the fuel "
         "price cap, which skyrocketed the cost of fueling cars with LPG.",
         "The general dissatisfaction, however, has clearly been fueled by an economy "
         "that has stagnated in recent years, rising inflation, growing private debt "
         "and unemployment.",
         "These social and economic tensions also helped to shake the political "
         "transition in Kazakhstan.",
         "Nursultan Nazarbayev was president of Kazakhstan for almost 30 years until "
         "he resigned in 2019 and was replaced by Qassym-Shomart Toqayev.",
         "Since then, Kazakhstan has been in a transition phase, during which Toqayev "
         "and Nazarbayev jointly ruled the country.",
         "Competing political views and loyalties within the power apparatus were "
         "brought to the surface in a power struggle between the former and current "
         "presidents.");
}

static void test_seed_004(void **state) {
  (void)state;
  /* the title "Mr." */
  CORPUS("004_bbc49ac9c8e5d2ae.txt", 47, 47,
         "Following a ferocious crackdown by security forces, with at the minimum 164 "
         "dead and almost 6,000 arrested, the former Soviet republic is now firmly "
         "under control of President Kassym-Jomart Tokayev, the hand-picked successor "
         "of longtime leader Mr. Nazarbayev, and the immediate danger has seemingly "
         "receded.");
  /* quotes and an ellipsis between two sentences */
  CORPUS("004_bbc49ac9c8e5d2ae.txt", 48, 48,
         "\xE2\x80\x9c" "already yesterday there was gunfire in the streets, and it was "
         "impossible to go out,\xE2\x80\x9d Vyacheslav Abramov, founder of the Vlast online "
         "magazine in Almaty, told the Monitor Monday.",
         "\xE2\x80\x9cToday there are buses running, the streets are being cleaned up, "
         "things seem to be returning to normal. \xE2\x80\xA6",
         "But we have only fragmentary information, and it\xE2\x80\x99s hard to know "
         "what\xE2\x80\x99s really happening.\xE2\x80\x9d");
  /* an ellipsis inside a sentence, "oversea.” The", "U.S. retreat" */
  CORPUS("004_bbc49ac9c8e5d2ae.txt", 49, 49,
         "At an emergency meeting of the CSTO\xE2\x80\x99s Security Council on Monday, "
         "Russian President Vladimir Putin placed the blame squarely on "
         "\xE2\x80\x9cinternational terrorism,\xE2\x80\x9d claiming that the violence came "
         "from \xE2\x80\x9cwell-organized and well-controlled militant groups \xE2\x80\xA6 "
         "including those who had clearly been trained in terrorist camps "
         "oversea.\xE2\x80\x9d",
         "The Islamist threat to Central Asia has been a thorough Russian concern for "
         "many years, and has only been magnified since the disorganized U.S. retreat "
         "from Afghanistan last year left behind a dangerous vacuum.");
  CORPUS("004_bbc49ac9c8e5d2ae.txt", 50, 50,
         "But Kazakh leaders have offered a different explanation, pointing to "
         "high-ranking internal traitors who utilized the pretext of price increases "
         "to cause protests, then unleashed specially trained armed units in an "
         "attempt to stage a coup d\xE2\x80\x99\xC3\xA9tat. at the minimum one top former "
         "official, the recently dismissed head of the security sets, Karim Masimov, "
         "has been arrested and charged with plotting against the state.");
  /* a caption: "Jan." before a number */
  CORPUS("004_bbc49ac9c8e5d2ae.txt", 46, 46,
         "Vendors clean up their store that was broken into and looted during clashes "
         "in Almaty, Kazakhstan, Jan. 10, 2022.");
}

/* ---- 3. rules and edge cases ---------------------------------------------- */

static void test_abbreviations(void **state) {
  (void)state;
  CHECK("en", "Mr. Smith went to Washington. He left.", 0,
        "Mr. Smith went to Washington.", "He left.");
  CHECK("en", "Dr. Jones and Gen. Miller met Mrs. Brown. They talked.", 0,
        "Dr. Jones and Gen. Miller met Mrs. Brown.", "They talked.");
  CHECK("en", "He works for Acme Inc. The deal closed.", 0,
        "He works for Acme Inc.", "The deal closed.");
  CHECK("en", "Acme Inc. Chairman Smith agreed.", 0,
        "Acme Inc. Chairman Smith agreed.");
  CHECK("en", "It happened on Jan. 10, 2022. Nobody saw it.", 0,
        "It happened on Jan. 10, 2022.", "Nobody saw it.");
  CHECK("en", "He moved to the U.S. The move was quick.", 0,
        "He moved to the U.S.", "The move was quick.");
  CHECK("en", "Talks with the U.S. on Monday failed.", 0,
        "Talks with the U.S. on Monday failed.");
  CHECK("en", "He lives on St. Petersburg Ave. near No. 5 and left.", 0,
        "He lives on St. Petersburg Ave. near No. 5 and left.");
  CHECK("en", "Use tools, e.g. Hammers and saws.", 0,
        "Use tools, e.g. Hammers and saws.");
  /* a closing quote after the abbreviation's dot ends the sentence */
  CHECK("en", "He said \"I live in the U.S.\" Tokayev nodded.", 0,
        "He said \"I live in the U.S.\"", "Tokayev nodded.");
  /* without the list, UAX #29 alone */
  CHECK("en", "Mr. Smith arrived.", KZ_SENT_NO_ABBREVIATIONS, "Mr.", "Smith arrived.");
  /* no language: every list */
  CHECK(NULL, "Mr. Smith arrived. Herr Dr. M\xC3\xBCller auch.", 0,
        "Mr. Smith arrived.", "Herr Dr. M\xC3\xBCller auch.");
  /* German, Russian, French, Spanish */
  CHECK("de", "Er wohnt in der Str. Nr. 5 in Berlin. Die Stadt ist gro\xC3\x9F.", 0,
        "Er wohnt in der Str. Nr. 5 in Berlin.", "Die Stadt ist gro\xC3\x9F.");
  CHECK("de", "Obst, z.B. \xC3\x84pfel und Birnen, ist gesund. Das wei\xC3\x9F man.", 0,
        "Obst, z.B. \xC3\x84pfel und Birnen, ist gesund.", "Das wei\xC3\x9F man.");
  CHECK("ru",
        "\xD0\xAD\xD1\x82\xD0\xBE \xD0\xB1\xD1\x8B\xD0\xBB\xD0\xBE \xD0\xB2 2022 "
        "\xD0\xB3. \xD0\x9F\xD1\x80\xD0\xB5\xD0\xB7\xD0\xB8\xD0\xB4\xD0\xB5\xD0\xBD\xD1\x82 "
        "\xD0\xB2\xD1\x8B\xD1\x81\xD1\x82\xD1\x83\xD0\xBF\xD0\xB8\xD0\xBB. "
        "\xD0\x9E\xD0\xBD \xD1\x83\xD1\x88\xD1\x91\xD0\xBB.", 0,
        /* Это было в 2022 г. Президент выступил. | Он ушёл. */
        "\xD0\xAD\xD1\x82\xD0\xBE \xD0\xB1\xD1\x8B\xD0\xBB\xD0\xBE \xD0\xB2 2022 "
        "\xD0\xB3. \xD0\x9F\xD1\x80\xD0\xB5\xD0\xB7\xD0\xB8\xD0\xB4\xD0\xB5\xD0\xBD\xD1\x82 "
        "\xD0\xB2\xD1\x8B\xD1\x81\xD1\x82\xD1\x83\xD0\xBF\xD0\xB8\xD0\xBB.",
        "\xD0\x9E\xD0\xBD \xD1\x83\xD1\x88\xD1\x91\xD0\xBB.");
  CHECK("ru",
        /* Закон принят в 2021 г. В стране протесты. */
        "\xD0\x97\xD0\xB0\xD0\xBA\xD0\xBE\xD0\xBD \xD0\xBF\xD1\x80\xD0\xB8\xD0\xBD"
        "\xD1\x8F\xD1\x82 \xD0\xB2 2021 \xD0\xB3. \xD0\x92 \xD1\x81\xD1\x82\xD1\x80"
        "\xD0\xB0\xD0\xBD\xD0\xB5 \xD0\xBF\xD1\x80\xD0\xBE\xD1\x82\xD0\xB5\xD1\x81"
        "\xD1\x82\xD1\x8B.", 0,
        "\xD0\x97\xD0\xB0\xD0\xBA\xD0\xBE\xD0\xBD \xD0\xBF\xD1\x80\xD0\xB8\xD0\xBD"
        "\xD1\x8F\xD1\x82 \xD0\xB2 2021 \xD0\xB3.",
        "\xD0\x92 \xD1\x81\xD1\x82\xD1\x80\xD0\xB0\xD0\xBD\xD0\xB5 \xD0\xBF\xD1\x80"
        "\xD0\xBE\xD1\x82\xD0\xB5\xD1\x81\xD1\x82\xD1\x8B.");
  CHECK("fr", "M. Macron est arriv\xC3\xA9. Il a parl\xC3\xA9.", 0,
        "M. Macron est arriv\xC3\xA9.", "Il a parl\xC3\xA9.");
  CHECK("es", "El Sr. Garc\xC3\xAD" "a lleg\xC3\xB3. \xC2\xBFQu\xC3\xA9 pas\xC3\xB3? Nada.", 0,
        "El Sr. Garc\xC3\xAD" "a lleg\xC3\xB3.", "\xC2\xBFQu\xC3\xA9 pas\xC3\xB3?", "Nada.");
}

static void test_initials(void **state) {
  (void)state;
  CHECK("en", "J. Smith and A. B. Jones met. They agreed.", 0,
        "J. Smith and A. B. Jones met.", "They agreed.");
  CHECK("en", "He took vitamin C. He felt better.", 0,
        "He took vitamin C.", "He felt better.");
  /* В. В. Путин: an initial followed by an initial that is also a word */
  CHECK("ru",
        "\xD0\x92. \xD0\x92. \xD0\x9F\xD1\x83\xD1\x82\xD0\xB8\xD0\xBD "
        "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB5\xD1\x85\xD0\xB0\xD0\xBB.", 0,
        "\xD0\x92. \xD0\x92. \xD0\x9F\xD1\x83\xD1\x82\xD0\xB8\xD0\xBD "
        "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB5\xD1\x85\xD0\xB0\xD0\xBB.");
}

static void test_ellipsis_and_quotes(void **state) {
  (void)state;
  CHECK("en", "Wait... then go. Wait... Then go.", 0,
        "Wait... then go.", "Wait...", "Then go.");
  CHECK("en", "Wait\xE2\x80\xA6 then go. Wait\xE2\x80\xA6 Then go.", 0,
        "Wait\xE2\x80\xA6 then go.", "Wait\xE2\x80\xA6", "Then go.");
  /* UAX #29 alone reads U+2026 as Other */
  CHECK("en", "Wait\xE2\x80\xA6 Then go.", KZ_SENT_UAX29, "Wait\xE2\x80\xA6 Then go.");
  CHECK("en", "He said \xE2\x80\x9cit is over.\xE2\x80\x9d Then he left.", 0,
        "He said \xE2\x80\x9cit is over.\xE2\x80\x9d", "Then he left.");
  CHECK("en", "\xE2\x80\x9cGo now!\xE2\x80\x9d she said. \xE2\x80\x9cWhy?\xE2\x80\x9d He asked.", 0,
        "\xE2\x80\x9cGo now!\xE2\x80\x9d she said.", "\xE2\x80\x9cWhy?\xE2\x80\x9d", "He asked.");
  CHECK("en", "(It ended.) Then more.", 0, "(It ended.)", "Then more.");
  CHECK("en", "Prices rose 0.14 percent. Stocks fell 3.5%.", 0,
        "Prices rose 0.14 percent.", "Stocks fell 3.5%.");
}

static void test_paragraphs_and_lines(void **state) {
  (void)state;
  CHECK("en", "First paragraph\n\nSecond paragraph", 0, "First paragraph",
        "Second paragraph");
  CHECK("en", "Title\n \t \nBody text here.\n\n\n\nEnd", 0, "Title", "Body text here.", "End");
  CHECK("en", "a hard\nwrapped line. Next one\nhere.", 0, "a hard\nwrapped line.",
        "Next one\nhere.");
  /* a paragraph break ends a sentence even after a title */
  CHECK("en", "Ask Mr.\n\nSmith", 0, "Ask Mr.", "Smith");
  /* but a single line break does not */
  CHECK("en", "Ask Mr.\nSmith", 0, "Ask Mr.\nSmith");
  /* CR LF */
  CHECK("en", "no stop\r\nhere\r\n\r\nNew para", 0, "no stop\r\nhere", "New para");
  CHECK("en", "no stop\r\nhere", KZ_SENT_LINE_BREAKS, "no stop", "here");
  CHECK("en", "no stop\r\nhere", KZ_SENT_UAX29, "no stop\r\n", "here");
  CHECK("en", "a\rb\nc", KZ_SENT_LINE_BREAKS, "a", "b", "c");
  /* NEL and LINE SEPARATOR are line breaks; PARAGRAPH SEPARATOR is a paragraph */
  CHECK("en", "a\xC2\x85" "b\xE2\x80\xA8" "c\xE2\x80\xA9" "d", 0,
        "a\xC2\x85" "b\xE2\x80\xA8" "c", "d");
  /* untrimmed spans cover the input */
  CHECK("en", "  Hello.  World.  ", 0, "Hello.", "World.");
  CHECK("en", "  Hello.  World.  ", KZ_SENT_UNTRIMMED, "  Hello.  ", "World.  ");
  CHECK("en", "end.\n\n  Next", KZ_SENT_UNTRIMMED, "end.\n\n", "  Next");
  CHECK("en", "   \n\n  ", KZ_SENT_UAX29, "   \n", "\n", "  ");
  CHECK_NONE("en", "   \n\n \t ", 0);
  /* embedded NUL is an ordinary character */
  {
    kz_tokenizer *tk = new_tk("en");
    spans a = {0};
    assert_int_equal(kz_sentences(tk, "a\0b. Cc", 7, 0, collect, &a), KZ_OK);
    assert_int_equal(a.n, 2);
    assert_int_equal(a.v[0].s, 0);
    assert_int_equal(a.v[0].e, 4);
    assert_int_equal(a.v[1].s, 5);
    assert_int_equal(a.v[1].e, 7);
    free(a.v);
    kz_tokenizer_free(tk);
  }
}

static void test_invalid_utf8(void **state) {
  /* "Bad \xFF\xFE byte. Next \xC3 one. \xE2\x80" */
  static const char text[] = "Bad \xFF\xFE" " byte. Next \xC3" " one. \xE2\x80";
  kz_tokenizer *tk = new_tk("en");
  spans a = {0};
  (void)state;
  assert_int_equal(kz_sentences(tk, text, sizeof text - 1, 0, collect, &a), KZ_OK);
  assert_int_equal(kz_tokenizer_repaired(tk), 5);
  assert_int_equal(a.n, 3);
  assert_int_equal(a.v[0].s, 0);
  assert_int_equal(a.v[0].e, 12); /* "Bad ?? byte." */
  assert_int_equal(a.v[1].s, 13);
  assert_int_equal(a.v[1].e, 24); /* "Next ? one." */
  assert_int_equal(a.v[2].s, 25);
  assert_int_equal(a.v[2].e, 27); /* the truncated sequence, two bytes */
  free(a.v);
  /* every byte value, and every byte alone, never crashes */
  {
    unsigned char all[512];
    int i;
    for (i = 0; i < 512; i++) all[i] = (unsigned char)(i * 7 + 3);
    a.n = 0;
    a.v = NULL;
    a.cap = 0;
    assert_int_equal(kz_sentences(tk, (const char *)all, sizeof all, 0, collect, &a), KZ_OK);
    assert_true(kz_tokenizer_repaired(tk) > 0);
    free(a.v);
    for (i = 0; i < 256; i++) {
      unsigned char b = (unsigned char)i;
      memset(&a, 0, sizeof a);
      assert_int_equal(kz_sentences(tk, (const char *)&b, 1, KZ_SENT_UAX29, collect, &a), KZ_OK);
      assert_int_equal(a.n, 1);
      assert_int_equal(kz_tokenizer_repaired(tk), i >= 0x80 ? 1 : 0);
      free(a.v);
    }
  }
  kz_tokenizer_free(tk);
}

static void test_empty_and_errors(void **state) {
  kz_tokenizer *tk = new_tk("en");
  spans a = {0};
  (void)state;
  assert_int_equal(kz_sentences(tk, NULL, 0, 0, collect, &a), KZ_OK);
  assert_int_equal(kz_sentences(tk, "", 0, KZ_SENT_UAX29, collect, &a), KZ_OK);
  assert_int_equal(a.n, 0);
  assert_int_equal(kz_tokenizer_repaired(tk), 0);
  assert_string_equal(kz_tokenizer_errmsg(tk), "");
  assert_int_equal(kz_sentences(NULL, "a", 1, 0, collect, &a), KZ_EINVAL);
  assert_int_equal(kz_sentences(tk, NULL, 3, 0, collect, &a), KZ_EINVAL);
  assert_true(strstr(kz_tokenizer_errmsg(tk), "NULL") != NULL);
  assert_int_equal(kz_sentences(tk, "a", 1, 0, NULL, NULL), KZ_EINVAL);
  assert_int_equal(kz_sentences(tk, "a", 1, 0x100, collect, &a), KZ_EINVAL);
  assert_true(strstr(kz_tokenizer_errmsg(tk), "flags") != NULL);
  assert_int_equal(a.n, 0);
  assert_int_equal(kz_sentences(tk, "a", 1, 0, collect, &a), KZ_OK);
  assert_string_equal(kz_tokenizer_errmsg(tk), "");
  free(a.v);
  kz_tokenizer_free(tk);
}

static void test_callback_stop(void **state) {
  kz_tokenizer *tk = new_tk("en");
  spans a = {0};
  (void)state;
  a.stop_at = 2;
  assert_int_equal(kz_sentences(tk, "One. Two. Three. Four.", 22, 0, collect, &a), 42);
  assert_int_equal(a.n, 2);
  a.n = 0;
  a.stop_at = 3; /* the last span */
  assert_int_equal(kz_sentences(tk, "One. Two. Three.", 16, KZ_SENT_UAX29, collect, &a), 42);
  assert_int_equal(a.n, 3);
  free(a.v);
  kz_tokenizer_free(tk);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Fill n bytes with copies of pat, then run; returns the span count. */
static size_t run_big(const char *what, const char *head, const char *pat,
                      size_t n, unsigned flags) {
  kz_tokenizer *tk = new_tk("en");
  spans a = {0};
  size_t hl = strlen(head), pl = strlen(pat), i;
  char *buf = malloc(n);
  double t;
  assert_non_null(buf);
  memcpy(buf, head, hl);
  for (i = hl; i < n; i++) buf[i] = pat[(i - hl) % pl];
  t = now();
  assert_int_equal(kz_sentences(tk, buf, n, flags, collect, &a), KZ_OK);
  t = now() - t;
  print_message("%-36s %5.1f MB: %8zu spans, %.3f s\n", what, n / 1e6, a.n, t);
  for (i = 1; i < a.n; i++) assert_true(a.v[i].s >= a.v[i - 1].e);
  free(a.v);
  free(buf);
  kz_tokenizer_free(tk);
  return a.n;
}

static void test_long_inputs(void **state) {
  static const char unit[] =
      "Mr. Smith paid $0.14 for the U.S. bonds on Jan. 5, 2022... Then he left! "
      "\xE2\x80\x9cWhy?\xE2\x80\x9d asked J. Doe. ";
  size_t ul = strlen(unit), reps = (10u << 20) / ul;
  (void)state;
  /* 10 MB on one line: 3 sentences per copy ("“Why?” asked" goes on) */
  assert_int_equal(run_big("news-like single line", "", unit, reps * ul, 0), reps * 3);
  run_big("news-like, UAX #29", "", unit, reps * ul, KZ_SENT_UAX29);
  /* pathological: long runs after a terminator, lookaheads over them */
  run_big("a. then 10 MB of '('", "a. ", "(", 10u << 20, 0);
  run_big("a. then 10 MB of spaces", "a.", " ", 10u << 20, 0);
  run_big("Inc. then 10 MB of quotes", "Inc. ", "\"", 10u << 20, 0);
  run_big("10 MB of '. '", "", ". ", 10u << 20, 0);
  run_big("10 MB of 'A. '", "", "A. ", 10u << 20, 0);
  run_big("10 MB of 'x\\n \\n' (paragraphs)", "", "x\n \n", 10u << 20, 0);
  run_big("10 MB of '\\n' after a title", "Mr.", "\n", 10u << 20, 0);
  run_big("10 MB of '.)'", "a", ".)", 10u << 20, 0);
  run_big("10 MB of one word", "", "abcdefgh", 10u << 20, 0);
  run_big("10 MB of U+2026", "", "\xE2\x80\xA6", 3 * (3u << 20), 0);
}

/* Random strings of troublesome pieces: for every flag combination the spans
 * are ordered, non-empty and inside the input; untrimmed spans cover it; and
 * the trimmed spans are exactly the non-blank untrimmed ones, trimmed. */
static bool blank_cp(int32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

static bool mark_cp(int32_t c) { return c == 0x301 || c == 0x200D; }

/* Trim text[*s..*e): white space, and marks that sit on white space. */
static void trim(const char *text, size_t *s, size_t *e) {
  size_t p = *s, first = SIZE_MAX, end = *s, l;
  bool ws = true;
  while (p < *e) {
    int32_t c = kzi_utf8_decode((const unsigned char *)text + p, *e - p, &l);
    if (!(mark_cp(c) && p > *s)) ws = blank_cp(c);
    if (!ws) {
      if (first == SIZE_MAX) first = p;
      end = p + l;
    }
    p += l;
  }
  if (first == SIZE_MAX) first = end = *s;
  *s = first;
  *e = end;
}

static void test_random_properties(void **state) {
  static const char *const pieces[] = {
      "a", "Word", "THE", "The", " ", "  ", "\n", "\r\n", "\n\n", "\n \n", ".",
      "...", "!", "?", ",", "\"", "(", ")", "\xE2\x80\x9D", "\xE2\x80\x9C",
      "\xE2\x80\xA6", "0", "3.5", "Mr", "U.S", "Inc", "J", "\xCC\x81",
      "\xE2\x80\x8D", "\xC2\x85", "\xE2\x80\xA9", "\xFF", "\xE2\x80", "\xD0\x92",
      "\xD0\xB3", "\xC2\xA0", "\xEF\xBC\x8E", "\xE3\x80\x82", "\t"};
  kz_tokenizer *tk = new_tk(NULL);
  char text[256];
  unsigned seed = 12345, iter, flags;
  (void)state;
  for (iter = 0; iter < 3000; iter++) {
    size_t len = 0, k, np;
    seed = seed * 1103515245u + 12345u;
    np = (seed >> 16) % 24;
    for (k = 0; k < np; k++) {
      const char *pc;
      seed = seed * 1103515245u + 12345u;
      pc = pieces[(seed >> 16) % COUNT(pieces)];
      if (len + strlen(pc) >= sizeof text) break;
      memcpy(text + len, pc, strlen(pc));
      len += strlen(pc);
    }
    for (flags = 0; flags < 4; flags++) {
      spans u = {0}, t = {0};
      size_t i, j = 0;
      assert_int_equal(kz_sentences(tk, text, len, flags | KZ_SENT_UNTRIMMED, collect, &u), KZ_OK);
      assert_int_equal(kz_sentences(tk, text, len, flags, collect, &t), KZ_OK);
      for (i = 0; i < u.n; i++) {
        size_t s = u.v[i].s, e = u.v[i].e;
        assert_int_equal(s, i ? u.v[i - 1].e : 0);
        assert_true(e > s);
        trim(text, &s, &e);
        if (s == e) continue;
        assert_true(j < t.n);
        assert_int_equal(t.v[j].s, s);
        assert_int_equal(t.v[j].e, e);
        j++;
      }
      assert_int_equal(u.n ? u.v[u.n - 1].e : 0, len);
      assert_int_equal(j, t.n);
      free(u.v);
      free(t.v);
    }
  }
  kz_tokenizer_free(tk);
}

static void test_is_abbreviation(void **state) {
  bool title = false;
  (void)state;
  assert_true(kzi_is_abbreviation("en", "Mr", 2, &title) && title);
  assert_true(kzi_is_abbreviation("en", "Gen", 3, &title) && title);
  assert_true(kzi_is_abbreviation("en", "Inc", 3, &title) && !title);
  assert_true(kzi_is_abbreviation("en", "Dec", 3, &title) && !title);
  assert_true(kzi_is_abbreviation("en", "U.S", 3, &title) && !title);
  assert_true(kzi_is_abbreviation("en", "U.S.S.R", 7, &title) && !title);
  assert_true(kzi_is_abbreviation("en", "e.g", 3, &title) && !title);
  assert_true(kzi_is_abbreviation("en", "J", 1, &title) && !title);
  assert_true(kzi_is_abbreviation("en", "E\xCC\x81", 3, &title) && !title);
  assert_true(kzi_is_abbreviation("en", "\xC3\x89.M", 4, &title) && !title);
  assert_true(kzi_is_abbreviation("de", "z.B", 3, &title) && !title);
  assert_true(kzi_is_abbreviation("de", "Nr", 2, &title) && !title);
  assert_true(kzi_is_abbreviation("ru", "\xD0\xB3", 2, &title) && !title);  /* г */
  assert_true(kzi_is_abbreviation("ru", "\xD0\x92", 2, &title) && !title);  /* В */
  assert_true(kzi_is_abbreviation("fr", "M", 1, &title) && title);
  assert_true(kzi_is_abbreviation("es", "Sra", 3, &title) && title);
  assert_true(kzi_is_abbreviation("es", "EE.UU", 5, &title) && !title);
  assert_true(kzi_is_abbreviation(NULL, "Mrs", 3, &title) && title);
  assert_true(kzi_is_abbreviation("", "Nr", 2, &title));
  assert_false(kzi_is_abbreviation("en", "Nr", 2, &title));
  assert_false(kzi_is_abbreviation("en", "Moscow", 6, &title));
  assert_false(kzi_is_abbreviation("en", "a", 1, &title)); /* lowercase: no initial */
  assert_false(kzi_is_abbreviation("en", "US.", 3, &title));
  assert_false(kzi_is_abbreviation("en", "U..S", 4, &title));
  assert_false(kzi_is_abbreviation("en", "", 0, &title));
  assert_false(kzi_is_abbreviation("en", "\xFF", 1, &title));
  assert_true(kzi_is_abbreviation("en", "Mr", 2, NULL));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_conformance),
      cmocka_unit_test(test_seed_000),
      cmocka_unit_test(test_seed_001),
      cmocka_unit_test(test_seed_002_hard_wrapped),
      cmocka_unit_test(test_seed_003),
      cmocka_unit_test(test_seed_004),
      cmocka_unit_test(test_abbreviations),
      cmocka_unit_test(test_initials),
      cmocka_unit_test(test_ellipsis_and_quotes),
      cmocka_unit_test(test_paragraphs_and_lines),
      cmocka_unit_test(test_invalid_utf8),
      cmocka_unit_test(test_empty_and_errors),
      cmocka_unit_test(test_callback_stop),
      cmocka_unit_test(test_long_inputs),
      cmocka_unit_test(test_random_properties),
      cmocka_unit_test(test_is_abbreviation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
