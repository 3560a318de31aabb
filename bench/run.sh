#!/usr/bin/env bash
# KubeAgents benchmark: starts the service itself (Release build) on the chosen store beside the
# original Go service (../shared/original/run.sh, or ORIGINAL=/path/to/run.sh), drives both with the
# same wrk script in alternating runs and prints a Markdown table of medians with a ratio column
# (bench/side-by-side.sh). EXTENDED=1 then adds this service's other measures (one session, reads,
# logging, a large store, the event stream).
#
#   bench/run.sh memory            # the default embedded store: SQLite on a temporary file, not flushed
#   RUNS=2 DURATION=15 bench/run.sh memory   # the quick side-by-side run (about 4 minutes)
#   STARTS=5 ...                   # timed cold starts per side (exec -> first 200 on /health; default 3)
#                                  # (postgres: both on a database holding their schema, and ours on a new one too)
#                                  # (bench/starts.sh: cold starts of two published builds, A/B, with CPU and RSS)
#   EXTENDED=1 ...                 # also the measures below (ours only); SKIP_SIDE_BY_SIDE=1 leaves out the comparison
#   bench/run.sh file              # the embedded store on DB_FILE (WAL, synchronous=FULL: a 200 is on disk)
#   bench/run.sh postgres          # a throwaway local PostgreSQL cluster (default settings: fsync and
#                                  # synchronous_commit on, so a 200 is durable)
#   RUNS=3 DURATION=15 bench/run.sh postgres
#   SKIP_LARGE=1 ...               # leave out the 1,000 vs 100,000 stored sessions comparison
#   AUTH=keys ...                  # AUTH_MODE=keys: every request carries a report+read API key
#   SKIP_EVENTS=1 ...              # leave out the event-stream rows (SSE clients during ingestion)
#   EVENTS_ONLY=1 ...              # only the event-stream rows
#   BASELINE=/dir ...              # with EVENTS_ONLY: also fresh ingestion of this build vs the one
#                                  # published in /dir (dotnet publish of an older commit), alternating
#
# Needs: the .NET SDK, wrk and curl (apt-get install wrk curl), PostgreSQL binaries for `postgres`,
# Node.js for the event-stream rows (bench/sse.mjs).
# Everything listens on 127.0.0.1 and is stopped when the script ends.
set -euo pipefail
STORE=${1:-memory}
RUNS=${RUNS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-45}                       # seconds of fresh ingestion before measuring: tiered JIT
                                          # keeps compiling for ~40 s under load on 2 cores
GET_DURATION=${GET_DURATION:-10}
AUTH=${AUTH:-open}
CONNECTIONS=${CONNECTIONS:-64}
LIST_SIZES=${LIST_SIZES:-100 1000 5000}   # agents for the GET /api/agents measurements
PAGE_ENTRIES=${PAGE_ENTRIES:-20000}       # entries in the session whose first page is read
LARGE_SESSIONS=${LARGE_SESSIONS:-100000}  # sessions stored before the "large store" runs
EVENT_CLIENTS=${EVENT_CLIENTS:-500}       # idle /api/events clients during the event-stream rows
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
WORK=$(mktemp -d /tmp/kubeagents-bench-XXXXXX)
chmod 755 "$WORK"
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"

