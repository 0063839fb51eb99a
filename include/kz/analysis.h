/*
 * kz/analysis.h - who said what, which numbers an article reports, and who
 * is who across spellings.
 *
 * Three per-article extractors work on a parsed kz_article (or on plain
 * text) and return an immutable result object with indexed accessors:
 *
 *   kz_article_quotes()    direct, partial and scare quotations with their
 *                          speaker, the speaker's role and the speech verb,
 *                          plus interview sections headed by a speaker;
 *   kz_article_numbers()   numeric claims: value or range, qualifier ("more
 *                          than", "at least", ...), unit and what is counted;
 *   kz_article_mentions()  mentions of people, organizations and places;
 *   kz_article_analyze()   any of the three from one reading of the article.
 *
 * A kz_entities set collects the mentions of many articles, each under a
 * source label, and clusters them into entities: surname-only references,
 * acronyms defined in parentheses and transliteration variants (through the
 * phonetic key of kz_entity_key()) end up in one entity.  An alias table of
 * hand-made merge and split rules overrides the clustering; it has a plain
 * text form so a corpus can store it next to its index.
 *
 * Every rule is general: capitalization, punctuation, titles, speech verbs
 * and name morphology.  There is no trained model and no list of names.
 *
 * Offsets: the start/end of quotes, numbers and mentions are byte offsets
 * into kz_article_body() of the article they came from (or into the text
 * given to the kz_text_* variants).  Mentions found outside the body (the
 * headline, section headings) have start == end == KZ_NO_OFFSET.
 *
 * Ownership: result objects are owned by the caller and freed with their
 * _free() function (NULL is fine).  Strings returned by accessors are
 * borrowed from the result object: NUL-terminated UTF-8 valid until it is
 * freed.  Results never point into the article or the caller's text.
 *
 * Threads: results are immutable and may be read from several threads.  A
 * kz_entities set must not be used by two threads at once.
 *
 * Errors: fallible calls return KZ_OK or a negative kz_status; the message
 * is in kz_last_errmsg() (for the entity set also kz_entities_errmsg()).
 * Accessors given an index out of range return NULL, 0 or -1.
 */
#ifndef KZ_ANALYSIS_H
#define KZ_ANALYSIS_H

#include "common.h"
#include "article.h"

KZ_BEGIN_DECLS

/* The offset of something that is not in the body. */
#define KZ_NO_OFFSET ((size_t)-1)

/* Inputs longer than this (bytes) are refused with KZ_ELIMIT. */
#define KZ_ANALYSIS_MAX_TEXT ((size_t)0x7fffffff)

/* ------------------------------------------------------------------ */
/* Quotes                                                                */
/* ------------------------------------------------------------------ */

typedef enum kz_quote_kind_t {
  KZ_QUOTE_DIRECT = 0,  /* reported speech: whole sentences in quotes */
  KZ_QUOTE_PARTIAL = 1, /* a quoted fragment inside the writer's sentence */
  KZ_QUOTE_SCARE = 2    /* one or two words set in quotes ("peacekeepers") */
} kz_quote_kind_t;

/* "direct", "partial", "scare"; "unknown" otherwise.  Static storage. */
KZ_API const char *kz_quote_kind_name(int kind);

typedef struct kz_quotes kz_quotes;

/* Extract the quotations of a's body.  Headings of the form "Name Surname,
 * role" that open an interview section attribute the section's text to that
 * speaker (see kz_quotes_section_*).  On success *out is a new object owned
 * by the caller.  Returns KZ_OK, KZ_EINVAL (NULL argument), KZ_ELIMIT or
 * KZ_ENOMEM. */
KZ_API int kz_article_quotes(kz_quotes **out, const kz_article *a);

/* The same for plain text: paragraphs are separated by blank lines; lang is
 * an ISO 639-1 code or NULL for English rules. */
KZ_API int kz_text_quotes(kz_quotes **out, const char *text, size_t len,
                          const char *lang);

KZ_API void kz_quotes_free(kz_quotes *q);

KZ_API size_t kz_quotes_count(const kz_quotes *q);
/* The quoted words without the quotation marks; paragraphs of a quote that
 * spans several are joined by "\n\n". */
