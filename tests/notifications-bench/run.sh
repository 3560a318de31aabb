#!/usr/bin/env bash
# Notification measurements (docs/notifications.md "Measurements"), on DB_FILE services:
#  1. Ingestion with 5 routes (one per channel) against none: two services side by side, driven by
#     wrk with CONNECTIONS connections and finish.lua (every second report finishes a session, so
#     it is notified), alternating, after a warm-up; ROUNDS rounds, then the medians and their ratio.
#  2. The dispatch rate with 5 routes: a third service whose routes point at a receiver that holds
#     every request (the gate is closed) while SESSIONS sessions finish, so 5 x SESSIONS rows wait in
#     the outbox; then the gate opens and the drain is timed to the last delivery, with nothing pending.
#     The Python receiver's own ceiling is measured first, to tell whether it is the bottleneck.
# Needs a Release build of src/KubeAgents.Api, wrk and python3.
# Usage: tests/notifications-bench/run.sh [seconds per ingestion run (10)] [sessions to drain (2000)]
# Env: ROUNDS (3), CONNECTIONS (64), THREADS (2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dll="$root/src/KubeAgents.Api/bin/Release/net10.0/KubeAgents.Api.dll"
seconds=${1:-10}
sessions=${2:-2000}
rounds=${ROUNDS:-3}
connections=${CONNECTIONS:-64}
threads=${THREADS:-2}
channels=(slack discord teams lark json)
[ -f "$dll" ] || { echo "bench: build first: dotnet build KubeAgents.sln -c Release" >&2; exit 1; }
work=$(mktemp -d)
pids=()
# Services start in a subshell (process substitution): their ids go to a file, not to pids.
cleanup() { for p in "${pids[@]}" $(cat "$work/services" 2>/dev/null); do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { python3 -c 'import time; print(time.monotonic())'; }
count_lines() { if [ -f "$1" ]; then wc -l < "$1"; else echo 0; fi; }
pending() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True).execute("select count(*) from notifications where state = ?", ("pending",)).fetchone()[0])' "$work/$1.db"; }
median() { python3 -c 'import statistics,sys; print(f"{statistics.median(float(x) for x in sys.argv[1:]):.1f}")' "$@"; }

start_receiver() { # $1: arrivals file, $2: gate file (optional); prints the port
  local port; port=$(free_port)
  python3 "$here/receiver.py" "$port" "$1" ${2:+"$2"} > /dev/null 2>&1 &
  echo $! >> "$work/services"
  for _ in $(seq 1 100); do python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])))' "$port" 2>/dev/null && break; sleep 0.1; done
  echo "$port"
}

