-- GET /api/v1/holds for a random one of the seeded subjects
-- (subject0..subject{SUBJECTS-1}@example.com; a tenth of them frozen).
local subjects = tonumber(os.getenv("SUBJECTS") or "1000000")
local token = os.getenv("TOKEN")

function setup(thread)
  thread:set("seed", math.random(1, 1e9))
end

function init(args)
  math.randomseed(seed)
  wrk.headers["Authorization"] = "Bearer " .. token
end

function request()
  local path = "/api/v1/holds?identifier=email:subject" .. math.random(0, subjects - 1) .. "@example.com"
  return wrk.format("GET", path)
end