KZ_API const char *kz_quote_text(const kz_quotes *q, size_t i);
/* The speaker's name, as the fullest form the article gives for that
 * person ("Andrei Kortunov" for "RIAC's Kortunov"), or a description ("the
 * ministry") when no name is given; NULL when unknown and for scare quotes. */
KZ_API const char *kz_quote_speaker(const kz_quotes *q, size_t i);
/* The speaker's role from an apposition or title ("head of the Russian
 * International Affairs Council (RIAC)"), or NULL. */
KZ_API const char *kz_quote_role(const kz_quotes *q, size_t i);
/* The speech verb as written ("said", "wrote", "according to"), or NULL
 * (quote continued from an earlier attribution, interview section). */
KZ_API const char *kz_quote_verb(const kz_quotes *q, size_t i);
/* A kz_quote_kind_t, or -1 for a bad index. */
KZ_API int kz_quote_kind(const kz_quotes *q, size_t i);
/* Byte span of the quotation, marks included. */
KZ_API size_t kz_quote_start(const kz_quotes *q, size_t i);
KZ_API size_t kz_quote_end(const kz_quotes *q, size_t i);

/* Interview sections: a heading naming a speaker and the body text up to the
 * next heading.  Start/end are offsets into the body; heading_start is the
 * offset of the heading block in the parser's input
 * (kz_article_block_start()), or KZ_NO_OFFSET for plain text. */
KZ_API size_t kz_quotes_section_count(const kz_quotes *q);
KZ_API const char *kz_quotes_section_speaker(const kz_quotes *q, size_t i);
KZ_API const char *kz_quotes_section_role(const kz_quotes *q, size_t i);
KZ_API size_t kz_quotes_section_start(const kz_quotes *q, size_t i);
KZ_API size_t kz_quotes_section_end(const kz_quotes *q, size_t i);
KZ_API size_t kz_quotes_section_heading_start(const kz_quotes *q, size_t i);

/* Append one JSON object per quote, one a line, to *out (which may hold
 * text already; start with KZ_BUF_INIT): doc, speaker, role, verb, kind,
 * text, start, end.  doc (may be NULL) labels the document.  Then one line
 * per interview section: {"doc", "section": true, speaker, role, start,
 * end}.  Returns KZ_OK, KZ_EINVAL or KZ_ENOMEM. */
KZ_API int kz_quotes_to_json(const kz_quotes *q, const char *doc, kz_buf *out);

/* ------------------------------------------------------------------ */
/* Numbers                                                               */
/* ------------------------------------------------------------------ */

typedef struct kz_numbers kz_numbers;

/* Extract the numeric claims of a's body: numbers written with digits
 * (separators, decimals, "2.5 million"), number words ("twelve", "a dozen",
 * "hundreds"), percentages, amounts of money and ranges.  Years, dates,
 * times of day and ordinals are not claims and are skipped. */
KZ_API int kz_article_numbers(kz_numbers **out, const kz_article *a);
KZ_API int kz_text_numbers(kz_numbers **out, const char *text, size_t len,
                           const char *lang);
KZ_API void kz_numbers_free(kz_numbers *n);

KZ_API size_t kz_numbers_count(const kz_numbers *n);
/* The value (for a range its low end; for "dozens" 24, "hundreds" 200). */
KZ_API double kz_number_value(const kz_numbers *n, size_t i);
/* Bounds of a range ("$2-$3 billion", "hundreds"); both equal the value for
 * a single number. */
KZ_API double kz_number_low(const kz_numbers *n, size_t i);
KZ_API double kz_number_high(const kz_numbers *n, size_t i);
/* Nonzero when the claim is a range or a vague plural. */
KZ_API int kz_number_is_range(const kz_numbers *n, size_t i);
/* The qualifier, normalized: "more than", "at least", "almost", "about",
 * "up to", "at most", "less than"; NULL when none. */
KZ_API const char *kz_number_qualifier(const kz_numbers *n, size_t i);
/* "%" or an ISO 4217 code ("USD", "EUR", "KZT", ...); NULL for counts. */
KZ_API const char *kz_number_unit(const kz_numbers *n, size_t i);
/* What is counted: the noun phrase and a following participle ("police
 * officers killed", "paratroopers", "detained"); NULL when not found. */
