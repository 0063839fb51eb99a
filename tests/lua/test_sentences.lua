-- kz.sentences: spans, abbreviations, paragraphs, quotes, options.
local T = ...
local kz = require "kz"

-- The sentences of s as strings, checking the span invariants on the way.
local function split(s, opts)
  local spans, repaired = kz.sentences(s, opts)
  assert(spans, repaired)
  local out, last = {}, 0
  for i, p in ipairs(spans) do
    T.eq(#p, 2, "pair size")
    local a, b = p[1], p[2]
    assert(math.type(a) == "integer" and math.type(b) == "integer")
    assert(a > last and b >= a and b <= #s, "span " .. i .. " out of order")
    last = b
    out[#out + 1] = s:sub(a, b)
  end
  return out, repaired
end

local tests = {}

function tests.simple()
  T.same(split("One sentence. Another one! A third? Yes."),
         {"One sentence.", "Another one!", "A third?", "Yes."})
end

function tests.trimmed()
  for _, sent in ipairs(split("  Hello there.   General Kenobi.  \n")) do
    assert(not sent:match("^%s") and not sent:match("%s$"),
           "untrimmed: [" .. sent .. "]")
  end
end

function tests.abbreviations()
  local s = "Mr. Smith met Gen. Ivanov in the U.S. on Jan. 5. They talked."
  T.same(split(s, {language = "en"}),
         {"Mr. Smith met Gen. Ivanov in the U.S. on Jan. 5.", "They talked."})
  local raw = split(s, {language = "en", abbreviations = false})
  assert(#raw > 2, "abbreviations=false must split after Mr.")
  T.eq(raw[1], "Mr.", "first without abbreviations")
end

function tests.closing_quote_stays()
  T.same(split("He said “we will leave.” Then he left."),
         {"He said “we will leave.”", "Then he left."})
  T.same(split('She asked "why?" Nobody knew.'),
         {'She asked "why?"', "Nobody knew."})
end

function tests.paragraphs_and_line_breaks()
  local s = "A wrapped\nline ends here.\n\nA heading without stop\n\nLast one."
  T.same(split(s), {"A wrapped\nline ends here.", "A heading without stop",
                    "Last one."}, "default")
  T.same(split(s, {line_breaks = true}),
         {"A wrapped", "line ends here.", "A heading without stop",
          "Last one."}, "line_breaks")
end

function tests.uax29_covers_input()
  local s = " Hello there.  Mr. Smith?\nYes \n\nEnd"
  local spans = kz.sentences(s, {abbreviations = false, line_breaks = true,
                                 trim = false})
  local pos = 1
  for _, p in ipairs(spans) do
    T.eq(p[1], pos, "contiguous spans")
    pos = p[2] + 1
  end
  T.eq(pos, #s + 1, "spans cover the input")
end

function tests.utf8_text()
  local s = "Токаев заявил о планах. «Это важно», — сказал он. 東京に行きました。"
         .. "Done."
  local sents = split(s)
  assert(#sents >= 3, "got " .. #sents)
  for _, sent in ipairs(sents) do
    assert(utf8.len(sent), "sentence cut inside a character")
  end
  T.eq(sents[1], "Токаев заявил о планах.", "first Cyrillic sentence")
end

function tests.invalid_utf8_and_odd_input()
  local s = "Bad \xff byte. Next\xc3 one\xe2."
  local sents, repaired = split(s)
  T.eq(repaired, 3, "repaired")
  T.eq(#sents, 2, "sentences")
  local none = kz.sentences("")
  T.eq(#none, 0, "empty input")
  T.eq(#kz.sentences(" \n\n \t "), 0, "blank input")
  split(string.rep(".", 5000) .. string.rep("\n", 5000) .. "x")
  split(string.rep("a. ", 3000))
end

function tests.misuse_raises()
  T.raises("bad argument #1", kz.sentences)
  T.raises("bad argument #2", kz.sentences, "x", "opts")
  T.raises("unknown option 'stem'", kz.sentences, "x", {stem = "en"})
  T.raises("option 'line_breaks' must be a boolean", kz.sentences, "x",
           {line_breaks = 1})
end

return tests
