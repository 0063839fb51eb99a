/*
 * speakers.c - who said each quotation, in which role, with which verb.
 *
 * For each quote, in order of preference:
 *   1. the frame after it, up to the end of the sentence or the next quote:
 *        “…,” said [role words] NAME[, role]      “…,” he said
 *        “…,” NAME[, role,] said                  “…,” the ministry said
 *   2. the frame before it, from the start of the sentence (or the end of
 *      the previous quote):  NAME[, role,] argued: “…” / he said, “…” /
 *      according to NAME, “…” / NAME says the plan “…” (partial);
 *   3. the close context only (see context_speaker()): the nearest
 *      earlier quote with a speaker or speech verb in the same paragraph
 *      (a quote broken by its attribution), the interview section's
 *      speaker, the sentence right before (the end of the previous
 *      paragraph: a paragraph of quotation continues the speaker) or right
 *      after; otherwise the speaker stays unknown.
 * Pronouns go to the nearest earlier speaker: the subject of a speech verb
 * or of an attributed quote, else the nearest person named outside quotes;
 * "she"/"he" skip candidates whose surname ending (-ova, -aya / -ov, -sky)
 * says otherwise.
 * A name is reported in its fullest form in the document ("Kortunov" ->
 * "Andrei Kortunov"); the role comes from an apposition or a title and is
 * remembered for later quotes of the same person.
 *
 * Kinds: scare (one or two words with no attribution of their own),
 * direct (the quote starts a paragraph or sentence, or follows a colon or
 * an attribution), partial (a fragment inside the writer's sentence).
 *
 * Interview sections: a heading (or a short paragraph without final
 * punctuation) "Name Surname, role" followed by text gives that text to the
 * named speaker.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"

static const char *const verbs1[] = {
  "said", "says", "say", "saying", "told", "tells", "tell", "wrote",
  "writes", "argued", "argues", "added", "adds", "warned", "warns", "noted",
  "notes", "explained", "explains", "stated", "claimed", "claims",
  "insisted", "insists", "asked", "asks", "replied", "replies", "recalled",
  "recalls", "continued", "continues", "tweeted", "tweets", "posted",
  "commented", "remarked", "observed", "observes", "suggested", "suggests",
  "stressed", "stresses", "emphasized", "emphasised", "emphasizes",
  "emphasises", "concluded", "acknowledged", "acknowledges", "admitted",
  "admits", "announced", "announces", "declared", "declares", "predicted",
  "predicts", "cautioned", "cautions", "complained", "complains", "agreed",
  "agrees", "mused", "wondered", "urged", "urges", "contended", "contends",
  "maintained", "maintains", "countered", "counters", "asserted", "asserts",
  "affirmed", "underlined", "underscored", "believes", "thinks", "fears",
  "feared", "estimated", "estimates", "explained", "conceded", "concedes",
  "quipped", "joked", "told", "reckons", "reckoned", "wrote", "recounted",
  "described", "describes", "added", "responded", "responds", "shouted",
  "whispered", "testified", "alleged", "alleges", "objected", "promised",
  "promises", "vowed", "vows", "threatened", "boasted", "lamented",
  "summed", "charged", "claimed", "confirmed", "confirms", "denied",
  "denies", "reported", "reports", "opined", "pointed", "went", "quoted",
  "noting", "adding", "arguing", "warning", "saying", "writing", "telling",
  "explaining", "insisting", "claiming", "stressing", "declaring",
  "asking", "calling", "recalling", "suggesting", "emphasizing",
  /* de */
  "sagte", "sagt", "sagten", "erklärte", "erklärt", "schrieb", "schreibt",
  "betonte", "betont", "meinte", "meint", "warnte", "warnt", "fügte",
  "sagen", "kritisierte", "so",
  /* fr */
  "dit", "déclaré", "déclare", "affirme", "affirmé", "explique", "expliqué",
  "estime", "souligne", "ajoute", "ajouté", "selon", "écrit", "a",
  /* es */
  "dijo", "afirmó", "explicó", "aseguró", "señaló", "añadió", "según",
  "dice", "indicó", "declaró", "escribió",
  /* ru */
  "сказал", "сказала", "заявил", "заявила", "отметил", "отметила", "пишет",
  "написал", "написала", "считает", "подчеркнул", "подчеркнула", "добавил",
  "добавила", "говорит", "сообщил", "сообщила", "заявляет",
  NULL
};
static kzi_wordlist verbs1_wl = KZI_WORDLIST(verbs1);

static const char *const pronouns[] = {
  "he", "she", "they", "er", "sie", "il", "elle", "él", "ella", "он", "она",
  NULL
};
static kzi_wordlist pronouns_wl = KZI_WORDLIST(pronouns);

static const char *const determiners[] = {
  "the", "a", "an", "one", "another", "his", "her", "its", "their", NULL
};
static kzi_wordlist determiners_wl = KZI_WORDLIST(determiners);

