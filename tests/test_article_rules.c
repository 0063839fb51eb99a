/*
 * test_article_rules.c - the body-extraction rules of the article parser,
 * each on a small page written for it (no text from any real site):
 *
 * - a list of headlines whose lines look hard-wrapped is split back into
 *   lines and kept out of the body; a list the text introduces (": ") or a
 *   numbered schedule stays whole in the body; wrapped prose stays joined;
 * - photo captions known by where people stand (", left,"), by "this
 *   image", or by a full date with its weekday;
 * - calls to the reader ("Join our ...") and author's notes after the
 *   article;
 * - section-end lines in other languages and "More from <Site>";
 * - a tag cloud (mostly capitalized words, no sentence end) is not prose;
 * - notices that blog engines and publishers print on every page (comment
 *   form, share buttons, "non-commercial use only", CJK footers) are
 *   furniture, in a short line; inside long prose the weaker ones are not;
 * - a company's "About" note at the end of a press release is not the
 *   article, the same words in its first paragraph are;
 * - teasers (headline lines and one-paragraph summaries) after a closing
 *   author's note leave the main text; paragraphs after a mid-text call to
 *   the reader stay;
 * - a numbered list of headlines on one line is not prose, a numbered table
 *   of figures is left alone;
 * - an embedded post and its "- Name (@handle) date" line, and a sentence
 *   ending in ':' over the text it introduces, are body;
 * - the whole text printed again as one block is a duplicate;
 * - captions known by a last credit ("... Credit: Name", "(Source: X)"),
 *   by "An artist's concept of", ", file photo," or "Image caption", or
 *   by a leading "(c) Name"; the same words in prose stay, and so does a
 *   bracketed aside in full sentences;
 * - credit lines under a story ("X contributed to this report",
 *   "Additional reporting by"), affiliate-link disclosures and the
 *   messages of newsletter sign-up boxes are not the article;
 * - a caption labelled "Above:" / "Pictured:" / "Video:"; a call to
 *   subscribe or to follow the author ("Follow me on ..."), and a late
 *   note whose later sentence says "Follow him on ...", are not the
 *   article; "follow" in prose is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kz.h"
#include "kz/article.h"

/* Article paragraphs: ordinary prose, long enough to be the main text. */
#define P1 "The city council voted on Tuesday to close the old river bridge for repairs, after " \
           "engineers found that two of its steel supports had rusted through over the winter."
#define P2 "The mayor said the work would take at least four months and that buses would take " \
           "drivers across the new bridge upstream while the crossing is closed to traffic."
#define P3 "Residents who live near the bridge have asked for the repairs for years, and many of " \
           "them came to the meeting to hear when the work would start and how long it would last."
#define P4 "The council will ask the state for money to pay for half of the work, and it hopes to " \
           "hear back before the end of the spring so that the crews can start in the summer."

static kz_article *parse(const char *page) {
  kz_article *a = NULL;
  assert_int_equal(kz_article_parse(&a, page, strlen(page), NULL), KZ_OK);
  assert_non_null(a);
  return a;
}

/* The kind of the first block whose text starts with prefix, or -1. */
static int kind_of(const kz_article *a, const char *prefix) {
  size_t i, n = kz_article_block_count(a);
  for (i = 0; i < n; i++)
    if (strncmp(kz_article_block_text(a, i), prefix, strlen(prefix)) == 0)
      return kz_article_block_kind(a, i);
  return -1;
}

static int in_body(const kz_article *a, const char *s) {
  return strstr(kz_article_body(a), s) != NULL;
}

/* ----------------------------------------------------------------------
 * Lists that look hard-wrapped
 * ---------------------------------------------------------------------- */
