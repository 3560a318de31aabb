#!/usr/bin/env bash
# PostgreSQL at scale (issue 22): fresh ingestion on an empty store and on a store loaded with
# 10,000,000 status entries over 1,000,000 sessions over 10,000 agents, every paged read of the REST
# API on that store, and retention deleting its oldest day while ingestion runs. Prints one Markdown
# table: measure | value | target | met?
#
#   bench/pg-scale.sh                     # the full scale; about 5.5 GB free under TMPDIR (or /tmp)
#   SCALE=0.01 RUNS=1 DURATION=5 WARMUP=10 bench/pg-scale.sh   # a smoke run: 100,000 entries
#   BUILD=/tmp/api bench/pg-scale.sh      # a published build instead of publishing this tree:
#     dotnet publish src/KubeAgents.Api -c Release -r linux-x64 --self-contained true -o /tmp/api
#
# Steps (docs/benchmarks.md): 1. a throwaway PostgreSQL cluster (default durability, as bench/run.sh),
# warmed by pgbench; 2. the service on an empty database (its migrations create the schema): fresh
# ingestion, as bench/run.sh measures it (bench/report.lua MODE=fresh over 1,000 agents, wrk -t2
# -c64, WARMUP s, then RUNS x DURATION s); 3. the service stopped, the store loaded with set-based SQL
# (bench/pg-scale-load.sql: SCALE x 10M entries, 1M sessions, 10k agents over the last 30 days,
# checked against the invariants before it commits), then VACUUM ANALYZE; 4. the service restarted
# on it: fresh ingestion again; 5. every paged read (wrk -c READ_CONNECTIONS for READ_DURATION s each)
# on loaded ids, first and a later page (not GET /api/notifications: admin only, so 403 in open
# mode, and the load stores no notifications); 6. a restart with HISTORY_RETENTION_DAYS=29, whose first run
# comes a minute after start (RetentionOptions.FirstRunDelay, not a setting) and deletes the oldest
# day, while wrk drives fresh ingestion in RETENTION_CHUNK-second runs.
#
# Needs: the .NET SDK (unless BUILD is given), wrk, curl, python3, PostgreSQL binaries
# (/usr/lib/postgresql/*/bin). Everything listens on 127.0.0.1 and is removed when the script ends,
# Ctrl-C included.
set -euo pipefail
SCALE=${SCALE:-1}
RUNS=${RUNS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-45}                   # as bench/run.sh: tiered JIT compiles for ~40 s under load
CONNECTIONS=64
READ_CONNECTIONS=${READ_CONNECTIONS:-4}
READ_DURATION=${READ_DURATION:-5}
RETENTION_CHUNK=${RETENTION_CHUNK:-3}  # seconds per wrk run while retention is awaited and runs
RETENTION_TIMEOUT=${RETENTION_TIMEOUT:-900}
DAYS=30                                # the loaded history's span
RETENTION_DAYS=29                      # so the oldest day is out of the window
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kubeagents-scale-XXXXXX")
chmod 755 "$WORK"
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"

cleanup() {
  stop_all
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "pg-scale: $tool is required (apt-get install -y wrk curl python3)" >&2; exit 1; }
done

scaled() { python3 -c "import sys; print(max(1, round($1 * float(sys.argv[1]))))" "$SCALE"; }
ENTRIES=$(scaled 10000000)
SESSIONS=$(scaled 1000000)
AGENTS=$(scaled 10000)
[ "$ENTRIES" -ge $((2 * SESSIONS)) ] || { echo "pg-scale: SCALE=$SCALE leaves too few entries per session" >&2; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", b - a}'; }
DB=kubeagents
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)

# About 0.5 GB per million entries with the WAL and index builds; refuse rather than fill the disk.
need_mb=$(( ENTRIES / 2000 + 500 ))
free_mb=$(df -Pm "$WORK" | awk 'NR == 2 {print $4}')
[ "$free_mb" -ge "$need_mb" ] || { echo "pg-scale: ${need_mb} MB needed under $(dirname "$WORK"), ${free_mb} MB free (set TMPDIR)" >&2; exit 1; }

