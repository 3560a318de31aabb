# Sourced by bench/run.sh (and by bench/floor.sh, for start_original and stop_pid): ours beside the
# original Go service, in the same run, alternating rounds.
# Uses run.sh's helpers (start_service, ingest, warm_up, ticks, rss_mb, median, field, free_port, sql,
# launch_service).
#
# ORIGINAL: the original's run.sh (default ../shared/original/run.sh from the repository root,
# resolved from this script's location). The original runs in memory for the `memory` and `file`
# stores, on the same PostgreSQL cluster (its own database) for `postgres`.

ORIGINAL=${ORIGINAL:-$(cd "$BENCH/../.." && pwd)/shared/original/run.sh}
ORIGINAL_BIN=${KUBEAGENTS_ORIG_BIN:-$(dirname "$ORIGINAL")/kubeagents-orig}
STARTS=${STARTS:-3}                       # timed cold starts per side (exec -> first 200 on /health)

now_ms() { date +%s%3N; }

# start_original NAME: the original on its own port (and database); sets PORT_<NAME>, PID_<NAME>.
start_original() {
  local name=$1 port pid
  port=$(free_port)
  if [ "$STORE" = postgres ]; then
    pid=$(PGBIN="$PG_BIN" PGUSER=postgres "$ORIGINAL" postgres "$port" "$PG_PORT" "orig_$name" 2>"$WORK/orig-$name.err" | tail -1) || true
  else
    pid=$("$ORIGINAL" memory "$port" 2>"$WORK/orig-$name.err" | tail -1) || true
  fi
  # (|| true: under set -e a failed start would end the script before it said why, just below.)
  [[ "$pid" =~ ^[0-9]+$ ]] || { echo "bench: the original did not start: $(cat "$WORK/orig-$name.err")" >&2; exit 1; }
  PIDS+=("$pid")
  printf -v "PORT_$name" '%s' "$port"
  printf -v "PID_$name" '%s' "$pid"
}

# stop_pid PID: SIGTERM, then SIGKILL (the original on PostgreSQL never exits on SIGTERM); then PID
# leaves PIDS, so the exit trap never signals a process id the system has since given to another.
stop_pid() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
  local kept=() pid
  for pid in "${PIDS[@]:-}"; do [ -n "$pid" ] && [ "$pid" != "$1" ] && kept+=("$pid"); done
  PIDS=("${kept[@]:-}")
}

# cold_start SIDE -> milliseconds from exec to the first 200 on /health (polled every 10 ms).
# On PostgreSQL, SIDE ours or original each start on a database that already holds its schema, as a
# restart does: the original's is applied by psql before its timer starts (it has no migrations),
# ours is copied from bench_schema (see schema_template). ours-new (PostgreSQL only) starts on a new,
# empty database, so its time includes creating the schema, which the original never does. In
# memory and on file, ours starts on a new store each time (creating its schema included).
cold_start() {
  local side=$1 port pid t0 env=()
  port=$(free_port)
  if [ "$side" != original ]; then
    env=(PORT="$port" ASPNETCORE_ENVIRONMENT=Production)
    case "$STORE" in
      postgres) sql postgres "DROP DATABASE IF EXISTS bench_start WITH (FORCE)" >/dev/null
                if [ "$side" = ours-new ]; then sql postgres "CREATE DATABASE bench_start" >/dev/null
                else sql postgres "CREATE DATABASE bench_start TEMPLATE bench_schema" >/dev/null; fi
                env+=(DB_HOST=127.0.0.1 DB_PORT="$PG_PORT" DB_USER=postgres DB_NAME=bench_start) ;;
      file) rm -f "$WORK/start.db"*; env+=(DB_FILE="$WORK/start.db") ;;
    esac
    t0=$(now_ms)
    env "${env[@]}" dotnet "$WORK/api/KubeAgents.Api.dll" >"$WORK/start.log" 2>&1 &
  else
    env=(PORT="$port")
    if [ "$STORE" = postgres ]; then
      sql postgres "DROP DATABASE IF EXISTS orig_start WITH (FORCE)" >/dev/null
      sql postgres "CREATE DATABASE orig_start" >/dev/null
      psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d orig_start -f "$(dirname "$ORIGINAL")/schema.sql" >/dev/null
      env+=(DB_HOST=127.0.0.1 DB_PORT="$PG_PORT" DB_USER=postgres DB_PASSWORD=x DB_NAME=orig_start DB_SSLMODE=disable)
    fi
    t0=$(now_ms)
    env "${env[@]}" "$ORIGINAL_BIN" >"$WORK/start.log" 2>&1 &
  fi
  pid=$!
  PIDS+=("$pid")
  until curl -fs -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "bench: $side exited during start: $(tail -5 "$WORK/start.log")" >&2; exit 1; }
    sleep 0.01
  done
  echo $(( $(now_ms) - t0 ))
  stop_pid "$pid"
}

# schema_template: database bench_schema, migrated by one untimed start of ours (lib.sh's
# launch_service), for cold_start to copy. CREATE DATABASE ... TEMPLATE needs it without
# connections, so this waits for the stopped service's to close.
schema_template() {
  sql postgres "CREATE DATABASE bench_schema" >/dev/null
  launch_service schema DB_HOST=127.0.0.1 DB_PORT="$PG_PORT" DB_USER=postgres DB_NAME=bench_schema
  stop_pid "$PID_schema"
  for _ in $(seq 1 50); do
    [ "$(sql postgres "SELECT count(*) FROM pg_stat_activity WHERE datname = 'bench_schema'")" = 0 ] && return
    sleep 0.1
  done
  echo "bench: bench_schema still has connections" >&2; exit 1
}

