-- wrk script: POST status reports. Env: MODE=fresh (a new session per request over 1,000 agents)
-- or MODE=one (every request into one session: AGENT/TOPIC). Prints one machine-readable RESULT line.
local mode = os.getenv("MODE") or "fresh"
local agent = os.getenv("AGENT") or "bench-one"
local topic = os.getenv("TOPIC") or "big"
local api_key = os.getenv("API_KEY")  -- AUTH=keys: sent as a bearer token
local counter = 0
local threads = {}

-- thread_id is a global that setup() gives each thread's Lua state (a local here would shadow it,
-- and both threads would then send the very same reports).
function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + thread_id)
end

function request()
  counter = counter + 1
  local body
  if mode == "fresh" then
    body = string.format('{"agent_id":"agent-%d","session_topic":"s-%d-%d-%d","status":"running","timestamp":"2026-11-27T10:00:00Z","message":"bench"}',
      counter % 1000, thread_id, counter, math.random(1, 1e9))
  else
    body = string.format('{"agent_id":"%s","session_topic":"%s","status":"running","timestamp":"2026-11-27T10:00:00Z","message":"bench"}', agent, topic)
  end
  local headers = {["Content-Type"] = "application/json"}
  if api_key then headers["Authorization"] = "Bearer " .. api_key end
  return wrk.format("POST", "/webhook/status", headers, body)
end

function done(summary, latency, requests)
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d ok=%d rate=%.1f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.requests - failed, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
