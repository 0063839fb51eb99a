-- Every article of examples/corpus tokenizes and splits cleanly.
local T = ...
local kz = require "kz"

local tests = {}

local files = T.listdir(T.corpus_dir, "%.txt$")

function tests.corpus_present()
  assert(#files >= 5, "expected the seed articles in " .. T.corpus_dir)
end

local configs = {
  {},
  {language = "en", stem = "en", possessive = true, fold_diacritics = true},
  {punct = false, stopwords = false, language = "en"},
  {plain = true, nfkc = false, casefold = false, quotes = false,
   numbers = false},
}

function tests.every_file_tokenizes()
  for _, name in ipairs(files) do
    local s = T.readfile(T.corpus_dir .. "/" .. name)
    for ci, opts in ipairs(configs) do
      local toks, repaired = kz.tokenize(s, opts)
      assert(toks, repaired)
      T.check_tokens(s, toks)
      assert(#toks > 100, name .. ": too few tokens")
      assert(repaired == 0, name .. ": seed articles are valid UTF-8")
      local nwords = 0
      for _, t in ipairs(toks) do
        if t.kind == "word" then nwords = nwords + 1 end
        if ci == 3 then
          assert(not t.stopword, name .. ": stopword " .. t.text)
          assert(t.kind ~= "punct", name .. ": punct " .. t.text)
        end
        if ci ~= 4 and t.text:find("’", 1, true) then
          assert(not t.norm:find("’", 1, true),
                 name .. ": curly apostrophe kept in " .. t.norm)
        end
      end
      assert(nwords > 100, name .. ": too few words")
    end
  end
end

function tests.every_file_splits()
  local tk <close> = kz.tokenizer{language = "en"}
  for _, name in ipairs(files) do
    local s = T.readfile(T.corpus_dir .. "/" .. name)
    local spans = assert(tk:sentences(s))
    assert(#spans > 5, name .. ": too few sentences")
    local last = 0
    for _, p in ipairs(spans) do
      assert(p[1] > last and p[2] >= p[1] and p[2] <= #s, name)
      assert(utf8.len(s:sub(p[1], p[2])), name .. ": span splits a character")
      last = p[2]
    end
  end
end

function tests.whole_corpus_at_once()
  local parts = {}
  for _, name in ipairs(files) do
    parts[#parts + 1] = T.readfile(T.corpus_dir .. "/" .. name)
  end
  local s = table.concat(parts, "\n\n")
  local tk <close> = kz.tokenizer{language = "en", stem = "en"}
  local toks = tk:tokenize(s)
  T.check_tokens(s, toks)
  -- byte-damaged copy: cut in the middle of every multi-byte character
  local damaged = s:gsub("[\xc2-\xf4]", "")
  local dt, repaired = tk:tokenize(damaged)
  T.check_tokens(damaged, dt)
  assert(repaired > 0, "damaged copy must report repairs")
end

return tests