cleanup() {
  stop_all
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk curl dotnet; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required (apt-get install -y wrk curl)" >&2; exit 1; }
done

# RSS split: anonymous (heap, stacks, native), file-backed (mapped assemblies), shared (W^X code mappings).
rss_split() { awk '/RssAnon|RssFile|RssShmem/ {sub(":", "", $1); sub("Rss", "", $1); printf "%s%s %.0f", (n++ ? ", " : ""), tolower($1), $2/1024}' "/proc/$1/status"; }

# start_service NAME [extra env...]: a new service on a new database; sets PORT_<NAME>, PID_<NAME>.
start_service() {
  local name=$1; shift
  local env=()
  case "$STORE" in
    postgres)
      sql postgres "CREATE DATABASE bench_$name" >/dev/null
      env+=(DB_HOST=127.0.0.1 DB_PORT="$PG_PORT" DB_USER=postgres DB_NAME="bench_$name") ;;
    file) env+=(DB_FILE="$WORK/$name.db") ;;
    memory) ;;
    *) echo "bench: unknown store '$STORE' (memory, file or postgres)" >&2; exit 1 ;;
  esac
  if [ "$AUTH" = keys ]; then
    BOOTSTRAP_KEY=${BOOTSTRAP_KEY:-$(dotnet "$WORK/api/KubeAgents.Api.dll" keys generate)}
    env+=(AUTH_MODE=keys BOOTSTRAP_ADMIN_KEY="$BOOTSTRAP_KEY")
  fi
  launch_service "$name" "${env[@]}" "$@"
  if [ "$AUTH" = keys ]; then
    local port_var="PORT_$name"
    # One report+read key per service (its own database): the wrk scripts and the preload send it.
    API_KEY=$(curl -fs -X POST "http://127.0.0.1:${!port_var}/api/keys" -H "Authorization: Bearer $BOOTSTRAP_KEY" \
      -H 'Content-Type: application/json' -d '{"name":"bench","scopes":["report","read"]}' | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
    [ -n "$API_KEY" ] || { echo "bench: could not create an API key" >&2; exit 1; }
    export API_KEY
  fi
}

# preload PORT FILE: posts every JSON body (one per line) of FILE, 32 at a time.
preload() {
  local port=$1 file=$2 config=$WORK/curl.cfg
  # Options in a curl config apply per transfer: each block repeats them, "next" separates blocks.
  awk -v url="http://127.0.0.1:$port/webhook/status" -v key="${API_KEY:-}" '{
      gsub(/\\/, "\\\\"); gsub(/"/, "\\\"");
      if (NR > 1) print "next"
      if (key != "") printf "header = \"Authorization: Bearer %s\"\n", key
      printf "silent\nurl = \"%s\"\nheader = \"Content-Type: application/json\"\ndata = \"%s\"\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code}\\n\"\n", url, $0
    }' "$file" >"$config"
  local codes
  codes=$(curl --no-progress-meter --parallel --parallel-max 32 -K "$config" 2>"$WORK/curl.err" | sort | uniq -c) || true
  if echo "$codes" | grep -qv ' 200$' || [ -s "$WORK/curl.err" ]; then
    echo "bench: preload failed; answers: $codes; $(head -3 "$WORK/curl.err")" >&2
    exit 1
  fi
}

get_p50() { # PORT PATH -> RESULT line
  wrk -t1 -c1 -d"${GET_DURATION}s" -s "$BENCH/get.lua" "http://127.0.0.1:$1$2" | grep '^RESULT'
}

echo "== building (Release)" >&2
publish_build "$ROOT/src/KubeAgents.Api" "$WORK/api"
if [ "$STORE" = postgres ]; then
  start_postgres
  warm_up_cluster
fi