# stored_sessions PORT: sessions of agents agent-0..999 (every fresh report opened one).
stored_sessions() {
  curl -s "http://127.0.0.1:$1/api/agents?search=agent-&limit=1000" |
    python3 -c 'import json,sys; print(sum(a["session_count"] for a in json.load(sys.stdin)["agents"] if a["agent_id"].startswith("agent-")))'
}

side_by_side() {
  echo "== side by side with the original ($ORIGINAL, $([ "$STORE" = postgres ] && echo postgres || echo memory)): cold starts x $STARTS" >&2
  local starts_s="" starts_o="" starts_n="" i
  if [ "$STORE" = postgres ]; then schema_template; fi
  for i in $(seq 1 "$STARTS"); do
    starts_s+="$(cold_start ours)"$'\n'
    starts_o+="$(cold_start original)"$'\n'
    if [ "$STORE" = postgres ]; then starts_n+="$(cold_start ours-new)"$'\n'; fi
  done
  echo "== side by side: fresh ingestion, ${WARMUP}s warm-up each, then ${DURATION}s x $RUNS alternating" >&2
  start_service S
  start_original O
  sleep 5
  local idle_s idle_o; idle_s=$(rss_mb "$PID_S"); idle_o=$(rss_mb "$PID_O")
  warm_up "$PORT_S" S >"$WORK/warm_s"
  warm_up "$PORT_O" O >"$WORK/warm_o"
  local ours="" orig=""
  for i in $(seq 1 "$RUNS"); do
    ours+=$(ingest "$PORT_S" fresh "" "" S)$'\n'
    orig+=$(ingest "$PORT_O" fresh "" "" O)$'\n'
  done
  local after_s after_o; after_s=$(rss_mb "$PID_S"); after_o=$(rss_mb "$PID_O")
  local ack_s stored_s ack_o stored_o
  ack_s=$(cat "$WORK/warm_s" <(echo "$ours") | field ok | awk '{s+=$1} END {print s}')
  ack_o=$(cat "$WORK/warm_o" <(echo "$orig") | field ok | awk '{s+=$1} END {print s}')
  stored_s=$(stored_sessions "$PORT_S"); stored_o=$(stored_sessions "$PORT_O")
  stop_pid "$PID_S"; stop_pid "$PID_O"

  m() { echo "$1" | grep RESULT | field "$2" | median | awk '{printf ($1 >= 100 ? "%.0f" : "%.2f"), $1}'; }
  per_run() { echo "$1" | grep RESULT | field "$2" | awk '{printf "%s%.0f", (NR>1?"/":""), $1}'; }
  row() { # LABEL OURS ORIGINAL [UNIT]
    printf '| %s | %s%s | %s%s | %s |\n' "$1" "$2" "${4:-}" "$3" "${4:-}" \
      "$(awk -v a="$2" -v b="$3" 'BEGIN {if (b + 0 == 0) print "–"; else printf "%.2fx", a / b}')"
  }
  local cpu; cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
  cat <<TABLE

KubeAgents beside the original, store: $STORE (original: $([ "$STORE" = postgres ] && echo "PostgreSQL, same cluster" || echo "its in-memory map")), $(date -u '+%Y-%m-%d %H:%M') UTC, medians of $RUNS alternating runs
Machine: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GiB; load average before: $LOAD_BEFORE; both services$( [ "$STORE" = postgres ] && echo ", PostgreSQL" ) and wrk share it.
Command: RUNS=$RUNS DURATION=$DURATION WARMUP=$WARMUP STARTS=$STARTS bench/run.sh $STORE (at $(git -C "$ROOT" rev-parse --short HEAD)); wrk -t2 -c$CONNECTIONS, bench/report.lua MODE=fresh for both

TABLE
  grep -v '^$' <<TABLE
| measure | ours | original | ratio (ours / original) |
|---|---|---|---|
$(row "fresh ingestion, reports/s (per run: ours $(per_run "$ours" rate), original $(per_run "$orig" rate))" "$(m "$ours" rate)" "$(m "$orig" rate)")
$(row "service CPU per report, ms" "$(m "$ours" svc_cpu_ms)" "$(m "$orig" svc_cpu_ms)")
$( [ "$STORE" = postgres ] && row "PostgreSQL CPU per report, ms" "$(m "$ours" pg_cpu_ms)" "$(m "$orig" pg_cpu_ms)" || true)
$(row "p50 latency, ms" "$(m "$ours" p50_ms)" "$(m "$orig" p50_ms)")
$(row "p99 latency, ms (per run: ours $(echo "$ours" | grep RESULT | field p99_ms | paste -sd/), original $(echo "$orig" | grep RESULT | field p99_ms | paste -sd/))" "$(m "$ours" p99_ms)" "$(m "$orig" p99_ms)")
$(row "RSS idle (5 s after start), MB" "$idle_s" "$idle_o")
$(row "RSS after warm-up and runs, MB" "$after_s" "$after_o")
$(row "exec to first 200 on /health, ms (median of $STARTS: ours $(echo "$starts_s" | paste -sd/ | sed 's#/$##'), original $(echo "$starts_o" | paste -sd/ | sed 's#/$##'))$( [ "$STORE" = postgres ] && echo "; each on a database holding its schema")" "$(echo "$starts_s" | grep . | median)" "$(echo "$starts_o" | grep . | median)")
$( [ "$STORE" = postgres ] && row "exec to first 200 on a new, empty database, ms (median of $STARTS: ours $(echo "$starts_n" | paste -sd/ | sed 's#/$##'); ours creates its schema, the original has none to create)" "$(echo "$starts_n" | grep . | median)" "–" || true)
| acknowledged reports lost | $((ack_s - stored_s < 0 ? 0 : ack_s - stored_s)) of $ack_s | $((ack_o - stored_o < 0 ? 0 : ack_o - stored_o)) of $ack_o | |
TABLE
}
