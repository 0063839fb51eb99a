-- The Lua 5.4 module of libkz, built against an installed libkz.
--
--   cmake -S . -B build && cmake --build build && cmake --install build
--   cd bindings/lua && luarocks --lua-version 5.4 make
--
-- For libkz in a private prefix, name it:
--   luarocks --lua-version 5.4 make KZ_DIR=/path/to/prefix
-- (or KZ_INCDIR and KZ_LIBDIR separately; `pkg-config --variable=libdir
-- libkz` tells where an installed libkz is).  The module records that
-- library directory as its run path, so no LD_LIBRARY_PATH is needed.
rockspec_format = "3.0"
package = "kz"
version = "scm-1"
source = {
  -- `luarocks make` builds the checkout it is run in; the URL is only
  -- used by `luarocks build` / `luarocks pack`.
  url = "git+file:///dev/null/libkz",
}
description = {
  license = "MIT",
  summary = "Parse, index and analyse scraped news articles (libkz)",
  detailed = [[
kz.parse() turns a scraped news page into an article (title, date, source,
authors, typed blocks); kz.tokenize() and kz.sentences() cut text the
UAX #29 way; kz.open() makes or opens an on-disk corpus with search (BM25,
snippets), KWIC concordances and counts by outlet or date.
]],
  labels = {"text", "search", "corpus-linguistics", "news"},
}
dependencies = {
  "lua >= 5.4, < 5.5",
}
external_dependencies = {
  KZ = {
    header = "kz.h",
    library = "kz",
  },
}
build = {
  type = "builtin",
  modules = {
    kz = {
      sources = {"lkz.c"},
      libraries = {"kz"},
      incdirs = {"$(KZ_INCDIR)"},
      libdirs = {"$(KZ_LIBDIR)"},
      defines = {"_POSIX_C_SOURCE=200809L"},
    },
  },
}