int kzi_speech_verb(const kzi_adoc *d, uint32_t t) {
  int i;
  if (t >= d->ntok || d->toks[t].kind != KZI_AT_WORD) return 0;
  if (!(d->toks[t].flags & KZI_AF_LOWER)) {
    /* "According to X, ..." opens sentences */
    if (kzi_tok_is(d, t, "according") && kzi_tok_is(d, t + 1, "to")) return 2;
    if (kzi_tok_is(d, t, "selon") || kzi_tok_is(d, t, "según")) return 1;
    return 0;
  }
  if (kzi_tok_is(d, t, "according")) return kzi_tok_is(d, t + 1, "to") ? 2 : 0;
  if (kzi_tok_is(d, t, "по")) return kzi_tok_is(d, t + 1, "словам") ? 2 : 0;
  i = kzi_tok_in(d, t, &verbs1_wl);
  if (i < 0) return 0;
  if (kzi_tok_is(d, t, "pointed")) return kzi_tok_is(d, t + 1, "out") ? 2 : 0;
  if (kzi_tok_is(d, t, "went")) return kzi_tok_is(d, t + 1, "on") ? 2 : 0;
  if (kzi_tok_is(d, t, "summed")) return kzi_tok_is(d, t + 1, "up") ? 2 : 0;
  if (kzi_tok_is(d, t, "a")) return kzi_tok_is(d, t + 1, "dit") || kzi_tok_is(d, t + 1, "déclaré") ? 2 : 0;
  if (kzi_tok_is(d, t, "so")) return 0; /* German "so X" only before a name: too ambiguous */
  return 1;
}

/* ---------------------------------------------------------------------
 * Per-document state
 * --------------------------------------------------------------------- */

typedef struct role_entry {
  uint32_t name; /* strs offset of the full name */
  uint32_t role;
} role_entry;

typedef struct sctx {
  kzi_adoc *d;
  kzi_quoteset *qs;
  role_entry *roles;
  size_t nroles, rcap;
} sctx;

static uint32_t str_of(kzi_adoc *d, size_t a, size_t b) {
  uint32_t s = (uint32_t)a, e = (uint32_t)b;
  while (s < e && (unsigned char)d->text[s] <= ' ') s++;
  while (e > s && ((unsigned char)d->text[e - 1] <= ' ' || d->text[e - 1] == ',')) e--;
  if (e <= s) return KZI_NIL;
  return kzi_adoc_str(d, d->text + s, e - s);
}

static uint32_t name_of(kzi_adoc *d, uint32_t m) {
  uint32_t f = kzi_adoc_fullname(d, m);
  return d->ment[f].text;
}

static void remember_role(sctx *c, uint32_t name, uint32_t role) {
  size_t i;
  if (name == KZI_NIL || role == KZI_NIL) return;
  for (i = 0; i < c->nroles; i++)
    if (strcmp(kzi_adoc_cstr(c->d, c->roles[i].name), kzi_adoc_cstr(c->d, name)) == 0) return;
  if (c->nroles == c->rcap) {
    size_t nc = c->rcap ? c->rcap * 2 : 16;
    role_entry *nr = realloc(c->roles, nc * sizeof *nr);
    if (nr == NULL) { c->d->rc = KZ_ENOMEM; return; }
    c->roles = nr;
    c->rcap = nc;
  }
  c->roles[c->nroles].name = name;
  c->roles[c->nroles].role = role;
  c->nroles++;
}

static uint32_t known_role(const sctx *c, uint32_t name) {
  size_t i;
  if (name == KZI_NIL) return KZI_NIL;
  for (i = 0; i < c->nroles; i++)
    if (strcmp(kzi_adoc_cstr(c->d, c->roles[i].name), kzi_adoc_cstr(c->d, name)) == 0)
      return c->roles[i].role;
  return KZI_NIL;
}

/* The role in an apposition after the name ending at token e (exclusive):
 * ", head of the Council (RIAC), a think tank" -> "head of the Council
 * (RIAC)".  *after receives the token after the apposition's closing comma
 * (or e when there is none). */
static uint32_t apposition(kzi_adoc *d, uint32_t e, uint32_t limit, uint32_t *after) {
  uint32_t t = e, s, depth = 0;
  *after = e;
  if (t < limit && (kzi_tok_is(d, t, "of") || kzi_tok_is(d, t, "at") || kzi_tok_is(d, t, "from"))) {
    s = t;
  } else {
    if (t >= limit || !kzi_tok_punct(d, t, ',')) return KZI_NIL;
    t++;
    s = t;
    if (t >= limit || d->toks[t].kind != KZI_AT_WORD) return KZI_NIL;
    if (kzi_tok_is(d, t, "who") || kzi_tok_is(d, t, "which") || kzi_speech_verb(d, t)) return KZI_NIL;
  }
  for (; t < limit && t < s + 40; t++) {
    const kzi_atok *k = &d->toks[t];
    if (k->kind == KZI_AT_PUNCT) {
      if (k->cp == '(') depth++;
      else if (k->cp == ')' && depth) depth--;
      else if (depth == 0 && (k->cp == ',' || k->cp == ';' || (k->flags & KZI_AF_SENTEND) ||
                              k->cp == 0x201c || k->cp == '"' || k->cp == 0x2014))
        break;
    }
    if (k->kind == KZI_AT_WORD && depth == 0 && t > s && kzi_speech_verb(d, t) &&
        (d->toks[t].flags & KZI_AF_LOWER))
      break;
  }
  if (t == s) return KZI_NIL;
  {
    uint32_t r = str_of(d, d->toks[s].start, d->toks[t - 1].end);
    *after = t < limit && kzi_tok_punct(d, t, ',') ? t + 1 : t;
    return r;
  }
}