static void test_headline_list_split(void **state) {
  /* Teaser headlines of about one width, none ending a sentence: blocks.c
   * joins them as wrapped text.  Each line opens with a capital, which a
   * wrapped sentence's next line seldom does. */
  static const char page[] =
    "Bridge to close for repairs\n\n" P1 "\n\n" P2 "\n\n" P3 "\n\n"
    "Popular this week\n\n"
    "Ferry service to resume on the northern route after two years of delays\n"
    "Police search the harbour after a fishing boat fails to return to port\n"
    "Schools in the valley will open an hour later from the start of March\n"
    "New bakery on the main square draws queues on its very first weekend\n"
    "Storm leaves thousands without power across the coast for three days\n"
    "Council plans a cycle lane along the river between the two old bridges\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "The city council voted"));
  assert_true(in_body(a, "how long it would last"));
  assert_false(in_body(a, "Ferry service"));
  assert_false(in_body(a, "Storm leaves"));
  /* one block per headline */
  assert_int_not_equal(kind_of(a, "Police search the harbour"), -1);
  assert_int_not_equal(kind_of(a, "Council plans a cycle lane"), -1);
  kz_article_free(a);
}

static void test_wrapped_prose_stays_joined(void **state) {
  /* Hard-wrapped prose: the lines that stop in mid-sentence are continued
   * by lowercase words, so the run is re-flowed into one paragraph. */
  static const char page[] =
    "Bridge to close for repairs\n\n"
    "The city council voted on Tuesday to close the old river bridge for\n"
    "repairs, after engineers found that two of its steel supports had rusted\n"
    "through over the winter, and the mayor said that the work would take at\n"
    "least four months while buses would take drivers across the new bridge\n"
    "upstream for as long as the old crossing is closed to all of the traffic\n"
    "that uses it every day, which is about twelve thousand cars a day.\n\n"
    P3 "\n\n" P4 "\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "close the old river bridge for repairs, after engineers"));
  assert_true(in_body(a, "at least four months while buses"));
  assert_int_equal(kind_of(a, "The city council voted"), KZ_BLOCK_PARAGRAPH);
  kz_article_free(a);
}

static void test_introduced_list_kept(void **state) {
  /* The text introduces the list with a colon: it is the article's own
   * list and stays in the body. */
  static const char page[] =
    "What the council decided\n\n" P1 "\n\n"
    "The council also agreed on the following points for the coming year:\n"
    "Repairs to the river bridge start in the first week of the summer\n"
    "Buses will run across the new bridge every ten minutes during the day\n"
    "Cyclists and walkers keep one lane of the old bridge open to them\n"
    "Shops near the crossing get help with their rent while it is closed\n"
    "Residents can follow the work on a notice board at the town hall\n\n"
    P2 "\n\n" P3 "\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "Repairs to the river bridge start"));
  assert_true(in_body(a, "notice board at the town hall"));
  assert_true(in_body(a, "how long it would last"));
  kz_article_free(a);
}

static void test_numbered_schedule_kept(void **state) {
  /* Most items open with a number: a schedule or a table, kept whole. */
  static const char page[] =
    "Bridge works schedule\n\n" P1 "\n\n"
    "1st stage from 3 March closing the eastern lane and the footpath\n"
    "2nd stage from 14 April replacing the two rusted steel supports\n"
    "3rd stage from 2 June painting the whole frame of the old bridge\n"
    "4th stage from 20 July laying the new surface on the whole crossing\n"
    "5th stage from 1 September opening the bridge to traffic again\n\n"
    P2 "\n\n" P3 "\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "2nd stage from 14 April"));
  assert_true(in_body(a, "how long it would last"));
  kz_article_free(a);
}

/* ----------------------------------------------------------------------
 * Captions
 * ---------------------------------------------------------------------- */
