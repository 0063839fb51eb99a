# CLI tests of the corpus commands: "kz index", "kz search", "kz kwic",
# "kz count", "kz show" and "kz stats", on a corpus built from the bundled
# articles.  Each test is a POSIX sh script written to the build tree and
# run as   sh SCRIPT KZ CORPUS_DIR PYTHON
# JSON output is checked with the system Python (json module only); the
# commands' numbers are checked against each other (a search's total, its
# keys, the counts and the concordance lines must agree), not against
# figures written here.
if(TARGET kz_cli)
  set(_kz_cc_dir "${CMAKE_CURRENT_BINARY_DIR}/cli_corpus")
  file(MAKE_DIRECTORY "${_kz_cc_dir}")

  string(CONCAT _kz_cc_prelude "${KZ_CLI_PRELUDE}" [==[
py=$3
[ -x "$py" ] || { echo "SKIP: no $py"; exit 0; }
n=$(ls "$corpus"/*.txt | wc -l)
[ "$n" -ge 5 ] || fail "expected the seed articles in $corpus, found $n"
run "$kz" index -o "$tmp/c" "$corpus"
[ $rc -eq 0 ] || fail "kz index: status $rc: $(cat "$tmp/err")"
c=$tmp/c
]==])

  function(kz_cli_corpus_test name script)
    file(WRITE "${_kz_cc_dir}/${name}.sh" "${_kz_cc_prelude}${script}")
    add_test(NAME ${name}
      COMMAND sh "${_kz_cc_dir}/${name}.sh" $<TARGET_FILE:kz_cli>
              "${CMAKE_SOURCE_DIR}/examples/corpus" "/usr/bin/python3")
  endfunction()

  # kz index: every article once, a second run replaces them by key
  # (their paths), the analyzer options are stored with the corpus, and a
  # JSON Lines file goes in line by line with its bad lines counted.
  kz_cli_corpus_test(cli_corpus_index [==[
stat() { "$kz" stats "$1" | sed -n "s/^$2: //p"; }
[ "$(stat "$c" documents)" = "$n" ] || fail "documents: $(stat "$c" documents), expected $n"
[ "$(stat "$c" stemming)" = "no" ] || fail "stemming by default"
run "$kz" index -o "$c" "$corpus"
[ $rc -eq 0 ] || fail "index again: status $rc"
[ "$(stat "$c" documents)" = "$n" ] || fail "indexing again added documents: $(stat "$c" documents)"
[ "$(stat "$c" deleted)" = "0" ] || fail "replaced documents still counted after commit"
run "$kz" index -o "$tmp/s" --stem english --fold-diacritics "$corpus"
[ $rc -eq 0 ] || fail "--stem english: status $rc: $(cat "$tmp/err")"
[ "$(stat "$tmp/s" stemming)" = "yes" ] || fail "--stem not stored"
[ "$(stat "$tmp/s" 'diacritic folding')" = "yes" ] || fail "--fold-diacritics not stored"
# stemmed: a query for one form finds the others
a=$("$kz" search "$c" protest --keys | wc -l)
b=$("$kz" search "$tmp/s" protest --keys | wc -l)
[ "$b" -gt "$a" ] || fail "stemmed corpus finds $b documents for 'protest', unstemmed $a"
printf '%s\n' '{"id": "a", "title": "Almaty airport", "text": "Troops took the airport.", "source": "X", "date": "2022-01-06"}' \
  '{"id": "b", "title": "no text"' \
  '{"id": "c", "title": "Nur-Sultan", "text": "The capital was quiet.", "source": "Y"}' > "$tmp/d.jsonl"
run "$kz" index -o "$tmp/j" --jsonl "$tmp/d.jsonl"
[ $rc -eq 0 ] || fail "--jsonl: status $rc: $(cat "$tmp/err")"
grep -q "1 bad line" "$tmp/err" "$tmp/out" || fail "the bad line is not reported: $(cat "$tmp/err")"
grep -q "d.jsonl:2" "$tmp/err" || fail "the bad line is not named: $(cat "$tmp/err")"
[ "$(stat "$tmp/j" documents)" = "2" ] || fail "--jsonl documents: $(stat "$tmp/j" documents)"
run "$kz" search "$tmp/j" airport --keys
[ "$(cat "$tmp/out")" = "a" ] || fail "--jsonl: keys are not the ids: $(cat "$tmp/out")"
# gzip- and zstd-compressed: read as they are; damaged: an error naming
# the file; other compressions: refused, saying how to decompress
gzip -c "$tmp/d.jsonl" > "$tmp/d.jsonl.gz"
run "$kz" index -o "$tmp/g" --jsonl "$tmp/d.jsonl.gz"
[ $rc -eq 0 ] && [ "$(stat "$tmp/g" documents)" = "2" ] || fail "--jsonl .gz: status $rc: $(cat "$tmp/err")"
if command -v zstd > /dev/null; then # (scripts/bootstrap --test installs it)
  zstd -q -c "$tmp/d.jsonl" > "$tmp/d.jsonl.zst"
  run "$kz" index -o "$tmp/z" --jsonl "$tmp/d.jsonl.zst"
  [ $rc -eq 0 ] && [ "$(stat "$tmp/z" documents)" = "2" ] || fail "--jsonl .zst: status $rc: $(cat "$tmp/err")"
else
  echo "cli_corpus_index: no zstd command: the .zst file is left out" >&2
fi
printf '\050\265\057\375rest' > "$tmp/bad.jsonl.zst"
run "$kz" index -o "$tmp/g" --jsonl "$tmp/bad.jsonl.zst"
[ $rc -eq 1 ] && grep -q 'bad.jsonl.zst: truncated zstd' "$tmp/err" || fail "--jsonl damaged .zst: status $rc: $(cat "$tmp/err")"
printf '\375\067zXZ\000rest' > "$tmp/d.jsonl.xz"
run "$kz" index -o "$tmp/g" --jsonl "$tmp/d.jsonl.xz"
[ $rc -eq 1 ] && grep -q 'xz -dk' "$tmp/err" || fail "--jsonl .xz: status $rc: $(cat "$tmp/err")"
# a file of which nothing could be added fails (a page given as JSON
# Lines, a directory of JSON Lines given as pages); the others still go in
run "$kz" index -o "$tmp/w" --jsonl "$tmp/d.jsonl" "$(ls "$corpus"/*.txt | head -n 1)"
[ $rc -eq 1 ] || fail "a page as JSON Lines: status $rc"
grep -q 'nothing added' "$tmp/err" || fail "a page as JSON Lines: $(cat "$tmp/err")"
[ "$(stat "$tmp/w" documents)" = "2" ] || fail "the good file was not added with the bad one"
mkdir "$tmp/jd" && cp "$tmp/d.jsonl" "$tmp/jd/"
run "$kz" index -o "$tmp/w2" "$tmp/jd"
[ $rc -eq 1 ] && grep -q 'nothing added' "$tmp/err" || fail "JSON Lines as pages: status $rc: $(cat "$tmp/err")"
# failures: a missing input, no input, an unknown option
run "$kz" index -o "$tmp/m" "$tmp/nonexistent"
[ $rc -eq 1 ] || fail "missing input: status $rc"
grep -q nonexistent "$tmp/err" || fail "missing input not named: $(cat "$tmp/err")"
run "$kz" index -o "$tmp/m"
[ $rc -eq 2 ] || fail "no input: status $rc"
run "$kz" index -o "$tmp/m" --bogus "$corpus"
[ $rc -eq 2 ] || fail "unknown option: status $rc"
]==])

  # kz search --json: the total is the number of keys --keys prints; each
  # hit has the documented fields; highlights slice the snippet, and
  # body_highlights the body that kz show prints, to the phrase searched.
  kz_cli_corpus_test(cli_corpus_search [==[
q='"Kazakh President"'
run "$kz" search "$c" "$q" --keys
[ $rc -eq 0 ] || fail "--keys: status $rc: $(cat "$tmp/err")"
sort "$tmp/out" > "$tmp/keys"
[ -s "$tmp/keys" ] || fail "no document matches $q"
run "$kz" search "$c" "$q" --json --limit 100
[ $rc -eq 0 ] || fail "--json: status $rc: $(cat "$tmp/err")"
mv "$tmp/out" "$tmp/hits.json"
"$py" - "$tmp/hits.json" "$tmp/keys" "$kz" "$c" <<'EOF' || fail "search --json"
import json, subprocess, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
keys = open(sys.argv[2], encoding="utf-8").read().split("\n")[:-1]
kz, corpus = sys.argv[3], sys.argv[4]
hits = r["hits"]
assert r["total"] == len(keys) == len(hits), (r["total"], len(keys), len(hits))
assert sorted(h["key"] for h in hits) == keys
assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
for h in hits:
    for f in ("key", "title", "source", "date", "author", "url", "score", "snippet",
              "highlights", "body_highlights"):
        assert f in h, (f, h)
    snip = h["snippet"].encode("utf-8")
    assert h["highlights"], h
    for s, e in h["highlights"]:
        assert snip[s:e].decode("utf-8").lower() == "kazakh president", snip[s:e]
    shown = subprocess.run([kz, "show", corpus, h["key"]], capture_output=True, check=True).stdout
    head, body = shown.split(b"\n\n", 1)
    assert ("title: " + h["title"]).encode("utf-8") in head.split(b"\n"), head
    body = body.split(b"\n\n[captions]\n")[0].split(b"\n\n[headings]\n")[0]
    for s, e in h["body_highlights"]:
        assert body[s:e].decode("utf-8").lower() == "kazakh president", body[s:e]
EOF
run "$kz" search "$c" tokayev --limit 2 --json
"$py" -c 'import json,sys; r=json.load(sys.stdin); assert len(r["hits"]) == 2 < r["total"], r["total"]' < "$tmp/out" || fail "--limit 2"
# --sort date and date-asc, on documents whose dates are known
for d in 2022-01-05 2022-01-07 2021-12-30 2022-01-06; do
  printf '{"id": "%s", "title": "Almaty", "text": "Protests in Almaty on %s."}\n' $d $d
done > "$tmp/d.jsonl"
run "$kz" index -o "$tmp/j" --jsonl "$tmp/d.jsonl"
[ $rc -eq 0 ] || fail "--jsonl: status $rc: $(cat "$tmp/err")"
for s in date date-asc; do
  run "$kz" search "$tmp/j" almaty --sort $s --json
  "$py" -c '
import json, sys
d = [h["date"] for h in json.load(sys.stdin)["hits"]]
assert d == sorted(d, reverse=sys.argv[1] == "date") and len(d) == 4, d' $s < "$tmp/out" || fail "--sort $s"
done
# plain output: the total, then numbered hits with the match in brackets
run "$kz" search "$c" "$q"
[ "$(head -n 1 "$tmp/out")" = "$(wc -l < "$tmp/keys") matching document(s)" ] || fail "plain total: $(head -n 1 "$tmp/out")"
grep -qi '\[Kazakh President\]' "$tmp/out" || fail "plain output marks no match"
# a bad query is a usage error naming where it went wrong
run "$kz" search "$c" '"Kazakh President'
[ $rc -eq 2 ] || fail "unbalanced quote: status $rc"
grep -q 'quote' "$tmp/err" || fail "unbalanced quote message: $(cat "$tmp/err")"
run "$kz" search "$c" 'nosuchfield:x'
[ $rc -eq 2 ] && grep -q 'nosuchfield' "$tmp/err" || fail "unknown field: status $rc, $(cat "$tmp/err")"
run "$kz" search "$tmp/nonexistent" tokayev
[ $rc -eq 1 ] && grep -q nonexistent "$tmp/err" || fail "missing corpus: status $rc, $(cat "$tmp/err")"
]==])

  # kz count and kz kwic agree with kz search: the documents counted are
  # the search's total, the groups add up to the total line, each match of
  # a word is one concordance line, and per million is matches / words.
  kz_cli_corpus_test(cli_corpus_count_kwic [==[
q=Tokayev
total=$("$kz" search "$c" $q --keys | wc -l)
[ "$total" -ge 2 ] || fail "too few documents match $q: $total"
run "$kz" count "$c" $q --by source --per-million
[ $rc -eq 0 ] || fail "count: status $rc: $(cat "$tmp/err")"
mv "$tmp/out" "$tmp/count"
run "$kz" kwic "$c" $q --width 3
[ $rc -eq 0 ] || fail "kwic: status $rc: $(cat "$tmp/err")"
mv "$tmp/out" "$tmp/kwic"
run "$kz" kwic "$c" $q --width 1
[ $rc -eq 0 ] || fail "kwic --width 1: status $rc: $(cat "$tmp/err")"
mv "$tmp/out" "$tmp/kwic1"
"$py" - "$tmp/count" "$tmp/kwic" "$total" "$tmp/kwic1" <<'EOF' || fail "count and kwic"
import sys
def lines(p):
    return [l.split("\t") for l in open(p, encoding="utf-8").read().split("\n")[:-1]]
rows, kwic, kwic1 = lines(sys.argv[1]), lines(sys.argv[2]), lines(sys.argv[4])
total = int(sys.argv[3])
assert rows[-1][0] == "total", rows[-1]
groups = rows[:-1]
assert len(groups) >= 2, groups
for r in rows:
    assert len(r) == 5, r
docs, matches, words, pm = int(r[1]), int(r[2]), int(r[3]), float(r[4])
assert sum(int(g[1]) for g in groups) == docs == total, (docs, total)
assert sum(int(g[2]) for g in groups) == matches >= docs
for g in groups:
    assert abs(float(g[4]) - int(g[2]) * 1e6 / int(g[3])) < 0.01, g
assert len(kwic) == matches, (len(kwic), matches)
assert len(kwic1) == len(kwic)
for k, k1 in zip(kwic, kwic1):
    assert len(k) == 4 and len(k1) == 4, (k, k1)
    assert k[2].lower() == "tokayev", k
    # one word of context is the nearest of three (document order)
    assert k1[0] == k[0] and k1[2] == k[2], (k, k1)
    assert k[1].endswith(k1[1]) and k[3].startswith(k1[3]), (k, k1)
EOF
# --by month: YYYY-MM groups (and "(none)" for undated documents) that
# add up to the same total; --sort right orders by the words after
run "$kz" count "$c" $q --by month
awk -F'\t' -v t="$total" '$1 == "total" { ok = $2 == t && $2 == sum; next }
  $1 !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]$/ && $1 != "(none)" { bad = 1 } { sum += $2 }
  END { exit bad || !ok }' "$tmp/out" || fail "--by month: $(cat "$tmp/out")"
run "$kz" kwic "$c" $q --sort right
[ $rc -eq 0 ] || fail "kwic --sort right: status $rc"
"$py" -c '
import re, sys
right = [l.split("\t")[3] for l in sys.stdin.read().split("\n")[:-1]]
first = [m.group(0).lower() for m in (re.match(r"\s*([^\W\d_]+)", r) for r in right) if m]
first = [w.strip() for w in first]
assert len(first) >= 3 and first == sorted(first), first' < "$tmp/out" || fail "--sort right"
run "$kz" count "$c" $q --by nonsense
[ $rc -eq 2 ] || fail "bad --by: status $rc"
]==])

  # kz show: a stored document by key; an unknown key fails naming it.
  kz_cli_corpus_test(cli_corpus_show [==[
key=$("$kz" search "$c" Almaty --keys | head -n 1)
[ -n "$key" ] || fail "no document mentions Almaty"
run "$kz" show "$c" "$key"
[ $rc -eq 0 ] || fail "show: status $rc: $(cat "$tmp/err")"
[ "$(head -n 1 "$tmp/out")" = "key: $key" ] || fail "first line: $(head -n 1 "$tmp/out")"
grep -q '^title: .' "$tmp/out" || fail "no title line"
grep -q Almaty "$tmp/out" || fail "the body does not hold the word searched"
run "$kz" show "$c" no/such/key.txt
[ $rc -eq 1 ] || fail "unknown key: status $rc"
grep -q 'no/such/key.txt' "$tmp/err" || fail "unknown key not named: $(cat "$tmp/err")"
]==])

  # --no-verify: a byte flipped in the document store makes every command
  # that checks checksums at open fail, naming the segment; with
  # --no-verify the commands that do not read the damaged block work, and
  # those that do fail cleanly (never a crash).
  kz_cli_corpus_test(cli_corpus_no_verify [==[
seg=$(ls "$c"/seg-*.kzs | head -n 1)
[ -f "$seg" ] || fail "no segment file in $c"
"$py" - "$seg" <<'EOF' || fail "damaging the store"
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
# footer: 10 x (u64 offset, u64 length), 4 x u32, 4 x u64, 2 x u32, 8 bytes
foot = len(b) - (160 + 16 + 32 + 8 + 8)
off, n = struct.unpack_from("<QQ", b, foot + 5 * 16) # STORE
assert n > 64 and off + n <= foot, (off, n)
b[off + n // 2] ^= 0x55
open(p, "wb").write(b)
EOF
for cmd in "stats $c" "search $c tokayev" "count $c tokayev" "kwic $c tokayev" "ngrams $c"; do
  run "$kz" $cmd
  [ $rc -eq 1 ] || fail "kz $cmd on a damaged corpus: status $rc"
  grep -q "$(basename "$seg")" "$tmp/err" || fail "kz $cmd: damaged file not named: $(cat "$tmp/err")"
done
run "$kz" stats "$c" --no-verify
[ $rc -eq 0 ] || fail "stats --no-verify: status $rc: $(cat "$tmp/err")"
grep -q "^documents: $n\$" "$tmp/out" || fail "stats --no-verify: $(cat "$tmp/out")"
run "$kz" search "$c" tokayev --keys --no-verify
[ $rc -eq 0 ] && [ -s "$tmp/out" ] || fail "search --keys --no-verify: status $rc: $(cat "$tmp/err")"
run "$kz" count "$c" tokayev --no-verify
[ $rc -eq 0 ] || fail "count --no-verify: status $rc: $(cat "$tmp/err")"
for cmd in search kwic; do
  run "$kz" $cmd "$c" tokayev --no-verify
  [ $rc -le 1 ] || fail "kz $cmd --no-verify: status $rc"
done
for f in "$corpus"/*.txt; do
  run "$kz" show "$c" "$f" --no-verify
  [ $rc -le 1 ] || fail "kz show $f --no-verify: status $rc"
done
run "$kz" stats "$c" --no-verify=yes
[ $rc -eq 2 ] || fail "--no-verify=yes: status $rc"
]==])
endif()