/* Title prefix of a mention as role ("Kazakh President"). */
static uint32_t title_role(kzi_adoc *d, uint32_t m) {
  const kzi_amention *x = &d->ment[m];
  if (x->title0 == KZI_NIL || x->title0 >= x->tok0) return KZI_NIL;
  return str_of(d, d->toks[x->title0].start, d->toks[x->tok0 - 1].end);
}

static int gender_of_name(const char *s) {
  size_t n = strlen(s);
  static const char *const fem[] = {"ova", "eva", "aya", "ina", "skaya", "ová", NULL};
  static const char *const mas[] = {"ov", "ev", "in", "sky", "skiy", "iy", NULL};
  int i;
  for (i = 0; fem[i]; i++) {
    size_t m = strlen(fem[i]);
    if (n > m + 2 && memcmp(s + n - m, fem[i], m) == 0) return 2;
  }
  for (i = 0; mas[i]; i++) {
    size_t m = strlen(mas[i]);
    if (n > m + 2 && memcmp(s + n - m, mas[i], m) == 0) return 1;
  }
  return 0;
}

static bool gender_ok(kzi_adoc *d, uint32_t pron, uint32_t name) {
  int g;
  if (name == KZI_NIL) return false;
  g = gender_of_name(kzi_adoc_cstr(d, name));
  if (kzi_tok_is(d, pron, "he") || kzi_tok_is(d, pron, "er") || kzi_tok_is(d, pron, "il") ||
      kzi_tok_is(d, pron, "он"))
    return g != 2;
  if (kzi_tok_is(d, pron, "she") || kzi_tok_is(d, pron, "elle") || kzi_tok_is(d, pron, "ella") ||
      kzi_tok_is(d, pron, "она"))
    return g != 1;
  return true;
}

static bool is_person_ment(const kzi_adoc *d, uint32_t m) {
  return m != KZI_NIL && (d->ment[m].kind == KZ_ENTITY_PERSON);
}

static bool speaker_ment_ok(const kzi_adoc *d, uint32_t m) {
  return m != KZI_NIL && d->ment[m].kind != KZ_ENTITY_PLACE &&
         !(d->toks[d->ment[m].tok1 - 1].flags & KZI_AF_POSS);
}

/* Start of the sentence containing token t (not before para start). */
static uint32_t sent_start(const kzi_adoc *d, uint32_t t) {
  uint32_t p0 = d->paras[d->toks[t].para].tok0;
  while (t > p0 && !(d->toks[t - 1].flags & KZI_AF_SENTEND)) t--;
  return t;
}

/* Subject of the speech verb at v, looking back to `from`: a person named
 * in the clause, else a name right before the verb (through an
 * apposition), else a pronoun.  Returns a mention, or KZI_NIL with *pron
 * set to the pronoun token (or KZI_NIL). */
static uint32_t verb_subject(kzi_adoc *d, uint32_t from, uint32_t v, uint32_t *pron) {
  uint32_t t, m, first_person = KZI_NIL, adjacent = KZI_NIL;
  *pron = KZI_NIL;
  if (v > from && kzi_tok_in(d, v - 1, &pronouns_wl) >= 0) { *pron = v - 1; return KZI_NIL; }
  if (v > from + 1 && kzi_tok_in(d, v - 2, &pronouns_wl) >= 0 &&
      d->toks[v - 1].kind == KZI_AT_WORD && (d->toks[v - 1].flags & KZI_AF_LOWER)) {
    *pron = v - 2; /* "he later said" */
    return KZI_NIL;
  }
  /* a name right before the verb, or before ", apposition," */
  t = v;
  if (t > from && kzi_tok_punct(d, t - 1, ',')) {
    uint32_t depth = 0;
    t--;
    while (t > from) {
      const kzi_atok *k = &d->toks[t - 1];
      if (k->kind == KZI_AT_PUNCT && k->cp == ')') depth++;
      else if (k->kind == KZI_AT_PUNCT && k->cp == '(' && depth) depth--;
      else if (k->kind == KZI_AT_PUNCT && k->cp == ',' && depth == 0) break;
      t--;
    }
    if (t > from) t--; /* the comma after the name */
  }
  if (t > from) {
    m = kzi_adoc_mention_at(d, t - 1);
    if (speaker_ment_ok(d, m)) adjacent = m;
  }
  if (adjacent != KZI_NIL && is_person_ment(d, adjacent)) return adjacent;
  for (t = from; t < v; t++) {
    if (d->toks[t].flags & KZI_AF_INQUOTE) continue;
    m = kzi_adoc_mention_at(d, t);
    if (m == KZI_NIL) continue;
    if (is_person_ment(d, m) && speaker_ment_ok(d, m) && first_person == KZI_NIL) first_person = m;
    t = d->ment[m].tok1 - 1;
  }
  if (first_person != KZI_NIL) return first_person;
  return adjacent;
}

