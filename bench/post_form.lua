-- wrk script: POST the full questionnaire as form data, with a real (cookie, csrf_token) pair.
--
-- BENCH_BODIES names a file of lines "<Cookie header value>\t<urlencoded body>", one per
-- session fetched with a real GET of the form (bench/submission.py). Requests rotate over the
-- pairs (wrk gives a script no connection id): a Flask-WTF token stays valid for hours for
-- the session that issued it, so every pair can be reused any number of times. Every reply's status is counted; the summary line
-- "BENCH_STATUS {json}" lets bench/common.py count everything but 303 as an error.

local pairs_list = {}
local threads = {}
local counter = 0

local function load_pairs()
  local path = os.getenv("BENCH_BODIES")
  local f = assert(io.open(path, "r"))
  for line in f:lines() do
    local cookie, body = line:match("^(.-)\t(.*)$")
    if cookie then
      table.insert(pairs_list, { cookie = cookie, body = body })
    end
  end
  f:close()
  assert(#pairs_list > 0, "no (cookie, body) pairs in " .. path)
end

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  load_pairs()
  statuses = {}
  requests_made = 0
end

-- One request text per pair, built once; connections rotate through them.
local built = nil

function request()
  if built == nil then
    built = {}
    for i, p in ipairs(pairs_list) do
      built[i] = wrk.format("POST", nil, {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["Cookie"] = p.cookie,
      }, p.body)
    end
  end
  requests_made = requests_made + 1
  local index = ((id or 0) * 7 + requests_made) % #built + 1
  return built[index]
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    if s then
      for code, n in pairs(s) do
        total[code] = (total[code] or 0) + n
      end
    end
  end
  local parts = {}
  for code, n in pairs(total) do
    table.insert(parts, string.format('"%s": %d', code, n))
  end
  io.write("BENCH_STATUS {" .. table.concat(parts, ", ") .. "}\n")
end
