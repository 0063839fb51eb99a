# CLI tests of "kz quotes", "kz numbers" and "kz entities" on the bundled
# corpus.  Each test is a POSIX sh script written to the build tree and run
# as   sh SCRIPT KZ CORPUS_DIR PYTHON
# JSON output is checked with the system Python (json module only); a
# script prints what went wrong and exits nonzero on failure.
if(TARGET kz_cli)
  set(_kz_ana_dir "${CMAKE_CURRENT_BINARY_DIR}/cli_analysis")
  file(MAKE_DIRECTORY "${_kz_ana_dir}")
  set(KZ_TEST_PYTHON /usr/bin/python3)

  string(CONCAT _kz_ana_prelude "${KZ_CLI_PRELUDE}" [==[
py=$3
[ -x "$py" ] || { echo "SKIP: no $py"; exit 0; }
# the parsed bodies, one JSON object a line, for checking byte offsets
"$kz" parse --json "$corpus"/*.txt > "$tmp/parsed" || fail "kz parse failed"
]==])

  function(kz_cli_analysis_test name script)
    file(WRITE "${_kz_ana_dir}/${name}.sh" "${_kz_ana_prelude}${script}")
    add_test(NAME ${name}
      COMMAND sh "${_kz_ana_dir}/${name}.sh" $<TARGET_FILE:kz_cli>
              "${CMAKE_SOURCE_DIR}/examples/corpus" "${KZ_TEST_PYTHON}")
  endfunction()

  # Quotes: exactly the documented fields; byte spans that slice the body
  # back to a quotation holding the text; speakers named in their article
  # (Kortunov, quoted in two of the articles, among them).
  kz_cli_analysis_test(cli_quotes_json [==[
run "$kz" quotes --json "$corpus"/*.txt
[ $rc -eq 0 ] || fail "exit status $rc: $(cat "$tmp/err")"
[ -s "$tmp/out" ] || fail "no output"
"$py" - "$tmp/out" "$tmp/parsed" "$corpus"/*.txt <<'EOF' || fail "bad quotes output"
import json, sys
out, parsed, files = sys.argv[1], sys.argv[2], sys.argv[3:]
bodies = {f: json.loads(l)["body"].encode() for f, l in zip(files, open(parsed))}
raw = {f: open(f, encoding="utf-8").read() for f in files}
keys = {"doc", "speaker", "role", "verb", "kind", "text", "start", "end"}
speakers, n = set(), 0
for line in open(out, encoding="utf-8"):
    q = json.loads(line)
    n += 1
    assert set(q) == keys, "fields %s" % sorted(q)
    assert q["doc"] in bodies, q["doc"]
    assert q["kind"] in ("direct", "partial", "scare"), q["kind"]
    assert isinstance(q["text"], str) and q["text"], q
    for k in ("speaker", "role", "verb"):
        assert q[k] is None or isinstance(q[k], str), q
    body = bodies[q["doc"]]
    assert 0 <= q["start"] < q["end"] <= len(body), q
    span = body[q["start"]:q["end"]].decode()
    first = q["text"].split()[0]
    assert first in span, (first, span[:80])
    if q["kind"] == "scare":
        assert q["speaker"] is None, q
    if q["speaker"]:
        # a speaker's last word is written in its article
        assert q["speaker"].split()[-1] in raw[q["doc"]], q["speaker"]
        speakers.add(q["speaker"])
assert n >= 10, "only %d quotes" % n
assert any(s.endswith("Kortunov") for s in speakers), sorted(speakers)
print("%d quotes, %d speakers" % (n, len(speakers)))
EOF
]==])

  # Numbers: exactly the documented fields; low <= value <= high; the span
  # slices the body back to the claim as written; a number written with a
  # thousands separator in the corpus comes back as its value.
  kz_cli_analysis_test(cli_numbers_json [==[
run "$kz" numbers --json "$corpus"/*.txt
[ $rc -eq 0 ] || fail "exit status $rc: $(cat "$tmp/err")"
[ -s "$tmp/out" ] || fail "no output"
grep -q '2,500' "$corpus"/*.txt || fail "corpus has no 2,500"
"$py" - "$tmp/out" "$tmp/parsed" "$corpus"/*.txt <<'EOF' || fail "bad numbers output"
import json, sys
out, parsed, files = sys.argv[1], sys.argv[2], sys.argv[3:]
bodies = {f: json.loads(l)["body"].encode() for f, l in zip(files, open(parsed))}
keys = {"doc", "value", "low", "high", "qualifier", "unit", "counted", "exact", "start", "end"}
values, n = set(), 0
for line in open(out, encoding="utf-8"):
    c = json.loads(line)
    n += 1
    assert set(c) == keys, "fields %s" % sorted(c)
    assert c["low"] <= c["value"] <= c["high"], c
    body = bodies[c["doc"]]
    assert body[c["start"]:c["end"]].decode() == c["exact"], c
    for k in ("qualifier", "unit", "counted"):
        assert c[k] is None or isinstance(c[k], str), c
    values.add(c["value"])
assert n >= 10, "only %d numbers" % n
assert 2500 in values, sorted(values)
print("%d numbers" % n)
EOF
]==])

  # Entities: exactly the documented fields; variant and source counts add
  # up; sources are those the parser finds; spellings that differ only by
  # transliteration (Tokayev / Toqayev) are one entity.
  kz_cli_analysis_test(cli_entities_json [==[
run "$kz" entities --json "$corpus"/*.txt
[ $rc -eq 0 ] || fail "exit status $rc: $(cat "$tmp/err")"
[ -s "$tmp/out" ] || fail "no output"
grep -q 'Toqayev' "$corpus"/*.txt && grep -q 'Tokayev' "$corpus"/*.txt || fail "corpus spellings"
"$py" - "$tmp/out" "$tmp/parsed" <<'EOF' || fail "bad entities output"
import json, sys
out, parsed = sys.argv[1], sys.argv[2]
sources = {json.loads(l)["source"] or "unknown" for l in open(parsed)}
keys = {"name", "kind", "variants", "count", "by_source"}
ents = [json.loads(l) for l in open(out, encoding="utf-8")]
assert len(ents) >= 10, len(ents)
last = None
for e in ents:
    assert set(e) == keys, "fields %s" % sorted(e)
    assert e["kind"] in ("person", "org", "place", "other"), e
    assert sum(e["variants"].values()) == e["count"], e
    assert sum(e["by_source"].values()) == e["count"], e
    assert set(e["by_source"]) <= sources, (e["by_source"], sources)
    assert last is None or e["count"] <= last, "not most mentioned first"
    last = e["count"]
tok = [e for e in ents if "Toqayev" in " ".join(e["variants"])]
assert len(tok) == 1 and any("Tokayev" in v for v in tok[0]["variants"]), tok
assert len(set().union(*(e["by_source"] for e in tok))) >= 3, tok
print("%d entities" % len(ents))
EOF
# --min-count keeps the entities mentioned that often
run "$kz" entities --json --min-count 5 "$corpus"/*.txt
[ $rc -eq 0 ] || fail "--min-count: exit status $rc"
"$py" -c 'import json,sys; c=[json.loads(l)["count"] for l in open(sys.argv[1])]; assert c and min(c) >= 5, c' "$tmp/out" || fail "--min-count 5"
# an alias rule splits what the clustering joined
printf '# test\nsplit\tTokayev\tToqayev\n' > "$tmp/aliases"
run "$kz" entities --json --aliases "$tmp/aliases" "$corpus"/*.txt
[ $rc -eq 0 ] || fail "--aliases: exit status $rc: $(cat "$tmp/err")"
"$py" -c '
import json, sys
ents = [json.loads(l) for l in open(sys.argv[1])]
both = [e for e in ents if "Toqayev" in e["variants"] and "Tokayev" in e["variants"]]
assert not both, both' "$tmp/out" || fail "split rule not applied"
printf 'bogus line\n' > "$tmp/bad"
run "$kz" entities --aliases "$tmp/bad" "$corpus"/*.txt
[ $rc -eq 1 ] || fail "bad alias file: exit status $rc"
]==])

  # The tables: a header per file, one row per record, and standard input.
  kz_cli_analysis_test(cli_analysis_tables [==[
f=$(grep -l 'Kortunov' "$corpus"/*.txt | head -n 1)
run "$kz" quotes "$f"
[ $rc -eq 0 ] || fail "quotes: exit status $rc"
head -n 1 "$tmp/out" | grep -qF "==> $f <==" || fail "quotes: no header"
grep -q 'Kortunov' "$tmp/out" || fail "quotes: no Kortunov row"
grep -q '^ *start  kind' "$tmp/out" || fail "quotes: no column names"
run "$kz" numbers "$corpus"/*.txt
[ $rc -eq 0 ] || fail "numbers: exit status $rc"
[ "$(grep -c '^==> ' "$tmp/out")" -eq "$(ls "$corpus"/*.txt | wc -l)" ] || fail "numbers: headers"
grep -q 'qualifier' "$tmp/out" || fail "numbers: no column names"
run "$kz" entities "$corpus"/*.txt
[ $rc -eq 0 ] || fail "entities: exit status $rc"
grep -q 'Toqayev' "$tmp/out" || fail "entities: no Toqayev spelling"
# standard input: the same records, with doc "-"
"$kz" quotes --json "$f" | sed 's/^{"doc":"[^"]*"/{"doc":"-"/' > "$tmp/a" || fail "quotes --json"
"$kz" quotes --json - < "$f" > "$tmp/b" || fail "quotes from stdin"
cmp -s "$tmp/a" "$tmp/b" || fail "stdin output differs"
]==])

  # Errors: a missing file is reported, the others are still processed and
  # the status is 1; usage errors give 2.
  kz_cli_analysis_test(cli_analysis_errors [==[
f=$(ls "$corpus"/*.txt | head -n 1)
for cmd in quotes numbers entities; do
  run "$kz" $cmd --json "$tmp/missing.txt" "$f"
  [ $rc -eq 1 ] || fail "$cmd: missing file gives status $rc"
  grep -q 'missing.txt' "$tmp/err" || fail "$cmd: error does not name the file: $(cat "$tmp/err")"
  [ -s "$tmp/out" ] || fail "$cmd: the other file was not processed"
  run "$kz" $cmd "$tmp"
  [ $rc -eq 1 ] || fail "$cmd: a directory gives status $rc"
  run "$kz" $cmd
  [ $rc -eq 2 ] || fail "$cmd: no FILE gives status $rc"
  run "$kz" $cmd --bogus "$f"
  [ $rc -eq 2 ] || fail "$cmd: unknown option gives status $rc"
  grep -q "kz help $cmd" "$tmp/err" || fail "$cmd: no hint"
  run "$kz" $cmd --json=yes "$f"
  [ $rc -eq 2 ] || fail "$cmd: --json=yes gives status $rc"
  run "$kz" help $cmd
  [ $rc -eq 0 ] && grep -q "usage: kz $cmd" "$tmp/out" || fail "$cmd: no help"
done
run "$kz" entities --min-count x "$f"
[ $rc -eq 2 ] || fail "--min-count x gives status $rc"
run "$kz" entities --min-count -1 "$f"
[ $rc -eq 2 ] || fail "--min-count -1 gives status $rc"
run "$kz" entities --aliases "$tmp/none" "$f"
[ $rc -eq 1 ] || fail "missing alias file gives status $rc"
]==])
endif()