if [ -n "${BUILD:-}" ]; then
  API_DIR=$(cd "$BUILD" && pwd)
  [ -f "$API_DIR/KubeAgents.Api.dll" ] || { echo "pg-scale: no KubeAgents.Api.dll in $BUILD" >&2; exit 1; }
else
  echo "== building (Release)" >&2
  publish_build "$ROOT/src/KubeAgents.Api" "$WORK/api"
fi

# --- 1. the cluster --------------------------------------------------------------------------------
start_postgres
warm_up_cluster
sql postgres "CREATE DATABASE $DB" >/dev/null
DB_ENV=(DB_HOST=127.0.0.1 DB_PORT="$PG_PORT" DB_USER=postgres DB_NAME="$DB")

stop_service() { # NAME: SIGTERM, and wait for the exit (its connections closed)
  local pid_var="PID_$1"
  kill "${!pid_var}" 2>/dev/null || true
  while kill -0 "${!pid_var}" 2>/dev/null; do sleep 0.2; done
}
m() { echo "$1" | field "$2" | median; }
per_run() { echo "$1" | field "$2" | awk '{printf "%s%.0f", (NR>1?"/":""), $1}'; }

# --- 2. fresh ingestion, empty store ---------------------------------------------------------------
echo "== fresh ingestion on the empty store: ${WARMUP}s warm-up, ${DURATION}s x $RUNS" >&2
launch_service empty "${DB_ENV[@]}"
warm_up "$PORT_empty" empty >/dev/null
empty=$(runs ingest "$PORT_empty" fresh "" "" empty)
stop_service empty

# --- 3. the load -----------------------------------------------------------------------------------
echo "== loading $ENTRIES entries over $SESSIONS sessions over up to $AGENTS agents (bench/pg-scale-load.sql)" >&2
t0=$(now)
psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$DB" -v ON_ERROR_STOP=1 \
  -v entries="$ENTRIES" -v sessions="$SESSIONS" -v agents="$AGENTS" -v days="$DAYS" \
  -f "$BENCH/pg-scale-load.sql" | sed 's/^/   /' >&2
t1=$(now)
echo "== VACUUM ANALYZE, CHECKPOINT" >&2
sql "$DB" "VACUUM ANALYZE" >/dev/null
sql "$DB" "CHECKPOINT" >/dev/null
t2=$(now)
load_s=$(secs "$t0" "$t1"); vacuum_s=$(secs "$t1" "$t2")
loaded_agents=$(sql "$DB" "SELECT count(*) FROM agents")
load_rows=$((ENTRIES + SESSIONS + loaded_agents))
load_rate=$(awk -v n="$load_rows" -v s="$load_s" 'BEGIN {printf "%.0f", n / s}')
db_mb=$(sql "$DB" "SELECT pg_database_size(current_database()) / 1048576")
echo "   loaded in ${load_s}s ($load_rate rows/s), VACUUM ANALYZE + CHECKPOINT ${vacuum_s}s, database ${db_mb} MB" >&2

# --- 4. fresh ingestion, loaded store --------------------------------------------------------------
echo "== fresh ingestion on the loaded store: ${WARMUP}s warm-up, ${DURATION}s x $RUNS" >&2
launch_service loaded "${DB_ENV[@]}"
warm_up "$PORT_loaded" loaded >/dev/null
loaded=$(runs ingest "$PORT_loaded" fresh "" "" loaded)

# --- 5. paged reads --------------------------------------------------------------------------------
# The loader's busiest agent (agent-0) and one of its long sessions (ids 1000, 2000, ...: 1,000 entries).
busy=$(sql "$DB" "SELECT agent_id FROM sessions WHERE id <= $SESSIONS GROUP BY agent_id ORDER BY count(*) DESC, agent_id LIMIT 1")
long_id=$(( SESSIONS >= 1000 ? 1000 : 1 ))
IFS='|' read -r long_agent long_topic long_entries < <(sql "$DB" \
  "SELECT s.agent_id, s.topic, (SELECT count(*) FROM status_entries e WHERE e.session_id = s.id) FROM sessions s WHERE s.id = $long_id")
