/*
 * kz.c - the kz command-line tool: main(), the subcommand table and the
 * helpers the subcommands share (see cli.h).
 *
 *   kz [--version | --help] COMMAND [ARGS...]
 *   kz help [COMMAND]
 *
 * A subcommand is added by writing cli/cmd_NAME.c and one line in
 * `commands` below.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static int cmd_help(int argc, char **argv);

static const char usage_help[] =
  "usage: kz help [COMMAND]\n"
  "\n"
  "Show the list of commands, or the help of COMMAND.\n";

/* The corpus subcommands (cmd_index.c ... cmd_stats.c). */
int cli_cmd_index(int argc, char **argv);
int cli_cmd_search(int argc, char **argv);
int cli_cmd_kwic(int argc, char **argv);
int cli_cmd_count(int argc, char **argv);
int cli_cmd_show(int argc, char **argv);
int cli_cmd_stats(int argc, char **argv);
extern const char cli_usage_index[], cli_usage_search[], cli_usage_kwic[],
    cli_usage_count[], cli_usage_show[], cli_usage_stats[];

static const kz_cli_cmd commands[] = {
  {"tokens", cli_cmd_tokens, "print the tokens of text files", cli_usage_tokens},
  {"parse", cli_cmd_parse, "parse scraped articles and show their structure",
   cli_usage_parse},
  {"demo", cli_cmd_demo, "tokenize the bundled corpus and summarize it",
   cli_usage_demo},
  {"index", cli_cmd_index, "build or extend a corpus", cli_usage_index},
  {"search", cli_cmd_search, "search a corpus", cli_usage_search},
  {"kwic", cli_cmd_kwic, "keyword-in-context concordance", cli_usage_kwic},
  {"count", cli_cmd_count, "count matches by source, date or document",
   cli_usage_count},
  {"show", cli_cmd_show, "print a stored document", cli_usage_show},
  {"stats", cli_cmd_stats, "corpus statistics", cli_usage_stats},
  {"quotes", cli_cmd_quotes, "who said what in articles", cli_usage_quotes},
  {"numbers", cli_cmd_numbers, "numeric claims in articles", cli_usage_numbers},
  {"entities", cli_cmd_entities, "people, organizations and places across articles",
   cli_usage_entities},
  {"colloc", cli_cmd_colloc, "collocates of a word or query", cli_usage_colloc},
  {"keyness", cli_cmd_keyness, "words a subcorpus over- and under-uses", cli_usage_keyness},
  {"ngrams", cli_cmd_ngrams, "n-gram frequencies", cli_usage_ngrams},
  {"help", cmd_help, "show help for a command", usage_help},
  {NULL, NULL, NULL, NULL}
};

const char *cli_command = "kz";

/* ------------------------------------------------------------------------
 * Messages
 * ------------------------------------------------------------------------ */

static void verror(const char *fmt, va_list ap) {
  fflush(stdout);
  if (strcmp(cli_command, "kz") == 0)
    fputs("kz: ", stderr);
  else
    fprintf(stderr, "kz %s: ", cli_command);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
}

void cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror(fmt, ap);
  va_end(ap);
}

int cli_usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  verror(fmt, ap);
  va_end(ap);
  if (strcmp(cli_command, "kz") == 0)
    fputs("Try 'kz --help'.\n", stderr);
  else
    fprintf(stderr, "Try 'kz help %s'.\n", cli_command);
  return CLI_USAGE;
}

/* ------------------------------------------------------------------------
 * Option parsing
 * ------------------------------------------------------------------------ */

void cli_args_init(cli_args *a, int argc, char **argv) {
  memset(a, 0, sizeof *a);
  a->argc = argc;
  a->argv = argv;
  a->i = 1;
  a->ops = argv + 1;
}

int cli_args_next(cli_args *a) {
  static char name[64];
  const char *eq;
  char *arg;
  while (a->i < a->argc) {
    arg = a->argv[a->i++];
    if (a->dashdash || arg[0] != '-' || arg[1] == '\0') {
      /* An operand: move it down to the operands gathered so far.  The slot
       * is free, as it is at or before the argument just read. */
      a->ops[a->nops++] = arg;
      continue;
    }
    if (strcmp(arg, "--") == 0) {
      a->dashdash = 1;
      continue;
    }
    eq = strncmp(arg, "--", 2) == 0 ? strchr(arg, '=') : NULL;
    if (eq != NULL && (size_t)(eq - arg) < sizeof name) {
      memcpy(name, arg, (size_t)(eq - arg));
      name[eq - arg] = '\0';
      a->opt = name;
      a->val = eq + 1;
    } else {
      a->opt = arg;
      a->val = NULL;
    }
    return 1;
  }
  return 0;
}

const char *cli_args_value(cli_args *a) {
  if (a->val != NULL) return a->val;
  if (a->i >= a->argc) {
    cli_usage_error("option '%s' needs a value", a->opt);
    return NULL;
  }
  return a->argv[a->i++];
}

int cli_args_flag(cli_args *a, const char *name) {
  if (strcmp(a->opt, name) != 0) return 0;
  if (a->val != NULL) {
    cli_usage_error("option '%s' takes no value", name);
    return -1;
  }
  return 1;
}

/* ------------------------------------------------------------------------
 * Files
 * ------------------------------------------------------------------------ */

