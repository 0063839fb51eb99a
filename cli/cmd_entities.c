/*
 * cmd_entities.c - "kz entities": people, organizations and places across
 * articles, each with its spellings and the sources that mention it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis_cli.h"
#include "kz/analysis.h"
#include "kz/article.h"

const char cli_usage_entities[] =
  "usage: kz entities [--json] [--min-count N] [--aliases FILE] [--source NAME]\n"
  "                   [--language LANG] FILE...\n"
  "\n"
  "Find the names of people, organizations and places in the FILEs (scraped\n"
  "news articles as text; '-' is standard input) and cluster them into\n"
  "entities across all the files: a surname alone goes with the full name,\n"
  "an acronym with the name it abbreviates, and transliteration variants\n"
  "(Tokayev / Toqayev, Kassym-Jomart / Qassym-Shomart) with each other.\n"
  "Entities are listed most mentioned first, each with its spellings and\n"
  "how often each source (the outlet the parser finds in the file) mentions\n"
  "it.\n"
  "\n"
  "Without --json, a table: mentions, kind, name, sources and spellings.\n"
  "\n"
  "Options:\n"
  "  --json           one JSON object per entity, one a line, with the fields\n"
  "                   name, kind (person, org, place, other),\n"
  "                   variants {spelling: count}, count, by_source\n"
  "                   {source: count}\n"
  "  --min-count N    only entities mentioned at least N times (default 1)\n"
  "  --aliases FILE   hand-made rules applied to the clustering, one a line:\n"
  "                   'merge<TAB>NAME<TAB>NAME' or 'split<TAB>NAME<TAB>NAME'\n"
  "                   ('#' starts a comment)\n"
  "  --source NAME    the outlet, used when a page names none\n"
  "  --language LANG  the body language, used when detection is unsure\n"
  "\n"
  "Exit status: 0 success, 1 a FILE could not be read or parsed (the other\n"
  "files are still used), 2 a usage error.\n";

/* "a 3, b 1" into buf: the pairs of (name, count) given by get(). */
typedef const char *(*pair_fn)(const kz_entities *, size_t, size_t, size_t *);

static void join_pairs(char *buf, size_t cap, const kz_entities *es, size_t i, size_t n,
                       pair_fn get) {
  size_t j, used = 0;
  buf[0] = '\0';
  for (j = 0; j < n && used + 1 < cap; j++) {
    size_t c = 0;
    const char *s = get(es, i, j, &c);
    int k = snprintf(buf + used, cap - used, "%s%s %zu", j ? ", " : "", s ? s : "?", c);
    if (k < 0) break;
    used += (size_t)k;
  }
  if (used >= cap) buf[cap - 1] = '\0';
}

static void show_table(const kz_entities *es, size_t min_count) {
  size_t i, n = kz_entities_count(es), shown = 0;
  char sources[512], variants[1024];
  for (i = 0; i < n; i++) {
    if (kz_entity_count(es, i) < min_count) continue;
    if (shown++ == 0)
      printf("%5s  %-6s  %-30s  %-30s  %s\n", "count", "kind", "name", "sources", "spellings");
    join_pairs(sources, sizeof sources, es, i, kz_entity_source_count(es, i), kz_entity_source);
    join_pairs(variants, sizeof variants, es, i, kz_entity_variant_count(es, i),
               kz_entity_variant);
    printf("%5zu  ", kz_entity_count(es, i));
    cli_cell(stdout, kz_entity_kind_name(kz_entity_kind(es, i)), 6, 1);
    fputs("  ", stdout);
    cli_cell(stdout, kz_entity_name(es, i), 30, 1);
    fputs("  ", stdout);
    cli_cell(stdout, sources, 30, 1);
    fputs("  ", stdout);
    cli_cell(stdout, variants, 70, 0);
    putchar('\n');
  }
  if (shown == 0) printf("(no entities)\n");
}

