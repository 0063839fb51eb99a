#!/bin/sh
# Every public header compiles on its own as C11 (-pedantic) and as C++.
set -eu
inc="$1"; cc="${2:-cc}"; cxx="${3:-c++}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
for h in "$inc"/kz.h "$inc"/kz/*.h; do
  rel=${h#"$inc"/}
  printf '#include "%s"\nint main(void) { return 0; }\n' "$rel" > "$tmp/t.c"
  "$cc" -std=c11 -Wall -Wextra -pedantic -Werror -I"$inc" -c "$tmp/t.c" -o "$tmp/t.o" ||
    { echo "FAIL: $rel does not compile alone as C11"; exit 1; }
  printf '#include "%s"\nint main() { return 0; }\n' "$rel" > "$tmp/t.cpp"
  "$cxx" -std=c++11 -Wall -Wextra -pedantic -Werror -I"$inc" -c "$tmp/t.cpp" -o "$tmp/t.o" ||
    { echo "FAIL: $rel does not compile alone as C++"; exit 1; }
  n=$((n + 1))
done
echo "headers: $n compile alone as C11 and C++"