static void test_caption_markers(void **state) {
  static const char page[] =
    "Bridge to close for repairs\n\n" P1 "\n\n"
    "Council member Ann Lee, left, and engineer Tom Berg look at the rusted supports under the "
    "old bridge. The bridge will close in the spring.\n\n"
    P2 "\n\n"
    "This image taken from a drone shows the old river bridge and the new bridge upstream.\n\n"
    P3 "\n\n"
    "Workers walk along the river in Eastport, Tuesday, Nov. 19, 2019, before the council "
    "meeting on the repairs.\n\n"
    P4 "\n";
  kz_article *a = parse(page);
  (void)state;
  assert_int_equal(kind_of(a, "Council member Ann Lee, left,"), KZ_BLOCK_CAPTION);
  assert_int_equal(kind_of(a, "This image taken from a drone"), KZ_BLOCK_CAPTION);
  assert_int_equal(kind_of(a, "Workers walk along the river"), KZ_BLOCK_CAPTION);
  assert_false(in_body(a, "Ann Lee, left"));
  assert_false(in_body(a, "This image"));
  assert_false(in_body(a, "Workers walk"));
  assert_true(in_body(a, "The mayor said"));
  assert_true(in_body(a, "hear back before the end of the spring"));
  kz_article_free(a);
}

static void test_caption_markers_not_in_prose(void **state) {
  /* "left" and weekdays in ordinary sentences, and a date line with its
   * weekday, are not caption marks. */
  static const char page[] =
    "Bridge to close for repairs\n\n"
    "PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: 11:05, Tue, Nov 19, 2019\n\n" P1 "\n\n"
    "Those who left the meeting early, and there were many, missed the vote on the budget.\n\n"
    "The council met again on Tuesday and agreed to hold one more meeting before the repairs "
    "begin.\n\n"
    "(Published Monday, Nov. 18, 2019) The plan was first shown to the public a week ago.\n\n"
    P2 "\n\n" P3 "\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "Those who left the meeting early"));
  assert_int_not_equal(kind_of(a, "PUBLISHED:"), KZ_BLOCK_CAPTION);
  assert_string_equal(kz_article_date(a), "2019-11-19");
  assert_true(in_body(a, "The council met again on Tuesday"));
  assert_true(in_body(a, "first shown to the public"));
  kz_article_free(a);
}

/* ----------------------------------------------------------------------
 * Notes after the article
 * ---------------------------------------------------------------------- */
static void test_reader_calls_and_author_note(void **state) {
  static const char page[] =
    "Bridge to close for repairs\n\n" P1 "\n\n" P2 "\n\n" P3 "\n\n" P4 "\n\n"
    "Join our readers' forum to talk about the bridge and everything else in the city!\n\n"
    "Get breaking news alerts and special reports delivered every weekday morning.\n\n"
    "Ann Lee is a staff reporter for the Eastport Daily, covering the city council and "
    "transport.\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "hear back before the end of the spring"));
  assert_false(in_body(a, "Join our readers"));
  assert_false(in_body(a, "Get breaking news"));
  assert_false(in_body(a, "is a staff reporter"));
  kz_article_free(a);
}

static void test_imperative_prose_kept(void **state) {
  /* An imperative in the article's own text, and a sentence about a
   * reporter early in it, stay. */
  static const char page[] =
    "How to cross the river while the bridge is closed\n\n"
    "Tom Berg is a reporter who has crossed the river by ferry every day for ten years, and he "
    "says the ferry will be crowded during the works.\n\n"
    P1 "\n\n"
    "Get to the ferry early: the first boat leaves at six and the queue is long by half past.\n\n"
    P2 "\n\n" P3 "\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "Tom Berg is a reporter"));
  assert_true(in_body(a, "Get to the ferry early"));
  kz_article_free(a);
}

/* ----------------------------------------------------------------------
 * Section ends
 * ---------------------------------------------------------------------- */
/* After a share bar, a section-end line: the prose after it (teasers of
 * other articles) is not the article's, though it reads like it. */
