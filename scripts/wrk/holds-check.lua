-- POST /api/v1/holds/check with BATCH random seeded subjects per call.
local subjects = tonumber(os.getenv("SUBJECTS") or "1000000")
local batch = tonumber(os.getenv("BATCH") or "100")
local token = os.getenv("TOKEN")

function setup(thread)
  thread:set("seed", math.random(1, 1e9))
end

function init(args)
  math.randomseed(seed)
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local ids = {}
  for i = 1, batch do
    ids[i] = '"email:subject' .. math.random(0, subjects - 1) .. '@example.com"'
  end
  return wrk.format("POST", "/api/v1/holds/check", nil, '{"identifiers":[' .. table.concat(ids, ",") .. ']}')
end
