-- run.lua - the Lua test runner of libkz.
--
--   LUA_CPATH='build/lua/?.so' lua5.4 tests/lua/run.lua [DIR]
--
-- Loads every DIR/test_*.lua (DIR defaults to this script's directory).
-- Each file is called with a context table T (helpers, paths) and returns
-- a table of named test functions; they run in name order under xpcall.
-- Prints each failure with its traceback and ends with the line
-- "N passed, N failed"; the exit status is nonzero when any test failed.

local here = arg and arg[0] and arg[0]:match("^(.*)/[^/]*$") or "."
local dir = arg[1] or here

local function shquote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

local T = {}
T.source_dir = os.getenv("KZ_SOURCE_DIR") or (here .. "/../..")
T.corpus_dir = T.source_dir .. "/examples/corpus"

-- The names in directory d that match the Lua pattern pat, sorted.
function T.listdir(d, pat)
  local p = assert(io.popen("ls -1 " .. shquote(d) .. " 2>/dev/null"))
  local names = {}
  for name in p:lines() do
    if name:match(pat) then names[#names + 1] = name end
  end
  p:close()
  table.sort(names)
  return names
end

function T.readfile(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

function T.eq(got, want, what)
  if got ~= want then
    error(string.format("%s: expected %s, got %s", what or "value",
                        show(want), show(got)), 2)
  end
end

-- Deep comparison of plain tables.
function T.same(a, b, what)
  local function walk(x, y, path)
    if type(x) ~= "table" or type(y) ~= "table" then
      if x ~= y then
        error(string.format("%s%s: expected %s, got %s", what or "value",
                            path, show(y), show(x)), 3)
      end
      return
    end
    for k, v in pairs(y) do walk(x[k], v, path .. "." .. tostring(k)) end
    for k, v in pairs(x) do
      if y[k] == nil then walk(v, nil, path .. "." .. tostring(k)) end
    end
  end
  walk(a, b, "")
end

-- Call f(...) and expect a raised error whose message contains `pattern`
-- (a plain substring).
function T.raises(pattern, f, ...)
  local ok, err = pcall(f, ...)
  if ok then error("expected an error matching '" .. pattern .. "'", 2) end
  if not tostring(err):find(pattern, 1, true) then
    error("error '" .. tostring(err) .. "' does not contain '" .. pattern
          .. "'", 2)
  end
  return err
end

-- Check the invariants every token list must hold for its input s.
function T.check_tokens(s, toks)
  local last_stop, last_pos = 0, 0
  for i, t in ipairs(toks) do
    local where = "token " .. i
    assert(type(t.text) == "string" and type(t.norm) == "string", where)
    assert(math.type(t.start) == "integer" and math.type(t.stop) == "integer",
           where)
    assert(t.start >= 1 and t.stop >= t.start and t.stop <= #s,
           where .. ": span out of range")
    assert(t.start > last_stop, where .. ": overlaps the previous token")
    T.eq(s:sub(t.start, t.stop), t.text, where .. " text")
    assert(type(t.kind) == "string" and t.kind ~= "unknown",
           where .. ": kind")
    assert(math.type(t.position) == "integer" and t.position >= last_pos,
           where .. ": positions must not decrease")
    last_stop, last_pos = t.stop, t.position
  end
end

-- ------------------------------------------------------------------------

local files = T.listdir(dir, "^test_.*%.lua$")
local passed, failed = 0, 0

local function fail(name, err)
  failed = failed + 1
  io.write("FAIL ", name, "\n", tostring(err), "\n\n")
end

if #files == 0 then fail(dir, "no test_*.lua files found") end

for _, file in ipairs(files) do
  local chunk, err = loadfile(dir .. "/" .. file)
  local ok, tests = false, err
  if chunk then ok, tests = pcall(chunk, T) end
  if not ok or type(tests) ~= "table" then
    fail(file, ok and "file did not return a table of tests" or tests)
  else
    local names = {}
    for name in pairs(tests) do names[#names + 1] = name end
    table.sort(names)
    for _, name in ipairs(names) do
      local full = file:gsub("%.lua$", "") .. "." .. name
      local tok, terr = xpcall(tests[name], debug.traceback)
      if tok then
        passed = passed + 1
      else
        fail(full, terr)
      end
    end
  end
end

io.write(string.format("%d passed, %d failed\n", passed, failed))
os.exit(failed == 0 and 0 or 1, true)
