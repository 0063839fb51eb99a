-- The corpus through kz.open: building from examples/corpus, searching,
-- KWIC, counts, writing and errors.  Expected results are computed from the
-- stored documents with kz.tokenize, never written down.
local T = ...
local kz = require "kz"

local tests = {}

local FIELDS = {"title", "body", "caption", "heading"}

local function tmpdir()
  local p = assert(io.popen("mktemp -d /tmp/kzluaXXXXXX"))
  local d = p:read("l")
  p:close()
  return d
end

local function rmrf(d)
  os.execute("rm -rf '" .. d .. "'")
end

local function norms(s)
  local out = {}
  for _, t in ipairs(assert(kz.tokenize(s or "", {punct = false}))) do
    out[#out + 1] = t.norm
  end
  return out
end

local function count_word(doc, word)
  local n = 0
  for _, f in ipairs(FIELDS) do
    for _, w in ipairs(norms(doc[f])) do
      if w == word then n = n + 1 end
    end
  end
  return n
end

local function set_of(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

local function sorted(list)
  local c = {}
  for i, v in ipairs(list) do c[i] = v end
  table.sort(c)
  return c
end

-- One corpus of the seed articles, built once.
local built, files, docs
local function setup()
  if built then return built end
  built = tmpdir() .. "/c"
  files = {}
  for _, name in ipairs(T.listdir(T.corpus_dir, "%.txt$")) do
    files[#files + 1] = T.corpus_dir .. "/" .. name
  end
  local c <close> = assert(kz.open(built, {create = true}))
  local added, failed = c:add_dir(T.corpus_dir)
  T.eq(added, #files, "added")
  T.eq(failed, 0, "failed")
  T.eq(#c, 0, "before commit")
  assert(c:commit())
  T.eq(#c, #files, "after commit")
  docs = {}
  for _, f in ipairs(files) do docs[f] = assert(c:doc(f)) end
  return built
end

local function want_keys(pred)
  local out = {}
  for key, d in pairs(docs) do
    if pred(d) then out[#out + 1] = key end
  end
  return sorted(out)
end

function tests.open_and_docs()
  local c <close> = assert(kz.open(setup(), {readonly = true}))
  T.eq(#c, #files, "#c")
  assert(tostring(c):find("readonly"), tostring(c))
  local st = assert(c:stats())
  T.eq(st.docs, #files, "stats.docs")
  assert(st.tokens > 1000)
  for _, f in ipairs(files) do
    local d = docs[f]
    local a = assert(kz.parse(f))
    T.eq(d.key, f, "key")
    T.eq(d.title, a.title, "title")
    T.eq(d.source, a.source, "source")
    T.eq(d.date, a.date, "date")
    T.eq(d.body, a.body, "body")
    -- the article view: the parse's lists, in the page's order
    T.same(d.authors, a.authors, "authors")
    -- (the body's paragraphs: a standfirst is one of them)
    T.eq(table.concat(d.paragraphs, "\n\n"), a.body, "paragraphs")
    T.same(d.captions, a.captions, "captions")
    local function laid(t)
      local out = {}
      for _, b in ipairs(t.blocks) do
        if (b.kind == "heading" or b.kind == "caption") and not b.duplicate_of
            and b.text ~= t.title then
          out[#out + 1] = b.kind .. ":" .. b.text
        end
      end
      return out
    end
    T.same(laid(d), laid(a), "headings and captions in order")
    for _, b in ipairs(d.blocks) do
      if b.kind == "paragraph" then T.eq(d.body:sub(b.start, b.stop), b.text, "span") end
    end
  end
  local none, msg, code = c:doc("no/such/key")
  T.eq(none, nil, "missing doc")
  T.eq(code, -5, "ENOTFOUND")
  assert(msg and #msg > 0)
end

function tests.search_iterator_and_table()
  local c <close> = assert(kz.open(setup(), {readonly = true}))
  local want = want_keys(function(d) return count_word(d, "tokayev") > 0 end)
  assert(#want > 0)
  local got, last = {}, math.huge
  for hit in c:search("Tokayev", {limit = math.huge}) do
    got[#got + 1] = hit.key
    assert(hit.score <= last and hit.score > 0, "scores descend")
    last = hit.score
    local d = docs[hit.key]
    T.eq(hit.title, d.title, "hit.title")
    T.eq(hit.date, d.date, "hit.date")
    for _, h in ipairs(hit.highlights) do
      T.same(norms(hit.snippet:sub(h[1], h[2])), {"tokayev"}, "highlight")
    end
    for _, h in ipairs(hit.body_highlights) do
      T.same(norms(d.body:sub(h[1], h[2])), {"tokayev"}, "body highlight")
    end
  end
  T.same(sorted(got), want, "search keys")
  local all = assert(c:search_all("tokayev", {limit = 2, body = true}))
  T.eq(all.total, #want, "total")
  T.eq(#all, math.min(2, #want), "limit")
  assert(all.exact)
  T.eq(all[1].body, docs[all[1].key].body, "body option")
  T.eq(#c:search_all("tokayev"), #want, "default limit 10")
  -- by date
  local prev
  for hit in c:search("kazakhstan", {sort = "newest", limit = math.huge}) do
    if hit.date then
      assert(prev == nil or hit.date <= prev, "newest first")
      prev = hit.date
    end
  end
end

function tests.boolean_phrase_prefix_fields_filters()
  local c <close> = assert(kz.open(setup(), {readonly = true}))
  local function has(w) return function(d) return count_word(d, w) > 0 end end
  local a, b = set_of(want_keys(has("tokayev"))), set_of(want_keys(has("csto")))
  local both = {}
  for k in pairs(a) do if b[k] then both[#both + 1] = k end end
  T.same(sorted(assert(c:keys("tokayev AND csto"))), sorted(both), "AND")
  local either = {}
  for k in pairs(docs) do if a[k] or b[k] then either[#either + 1] = k end end
  T.same(sorted(assert(c:keys("tokayev OR csto"))), sorted(either), "OR")
  local nb = {}
  for k in pairs(a) do if not b[k] then nb[#nb + 1] = k end end
  T.same(sorted(assert(c:keys("tokayev -csto"))), sorted(nb), "NOT")
  -- phrase
  T.same(sorted(assert(c:keys('"collective security treaty"'))),
         want_keys(function(d)
           for _, f in ipairs(FIELDS) do
             local n = norms(d[f])
             for i = 1, #n - 2 do
               if n[i] == "collective" and n[i + 1] == "security"
                  and n[i + 2] == "treaty" then return true end
             end
           end
           return false
         end), "phrase")
  -- prefix
  T.same(sorted(assert(c:keys("terror*"))), want_keys(function(d)
    for _, f in ipairs(FIELDS) do
      for _, w in ipairs(norms(d[f])) do
        if w:sub(1, 6) == "terror" then return true end
      end
    end
    return false
  end), "prefix")
  -- fields
  T.same(sorted(assert(c:keys("title:kazakhstan"))), want_keys(function(d)
    for _, w in ipairs(norms(d.title)) do
      if w == "kazakhstan" then return true end
    end
    return false
  end), "title:")
  -- source and date
  for _, d in pairs(docs) do
    if d.source then
      T.same(sorted(assert(c:keys('source:"' .. d.source .. '"'))),
             want_keys(function(e) return e.source == d.source end),
             "source:" .. d.source)
    end
    if d.date then
      T.same(sorted(assert(c:keys("date:>=" .. d.date))),
             want_keys(function(e) return e.date and e.date >= d.date end),
             "date:>=" .. d.date)
    end
  end
end

function tests.kwic_count_vocabulary()
  local c <close> = assert(kz.open(setup(), {readonly = true}))
  local occ = 0
  for _, d in pairs(docs) do occ = occ + count_word(d, "tokayev") end
  local k = assert(c:kwic("tokayev", {width = 3}))
  T.eq(#k, occ, "kwic rows")
  for _, row in ipairs(k) do
    T.same(norms(row.match), {"tokayev"}, "kwic match")
    assert(#norms(row.left) <= 3 and #norms(row.right) <= 3, "width")
    T.eq(docs[row.doc][row.field]:sub(row.start, row.stop), row.match,
         "kwic offsets")
  end
  local by_left = assert(c:kwic("tokayev", {sort = "left"}))
  T.eq(#by_left, occ, "sorted kwic rows")
  T.eq(#assert(c:kwic("tokayev", {limit = 2})), 2, "kwic limit")
  local counts = assert(c:count("tokayev", {by = "source"}))
  T.eq(counts.total_matches, occ, "count matches")
  T.eq(counts.total_docs, assert(c:search_all("tokayev")).total,
       "count docs")
  for _, row in ipairs(counts) do
    T.eq(counts.groups[row.group], row, "groups map")
    local n = 0
    for _, d in pairs(docs) do
      if (d.source or "") == row.group then n = n + count_word(d, "tokayev") end
    end
    T.eq(row.matches, n, "matches of " .. row.group)
    assert(math.abs(row.per_million - row.matches * 1e6 / row.group_words)
           < 1e-6 * row.per_million)
  end
  local pm = assert(c:count("tokayev", {by = "source", per_million = true}))
  T.eq(#pm, #counts, "per_million option keeps the rows")
  local ok, err = pcall(c.count, c, "tokayev", {per_million = 1})
  T.eq(ok, false, "per_million must be a boolean")
  T.eq(tostring(err):find("per_million", 1, true) ~= nil, true, "error names the option")
  local months = assert(c:count("kazakhstan", {by = "month"}))
  for _, row in ipairs(months) do
    assert(row.group == "" or row.group:match("^%d%d%d%d%-%d%d$"), row.group)
  end
  local v = assert(c:vocabulary())
  assert(#v > 500)
  for _, e in ipairs(v) do
    if e.term == "tokayev" then T.eq(e.tf, occ, "vocabulary tf") end
  end
end

function tests.query_errors()
  local c <close> = assert(kz.open(setup(), {readonly = true}))
  for _, q in ipairs({'"state of', "(tokayev", "foo:bar", "date:2022-13-01"}) do
    local r, msg, code = c:search_all(q)
    T.eq(r, nil, q)
    T.eq(code, -12, "EQUERY for " .. q)
    assert(msg:find("at byte", 1, true), msg)
    T.eq(select(3, c:keys(q)), -12, "keys " .. q)
    T.eq(select(3, c:kwic(q)), -12, "kwic " .. q)
    T.eq(select(3, c:count(q)), -12, "count " .. q)
  end
  T.raises("at byte", function()
    for _ in c:search("(tokayev") do end
  end)
  T.raises("invalid value", c.search_all, c, "x", {sort = "random"})
  T.raises("unknown option", c.kwic, c, "x", {colour = "red"})
end

function tests.write_delete_reopen_busy()
  local dir = tmpdir()
  local path = dir .. "/c"
  do
    local c <close> = assert(kz.open(path, {create = true}))
    assert(c:add("Protesters stormed the akimat in Almaty.",
                 {key = "n1", title = "Almaty unrest", date = "2022-01-05",
                  source = "Example Wire", author = {"Ann Lee", "Bo Ma"}}))
    assert(c:add("Fuel prices doubled.", {key = "n2"}))
    -- a second writer is refused
    local w2 <close> = assert(kz.open(path))
    local ok, msg, code = w2:add("x", {key = "x"})
    T.eq(ok, nil, "busy")
    T.eq(code, -11, "EBUSY")
    assert(msg:find("locked", 1, true), msg)
    assert(c:commit())
    T.same(assert(c:keys("almaty")), {"n1"}, "committed")
    T.eq(assert(c:doc("n1")).author, "Ann Lee; Bo Ma", "authors")
    local hit = assert(c:search_all("almaty"))[1]
    T.eq(hit.date, "2022-01-05", "date")
    assert(c:delete("n2"))
    T.eq(select(3, c:delete("nope")), -5, "delete missing")
    assert(c:commit())
    assert(c:add("never committed", {key = "n3"}))
    -- misuse raises
    T.raises("needs 'key'", c.add, c, "a text\nwith lines")
    T.raises("metadata", c.add, c, T.corpus_dir .. "/" ..
             T.listdir(T.corpus_dir, "%.txt$")[1], {title = "x"})
    local none, m2, c2 = c:add(dir .. "/nosuchfile.txt")
    T.eq(none, nil, "missing file")
    T.eq(c2, -5, "missing file code")
    assert(m2:find("no such file", 1, true), m2)
  end
  local c <close> = assert(kz.open(path, {readonly = true}))
  T.eq(#c, 1, "persisted")
  T.same(assert(c:keys("almaty OR fuel OR committed")), {"n1"}, "state")
  c:close()
  T.raises("closed corpus", function() return #c end)
  T.raises("closed corpus", c.search_all, c, "x")
  c:close() -- twice is fine
  local none, _, code = kz.open(dir .. "/missing")
  T.eq(none, nil, "open missing")
  T.eq(code, -5, "open missing code")
  rmrf(dir)
end

function tests.jsonl_and_progress()
  local dir = tmpdir()
  local c <close> = assert(kz.open(dir .. "/c", {create = true}))
  local p = dir .. "/a.jsonl"
  local f = assert(io.open(p, "w"))
  for i = 1, 600 do
    f:write(string.format(
      '{"id": "j%d", "title": "Item %d", "text": "Tokayev spoke, day %d.", ' ..
      '"source": "Wire %d"}\n', i, i, i, i % 3))
  end
  f:write("not json\n")
  f:close()
  local calls, last = 0, nil
  local added, skipped = c:add_jsonl(p, {progress = function(done, total, n)
    calls = calls + 1
    last = {done, total, n}
  end})
  T.eq(added, 600, "added")
  T.eq(skipped, 1, "skipped")
  assert(calls >= 2)
  T.eq(last[3], 600, "final docs")
  T.eq(last[1], last[2], "done == total at the end")
  assert(c:commit())
  local counts = assert(c:count("tokayev"))
  T.eq(counts.groups["Wire 0"].matches, 200, "per source")
  local r, msg, code = c:add_jsonl(p, {strict = true})
  T.eq(r, nil, "strict")
  T.eq(code, -16, "EFORMAT")
  assert(msg:find(":601:", 1, true), msg)
  -- an error in the function stops the add and is raised
  T.raises("boom", c.add_jsonl, c, p, {progress = function() error("boom") end})
  -- false stops quietly
  local n = c:add_jsonl(p, {progress = function() return false end})
  assert(n < 600, "stopped early")
  -- the corpus cannot be used from its own progress function
  T.raises("progress function", c.add_jsonl, c, p,
           {progress = function() c:commit() end})
  rmrf(dir)
end

function tests.zz_cleanup()
  if built then rmrf(built:match("^(.*)/c$")) end
end

return tests
