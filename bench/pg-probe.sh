#!/usr/bin/env bash
# What PostgreSQL does while our service ingests: a throwaway cluster with checkpoints and autovacuum
# logged, our published build on a new database, a warm-up, then RUNS fresh-ingestion runs, each
# followed by the live/dead rows and last (auto)vacuum/analyze of the hot tables, the checkpoints and
# backend writes (pg_stat_bgwriter) and the WAL it wrote. Used to find the slow first minute of a new
# database (docs/benchmarks.md, "Stale generic plans on PostgreSQL").
#
#   dotnet publish src/KubeAgents.Api -c Release -r linux-x64 --self-contained false -o /tmp/probe-build
#   bench/pg-probe.sh /tmp/probe-build
#   RUNS=6 PGSS=1 bench/pg-probe.sh /tmp/probe-build          # + the top statements (pg_stat_statements)
#   AT_WARM="VACUUM sessions" bench/pg-probe.sh /tmp/probe-build   # one SQL statement after the warm-up
#   EXTRA="-c shared_preload_libraries=auto_explain -c auto_explain.log_min_duration=5" bench/pg-probe.sh /tmp/probe-build
#
# EXTRA adds server options; the server log (plans from auto_explain included) is kept in $KEEP
# (default /tmp/pg-probe.log). Needs wrk, curl, psql and the PostgreSQL binaries; runs as root
# (the cluster as the postgres user) or as an ordinary user.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: bench/pg-probe.sh PUBLISHED_DIR" >&2; exit 2; }
BUILD=$(cd "$1" && pwd)
RUNS=${RUNS:-4}
WARM=${WARM:-30}
DURATION=${DURATION:-15}
EXTRA=${EXTRA:-}
KEEP=${KEEP:-/tmp/pg-probe.log}
BENCH=$(cd "$(dirname "$0")" && pwd)
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PG_BIN/initdb" ] || { echo "pg-probe: PostgreSQL binaries not found" >&2; exit 1; }
if [ -n "${PGSS:-}" ]; then EXTRA="-c shared_preload_libraries=pg_stat_statements $EXTRA"; fi
WORK=$(mktemp -d /tmp/kubeagents-probe-XXXXXX)
chmod 755 "$WORK"
SVC=""
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PG_PORT=$(free_port)
PORT=$(free_port)

pg() {
  local tool=$1; shift
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$PG_BIN/$tool" "$@"; else "$PG_BIN/$tool" "$@"; fi
}
q() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d probe -Atc "$1"; }

cleanup() {
  [ -n "$SVC" ] && kill "$SVC" 2>/dev/null && wait "$SVC" 2>/dev/null || true
  [ -f "$WORK/pg/server.log" ] && cp "$WORK/pg/server.log" "$KEEP"
  pg pg_ctl -D "$WORK/pg" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/pg"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$WORK/pg" && chmod 700 "$WORK/pg"
pg initdb -D "$WORK/pg" -U postgres --auth=trust -E UTF8 >/dev/null
# shellcheck disable=SC2086 # EXTRA is a list of server options
pg pg_ctl -D "$WORK/pg" -l "$WORK/pg/server.log" -w -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c max_connections=200 -c log_checkpoints=on -c log_autovacuum_min_duration=0 $EXTRA" start >/dev/null
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -Atc "CREATE DATABASE probe" >/dev/null

DB_HOST=127.0.0.1 DB_PORT=$PG_PORT DB_USER=postgres DB_NAME=probe PORT=$PORT ASPNETCORE_ENVIRONMENT=Production \
  dotnet "$BUILD/KubeAgents.Api.dll" > "$WORK/service.log" 2>&1 &
SVC=$!
for _ in $(seq 240); do curl -fs "localhost:$PORT/health" >/dev/null && break; sleep 0.5; done
curl -fs "localhost:$PORT/health" >/dev/null || { echo "pg-probe: the service did not start" >&2; cat "$WORK/service.log" >&2; exit 1; }

ingest() { MODE=fresh wrk -t2 -c64 -d"$1"s --latency -s "$BENCH/report.lua" "http://127.0.0.1:$PORT" | grep RESULT; }
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

echo "warm-up ${WARM}s: $(ingest "$WARM")"
[ -n "${PGSS:-}" ] && q "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null && statements
[ -n "${AT_WARM:-}" ] && echo "after the warm-up: $AT_WARM -> $(q "$AT_WARM")"
for run in $(seq "$RUNS"); do
  before=$(q "SELECT checkpoints_timed + checkpoints_req || ' checkpoints, ' || buffers_backend || ' backend writes' FROM pg_stat_bgwriter")
  wal=$(q "SELECT pg_current_wal_lsn()")
  start=$(date -u +%T)
  result=$(ingest "$DURATION")
  echo "run $run $start-$(date -u +%T) $result load=$(cut -d' ' -f1 /proc/loadavg)"
  echo "  bgwriter: $before -> $(q "SELECT checkpoints_timed + checkpoints_req || ' checkpoints, ' || buffers_backend || ' backend writes' FROM pg_stat_bgwriter"); WAL $(q "SELECT pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), '$wal'))")"
  echo "  tables: $(tables)"
  [ -n "${PGSS:-}" ] && statements
done
grep -E "checkpoint (starting|complete)|automatic (vacuum|analyze)" "$WORK/pg/server.log" | cut -c1-160 | sed 's/^/  log /' || true