int cli_read_file(const char *path, char **out, size_t *len) {
  int fd, err = 0, is_stdin = strcmp(path, "-") == 0;
  struct stat st;
  char *buf = NULL;
  size_t n = 0, cap = 65536;

  *out = NULL;
  *len = 0;
  fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY);
  if (fd < 0) return errno;
  if (fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      err = EISDIR;
      goto done;
    }
    /* A regular file's size is a good first guess (+1 for the NUL, +1 to
     * see the end of file without growing); reading goes on past it in
     * case the file grows. */
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
      if ((uintmax_t)st.st_size > SIZE_MAX / 2) {
        err = EFBIG;
        goto done;
      }
      cap = (size_t)st.st_size + 2;
    }
  }
  buf = malloc(cap);
  if (buf == NULL) {
    err = ENOMEM;
    goto done;
  }
  for (;;) {
    ssize_t got;
    if (cap - n < 2) { /* room for at least one byte and the NUL */
      char *nb;
      if (cap > SIZE_MAX / 2) {
        err = EFBIG;
        goto done;
      }
      nb = realloc(buf, cap * 2);
      if (nb == NULL) {
        err = ENOMEM;
        goto done;
      }
      buf = nb;
      cap *= 2;
    }
    got = read(fd, buf + n, cap - n - 1);
    if (got < 0) {
      if (errno == EINTR) continue;
      err = errno;
      goto done;
    }
    if (got == 0) break;
    n += (size_t)got;
  }
  buf[n] = '\0';
done:
  if (!is_stdin) close(fd);
  if (err) {
    free(buf);
    return err;
  }
  *out = buf;
  *len = n;
  return 0;
}

void cli_write_escaped(FILE *f, const char *s, size_t n) {
  size_t i, run = 0;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != 0x7f && c != '\\') continue;
    fwrite(s + run, 1, i - run, f);
    run = i + 1;
    switch (c) {
    case '\t': fputs("\\t", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\\': fputs("\\\\", f); break;
    default: fprintf(f, "\\x%02x", c); break;
    }
  }
  fwrite(s + run, 1, n - run, f);
}

kz_tokenizer *cli_tokenizer_new(const cli_tok_opts *o) {
  kz_tokenizer_options opts;
  kz_tokenizer *tk;
  int rc = kz_tokenizer_options_init(&opts, KZ_TOKENIZER_OPTIONS_VERSION);
  if (rc == 0) {
    opts.flags = o->flags;
    opts.language = o->language;
    rc = kz_tokenizer_new(&tk, &opts);
  }
  if (rc != 0) {
    const char *msg = kz_last_errmsg();
    cli_error("%s", msg && *msg ? msg : kz_strerror(rc));
    return NULL;
  }
  return tk;
}

/* ------------------------------------------------------------------------
 * Help and dispatch
 * ------------------------------------------------------------------------ */

static const kz_cli_cmd *find_command(const char *name) {
  const kz_cli_cmd *c;
  for (c = commands; c->name; c++)
    if (strcmp(c->name, name) == 0) return c;
  return NULL;
}

static void print_help(FILE *f) {
  const kz_cli_cmd *c;
  fprintf(f,
          "usage: kz [--version | --help] COMMAND [ARGS...]\n"
          "\n"
          "Parse, tokenize and analyse news articles (libkz %s).\n"
          "\n"
          "Commands:\n",
          kz_version());
  for (c = commands; c->name; c++)
    fprintf(f, "  %-10s %s\n", c->name, c->summary);
  fputs("\nRun 'kz help COMMAND' for the options of a command.\n"
        "Exit status: 0 success, 1 a file or data error, 2 a usage error.\n",
        f);
}

static int cmd_help(int argc, char **argv) {
  const kz_cli_cmd *c;
  if (argc < 2) {
    print_help(stdout);
    return CLI_OK;
  }
  cli_command = "kz"; /* errors here point at "kz --help" */
  if (argc > 2) return cli_usage_error("too many arguments to 'help'");
  c = find_command(argv[1]);
  if (c == NULL) return cli_usage_error("unknown command '%s'", argv[1]);
  fputs(c->usage, stdout);
  return CLI_OK;
}

static int finish(int status) {
  /* Output errors (a full disk) are reported once, at the end. */
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_command = "kz";
    cli_error("error writing output: %s", strerror(errno));
    return CLI_FAIL;
  }
  return status;
}

int main(int argc, char **argv) {
  const kz_cli_cmd *c;
  const char *name;

  if (argc < 2) {
    print_help(stderr);
    return CLI_USAGE;
  }
  /* Larger writes for "kz tokens" and friends when output is not a tty. */
  if (!isatty(STDOUT_FILENO)) setvbuf(stdout, NULL, _IOFBF, 1 << 16);
  name = argv[1];
  if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
    printf("kz %s (libkz %s)\n", KZ_VERSION_STRING, kz_version());
    return finish(CLI_OK);
  }
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
    print_help(stdout);
    return finish(CLI_OK);
  }
  if (name[0] == '-') return cli_usage_error("unknown option '%s'", name);
  c = find_command(name);
  if (c == NULL) return cli_usage_error("unknown command '%s'", name);
  cli_command = c->name;
  /* "kz CMD --help" is the same as "kz help CMD". */
  if (argc == 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
    fputs(c->usage, stdout);
    return finish(CLI_OK);
  }
  return finish(c->run(argc - 1, argv + 1));
}
