-- POST /requests as a stranger's browser does: multipart, no file, the
-- CSRF cookie and token of one form, a different person each time (so no
-- per-address cap applies). Counts the 303s (accepted) and other answers.
local cookie = os.getenv("CSRF_COOKIE")
local csrf = os.getenv("CSRF_TOKEN")
local boundary = "benchBOUNDARY"
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  accepted = 0
  other = 0
  wrk.headers["Cookie"] = cookie
  wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
end

local function part(name, value)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name .. "\"\r\n\r\n" .. value .. "\r\n"
end

-- Each run of wrk starts n again and math.random unseeded, so the run's
-- start is in every address: a later run must not post as the same
-- people (past the per-address cap of unconfirmed requests, its posts
-- would be refused).
local run = os.time()

function request()
  n = n + 1
  local who = "bench-" .. run .. "-" .. id .. "-" .. n .. "-" .. math.random(1, 1e9)
  local body = part("csrf_token", csrf)
    .. part("kind", "access")
    .. part("on_behalf", "self")
    .. part("requester_name", "Bench Person")
    .. part("requester_email", who .. "@example.com")
    .. part("details", "Please show me what you hold about me.")
    .. part("notice_lang", "en")
    .. "--" .. boundary .. "--\r\n"
  return wrk.format("POST", "/requests", nil, body)
end

function response(status, headers, body)
  if status == 303 then
    accepted = accepted + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local a, o = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("accepted")
    o = o + t:get("other")
  end
  io.write(string.format("ACCEPTED %d OTHER %d\n", a, o))
end