/* The nearest earlier speaker for a pronoun at token p. */
static uint32_t resolve_pronoun(sctx *c, uint32_t p, size_t qi) {
  kzi_adoc *d = c->d;
  uint32_t para = d->toks[p].para, lim_para = para >= 3 ? para - 3 : 0;
  uint32_t t = p, best_person = KZI_NIL;
  size_t j;
  uint32_t best_q = KZI_NIL, best_q_tok = 0;
  /* attributed quotes before p */
  for (j = qi; j-- > 0;) {
    const kzi_rquote *q = &c->qs->q[j];
    if (q->speaker == KZI_NIL || q->speaker_ment == KZI_NIL) continue;
    if (q->para1 < lim_para) break;
    if (!gender_ok(d, p, q->speaker)) continue;
    best_q = q->speaker;
    best_q_tok = q->open;
    break;
  }
  while (t > 0) {
    uint32_t m, v;
    t--;
    if (d->toks[t].para < lim_para) break;
    if (best_q != KZI_NIL && t <= best_q_tok) return best_q;
    if (d->toks[t].flags & KZI_AF_INQUOTE) continue;
    v = (uint32_t)kzi_speech_verb(d, t);
    if (v && t != p + 1) {
      uint32_t pr;
      m = verb_subject(d, sent_start(d, t), t, &pr);
      if (m != KZI_NIL && is_person_ment(d, m) && gender_ok(d, p, name_of(d, m))) return name_of(d, m);
    }
    m = kzi_adoc_mention_at(d, t);
    if (m != KZI_NIL && best_person == KZI_NIL && is_person_ment(d, m) &&
        d->toks[t].para + 1 >= para && gender_ok(d, p, name_of(d, m)))
      best_person = name_of(d, m);
  }
  if (best_q != KZI_NIL) return best_q;
  if (best_person != KZI_NIL) return best_person;
  for (j = qi; j-- > 0;) {
    const kzi_rquote *q = &c->qs->q[j];
    if (q->speaker != KZI_NIL && q->speaker_ment != KZI_NIL && gender_ok(d, p, q->speaker))
      return q->speaker;
  }
  return KZI_NIL;
}

/* Set q's speaker from mention m (or pronoun token pron) and verb tokens. */
static void set_speaker(sctx *c, size_t qi, uint32_t m, uint32_t pron, uint32_t v,
                        int vn, uint32_t role) {
  kzi_adoc *d = c->d;
  kzi_rquote *q = &c->qs->q[qi];
  if (m != KZI_NIL) {
    q->speaker = name_of(d, m);
    q->speaker_ment = kzi_adoc_fullname(d, m);
    d->ment[m].flags |= KZI_MF_SUBJECT;
    if (role == KZI_NIL) role = title_role(d, m);
    if (role == KZI_NIL) role = title_role(d, q->speaker_ment);
  } else if (pron != KZI_NIL) {
    q->speaker = resolve_pronoun(c, pron, qi);
    q->speaker_ment = q->speaker == KZI_NIL ? KZI_NIL : 0;
  }
  if (q->speaker != KZI_NIL) {
    remember_role(c, q->speaker, role);
    q->role = role != KZI_NIL ? role : known_role(c, q->speaker);
  }
  if (v != KZI_NIL && vn > 0)
    q->verb = str_of(d, d->toks[v].start, d->toks[v + (uint32_t)vn - 1].end);
}

/* A description as speaker: "the ministry said". */
static uint32_t description(kzi_adoc *d, uint32_t s, uint32_t e) {
  uint32_t t;
  if (s >= e || kzi_tok_in(d, s, &determiners_wl) < 0) return KZI_NIL;
  for (t = s; t < e; t++)
    if (d->toks[t].kind != KZI_AT_WORD) return KZI_NIL;
  if (e - s > 6 || e - s < 2) return KZI_NIL;
  return str_of(d, d->toks[s].start, d->toks[e - 1].end);
}

/* End of the after-frame: sentence end, next quote or paragraph end. */
static uint32_t frame_end(const kzi_adoc *d, uint32_t t, uint32_t p1) {
  for (; t < p1; t++) {
    const kzi_atok *k = &d->toks[t];
    if ((k->flags & KZI_AF_INQUOTE) && k->kind == KZI_AT_PUNCT) return t;
    if (k->flags & KZI_AF_SENTEND) return t;
  }
  return p1;
}