static void check_section_end(const char *label) {
  char page[4096];
  kz_article *a;
  snprintf(page, sizeof page,
           "Bridge to close for repairs\n\n%s\n\n%s\n\n%s\n\nShare\n\n%s\n\n"
           "The ferry operator said on Monday that the boats on the northern route will run "
           "again after two years of delays, and that tickets will cost the same as before.\n\n"
           "The school district said in a letter to parents this week that the schools in the "
           "valley will open an hour later from March, and that the buses will run later too.\n",
           P1, P2, P3, label);
  a = parse(page);
  assert_true(in_body(a, "how long it would last"));
  if (in_body(a, "The ferry operator") || in_body(a, "The school district"))
    fail_msg("teasers after \"%s\" kept in the body", label);
  kz_article_free(a);
}

static void test_section_end_languages(void **state) {
  (void)state;
  check_section_end("More From the Eastport Daily");
  check_section_end("We Recommend");
  check_section_end("Related articles");
  check_section_end("\xc3\x84hnliche Artikel");               /* Ähnliche Artikel */
  check_section_end("Art\xc3\xad" "culos relacionados");      /* Artículos relacionados */
  check_section_end("Artigos relacionados");
  check_section_end("Articoli correlati");
  check_section_end("\xd0\x9f\xd0\xbe\xd1\x85\xd0\xbe\xd0\xb6\xd0\xb8\xd0\xb5 "
                    "\xd1\x81\xd1\x82\xd0\xb0\xd1\x82\xd1\x8c\xd0\xb8"); /* Похожие статьи */
  check_section_end("\xe9\x96\xa2\xe9\x80\xa3\xe8\xa8\x98\xe4\xba\x8b"); /* 関連記事 */
}

/* ----------------------------------------------------------------------
 * Tag clouds
 * ---------------------------------------------------------------------- */
static void test_tag_cloud(void **state) {
  static const char page[] =
    "Bridge to close for repairs\n\n" P1 "\n\n" P2 "\n\n" P3 "\n\n"
    "Bridge of the River Eastport Council Parks and Gardens Police and Fire Service Schools in "
    "the Valley Storm Watch Traffic News Transport for the City Weather Winter Works Budget "
    "Buses Cycling Lanes\n\n"
    P4 "\n";
  kz_article *a = parse(page);
  (void)state;
  assert_false(in_body(a, "Police and Fire Service"));
  assert_true(in_body(a, "how long it would last"));
  kz_article_free(a);
}

/* ----------------------------------------------------------------------
 * Notices every page of a site carries
 * ---------------------------------------------------------------------- */
static void test_site_notices(void **state) {
  static const char page[] =
    "Bridge to close for repairs\n\n"
    "This copy is for your personal, non-commercial use only. To order copies for your "
    "colleagues, use the order form.\n\n"
    P1 "\n\n" P2 "\n\n" P3 "\n\n" P4 "\n\n"
    "Share this:\n\n"
    "Click to share on Twitter (Opens in new window) Click to share on Facebook (Opens in new "
    "window) Click to email this to a friend (Opens in new window)\n\n"
    "Leave a Reply\n\n"
    "Save my name, email, and website in this browser for the next time I comment.\n\n"
    /* сохранить моё имя, email ... */
    "\xd0\xa1\xd0\xbe\xd1\x85\xd1\x80\xd0\xb0\xd0\xbd\xd0\xb8\xd1\x82\xd1\x8c \xd0\xbc\xd0\xbe"
    "\xd1\x91 \xd0\xb8\xd0\xbc\xd1\x8f, email \xd0\xb8 \xd0\xb0\xd0\xb4\xd1\x80\xd0\xb5\xd1\x81 "
    "\xd1\x81\xd0\xb0\xd0\xb9\xd1\x82\xd0\xb0.\n\n"
    /* a Korean footer: ... 무단전재 및 재배포 금지 */
    "\xea\xb4\x91\xea\xb3\xa0\xeb\xac\xb8\xec\x9d\x98 / \xeb\xac\xb4\xeb\x8b\xa8\xec\xa0\x84"
    "\xec\x9e\xac \xeb\xb0\x8f \xec\x9e\xac\xeb\xb0\xb0\xed\x8f\xac \xea\xb8\x88\xec\xa7\x80\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "The city council voted"));
  assert_true(in_body(a, "hear back before the end of the spring"));
  assert_false(in_body(a, "non-commercial"));
  assert_false(in_body(a, "Opens in new window"));
  assert_false(in_body(a, "Save my name"));
  assert_false(in_body(a, "email \xd0\xb8"));
  assert_false(in_body(a, "\xeb\xac\xb4\xeb\x8b\xa8"));
  kz_article_free(a);
}

