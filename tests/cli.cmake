# CLI tests: run build/kz and check its output and exit status.  Each test
# is a small POSIX sh script, written to the build tree and run as
#   sh SCRIPT KZ CORPUS_DIR VERSION
# A script prints what went wrong and exits nonzero on failure.
if(TARGET kz_cli)
  set(_kz_cli_dir "${CMAKE_CURRENT_BINARY_DIR}/cli")
  file(MAKE_DIRECTORY "${_kz_cli_dir}")

  string(CONCAT _kz_cli_prelude "${KZ_CLI_PRELUDE}" [==[
version=$3
TAB=$(printf '\t')
]==])

  function(kz_cli_test name script)
    file(WRITE "${_kz_cli_dir}/${name}.sh" "${_kz_cli_prelude}${script}")
    add_test(NAME ${name}
      COMMAND sh "${_kz_cli_dir}/${name}.sh" $<TARGET_FILE:kz_cli>
              "${CMAKE_SOURCE_DIR}/examples/corpus" "${PROJECT_VERSION}")
  endfunction()

  # Every line has four columns: START < END, a kind, a norm; the row for
  # Tokayev is a word whose byte span slices back to "Tokayev".
  kz_cli_test(cli_tokens_format [==[
f=$(grep -l Tokayev "$corpus"/*.txt | head -n 1)
[ -n "$f" ] || fail "no article mentions Tokayev"
run "$kz" tokens "$f"
[ $rc -eq 0 ] || fail "exit status $rc: $(cat "$tmp/err")"
[ -s "$tmp/out" ] || fail "no output"
awk -F'\t' 'NF != 4 || $1 !~ /^[0-9]+$/ || $2 !~ /^[0-9]+$/ || $1 + 0 >= $2 + 0 || $3 == "" || $4 == "" { print "bad line " NR ": " $0; bad = 1 } END { exit bad }' "$tmp/out" || fail "malformed output"
line=$(awk -F'\t' '$3 == "word" && $4 == "tokayev" { print; exit }' "$tmp/out")
[ -n "$line" ] || fail "no word row for tokayev"
start=$(echo "$line" | cut -f1)
end=$(echo "$line" | cut -f2)
slice=$(tail -c +$((start + 1)) "$f" | head -c $((end - start)))
[ "$slice" = "Tokayev" ] || fail "bytes $start..$end are '$slice'"
# offsets are increasing and within the file
size=$(wc -c < "$f")
awk -F'\t' -v size="$size" '$1 + 0 < last || $2 + 0 > size { bad = 1 } { last = $2 + 0 } END { exit bad }' "$tmp/out" || fail "offsets out of order or range"
# standard input gives the same tokens
"$kz" tokens - < "$f" > "$tmp/stdin" || fail "reading stdin"
cmp -s "$tmp/out" "$tmp/stdin" || fail "stdin output differs"
]==])

  # Several files: a "==> FILE <==" header before each, as head(1) does.
  kz_cli_test(cli_tokens_headers [==[
set -- "$corpus"/*.txt
a=$1
b=$2
{
  echo "==> $a <=="
  "$kz" tokens "$a"
  echo
  echo "==> $b <=="
  "$kz" tokens "$b"
} > "$tmp/want"
run "$kz" tokens "$a" "$b"
[ $rc -eq 0 ] || fail "exit status $rc"
cmp -s "$tmp/out" "$tmp/want" || fail "output differs from the single-file runs with headers"
[ $(grep -c '^==> .* <==$' "$tmp/out") -eq 2 ] || fail "expected 2 headers"
]==])

  # --count: TOKENS<TAB>BYTES<TAB>FILE per file, then a total line.
  kz_cli_test(cli_tokens_count [==[
run "$kz" tokens --count "$corpus"/*.txt
[ $rc -eq 0 ] || fail "exit status $rc"
n=0
tt=0
tb=0
for f in "$corpus"/*.txt; do
  n=$((n + 1))
  toks=$("$kz" tokens "$f" | wc -l)
  bytes=$(wc -c < "$f")
  want="$toks$TAB$bytes$TAB$f"
  got=$(sed -n "${n}p" "$tmp/out")
  [ "$got" = "$want" ] || fail "line $n: '$got', expected '$want'"
  tt=$((tt + toks))
  tb=$((tb + bytes))
done
got=$(sed -n "$((n + 1))p" "$tmp/out")
[ "$got" = "$tt${TAB}$tb${TAB}total" ] || fail "total line '$got'"
[ $(wc -l < "$tmp/out") -eq $((n + 1)) ] || fail "extra lines"
# one file: no total line
run "$kz" tokens --count "$f"
[ $(wc -l < "$tmp/out") -eq 1 ] || fail "a single file has no total"
# options may follow the operands
"$kz" tokens "$f" --count > "$tmp/after" || fail "option after operand"
cmp -s "$tmp/out" "$tmp/after" || fail "option position changes the result"
]==])

  # --stem, --fold and escaping of control bytes in NORM.
  kz_cli_test(cli_tokens_options [==[
printf 'Running runs' | "$kz" tokens --stem en - > "$tmp/out" || fail "--stem en"
[ "$(cut -f4 "$tmp/out" | tr '\n' ' ')" = "run run " ] || fail "stemmed: $(cat "$tmp/out")"
printf 'Café' | "$kz" tokens --fold - > "$tmp/out" || fail "--fold"
[ "$(cut -f4 "$tmp/out")" = "cafe" ] || fail "folded: $(cat "$tmp/out")"
printf 'Café' | "$kz" tokens - > "$tmp/out" || fail "default"
[ "$(cut -f4 "$tmp/out")" = "café" ] || fail "not folded by default"
printf 'Kazakhstan\342\200\231s' | "$kz" tokens - > "$tmp/curly" || fail "curly"
printf "Kazakhstan's" | "$kz" tokens - > "$tmp/straight" || fail "straight"
[ "$(cut -f4 "$tmp/curly")" = "$(cut -f4 "$tmp/straight")" ] || fail "apostrophes not unified"
run "$kz" tokens --stem en --language de -
[ $rc -eq 2 ] || fail "conflicting --stem/--language: status $rc"
printf 'x' | "$kz" tokens --stem klingon - > "$tmp/out" 2> "$tmp/err"
[ $? -eq 1 ] || fail "unknown stemmer language must exit 1"
grep -q klingon "$tmp/err" || fail "message does not name the language"
# invalid UTF-8 is no error
printf 'ab\377cd \303' | "$kz" tokens - > "$tmp/out" || fail "invalid UTF-8"
awk -F'\t' 'NF != 4 { bad = 1 } END { exit bad }' "$tmp/out" || fail "bad rows for invalid UTF-8"
]==])

  # A missing file: message naming it and the OS error, exit 1, and the
  # other files are still processed.
  kz_cli_test(cli_tokens_missing_file [==[
set -- "$corpus"/*.txt
run "$kz" tokens "$tmp/no-such-file" "$1"
[ $rc -eq 1 ] || fail "exit status $rc, expected 1"
grep -q "no-such-file: No such file or directory" "$tmp/err" || fail "stderr: $(cat "$tmp/err")"
grep -q "^==> $1 <==" "$tmp/out" || fail "the good file was not processed"
[ $(wc -l < "$tmp/out") -gt 100 ] || fail "too little output"
run "$kz" tokens "$tmp"
[ $rc -eq 1 ] || fail "a directory: exit status $rc"
grep -q "Is a directory" "$tmp/err" || fail "directory message: $(cat "$tmp/err")"
]==])

  # Usage errors exit 2 with a message naming the culprit.
  kz_cli_test(cli_usage_errors [==[
run "$kz" frobnicate
[ $rc -eq 2 ] || fail "unknown command: status $rc"
grep -q "unknown command 'frobnicate'" "$tmp/err" || fail "stderr: $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] || fail "stdout not empty"
run "$kz" tokens --frob "$corpus"
[ $rc -eq 2 ] || fail "unknown option: status $rc"
grep -q "'--frob'" "$tmp/err" || fail "stderr: $(cat "$tmp/err")"
run "$kz" --frob
[ $rc -eq 2 ] || fail "unknown global option: status $rc"
run "$kz"
[ $rc -eq 2 ] || fail "no command: status $rc"
run "$kz" tokens
[ $rc -eq 2 ] || fail "no file: status $rc"
run "$kz" tokens --stem
[ $rc -eq 2 ] || fail "missing value: status $rc"
run "$kz" demo a b
[ $rc -eq 2 ] || fail "demo with two dirs: status $rc"
]==])

  kz_cli_test(cli_version_help [==[
run "$kz" --version
[ $rc -eq 0 ] || fail "--version status $rc"
grep -q "$version" "$tmp/out" || fail "--version: $(cat "$tmp/out")"
run "$kz" --help
[ $rc -eq 0 ] || fail "--help status $rc"
grep -q '^  tokens ' "$tmp/out" && grep -q '^  demo ' "$tmp/out" || fail "--help lacks commands"
run "$kz" help tokens
[ $rc -eq 0 ] || fail "help tokens status $rc"
grep -q -- '--count' "$tmp/out" || fail "help tokens lacks --count"
"$kz" tokens --help | cmp -s - "$tmp/out" || fail "tokens --help differs"
run "$kz" help nosuch
[ $rc -eq 2 ] || fail "help nosuch status $rc"
grep -q nosuch "$tmp/err" || fail "help nosuch message"
]==])

  # kz demo: exit 0 and one section per article of the corpus.
  kz_cli_test(cli_demo [==[
run "$kz" demo
[ $rc -eq 0 ] || fail "exit status $rc: $(cat "$tmp/err")"
n=0
for f in "$corpus"/*.txt; do
  n=$((n + 1))
  grep -q "^$(basename "$f")\$" "$tmp/out" || fail "no section for $(basename "$f")"
done
[ $n -ge 5 ] || fail "expected the five seed articles, found $n"
grep -q "^total: $n of $n articles" "$tmp/out" || fail "no total line"
grep -q "top words:" "$tmp/out" || fail "no top words"
[ $(grep -c ' sentences, ' "$tmp/out") -eq $((n + 1)) ] || fail "counts lines"
# an explicit DIR and $KZ_CORPUS choose another corpus
mkdir "$tmp/c"
set -- "$corpus"/*.txt
cp "$1" "$2" "$tmp/c/"
run "$kz" demo "$tmp/c"
[ $rc -eq 0 ] && grep -q "^total: 2 of 2 articles" "$tmp/out" || fail "demo DIR"
KZ_CORPUS="$tmp/c" "$kz" demo > "$tmp/out" || fail "KZ_CORPUS status"
grep -q "^total: 2 of 2 articles" "$tmp/out" || fail "KZ_CORPUS ignored"
run "$kz" demo "$tmp/nonexistent"
[ $rc -eq 1 ] || fail "missing corpus: status $rc"
grep -q "nonexistent" "$tmp/err" || fail "missing corpus message"
]==])
endif()
