-- kz.parse: the article parser through the Lua module.
local T = ...
local kz = require "kz"

local tests = {}

local expected_dir = T.source_dir .. "/tests/data/expected"
local files = T.listdir(T.corpus_dir, "%.txt$")

-- ------------------------------------------------------------------------
-- A small JSON decoder, enough for the annotation files.  JSON null is
-- returned as the sentinel `null` so that arrays keep their length.

local null = setmetatable({}, {__tostring = function() return "null" end})

local function json_decode(s)
  local pos = 1
  local function fail(what)
    error(string.format("JSON: %s at byte %d", what, pos), 0)
  end
  local function ws()
    pos = s:find("[^ \t\r\n]", pos) or #s + 1
  end
  local value
  local escapes = {['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b",
                   f = "\f", n = "\n", r = "\r", t = "\t"}
  local function str()
    local out = {}
    pos = pos + 1 -- opening quote
    while true do
      local a, b = s:find('^[^"\\]+', pos)
      if a then
        out[#out + 1] = s:sub(a, b)
        pos = b + 1
      end
      local c = s:sub(pos, pos)
      if c == '"' then
        pos = pos + 1
        return table.concat(out)
      elseif c == "\\" then
        local e = s:sub(pos + 1, pos + 1)
        if e == "u" then
          local cp = tonumber(s:sub(pos + 2, pos + 5), 16) or fail("bad \\u")
          pos = pos + 6
          if cp >= 0xD800 and cp < 0xDC00 and s:sub(pos, pos + 1) == "\\u" then
            local lo = tonumber(s:sub(pos + 2, pos + 5), 16) or fail("bad \\u")
            cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00)
            pos = pos + 6
          end
          out[#out + 1] = utf8.char(cp)
        else
          out[#out + 1] = escapes[e] or fail("bad escape")
          pos = pos + 2
        end
      else
        fail("unterminated string")
      end
    end
  end
  local function list(close, item)
    pos = pos + 1
    ws()
    if s:sub(pos, pos) == close then
      pos = pos + 1
      return
    end
    while true do
      item()
      ws()
      local c = s:sub(pos, pos)
      pos = pos + 1
      if c == close then return end
      if c ~= "," then fail("expected ',' or '" .. close .. "'") end
      ws()
    end
  end
  function value()
    ws()
    local c = s:sub(pos, pos)
    if c == "{" then
      local t = {}
      list("}", function()
        if s:sub(pos, pos) ~= '"' then fail("expected a key") end
        local k = str()
        ws()
        if s:sub(pos, pos) ~= ":" then fail("expected ':'") end
        pos = pos + 1
        t[k] = value()
      end)
      return t
    elseif c == "[" then
      local t = {}
      list("]", function() t[#t + 1] = value() end)
      return t
    elseif c == '"' then
      return str()
    end
    for lit, v in pairs({["true"] = true, ["false"] = false, null = null}) do
      if s:sub(pos, pos + #lit - 1) == lit then
        pos = pos + #lit
        return v
      end
    end
    local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
    if num and #num > 0 then
      pos = pos + #num
      return tonumber(num) or fail("bad number")
    end
    fail("unexpected character")
  end
  local v = value()
  ws()
  if pos <= #s then fail("trailing text") end
  return v
end

local function expected_for(txt)
  local path = expected_dir .. "/" .. txt:gsub("%.txt$", ".json")
  local f = io.open(path, "rb")
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return json_decode(s)
end

-- ------------------------------------------------------------------------
-- Invariants every parse result must hold for its raw input.

local kinds = {
  paragraph = true, heading = true, caption = true, credit = true,
  standfirst = true, box = true, byline = true, ["quote-box"] = true,
  ["related-link"] = true, comment = true, boilerplate = true,
}

local function opt_string(v, what)
  assert(v == nil or (type(v) == "string" and v ~= ""),
         what .. ": expected nil or a non-empty string, got " .. tostring(v))
end

local function string_array(t, what)
  assert(type(t) == "table", what .. ": expected a table")
  for i = 1, #t do
    assert(type(t[i]) == "string", what .. "[" .. i .. "]: not a string")
  end
  for k in pairs(t) do
    assert(math.type(k) == "integer" and k >= 1 and k <= #t,
           what .. ": not an array")
  end
end

-- The first and last words of a text: runs of letters and digits (any
-- UTF-8 sequence counts as a letter here) after and before ASCII space and
-- punctuation.
local function first_word(text)
  return text:match("^[%s%p]*([%w\128-\255]+)")
end

local function last_word(text)
  return text:match("([%w\128-\255]+)[%s%p]*$")
end

-- With `words`, each block's raw span must begin with the first word of its
-- text and end with its last (ASCII space and punctuation aside); that
-- holds where the parser only strips and re-flows, not where it drops bytes
-- or decodes entities inside words (the hostile inputs).
local function check_article(raw, a, what, words)
  assert(type(a) == "table", what .. ": expected a table")
  opt_string(a.title, what .. " title")
  assert(type(a.title_language) == "string", what .. ": title_language")
  assert(type(a.language) == "string", what .. ": language")
  if a.date ~= nil then
    assert(a.date:match("^%d%d%d%d%-%d%d%-%d%d$"), what .. ": date " .. a.date)
    local sp = a.date_span
    assert(type(sp) == "table" and sp[1] >= 1 and sp[2] >= sp[1]
           and sp[2] <= #raw, what .. ": date_span")
  else
    assert(a.date_span == nil, what .. ": date_span without a date")
    assert(a.time == nil, what .. ": time without a date")
  end
  if a.time ~= nil then
    assert(a.time:match("^%d%d:%d%d$"), what .. ": time " .. a.time)
  end
  opt_string(a.source, what .. " source")
  opt_string(a.original_source, what .. " original_source")
  opt_string(a.dateline, what .. " dateline")
  string_array(a.authors, what .. " authors")
  string_array(a.warnings, what .. " warnings")
  string_array(a.paragraphs, what .. " paragraphs")
  string_array(a.captions, what .. " captions")
  string_array(a.headings, what .. " headings")
  assert(type(a.body) == "string", what .. ": body")
  assert(type(a.blocks) == "table", what .. ": blocks")

  local kept = {paragraph = {}, caption = {}, heading = {}}
  local body = {}
  local last_start = 0
  for i, b in ipairs(a.blocks) do
    local w = what .. " block " .. i
    assert(kinds[b.kind], w .. ": kind " .. tostring(b.kind))
    assert(type(b.text) == "string", w .. ": text")
    assert(utf8.len(b.text), w .. ": text is not valid UTF-8")
    assert(math.type(b.start) == "integer" and math.type(b.stop) == "integer",
           w .. ": span")
    assert(b.start >= 1 and b.stop >= b.start - 1 and b.stop <= #raw,
           w .. ": span out of range")
    assert(b.start > last_start, w .. ": blocks out of reading order")
    last_start = b.start
    local first = words and first_word(b.text)
    if first then
      local span = raw:sub(b.start, b.stop)
      assert(not span:find("^[\r\n]") and not span:find("[\r\n]$"),
             w .. ": raw span begins or ends with a line break")
      span = span:match("^[%s%p]*(.-)[%s%p]*$")
      local last = last_word(b.text)
      assert(span:sub(1, #first) == first,
             w .. ": raw span does not begin with '" .. first .. "'")
      assert(span:sub(-#last) == last,
             w .. ": raw span does not end with '" .. last .. "'")
    end
    if b.duplicate_of ~= nil then
      local d = b.duplicate_of
      assert(math.type(d) == "integer" and d >= 1 and d < i,
             w .. ": duplicate_of must point to an earlier block")
      assert(a.blocks[d].duplicate_of == nil,
             w .. ": duplicate_of must point to the kept block")
    else
      if kept[b.kind] then table.insert(kept[b.kind], b.text) end
      if b.kind == "paragraph" or b.kind == "standfirst" then
        body[#body + 1] = b.text
      end
    end
  end
  T.same(a.paragraphs, kept.paragraph, what .. " paragraphs")
  T.same(a.captions, kept.caption, what .. " captions")
  T.same(a.headings, kept.heading, what .. " headings")
  T.eq(a.body, table.concat(body, "\n\n"), what .. " body")
end

local function tmpfile(content)
  local name = os.tmpname()
  local f = assert(io.open(name, "wb"))
  f:write(content)
  f:close()
  return name
end

-- ------------------------------------------------------------------------

function tests.seeds_present()
  assert(#files >= 5, "expected the seed articles in " .. T.corpus_dir)
  for _, name in ipairs(files) do
    assert(expected_for(name), name .. ": no annotation in " .. expected_dir)
  end
end

function tests.json_decoder()
  T.same(json_decode(' {"a": [1, -2.5e1, true, false, "x\\u00e9\\ud83d\\ude00\\n"],'
                     .. ' "b": {}, "c": []} '),
         {a = {1, -25.0, true, false, "xé😀\n"}, b = {}, c = {}}, "decode")
  T.eq(json_decode("null"), null, "null")
end

function tests.seeds_match_annotations()
  for _, name in ipairs(files) do
    local path = T.corpus_dir .. "/" .. name
    local raw = T.readfile(path)
    local want = expected_for(name)
    local by_path = assert(kz.parse(path))
    local by_text = assert(kz.parse(raw))
    check_article(raw, by_path, name .. " (path)", true)
    check_article(raw, by_text, name .. " (text)", true)
    T.same(by_path, by_text, name .. ": path and text differ")
    T.same(assert(kz.parse(path, {path = true})), by_path, name .. " path=true")
    T.same(assert(kz.parse(raw, {path = false})), by_text, name .. " path=false")

    T.eq(by_path.title, want.title, name .. " title")
    local date = want.date
    if date == null then date = nil end
    T.eq(by_path.date, date, name .. " date")
    if by_path.date then
      local sp = by_path.date_span
      assert(raw:sub(sp[1], sp[2]):find("%d"),
             name .. ": the date span holds no digit")
    end
    assert(#by_path.blocks > 0 and #by_path.paragraphs > 0,
           name .. ": no paragraphs")
    assert(#by_path.body > 0, name .. ": empty body")
  end
end

-- Every duplicate repeats its kept block: the texts are equal or share most
-- of their words.
function tests.seed_duplicates_resemble_their_originals()
  local ndup = 0
  for _, name in ipairs(files) do
    local a = assert(kz.parse(T.corpus_dir .. "/" .. name))
    for i, b in ipairs(a.blocks) do
      if b.duplicate_of then
        ndup = ndup + 1
        local orig = a.blocks[b.duplicate_of].text
        local words, shared = 0, 0
        local seen = {}
        for w in orig:gmatch("[%w\128-\255]+") do seen[w:lower()] = true end
        for w in b.text:gmatch("[%w\128-\255]+") do
          words = words + 1
          if seen[w:lower()] then shared = shared + 1 end
        end
        assert(words > 0 and shared >= words / 2,
               string.format("%s block %d: duplicate of %d shares %d of %d "
                             .. "words", name, i, b.duplicate_of, shared,
                             words))
      end
    end
  end
  assert(ndup > 0, "the seeds repeat captions and teasers")
end

function tests.empty_input()
  for _, s in ipairs({"", "   ", "\n\n\t\n"}) do
    local a = assert(kz.parse(s))
    check_article(s, a, string.format("%q", s))
    T.eq(#a.blocks, 0, "blocks of blank input")
    T.eq(a.title, nil, "title of blank input")
    T.eq(a.date, nil, "date of blank input")
    T.eq(a.body, "", "body of blank input")
    assert(#a.warnings > 0, "blank input must warn")
  end
  local name = tmpfile("")
  local a = assert(kz.parse(name))
  os.remove(name)
  assert(#a.warnings > 0 and #a.blocks == 0, "empty file")
end

local binary = "Headline here\n\nSome\0text with\0\0 NUL bytes\1\2\3 and "
  .. "controls.\n\n" .. string.rep("\0\255\254binary", 50)
  .. "\n\nA last paragraph of ordinary text, long enough to be read.\n"

function tests.binary_with_nul_bytes()
  local a = assert(kz.parse(binary))
  check_article(binary, a, "binary")
  assert(#a.warnings > 0, "NUL bytes must be reported")
  for _, b in ipairs(a.blocks) do
    assert(not b.text:find("\0", 1, true), "NUL left in a block")
  end
  -- The same bytes from a file (10% control bytes) are refused: a file
  -- like that is an image or an archive, not a page with stray bytes.
  -- A string with NUL bytes is never a path.
  local name = tmpfile(binary)
  local f, err, code = kz.parse(name)
  os.remove(name)
  T.eq(f, nil, "binary file refused")
  assert(err:find(name, 1, true) and err:find("not a text article", 1, true), err)
  T.eq(code, -16, "KZ_EFORMAT")
  -- unless the caller insists
  name = tmpfile(binary)
  local forced = assert(kz.parse(name, {allow_binary = true}))
  os.remove(name)
  T.same(forced, a, "binary file parsed with allow_binary")
  local r = kz.parse("\0" .. name)
  assert(r, "a string with a NUL byte is text")
end

function tests.invalid_utf8()
  local s = "A title \255 with bad bytes\n\nThe body \192\175 has an overlong "
    .. "slash and a truncated sequence \226\130 here.\n\nEnd \237\160\128.\n"
  local a = assert(kz.parse(s))
  check_article(s, a, "invalid UTF-8")
  assert(#a.warnings > 0, "invalid UTF-8 must be reported")
  assert(utf8.len(a.body), "body is not valid UTF-8")
  for _, w in ipairs(a.warnings) do assert(#w > 0, "empty warning") end

  local r, msg, code = kz.parse(s, {strict_utf8 = true})
  T.eq(r, nil, "strict mode result")
  assert(type(msg) == "string" and #msg > 0, "strict mode message")
  T.eq(code, -4, "strict mode code (KZ_EUTF8)")
  -- Valid text passes strict mode unchanged.
  local ok = "Plain title\n\nA valid paragraph of text.\n"
  T.same(assert(kz.parse(ok, {strict_utf8 = true})), assert(kz.parse(ok)),
         "strict mode on valid text")
end

function tests.only_boilerplate_and_odd_shapes()
  local inputs = {
    "Advertisement\n\nSearch\n\nTop\n\nComments are closed.\n",
    string.rep("!", 100000),
    string.rep("word ", 200000),          -- one 1 MB line
    string.rep("<p>", 5000) .. "text" .. string.rep("</p>", 5000),
    "<img src=\"x.jpg\" alt=\"unclosed",
    "&amp;&lt;&#x1F600;&#99999999;&bogus;",
    string.rep("\n", 10000),
  }
  for i, s in ipairs(inputs) do
    local a = assert(kz.parse(s))
    check_article(s, a, "odd input " .. i)
  end
end

function tests.path_detection()
  local text = "A headline for the test\n\nA paragraph that says something "
    .. "about the test, in a full sentence.\n"
  local name = tmpfile(text)
  local by_path = assert(kz.parse(name))
  local by_text = assert(kz.parse(text))
  T.same(by_path, by_text, "a file name is read")
  -- path = false: the name itself is the text.
  local as_text = assert(kz.parse(name, {path = false}))
  check_article(name, as_text, "path=false", true)
  assert(not as_text.body:find("paragraph", 1, true),
         "path=false must not read the file")
  os.remove(name)

  -- A string that names no file is text; forced, it is an error.
  local missing = name .. ".missing"
  local a = assert(kz.parse(missing))
  check_article(missing, a, "missing name as text", true)
  local r, msg, code = kz.parse(missing, {path = true})
  T.eq(r, nil, "missing file")
  assert(msg:find(missing, 1, true), "message names the file: " .. msg)
  T.eq(code, -5, "missing file code (KZ_ENOTFOUND)")

  -- A directory is not a file: text when guessed, an error when forced.
  assert(kz.parse(T.source_dir), "directory name as text")
  r, msg, code = kz.parse(T.source_dir, {path = true})
  T.eq(r, nil, "directory as path")
  assert(type(msg) == "string" and math.type(code) == "integer" and code < 0,
         "directory as path gives message and code")
end

function tests.hints()
  local text = "Short note\n\nIt rained in the town today and the river rose "
    .. "over its banks by the evening.\n"
  local a = assert(kz.parse(text, {source = "The Example Gazette"}))
  check_article(text, a, "source hint", true)
  T.eq(a.source, "The Example Gazette", "source hint used when none named")
  local b = assert(kz.parse("Zz\n\nQq xx.\n", {language = "de"}))
  T.eq(b.language, "de", "language hint used when detection is unsure")
  local c = assert(kz.parse(text, {language = "xx-not-a-language"}))
  check_article(text, c, "unknown language hint", true)
end

function tests.misuse_raises()
  T.raises("bad argument #1", kz.parse)
  T.raises("bad argument #1", kz.parse, {})
  T.raises("bad argument #1", kz.parse, nil)
  T.raises("bad argument #2", kz.parse, "x", 5)
  T.raises("bad argument #2", kz.parse, "x", "opts")
  T.raises("unknown option 'bogus'", kz.parse, "x", {bogus = true})
  T.raises("unknown option 'stem'", kz.parse, "x", {stem = true})
  T.raises("option names must be strings", kz.parse, "x", {true})
  T.raises("option 'path' must be a boolean", kz.parse, "x", {path = "yes"})
  T.raises("option 'strict_utf8' must be a boolean", kz.parse, "x",
           {strict_utf8 = 1})
  T.raises("option 'language' must be a string", kz.parse, "x",
           {language = 1})
  T.raises("option 'source' must be a string", kz.parse, "x", {source = {}})
  T.raises("option 'source' contains a zero byte", kz.parse, "x",
           {source = "a\0b"})
  T.raises("path contains a zero byte", kz.parse, "a\0b", {path = true})
  -- The other functions do not take the parser's options.
  T.raises("unknown option 'path'", kz.tokenize, "x", {path = true})
  T.raises("unknown option 'strict_utf8'", kz.sentences, "x",
           {strict_utf8 = true})
end

-- Many parses with the collector running: the internal article holder is
-- freed either at once or by __gc, never twice.
function tests.repeated_parses_and_gc()
  local raw = T.readfile(T.corpus_dir .. "/" .. files[1])
  local first = assert(kz.parse(raw))
  for i = 1, 30 do
    local a = assert(kz.parse(raw, {language = "en"}))
    if i % 10 == 0 then collectgarbage() end
    T.eq(#a.blocks, #first.blocks, "block count " .. i)
  end
  -- A raised error inside kz.parse leaks nothing (checked by ASan).
  for _ = 1, 10 do pcall(kz.parse, raw, {bogus = 1}) end
  collectgarbage()
end

return tests
