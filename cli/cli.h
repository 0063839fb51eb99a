/*
 * cli.h - shared declarations of the kz command-line tool.
 *
 * kz.c holds main(), the table of subcommands and the helpers below; each
 * subcommand lives in its own cmd_NAME.c and has the signature of
 * kz_cli_fn.  A subcommand returns the process exit status:
 *   0  success
 *   1  a failure caused by data or the environment (a file that cannot be
 *      read, a library error); the command goes on with the other files
 *   2  a usage error (unknown option, missing argument)
 * The tool uses only the public kz.h API.
 */
#ifndef KZ_CLI_H
#define KZ_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "kz.h"

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

#if defined(__GNUC__)
#  define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define CLI_PRINTF(f, a)
#endif

/* A subcommand: argv[0] is its name, argv[1..argc) its arguments. */
typedef int (*kz_cli_fn)(int argc, char **argv);

typedef struct kz_cli_cmd {
  const char *name;
  kz_cli_fn run;
  const char *summary; /* one line, for "kz --help" */
  const char *usage;   /* full help text, for "kz help NAME" */
} kz_cli_cmd;

/* The subcommands (one cmd_NAME.c each). */
int cli_cmd_tokens(int argc, char **argv);
int cli_cmd_parse(int argc, char **argv);
int cli_cmd_demo(int argc, char **argv);
extern const char cli_usage_tokens[];
extern const char cli_usage_parse[];
extern const char cli_usage_demo[];
/* Per-article analysis (cmd_quotes.c, cmd_numbers.c, cmd_entities.c). */
int cli_cmd_quotes(int argc, char **argv);
int cli_cmd_numbers(int argc, char **argv);
int cli_cmd_entities(int argc, char **argv);
extern const char cli_usage_quotes[], cli_usage_numbers[], cli_usage_entities[];
/* Word statistics (cmd_colloc.c, cmd_keyness.c, cmd_ngrams.c). */
int cli_cmd_colloc(int argc, char **argv);
int cli_cmd_keyness(int argc, char **argv);
int cli_cmd_ngrams(int argc, char **argv);
extern const char cli_usage_colloc[], cli_usage_keyness[], cli_usage_ngrams[];

/* The corpus part of "kz demo" (demo_corpus.c): index names[0..n) of dir
 * in a temporary corpus and show searches, a concordance and counts. */
int cli_demo_corpus(const char *dir, char **names, size_t n);

/* The closing part of "kz demo" (demo_analysis.c): per outlet, who it
 * quotes, the numbers it gives and its keywords against the others. */
int cli_demo_analysis(kz_corpus *c, const char *dir, char **names, size_t n);

/* Print "kz: message" (or "kz CMD: message") on stderr. */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);

/* Report a usage error for the current subcommand, with a hint to run
 * "kz help CMD"; returns CLI_USAGE. */
int cli_usage_error(const char *fmt, ...) CLI_PRINTF(1, 2);

/* The name of the running subcommand ("kz" before one is chosen). */
extern const char *cli_command;

/*
 * Command-line options.  A small parser shared by the subcommands: options
 * may come before, between or after the operands (as with GNU tools);
 * "--" ends the options and "-" alone is an operand (standard input).
 * "--name=value" and "--name value" are both accepted.  The operands are
 * gathered, in order, at the front of argv: once cli_args_next() returns 0
 * they are a.ops[0 .. a.nops).
 */
typedef struct cli_args {
  int argc;
  char **argv;
  int i;            /* next argument to look at */
  int dashdash;     /* saw "--" */
  const char *opt;  /* the current option, e.g. "--stem" */
  const char *val;  /* its attached "=value", or NULL */
  char **ops;       /* the operands (argv + 1) */
  int nops;         /* how many */
} cli_args;

void cli_args_init(cli_args *a, int argc, char **argv);
/* Advance to the next option: returns 1 with a->opt set, or 0 when all
 * arguments have been read (the operands are then in a->ops). */
int cli_args_next(cli_args *a);
/* The value of the current option (attached or the next argument); NULL
 * after reporting the usage error when it is missing. */
const char *cli_args_value(cli_args *a);
/* Nonzero when the current option is `name` and takes no value (reports a
 * usage error and returns -1 if "--name=value" was given). */
int cli_args_flag(cli_args *a, const char *name);

/*
 * Read the whole of `path` ("-" is standard input) into a malloc'd buffer.
 * On success *out (free() it) holds *len bytes plus a NUL not counted in
 * *len, and 0 is returned; otherwise an errno value (ENOMEM, EFBIG for a
 * size that does not fit in memory, or the one of the failing system call).
 */
int cli_read_file(const char *path, char **out, size_t *len);

/* Write s[0..n) to f escaping what would break a line-per-record output:
 * \t, \n, \r and \\ as such, other control bytes as \xHH. */
void cli_write_escaped(FILE *f, const char *s, size_t n);

/* The options of opening a corpus that every command reading one takes:
 * nonzero when the current option is one of them (--no-verify), recorded
 * in *flags as KZ_CORPUS_* bits; -1 after reporting a usage error. */
int cli_args_open(cli_args *a, unsigned *flags);

/* Their help, for the end of a command's usage text. */
#define CLI_OPEN_HELP \
  "--no-verify opens the corpus without reading its files whole to check\n" \
  "their checksums: on a large corpus a command then starts at once, but\n" \
  "damage is found only where it is read and fails to decode.\n"

/* Open the corpus dir read-only into *c, with the KZ_CORPUS_* flags of
 * cli_args_open().  Returns CLI_OK, or CLI_FAIL after reporting the error
 * naming dir. */
int cli_corpus_open_ro(kz_corpus **c, const char *dir, unsigned flags);

/* Report the failure rc of a query on c and close c.  Returns the exit
 * status: CLI_USAGE for a bad query (KZ_EQUERY), else CLI_FAIL. */
int cli_query_failed(kz_corpus *c, int rc);

/* Language of --stem/--language, checked and shared by subcommands. */
typedef struct cli_tok_opts {
  unsigned int flags; /* KZ_TOK_* */
  const char *language;
} cli_tok_opts;

/* Create a tokenizer; on failure report it (naming `what`) and return
 * NULL. */
kz_tokenizer *cli_tokenizer_new(const cli_tok_opts *o);

#endif /* KZ_CLI_H */
