-- Corpus analysis through kz.open: collocations, keyness, n-grams,
-- dispersion, the document-term matrix, quotes, numbers and entities.
-- Expected figures are computed here from the stored documents with
-- kz.tokenize (brute-force windows, a two-by-two G2), never written down.
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

-- One corpus of the seed articles, built once, and its token streams.
local dir, files, model
local function setup()
  if dir then return dir end
  dir = tmpdir() .. "/c"
  files = {}
  for _, name in ipairs(T.listdir(T.corpus_dir, "%.txt$")) do
    files[#files + 1] = T.corpus_dir .. "/" .. name
  end
  local c <close> = assert(kz.open(dir, {create = true}))
  assert(c:add_dir(T.corpus_dir))
  assert(c:commit())
  model = {}
  for _, f in ipairs(files) do
    local d = assert(c:doc(f))
    local m = {key = f, source = d.source, fields = {}, tokens = 0}
    for i, name in ipairs(FIELDS) do
      local toks = {}
      for _, t in ipairs(assert(kz.tokenize(d[name] or "", {punct = false}))) do
        if t.kind ~= "symbol" and t.norm ~= "" then
          toks[#toks + 1] = {norm = t.norm, pos = t.position}
        end
      end
      m.fields[i] = toks
      m.tokens = m.tokens + #toks
    end
    model[#model + 1] = m
  end
  return dir
end

local function freqs(pred)
  local n, total = {}, 0
  for _, d in ipairs(model) do
    if not pred or pred(d) then
      for _, f in ipairs(d.fields) do
        for _, t in ipairs(f) do
          n[t.norm] = (n[t.norm] or 0) + 1
          total = total + 1
        end
      end
    end
  end
  return n, total
end

local function close(a, b)
  local scale = math.max(math.abs(a), math.abs(b))
  return math.abs(a - b) <= 1e-9 * scale + 1e-12
end

local function g2(o11, o12, o21, o22)
  local n = o11 + o12 + o21 + o22
  local r1, r2, c1, c2 = o11 + o12, o21 + o22, o11 + o21, o12 + o22
  local o = {o11, o12, o21, o22}
  local e = {r1 * c1 / n, r1 * c2 / n, r2 * c1 / n, r2 * c2 / n}
  local s = 0
  for i = 1, 4 do
    if o[i] > 0 then s = s + o[i] * math.log(o[i] / e[i]) end
  end
  return 2 * s
end

function tests.collocations_against_brute_force()
  local c <close> = assert(kz.open(setup(), {readonly = true}))
  local fr, N = freqs()
  for _, node in ipairs({"tokayev", "said", "russia"}) do
    local L, R = 3, 2
    local obs, win, nodes = {}, 0, 0
    for _, d in ipairs(model) do
      for _, f in ipairs(d.fields) do
        local where = {}
        for _, t in ipairs(f) do
          if t.norm == node then where[#where + 1] = t.pos end
        end
        nodes = nodes + #where
        for _, t in ipairs(f) do
          if t.norm ~= node then
            for _, p in ipairs(where) do
              if (t.pos < p and p - t.pos <= L) or (t.pos > p and t.pos - p <= R) then
                win = win + 1
                obs[t.norm] = (obs[t.norm] or 0) + 1
                break
              end
            end
          end
        end
      end
    end
    local co = assert(c:collocations(node, {left = L, right = R, min_freq = 1,
                                            measure = "g2"}))
    T.eq(co.node_freq, nodes, node .. " node_freq")
    T.eq(co.window_tokens, win, node .. " window")
    T.eq(co.corpus_tokens, N, node .. " N")
    local seen = 0
    for _, r in ipairs(co) do
      T.eq(r.observed, obs[r.term], r.term .. " observed")
      T.eq(r.freq, fr[r.term], r.term .. " freq")
      T.eq(r.left + r.right, r.observed, "left + right")
      assert(close(r.g2, g2(r.observed, win - r.observed, r.freq - r.observed,
                            N - win - r.freq + r.observed)), r.term)
      assert(close(r.log_dice, 14 + math.log(2 * r.observed / (nodes + r.freq), 2)))
      seen = seen + 1
    end
    local want = 0
    for _ in pairs(obs) do want = want + 1 end
    T.eq(seen, want, node .. " collocates")
  end
  -- options and misuse
  local top = assert(c:collocations("tokayev", {min_freq = 2, limit = 2,
                                                stopwords = true}))
  assert(#top <= 2)
  for _, r in ipairs(top) do assert(r.observed >= 2 and r.term ~= "the") end
  T.raises("unknown option", c.collocations, c, "x", {widht = 3})
  T.raises("invalid value", c.collocations, c, "x", {measure = "nope"})
  local none, msg, code = c:collocations("(tokayev")
  T.eq(none, nil, "bad query")
  T.eq(code, -12, "KZ_EQUERY")
  assert(msg:find("query error"), msg)
end

function tests.keyness_against_two_by_two()
  local c <close> = assert(kz.open(setup(), {readonly = true}))
  local ta, C = freqs(function(d) return d.source == "RT DE" end)
  local tb, D = freqs(function(d) return d.source ~= "RT DE" end)
  local k = assert(c:keyness('source:"RT DE"'))
  T.eq(k.target_tokens, C, "c")
  T.eq(k.reference_tokens, D, "d")
  local last = math.huge
  for _, r in ipairs(k) do
    local a, b = ta[r.term] or 0, tb[r.term] or 0
    T.eq(r.freq_target, a, r.term)
    T.eq(r.freq_reference, b, r.term)
    local want = g2(a, b, C - a, D - b)
    if a / C < b / D then want = -want end
    assert(close(r.g2, want), r.term)
    assert(r.g2 <= last)
    last = r.g2
  end
  local two = assert(c:keyness('source:"RT DE"', "source:MT", {limit = 5}))
  T.eq(#two, 5, "limit")
end

function tests.ngrams_dispersion_dtm()
  local c <close> = assert(kz.open(setup(), {readonly = true}))
  local fr, N = freqs()
  local uni = assert(c:ngrams(1))
  T.eq(uni.total, N, "unigrams")
  for _, r in ipairs(uni) do T.eq(r.freq, fr[r.ngram], r.ngram) end
  local tri = assert(c:ngrams(3, {stopwords = "edges", min_freq = 2}))
  assert(#tri > 0)
  for _, r in ipairs(tri) do assert(r.freq >= 2) end
  T.raises("n must be 1 to 5", c.ngrams, c, 7)

  local d = assert(c:dispersion("tokayev"))
  local cnt = assert(c:count("tokayev", {by = "all"}))
  T.eq(d.hits, cnt.total_matches, "hits")
  T.eq(#d, d.hits, "#hits")
  T.eq(#d.documents, cnt.total_docs, "documents")
  assert(d.dp > 0 and d.dp < 1)
  for _, h in ipairs(d) do
    local body = assert(c:doc(h.doc))[h.field]
    T.eq(body:sub(h.start, h.stop):lower(), "tokayev", "hit span")
  end

  local m = assert(c:dtm())
  T.eq(m.rows, #files, "rows")
  T.eq(#m.indptr, m.rows + 1, "indptr")
  T.eq(m.indptr[#m.indptr], m.nnz + 1, "indptr end")
  local sum = 0
  for _, v in ipairs(m.data) do sum = sum + v end
  T.eq(sum, N, "all counts")
  for i = 1, m.rows do
    local want = 0
    for _, x in ipairs(model) do if x.key == m.keys[i] then want = x.tokens end end
    local got = 0
    for k = m.indptr[i], m.indptr[i + 1] - 1 do got = got + m.data[k] end
    T.eq(got, want, "row sum")
  end
  local t = assert(c:dtm({weighting = "tfidf", norm = "l2", min_df = 2}))
  for i = 1, t.rows do
    local s = 0
    for k = t.indptr[i], t.indptr[i + 1] - 1 do s = s + t.data[k] ^ 2 end
    assert(close(s, 1), "unit rows")
  end
  for _, df in ipairs(t.df) do assert(df >= 2) end
end

function tests.quotes_numbers_entities()
  local c <close> = assert(kz.open(setup(), {readonly = true}))
  local qs = assert(c:quotes())
  assert(#qs > 10)
  for _, q in ipairs(qs) do
    local body = assert(c:doc(q.doc)).body
    local span = body:sub(q.start, q.stop)
    assert(#span >= #q.text, "quote span")
    assert(q.kind == "direct" or q.kind == "partial" or q.kind == "scare")
  end
  local ns = assert(c:numbers('source:"RT DE"'))
  assert(#ns > 0)
  for _, n in ipairs(ns) do
    T.eq(n.source, "RT DE", "filtered source")
    assert(n.low <= n.value and n.value <= n.high)
  end
  local es = assert(c:entities(nil, {stored_only = true}))
  local tok
  for _, e in ipairs(es) do
    if e.variants.Tokayev then tok = e end
  end
  assert(tok and tok.variants.Toqayev, "Tokayev and Toqayev are one entity")
  local n = 0
  for _, v in pairs(tok.by_source) do n = n + v end
  T.eq(n, tok.count, "by_source adds up")
  T.raises("unknown option", c.quotes, c, nil, {stored = true})
end

function tests.zz_cleanup()
  if dir then os.execute("rm -rf '" .. dir:gsub("/c$", "") .. "'") end
end

return tests