/* 1. After the quote.  Returns true when attributed. */
static bool after_frame(sctx *c, size_t qi) {
  kzi_adoc *d = c->d;
  kzi_rquote *q = &c->qs->q[qi];
  uint32_t t, p1, e, m, v;
  int vn;
  if (q->close == KZI_NIL) return false;
  p1 = d->paras[d->toks[q->close].para].tok1;
  t = q->close + 1;
  while (t < p1 && d->toks[t].kind == KZI_AT_PUNCT &&
         (d->toks[t].cp == ',' || d->toks[t].cp == 0x2014 || d->toks[t].cp == 0x2013))
    t++;
  if (t < p1 && (d->toks[t].flags & KZI_AF_SENTEND) && q->end_punct == 0) return false;
  e = frame_end(d, t, p1);
  if (t >= e) return false;
  /* VERB ... NAME */
  vn = kzi_speech_verb(d, t);
  if (vn) {
    uint32_t u = t + (uint32_t)vn, s = u;
    if (u < e && kzi_tok_in(d, u, &pronouns_wl) >= 0) {
      set_speaker(c, qi, KZI_NIL, u, t, vn, KZI_NIL);
      return true;
    }
    for (; u < e && u < s + 10; u++) {
      m = kzi_adoc_mention_at(d, u);
      if (m != KZI_NIL) {
        if (d->toks[d->ment[m].tok1 - 1].flags & KZI_AF_POSS) { u = d->ment[m].tok1 - 1; continue; }
        if (!speaker_ment_ok(d, m)) break;
        {
          uint32_t after, role = apposition(d, d->ment[m].tok1, e, &after);
          if (role == KZI_NIL && d->ment[m].tok0 > s) {
            /* role words between verb and name: "says foreign policy analyst X" */
            uint32_t r0 = s, k;
            bool lower = true;
            for (k = s; k < d->ment[m].tok0; k++) {
              if (d->toks[k].kind != KZI_AT_WORD) { lower = false; break; }
              if (d->toks[k].flags & KZI_AF_POSS) r0 = k + 1;
            }
            if (lower && r0 < d->ment[m].tok0 &&
                !(kzi_tok_in(d, r0, &determiners_wl) >= 0 && r0 + 1 == d->ment[m].tok0))
              role = str_of(d, d->toks[r0].start, d->toks[d->ment[m].tok0 - 1].end);
          }
          set_speaker(c, qi, m, KZI_NIL, t, vn, role);
        }
        return true;
      }
      if (d->toks[u].kind != KZI_AT_WORD) break;
    }
    {
      uint32_t r = description(d, s, e);
      if (r != KZI_NIL) {
        q->speaker = r;
        q->verb = str_of(d, d->toks[t].start, d->toks[t + (uint32_t)vn - 1].end);
        return true;
      }
    }
    return false;
  }
  /* PRONOUN VERB */
  if (kzi_tok_in(d, t, &pronouns_wl) >= 0 && (vn = kzi_speech_verb(d, t + 1)) > 0) {
    set_speaker(c, qi, KZI_NIL, t, t + 1, vn, KZI_NIL);
    return true;
  }
  /* NAME [, role,] VERB  (skipping possessive names: "RIAC's Kortunov") */
  m = kzi_adoc_mention_at(d, t);
  while (m != KZI_NIL && (d->toks[d->ment[m].tok1 - 1].flags & KZI_AF_POSS))
    m = kzi_adoc_mention_at(d, d->ment[m].tok1);
  if (m != KZI_NIL && speaker_ment_ok(d, m)) {
    uint32_t after, role = apposition(d, d->ment[m].tok1, e, &after);
    v = role != KZI_NIL ? after : d->ment[m].tok1;
    /* allow one adverb: "X later said" */
    if (v < e && !kzi_speech_verb(d, v) && d->toks[v].kind == KZI_AT_WORD &&
        (d->toks[v].flags & KZI_AF_LOWER) && kzi_speech_verb(d, v + 1))
      v++;
    vn = kzi_speech_verb(d, v);
    if (vn && v < e) {
      set_speaker(c, qi, m, KZI_NIL, v, vn, role);
      return true;
    }
    return false;
  }
  /* the ministry said */
  for (v = t; v < e && v < t + 7; v++) {
    vn = kzi_speech_verb(d, v);
    if (vn) {
      uint32_t r = description(d, t, v);
      if (r != KZI_NIL) {
        q->speaker = r;
        q->verb = str_of(d, d->toks[v].start, d->toks[v + (uint32_t)vn - 1].end);
        return true;
      }
      break;
    }
  }
  return false;
}

/* 2. Before the quote.  *adjacent is set when the attribution leads right
 * into the quote (verb then optional , or :). */
