#!/bin/sh
# Only kz_* symbols leave libkz.so, and they are exactly the checked-in list
# tests/data/abi/symbols.txt.  Adding a function means adding it there (and a
# minor version); removing or renaming one breaks the ABI.
set -eu
lib="$1"; list="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort > "$tmp/syms"
bad=$(grep -v '^kz_' "$tmp/syms" || true)
if [ -n "$bad" ]; then
  echo "FAIL: symbols outside the kz_ namespace are exported:"; echo "$bad"; exit 1
fi
if ! diff -u "$list" "$tmp/syms"; then
  echo "FAIL: exported symbols differ from $list (update it on purpose if the API changed)"
  exit 1
fi
echo "symbols: $(wc -l < "$tmp/syms") exported, all kz_*, matching $list"