static void test_weak_notice_in_prose(void **state) {
  /* "you can unsubscribe" is furniture in a sign-up box, not deep inside
   * a long paragraph about mailing lists */
  static const char page[] =
    "Council to stop sending paper letters\n\n" P1 "\n\n"
    "The council said that residents who now get the monthly letter by post will get it by "
    "email from March, that the list will only be used for council news, and that you can "
    "unsubscribe from it by calling the town hall or by writing to the clerk's office.\n\n"
    P2 "\n\n" P3 "\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "that you can unsubscribe from it"));
  kz_article_free(a);
}

/* ----------------------------------------------------------------------
 * Press releases
 * ---------------------------------------------------------------------- */
static void test_company_note(void **state) {
  static const char page[] =
    "Acme to inspect river bridges\n\n"
    "Acme Bridgeworks, a maker of inspection drones, said on Tuesday that it will inspect the "
    "river bridges of the city for the council over the next two years.\n\n"
    P1 "\n\n" P2 "\n\n" P3 "\n\n" P4 "\n\n"
    "Acme Bridgeworks (NASDAQ: ACMB) is a leading provider of bridge inspection drones and "
    "software for cities and railways in Europe and North America.\n\n"
    "Acme Bridgeworks employs about 400 people in six countries and sells its drones to "
    "more than 200 cities around the world.\n\n"
    "About Eastport Robotics\n\n"
    "Eastport Robotics was founded in 2004 by two engineers of the old shipyard and builds "
    "the arms that Acme mounts on its drones.\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "a maker of inspection drones, said on Tuesday"));
  assert_true(in_body(a, "hear back before the end of the spring"));
  assert_false(in_body(a, "is a leading provider"));
  assert_false(in_body(a, "employs about 400 people"));
  assert_false(in_body(a, "was founded in 2004"));
  kz_article_free(a);
}

static void test_company_words_early_kept(void **state) {
  /* the same shape of sentence at the top of a news story is its subject */
  static const char page[] =
    "Drone maker wins bridge contract\n\n"
    "Acme Bridgeworks is a leading provider of bridge inspection drones, and on Tuesday it won "
    "the contract to inspect every river bridge in the city for the next two years.\n\n"
    P1 "\n\n" P2 "\n\n" P3 "\n\n" P4 "\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "is a leading provider of bridge inspection drones"));
  kz_article_free(a);
}

/* ----------------------------------------------------------------------
 * Teasers after the article's closing note
 * ---------------------------------------------------------------------- */
#define TEASER(kicker, head, summary) kicker "\n\n" head "\n\n" "12 likes News\n\n" summary "\n\n"
static void test_teasers_after_author_note(void **state) {
  static const char page[] =
    "Bridge to close for repairs\n\n" P1 "\n\n" P2 "\n\n" P3 "\n\n" P4 "\n\n"
    "Ann Lee is a freelance writer living in Eastport\n\n"
    "Want more stories like this?\n\n"
    "Every day we send an email with the best stories of the week.\n\n"
    TEASER("FERRIES", "Ferry Service To Resume On The Northern Route",
           "The boats will run again after two years of delays, and the tickets will cost the "
           "same as they did before the service was stopped.")
    TEASER("SCHOOLS", "Schools In The Valley To Open An Hour Later",
           "Parents were told in a letter this week that the buses will also run an hour later "
           "from the start of March.")
    TEASER("WEATHER", "Storm Leaves Thousands Without Power",
           "Crews worked through the night to bring the lines back up along the coast, where the "
           "wind tore down dozens of poles.")
    TEASER("FOOD", "New Bakery Draws Queues On Its First Weekend",
           "The owners said they sold out of bread by ten in the morning on both days and will "
           "bake twice as much next week.");
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "The city council voted"));
  assert_true(in_body(a, "hear back before the end of the spring"));
  assert_false(in_body(a, "The boats will run again"));
  assert_false(in_body(a, "Crews worked through the night"));
  assert_false(in_body(a, "The owners said"));
  assert_false(in_body(a, "Want more stories"));
  kz_article_free(a);
}

