-- Each thread (one connection each, so its reports stay in order) opens a session and finishes it:
-- every second report moves a session from running to success, i.e. is notified.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

-- Sessions are new in every run (a session already finished would not finish again).
local run = os.time()
local counter = 0
request = function()
  counter = counter + 1
  local n = math.floor((counter + 1) / 2)
  local status = (counter % 2 == 1) and "running" or "success"
  local body = string.format(
    '{"agent_id":"bench-%d-%d","session_topic":"s-%d-%d","status":"%s","timestamp":"2026-12-03T10:00:0%d.000Z"}',
    tid, n % 50, run, n, status, (counter + 1) % 2)
  return wrk.format("POST", "/webhook/status",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY") }, body)
end
