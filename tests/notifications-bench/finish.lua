-- Reports that finish sessions, safe with many connections per thread. Each thread alternates:
-- "running" opens its session k, then "success" finishes session k - LAG, opened 2 x LAG requests
-- earlier on this thread. A thread has at most (connections / threads) requests in flight, far
-- fewer than 2 x LAG, so a session's running report has been answered (committed) before its
-- success is sent: after each thread's first 2 x LAG requests, every second report moves a session
-- from running to success, i.e. is notified. Prints one machine-readable RESULT line, like bench/report.lua.
local lag = 200
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

-- Sessions are new in every run (a session already finished would not finish again).
function init(args)
  math.randomseed(os.time() * 1000 + tid)
  nonce = string.format("%d-%d", os.time(), math.random(1, 1e9))
end

local function report(k, status, second)
  return string.format(
    '{"agent_id":"bench-%d-%d","session_topic":"s-%s-%d","status":"%s","timestamp":"2026-12-03T10:00:0%d.000Z"}',
    tid, k % 500, nonce, k, status, second)
end

request = function()
  counter = counter + 1
  local k = math.floor((counter + 1) / 2)
  local body
  if counter % 2 == 1 then
    body = report(k, "running", 0)
  elseif k > lag then
    body = report(k - lag, "success", 1)
  else
    -- Nothing old enough to finish yet: the same session again (running to running, not notified).
    body = report(k, "running", 0)
  end
  return wrk.format("POST", "/webhook/status",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY") }, body)
end

function done(summary, latency, requests)
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d ok=%d rate=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f timeouts=%d non2xx=%d\n",
    summary.requests, summary.requests - failed, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.timeout, summary.errors.status))
end
