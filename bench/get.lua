-- wrk script: GET the path given on the command line; prints one machine-readable RESULT line
-- (errors: answers other than 2xx/3xx, and socket errors).
local api_key = os.getenv("API_KEY")  -- AUTH=keys: sent as a bearer token
if api_key and api_key ~= "" then wrk.headers["Authorization"] = "Bearer " .. api_key end
function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rate=%.1f p50_ms=%.2f p99_ms=%.2f bytes=%d errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.bytes / math.max(summary.requests, 1), errors))
end
