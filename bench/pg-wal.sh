#!/usr/bin/env bash
# What PostgreSQL's WAL is made of while our service ingests: a throwaway cluster (bench/lib.sh's,
# warmed with pgbench), our published build on a new database, a warm-up, then RUNS fresh-ingestion
# runs, each followed by its WAL by record type (pg_walinspect, PostgreSQL 15+): records and bytes
# per report, full-page images apart. The WAL's volume is what every COMMIT's flush waits for.
#
#   dotnet publish src/KubeAgents.Api -c Release -r linux-x64 --self-contained true -o /tmp/wal-build
#   bench/pg-wal.sh /tmp/wal-build                  # WARM=45 RUNS=2 DURATION=15 by default
#
# The new cluster is first written through by pgbench for CLUSTER_WARMUP=20 s (SKIP_CLUSTER_WARMUP=1
# skips it); the service's own warm-up is WARM (WARMUP is not read, unlike bench/run.sh's).
#
# Needs wrk, curl, psql and the PostgreSQL binaries with the pg_walinspect extension (postgresql-15
# ships it); runs as root (the cluster as the postgres user) or as an ordinary user.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: bench/pg-wal.sh PUBLISHED_DIR" >&2; exit 2; }
API_DIR=$(cd "$1" && pwd)
BENCH=$(cd "$(dirname "$0")" && pwd)
RUNS=${RUNS:-2}
WARM=${WARM:-45}
DURATION=${DURATION:-15}
CONNECTIONS=64
WARMUP=${CLUSTER_WARMUP:-20}
WORK=$(mktemp -d /tmp/kubeagents-wal-XXXXXX)
chmod 755 "$WORK"
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
trap 'stop_all; rm -rf "$WORK"' EXIT

PG_OPTIONS="-c log_checkpoints=on -c log_timezone=UTC" start_postgres
warm_up_cluster
sql postgres "CREATE DATABASE wal" >/dev/null
sql wal "CREATE EXTENSION pg_walinspect" >/dev/null
launch_service svc DB_HOST=127.0.0.1 DB_PORT="$PG_PORT" DB_USER=postgres DB_NAME=wal
echo "warm-up ${WARM}s: $(WARMUP=$WARM warm_up "$PORT_svc" svc)"

# Flushed positions: pg_walinspect refuses an end past what is flushed.
for run in $(seq 1 "$RUNS"); do
  from=$(sql wal "SELECT pg_current_wal_flush_lsn()")
  line=$(ingest "$PORT_svc" fresh "" "" svc)
  to=$(sql wal "SELECT pg_current_wal_flush_lsn()")
  reports=$(echo "$line" | field ok)
  [ "${reports:-0}" -gt 0 ] || { echo "bench/pg-wal.sh: run $run answered no report: $line" >&2; exit 1; }
  echo
  echo "run $run: $line"
  echo "WAL $(sql wal "SELECT pg_size_pretty(pg_wal_lsn_diff('$to', '$from'))") for $reports reports"
  echo
  echo "| record type | records per report | record bytes per report | full-page image bytes per report | share of the WAL |"
  echo "|---|---|---|---|---|"
  sql wal "SELECT format('| %s | %s | %s | %s | %s%% |', \"resource_manager/record_type\",
                         round(count::numeric / $reports, 2), round(record_size::numeric / $reports),
                         round(fpi_size::numeric / $reports), round(combined_size_percentage::numeric, 1))
           FROM pg_get_wal_stats('$from', '$to', true) WHERE combined_size_percentage >= 0.5
           ORDER BY combined_size DESC"
  sql wal "SELECT format('| all | %s | %s | %s | 100%% |', round(sum(count) / $reports, 2),
                         round(sum(record_size) / $reports), round(sum(fpi_size) / $reports))
           FROM pg_get_wal_stats('$from', '$to', false)"
done
echo
grep -h "checkpoint starting" "$PG_DIR/server.log" | sed 's/^/server log: /' || true