static void test_text_after_reader_call_kept(void **state) {
  /* a newsletter call inside the text, then more of the article */
  static const char page[] =
    "Bridge to close for repairs\n\n" P1 "\n\n" P2 "\n\n"
    "Sign up for our newsletter to get the news of the city every morning.\n\n"
    P3 "\n\n" P4 "\n\n"
    "The engineers will check the other two bridges of the city in the autumn.\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "how long it would last"));
  assert_true(in_body(a, "hear back before the end of the spring"));
  assert_true(in_body(a, "The engineers will check"));
  kz_article_free(a);
}

/* ----------------------------------------------------------------------
 * Numbered headlines on one line
 * ---------------------------------------------------------------------- */
static void test_numbered_headlines(void **state) {
  static const char page[] =
    "Bridge to close for repairs\n\n" P1 "\n\n" P2 "\n\n" P3 "\n\n"
    "1 Ferry service to resume on the northern route 2 Police search the harbour for a missing "
    "boat 3 Schools in the valley will open an hour later 4 New bakery draws queues on its "
    "first weekend 5 Storm leaves thousands without power\n\n"
    P4 "\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "how long it would last"));
  assert_true(in_body(a, "hear back before the end of the spring"));
  assert_false(in_body(a, "Police search the harbour"));
  kz_article_free(a);
}

/* ----------------------------------------------------------------------
 * Embedded posts and introduced quotations
 * ---------------------------------------------------------------------- */
static void test_embedded_post(void **state) {
  static const char page[] =
    "Bridge to close for repairs\n\n" P1 "\n\n" P2 "\n\n"
    "Many people in the city pointed out the problem on social media.\n\n"
    "Yes the bridge is really closing and yes the ferry is already full https://t.co/AbCdEf12\n\n"
    "\xe2\x80\x94 Jane Doe (@janedoe_east) November 18, 2019\n\n"
    P3 "\n\n"
    "The council posted a notice on its website, which contains the following statement:\n\n"
    "\"The bridge will close on the first of March. We are sorry for the trouble, and we will "
    "keep the works as short as we can.\"\n\n"
    P4 "\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "yes the ferry is already full"));
  assert_true(in_body(a, "(@janedoe_east)"));
  assert_true(in_body(a, "contains the following statement:"));
  assert_true(in_body(a, "hear back before the end of the spring"));
  kz_article_free(a);
}

/* ----------------------------------------------------------------------
 * The whole text again as one block
 * ---------------------------------------------------------------------- */
static void test_text_repeated_as_one_block(void **state) {
  static const char page[] =
    "Bridge to close for repairs\n\n" P1 "\n\n" P2 "\n\n" P3 "\n\n" P4 "\n\n"
    "2019-11-19T08:57:40+01:00\n\n"
    P1 " " P2 " " P3 " " P4 "\n\n"
    "Ferry to resume\n\n"
    "The ferry operator said on Monday that the boats on the northern route will run again "
    "after two years of delays, and that tickets will cost the same as before the stop, while "
    "the harbour master said the new pier is ready and that the first boat leaves at six.\n";
  kz_article *a = parse(page);
  const char *body, *first;
  (void)state;
  body = kz_article_body(a);
  first = strstr(body, "The city council voted");
  assert_non_null(first);
  /* the run-together copy is a duplicate, not a second body */
  assert_null(strstr(first + 1, "The city council voted"));
  assert_null(strstr(body, "after engineers found that two of its steel supports had rusted "
                           "through over the winter. The mayor"));
  kz_article_free(a);
}