# --- G: the event stream ---------------------------------------------------------------------------
# EVENT_CLIENTS idle SSE clients (each subscribed to an agent that never reports, so the stream sends
# them nothing but keep-alives, while every commit is still offered to each of them) connected during
# fresh ingestion, against the same service's rate without them; a probe's report-to-event latency
# (POST sent -> its event read on a stream) under that load; RSS per idle client.
run_events() {
  echo "== event stream: fresh ingestion without and with $EVENT_CLIENTS idle SSE clients, alternating, ${DURATION}s x $RUNS each" >&2
  start_service G
  warm_up "$PORT_G" G >/dev/null
  local clients="" without="" with="" run
  connect_clients() {
    : >"$WORK/sse.out"
    node "$BENCH/sse.mjs" clients "http://127.0.0.1:$PORT_G/api/events?agent_id=bench-idle" "$EVENT_CLIENTS" >"$WORK/sse.out" 2>&1 &
    clients=$!
    PIDS+=("$clients")
    for _ in $(seq 1 120); do grep -q '^connected' "$WORK/sse.out" && break; sleep 0.5; done
    grep -q '^connected' "$WORK/sse.out" || { echo "bench: SSE clients did not connect: $(cat "$WORK/sse.out")" >&2; exit 1; }
  }
  # Alternating runs, so the host's drift (other work on the shared cores) falls on both sides alike.
  for run in $(seq 1 "$RUNS"); do
    without+=$(ingest "$PORT_G" fresh "" "" G)$'\n'
    if [ "$run" = 1 ]; then sleep 5; ev_rss0=$(rss_mb "$PID_G"); fi
    connect_clients
    if [ "$run" = 1 ]; then sleep 5; ev_rss1=$(rss_mb "$PID_G"); fi
    with+=$(ingest "$PORT_G" fresh "" "" G)$'\n'
    if [ "$run" = "$RUNS" ]; then
      node "$BENCH/sse.mjs" latency "http://127.0.0.1:$PORT_G" $((DURATION * 20)) 20 >"$WORK/latency.out" 2>&1 &
      local probe=$!
      ingest "$PORT_G" fresh "" "" G >/dev/null
      wait "$probe" || true
    fi
    kill -TERM "$clients"; wait "$clients" 2>/dev/null || true
    ev_clients=$(grep '^RESULT' "$WORK/sse.out" || true)
  done
  ev_without=$(echo "$without" | grep RESULT); ev_with=$(echo "$with" | grep RESULT)
  ev_latency=$(grep '^RESULT' "$WORK/latency.out" || echo "RESULT failed: $(cat "$WORK/latency.out")")
  local a b
  a=$(echo "$ev_without" | field rate | median); b=$(echo "$ev_with" | field rate | median)
  events_rows=$(printf '| fresh ingestion without / with %s idle SSE clients connected (runs alternate) | %.0f / %.0f reports/s (%sx; per run without %s, with %s), p99 %s / %s ms; clients connected to the end: %s of %s |\n' \
      "$EVENT_CLIENTS" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", b/a}')" \
      "$(echo "$ev_without" | field rate | awk '{printf "%s%.0f", (NR>1?"/":""), $1}')" "$(echo "$ev_with" | field rate | awk '{printf "%s%.0f", (NR>1?"/":""), $1}')" \
      "$(echo "$ev_without" | field p99_ms | median)" "$(echo "$ev_with" | field p99_ms | median)" \
      "$(( $(echo "$ev_clients" | field clients) - $(echo "$ev_clients" | field ended) ))" "$EVENT_CLIENTS"
    printf '| report-to-event latency (probe: POST sent -> its event read, 20/s during fresh ingestion, %s clients connected) | p50 %s ms, p99 %s ms, max %s ms, %s lost |\n' \
      "$EVENT_CLIENTS" "$(echo "$ev_latency" | field p50_ms)" "$(echo "$ev_latency" | field p99_ms)" "$(echo "$ev_latency" | field max_ms)" "$(echo "$ev_latency" | field lost)"
    printf '| server memory per idle SSE client (RSS %s MB -> %s MB with %s clients) | %s KB |\n' \
      "$ev_rss0" "$ev_rss1" "$EVENT_CLIENTS" "$(awk -v a="$ev_rss0" -v b="$ev_rss1" -v n="$EVENT_CLIENTS" 'BEGIN {printf "%.0f", (b-a)*1024/n}')")
  kill "$PID_G" 2>/dev/null || true
}
# Fresh ingestion of this build against BASELINE's, alternating runs on two services.
run_baseline() {
  echo "== fresh ingestion: this build vs $BASELINE, alternating, ${DURATION}s x $RUNS each" >&2
  start_service H
  API_DIR=$BASELINE start_service I
  warm_up "$PORT_H" H >/dev/null; warm_up "$PORT_I" I >/dev/null
  local this="" base="" a b
  for _ in $(seq 1 "$RUNS"); do
    base+=$(ingest "$PORT_I" fresh "" "" I)$'\n'
    this+=$(ingest "$PORT_H" fresh "" "" H)$'\n'
  done
  a=$(echo "$base" | grep RESULT | field rate | median); b=$(echo "$this" | grep RESULT | field rate | median)
  events_rows+=$(printf '\n| fresh ingestion, this build (event log) vs the baseline build (runs alternate) | %.0f vs %.0f reports/s (%sx); service CPU %s vs %s ms per report%s |' \
    "$b" "$a" "$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", b/a}')" \
    "$(echo "$this" | grep RESULT | field svc_cpu_ms | median)" "$(echo "$base" | grep RESULT | field svc_cpu_ms | median)" \
    "$( [ "$STORE" = postgres ] && echo ", PostgreSQL $(echo "$this" | grep RESULT | field pg_cpu_ms | median) vs $(echo "$base" | grep RESULT | field pg_cpu_ms | median) ms" )")
  kill "$PID_H" "$PID_I" 2>/dev/null || true
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
if [ -z "${EVENTS_ONLY:-}" ] && [ -z "${SKIP_SIDE_BY_SIDE:-}" ]; then
  # shellcheck source=bench/side-by-side.sh
  . "$BENCH/side-by-side.sh"
  side_by_side
  [ -n "${EXTENDED:-}" ] || exit 0
fi

events_rows=""
if [ -n "${EVENTS_ONLY:-}" ]; then
  run_events
  if [ -n "${BASELINE:-}" ]; then run_baseline; fi
  cat <<TABLE

KubeAgents benchmark (event stream only), store: $STORE, $(date -u +%Y-%m-%d), medians of $RUNS runs
Machine: $(nproc) cores, shared; service, $( [ "$STORE" = postgres ] && echo "PostgreSQL, " )wrk and the Node.js SSE clients share it.
Command: RUNS=$RUNS DURATION=$DURATION WARMUP=$WARMUP EVENTS_ONLY=1 bench/run.sh $STORE (at $(git -C "$ROOT" rev-parse --short HEAD))

| measure | result |
|---|---|
$events_rows
TABLE
  exit 0
fi

# --- A: ingestion --------------------------------------------------------------------------------
echo "== ingestion: fresh sessions over 1,000 agents, $CONNECTIONS connections, ${DURATION}s x $RUNS" >&2
start_service A
warm_up "$PORT_A" A >"$WORK/warmup" # JIT, pools, caches; counted for the loss check only
fresh=$(runs ingest "$PORT_A" fresh "" "" A)
acknowledged=$(cat "$WORK/warmup" <(echo "$fresh") | field ok | awk '{s+=$1} END {print s}')
if [ "$STORE" = postgres ]; then
  stored=$(sql bench_A "SELECT count(*) FROM status_entries WHERE message = 'bench'")
else
  # Every fresh report opened a session of its own.
  stored=$(curl -s ${API_KEY:+-H "Authorization: Bearer $API_KEY"} "http://127.0.0.1:$PORT_A/api/agents?search=agent-&limit=1000" |
    python3 -c 'import json,sys; print(sum(a["session_count"] for a in json.load(sys.stdin)["agents"]))')
fi

echo "== ingestion into one session preloaded with 20,000 entries" >&2
seq 1 20000 | awk '{printf "{\"agent_id\":\"bench-one\",\"session_topic\":\"big\",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00Z\",\"message\":\"preload %d\"}\n", $1}' >"$WORK/one.jsonl"
preload "$PORT_A" "$WORK/one.jsonl"
one=$(runs ingest "$PORT_A" one bench-one big A)
rss_a=$(rss_mb "$PID_A")

# --- B: reads --------------------------------------------------------------------------------------
echo "== GET /api/agents at 100, 1,000 and 5,000 agents (5 sessions x 2 reports each)" >&2
start_service B
rss_idle=$(rss_mb "$PID_B")
declare -A list_p50
loaded=0
for n in $LIST_SIZES; do
  awk -v from="$loaded" -v to="$n" 'BEGIN {
      for (a = from; a < to; a++) for (s = 0; s < 5; s++) {
        printf "{\"agent_id\":\"list-%d\",\"agent_name\":\"List %d\",\"session_topic\":\"s%d\",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00Z\"}\n", a, a, s
        printf "{\"agent_id\":\"list-%d\",\"session_topic\":\"s%d\",\"status\":\"success\",\"timestamp\":\"2026-11-27T10:05:00Z\",\"message\":\"done\"}\n", a, s
      } }' >"$WORK/list.jsonl"
  preload "$PORT_B" "$WORK/list.jsonl"
  loaded=$n
  list_p50[$n]=$(runs get_p50 "$PORT_B" /api/agents | field p50_ms | median)
