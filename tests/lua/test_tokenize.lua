-- kz.tokenize: offsets, kinds, normalization options, bad input, misuse.
local T = ...
local kz = require "kz"

local function norms(s, opts, keep)
  local out = {}
  for _, t in ipairs(assert(kz.tokenize(s, opts))) do
    if not keep or keep[t.kind] then out[#out + 1] = t.norm end
  end
  return out
end

local function words(s, opts)
  return norms(s, opts, {word = true, number = true})
end

local function first(s, opts)
  return assert(kz.tokenize(s, opts))[1]
end

local function find(toks, text)
  for _, t in ipairs(toks) do
    if t.text == text then return t end
  end
  error("no token " .. text)
end

local tests = {}

function tests.version()
  assert(type(kz.version) == "string")
  local maj, min, pat = kz.version:match("^(%d+)%.(%d+)%.(%d+)$")
  assert(maj, "version string " .. kz.version)
  T.eq(kz.version_number, maj * 10000 + min * 100 + pat, "version_number")
  assert(math.type(kz.version_number) == "integer")
end

function tests.utf8_offsets_slice_back()
  local s = "Kazakhstan’s President Kassym-Jomart Tokayev met «Путин» in "
         .. "Нур-Султан — 3,000 people, 32% of them naïve, 東京 too 👍🏽."
  local toks, repaired = kz.tokenize(s)
  T.check_tokens(s, toks)
  T.eq(repaired, 0, "repaired")
  assert(#toks > 20)
  for _, t in ipairs(toks) do
    assert(utf8.len(t.text), "token is not whole UTF-8: " .. t.text)
  end
  T.eq(find(toks, "Путин").norm, "путин", "Cyrillic casefold")
  T.eq(find(toks, "Tokayev").kind, "word", "kind of Tokayev")
  T.eq(find(toks, "Tokayev").norm, "tokayev", "norm of Tokayev")
end

function tests.token_fields()
  local t = first("Hello")
  T.eq(t.text, "Hello", "text")
  T.eq(t.norm, "hello", "norm")
  T.eq(t.start, 1, "start")
  T.eq(t.stop, 5, "stop")
  T.eq(t.kind, "word", "kind")
  T.eq(t.position, 1, "position")
  T.eq(t.hyphenated, nil, "hyphenated")
end

function tests.kinds()
  local s = "Mail press@example.org or see https://example.org/a?b=1, "
         .. "follow @akorda #Kazakhstan: 3,000 people paid $5 + 10%."
  local toks = kz.tokenize(s)
  T.check_tokens(s, toks)
  T.eq(find(toks, "press@example.org").kind, "email", "email")
  T.eq(find(toks, "https://example.org/a?b=1").kind, "url", "url")
  T.eq(find(toks, "@akorda").kind, "handle", "handle")
  T.eq(find(toks, "#Kazakhstan").kind, "hashtag", "hashtag")
  T.eq(find(toks, "3,000").kind, "number", "number")
  T.eq(find(toks, "Mail").kind, "word", "word")
  T.eq(find(toks, ",").kind, "punct", "comma")
  T.eq(find(toks, "$").kind, "symbol", "dollar")
  T.eq(find(toks, "+").kind, "symbol", "plus")
end

function tests.plain_does_not_join()
  local toks = kz.tokenize("#Kazakhstan @akorda", {plain = true})
  for _, t in ipairs(toks) do
    assert(t.kind ~= "hashtag" and t.kind ~= "handle", t.text)
  end
  T.eq(find(toks, "Kazakhstan").kind, "word", "plain word")
end

function tests.numbers()
  T.eq(first("3,000").norm, first("3000").norm, "3,000 vs 3000")
  T.eq(first("0.14").text, "0.14", "decimal stays whole")
  T.eq(first("0.14").kind, "number", "decimal kind")
  T.eq(first("3,000", {numbers = false}).norm, "3,000", "numbers=false")
end

function tests.casefold()
  T.eq(first("KAZAKHSTAN").norm, "kazakhstan", "default folds case")
  T.eq(first("KAZAKHSTAN", {casefold = false}).norm, "KAZAKHSTAN",
       "casefold=false")
  T.eq(first("Straße").norm, "strasse", "full case folding")
end

function tests.apostrophes_unified()
  T.same(words("Kazakhstan’s"), words("Kazakhstan's"), "curly vs straight")
  T.same(words("can’t"), words("can't"), "can't")
  local curly = words("Kazakhstan’s", {quotes = false})
  local straight = words("Kazakhstan's", {quotes = false})
  assert(curly[1] ~= straight[1], "quotes=false must keep ’")
end

function tests.possessive()
  T.same(words("Tokayev's", {possessive = true}), {"tokayev"}, "'s")
  T.same(words("Tokayev’s", {possessive = true}), {"tokayev"}, "’s")
  T.same(words("Tokayev's"), {"tokayev's"}, "kept by default")
end

function tests.stemming()
  T.same(words("running runs", {stem = "en"}), {"run", "run"}, "english")
  T.same(words("running", {stem = "english"}), {"run"}, "snowball name")
  T.same(words("running", {stem = true, language = "en"}), {"run"},
         "stem=true")
  T.same(words("running"), {"running"}, "no stemming by default")
  T.same(words("президента", {stem = "ru"}), {"президент"}, "russian")
  T.same(words("Häuser", {stem = "de"}), {"haus"}, "german")
end

function tests.fold_diacritics()
  T.same(words("Café naïve", {fold_diacritics = true}), {"cafe", "naive"},
         "latin")
  T.same(words("Café"), {"café"}, "kept by default")
  T.same(words("йод", {fold_diacritics = true}), {"иод"}, "cyrillic")
end

function tests.nfkc()
  T.same(words("ﬁnance"), {"finance"}, "ligature")
  local t = first("ﬁnance", {nfkc = false, casefold = false})
  T.eq(t.norm, "ﬁnance", "nfkc=false")
end

function tests.hyphenated_and_positions()
  local s = "Kassym-Jomart Tokayev, post-Soviet."
  local toks = kz.tokenize(s)
  T.check_tokens(s, toks)
  local k, j = find(toks, "Kassym"), find(toks, "Jomart")
  T.eq(k.hyphenated, nil, "first part")
  T.eq(j.hyphenated, true, "second part")
  T.eq(find(toks, "Soviet").hyphenated, true, "Soviet")
  T.eq(k.position, 1, "Kassym position")
  T.eq(j.position, 2, "Jomart position")
  T.eq(find(toks, "Tokayev").position, 3, "Tokayev position")
  -- punctuation carries the position of the next indexable token
  T.eq(find(toks, ",").position, 4, "comma position")
  T.eq(find(toks, "post").position, 4, "post position")
end

function tests.skip_punct()
  local toks = kz.tokenize("Hello, world! $5", {punct = false})
  for _, t in ipairs(toks) do
    assert(t.kind ~= "punct" and t.kind ~= "symbol", t.text)
  end
  T.same(norms("Hello, world! $5", {punct = false}), {"hello", "world", "5"})
end

function tests.stopwords()
  local toks = kz.tokenize("The president of the country", {language = "en"})
  T.eq(find(toks, "The").stopword, true, "The")
  T.eq(find(toks, "of").stopword, true, "of")
  T.eq(find(toks, "president").stopword, nil, "president")
  T.same(words("The president of the country",
               {language = "en", stopwords = false}),
         {"president", "country"}, "stopwords=false")
  -- without a language nothing is a stopword
  T.eq(first("The").stopword, nil, "no language")
end

function tests.invalid_utf8()
  local s = "abc\xff\xfedef \xc3 x \xe2\x80 end\xf0"
  local toks, repaired = kz.tokenize(s)
  T.check_tokens(s, toks)
  T.eq(repaired, 6, "repaired bytes")
  local any = false
  for _, t in ipairs(toks) do any = any or t.repaired == true end
  assert(any, "some token must be marked repaired")
  local clean, r0 = kz.tokenize("abc def")
  T.eq(r0, 0, "clean input")
  T.eq(#clean, 2, "clean tokens")
end

function tests.odd_inputs()
  local toks, repaired = kz.tokenize("")
  T.eq(#toks, 0, "empty input")
  T.eq(repaired, 0, "empty repaired")
  T.eq(#kz.tokenize("   \n\t  "), 0, "white space only")
  local s = "a\0b c"
  T.check_tokens(s, kz.tokenize(s))
  s = string.rep("-", 10000) .. string.rep("!?", 5000)
  T.check_tokens(s, kz.tokenize(s))
  s = string.rep("\xcc\x81", 3000) -- combining marks only
  T.check_tokens(s, kz.tokenize(s))
  T.check_tokens("12345", kz.tokenize(12345)) -- numbers coerce to strings
end

function tests.misuse_raises()
  T.raises("bad argument #1", kz.tokenize)
  T.raises("bad argument #1", kz.tokenize, {})
  T.raises("bad argument #2", kz.tokenize, "x", 5)
  T.raises("unknown option 'bogus'", kz.tokenize, "x", {bogus = true})
  T.raises("unknown option 'line_breaks'", kz.tokenize, "x",
           {line_breaks = true})
  T.raises("option names must be strings", kz.tokenize, "x", {true})
  T.raises("option 'casefold' must be a boolean", kz.tokenize, "x",
           {casefold = "yes"})
  T.raises("option 'language' must be a string", kz.tokenize, "x",
           {language = 1})
  T.raises("option 'stem' must be", kz.tokenize, "x", {stem = 2})
  T.raises("needs a language", kz.tokenize, "x", {stem = true})
  T.raises("disagree", kz.tokenize, "x", {stem = "en", language = "de"})
  T.raises("bad language name", kz.tokenize, "x",
           {language = string.rep("x", 100)})
end

function tests.environment_failures_return_fail()
  local r, msg, code = kz.tokenize("x", {stem = "klingon"})
  T.eq(r, nil, "result")
  assert(type(msg) == "string" and #msg > 0, "message")
  assert(math.type(code) == "integer" and code < 0, "code")
  -- stemming off: an unknown language is no error
  r, msg, code = kz.tokenize("x", {stem = false, language = "klingon"})
  if r == nil then
    -- a library may refuse an unknown language; then it must say so
    assert(type(msg) == "string" and code < 0)
  end
end

return tests