KZ_API const char *kz_number_counted(const kz_numbers *n, size_t i);
/* The claim as written, qualifier to counted noun ("at least twelve police
 * officers have been killed"). */
KZ_API const char *kz_number_exact(const kz_numbers *n, size_t i);
/* Byte span of the exact text. */
KZ_API size_t kz_number_start(const kz_numbers *n, size_t i);
KZ_API size_t kz_number_end(const kz_numbers *n, size_t i);

/* Append one JSON object a line: doc, value, low, high, qualifier, unit,
 * counted, exact, start, end. */
KZ_API int kz_numbers_to_json(const kz_numbers *n, const char *doc,
                              kz_buf *out);

/* ------------------------------------------------------------------ */
/* Mentions                                                              */
/* ------------------------------------------------------------------ */

typedef enum kz_entity_kind_t {
  KZ_ENTITY_OTHER = 0,  /* a name of unclear kind */
  KZ_ENTITY_PERSON = 1,
  KZ_ENTITY_ORG = 2,
  KZ_ENTITY_PLACE = 3
} kz_entity_kind_t;

/* "other", "person", "org", "place"; "unknown" otherwise.  Static. */
KZ_API const char *kz_entity_kind_name(int kind);

typedef struct kz_mentions kz_mentions;

/* Mentions of named things in a's headline, headings and body.  Titles are
 * split off ("President Kassym-Jomart Tokayev" -> "Kassym-Jomart Tokayev"),
 * possessives dropped, acronyms defined in parentheses linked to their long
 * form. */
KZ_API int kz_article_mentions(kz_mentions **out, const kz_article *a);
KZ_API int kz_text_mentions(kz_mentions **out, const char *text, size_t len,
                            const char *lang);
KZ_API void kz_mentions_free(kz_mentions *m);

KZ_API size_t kz_mentions_count(const kz_mentions *m);
KZ_API const char *kz_mention_text(const kz_mentions *m, size_t i);
KZ_API int kz_mention_kind(const kz_mentions *m, size_t i);
/* For an acronym defined in the article, its long form; else NULL. */
KZ_API const char *kz_mention_expansion(const kz_mentions *m, size_t i);
KZ_API size_t kz_mention_start(const kz_mentions *m, size_t i);
KZ_API size_t kz_mention_end(const kz_mentions *m, size_t i);

/* ------------------------------------------------------------------ */
/* All three in one pass                                                 */
/* ------------------------------------------------------------------ */

/* Which extractors kz_article_analyze() runs. */
#define KZ_ANALYZE_QUOTES 0x1u
#define KZ_ANALYZE_NUMBERS 0x2u
#define KZ_ANALYZE_MENTIONS 0x4u
#define KZ_ANALYZE_ALL 0x7u

typedef struct kz_analysis kz_analysis;

/* Run the extractors named in flags (KZ_ANALYZE_*; 0 means all) over a.
 * The article is cut into paragraphs and tokens, and its names found, once
 * for all of them, which is about three times faster than calling
 * kz_article_quotes(), kz_article_numbers() and kz_article_mentions() in
 * turn; the results are the same as theirs.  On success *out is a new
 * object owned by the caller.  Returns KZ_OK, KZ_EINVAL (NULL argument or
 * an unknown flag), KZ_ELIMIT or KZ_ENOMEM. */
KZ_API int kz_article_analyze(kz_analysis **out, const kz_article *a,
                              unsigned int flags);
/* The same for plain text (see kz_text_quotes()). */
KZ_API int kz_text_analyze(kz_analysis **out, const char *text, size_t len,
                           const char *lang, unsigned int flags);
KZ_API void kz_analysis_free(kz_analysis *r);

/* The results, borrowed from r and valid until kz_analysis_free(r); NULL
 * for an extractor that flags did not ask for (or r == NULL). */
KZ_API const kz_quotes *kz_analysis_quotes(const kz_analysis *r);
KZ_API const kz_numbers *kz_analysis_numbers(const kz_analysis *r);
KZ_API const kz_mentions *kz_analysis_mentions(const kz_analysis *r);

/* ------------------------------------------------------------------ */
/* Entities across a corpus                                              */
/* ------------------------------------------------------------------ */

typedef struct kz_entities kz_entities;

