/*
 * meta.c - article metadata: languages, title, date, source, authors,
 * dateline; and the site-furniture vocabulary used by classify.c.
 *
 * Language: counts of very common function words per language (en, de, fr,
 * es, ru) plus the share of Cyrillic letters; the best language must lead
 * the runner-up clearly, else "und".
 * Title: the first headline-shaped block at the top of the page (not a date,
 * label or furniture); a "Headline - Site" first line gives the site as a
 * masthead.
 * Date: the first date line outside the body (a block that is mostly a
 * date); dates in captions and sentences never count.
 * Source, in order of trust: the site describing itself ("X is the ...
 * website", "X strives for ...", "X Desk", "(c) 2022 X", masthead), a
 * credit label ("From X:"), the outlet the text reports to ("told the X",
 * "The X interviewed"), the republished outlet.  original_source: "republished
 * from X", "originally published (in|by) X", "first appeared (in|on) X".
 * Authors: byline blocks ("By A and B", "An analysis by A", "Von A"); desk
 * and agency names are not people.
 */
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "article_int.h"

int kzi_byline_at(const char *t, size_t n, size_t *name_at);

/* ----------------------------------------------------------------------
 * Stopwords (a compact profile per language, for detection and density)
 * ---------------------------------------------------------------------- */
static const char *const sw_en[] = {
  "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "on", "was", "with", "as",
  "by", "be", "at", "this", "from", "are", "have", "has", "an", "not", "but", "or", "they",
  "which", "his", "he", "their", "were", "its", "been", "who", "will", "would", "more", "than",
  "also", "had", "said", "says", "can", "after", "about", "into", "there", "we", "all", "so",
  "if", "what", "when", "her", "she", "our", "no", "up", "out", "over", "could", "other",
  "some", "these", "those", "such", "most", "only", "i", "you", "how", "why", "do", "does",
  "did", "may", "just", "any", "them", "him", "my", "your", "while", "where", "because",
  "should", "very", "even", "now", "then", "both", "being", "before", "through", "against",
  "between", "under", "again", "however", "though", "although", "since", "until", "much",
  "many", "each", "own", "same", "well", "here", "us", "one", NULL};
static const char *const sw_de[] = {
  "der", "die", "das", "und", "in", "zu", "den", "von", "ist", "mit", "sich", "des", "auf",
  "für", "nicht", "im", "dem", "ein", "eine", "als", "auch", "es", "an", "werden", "aus",
  "er", "hat", "dass", "daß", "sie", "nach", "wird", "bei", "einer", "um", "am", "sind",
  "noch", "wie", "einem", "über", "einen", "so", "zum", "war", "haben", "nur", "oder",
  "aber", "vor", "zur", "bis", "mehr", "durch", "man", "sein", "wurde", "sei", "ich",
  "wir", "ihr", "ihre", "seine", "kann", "dieser", "diese", "dieses", "wenn", "schon",
  "unter", "gegen", "zwischen", "sowie", "soll", "keine", "kein", NULL};
static const char *const sw_fr[] = {
  "le", "la", "les", "de", "des", "et", "en", "un", "une", "du", "que", "qui", "dans",
  "pour", "pas", "sur", "au", "est", "il", "par", "plus", "ne", "se", "ce", "avec", "sont",
  "aux", "ses", "son", "leur", "mais", "ou", "été", "cette", "elle", "nous", "comme",
  "ont", "être", "fait", "aussi", "sa", "selon", "ils", "elles", "entre", "très", "sans",
  "après", "depuis", "avait", "était", "peut", "tout", "tous", "ces", "lui", "leurs", "dont",
  "où", NULL};
static const char *const sw_es[] = {
  "el", "la", "los", "las", "de", "del", "y", "en", "que", "un", "una", "por", "con", "para",
  "es", "se", "no", "al", "lo", "su", "sus", "como", "más", "pero", "fue", "ha", "sobre",
  "este", "esta", "entre", "también", "son", "está", "muy", "sin", "ya", "desde", "hasta",
  "cuando", "porque", "han", "era", "le", "les", "otro", "otros", "ese", "esa", "durante",
  "según", "donde", "hay", "ser", "tiene", "sido", "dijo", "todos", "todo", "nos", NULL};
static const char *const sw_ru[] = {
  "и", "в", "не", "на", "что", "с", "по", "как", "это", "он", "к", "из", "у", "за", "от",
  "о", "же", "для", "был", "но", "так", "его", "все", "она", "они", "мы", "бы", "было",
  "ее", "её", "только", "или", "уже", "при", "до", "также", "этого", "после", "года",
  "была", "были", "чтобы", "который", "которые", "которая", "время", "если", "их", "может",
  "еще", "ещё", "во", "со", "то", "этом", "этот", "эти", "когда", "где", "без", "под",
  "над", "между", "очень", "там", "тем", "чем", "себя", "ему", "них", NULL};

static const struct { const char *lang; const char *const *words; } sw_lists[] = {
  {"en", sw_en}, {"de", sw_de}, {"fr", sw_fr}, {"es", sw_es}, {"ru", sw_ru}, {NULL, NULL}};

/* All lists in one hash table (word -> bit mask of languages), built once. */
#define SW_SLOTS 2048
static struct { const char *w; unsigned char len, mask; } sw_tab[SW_SLOTS];
static once_flag sw_once = ONCE_FLAG_INIT;