static bool before_frame(sctx *c, size_t qi, bool *adjacent) {
  kzi_adoc *d = c->d;
  kzi_rquote *q = &c->qs->q[qi];
  uint32_t s = sent_start(d, q->open), t, v = KZI_NIL, m, pron;
  int vn = 0;
  *adjacent = false;
  if (qi > 0 && c->qs->q[qi - 1].close != KZI_NIL && c->qs->q[qi - 1].close >= s &&
      c->qs->q[qi - 1].close < q->open)
    s = c->qs->q[qi - 1].close + 1;
  for (t = q->open; t > s;) {
    int n;
    t--;
    if (d->toks[t].flags & KZI_AF_INQUOTE) continue;
    n = kzi_speech_verb(d, t);
    if (n) { v = t; vn = n; break; }
  }
  if (v == KZI_NIL) return false;
  {
    uint32_t k = v + (uint32_t)vn;
    while (k < q->open && d->toks[k].kind == KZI_AT_PUNCT) k++;
    if (k == q->open) *adjacent = true;
    /* "said that" */
    if (k + 1 == q->open && kzi_tok_is(d, k, "that")) *adjacent = false;
  }
  /* "according to NAME" / verb followed by a name: "said X: “" */
  if (kzi_tok_is(d, v, "according") || kzi_tok_is(d, v, "по") || kzi_tok_is(d, v, "selon") ||
      kzi_tok_is(d, v, "según")) {
    m = kzi_adoc_mention_at(d, v + (uint32_t)vn);
    if (speaker_ment_ok(d, m)) {
      uint32_t after;
      set_speaker(c, qi, m, KZI_NIL, v, vn, apposition(d, d->ment[m].tok1, q->open, &after));
      return true;
    }
    return false;
  }
  m = verb_subject(d, s, v, &pron);
  if (m != KZI_NIL) {
    uint32_t after, role = apposition(d, d->ment[m].tok1, v, &after);
    set_speaker(c, qi, m, KZI_NIL, v, vn, role);
    return true;
  }
  if (pron != KZI_NIL) {
    set_speaker(c, qi, KZI_NIL, pron, v, vn, KZI_NIL);
    return true;
  }
  m = kzi_adoc_mention_at(d, v + (uint32_t)vn);
  if (speaker_ment_ok(d, m) && d->ment[m].tok1 <= q->open) {
    uint32_t after;
    set_speaker(c, qi, m, KZI_NIL, v, vn, apposition(d, d->ment[m].tok1, q->open, &after));
    return true;
  }
  return false;
}

/* ---------------------------------------------------------------------
 * Interview sections
 * --------------------------------------------------------------------- */

static void find_sections(sctx *c) {
  kzi_adoc *d = c->d;
  kzi_quoteset *qs = c->qs;
  size_t pi;
  for (pi = 0; pi < d->npara && !d->rc; pi++) {
    const kzi_apara *p = &d->paras[pi];
    uint32_t m, t, words = 0;
    const kzi_atok *last;
    if (p->tok1 <= p->tok0 + 3) continue;
    last = &d->toks[p->tok1 - 1];
    if (!p->heading) {
      if (last->kind == KZI_AT_PUNCT && (last->cp == '.' || last->cp == '!' || last->cp == '?' ||
                                         last->cp == 0x201d || last->cp == '"'))
        continue;
    }
    for (t = p->tok0; t < p->tok1; t++)
      if (d->toks[t].kind == KZI_AT_WORD) words++;
    if (words > 30) continue;
    m = kzi_adoc_mention_at(d, p->tok0);
    if (m == KZI_NIL || d->ment[m].tok0 != p->tok0) continue;
    if (d->ment[m].tok1 - d->ment[m].tok0 < 2 || d->ment[m].kind == KZ_ENTITY_ORG ||
        d->ment[m].kind == KZ_ENTITY_PLACE)
      continue;
    t = d->ment[m].tok1;
    if (t >= p->tok1 || !(kzi_tok_punct(d, t, ',') || kzi_tok_punct(d, t, 0x2013) ||
                          kzi_tok_punct(d, t, 0x2014) || kzi_tok_punct(d, t, '-')))
      continue;
    /* the next paragraph must be body text */
    if (pi + 1 >= d->npara || d->paras[pi + 1].heading) continue;
    {
      kzi_section *s;
      size_t pj = pi + 1;
      if (qs->nsec == qs->seccap) {
        size_t nc = qs->seccap ? qs->seccap * 2 : 4;
        kzi_section *ns = realloc(qs->sec, nc * sizeof *ns);
        if (ns == NULL) { d->rc = KZ_ENOMEM; return; }
        qs->sec = ns;
        qs->seccap = nc;
      }
      while (pj < d->npara && !d->paras[pj].heading) pj++;
      /* a body paragraph that is itself a section heading ends it too */
      s = &qs->sec[qs->nsec++];
      s->speaker = d->ment[m].text;
      s->role = str_of(d, d->toks[t + 1 < p->tok1 ? t + 1 : t].start, p->end);
      s->para0 = (uint32_t)(pi + 1);
      s->para1 = (uint32_t)pj;
      s->heading_start = p->raw_start;
      if (qs->nsec > 1 && qs->sec[qs->nsec - 2].para1 > pi)
        qs->sec[qs->nsec - 2].para1 = (uint32_t)pi;
      remember_role(c, s->speaker, s->role);
    }
  }
}