start_service() { # $1: name, then extra settings (NAME=value); prints the port and an all-scopes key
  local name=$1 port key admin; shift
  port=$(free_port); key=$(dotnet "$dll" keys generate)
  env PORT="$port" DB_FILE="$work/$name.db" AUTH_MODE=keys BOOTSTRAP_ADMIN_KEY="$key" Logging__LogLevel__Default=Warning "$@" \
    dotnet "$dll" > "$work/$name.log" 2>&1 &
  echo $! >> "$work/services"
  for _ in $(seq 1 240); do curl -sf "localhost:$port/health" > /dev/null && break; sleep 0.5; done
  admin=$(curl -sf -X POST "localhost:$port/api/keys" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    -d '{"name":"bench","scopes":["report","read","admin"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  echo "$port $admin"
}

add_routes() { # $1: service port, $2: key, $3: receiver port
  for channel in "${channels[@]}"; do
    curl -sf -X POST "localhost:$1/api/notification-routes" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
      -d "{\"name\":\"$channel\",\"channel\":\"$channel\",\"url\":\"http://127.0.0.1:$3/hook\"}" > /dev/null
  done
}

ingest() { # $1: port, $2: key, $3: seconds; prints "rate ok requests p99_ms max_ms timeouts non2xx"
  BENCH_KEY=$2 wrk -t"$threads" -c"$connections" -d"$3s" -s "$here/finish.lua" "http://localhost:$1" |
    awk '/^RESULT/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      print v["rate"], v["ok"], v["requests"], v["p99_ms"], v["max_ms"], v["timeouts"], v["non2xx"] }'
}

echo "== $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
open_arrivals="$work/arrivals"
rport=$(start_receiver "$open_arrivals")
read -r none_port none_key < <(start_service none)
read -r routed_port routed_key < <(start_service routed)
add_routes "$routed_port" "$routed_key" "$rport"

echo "== 1. ingestion: wrk -t$threads -c$connections, ${seconds}s per run, half the reports finish a session; none and 5 routes alternating"
warm=$(( seconds < 3 ? seconds : 3 ))
ingest "$none_port" "$none_key" "$warm" > /dev/null
ingest "$routed_port" "$routed_key" "$warm" > /dev/null
none_rates=(); routed_rates=()
for round in $(seq 1 "$rounds"); do
  read -r rate ok total p99 max timeouts non2xx < <(ingest "$none_port" "$none_key" "$seconds")
  none_rates+=("$rate"); echo "round $round none:     $rate reports/s ($ok of $total answered 200; p99 $p99 ms, max $max ms, $timeouts timed out, $non2xx not 2xx)"
  read -r rate ok total p99 max timeouts non2xx < <(ingest "$routed_port" "$routed_key" "$seconds")
  routed_rates+=("$rate"); echo "round $round 5 routes: $rate reports/s ($ok of $total answered 200; p99 $p99 ms, max $max ms, $timeouts timed out, $non2xx not 2xx)"
done
none_median=$(median "${none_rates[@]}"); routed_median=$(median "${routed_rates[@]}")
echo "median: none $none_median reports/s, 5 routes $routed_median reports/s, ratio $(python3 -c "print(f'{$routed_median / $none_median:.2f}')")"
for _ in $(seq 1 300); do [ "$(pending routed)" = 0 ] && break; sleep 1; done
echo "5 routes: $(count_lines "$open_arrivals") deliveries arrived, $(pending routed) pending once ingestion stopped"

echo "== 2. dispatch: $sessions sessions finish while the 5 routes' receiver holds every request, then it lets go"
ceiling_port=$(start_receiver "$work/ceiling")
printf 'wrk.method = "POST"\nwrk.body = "{}"\nwrk.headers["Content-Type"] = "application/json"\n' > "$work/post.lua"
echo "the receiver alone: $(wrk -t2 -c16 -d"${warm}s" -s "$work/post.lua" "http://127.0.0.1:$ceiling_port/hook" | awk '/Requests\/sec/ {print $2}') requests/s (wrk, 16 connections)"
gate="$work/gate"; drain_arrivals="$work/drain-arrivals"
gport=$(start_receiver "$drain_arrivals" "$gate")
read -r drain_port drain_key < <(start_service drain NOTIFICATION_TIMEOUT_SECONDS=300)
add_routes "$drain_port" "$drain_key" "$gport"
python3 "$here/ingest.py" "$drain_port" "$drain_key" "$sessions"
expected=$(( sessions * ${#channels[@]} ))
backlog=$(pending drain)
echo "backlog: $backlog pending (expected $expected), $(count_lines "$drain_arrivals") answered; the gate opens"
opened=$(now); touch "$gate"
for _ in $(seq 1 3000); do
  [ "$(count_lines "$drain_arrivals")" -ge "$expected" ] && [ "$(pending drain)" = 0 ] && break
  sleep 0.2
done
seen=$(now)
python3 - "$drain_arrivals" "$opened" "$seen" "$(pending drain)" <<'PY'
import sys
times = sorted(float(l) for l in open(sys.argv[1]) if l.strip())
opened, seen, pending = float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
span = times[-1] - opened
print(f"{len(times)} deliveries in {span:.2f}s after the gate opened: {len(times) / span:.0f} deliveries/s (5 routes); "
      f"{pending} pending when seen at {seen - opened:.1f}s")
PY
echo "== load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