done

echo "== one session's first history page at $PAGE_ENTRIES entries" >&2
seq 1 "$PAGE_ENTRIES" | awk '{printf "{\"agent_id\":\"bench-page\",\"session_topic\":\"big\",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:%02d:%02dZ\",\"message\":\"entry %d\"}\n", ($1/60)%60, $1%60, $1}' >"$WORK/page.jsonl"
preload "$PORT_B" "$WORK/page.jsonl"
page=$(runs get_p50 "$PORT_B" /api/agents/bench-page/sessions/big)
rss_b=$(rss_mb "$PID_B")

# --- C: request logging on -------------------------------------------------------------------------
echo "== fresh ingestion with per-request logging (Microsoft.AspNetCore.Hosting at Information)" >&2
start_service C Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics=Information
warm_up "$PORT_C" C >/dev/null
logged=$(runs ingest "$PORT_C" fresh "" "" C)

# --- D: what PostgreSQL alone sustains here -------------------------------------------------------
ceiling=""
if [ "$STORE" = postgres ] && [ -x "$PG_BIN/pgbench" ]; then
  echo "== PostgreSQL alone: pgbench, a report's writes as one statement, 16 clients" >&2
  # Its ids come from the service's hi/lo sequence, a whole block each: no clash with the service.
  ceiling=$(for _ in $(seq 1 "$RUNS"); do
      "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -c 16 -j 2 -T "$DURATION" -M prepared \
        -f "$BENCH/report.pgbench" bench_A 2>"$WORK/pgbench.err" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' || true
    done | median)
  if [ "${ceiling:-0}" = 0 ]; then ceiling=""; echo "bench: pgbench failed: $(head -3 "$WORK/pgbench.err")" >&2; fi