static uint32_t section_speaker(const kzi_quoteset *qs, uint32_t para) {
  size_t i;
  for (i = 0; i < qs->nsec; i++)
    if (para >= qs->sec[i].para0 && para < qs->sec[i].para1) return (uint32_t)i;
  return KZI_NIL;
}

/* ---------------------------------------------------------------------
 * Driver
 * --------------------------------------------------------------------- */

/* A quote without an attribution of its own takes a speaker only from its
 * close context, never from further away (better unknown than wrong):
 *   - its own paragraph before it: the nearest earlier quote that has a
 *     speaker, or the nearest speech verb with a named or pronoun subject;
 *   - the interview section it is in;
 *   - the sentence right before it, when it opens its paragraph: the last
 *     sentence of the previous paragraph (unless a heading comes between);
 *   - the sentence right after it in its paragraph, when that sentence has
 *     a speech verb with a named subject and no quote of its own. */

typedef struct ctx_speaker {
  uint32_t speaker, ment, role;
} ctx_speaker;

/* The subject of the speech verb at v (a verb outside quotes) as a speaker,
 * or false.  Pronouns are resolved. */
static bool verb_speaker(sctx *c, size_t qi, uint32_t from, uint32_t v, ctx_speaker *out) {
  kzi_adoc *d = c->d;
  uint32_t pr, m = verb_subject(d, from, v, &pr);
  if (m != KZI_NIL && is_person_ment(d, m)) {
    out->speaker = name_of(d, m);
    out->ment = kzi_adoc_fullname(d, m);
    out->role = known_role(c, out->speaker);
    return true;
  }
  if (m == KZI_NIL && pr != KZI_NIL) {
    uint32_t sp = resolve_pronoun(c, pr, qi);
    if (sp == KZI_NIL) return false;
    out->speaker = sp;
    out->ment = 0; /* a named speaker (see set_speaker) */
    out->role = known_role(c, sp);
    return true;
  }
  return false;
}

/* Walk back from the quote's opening mark to token `from`: the nearest
 * earlier quote with a speaker or speech verb with a subject. */
static bool speaker_before(sctx *c, size_t qi, uint32_t from, ctx_speaker *out) {
  kzi_adoc *d = c->d;
  uint32_t t = c->qs->q[qi].open;
  size_t j = qi;
  while (t > from) {
    int vn;
    t--;
    if (d->toks[t].flags & KZI_AF_INQUOTE) {
      while (j > 0 && c->qs->q[j - 1].open > t) j--;
      if (j > 0) {
        const kzi_rquote *p = &c->qs->q[j - 1];
        if (t <= p->last || t == p->close) {
          if (p->speaker != KZI_NIL && p->kind != KZ_QUOTE_SCARE) {
            out->speaker = p->speaker;
            out->ment = p->speaker_ment;
            out->role = p->role;
            return true;
          }
          if (p->open < t && p->open >= from) t = p->open; /* skip it */
          continue;
        }
      }
      continue;
    }
    vn = kzi_speech_verb(d, t);
    if (vn && verb_speaker(c, qi, sent_start(d, t), t, out)) return true;
  }
  return false;
}

/* The first token of the last sentence of paragraph pi. */
static uint32_t last_sentence(const kzi_adoc *d, size_t pi) {
  const kzi_apara *p = &d->paras[pi];
  uint32_t t = p->tok1 - 1;
  while (t > p->tok0 && d->toks[t].kind != KZI_AT_WORD && d->toks[t].kind != KZI_AT_NUM) t--;
  return sent_start(d, t);
}

/* Is there a heading between body paragraphs a < b (by article block)? */
static bool heading_between(const kzi_adoc *d, size_t a, size_t b) {
  size_t i;
  if (b != a + 1) return true;
  if (d->paras[a].block < 0 || d->paras[b].block < 0) return false;
  for (i = 0; i < d->npara; i++)
    if (d->paras[i].heading && d->paras[i].block > d->paras[a].block &&
        d->paras[i].block < d->paras[b].block)
      return true;
  return false;
}

/* The sentence after the quote in its paragraph, if it has no quote: the
 * subject of its speech verb. */
