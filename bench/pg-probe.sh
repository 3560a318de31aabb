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
#   TIMELINE=1 bench/pg-probe.sh /tmp/probe-build             # + each second of each run: reports over
#                                    50 and 75 ms, GCs, WAL flushes; and the statements over 25 ms
#   TIMELINE=1 WORK_PARENT=/dev/shm bench/pg-probe.sh /tmp/probe-build   # the cluster on tmpfs, where
#                                    fsync costs nothing: a control for the disk's part, not a set-up
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
WORK=$(mktemp -d "${WORK_PARENT:-/tmp}/kubeagents-probe-XXXXXX")
chmod 755 "$WORK"
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
PG_OPTIONS="-c log_checkpoints=on -c log_autovacuum_min_duration=0 ${EXTRA:-}"
if [ -n "${PGSS:-}" ]; then PG_OPTIONS="-c shared_preload_libraries=pg_stat_statements $PG_OPTIONS"; fi
if [ -n "${TIMELINE:-}" ]; then PG_OPTIONS="$PG_OPTIONS -c log_min_duration_statement=25 -c track_wal_io_timing=on -c log_timezone=UTC"; fi

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

# sample: one line of cumulative counters (the UTC time; webhook answers within 50 ms, within 75 ms, in
# all; GCs; WAL fsyncs and their milliseconds). timeline FILE: the differences between samples, about a
# second apart (each sample takes a scrape and a query, then sleeps 1 s), with the time each ends.
sample() {
  curl -s "http://127.0.0.1:$PORT/metrics" | awk -v t="$(date -u +%T)" '
    /^http_server_request_duration_seconds_bucket/ && /webhook/ && /http_request_method="POST"/ {
      if ($0 ~ /le="0.05"/) a50 += $NF; if ($0 ~ /le="0.075"/) a75 += $NF; if ($0 ~ /le="\+Inf"/) all += $NF }
    /^dotnet_gc_collections_total/ { gc += $NF }
    END { printf "%s %d %d %d %d ", t, a50, a75, all, gc }'
  q "SELECT wal_sync || ' ' || wal_sync_time FROM pg_stat_wal"
}
timeline() {
  awk 'NF < 7 { next } seen && $4 > p4 { n = $4 - p4; s = $6 - p6
         printf "  to %s: %5d reports, %4d over 50 ms, %4d over 75 ms; %d GCs; %d WAL fsyncs, %.2f ms each\n",
           $1, n, n - ($2 - p2), n - ($3 - p3), $5 - p5, s, (s ? ($7 - p7) / s : 0) }
       { seen = 1; p2 = $2; p3 = $3; p4 = $4; p5 = $5; p6 = $6; p7 = $7 }' "$1"
}

echo "warm-up ${WARM}s: $(probe_run "$WARM")"
[ -n "${PGSS:-}" ] && q "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null && statements
[ -n "${AT_WARM:-}" ] && echo "after the warm-up: $AT_WARM -> $(q "$AT_WARM")"
for run in $(seq "$RUNS"); do
  before=$(bgwriter)
  wal=$(q "SELECT pg_current_wal_lsn()")
  start=$(date -u +%T)
  if [ -n "${TIMELINE:-}" ]; then
    (for _ in $(seq 0 $((DURATION + 1))); do sample || echo; sleep 1; done) >"$WORK/timeline.txt" &
    sampler=$!
    PIDS+=("$sampler")
  fi
  result=$(probe_run "$DURATION")
  end=$(date -u +%T)
  echo "run $run $start-$end $result load=$(cut -d' ' -f1 /proc/loadavg)"
  if [ -n "${TIMELINE:-}" ]; then
    wait "$sampler" || true
    timeline "$WORK/timeline.txt"
    # Statements over 25 ms during the run (several COMMITs at one instant: one slow WAL flush).
    awk -v a="$start" -v b="$end" 'substr($2, 1, 8) >= a && substr($2, 1, 8) <= b && /duration:/' "$WORK/pg/server.log" \
      | sed -E 's/^[0-9-]+ ([0-9:.]+) UTC \[[0-9]+\] LOG:  duration: ([0-9.]+) ms  (statement|execute [^:]*): (.{0,60}).*/  slow \1 \2 ms \4/' || true
  fi
  echo "  bgwriter: $before -> $(bgwriter); WAL $(q "SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), '$wal'))")"
  echo "  tables: $(tables)"
  [ -n "${PGSS:-}" ] && statements
done
grep -E "checkpoint (starting|complete)|automatic (vacuum|analyze)" "$WORK/pg/server.log" | cut -c1-160 | sed 's/^/  log /' || true