/* Print the JSON lines of the entities mentioned at least min_count times. */
static int show_json(const kz_entities *es, size_t min_count) {
  kz_buf out = KZ_BUF_INIT;
  size_t i = 0, pos = 0;
  if (kz_entities_to_json(es, &out) != KZ_OK) {
    cli_error("%s", kz_entities_errmsg(es));
    return CLI_FAIL;
  }
  /* one line per entity, in the order of the entity indexes */
  while (pos < out.len) {
    const char *nl = memchr(out.ptr + pos, '\n', out.len - pos);
    size_t end = nl ? (size_t)(nl - out.ptr) + 1 : out.len;
    if (kz_entity_count(es, i) >= min_count) fwrite(out.ptr + pos, 1, end - pos, stdout);
    pos = end;
    i++;
  }
  kz_buf_dispose(&out);
  return CLI_OK;
}

static int load_aliases(kz_entities *es, const char *path) {
  char *data = NULL;
  size_t len = 0;
  int e = cli_read_file(path, &data, &len), rc;
  if (e) {
    cli_error("%s: %s", path, strerror(e));
    return CLI_FAIL;
  }
  rc = kz_entities_alias_load(es, data, len);
  free(data);
  if (rc != KZ_OK) {
    cli_error("%s: %s", path, kz_entities_errmsg(es));
    return CLI_FAIL;
  }
  return CLI_OK;
}

int cli_cmd_entities(int argc, char **argv) {
  cli_args a;
  cli_analysis_opts o = CLI_ANALYSIS_OPTS_INIT;
  const char *aliases = NULL;
  size_t min_count = 1;
  kz_entities *es = NULL;
  int status = CLI_OK, i, r;
  cli_args_init(&a, argc, argv);
  while (cli_args_next(&a)) {
    r = cli_analysis_option(&a, &o);
    if (r == CLI_USAGE) return CLI_USAGE;
    if (r == 1) continue;
    if (strcmp(a.opt, "--min-count") == 0) {
      const char *v = cli_args_value(&a);
      char *end;
      unsigned long long n;
      if (v == NULL) return CLI_USAGE;
      errno = 0;
      n = strtoull(v, &end, 10);
      if (*v == '\0' || *v == '-' || *end != '\0' || errno || n > (unsigned long long)SIZE_MAX)
        return cli_usage_error("--min-count needs a whole number, not '%s'", v);
      min_count = (size_t)n;
    } else if (strcmp(a.opt, "--aliases") == 0) {
      if ((aliases = cli_args_value(&a)) == NULL) return CLI_USAGE;
    } else {
      return cli_usage_error("unknown option '%s'", a.opt);
    }
  }
  if (a.nops == 0) return cli_usage_error("no FILE given");
  if (kz_entities_new(&es) != KZ_OK) {
    cli_error("%s", kz_last_errmsg());
    return CLI_FAIL;
  }
  if (aliases && load_aliases(es, aliases) != CLI_OK) {
    kz_entities_free(es);
    return CLI_FAIL;
  }
  for (i = 0; i < a.nops; i++) {
    const char *path = a.ops[i];
    kz_article *art = NULL;
    if (cli_analysis_load(&art, path, &o) != CLI_OK) {
      status = CLI_FAIL;
      continue;
    }
    /* the source the parser found (or --source, or "unknown") */
    if (kz_entities_add_article(es, art, NULL) != KZ_OK) {
      cli_error("%s: %s", path, kz_entities_errmsg(es));
      status = CLI_FAIL;
    }
    kz_article_free(art);
  }
  if (kz_entities_cluster(es) != KZ_OK) {
    cli_error("%s", kz_entities_errmsg(es));
    kz_entities_free(es);
    return CLI_FAIL;
  }
  if (o.json) {
    if (show_json(es, min_count) != CLI_OK) status = CLI_FAIL;
  } else {
    show_table(es, min_count);
  }
  kz_entities_free(es);
  return status;
}