fi

# --- E: a large store ------------------------------------------------------------------------------
large=""; small=""
if [ -z "${SKIP_LARGE:-}" ]; then
  echo "== fresh ingestion with 1,000 vs $LARGE_SESSIONS sessions stored (each service warmed up into one session)" >&2
  # Both services are preloaded through the same path and warmed up the same way, so the two
  # measured runs differ only in how much the store holds.
  large_store_runs() { # NAME SESSIONS -> RESULT lines
    local name=$1 sessions=$2 port_var
    start_service "$name"
    port_var="PORT_$name"
    awk -v n="$sessions" 'BEGIN { for (i = 0; i < n; i++)
        printf "{\"agent_id\":\"agent-%d\",\"session_topic\":\"pre-%d\",\"status\":\"running\",\"timestamp\":\"2026-11-27T10:00:00Z\",\"message\":\"preload\"}\n", i % 1000, i }' >"$WORK/$name.jsonl"
    preload "${!port_var}" "$WORK/$name.jsonl"
    DURATION=$WARMUP ingest "${!port_var}" one warm-up big "$name" >/dev/null
    runs ingest "${!port_var}" fresh "" "" "$name"
    local pid_var="PID_$name"; kill "${!pid_var}"
  }
  # Not in $(...): the services must stay known to this shell, which stops them on exit.
  large_store_runs E 1000 >"$WORK/small"
  large_store_runs F "$LARGE_SESSIONS" >"$WORK/large"
  small=$(cat "$WORK/small"); large=$(cat "$WORK/large")
fi

# --- report ----------------------------------------------------------------------------------------
m() { echo "$1" | field "$2" | median; }
fresh_rate=$(m "$fresh" rate); one_rate=$(m "$one" rate); logged_rate=$(m "$logged" rate)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
cat <<TABLE