busy_sessions=$(sql "$DB" "SELECT count(*) FROM sessions WHERE agent_id = '$busy'")
base="http://127.0.0.1:$PORT_loaded"
# later PATH LIST_KEY CURSOR_KEY PARAM: PATH with PARAM set to the cursor of page 5 (or the last page).
later() {
  python3 - "$base" "$1" "$2" "$3" "$4" <<'PY'
import json, sys, urllib.parse, urllib.request
base, path, items, key, param = sys.argv[1:]
sep = "&" if "?" in path else "?"
url, cursor = path, None
for _ in range(4):
    page = json.load(urllib.request.urlopen(base + url))
    if not page.get(key):
        break
    cursor = page[key]
    url = path + sep + param + "=" + urllib.parse.quote(cursor, safe="")
print(url)
PY
}
reads=(
  "agents, first page|/api/agents"
  "agents, page 5 (cursor)|$(later /api/agents agents next_cursor cursor)"
  "agents, status=failed|/api/agents?status=failed"
  "agents, search=agent-12|/api/agents?search=agent-12"
  "one agent ($busy_sessions sessions; not paged)|/api/agents/$busy"
  "an agent's sessions, first page|/api/agents/$busy/sessions"
  "an agent's sessions, page 5 (cursor)|$(later "/api/agents/$busy/sessions" sessions next_cursor cursor)"
  "an agent's sessions, expired=false|/api/agents/$busy/sessions?expired=false"
  "a session with $long_entries entries, first history page|/api/agents/$long_agent/sessions/$long_topic"
  "a session, history page 5 (history_cursor)|$(later "/api/agents/$long_agent/sessions/$long_topic" status_history next_history_cursor history_cursor)"
  "an agent's history, first page|/api/agents/$busy/history"
  "an agent's history, page 5 (cursor)|$(later "/api/agents/$busy/history" status_history next_cursor cursor)"
  "an agent's history, status=failed|/api/agents/$busy/history?status=failed"
)
echo "== paged reads on the loaded store: wrk -c$READ_CONNECTIONS, ${READ_DURATION}s each (busiest agent $busy)" >&2
read_rows=""
for entry in "${reads[@]}"; do
  label=${entry%%|*}; path=${entry#*|}
  read -r code first_s < <(curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$base$path")
  [ "$code" = 200 ] || { echo "pg-scale: GET $path answered $code" >&2; exit 1; }
  echo "   GET $label: first answer in ${first_s} s" >&2
  result=$(wrk -t1 -c"$READ_CONNECTIONS" -d"${READ_DURATION}s" -s "$BENCH/get.lua" "$base$path" | grep '^RESULT')
  p50=$(echo "$result" | field p50_ms); p99=$(echo "$result" | field p99_ms); errors=$(echo "$result" | field errors)
  answered=$(echo "$result" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
  met=$(awk -v p="$p50" -v e="$errors" 'BEGIN {print (p <= 5 && e == 0) ? "yes" : "no"}')
  [ "$errors" = 0 ] || met="no ($errors errors)"
  # No answer within the run is a failure, not a p50 of 0.
  [ "${answered:-0}" -gt 0 ] || met="no (no answer in ${READ_DURATION} s)"
  shown=$path; [ ${#shown} -le 70 ] || shown="${shown:0:67}..."
  read_rows+="| GET $label: \`$shown\` | p50 $p50 ms, p99 $p99 ms ($(echo "$result" | field bytes) bytes) | p50 ≤ 5 ms | $met |"$'\n'
done
stop_service loaded

# --- 6. retention ----------------------------------------------------------------------------------
old_before=$(sql "$DB" "SELECT count(*) FROM status_entries WHERE id <= $ENTRIES")
expected=$(sql "$DB" "SELECT count(*) FROM status_entries WHERE received_at < now() - interval '$RETENTION_DAYS days' + interval '60 seconds'")
echo "== retention: HISTORY_RETENTION_DAYS=$RETENTION_DAYS (about $expected entries out of the window); its first run comes a minute after start; fresh ingestion meanwhile in ${RETENTION_CHUNK}s runs" >&2
started=$(now)
launch_service retention "${DB_ENV[@]}" HISTORY_RETENTION_DAYS="$RETENTION_DAYS"
# /metrics every 0.1 s: kubeagents_retention_deleted_total by table, with the time of each sample.
python3 - "http://127.0.0.1:$PORT_retention/metrics" >"$WORK/samples" <<'PY' &
import re, sys, time, urllib.request
counter = re.compile(r'^kubeagents_retention_deleted_total\{[^}]*table="(\w+)"[^}]*\}\s+(\S+)', re.M)
while True:
    t = time.time()
    try:
        counts = {table: int(float(v)) for table, v in counter.findall(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())}
        print(f"{t:.3f} {counts.get('status_entries', 0)} {counts.get('sessions', 0)}", flush=True)
    except OSError:
        pass
    time.sleep(0.1)
PY
PIDS+=("$!")
sampler=$!
: >"$WORK/chunks"
after=0
while :; do
  c0=$(now)
  line=$(DURATION=$RETENTION_CHUNK ingest "$PORT_retention" fresh "" "" retention)
  echo "$c0 $(now) $line" >>"$WORK/chunks"
  if grep -q 'Retention failed\|Retention deferred' "$WORK/retention.log"; then
    grep -A3 'Retention failed\|Retention deferred' "$WORK/retention.log" >&2; exit 1
  fi
  if grep -q 'Retention (' "$WORK/retention.log"; then after=$((after + 1)); [ "$after" -lt 2 ] || break; fi
  [ "$(secs "$started" "$(now)" | cut -d. -f1)" -lt "$RETENTION_TIMEOUT" ] || { echo "pg-scale: no retention run within ${RETENTION_TIMEOUT}s" >&2; exit 1; }
done
sleep 0.3
kill "$sampler" 2>/dev/null || true
retention_line=$(grep -o 'Retention (.*' "$WORK/retention.log" | head -1)
cutoff=$(echo "$retention_line" | sed -n 's/.*before \([^)]*\)).*/\1/p')
old_after=$(sql "$DB" "SELECT count(*) FROM status_entries WHERE id <= $ENTRIES")
# Left for the next hourly run: a session is only deleted with its agent's row, and one a report
# holds is skipped (SKIP LOCKED, docs/operations.md), with its last entry. Kept by design, not left:
# the current entry of a session that expired less than the retention period ago.
left=$(sql "$DB" "SELECT count(*) FILTER (WHERE o.superseded) || ' entries and '
  || (SELECT count(*) FROM sessions WHERE id <= $SESSIONS AND expired AND expires_at < '$cutoff') || ' expired sessions; kept, as current entries of sessions expired within the period: '
  || count(*) FILTER (WHERE NOT o.superseded AND NOT (s.expired AND s.expires_at < '$cutoff')) || ' entries'
  FROM (SELECT e.session_id, EXISTS (SELECT 1 FROM status_entries l WHERE l.session_id = e.session_id
          AND (l.timestamp > e.timestamp OR (l.timestamp = e.timestamp AND l.id > e.id))) AS superseded
        FROM status_entries e WHERE e.id <= $ENTRIES AND e.received_at < '$cutoff') o
  JOIN sessions s ON s.id = o.session_id")
stop_service retention
# The deletion's window: from the last sample before the first row went to the first sample showing
# the run's totals; entries deleted = the loaded entries gone (the status_entries step's and, one per
# session, the sessions step's cascade).
retention=$(python3 - "$WORK/samples" "$WORK/chunks" "$((old_before - old_after))" <<'PY'
import re, statistics, sys
samples = [tuple(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
chunks = []
for l in open(sys.argv[2]):
    f = l.split()
    kv = dict(x.split("=") for x in f[3:] if "=" in x)
    chunks.append((float(f[0]), float(f[1]), float(kv["rate"]), float(kv["p99_ms"])))
deleted = int(sys.argv[3])
final = samples[-1][1:]
last_zero = max((t for t, e, s in samples if e + s == 0), default=samples[0][0])
done = min(t for t, e, s in samples if (e, s) == final)
window = max(done - last_zero, 1e-3)
during = [c for c in chunks if c[0] < done and c[1] > last_zero]
before = [c for c in chunks if c[1] <= last_zero][-3:]
print(f"entries={int(final[0])} sessions={int(final[1])} deleted={deleted} window_s={window:.2f} "
      f"rate={deleted / window:.0f} p99_during={max((c[3] for c in during), default=0):.2f} runs_during={len(during)} "
      f"ingest_during={statistics.median([c[2] for c in during] or [0]):.0f} "
      f"p99_before={max((c[3] for c in before), default=0):.2f} ingest_before={statistics.median([c[2] for c in before] or [0]):.0f}")
PY
)
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# --- 7. the table ----------------------------------------------------------------------------------
e_rate=$(m "$empty" rate); l_rate=$(m "$loaded" rate)
ratio=$(awk -v a="$l_rate" -v b="$e_rate" 'BEGIN {printf "%.2f", a / b}')
r() { echo "$retention" | field "$1"; }
yes_if() { awk -v v="$1" -v t="$3" "BEGIN {print (v $2 t) ? \"yes\" : \"no\"}"; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
cat <<TABLE

KubeAgents on PostgreSQL at scale (bench/pg-scale.sh), $(date -u '+%Y-%m-%d %H:%M') UTC, commit $COMMIT
Command: SCALE=$SCALE RUNS=$RUNS DURATION=$DURATION WARMUP=$WARMUP READ_DURATION=$READ_DURATION READ_CONNECTIONS=$READ_CONNECTIONS bench/pg-scale.sh; PostgreSQL $(pg postgres --version | awk '{print $3}'), default settings
Machine: $(nproc) cores ($cpu), $(free -g | awk '/Mem:/ {print $2}') GiB; load average at start $LOAD_START, at end $LOAD_END; service, PostgreSQL and wrk share it
Store loaded: $ENTRIES status entries, $SESSIONS sessions, $loaded_agents agents over $DAYS days ($db_mb MB); busiest agent $busy ($busy_sessions sessions)

| measure | value | target | met? |
|---|---|---|---|
| load, set-based SQL (bench/pg-scale-load.sql, invariants checked) | ${load_s} s, $load_rate rows/s ($load_rows rows) | | |
| VACUUM ANALYZE + CHECKPOINT after the load | ${vacuum_s} s | | |
| fresh ingestion, empty store (medians of $RUNS x ${DURATION}s; per run $(per_run "$empty" rate)) | $(printf '%.0f' "$e_rate") reports/s, p50 $(m "$empty" p50_ms) ms, p99 $(m "$empty" p99_ms) ms | | |
| fresh ingestion, loaded store (per run $(per_run "$loaded" rate)) | $(printf '%.0f' "$l_rate") reports/s, p50 $(m "$loaded" p50_ms) ms, p99 $(m "$loaded" p99_ms) ms | | |
| fresh ingestion, loaded / empty | ${ratio}x | ≥ 0.8x | $(yes_if "$ratio" ">=" 0.8) |
${read_rows}| retention: loaded entries deleted ($(r entries) by the entries step, $(r sessions) sessions with their last entry); about $expected were out of the window; older than the cutoff and left for the next run: $left | $(r deleted) in $(r window_s) s | | |
| retention deletion rate (entries deleted / time from the last /metrics sample before the first deletion to the first showing the run's totals, kubeagents_retention_deleted_total sampled every 0.1 s) | $(r rate) rows/s | ≥ 50,000 rows/s | $(yes_if "$(r rate)" ">=" 50000) |
| fresh ingestion p99 while retention runs (worst of the $(r runs_during) ${RETENTION_CHUNK}s wrk runs overlapping it; before it: $(r p99_before) ms) | $(r p99_during) ms ($(r ingest_during) reports/s; before: $(r ingest_before)) | ≤ 100 ms | $(yes_if "$(r p99_during)" "<=" 100) |

Retention's log line: $retention_line
TABLE
