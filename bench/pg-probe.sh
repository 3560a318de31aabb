#!/usr/bin/env bash
# What PostgreSQL does while our service ingests: a throwaway cluster with checkpoints and autovacuum
# logged, our published build on a new database, a warm-up, then RUNS fresh-ingestion runs, each
# followed by the live/dead rows and last (auto)vacuum/analyze of the hot tables, the checkpoints and
# backend writes (pg_stat_bgwriter) and the WAL it wrote. Used to find the slow first minute of a new
# database (docs/benchmarks.md, "Stale generic plans on PostgreSQL").
#
#   dotnet publish src/KubeAgents.Api -c Release -r linux-x64 --self-contained true -o /tmp/probe-build
#   bench/pg-probe.sh /tmp/probe-build
#   RUNS=6 PGSS=1 bench/pg-probe.sh /tmp/probe-build          # + the top statements (pg_stat_statements)
#   AT_WARM="VACUUM sessions" bench/pg-probe.sh /tmp/probe-build   # one SQL statement after the warm-up
#   EXTRA="-c shared_preload_libraries=auto_explain -c auto_explain.log_min_duration=5" bench/pg-probe.sh /tmp/probe-build
#   COUNTERS=1 bench/pg-probe.sh /tmp/probe-build             # + the runtime's counters each second
#   TRACE=75 bench/pg-probe.sh /tmp/probe-build               # + a dotnet-trace of the first 75 s
#
# EXTRA adds server options; the server log (plans from auto_explain included) is kept in $KEEP
# (default /tmp/pg-probe.log). Needs wrk, curl, psql and the PostgreSQL binaries; runs as root
# (the cluster as the postgres user) or as an ordinary user. The cluster and the service are
# bench/lib.sh's, as bench/run.sh starts them.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: bench/pg-probe.sh PUBLISHED_DIR" >&2; exit 2; }
API_DIR=$(cd "$1" && pwd)
RUNS=${RUNS:-4}
WARM=${WARM:-30}
DURATION=${DURATION:-15}
KEEP=${KEEP:-/tmp/pg-probe.log}
BENCH=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/kubeagents-probe-XXXXXX)
chmod 755 "$WORK"
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
PG_OPTIONS="-c log_checkpoints=on -c log_autovacuum_min_duration=0 ${EXTRA:-}"
if [ -n "${PGSS:-}" ]; then PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements $PG_OPTIONS"; fi

cleanup() {
  stop_all
  [ -f "$WORK/pg/server.log" ] && cp "$WORK/pg/server.log" "$KEEP"
  rm -rf "$WORK"
}
trap cleanup EXIT

start_postgres
sql postgres "CREATE DATABASE probe" >/dev/null
launch_service probe DB_HOST=127.0.0.1 DB_PORT="$PG_PORT" DB_USER=postgres DB_NAME=probe
PORT=$PORT_probe
if [ -n "${COUNTERS:-}" ]; then
  # The thread pool's size and queue, lock contention and GC, once a second, to $KEEP.counters.csv
  # (dotnet-counters, from ~/.dotnet/tools). Started once the service answers, so its diagnostics
  # port is up.
  PATH=$PATH:$HOME/.dotnet/tools dotnet-counters collect -p "$PID_probe" --counters System.Runtime \
    --refresh-interval 1 --format csv -o "$KEEP.counters.csv" >"$WORK/counters.log" 2>&1 &
  PIDS+=("$!")
fi
if [ -n "${TRACE:-}" ]; then
  # Runtime events (GC suspensions, thread-pool adjustments, JIT) and thread stacks sampled at ~100 Hz,
  # for the first TRACE seconds, to $KEEP.nettrace.
  PATH=$PATH:$HOME/.dotnet/tools dotnet-trace collect -p "$PID_probe" ${TRACE_PROFILE:---profile dotnet-common,dotnet-sampled-thread-time} \
    --duration "$(date -u -d "@$TRACE" +%H:%M:%S)" -o "$KEEP.nettrace" >"$WORK/trace.log" 2>&1 &
  PIDS+=("$!")
fi

q() { sql probe "$1"; }
probe_run() { MODE=fresh wrk -t2 -c64 -d"$1"s --latency -s "$BENCH/report.lua" "http://127.0.0.1:$PORT" | grep RESULT; }
bgwriter() { q "SELECT checkpoints_timed + checkpoints_req || ' checkpoints, ' || buffers_backend || ' backend writes' FROM pg_stat_bgwriter"; }
statements() {
  q "SELECT calls, round(total_exec_time::numeric) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
            left(regexp_replace(query, '\s+', ' ', 'g'), 140)
     FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 8" | sed 's/^/  stmt /'
  q "SELECT pg_stat_statements_reset()" >/dev/null
}
tables() {
  q "SELECT string_agg(relname || ' live/dead ' || n_live_tup || '/' || n_dead_tup
       || ' vacuum ' || coalesce(to_char(last_autovacuum, 'HH24:MI:SS'), '-')
       || ' analyze ' || coalesce(to_char(last_autoanalyze, 'HH24:MI:SS'), '-'), '; ' ORDER BY relname)
     FROM pg_stat_user_tables WHERE relname IN ('agents', 'sessions', 'status_entries', 'events', 'event_inbox')"
}

echo "warm-up ${WARM}s: $(probe_run "$WARM")"
[ -n "${PGSS:-}" ] && q "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null && statements
[ -n "${AT_WARM:-}" ] && echo "after the warm-up: $AT_WARM -> $(q "$AT_WARM")"
for run in $(seq "$RUNS"); do
  before=$(bgwriter)
  wal=$(q "SELECT pg_current_wal_lsn()")
  start=$(date -u +%T)
  result=$(probe_run "$DURATION")
  echo "run $run $start-$(date -u +%T) $result load=$(cut -d' ' -f1 /proc/loadavg)"
  echo "  bgwriter: $before -> $(bgwriter); WAL $(q "SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), '$wal'))")"
  echo "  tables: $(tables)"
  [ -n "${PGSS:-}" ] && statements
done
grep -E "checkpoint (starting|complete)|automatic (vacuum|analyze)" "$WORK/pg/server.log" | cut -c1-160 | sed 's/^/  log /' || true
