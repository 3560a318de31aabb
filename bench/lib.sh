# Shared by the bench/*.sh scripts (sourced, not run): ports and medians, the throwaway PostgreSQL
# cluster, starting our service, and wrk's ingestion with the CPU each report cost. Sourcing it only
# defines these and clears PIDS and the cluster's variables. A script that starts a cluster or a
# service with these functions sets WORK (a temporary directory it removes on exit) first and calls
# stop_all from its exit trap. ingest needs BENCH, CONNECTIONS and DURATION, warm_up those and
# WARMUP; warm_up_cluster needs WARMUP; launch_service runs API_DIR's build (default $WORK/api);
# publish_build logs to $WORK.
# shellcheck shell=bash

PIDS=()      # every process started here: stop_all stops them
PG_DIR=""
PG_BIN=""
PG_PORT=""

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
runs() { for _ in $(seq 1 "$RUNS"); do "$@"; done; }

# pg TOOL ARGS...: a PostgreSQL binary, as the postgres user when run as root.
pg() {
  local tool=$1; shift
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$PG_BIN/$tool" "$@"; else "$PG_BIN/$tool" "$@"; fi
}

# A new cluster in $WORK/pg on a free port, default settings (fsync and synchronous_commit on);
# PG_OPTIONS adds server options (bench/pg-probe.sh logs checkpoints and autovacuum with it).
start_postgres() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$PG_BIN/initdb" ] || { echo "bench: PostgreSQL binaries not found (apt-get install -y postgresql)" >&2; exit 1; }
  PG_DIR=$WORK/pg
  PG_PORT=$(free_port)
  mkdir -p "$PG_DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR" && chmod 700 "$PG_DIR"
  pg initdb -D "$PG_DIR" -U postgres --auth=trust -E UTF8 >/dev/null
  pg pg_ctl -D "$PG_DIR" -l "$PG_DIR/server.log" -w -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 ${PG_OPTIONS:-}" start >/dev/null
}

# A cluster seconds old is not what a service meets in production: its first minutes of writes
# create WAL segments and warm caches, and the first service measured on it ran at a quarter of
# the rate a second one reached (docs/benchmarks.md). pgbench writes through that first.
warm_up_cluster() {
  if [ -x "$PG_BIN/pgbench" ] && [ -z "${SKIP_CLUSTER_WARMUP:-}" ]; then
    echo "== warming the new cluster: pgbench, ${WARMUP}s" >&2
    sql postgres "CREATE DATABASE cluster_warmup" >/dev/null
    "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -i -s 20 -q cluster_warmup >/dev/null 2>&1
    "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -c 16 -j 2 -T "$WARMUP" cluster_warmup >/dev/null 2>&1 || true
    sql postgres "DROP DATABASE cluster_warmup" >/dev/null
  fi
}

sql() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -Atc "$2"; }

# publish_build PROJECT OUT: a Release build for linux-x64, self-contained, as the Dockerfile ships it
# (the project's Publish.props makes it one composite ReadyToRun image; a native AOT project gets
# native code). Quiet unless it fails: then the end of its log, and the script stops.
publish_build() {
  dotnet publish "$1" -c Release -r linux-x64 --self-contained true -o "$2" --nologo -v q >"$WORK/publish.log" 2>&1 \
    || { echo "bench: publishing $1 failed:" >&2; tail -20 "$WORK/publish.log" >&2; exit 1; }
}

# The exit trap's part: the processes started here, then the cluster.
stop_all() {
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  if [ -n "$PG_DIR" ]; then pg pg_ctl -D "$PG_DIR" -m immediate -w stop >/dev/null 2>&1 || true; fi
}

# launch_service NAME [ENV...]: our service (the build in API_DIR, default $WORK/api) on a free port,
# in Production, with these settings; waits for /health (a service that exits, or does not answer
# within 60 s, ends the script with its log); sets PORT_<NAME> and PID_<NAME>. Its output goes to
# $WORK/NAME.log. wrk sends every report from one address, where a fleet of agents has many: the
# default limit (RATE_LIMIT_PER_MINUTE, 1,000,000 per client address in a fixed minute from its first
# request) answers 429 once a minute holds more (sustained, above about 16,700 reports/s; a service
# loaded for 40 s, above 25,000). The highest limit keeps the limiter's work in each request and its
# refusals out of the measurement; a caller's own RATE_LIMIT_PER_MINUTE wins.
launch_service() {
  local name=$1; shift
  local port; port=$(free_port)
  env PORT="$port" ASPNETCORE_ENVIRONMENT=Production RATE_LIMIT_PER_MINUTE=100000000 "$@" dotnet "${API_DIR:-$WORK/api}/KubeAgents.Api.dll" >"$WORK/$name.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  local tries=0
  until curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { cat "$WORK/$name.log" >&2; exit 1; }
    tries=$((tries + 1))
    [ "$tries" -le 120 ] || { echo "bench: $name did not answer /health within 60 s:" >&2; tail -20 "$WORK/$name.log" >&2; exit 1; }
    sleep 0.5
  done
  printf -v "PORT_$name" '%s' "$port"
  printf -v "PID_$name" '%s' "$pid"
}

# CPU time in clock ticks: of one process; of PostgreSQL (the postmaster, the children it reaped and
# its live backends).
# utime and stime are fields 14 and 15 of /proc/PID/stat, counted after the command name's ")" (a name may hold spaces).
ticks() { local stat; stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }; echo "${stat##*) }" | awk '{print $12 + $13}'; }
pg_ticks() {
  [ -n "$PG_DIR" ] || { echo 0; return; }
  local master; master=$(head -1 "$PG_DIR/postmaster.pid")
  { awk '{print $14 + $15 + $16 + $17}' "/proc/$master/stat"
    for child in $(pgrep -P "$master"); do ticks "$child"; done; } | awk '{s += $1} END {print s}'
}
ingest() { # PORT MODE AGENT TOPIC NAME -> RESULT line, with the CPU milliseconds each report cost
  local pid_var="PID_$5" hz; hz=$(getconf CLK_TCK)
  local s0 p0 s1 p1 line
  s0=$(ticks "${!pid_var}"); p0=$(pg_ticks)
  line=$(MODE=$2 AGENT=${3:-} TOPIC=${4:-} wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$BENCH/report.lua" "http://127.0.0.1:$1" | grep '^RESULT')
  s1=$(ticks "${!pid_var}"); p1=$(pg_ticks)
  echo "$line" | awk -v s="$((s1 - s0))" -v p="$((p1 - p0))" -v hz="$hz" '{
      n = $2; sub("requests=", "", n)
      printf "%s svc_cpu_ms=%.2f pg_cpu_ms=%.2f\n", $0, s * 1000 / hz / n, p * 1000 / hz / n }'
}
warm_up() { # PORT NAME: fresh ingestion for WARMUP seconds -> RESULT line
  DURATION=$WARMUP ingest "$1" fresh "" "" "$2"
}
