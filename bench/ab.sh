#!/usr/bin/env bash
# A/B of two published builds of ours on the default store, alternating: fresh ingestion and the
# service's CPU per report (clock ticks from /proc over the run). For a change's effect; the
# comparison with the original is bench/run.sh.
#
#   dotnet publish src/KubeAgents.Api -c Release -r linux-x64 --self-contained true -o /tmp/ab/before   # at the old commit
#   dotnet publish src/KubeAgents.Api -c Release -r linux-x64 --self-contained true -o /tmp/ab/after    # at the new one
#   bench/ab.sh /tmp/ab/before /tmp/ab/after 3          # ROUNDS; DUR=15 WARM=25 seconds by default
#   ENV_B="TMPDIR=/dev/shm" bench/ab.sh /tmp/ab/x /tmp/ab/x 3   # one build, a setting on one side only
set -u
A=$1; B=$2; ROUNDS=${3:-3}; DUR=${DUR:-15}; WARM=${WARM:-25}
read -r -a ENV_A <<<"${ENV_A:-}"
read -r -a ENV_B <<<"${ENV_B:-}"
BENCH=$(cd "$(dirname "$0")" && pwd)
hz=$(getconf CLK_TCK)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
run() {
  local dir=$1 side=$2 port; port=$(free_port)
  local -a extra=()
  if [ "$side" = A ]; then extra=("${ENV_A[@]}"); else extra=("${ENV_B[@]}"); fi
  env "${extra[@]}" PORT="$port" ASPNETCORE_ENVIRONMENT=Production dotnet "$dir/KubeAgents.Api.dll" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 120); do curl -fs "localhost:$port/health" >/dev/null && break; sleep 0.5; done
  MODE=fresh wrk -t2 -c64 -d"${WARM}s" -s "$BENCH/report.lua" "http://127.0.0.1:$port" >/dev/null
  local t0 t1 line rss
  t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
  line=$(MODE=fresh wrk -t2 -c64 -d"${DUR}s" -s "$BENCH/report.lua" "http://127.0.0.1:$port" | grep RESULT)
  t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
  rss=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null
  echo "$line" | awk -v t=$((t1 - t0)) -v hz="$hz" -v name="$dir${extra[*]:+ ${extra[*]}}" -v rss="$rss" -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    '{n=$2; sub("requests=","",n); printf "%s %s cpu_ms=%.3f rss_mb=%s load=%s\n", name, $0, t*1000/hz/n, rss, load}'
}
for _ in $(seq 1 "$ROUNDS"); do run "$A" A; run "$B" B; done
