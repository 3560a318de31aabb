#!/usr/bin/env bash
# Cold starts of two (or more) published builds, A/B(/C...), alternating: how long from exec to the first 200 on
# /health, how much CPU the process used by then, how long the first report sent right after that
# takes (work deferred past the listener's start shows here), and its RSS 5 s later. CPU to the
# first 200 is the figure to trust on a shared machine (wall time moves with the neighbours' load).
#
#   dotnet publish src/KubeAgents.Api -c Release -r linux-x64 --self-contained true -o /tmp/a   # at one commit
#   dotnet publish src/KubeAgents.Api -c Release -r linux-x64 --self-contained true -o /tmp/b   # at the other
#   bench/starts.sh /tmp/a /tmp/b                  # 8 starts each, embedded store (in memory)
#   STARTS=4 STORE=postgres bench/starts.sh /tmp/a /tmp/b   # a throwaway local cluster, a new database per start
#   ENV_B="DOTNET_TieredPGO=0" bench/starts.sh /tmp/a /tmp/a  # one build, a runtime setting on one side (ENV_A too)
#   bench/starts.sh /tmp/a /tmp/b /tmp/c                      # a third build (ENV_C...), as bench/start-floor.sh does
#
# Each start runs `dotnet DIR/KubeAgents.Api.dll` (or DIR/KubeAgents.Api when there is no .dll: a native
# AOT build) with PORT and ASPNETCORE_ENVIRONMENT=Production, an empty temporary directory as its
# working directory, and polls /health every 10 ms.
# Needs curl; PostgreSQL binaries (/usr/lib/postgresql/*/bin) for STORE=postgres: bench/lib.sh's
# throwaway cluster (default settings, max_connections=200, PG_OPTIONS if set), not warmed up.
set -euo pipefail
[ $# -ge 2 ] && [ $# -le 8 ] || { echo "usage: bench/starts.sh PUBLISHED_DIR_A PUBLISHED_DIR_B [PUBLISHED_DIR_C ...] (at most 8)" >&2; exit 2; }
LETTERS=(A B C D E F G H)
DIRS=()
for dir in "$@"; do DIRS+=("$(cd "$dir" && pwd)"); done
STARTS=${STARTS:-8}
STORE=${STORE:-memory}
SETTLE=${SETTLE:-5}                      # seconds after the first 200 before RSS is read
WORK=$(mktemp -d /tmp/kubeagents-starts-XXXXXX)
chmod 755 "$WORK"
# The helpers (free_port, median, rss_mb, ticks, sql) and the throwaway cluster (start_postgres, stop_all) are bench/lib.sh's.
# shellcheck source=bench/lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
PID=""
TICKS=$(getconf CLK_TCK)

cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  stop_all
  rm -rf "$WORK"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
# CPU ms (user + system) of PID so far.
cpu_ms() { awk -v n="$(ticks "$1")" -v t="$TICKS" 'BEGIN {printf "%.0f", n * 1000 / t}'; }

if [ "$STORE" = postgres ]; then
  start_postgres
elif [ "$STORE" != memory ]; then
  echo "starts: unknown store '$STORE' (memory or postgres)" >&2; exit 2
fi

# start DIR [VAR=value ...] -> "wall_ms cpu_ms rss_mb report_ms" of one cold start of the build in DIR.
# (Runs in $(...), where the EXIT trap does not: a failure kills the service itself.)
start() {
  local dir=$1 port cwd t0 wall cpu rss env answer
  shift
  port=$(free_port)
  cwd=$(mktemp -d "$WORK/cwd-XXXXXX")
  env=(PORT="$port" ASPNETCORE_ENVIRONMENT=Production "$@")
  if [ "$STORE" = postgres ]; then
    sql postgres "DROP DATABASE IF EXISTS starts WITH (FORCE)" >/dev/null
    sql postgres "CREATE DATABASE starts" >/dev/null
    env+=(DB_HOST=127.0.0.1 DB_PORT="$PG_PORT" DB_USER=postgres DB_NAME=starts)
  fi
  local command=(dotnet "$dir/KubeAgents.Api.dll")
  [ -f "$dir/KubeAgents.Api.dll" ] || command=("$dir/KubeAgents.Api")   # a native AOT build has no .dll
  t0=$(now_ms)
  (cd "$cwd" && exec env "${env[@]}" "${command[@]}" >"$WORK/start.log" 2>&1) &
  PID=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; do
    kill -0 "$PID" 2>/dev/null || { echo "starts: $dir exited during start: $(tail -5 "$WORK/start.log")" >&2; exit 1; }
    sleep 0.01
  done
  wall=$(( $(now_ms) - t0 ))
  cpu=$(cpu_ms "$PID")
  # One report, as an agent's first after a deploy: the request that pays for anything still cold.
  answer=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' \
    -d '{"agent_id":"starts","session_topic":"first","status":"running","timestamp":"2026-12-05T00:00:00Z","message":"first report"}' \
    "http://127.0.0.1:$port/webhook/status" || true)
  if [ "${answer%% *}" != 200 ]; then
    echo "starts: $dir answered the first report with '${answer%% *}': $(tail -5 "$WORK/start.log")" >&2
    kill "$PID" 2>/dev/null || true
    exit 1
  fi
  sleep "$SETTLE"
  rss=$(rss_mb "$PID")
  kill "$PID"
  wait "$PID" 2>/dev/null || true
  PID=""
  rm -rf "$cwd"
  echo "$wall $cpu $rss $(echo "${answer#* }" | awk '{printf "%.0f", $1 * 1000}')"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
RESULTS=()
for _ in "${DIRS[@]}"; do RESULTS+=(""); done
for i in $(seq 1 "$STARTS"); do
  line="start $i/$STARTS:"
  for k in "${!DIRS[@]}"; do
    env_var="ENV_${LETTERS[$k]}"
    # shellcheck disable=SC2086 # ENV_A, ENV_B... are lists of VAR=value words
    RESULTS[k]+="$(start "${DIRS[$k]}" ${!env_var:-})"$'\n'
    line+=" ${LETTERS[$k]} $(echo "${RESULTS[$k]}" | grep . | tail -1),"
  done
  echo "${line%,} (wall ms, CPU ms, RSS MB, first report ms)" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

col() { echo "$1" | grep . | awk -v c="$2" '{print $c}'; }
# row NAME FIELD -> one table row: the median of each build, then every start of each.
row() {
  local k medians="" each=""
  for k in "${!DIRS[@]}"; do
    medians+=" $(col "${RESULTS[$k]}" "$2" | median) |"
    each+="${each:+ / }$(col "${RESULTS[$k]}" "$2" | paste -sd' ')"
  done
  printf '| %s |%s %s |\n' "$1" "$medians" "$each"
}
names=""; header=""; rule=""; letters=""
for k in "${!DIRS[@]}"; do
  env_var="ENV_${LETTERS[$k]}"
  names+="${names:+, }${LETTERS[$k]} = ${DIRS[$k]}${!env_var:+ ${!env_var}}"
  header+=" ${LETTERS[$k]} |"; rule+="---|"; letters+="${letters:+ / }${LETTERS[$k]}"
done
cat <<EOF
Cold starts, $STORE store, $STARTS per build alternating (bench/starts.sh); $names
Load average before / after: $load_before / $load_after; $(nproc) cores

| median of $STARTS |$header each start ($letters) |
|---|$rule---|
$(row "exec to first 200 on /health, ms" 1)
$(row "process CPU at that 200, ms" 2)
$(row "first report right after it, ms" 4)
$(row "RSS ${SETTLE} s after the 200 and the report, MB" 3)
EOF