static uint32_t sw_hash(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  size_t i;
  for (i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static void sw_build(void) {
  size_t i, j;
  for (i = 0; sw_lists[i].lang; i++)
    for (j = 0; sw_lists[i].words[j]; j++) {
      const char *w = sw_lists[i].words[j];
      size_t n = strlen(w), k = sw_hash(w, n) & (SW_SLOTS - 1);
      while (sw_tab[k].w && !(sw_tab[k].len == n && memcmp(sw_tab[k].w, w, n) == 0))
        k = (k + 1) & (SW_SLOTS - 1);
      sw_tab[k].w = w;
      sw_tab[k].len = (unsigned char)n;
      sw_tab[k].mask |= (unsigned char)(1u << i);
    }
}

static unsigned sw_mask(const char *lw, size_t n) {
  size_t k;
  if (n == 0 || n > 30) return 0;
  call_once(&sw_once, sw_build);
  k = sw_hash(lw, n) & (SW_SLOTS - 1);
  while (sw_tab[k].w) {
    if (sw_tab[k].len == n && memcmp(sw_tab[k].w, lw, n) == 0) return sw_tab[k].mask;
    k = (k + 1) & (SW_SLOTS - 1);
  }
  return 0;
}

unsigned kzi_stop_bit(const char *lang) {
  size_t i;
  for (i = 0; sw_lists[i].lang; i++)
    if (strcmp(sw_lists[i].lang, lang) == 0) return 1u << i;
  return 0;
}

unsigned kzi_stop_mask(const char *lw, size_t n) { return sw_mask(lw, n); }

/* The lists again, keyed by kzi_word_hash() (64 bits: a false hit would
 * need a collision with one of a few hundred words). */
static struct { uint64_t h; unsigned char mask; } swh_tab[SW_SLOTS];
static once_flag swh_once = ONCE_FLAG_INIT;

static void swh_build(void) {
  size_t i, j;
  for (i = 0; sw_lists[i].lang; i++)
    for (j = 0; sw_lists[i].words[j]; j++) {
      const char *w = sw_lists[i].words[j];
      uint64_t h = kzi_word_hash(w, strlen(w));
      size_t k = (size_t)(h ^ (h >> 32)) & (SW_SLOTS - 1);
      while (swh_tab[k].mask && swh_tab[k].h != h) k = (k + 1) & (SW_SLOTS - 1);
      swh_tab[k].h = h;
      swh_tab[k].mask |= (unsigned char)(1u << i);
    }
}

unsigned kzi_stop_mask_hash(uint64_t h) {
  size_t k = (size_t)(h ^ (h >> 32)) & (SW_SLOTS - 1);
  call_once(&swh_once, swh_build);
  while (swh_tab[k].mask) {
    if (swh_tab[k].h == h) return swh_tab[k].mask;
    k = (k + 1) & (SW_SLOTS - 1);
  }
  return 0;
}

int kzi_is_stopword(const char *lang, const char *lw, size_t n) {
  return (sw_mask(lw, n) & kzi_stop_bit(lang)) != 0;
}

const char *kzi_lang_detect(const char *s, size_t n, unsigned min_hits) {
  unsigned hits[5] = {0, 0, 0, 0, 0}, words = 0, cyr = 0;
  kzi_wordit it = {s, n, 0, 0, 0};
  int i, best = -1, second = -1;
  while (kzi_word_next(&it)) {
    unsigned char c0 = (unsigned char)s[it.wstart];
    unsigned mask = kzi_stop_mask_hash(kzi_word_hash(s + it.wstart, it.wlen));
    words++;
    if (c0 == 0xd0 || c0 == 0xd1) cyr++;
    for (i = 0; mask && i < 5; i++)
      if ((mask >> i) & 1u) hits[i]++;
    if (words >= 20000) break; /* a sample is enough */
  }
  if (words && cyr * 2 > words) return "ru";
  for (i = 0; i < 4; i++) {
    if (best < 0 || hits[i] > hits[best]) { second = best; best = i; }
    else if (second < 0 || hits[i] > hits[second]) second = i;
  }
  if (best < 0 || hits[best] < min_hits) return "und";
  if (second >= 0 && hits[best] * 2 < hits[second] * 3) return "und";
  return sw_lists[best].lang;
}

/* ----------------------------------------------------------------------
 * Site furniture
 * ---------------------------------------------------------------------- */
/* Whole short lines (compared lowercased, without final punctuation). */
static const char *const nav_lines[] = {
  "search", "top", "home", "menu", "share", "subscribe", "sign in", "log in", "login",
  "log out", "sign up", "register", "advertisement", "advertising", "ad", "related",
  "related news", "related articles", "related stories", "related posts", "latest news",
  "latest", "trending", "trending now", "most read", "most popular", "popular", "read more",
  "learn more", "see details", "see more", "show more", "load more", "more", "continue reading",
  "comments", "comment", "no comments", "post a comment", "leave a comment", "leave a reply",
  "leave your comment", "about author", "about the author", "share this", "share this article",
  "share on facebook", "share on twitter", "follow us", "newsletter", "next", "previous",
  "print", "email", "e-mail", "tweet", "facebook", "twitter", "whatsapp", "telegram",
  "linkedin", "reddit", "pinterest", "copy link", "contact us", "tags", "topics",
  "you may also like", "recommended", "sponsored", "video", "watch", "listen", "close",
  "skip to content", "skip to main content", "back to top", "toggle navigation", "sections",
  "archive", "archives", "categories", "category", "weiterlesen", "mehr zum thema", "anzeige",
  "werbung", "teilen", "suche", "startseite", "поделиться", "реклама", "поиск", "partager",
  "publicité", "recherche", "accueil", "compartir", "publicidad", "buscar", "inicio",
  "print edition", "subscribe now", "accept", "ok", "yes", "no", "reply", "cancel reply",
  "view comments", "show comments", "open in app", "listen to article", "share article",
  "save", "saved", "bookmark", "prev", "close menu", "main menu", "navigation", NULL};

/* Phrases that mark a line as furniture wherever they appear... */
static const char *const nav_phrases[] = {
  "comments are closed", "all rights reserved", "copyright \xc2\xa9", "\xc2\xa9 20",
  "privacy policy", "terms of service", "terms of use", "sign up for",
  "subscribe to our", "our newsletter",
  "do not necessarily reflect", "does not necessarily reflect", "do not have to reflect",
  "does not have to reflect", "views expressed",
  "opinions expressed", "post a comment", "on twitter at @", "ad blocker",
  "sign up to", "to continue reading", "already a subscriber",
  "share this article", "share this story", "report an error",
  "the views and opinions", "this article is republished", "disclaimer:",
  "must be logged in", "log in to comment", "login to comment", "to post a comment",
  "to leave a comment", "your email address will not be published",
  "required fields are marked",
  /* the comment form and share buttons of blog engines, in their usual
   * translations: "Save my name, email, and website in this browser ..." */
  "save my name, email", "in this browser for the next time i comment",
  "click to share on", "(opens in new window)", "non-commercial use only",
  /* affiliate-link disclosures (with their subject: agents in a story may
   * "earn a commission" too) and the messages of newsletter sign-up boxes */
  "affiliate commission", "we may earn a commission", "we may earn a small commission",
  "we may receive a commission", "we may receive a small commission", "we may get a commission",
  "may earn commission on products", "error processing your subscription",
  "activate your subscription",
  "\xd1\x81\xd0\xbe\xd1\x85\xd1\x80\xd0\xb0\xd0\xbd\xd0\xb8\xd1\x82\xd1\x8c "
  "\xd0\xbc\xd0\xbe\xd1\x91 \xd0\xb8\xd0\xbc\xd1\x8f", /* сохранить моё имя */
  "\xd0\xb2\xd0\xb0\xd1\x88 \xd0\xb0\xd0\xb4\xd1\x80\xd0\xb5\xd1\x81 email "
  "\xd0\xbd\xd0\xb5 \xd0\xb1\xd1\x83\xd0\xb4\xd0\xb5\xd1\x82", /* ваш адрес email не будет */
  "in diesem browser speichern", "dans le navigateur pour mon prochain commentaire",
  "en este navegador para la pr\xc3\xb3xima vez", "neste navegador para a pr\xc3\xb3xima vez",
  "in questo browser per la prossima volta",
  /* footers of Korean, Japanese and Chinese sites: unauthorized
   * reproduction prohibited, privacy policy, all rights reserved */
  "\xeb\xac\xb4\xeb\x8b\xa8\xec\xa0\x84\xec\x9e\xac", /* 무단전재 */
  "\xea\xb0\x9c\xec\x9d\xb8\xec\xa0\x95\xeb\xb3\xb4\xec\xb7\xa8\xea\xb8\x89\xeb\xb0\xa9\xec\xb9\xa8", /* 개인정보취급방침 */
  "\xea\xb0\x9c\xec\x9d\xb8\xec\xa0\x95\xeb\xb3\xb4\xec\xb2\x98\xeb\xa6\xac\xeb\xb0\xa9\xec\xb9\xa8", /* 개인정보처리방침 */
  "\xe7\x84\xa1\xe6\x96\xad\xe8\xbb\xa2\xe8\xbc\x89", /* 無断転載 */
  "\xe3\x83\x97\xe3\x83\xa9\xe3\x82\xa4\xe3\x83\x90\xe3\x82\xb7\xe3\x83\xbc"
  "\xe3\x83\x9d\xe3\x83\xaa\xe3\x82\xb7\xe3\x83\xbc", /* プライバシーポリシー */
  "\xe7\x89\x88\xe6\x9d\x83\xe6\x89\x80\xe6\x9c\x89", /* 版权所有 */
  "\xe8\x91\x97\xe4\xbd\x9c\xe6\xa8\xa9\xe3\x81\xaf", /* 著作権は */
  NULL};

/* ...and phrases that prose may hold too: furniture only in a short line or
 * at its start. */
static const char *const nav_weak_phrases[] = {
  "cookie", "republished from", "originally published", "first appeared on",
  "first appeared in", "click here", "you can find him on", "you can find her on",
  "follow him on", "follow her on", "follow us on", "javascript", "your browser",
  "log in to", "reprints", "unsubscribe at any time", "you can unsubscribe",
  "affiliate links", "affiliate partnerships",
  "thanks for signing up", "thank you for signing up", "thanks for subscribing",
  "thank you for subscribing", "successfully subscribed", "opt-in box",
  /* "Your email address will not be published" of other languages */
  "wird nicht ver\xc3\xb6" "ffentlicht", "ne sera pas publi\xc3\xa9" "e", "no ser\xc3\xa1 publicada",
  "n\xc3\xa3o ser\xc3\xa1 publicado", "non sar\xc3\xa0 pubblicato", NULL};
/* Short lines that open the page's after-article sections. */
static const char *const end_lines[] = {
  "related", "related articles",
  "related news", "related stories", "related posts", "related content", "related coverage",
  "you may also like", "you might also like", "recommended", "recommended for you",
  "recommended stories", "more from", "most read", "most popular", "most viewed", "trending",
  "trending now", "tags", "about the author", "about author", "read next", "more stories",
  "latest news", "what to read next", "further reading", "more on this story",
  "more in this section", "top stories", "editor's picks", "popular stories",
  "we recommend", "recommended reading", "previous article", "next article",
  "previous post", "next post", "read more stories",
  /* de, fr, es, pt, it, ru, id, ja */
  "\xc3\xa4hnliche artikel", "das k\xc3\xb6nnte sie auch interessieren", "meistgelesen",
  "meistgelesene artikel", "weitere artikel", "articles similaires", "sur le m\xc3\xaame sujet",
  "les plus lus", "articles li\xc3\xa9s", "vous aimerez aussi",
  "art\xc3\xad" "culos relacionados", "noticias relacionadas", "lo m\xc3\xa1s le\xc3\xad" "do",
  "te puede interesar", "tambi\xc3\xa9n te puede interesar", "artigos relacionados",
  "not\xc3\xad" "cias relacionadas", "posts relacionados", "mais lidas", "mais lidos",
  "voc\xc3\xaa tamb\xc3\xa9m pode gostar", "articoli correlati", "potrebbe interessarti",
  "i pi\xc3\xb9 letti", "\xd0\xbf\xd0\xbe\xd1\x85\xd0\xbe\xd0\xb6\xd0\xb8\xd0\xb5 "
  "\xd1\x81\xd1\x82\xd0\xb0\xd1\x82\xd1\x8c\xd0\xb8", /* похожие статьи */
  "\xd0\xbf\xd0\xbe\xd1\x85\xd0\xbe\xd0\xb6\xd0\xb8\xd0\xb5 "
  "\xd0\xb7\xd0\xb0\xd0\xbf\xd0\xb8\xd1\x81\xd0\xb8", /* похожие записи */
  "\xd0\xb4\xd1\x80\xd1\x83\xd0\xb3\xd0\xb8\xd0\xb5 "
  "\xd0\xbd\xd0\xbe\xd0\xb2\xd0\xbe\xd1\x81\xd1\x82\xd0\xb8", /* другие новости */
  "artikel terkait", "berita terkait",
  "\xe9\x96\xa2\xe9\x80\xa3\xe8\xa8\x98\xe4\xba\x8b", /* 関連記事 */
  "\xe4\xba\xba\xe6\xb0\x97\xe8\xa8\x98\xe4\xba\x8b", /* 人気記事 */
  "\xe9\x96\xa2\xe9\x80\xa3\xe3\x83\x8b\xe3\x83\xa5\xe3\x83\xbc\xe3\x82\xb9", /* 関連ニュース */
  NULL};

/* Short lines that open a reader-comment section (also with a count:
 * "34 Comments", "[ 167 comments ]", "Comments (12)"). */
static const char *const comment_lines[] = {
  "comments", "comment", "leave a reply", "leave a comment", "leave your comment",
  "post a comment", "no comments", "comments are closed", "responses", "replies",
  "reactions", "join the discussion", "join the conversation", "show comments",
  "view comments", "reader comments", "readers' comments", "top comments",
  "top rated comments", "most liked comments", "add a comment", "add comment",
  "write a comment", "submit a comment", "discussion", "discuss", "have your say",
  "what do you think", "conversation", "kommentare", "kommentar", "leserkommentare",
  "комментарии", "комментариев", "commentaires", "réactions", "comentarios",
  "comentários", "comments for this thread are now closed",
  "you must be logged in to post a comment", "you must log in to post a comment", NULL};

/* "N responses to ...", "N thoughts on ..." */
static const char *const comment_count_heads[] = {
  "responses to", "response to", "thoughts on", "thought on", "replies to", "comments on",
  "comments to", "comments for", "reactions to", NULL};

static const char *const related_starts[] = {
  "more on the subject", "more on this", "read also", "read more:", "see also", "related:",
  "also read", "lesen sie auch", "mehr zum thema", "читайте также", "lire aussi",
  "à lire aussi", "lea también", "leer más:", NULL};

/* The phrases are found in one pass: each phrase is filed under a hash of
 * its first three bytes, and at every position of the text only the phrases
 * filed under the hash of the next three bytes are compared. */
#define PH_BUCKETS 1024
static const char *ph_all[128];           /* strong phrases, then weak ones */
static size_t ph_nstrong;
static unsigned char ph_head[PH_BUCKETS]; /* 1 + first phrase index, 0 = none */
static unsigned char ph_next[128];        /* 1 + next phrase in the bucket */
static once_flag ph_once = ONCE_FLAG_INIT;

static unsigned ph_hash(const unsigned char *p) {
  return ((unsigned)p[0] * 961u + (unsigned)p[1] * 31u + p[2]) & (PH_BUCKETS - 1);
}

/* Lengths of the entries of the line lists, computed once. */
static unsigned char end_len[128], com_len[64], nav_len[256], rel_len[32], cch_len[16];

static void lens(const char *const *list, unsigned char *out, size_t cap) {
  size_t i;
  for (i = 0; list[i] && i < cap; i++) out[i] = (unsigned char)strlen(list[i]);
}

static void ph_build(void) {
  size_t i, n = 0;
  lens(end_lines, end_len, 128);
  lens(comment_lines, com_len, 64);
  lens(nav_lines, nav_len, 256);
  lens(related_starts, rel_len, 32);
  lens(comment_count_heads, cch_len, 16);
  for (i = 0; nav_phrases[i] && n < 127; i++) ph_all[n++] = nav_phrases[i];
  ph_nstrong = n;
  for (i = 0; nav_weak_phrases[i] && n < 127; i++) ph_all[n++] = nav_weak_phrases[i];
  for (i = n; i-- > 0;) {
    unsigned h = ph_hash((const unsigned char *)ph_all[i]);
    ph_next[i] = ph_head[h];
    ph_head[h] = (unsigned char)(i + 1);
  }
}

/* Is one of the phrases in s[0..n) (compared lowercased, at the start of a
 * word)?  low holds the
 * lowercased start of s (NUL-terminated); longer texts are lowercased in
 * chunks. */
static int phrase_in(const char *low, const char *s, size_t n) {
  char buf[1280];
  size_t i, m;
  call_once(&ph_once, ph_build);
  if (n >= sizeof buf) return 0;
  if (strlen(low) == n) {
    memcpy(buf, low, n);
  } else {
    for (i = 0; i < n; i++) buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
  }
  buf[n] = buf[n + 1] = buf[n + 2] = '\0';
  m = n;
  for (i = 0; i + 3 <= m; i++) {
    unsigned k;
    unsigned char prev = i ? (unsigned char)buf[i - 1] : ' ';
    /* phrases start at the start of a word (anywhere in CJK text, which
     * has no spaces: at the lead byte of a three-byte character) */
    if (((prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9') || prev >= 0x80) &&
        ((unsigned char)buf[i] < 0xe3 || (unsigned char)buf[i] > 0xef))
      continue;
    k = ph_head[ph_hash((const unsigned char *)buf + i)];
    while (k) {
      const char *p = ph_all[k - 1];
      size_t pl = strlen(p);
      if (pl <= m - i && memcmp(buf + i, p, pl) == 0 &&
          (k - 1 < ph_nstrong || n <= 160 || i < 24))
        return 1;
      k = ph_next[k - 1];
    }
  }
  return 0;
}

int kzi_nav_vocab(const char *s, size_t n) {
  char low[200];
  size_t m, i;
  unsigned high = 0;
  /* lowercased prefix, enough for the short forms */
  m = 0;
  for (i = 0; i < n && m + 1 < sizeof low; i++) {
    char c = s[i];
    high |= (unsigned char)c;
    low[m++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  low[m] = '\0';
  /* two-byte capitals whose lowercase has the same length, Latin-1 and
   * Cyrillic, in the part the line lists compare (the phrases are ASCII) */
  if (high & 0x80) {
    size_t lim = m < 64 ? m : 64;
    for (i = 0; i + 1 < lim; i++) {
      unsigned char c = (unsigned char)low[i], c2 = (unsigned char)low[i + 1];
      if ((c == 0xc3 && c2 >= 0x80 && c2 <= 0x9e && c2 != 0x97) ||
          (c == 0xd0 && c2 >= 0x90 && c2 <= 0x9f)) {
        low[++i] = (char)(c2 + 0x20);
      } else if (c == 0xd0 && c2 >= 0xa0 && c2 <= 0xaf) {
        low[i] = (char)0xd1;
        low[++i] = (char)(c2 - 0x20);
      } else if (c >= 0xc0) {
        i++; /* skip the continuation byte: never read one as a lead */
      }
    }
  }
  call_once(&ph_once, ph_build);
  for (i = 0; related_starts[i]; i++)
    if (rel_len[i] <= m && memcmp(low, related_starts[i], rel_len[i]) == 0) return KZI_NAV_RELATED;
  if (n < 200 && low[0] >= '0' && low[0] <= '9') {
    /* "34 responses to “Headline”" */
    size_t k = 0;
    while (k < m && low[k] >= '0' && low[k] <= '9') k++;
    if (k < m && low[k] == ' ')
      for (i = 0; comment_count_heads[i]; i++)
        if (cch_len[i] <= m - k - 1 && memcmp(low + k + 1, comment_count_heads[i], cch_len[i]) == 0)
          return KZI_NAV_COMMENTS;
  }
  if (n < 60) {
    size_t k = m;
    const char *p = low;
    while (k > 0 && strchr(" .:!?-\xe2\x80\x94|>\xc2\xbb", low[k - 1])) k--;
    while (k > 0 && (*p == '-' || *p == ' ' || *p == '|')) { p++; k--; }
    for (i = 0; end_lines[i]; i++)
      if (end_len[i] == k && memcmp(end_lines[i], p, k) == 0) return KZI_NAV_END;
    if (k > 5 && k < 40 && memcmp(p, "more ", 5) == 0 && k == m) {
      /* "More Stories", "More in U.S.", "More Washington Examiner", "More
       * From the Los Angeles Times" */
      size_t sp = 0;
      for (i = 0; i < k; i++) sp += p[i] == ' ';
      if (sp <= 3 || (sp <= 6 && memcmp(p + 5, "from ", 5) == 0)) return KZI_NAV_END;
    }
    {
      /* the comment headings, without a count around them */
      const char *q = p;
      size_t r = k;
      while (r > 0 && (q[r - 1] == ')' || q[r - 1] == ']' || q[r - 1] == ' ' ||
                       (q[r - 1] >= '0' && q[r - 1] <= '9') || q[r - 1] == '(' || q[r - 1] == '['))
        r--;
      while (r > 0 && (*q == '[' || *q == '(' || *q == ' ' || (*q >= '0' && *q <= '9'))) {
        q++;
        r--;
      }
      for (i = 0; comment_lines[i]; i++) {
        size_t cl = com_len[i];
        if (cl == r && memcmp(comment_lines[i], q, r) == 0) return KZI_NAV_COMMENTS;
        /* "Leave a Reply Cancel reply", "Post a comment as guest" */
        if (cl < r && r < cl + 24 && memchr(comment_lines[i], ' ', cl) &&
            memcmp(comment_lines[i], q, cl) == 0 && q[cl] == ' ')
          return KZI_NAV_COMMENTS;
      }
    }
    for (i = 0; nav_lines[i]; i++)
      if (nav_len[i] == k && memcmp(nav_lines[i], p, k) == 0) return KZI_NAV_FURNITURE;
  }
  if (n <= 1200 && phrase_in(low, s, n)) return 1;
  /* navigation rows: "Home | World | Politics" */
  if (n < 300) {
    size_t bars = 0;
    for (i = 0; i < n; i++)
      if (s[i] == '|' || (i + 1 < n && (unsigned char)s[i] == 0xc2 && (unsigned char)s[i + 1] == 0xbb)) bars++;
    if (bars >= 2) return 1;
  }
  return 0;
}

/* ----------------------------------------------------------------------
 * Names
 * ---------------------------------------------------------------------- */
static uint32_t cp0(const char *s, size_t n) {
  size_t cl;
  int32_t c;
  if (n == 0) return 0;
  c = kzi_utf8_decode((const unsigned char *)s, n, &cl);
  return c < 0 ? 0 : (uint32_t)c;
}

static int upper_cp(uint32_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7) ||
         (c >= 0x400 && c <= 0x42f);
}

static int ci_eq(const char *a, size_t n, const char *lit) {
  size_t i;
  if (strlen(lit) != n) return 0;
  for (i = 0; i < n; i++) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
    if (c != lit[i]) return 0;
  }
  return 1;
}

/* Find lit (lowercase ASCII) in t case-insensitively from `from`. */
static size_t ci_find(const char *t, size_t n, size_t from, const char *lit) {
  size_t m = strlen(lit), i;
  if (m > n) return KZI_NONE;
  for (i = from; i + m <= n; i++)
    if (ci_eq(t + i, m, lit)) return i;
  return KZI_NONE;
}

/* A run of capitalized words starting at or after pos (at most 6 words; a
 * lowercase "of"/"de" may sit inside).  Stops after a word followed by
 * punctuation.  Returns 1 and the span. */
static int name_run(const char *t, size_t n, size_t pos, size_t *s, size_t *e) {
  kzi_wordit it = {t, n, pos, 0, 0};
  unsigned k = 0;
  size_t last_cap_end = 0;
  *s = *e = 0;
  while (kzi_word_next(&it) && k < 6) {
    uint32_t c = cp0(t + it.wstart, it.wlen);
    size_t after = it.wstart + it.wlen;
    if (k == 0 && it.wstart > pos + 4) return 0;
    if (upper_cp(c) || (c >= '0' && c <= '9' && k > 0)) {
      if (k == 0) *s = it.wstart;
      last_cap_end = after;
    } else if (k > 0 && (ci_eq(t + it.wstart, it.wlen, "of") || ci_eq(t + it.wstart, it.wlen, "de"))) {
      /* may continue */
    } else {
      break;
    }
    k++;
    if (after < n && t[after] != ' ' && t[after] != '-' && t[after] != '\'') break;
    if (after + 1 < n && t[after] == ' ' && (t[after + 1] == '-' || (unsigned char)t[after + 1] == 0xe2)) break;
  }
  if (!last_cap_end) return 0;
  *e = last_cap_end;
  return 1;
}

static const char *const outlet_nouns[] = {
  "times", "news", "post", "journal", "monitor", "herald", "tribune", "gazette", "telegraph",
  "guardian", "observer", "express", "mail", "chronicle", "daily", "press", "today", "review",
  "economist", "wire", "agency", "radio", "tv", "television", "network", "insider", "standard",
  "independent", "star", "sun", "mirror", "globe", "bulletin", "courier", "dispatch", "examiner",
  "inquirer", "register", "reporter", "record", "magazine", "weekly", "digest", "zeitung",
  "spiegel", "welle", "izvestia", "kommersant", "vedomosti", "bbc", "cnn", "voa", "rt", "tass",
  "reuters", "afp", "ap", "interfax", "bloomberg", "politico", "axios", "online", "media",
  "pravda", "nouvelles", "monde", "figaro", "país", "mundo", NULL};

static int is_outlet_word(const char *w, size_t n) {
  char lw[32];
  size_t m = kzi_word_lower(w, n, lw, sizeof lw), i;
  if (!m) return 0;
  for (i = 0; outlet_nouns[i]; i++)
    if (strcmp(outlet_nouns[i], lw) == 0) return 1;
  return 0;
}

/* Cut the run s..e after its last outlet noun; 0 if it has none. */
static int cut_outlet(const char *t, size_t s, size_t *e) {
  kzi_wordit it = {t, *e, s, 0, 0};
  size_t last = 0;
  while (kzi_word_next(&it))
    if (is_outlet_word(t + it.wstart, it.wlen)) last = it.wstart + it.wlen;
  if (!last) return 0;
  *e = last;
  return 1;
}

static void set_field(kzi_article_doc *d, size_t *field, const char *s, size_t n) {
  /* strip "The " and surrounding punctuation */
  while (n && (s[n - 1] == ' ' || s[n - 1] == '.' || s[n - 1] == ',' || s[n - 1] == ':')) n--;
  if (n > 4 && ci_eq(s, 4, "the ")) { s += 4; n -= 4; }
  if (n == 0 || n > 120) return;
  *field = kzi_art_str(d, s, n);
}

/* ----------------------------------------------------------------------
 * Source
 * ---------------------------------------------------------------------- */
static const char *const self_words[] = {
  "website", "site", "portal", "newspaper", "outlet", "agency", "magazine", "publication",
  "platform", "blog", "opinions", "channel", "broadcaster", "news", NULL};

static int find_source(kzi_article_doc *d, size_t title_suffix, size_t tsuf_len) {
  size_t i, s, e, p;
  size_t told = KZI_NONE, told_len = 0, from = KZI_NONE, from_len = 0;
  /* tier 1: the site describing itself */
  for (i = 0; i < d->nblocks; i++) {
    const kzi_block *b = &d->blocks[i];
    const char *t = kzi_art_text(d, b->text);
    if (b->kind == KZ_BLOCK_PARAGRAPH || b->kind == KZ_BLOCK_STANDFIRST) {
      /* reported to: "told the Moscow Times", "The Global Times interviewed" */
      if (told == KZI_NONE) {
        p = ci_find(t, b->len, 0, "told ");
        while (p != KZI_NONE && told == KZI_NONE) {
          size_t q = p + 5;
          if (ci_find(t, b->len, q, "the ") == q) q += 4;
          if (name_run(t, b->len, q, &s, &e) && s == q && cut_outlet(t, s, &e)) {
            told = b->text + s;
            told_len = e - s;
          }
          p = ci_find(t, b->len, p + 5, "told ");
        }
        if (told == KZI_NONE) {
          static const char *const verbs[] = {" interviewed ", " has learned", " reported ", NULL};
          size_t v;
          for (v = 0; verbs[v] && told == KZI_NONE; v++) {
            p = ci_find(t, b->len, 0, verbs[v]);
            if (p != KZI_NONE && p > 0) {
              /* walk back over the capitalized words before the verb */
              size_t q = p, back = 0;
              /* walk back over capitalized words (and "the") */
              while (q > 0 && back < 6) {
                size_t w = q, we;
                while (w > 0 && t[w - 1] == ' ') w--;
                we = w;
                if (we == 0 || !((t[we - 1] | 0x20) >= 'a' && (t[we - 1] | 0x20) <= 'z')) break;
                while (w > 0 && t[w - 1] != ' ') w--;
                if (!(upper_cp(cp0(t + w, b->len - w)) || ci_eq(t + w, 4, "the "))) break;
                q = w;
                back++;
              }
              if (name_run(t, b->len, q, &s, &e) && e == p && cut_outlet(t, s, &e) && e == p) {
                told = b->text + s;
                told_len = e - s;
              }
            }
          }
        }
      }
      continue;
    }
    if (b->len > 4 && ci_eq(t + b->len - 5, 5, " desk") && b->f.words <= 6) {
      set_field(d, &d->source, t, b->len - 5);
      return 1;
    }
    if (name_run(t, b->len, 0, &s, &e) && s == 0 && e < b->len) {
      const char *rest = t + e;
      size_t rn = b->len - e;
      if ((ci_find(rest, rn, 0, " is the ") == 0 || ci_find(rest, rn, 0, " is a ") == 0 ||
           ci_find(rest, rn, 0, " is an ") == 0 || ci_find(rest, rn, 0, " strives ") == 0 ||
           ci_find(rest, rn, 0, " reserves ") == 0)) {
        size_t w;
        for (w = 0; self_words[w]; w++)
          if (ci_find(rest, rn < 200 ? rn : 200, 0, self_words[w]) != KZI_NONE) {
            set_field(d, &d->source, t, e);
            return 1;
          }
      }
    }
    p = ci_find(t, b->len, 0, "\xc2\xa9");
    if (p == KZI_NONE) p = ci_find(t, b->len, 0, "copyright ");
    if (p != KZI_NONE && b->len < 200) {
      size_t q = p + (t[p] == 'c' || t[p] == 'C' ? 10 : 2);
      while (q < b->len && (t[q] == ' ' || (t[q] >= '0' && t[q] <= '9') || t[q] == '-')) q++;
      if (name_run(t, b->len, q, &s, &e) && s == q) {
        set_field(d, &d->source, t + s, e - s);
        return 1;
      }
    }
    if (from == KZI_NONE && b->kind == KZ_BLOCK_CREDIT && ci_find(t, b->len, 0, "from ") == 0 &&
        t[b->len - 1] == ':') {
      from = b->text + 5;
      from_len = b->len - 6;
    }
  }
  if (tsuf_len) { set_field(d, &d->source, d->text.p + title_suffix, tsuf_len); return 1; }
  if (from != KZI_NONE) { set_field(d, &d->source, d->text.p + from, from_len); return 1; }
  if (told != KZI_NONE) { set_field(d, &d->source, d->text.p + told, told_len); return 1; }
  return 0;
}

static void find_original(kzi_article_doc *d) {
  static const char *const pats[] = {"republished from", "originally published in",
                                     "originally published by", "originally published on",
                                     "originally appeared in", "originally appeared on",
                                     "first appeared in", "first appeared on", "first published in",
                                     "first published by", "source:", NULL};
  size_t i, j, s, e;
  for (i = 0; i < d->nblocks; i++) {
    const kzi_block *b = &d->blocks[i];
    const char *t = kzi_art_text(d, b->text);
    if (b->kind == KZ_BLOCK_PARAGRAPH || b->len > 400) continue;
    for (j = 0; pats[j]; j++) {
      size_t p = ci_find(t, b->len, 0, pats[j]);
      if (p == KZI_NONE) continue;
      p += strlen(pats[j]);
      while (p < b->len && !(upper_cp(cp0(t + p, b->len - p)) || (t[p] >= '0' && t[p] <= '9')) &&
             p < b->len && (t[p] == ' ' || t[p] == '-' || t[p] == ':' ||
                            (unsigned char)t[p] >= 0x80))
        p++;
      if (name_run(t, b->len, p, &s, &e) && s == p) {
        set_field(d, &d->original_source, t + s, e - s);
        return;
      }
    }
  }
}

/* ----------------------------------------------------------------------
 * Authors
 * ---------------------------------------------------------------------- */
static const char *const desk_words[] = {
  "desk", "staff", "team", "editorial", "editors", "editor", "newsroom", "agency", "reuters",
  "ap", "afp", "news", "times", "press", "bureau", "correspondent", "correspondents", "wire",
  "service", "reporter", "reporters", "online", "redaktion", "rédaction", "редакция",
  "contributor", "contributors", NULL};

static void add_names(kzi_article_doc *d, const char *t, size_t n) {
  size_t p = 0;
  while (p < n) {
    size_t q = p, end, s, e;
    /* one name up to a separator */
    while (q < n && t[q] != ',' && t[q] != '|' && t[q] != '(' && !(q + 5 <= n && ci_eq(t + q, 5, " and ")) &&
           !(q + 5 <= n && ci_eq(t + q, 5, " und ")) && !(q + 4 <= n && ci_eq(t + q, 4, " et ")) &&
           !(q + 3 <= n && ci_eq(t + q, 3, " y ")))
      q++;
    end = q;
    if (name_run(t, end, p, &s, &e)) {
      kzi_wordit it = {t, e, s, 0, 0};
      unsigned words = 0, desk = 0;
      char lw[32];
      while (kzi_word_next(&it)) {
        size_t m = kzi_word_lower(t + it.wstart, it.wlen, lw, sizeof lw), k;
        words++;
        for (k = 0; m && desk_words[k]; k++)
          if (strcmp(lw, desk_words[k]) == 0) desk = 1;
      }
      if (words >= 2 && words <= 4 && !desk && d->nauthors < 16) kzi_art_add_author(d, t + s, e - s);
    }
    if (q >= n || t[q] == '(' || t[q] == '|') break;
    p = q + (t[q] == ',' ? 1 : (t[q + 1] == 'a' || t[q + 1] == 'u' ? 5 : t[q + 1] == 'e' ? 4 : 3));
  }
}

/* add_names() on a copy: adding an author may move the arena that the
 * block text lives in. */
static void add_names_copy(kzi_article_doc *d, size_t off, size_t n) {
  char *tmp = malloc(n + 1);
  if (tmp == NULL) {
    d->rc = KZ_ENOMEM;
    return;
  }
  memcpy(tmp, kzi_art_text(d, off), n);
  tmp[n] = '\0';
  add_names(d, tmp, n);
  free(tmp);
}

static void find_authors(kzi_article_doc *d) {
  size_t i, at;
  for (i = 0; i < d->nblocks && d->nauthors == 0; i++) {
    kzi_block *b = &d->blocks[i];
    const char *t = kzi_art_text(d, b->text);
    if (b->kind != KZ_BLOCK_BYLINE || b->dup >= 0) continue;
    if (!kzi_byline_at(t, b->len, &at)) continue;
    if (at >= b->len) {
      /* "By" alone: the name is the next block */
      if (i + 1 < d->nblocks && d->blocks[i + 1].f.words <= 6) {
        kzi_block *nb = &d->blocks[i + 1];
        nb->kind = KZ_BLOCK_BYLINE;
        add_names_copy(d, nb->text, nb->len);
      }
      continue;
    }
    add_names_copy(d, b->text + at, b->len - at);
  }
}

/* ----------------------------------------------------------------------
 * Title, date, dateline
 * ---------------------------------------------------------------------- */
static int title_shaped(const kzi_block *b) {
  const kzi_feat *f = &b->f;
  if (f->words < 2 || f->words > 30 || f->chars > 300) return 0;
  if (b->kind == KZ_BLOCK_BYLINE ||
      b->kind == KZ_BLOCK_CREDIT || b->kind == KZ_BLOCK_CAPTION)
    return 0;
  if (f->nav) return 0;
  return f->end_punct != 1 /* END_TERM */ && f->end_punct != 3 /* colon */ && f->sentences <= 2;
}

static void strip_quotes(const char **s, size_t *n) {
  static const char *const q[][2] = {{"\xe2\x80\x9c", "\xe2\x80\x9d"}, {"\"", "\""},
                                     {"\xc2\xab", "\xc2\xbb"}, {"\xe2\x80\x9e", "\xe2\x80\x9c"}};
  size_t k;
  for (k = 0; k < 4; k++) {
    size_t a = strlen(q[k][0]), z = strlen(q[k][1]);

    size_t j, inner = 0;
    if (*n <= a + z || memcmp(*s, q[k][0], a) != 0 || memcmp(*s + *n - z, q[k][1], z) != 0)
      continue;
    for (j = a; j + z < *n; j++)
      if (memcmp(*s + j, q[k][1], z) == 0) inner = 1;
    if (!inner) {
      *s += a;
      *n -= a + z;
      return;
    }
  }
}

void kzi_meta(kzi_article_doc *d) {
  long i, n = (long)d->nblocks, first_body = -1, tb = -1;
  size_t suffix = 0, suffix_len = 0, prefix_len = 0;
  char iso[11], tm[6];
  size_t ds, de, cover;
  for (i = 0; i < n; i++)
    if (d->blocks[i].kind == KZ_BLOCK_PARAGRAPH || d->blocks[i].kind == KZ_BLOCK_STANDFIRST) {
      first_body = i;
      break;
    }
  if (first_body < 0) first_body = n;

  /* "Headline - Site" as the first line */
  if (n > 0) {
    const kzi_block *b = &d->blocks[0];
    const char *t = kzi_art_text(d, b->text);
    size_t k;
    for (k = b->len; k > 3; k--) {
      if ((t[k - 1] == ' ' && (t[k - 2] == '-' || t[k - 2] == '|') && t[k - 3] == ' ') ||
          (k >= 5 && t[k - 1] == ' ' && (unsigned char)t[k - 4] == 0xe2 && t[k - 5] == ' ')) {
        size_t sl = b->len - k;
        size_t pl = t[k - 2] == '-' || t[k - 2] == '|' ? k - 3 : k - 5;
        kzi_wordit it = {t + k, sl, 0, 0, 0};
        unsigned w = 0;
        while (kzi_word_next(&it)) w++;
        if (w >= 1 && w <= 4 && pl > 10 && b->f.end_punct != 1) {
          suffix = b->text + k;
          suffix_len = sl;
          prefix_len = pl;
        }
        break;
      }
    }
  }

  /* title */
  if (prefix_len) {
    const char *t0 = kzi_art_text(d, d->blocks[0].text);
    tb = 0;
    for (i = 1; i < first_body && i < 400; i++) {
      const kzi_block *b = &d->blocks[i];
      if (b->len == prefix_len && memcmp(kzi_art_text(d, b->text), t0, prefix_len) == 0) tb = i;
    }
  } else {
    long lim = first_body < n ? first_body : (n < 40 ? n : 40);
    for (i = 0; i < lim && i < 60; i++)
      if (title_shaped(&d->blocks[i]) && d->blocks[i].dup < 0) { tb = i; break; }
    if (tb < 0 && first_body < n && first_body <= 3 && d->blocks[first_body].f.words <= 30 &&
        d->blocks[first_body].f.end_punct != 1)
      tb = first_body;
  }
  if (tb >= 0) {
    kzi_block *b = &d->blocks[tb];
    const char *t = kzi_art_text(d, b->text);
    size_t len = tb == 0 && prefix_len ? prefix_len : b->len;
    long k;
    strip_quotes(&t, &len);
    d->title = kzi_art_str(d, t, len);
    d->title_block = (int)tb;
    if (tb > 0 || !prefix_len) {
      b->kind = KZ_BLOCK_HEADING;
      for (k = tb + 1; k < n; k++)
        if (d->blocks[k].dup == tb) d->blocks[k].kind = KZ_BLOCK_HEADING;
    }
    if (!d->rc) {
      const char *tt = kzi_art_text(d, d->title);
      const char *tl = kzi_lang_detect(tt, strlen(tt), 2);
      if (strcmp(tl, "und") == 0) tl = d->lang;
      memcpy(d->title_lang, tl, strlen(tl) + 1);
    }
  }

  /* date: a date line near the title, else the first one outside the body */
  {
    long best = -1;
    for (i = 0; i < n; i++) {
      const kzi_block *b = &d->blocks[i];
      const char *t = kzi_art_text(d, b->text);
      int k = b->kind;
      if (!b->f.has_date || b->dup >= 0) continue;
      if (k == KZ_BLOCK_PARAGRAPH || k == KZ_BLOCK_STANDFIRST || k == KZ_BLOCK_CAPTION ||
          k == KZ_BLOCK_RELATED_LINK || k == KZ_BLOCK_COMMENT || k == KZ_BLOCK_BOX)
        continue;
      if (b->f.words > 20) continue;
      if (!kzi_date_find(t, b->len, iso, tm, &ds, &de, &cover)) continue;
      if (cover * 2 < b->len && ci_find(t, b->len, 0, "published") == KZI_NONE &&
          ci_find(t, b->len, 0, "updated") == KZI_NONE && ci_find(t, b->len, 0, "posted") == KZI_NONE &&
          ci_find(t, b->len, 0, "by ") == KZI_NONE)
        continue;
      if (best < 0 || (tb >= 0 && i > tb && best < tb && i <= first_body)) best = i;
      if (tb >= 0 && i > tb) break;
    }
    if (best >= 0) {
      const kzi_block *b = &d->blocks[best];
      kzi_date_find(kzi_art_text(d, b->text), b->len, iso, tm, &ds, &de, &cover);
      memcpy(d->date, iso, 11);
      memcpy(d->time, tm, 6);
      d->date_start = b->start + ds < b->end ? b->start + ds : b->start;
      d->date_end = b->start + de < b->end ? b->start + de : b->end;
      if (d->blocks[best].kind != KZ_BLOCK_HEADING) d->blocks[best].kind = KZ_BLOCK_BYLINE;
    }
  }

  /* dateline: a lone place line, or "PLACE —" opening the first paragraph */
  for (i = 0; i < n && d->dateline == KZI_NONE; i++) {
    const kzi_block *b = &d->blocks[i];
    const char *t = kzi_art_text(d, b->text);
    size_t at;
    if (b->kind == KZ_BLOCK_BYLINE && b->f.words <= 3 && !b->f.has_date && !b->f.digits_words &&
        !kzi_byline_at(t, b->len, &at) && b->f.end_punct != 1)
      d->dateline = kzi_art_str(d, t, b->len);
    if (i == first_body) {
      size_t k = 0;
      while (k < b->len && k < 40 && ((t[k] >= 'A' && t[k] <= 'Z') || t[k] == ' ' || t[k] == ','))
        k++;
      if (k >= 4 && k < b->len && (t[k] == '-' || (unsigned char)t[k] == 0xe2 || t[k] == '(') &&
          t[k - 1] == ' ') {
        size_t e = k - 1;
        while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == ',')) e--;
        if (e >= 3) d->dateline = kzi_art_str(d, t, e);
      }
    }
  }

  find_authors(d);
  if (!find_source(d, suffix, suffix_len)) { /* nothing */ }
  find_original(d);
  if (d->source == KZI_NONE && d->original_source != KZI_NONE)
    d->source = kzi_art_str(d, kzi_art_text(d, d->original_source),
                            strlen(kzi_art_text(d, d->original_source)));
  if (d->source == KZI_NONE && d->source_hint)
    d->source = kzi_art_str(d, d->source_hint, strlen(d->source_hint));
}
