#!/bin/sh
# Install libkz into a temporary prefix and build examples/c against the
# installed copy twice: through pkg-config and through find_package(kz).
set -eu
build="$1"; src="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(ls -d "$tmp"/prefix/lib*/ | head -1)
test -f "$tmp/prefix/include/kz.h"
test -f "$libdir/pkgconfig/libkz.pc"
test -f "$libdir/cmake/kz/kzConfig.cmake"
readelf -d "$libdir"/libkz.so | grep -q 'SONAME.*libkz\.so\.[0-9]' || { echo "FAIL: no SONAME"; exit 1; }

# 1. pkg-config
PKG_CONFIG_PATH="$libdir/pkgconfig"; export PKG_CONFIG_PATH
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -o "$tmp/ex_pc" "$src"/examples/c/kz_example.c \
  $(pkg-config --cflags --libs libkz) -Wl,-rpath,"$libdir"
"$tmp/ex_pc" "$src/examples/corpus" > "$tmp/out_pc"
grep -q "libkz $(pkg-config --modversion libkz)" "$tmp/out_pc"

# 2. find_package(kz)
cmake -S "$src/examples/c" -B "$tmp/ex_build" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/ex_build" >/dev/null
"$tmp/ex_build/kz_example" "$src/examples/corpus" > "$tmp/out_cmake"
cmp "$tmp/out_pc" "$tmp/out_cmake"
cat "$tmp/out_pc"
echo "install: the example builds and runs against the installed libkz (pkg-config and CMake)"