static bool speaker_after(sctx *c, size_t qi, ctx_speaker *out) {
  kzi_adoc *d = c->d;
  const kzi_rquote *q = &c->qs->q[qi];
  uint32_t end = q->close != KZI_NIL ? q->close : q->last, p1, s, t;
  p1 = d->paras[d->toks[end].para].tok1;
  s = end + 1;
  while (s < p1 && d->toks[s].kind == KZI_AT_PUNCT && !(d->toks[s].flags & KZI_AF_INQUOTE)) s++;
  for (t = s; t < p1; t++) {
    int vn;
    if (d->toks[t].flags & KZI_AF_INQUOTE) return false;
    vn = kzi_speech_verb(d, t);
    if (vn) {
      /* the sentence must end without a quote of its own */
      uint32_t u;
      for (u = t + 1; u < p1 && !(d->toks[u - 1].flags & KZI_AF_SENTEND); u++)
        if (d->toks[u].flags & KZI_AF_INQUOTE) return false;
      return verb_speaker(c, qi, s, t, out);
    }
    if (d->toks[t].flags & KZI_AF_SENTEND) return false;
  }
  return false;
}

static bool context_speaker(sctx *c, size_t qi, ctx_speaker *out) {
  kzi_adoc *d = c->d;
  const kzi_rquote *q = &c->qs->q[qi];
  size_t para = d->toks[q->open].para;
  uint32_t p0 = d->paras[para].tok0, sec;
  if (speaker_before(c, qi, p0, out)) return true;
  sec = section_speaker(c->qs, q->para0);
  if (sec != KZI_NIL) {
    out->speaker = c->qs->sec[sec].speaker;
    out->ment = KZI_NIL;
    out->role = c->qs->sec[sec].role;
    return true;
  }
  if (sent_start(d, q->open) == p0 && para > 0 && !d->paras[para - 1].heading &&
      d->paras[para - 1].tok1 > d->paras[para - 1].tok0 && !heading_between(d, para - 1, para) &&
      speaker_before(c, qi, last_sentence(d, para - 1), out))
    return true;
  return speaker_after(c, qi, out);
}

int kzi_attribute_quotes(kzi_adoc *d, kzi_quoteset *qs) {
  sctx c;
  size_t i;
  memset(&c, 0, sizeof c);
  c.d = d;
  c.qs = qs;
  if (kzi_adoc_mention_at(d, 0) == KZI_NIL && d->rc) return d->rc;
  find_sections(&c);
  for (i = 0; i < qs->n && !d->rc; i++) {
    kzi_rquote *q = &qs->q[i];
    bool adjacent = false, done, direct;
    uint32_t prev;
    done = after_frame(&c, i);
    if (!done) done = before_frame(&c, i, &adjacent);
    else adjacent = true;
    /* kind */
    prev = q->open > d->paras[d->toks[q->open].para].tok0 ? q->open - 1 : KZI_NIL;
    direct = prev == KZI_NIL || (d->toks[prev].flags & KZI_AF_SENTEND) ||
             kzi_tok_punct(d, prev, ':') ||
             (d->toks[prev].kind == KZI_AT_PUNCT && d->toks[prev].cp != ',' &&
              d->toks[prev].cp != '(' && (d->toks[prev].flags & KZI_AF_INQUOTE)) ||
             (adjacent && !done) || (done && adjacent && q->end_punct != 0);
    if (done && !adjacent) direct = direct || false;
    if (!direct && done) {
      /* NAME said, “...” */
      uint32_t k = prev;
      while (k != KZI_NIL && k > 0 && d->toks[k].kind == KZI_AT_PUNCT && !(d->toks[k].flags & KZI_AF_SENTEND)) k--;
      if (k != KZI_NIL && kzi_speech_verb(d, k) && kzi_tok_punct(d, q->open - 1, ',')) direct = true;
    }
    if (q->nwords <= 2 && !(done && adjacent && q->end_punct != 0)) {
      q->kind = KZ_QUOTE_SCARE;
      q->speaker = q->role = q->verb = KZI_NIL;
      q->speaker_ment = KZI_NIL;
      continue;
    }
    q->kind = direct ? KZ_QUOTE_DIRECT : KZ_QUOTE_PARTIAL;
    if (done) continue;
    /* a fragment: the nearest person named before it in its sentence */
    if (q->kind == KZ_QUOTE_PARTIAL && section_speaker(qs, q->para0) == KZI_NIL) {
      uint32_t t = q->open, s0 = sent_start(d, q->open), m = KZI_NIL;
      while (t > s0) {
        t--;
        if (d->toks[t].flags & KZI_AF_INQUOTE) continue;
        m = kzi_adoc_mention_at(d, t);
        if (m != KZI_NIL && is_person_ment(d, m) && speaker_ment_ok(d, m)) break;
        m = KZI_NIL;
      }
      if (m != KZI_NIL) {
        set_speaker(&c, i, m, KZI_NIL, KZI_NIL, 0, KZI_NIL);
        continue;
      }
    }
    /* 3. the close context */
    {
      ctx_speaker cs;
      if (context_speaker(&c, i, &cs)) {
        q->speaker = cs.speaker;
        q->speaker_ment = cs.ment;
        q->role = cs.role;
      }
    }
  }
  free(c.roles);
  return d->rc;
}
