#!/usr/bin/env bash
# Notification measurements (docs/notifications.md "Measurements"): ingestion with 5 routes against
# none, side by side in one run, and the dispatch rate with 5 routes. Needs a Release build of
# src/KubeAgents.Api, wrk and python3. Usage: tests/notifications-bench/run.sh [seconds per run]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dll="$root/src/KubeAgents.Api/bin/Release/net10.0/KubeAgents.Api.dll"
seconds=${1:-10}
work=$(mktemp -d)
pids=()
# Services start in a subshell (process substitution): their ids go to a file, not to pids.
cleanup() { for p in "${pids[@]}" $(cat "$work/services" 2>/dev/null); do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

rport=$(free_port)
python3 "$here/receiver.py" "$rport" "$work/arrivals" & pids+=($!)

start_service() { # $1: name; prints the port
  local port; port=$(free_port)
  local key; key=$(dotnet "$dll" keys generate)
  PORT=$port DB_FILE="$work/$1.db" AUTH_MODE=keys BOOTSTRAP_ADMIN_KEY=$key Logging__LogLevel__Default=Warning \
    dotnet "$dll" > "$work/$1.log" 2>&1 &
  echo $! >> "$work/services"
  for _ in $(seq 1 120); do curl -sf "localhost:$port/health" > /dev/null && break; sleep 0.5; done
  echo "$port $key"
}

read -r none_port none_key < <(start_service none)
read -r routed_port routed_key < <(start_service routed)
for channel in slack discord teams lark json; do
  curl -sf -X POST "localhost:$routed_port/api/notification-routes" -H "Authorization: Bearer $routed_key" \
    -H 'Content-Type: application/json' -d "{\"name\":\"$channel\",\"channel\":\"$channel\",\"url\":\"http://127.0.0.1:$rport/hook\"}" > /dev/null
done
key_for() { curl -sf -X POST "localhost:$1/api/keys" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
  -d '{"name":"bench","scopes":["report","read","admin"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])'; }
none_key=$(key_for "$none_port" "$none_key"); routed_key=$(key_for "$routed_port" "$routed_key")

echo "== ingestion: half the reports finish a session; 2 threads, 1 connection each, ${seconds}s, alternating"
for round in 1 2; do
  for target in none routed; do
    port_var=${target}_port; key_var=${target}_key
    : > "$work/arrivals"
    BENCH_KEY=${!key_var} wrk -t2 -c2 -d"${seconds}s" -s "$here/finish.lua" "http://localhost:${!port_var}" \
      | awk -v t="$target" -v r="$round" '/Requests\/sec/ {print "round " r " " t ": " $2 " reports/s"}'
  done
done

echo "== dispatch: deliveries to 5 routes after the last ingestion round"
sleep 2
: > "$work/arrivals"
BENCH_KEY=$routed_key wrk -t2 -c2 -d"${seconds}s" -s "$here/finish.lua" "http://localhost:$routed_port" > /dev/null
prev=-1
while true; do
  n=$(wc -l < "$work/arrivals"); pending=$(curl -sf "localhost:$routed_port/api/notifications?state=pending&limit=1" -H "Authorization: Bearer $routed_key")
  if [[ "$n" == "$prev" && "$pending" == '{"notifications":[]}' ]]; then break; fi
  prev=$n; sleep 2
done
python3 - "$work/arrivals" <<'PY'
import sys
times = sorted(float(l) for l in open(sys.argv[1]) if l.strip())
span = times[-1] - times[0] if len(times) > 1 else 0
print(f"{len(times)} deliveries in {span:.1f}s: {len(times) / span if span else 0:.0f} deliveries/s (5 routes)")
PY