/* ----------------------------------------------------------------------
 * Credits, disclosures, sign-up messages
 * ---------------------------------------------------------------------- */
static void test_caption_credits(void **state) {
  static const char page[] =
    "Bridge to close for repairs\n\n" P1 "\n\n"
    "Engineers lower a new steel support onto the barge below the old bridge. Credit: Eastport "
    "Council\n\n"
    P2 "\n\n"
    "An artist's concept of the new bridge deck with its two cycle lanes.\n\n"
    P3 "\n\n"
    "This April 2, 2018, file photo shows the old bridge during the spring flood.\n\n"
    "\xc2\xa9 Ann Lee Workers paint the railings of the old bridge before the winter.\n\n"
    "The river at Eastport seen from the hills above the town (Source: Eastport Council)\n\n"
    "Image caption The bridge was built in 1921 and last repaired in 1987\n\n"
    P4 "\n";
  kz_article *a = parse(page);
  (void)state;
  assert_int_equal(kind_of(a, "Engineers lower a new steel"), KZ_BLOCK_CAPTION);
  assert_int_equal(kind_of(a, "An artist's concept"), KZ_BLOCK_CAPTION);
  assert_int_equal(kind_of(a, "This April 2, 2018, file photo"), KZ_BLOCK_CAPTION);
  assert_int_equal(kind_of(a, "\xc2\xa9 Ann Lee"), KZ_BLOCK_CAPTION);
  assert_int_equal(kind_of(a, "The river at Eastport seen"), KZ_BLOCK_CAPTION);
  assert_int_equal(kind_of(a, "Image caption"), KZ_BLOCK_CAPTION);
  assert_false(in_body(a, "Engineers lower"));
  assert_false(in_body(a, "artist's concept"));
  assert_false(in_body(a, "file photo"));
  assert_false(in_body(a, "paint the railings"));
  assert_false(in_body(a, "seen from the hills"));
  assert_false(in_body(a, "built in 1921"));
  assert_true(in_body(a, "The mayor said"));
  assert_true(in_body(a, "hear back before the end of the spring"));
  kz_article_free(a);
}

static void test_credit_words_in_prose(void **state) {
  /* an artist, a source and a report in ordinary sentences */
  static const char page[] =
    "Bridge to close for repairs\n\n" P1 "\n\n"
    "An artist's studio under the bridge will have to move, and the council said it would help "
    "find a new place for it before the work begins.\n\n"
    "The engineers who contributed to this report on the bridge say that the supports have "
    "been rusting for at least ten years, which the council did not know.\n\n"
    P2 "\n\n"
    "The money will come from the state, a council source said (the source asked not to be "
    "named), and the rest from the town.\n\n"
    "(The town has asked for such money twice before, and it was turned down both times.)\n\n"
    "The firm that sells the old railings will earn a commission of about two per cent, the "
    "council said, and the rest of the money goes back to the bridge fund.\n\n"
    P3 "\n\n"
    "(Workers on the old bridge on Monday morning.)\n\n"
    P4 "\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "An artist's studio under the bridge"));
  assert_true(in_body(a, "who contributed to this report on the bridge"));
  assert_true(in_body(a, "a council source said"));
  assert_true(in_body(a, "asked for such money twice before"));
  assert_true(in_body(a, "will earn a commission of about two per cent"));
  assert_int_equal(kind_of(a, "Workers on the old bridge"), KZ_BLOCK_CAPTION);
  kz_article_free(a);
}