/* A new, empty set.  Returns KZ_OK, KZ_EINVAL or KZ_ENOMEM. */
KZ_API int kz_entities_new(kz_entities **out);
KZ_API void kz_entities_free(kz_entities *es);
/* Message of the last failing call on es ("" after success). */
KZ_API const char *kz_entities_errmsg(const kz_entities *es);

/* Add the mentions of an article under a source label (NULL: the article's
 * kz_article_source(), or "unknown").  Invalidates earlier clustering until
 * kz_entities_cluster() runs again. */
KZ_API int kz_entities_add_article(kz_entities *es, const kz_article *a,
                                   const char *source);
/* Add mentions found by kz_article_mentions()/kz_text_mentions(). */
KZ_API int kz_entities_add_mentions(kz_entities *es, const kz_mentions *m,
                                    const char *source);

/* Cluster every mention added so far into entities, applying the alias
 * rules.  Returns KZ_OK or KZ_ENOMEM. */
KZ_API int kz_entities_cluster(kz_entities *es);

/* Entities, most mentioned first (valid after kz_entities_cluster()). */
KZ_API size_t kz_entities_count(const kz_entities *es);
/* The canonical name: the most frequent full form of the entity. */
KZ_API const char *kz_entity_name(const kz_entities *es, size_t i);
KZ_API int kz_entity_kind(const kz_entities *es, size_t i);
/* Number of mentions. */
KZ_API size_t kz_entity_count(const kz_entities *es, size_t i);
/* Distinct spellings and how often each occurs. */
KZ_API size_t kz_entity_variant_count(const kz_entities *es, size_t i);
KZ_API const char *kz_entity_variant(const kz_entities *es, size_t i,
                                     size_t j, size_t *count);
/* Mentions per source label. */
KZ_API size_t kz_entity_source_count(const kz_entities *es, size_t i);
KZ_API const char *kz_entity_source(const kz_entities *es, size_t i,
                                    size_t j, size_t *count);
/* The entity one of whose spellings is name (exactly, or by phonetic key
 * when no spelling is equal); its index in *index.  Returns KZ_OK or
 * KZ_ENOTFOUND. */
KZ_API int kz_entities_lookup(const kz_entities *es, const char *name,
                              size_t len, size_t *index);

/* One JSON object a line: name, kind, variants{variant: count}, count,
 * by_source{source: count}. */
KZ_API int kz_entities_to_json(const kz_entities *es, kz_buf *out);

/* Alias rules, applied by kz_entities_cluster():
 *   merge: the entities holding spellings a and b become one;
 *   split: no automatic link (same key, acronym, surname) joins the
 *          entities holding a and b; merges are applied first and are
 *          never undone by a split.
 * Names are compared exactly.  Returns KZ_OK, KZ_EINVAL or KZ_ENOMEM. */
KZ_API int kz_entities_alias_merge(kz_entities *es, const char *a,
                                   const char *b);
KZ_API int kz_entities_alias_split(kz_entities *es, const char *a,
                                   const char *b);
KZ_API void kz_entities_alias_clear(kz_entities *es);
/* The alias table as text, one rule a line: "merge\tA\tB" or "split\tA\tB"
 * (tabs and newlines in names are replaced by spaces), for storage.  Load
 * appends the rules of such a text; lines starting with '#' and blank
 * lines are skipped; a malformed line fails with KZ_EFORMAT naming it and
 * adds nothing. */
KZ_API int kz_entities_alias_save(const kz_entities *es, kz_buf *out);
KZ_API int kz_entities_alias_load(kz_entities *es, const char *text,
                                  size_t len);

/* The phonetic key of a name, as used for clustering: diacritics folded,
 * Cyrillic romanized, then q->k, c/ch/kh->k, s/z/sh/zh/j->s, w->v, x->ks,
 * ph->f, vowels dropped after the first letter, doubled letters collapsed,
 * final -off/-ow -> -ov; words joined by one space ("Qassym-Shomart
 * Toqayev" and "Kassym-Jomart Tokayev" give the same key).  *out receives
 * an owned string (free with kz_buf_dispose()). */
KZ_API int kz_entity_key(kz_buf *out, const char *name, size_t len);

KZ_END_DECLS

#endif /* KZ_ANALYSIS_H */
