/*
 * test_entities.c - mentions, the phonetic key and clustering.
 *
 * tests/data/expected/aliases.json lists groups of spellings of one entity
 * (a trailing " (...)" is a note, not part of the spelling).  Clustering
 * the mentions of the five seed articles must put each group in one entity
 * and keep the groups apart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kz.h"
#include "kz/article.h"
#include "kz/analysis.h"

#include "test_json.h"

static const char *const seeds[] = {
  "000_263d34c5b9433d99", "001_ab822a0e62d101c9", "002_b03ce63f8eeabc7f",
  "003_fc91008267daa0a1", "004_bbc49ac9c8e5d2ae", NULL
};

static kz_entities *seed_entities(void) {
  kz_entities *es = NULL;
  int i;
  assert_int_equal(kz_entities_new(&es), KZ_OK);
  for (i = 0; seeds[i]; i++) {
    char path[1024];
    kz_article *a = NULL;
    snprintf(path, sizeof path, "%s/examples/corpus/%s.txt", KZ_SOURCE_DIR, seeds[i]);
    assert_int_equal(kz_article_parse_file(&a, path, NULL), KZ_OK);
    assert_int_equal(kz_entities_add_article(es, a, seeds[i]), KZ_OK);
    kz_article_free(a);
  }
  assert_int_equal(kz_entities_cluster(es), KZ_OK);
  return es;
}

static void test_aliases(void **state) {
  char path[1024];
  jval doc;
  kz_entities *es = seed_entities();
  size_t g, k, h, group_ent[64];
  (void)state;
  snprintf(path, sizeof path, "%s/expected/aliases.json", KZ_TEST_DATA);
  assert_int_equal(jload(path, &doc), 0);
  assert_true(doc.t == J_ARR && doc.n <= 64);
  for (g = 0; g < doc.n; g++) {
    const jval *grp = &doc.items[g];
    for (k = 0; k < grp->n; k++) {
      char name[256];
      const char *s = grp->items[k].str, *paren = strstr(s, " (");
      size_t len = paren ? (size_t)(paren - s) : strlen(s), idx;
      assert_true(len < sizeof name);
      memcpy(name, s, len);
      name[len] = 0;
      if (kz_entities_lookup(es, name, len, &idx) != KZ_OK) {
        print_error("alias \"%s\": no entity\n", name);
        fail();
      }
      if (k == 0) group_ent[g] = idx;
      else if (idx != group_ent[g]) {
        print_error("alias \"%s\" is in \"%s\", not with \"%s\"\n", name,
                    kz_entity_name(es, idx), kz_entity_name(es, group_ent[g]));
        fail();
      }
    }
    for (h = 0; h < g; h++)
      if (group_ent[h] == group_ent[g]) {
        print_error("groups %zu and %zu merged into \"%s\"\n", h, g, kz_entity_name(es, group_ent[g]));
        fail();
      }
  }
  jfree(&doc);
  kz_entities_free(es);
}

static void check_same_key(const char *a, const char *b, int same) {
  kz_buf ka = KZ_BUF_INIT, kb = KZ_BUF_INIT;
  assert_int_equal(kz_entity_key(&ka, a, strlen(a)), KZ_OK);
  assert_int_equal(kz_entity_key(&kb, b, strlen(b)), KZ_OK);
  if ((strcmp(ka.ptr, kb.ptr) == 0) != same) {
    print_error("key(%s)=%s key(%s)=%s\n", a, ka.ptr, b, kb.ptr);
    fail();
  }
  kz_buf_dispose(&ka);
  kz_buf_dispose(&kb);
}

static void test_key(void **state) {
  (void)state;
  check_same_key("Tokayev", "Toqayev", 1);
  check_same_key("Kassym-Jomart Tokayev", "Qassym-Shomart Toqayev", 1);
  check_same_key("Massimov", "Masimov", 1);
  check_same_key("Andrei", "Andrey", 1);
  check_same_key("Smirnoff", "Smirnov", 1);
  check_same_key("Nur-Sultan", "Nursultan", 1);
  check_same_key("Kazakhstan", "Kasachstan", 1);
  check_same_key("Токаев", "Tokayev", 1);
  check_same_key("Dmitriy", "Dmitry", 1);
  check_same_key("Tokayev", "Nazarbayev", 0);
  check_same_key("CSTO", "CST", 0);
  check_same_key("Putin", "Lukyanov", 0);
}

static void test_mentions(void **state) {
  kz_mentions *m = NULL;
  const char *t = "Kazakh President Kassym-Jomart Tokayev asked the Collective Security "
                  "Treaty Organization (CSTO) for help. Tokayev's request was granted in Almaty.";
  size_t i;
  int saw_name = 0, saw_acr = 0;
  (void)state;
  assert_int_equal(kz_text_mentions(&m, t, strlen(t), "en"), KZ_OK);
  for (i = 0; i < kz_mentions_count(m); i++) {
    const char *s = kz_mention_text(m, i);
    assert_null(strstr(s, "President"));
    assert_null(strstr(s, "'s"));
    if (strcmp(s, "Kassym-Jomart Tokayev") == 0) {
      saw_name = 1;
      assert_int_equal(kz_mention_kind(m, i), KZ_ENTITY_PERSON);
      assert_int_equal(kz_mention_start(m, i), 17);
    }
    if (strcmp(s, "CSTO") == 0) {
      saw_acr = 1;
      assert_string_equal(kz_mention_expansion(m, i), "Collective Security Treaty Organization");
      assert_int_equal(kz_mention_kind(m, i), KZ_ENTITY_ORG);
    }
  }
  assert_true(saw_name && saw_acr);
  kz_mentions_free(m);
}

static void test_alias_table(void **state) {
  kz_entities *es = seed_entities();
  kz_buf b = KZ_BUF_INIT;
  size_t a1, a2;
  (void)state;
  /* split Toqayev from Tokayev, merge Putin with Kremlin */
  assert_int_equal(kz_entities_alias_split(es, "Toqayev", "Tokayev"), KZ_OK);
  assert_int_equal(kz_entities_alias_split(es, "Toqayev", "Kassym-Jomart Tokayev"), KZ_OK);
  assert_int_equal(kz_entities_alias_split(es, "Qassym-Shomart Toqayev", "Kassym-Jomart Tokayev"), KZ_OK);
  assert_int_equal(kz_entities_alias_merge(es, "Vladimir Putin", "Kremlin"), KZ_OK);
  assert_int_equal(kz_entities_cluster(es), KZ_OK);
  assert_int_equal(kz_entities_lookup(es, "Toqayev", 7, &a1), KZ_OK);
  assert_int_equal(kz_entities_lookup(es, "Tokayev", 7, &a2), KZ_OK);
  assert_true(a1 != a2);
  assert_int_equal(kz_entities_lookup(es, "Kremlin", 7, &a1), KZ_OK);
  assert_int_equal(kz_entities_lookup(es, "Putin", 5, &a2), KZ_OK);
  assert_true(a1 == a2);
  /* save, load into a fresh set, same result */
  assert_int_equal(kz_entities_alias_save(es, &b), KZ_OK);
  assert_non_null(strstr(b.ptr, "merge\tVladimir Putin\tKremlin\n"));
  {
    kz_entities *e2 = NULL;
    assert_int_equal(kz_entities_new(&e2), KZ_OK);
    assert_int_equal(kz_entities_alias_load(e2, b.ptr, b.len), KZ_OK);
    assert_int_equal(kz_entities_alias_load(e2, "merge\tonly one\n", 15), KZ_EFORMAT);
    assert_int_equal(kz_entities_alias_load(e2, "# c\n\nbogus\tA\tB\n", 15), KZ_EFORMAT);
    {
      kz_buf b2 = KZ_BUF_INIT;
      assert_int_equal(kz_entities_alias_save(e2, &b2), KZ_OK);
      assert_string_equal(b2.ptr, b.ptr);
      kz_buf_dispose(&b2);
    }
    kz_entities_free(e2);
  }
  kz_buf_dispose(&b);
  /* JSON */
  assert_int_equal(kz_entities_to_json(es, &b), KZ_OK);
  assert_non_null(strstr(b.ptr, "\"by_source\":{"));
  kz_buf_dispose(&b);
  kz_entities_free(es);
  kz_entities_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_aliases),
    cmocka_unit_test(test_key),
    cmocka_unit_test(test_mentions),
    cmocka_unit_test(test_alias_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