static void test_contributors_and_disclosures(void **state) {
  static const char page[] =
    "Bridge to close for repairs\n\n"
    "Sometimes our stories link to online shops; if you buy something through these links we "
    "may receive a small commission.\n\n"
    P1 "\n\n" P2 "\n\n" P3 "\n\n" P4 "\n\n"
    "Staff writers Ann Lee and Tom Berg contributed to this report.\n\n"
    "Maria Stone contributed reporting from the state capital.\n\n"
    "Additional reporting by Paul Green\n\n"
    "(Reporting by Ann Lee, with reporting by Tom Berg; editing by Paul Green and Maria Stone.)\n\n"
    "Thanks for signing up!\n\n"
    "There was an error processing your subscription.\n";
  kz_article *a = parse(page);
  (void)state;
  assert_true(in_body(a, "The city council voted"));
  assert_true(in_body(a, "hear back before the end of the spring"));
  assert_false(in_body(a, "small commission"));
  assert_false(in_body(a, "contributed to this report"));
  assert_false(in_body(a, "contributed reporting"));
  assert_false(in_body(a, "Additional reporting"));
  assert_false(in_body(a, "editing by"));
  assert_false(in_body(a, "signing up"));
  assert_false(in_body(a, "error processing"));
  kz_article_free(a);
}

static void test_labels_and_follow_notes(void **state) {
  static const char page[] =
    "Bridge to close for repairs\n\n" P1 "\n\n"
    "Above: The old river bridge seen from the ferry landing in the spring.\n\n"
    P2 "\n\n"
    "The crews will follow the plan the engineers drew up last year. Follow the river path "
    "north and you will see the rusted supports from the bank.\n\n"
    P3 "\n\n" P4 "\n\n"
    "Ann Lee's book about the rivers of the county is out now. Follow her on Twitter "
    "@annlee.\n\n"
    "Follow me on Twitter or on my website.\n\n"
    "I am a reporter at the Courier and have covered the county council for ten years.\n\n"
    "Like this story? Share it with a friend!\n\n"
    "Follow the Courier on Facebook and Instagram.\n\n"
    "Subscribe to the Eastport Courier and read every story about the bridge.\n";
  kz_article *a = parse(page);
  (void)state;
  assert_int_equal(kind_of(a, "Above: The old river bridge"), KZ_BLOCK_CAPTION);
  assert_false(in_body(a, "seen from the ferry landing"));
  assert_true(in_body(a, "Follow the river path north"));
  assert_false(in_body(a, "Ann Lee's book"));
  assert_false(in_body(a, "Follow me on"));
  assert_false(in_body(a, "Subscribe to the Eastport Courier"));
  assert_false(in_body(a, "I am a reporter"));
  assert_false(in_body(a, "Like this story"));
  assert_false(in_body(a, "Follow the Courier"));
  assert_true(in_body(a, "hear back before the end of the spring"));
  kz_article_free(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_headline_list_split),
    cmocka_unit_test(test_wrapped_prose_stays_joined),
    cmocka_unit_test(test_introduced_list_kept),
    cmocka_unit_test(test_numbered_schedule_kept),
    cmocka_unit_test(test_caption_markers),
    cmocka_unit_test(test_caption_markers_not_in_prose),
    cmocka_unit_test(test_reader_calls_and_author_note),
    cmocka_unit_test(test_imperative_prose_kept),
    cmocka_unit_test(test_section_end_languages),
    cmocka_unit_test(test_tag_cloud),
    cmocka_unit_test(test_site_notices),
    cmocka_unit_test(test_weak_notice_in_prose),
    cmocka_unit_test(test_company_note),
    cmocka_unit_test(test_company_words_early_kept),
    cmocka_unit_test(test_teasers_after_author_note),
    cmocka_unit_test(test_text_after_reader_call_kept),
    cmocka_unit_test(test_numbered_headlines),
    cmocka_unit_test(test_embedded_post),
    cmocka_unit_test(test_text_repeated_as_one_block),
    cmocka_unit_test(test_caption_credits),
    cmocka_unit_test(test_credit_words_in_prose),
    cmocka_unit_test(test_contributors_and_disclosures),
    cmocka_unit_test(test_labels_and_follow_notes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
