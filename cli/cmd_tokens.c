/*
 * cmd_tokens.c - "kz tokens": print the tokens of text files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cli_usage_tokens[] =
  "usage: kz tokens [--stem LANG] [--fold] [--count] [--language LANG] FILE...\n"
  "\n"
  "Tokenize each FILE (UTF-8 text; '-' is standard input) and print one\n"
  "token a line:\n"
  "\n"
  "    START<TAB>END<TAB>KIND<TAB>NORM\n"
  "\n"
  "START and END are byte offsets into the file (END is one past the last\n"
  "byte), KIND is word, number, punct, symbol, url, email, handle, hashtag,\n"
  "ideograph or emoji, and NORM the normalized form (NFKC, case folded,\n"
  "quotes unified, 3,000 -> 3000); in NORM a tab, line break, carriage\n"
  "return or backslash is written \\t, \\n, \\r, \\\\ and other control\n"
  "bytes as \\xHH.  With several files, each one's tokens follow a\n"
  "'==> FILE <==' header line.  Invalid UTF-8 is read as U+FFFD.\n"
  "\n"
  "Options:\n"
  "  --stem LANG      Snowball-stem NORM for LANG (en, de, ru, ... or a\n"
  "                   Snowball name such as english); sets the language\n"
  "  --fold           fold diacritics (é -> e, й -> и, ł -> l, ...)\n"
  "  --language LANG  language of the text (stopwords, stemming)\n"
  "  --count          print only TOKENS<TAB>BYTES<TAB>FILE per file, and a\n"
  "                   total line when there are several files\n";

typedef struct tokens_ctx {
  FILE *out;
  size_t count;
} tokens_ctx;

/* Format v in decimal at the end of buf[0..24); returns the first digit. */
static char *fmt_size(char *end, size_t v) {
  *--end = '\0';
  do {
    *--end = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  return end;
}

static int print_token(const kz_token *t, void *payload) {
  tokens_ctx *c = payload;
  char a[24], b[24];
  fputs(fmt_size(a + sizeof a, t->start), c->out);
  putc('\t', c->out);
  fputs(fmt_size(b + sizeof b, t->end), c->out);
  putc('\t', c->out);
  fputs(kz_token_kind_name(t->kind), c->out);
  putc('\t', c->out);
  cli_write_escaped(c->out, t->norm, t->norm_len);
  putc('\n', c->out);
  c->count++;
  return 0;
}

static int count_token(const kz_token *t, void *payload) {
  (void)t;
  ((tokens_ctx *)payload)->count++;
  return 0;
}

int cli_cmd_tokens(int argc, char **argv) {
  cli_args a;
  cli_tok_opts o = {KZ_TOK_DEFAULT, NULL};
  const char *stem = NULL, *language = NULL;
  int count_only = 0, status = CLI_OK, nfiles, i, r, shown = 0;
  size_t total_tokens = 0, total_bytes = 0;
  kz_tokenizer *tk;

  cli_args_init(&a, argc, argv);
  while (cli_args_next(&a)) {
    if (strcmp(a.opt, "--stem") == 0) {
      if ((stem = cli_args_value(&a)) == NULL) return CLI_USAGE;
    } else if (strcmp(a.opt, "--language") == 0) {
      if ((language = cli_args_value(&a)) == NULL) return CLI_USAGE;
    } else if ((r = cli_args_flag(&a, "--fold")) != 0) {
      if (r < 0) return CLI_USAGE;
      o.flags |= KZ_TOK_FOLD_DIACRITICS;
    } else if ((r = cli_args_flag(&a, "--count")) != 0) {
      if (r < 0) return CLI_USAGE;
      count_only = 1;
    } else {
      return cli_usage_error("unknown option '%s'", a.opt);
    }
  }
  if (stem != NULL) {
    if (language != NULL && strcmp(language, stem) != 0)
      return cli_usage_error("--stem %s and --language %s disagree", stem,
                             language);
    o.flags |= KZ_TOK_STEM;
    language = stem;
  }
  o.language = language;
  nfiles = a.nops;
  if (nfiles <= 0)
    return cli_usage_error("no input file (use '-' for standard input)");

  tk = cli_tokenizer_new(&o);
  if (tk == NULL) return CLI_FAIL;

  for (i = 0; i < nfiles; i++) {
    const char *path = a.ops[i];
    tokens_ctx c = {stdout, 0};
    char *text;
    size_t len;
    int err = cli_read_file(path, &text, &len);
    if (err != 0) {
      cli_error("%s: %s", path, strerror(err));
      status = CLI_FAIL;
      continue;
    }
    if (!count_only && nfiles > 1)
      printf("%s==> %s <==\n", shown++ ? "\n" : "", path);
    r = kz_tokenize(tk, text, len, count_only ? count_token : print_token, &c);
    free(text);
    if (r != 0) {
      cli_error("%s: %s", path, *kz_tokenizer_errmsg(tk)
                                    ? kz_tokenizer_errmsg(tk) : kz_strerror(r));
      status = CLI_FAIL;
      continue;
    }
    if (count_only) printf("%zu\t%zu\t%s\n", c.count, len, path);
    total_tokens += c.count;
    total_bytes += len;
  }
  if (count_only && nfiles > 1)
    printf("%zu\t%zu\ttotal\n", total_tokens, total_bytes);
  kz_tokenizer_free(tk);
  return status;
}
