-- A tour of libkz from Lua 5.4: parse the articles, index them, search,
-- and print KWIC lines by outlet.
--
--   LUA_CPATH='build/lua/?.so' lua5.4 examples/lua/kz_tour.lua [CORPUS_DIR]
--
-- CORPUS_DIR holds the scraped articles (one text file each); it defaults
-- to examples/corpus next to this script.  The index is built in a
-- temporary directory that is removed at the end.
local kz = require "kz"

local script_dir = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
local corpus_dir = arg and arg[1] or (script_dir .. "/../corpus")

local function sh_quote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

local function list_files(dir)
  local p = assert(io.popen("ls -1 " .. sh_quote(dir)))
  local out = {}
  for name in p:lines() do
    if name:match("%.txt$") then out[#out + 1] = dir .. "/" .. name end
  end
  p:close()
  table.sort(out)
  return out
end

local function temp_dir()
  local p = assert(io.popen("mktemp -d /tmp/kz_tour_XXXXXX"))
  local d = p:read("l")
  p:close()
  assert(d and d ~= "", "mktemp failed")
  return d
end

-- s on one line, cut to n characters (keeping its end with from_end).
local function clip(s, n, from_end)
  s = s:gsub("%s+", " ")
  local len = utf8.len(s)
  if not len or len <= n then return s end
  if from_end then return "…" .. s:sub(utf8.offset(s, len - n + 2)) end
  return s:sub(1, utf8.offset(s, n) - 1) .. "…"
end

-- Pad s to w characters (counting UTF-8 characters, not bytes).
local function pad(s, w, right)
  local n = utf8.len(s) or #s
  local fill = string.rep(" ", math.max(0, w - n))
  return right and fill .. s or s .. fill
end

local files = list_files(corpus_dir)
if #files == 0 then
  io.stderr:write("kz_tour: no articles in ", corpus_dir, "\n")
  os.exit(1)
end
print(("libkz %s, %d articles in %s"):format(kz.version, #files, corpus_dir))

-- 1. Parse each article.
print("\nThe articles")
for _, path in ipairs(files) do
  local a = assert(kz.parse(path, {path = true}))
  local words = 0
  for _, t in ipairs(assert(kz.tokenize(a.body or "", {punct = false}))) do
    if t.kind == "word" then words = words + 1 end
  end
  print(("  %s  %s  %s  %5d words  %s"):format(
    pad(a.source or "?", 18), pad(a.date or "-", 10), a.language,
    words, clip(a.title or "", 50)))
end

-- 2. Index them.
local tmp = temp_dir()
local ok, err = pcall(function()
  local c <close> = assert(kz.open(tmp .. "/corpus", {create = true, possessive = true}))
  local added, failed = c:add_dir(corpus_dir)
  assert(c:commit())
  local st = c:stats()
  print(("\nindexed %d articles (%d failed): %d tokens, %d terms"):format(
    added, failed, st.tokens, st.terms))
  assert(#c == added, "committed document count")

  local source_of = {}
  local function outlet(key)
    if not source_of[key] then
      source_of[key] = assert(c:doc(key)).source or "?"
    end
    return source_of[key]
  end

  -- 3. Search: the best hits with the matches in brackets.
  for _, q in ipairs{"CSTO peacekeep*", '"color revolution" OR Maidan'} do
    print(("\nSearch: %s"):format(q))
    for hit in c:search(q, {limit = 3}) do
      local s, last, parts = hit.snippet, 1, {}
      for _, h in ipairs(hit.highlights) do
        parts[#parts + 1] = s:sub(last, h[1] - 1)
        parts[#parts + 1] = "[" .. s:sub(h[1], h[2]) .. "]"
        last = h[2] + 1
      end
      parts[#parts + 1] = s:sub(last)
      print(("  %6.3f  %s  %s"):format(hit.score, pad(hit.source or "?", 18),
                                       clip(hit.title or "", 50)))
      print("          " .. clip(table.concat(parts), 150))
    end
  end

  -- 4. KWIC lines by outlet.
  for _, q in ipairs{"terroris*", "peacekeep*"} do
    print(("\nKWIC: %s"):format(q))
    local rows = assert(c:kwic(q, {width = 6}))
    table.sort(rows, function(a, b)
      local oa, ob = outlet(a.doc), outlet(b.doc)
      if oa ~= ob then return oa < ob end
      return a.start < b.start
    end)
    for _, r in ipairs(rows) do
      assert(r.match:lower():find(q:sub(1, -2), 1, true) == 1, r.match)
      print(("  %s %s [%s] %s"):format(pad(outlet(r.doc), 18),
        pad(clip(r.left, 40, true), 41, true), r.match, clip(r.right, 40)))
    end
  end

  -- 5. Matches per million words, by outlet.
  print("\nterroris* per million words")
  local counts = assert(c:count("terroris*", {by = "source"}))
  for _, row in ipairs(counts) do
    print(("  %s %7.0f  (%d in %d words)"):format(pad(row.group or "?", 18),
      row.per_million, row.matches, row.group_words))
  end
end)
os.execute("rm -rf " .. sh_quote(tmp))
if not ok then
  io.stderr:write("kz_tour: ", tostring(err), "\n")
  os.exit(1)
end
