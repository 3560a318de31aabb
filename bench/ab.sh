#!/usr/bin/env bash
# A/B of two published builds of ours, alternating: fresh ingestion and the service's CPU per report
# (clock ticks from /proc over the run). For a change's effect; the comparison with the original is
# bench/run.sh.
#
#   dotnet publish src/KubeAgents.Api -c Release -r linux-x64 --self-contained true -o /tmp/ab/before   # at the old commit
#   dotnet publish src/KubeAgents.Api -c Release -r linux-x64 --self-contained true -o /tmp/ab/after    # at the new one
#   bench/ab.sh /tmp/ab/before /tmp/ab/after 3          # ROUNDS; DUR=15 WARM=25 seconds by default
#   ENV_B="TMPDIR=/dev/shm" bench/ab.sh /tmp/ab/x /tmp/ab/x 3   # one build, a setting on one side only
#   STORE=postgres WARM=45 RUNS_EACH=2 bench/ab.sh /tmp/ab/before /tmp/ab/after 3
#       # PostgreSQL: one throwaway cluster (bench/lib.sh's, warmed with pgbench for CLUSTER_WARMUP=20 s),
#       # a new database per service; adds PostgreSQL's CPU per report (pg_cpu_ms)
#
# Each service: WARM seconds of fresh load, then RUNS_EACH (default 1) measured runs of DUR seconds.
# Services start through bench/lib.sh's launch_service, as every bench's do (its settings, its log).
set -u
A=$1; B=$2; ROUNDS=${3:-3}; DUR=${DUR:-15}; WARM=${WARM:-25}; RUNS_EACH=${RUNS_EACH:-1}; STORE=${STORE:-memory}
read -r -a ENV_A <<<"${ENV_A:-}"
read -r -a ENV_B <<<"${ENV_B:-}"
BENCH=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
hz=$(getconf CLK_TCK)
case "$STORE" in
  memory|postgres) ;;
  *) echo "bench/ab.sh: STORE is memory or postgres, not '$STORE'" >&2; exit 2 ;;
esac
WORK=$(mktemp -d /tmp/kubeagents-ab-XXXXXX); chmod 755 "$WORK"   # the services' logs (launch_service), the cluster
trap 'stop_all; rm -rf "$WORK"' EXIT
if [ "$STORE" = postgres ]; then
  WARMUP=${CLUSTER_WARMUP:-20}
  start_postgres
  warm_up_cluster
fi
pg_cpu() { if [ "$STORE" = postgres ]; then pg_ticks; else echo 0; fi; }
run() {
  local dir=$1 side=$2 name="${2}_${3}" port pid
  local -a extra=() store=()
  if [ "$side" = A ]; then extra=("${ENV_A[@]}"); else extra=("${ENV_B[@]}"); fi
  if [ "$STORE" = postgres ]; then
    sql postgres "CREATE DATABASE ab_$name" >/dev/null
    store=(DB_HOST=127.0.0.1 DB_PORT="$PG_PORT" DB_USER=postgres DB_NAME="ab_$name")
  fi
  API_DIR=$dir launch_service "$name" "${extra[@]}" "${store[@]}"
  port=PORT_$name; port=${!port}
  pid=PID_$name; pid=${!pid}
  MODE=fresh wrk -t2 -c64 -d"${WARM}s" -s "$BENCH/report.lua" "http://127.0.0.1:$port" >/dev/null
  local t0 t1 p0 p1 line rss
  for _ in $(seq 1 "$RUNS_EACH"); do
    t0=$(ticks "$pid"); p0=$(pg_cpu)
    line=$(MODE=fresh wrk -t2 -c64 -d"${DUR}s" -s "$BENCH/report.lua" "http://127.0.0.1:$port" | grep RESULT)
    t1=$(ticks "$pid"); p1=$(pg_cpu)
    rss=$(rss_mb "$pid")
    echo "$line" | awk -v t=$((t1 - t0)) -v p=$((p1 - p0)) -v hz="$hz" -v name="$dir${extra[*]:+ ${extra[*]}}" -v rss="$rss" \
      -v load="$(cut -d' ' -f1 /proc/loadavg)" -v store="$STORE" \
      '{n=$2; sub("requests=","",n); printf "%s %s cpu_ms=%.3f%s rss_mb=%s load=%s\n", name, $0, t*1000/hz/n,
        store == "postgres" ? sprintf(" pg_cpu_ms=%.3f", p*1000/hz/n) : "", rss, load}'
  done
  kill "$pid"; wait "$pid" 2>/dev/null
  if [ "$STORE" = postgres ]; then sql postgres "DROP DATABASE ab_$name" >/dev/null; fi
}
for round in $(seq 1 "$ROUNDS"); do run "$A" A "$round"; run "$B" B "$round"; done
