-- kz.tokenizer: the reusable kz.Tokenizer userdata and its life cycle.
local T = ...
local kz = require "kz"

local tests = {}

function tests.reuse_gives_same_result()
  local tk = assert(kz.tokenizer{language = "en", stem = "en"})
  local s = "The ministers’ meetings were running late."
  local a = tk:tokenize(s)
  local b = tk:tokenize(s)
  T.same(a, b, "second call")
  T.same(a, kz.tokenize(s, {language = "en", stem = "en"}), "module call")
  T.check_tokens(s, a)
  tk:close()
end

function tests.methods_and_tostring()
  local tk = kz.tokenizer()
  assert(tostring(tk):match("^kz%.Tokenizer %("), tostring(tk))
  local spans = tk:sentences("One. Two.")
  T.eq(#spans, 2, "sentences")
  T.eq(tk:repaired(), 0, "repaired")
  local _, r = tk:tokenize("x\xff\xffy")
  T.eq(r, 2, "second result")
  T.eq(tk:repaired(), 2, "repaired after bad input")
  tk:tokenize("clean")
  T.eq(tk:repaired(), 0, "repaired resets")
  tk:close()
end

function tests.close_is_idempotent()
  local tk = kz.tokenizer()
  tk:close()
  tk:close()
  T.eq(tostring(tk), "kz.Tokenizer (closed)", "tostring")
  T.raises("closed tokenizer", tk.tokenize, tk, "x")
  T.raises("closed tokenizer", tk.sentences, tk, "x")
  T.raises("closed tokenizer", tk.repaired, tk)
end

function tests.to_be_closed_variable()
  local kept
  do
    local tk <close> = kz.tokenizer{}
    kept = tk
    T.eq(#tk:tokenize("a b c"), 3, "tokens inside the block")
  end
  T.eq(tostring(kept), "kz.Tokenizer (closed)", "closed at block end")
  -- also when the block is left by an error
  local ok = pcall(function()
    local tk <close> = kz.tokenizer{}
    kept = tk
    error("boom")
  end)
  assert(not ok)
  T.eq(tostring(kept), "kz.Tokenizer (closed)", "closed on error")
end

function tests.garbage_collection()
  for _ = 1, 300 do
    local tk = kz.tokenizer{language = "en", stem = "en"}
    tk:tokenize("Several words to fill the scratch buffers.")
  end
  collectgarbage()
  collectgarbage()
end

function tests.sentence_defaults_and_overrides()
  local s = "First line\nsecond line."
  local tk <close> = kz.tokenizer{line_breaks = true}
  T.eq(#tk:sentences(s), 2, "tokenizer default")
  T.eq(#tk:sentences(s, {line_breaks = false}), 1, "override")
  T.eq(#tk:sentences(s, {}), 2, "empty opts keep the default")
  local en <close> = kz.tokenizer{language = "en"}
  T.eq(#en:sentences("Mr. Smith left. Bye."), 2, "abbreviations")
  T.eq(#en:sentences("Mr. Smith left. Bye.", {abbreviations = false}), 3,
       "abbreviations off")
end

function tests.misuse_raises()
  local tk <close> = kz.tokenizer()
  T.raises("kz.Tokenizer expected", tk.tokenize, {}, "x")
  T.raises("kz.Tokenizer expected", tk.close, "nope")
  -- called through pcall, not as a method, so the string is argument #2
  T.raises("bad argument #2", tk.tokenize, tk)
  T.raises("bad argument #2", tk.tokenize, tk, {})
  T.raises("language of a tokenizer is fixed", tk.sentences, tk, "x",
           {language = "de"})
  T.raises("unknown option 'stemming'", kz.tokenizer, {stemming = "en"})
  T.raises("bad argument #1", kz.tokenizer, "en")
end

function tests.failure_returns_fail()
  local tk, msg, code = kz.tokenizer{stem = "klingon"}
  T.eq(tk, nil, "tokenizer")
  assert(type(msg) == "string" and #msg > 0)
  assert(math.type(code) == "integer" and code < 0)
end

return tests