KubeAgents benchmark, store: $STORE, $(date -u +%Y-%m-%d), medians of $RUNS runs
Machine: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GiB; service, $( [ "$STORE" = postgres ] && echo "PostgreSQL $(pg postgres --version | awk '{print $3}'), " )and wrk share it.
Command: $( [ "$AUTH" = keys ] && printf "AUTH=keys " )${SKIP_LARGE:+SKIP_LARGE=1 }${SKIP_EVENTS:+SKIP_EVENTS=1 }RUNS=$RUNS DURATION=$DURATION WARMUP=$WARMUP bench/run.sh $STORE (at $(git -C "$ROOT" rev-parse --short HEAD))

| measure | result |
|---|---|
| ingestion, each report a new session over 1,000 agents ($CONNECTIONS connections, ${DURATION}s) | $(printf '%.0f' "$fresh_rate") reports/s, p50 $(m "$fresh" p50_ms) ms, p99 $(m "$fresh" p99_ms) ms |
| CPU per fresh report | service $(m "$fresh" svc_cpu_ms) ms$( [ "$STORE" = postgres ] && echo ", PostgreSQL $(m "$fresh" pg_cpu_ms) ms" ) |
| ingestion into one session holding 20,000+ entries | $(printf '%.0f' "$one_rate") reports/s ($(awk -v a="$one_rate" -v b="$fresh_rate" 'BEGIN {printf "%.2f", a/b}')x fresh), p50 $(m "$one" p50_ms) ms, p99 $(m "$one" p99_ms) ms |
| same, per run (the session grows by each run's reports) | $(echo "$one" | field rate | awk '{printf "%s%.0f", (NR>1?", ":""), $1}') reports/s |
| GET /api/agents, first page (100), 1 connection | $(for n in $LIST_SIZES; do printf 'p50 %s ms at %s agents; ' "${list_p50[$n]}" "$n"; done) |
| GET one session, first history page (100 of $PAGE_ENTRIES entries) | p50 $(m "$page" p50_ms) ms, $(m "$page" bytes) bytes |
| ingestion with per-request logging on | $(printf '%.0f' "$logged_rate") reports/s ($(awk -v a="$logged_rate" -v b="$fresh_rate" 'BEGIN {printf "%+.1f%%", (a/b-1)*100}') vs off); service CPU $(m "$logged" svc_cpu_ms) ms per report ($(awk -v a="$(m "$logged" svc_cpu_ms)" -v b="$(m "$fresh" svc_cpu_ms)" 'BEGIN {printf "%+.1f%%", (a/b-1)*100}') vs off) |
| acknowledged reports lost (fresh-session runs) | $((acknowledged - stored < 0 ? 0 : acknowledged - stored)) of $acknowledged acknowledged ($stored stored) |
| server RSS | ${rss_idle} MB idle, ${rss_a} MB after ingestion, ${rss_b} MB after the read loads ($(rss_split "$PID_B") MB) |
TABLE
if [ -n "$large" ]; then
  small_rate=$(m "$small" rate); large_rate=$(m "$large" rate)
  printf '| fresh ingestion, 1,000 sessions stored | %.0f reports/s, p99 %s ms, service CPU %s ms per report |\n' "$small_rate" "$(m "$small" p99_ms)" "$(m "$small" svc_cpu_ms)"
  printf '| fresh ingestion, %s sessions stored | %.0f reports/s (%sx the rate at 1,000), p99 %s ms, service CPU %s ms per report |\n' \
    "$LARGE_SESSIONS" "$large_rate" "$(awk -v a="$large_rate" -v b="$small_rate" 'BEGIN {printf "%.2f", a/b}')" "$(m "$large" p99_ms)" "$(m "$large" svc_cpu_ms)"
fi
if [ -z "${SKIP_EVENTS:-}" ]; then run_events; echo "$events_rows"; fi
[ -n "$ceiling" ] && printf '| PostgreSQL alone (pgbench, a fresh report'"'"'s writes as one statement, 16 clients, no service) | %.0f transactions/s |\n' "$ceiling"
true
