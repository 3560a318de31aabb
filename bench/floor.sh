#!/usr/bin/env bash
# What the embedded store costs fresh ingestion, and what ingestion could reach if it cost nothing.
# One build of ours with bench/floor.patch applied (a throwaway worktree of HEAD, or of COMMIT), run
# three ways beside the original in memory, in alternating rounds, medians:
#
#   full     the service as it is (the patch's switch unset)
#   store    every batch settled as committed without applying it: the request path, the queue, the
#            group commit, the metrics and the settling; no domain rules, store, outbox or events
#   writer   every report answered once bound and validated, nothing queued: the request path alone
#
#   bench/floor.sh                         # ROUNDS=3 DURATION=15 WARMUP=25 (about 12 minutes)
#   COMMIT=abc1234 bench/floor.sh          # another commit (the patch must apply to it)
#
# Applying the batch (the domain rules, EF and the store, the outbox, the event log) costs full's CPU
# per report less store's. The patch is not part of the service: it lives here so that the
# measurement can be repeated, and this script refuses to run when it no longer applies. Needs what
# bench/run.sh needs (the .NET SDK, wrk, curl) and git.
set -euo pipefail
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-25}
CONNECTIONS=${CONNECTIONS:-64}
COMMIT=${COMMIT:-HEAD}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$ROOT/bench
STORE=memory                              # the original in its map, ours on the default store
WORK=$(mktemp -d /tmp/kubeagents-floor-XXXXXX)
# The default store whatever the caller's environment selects.
unset DB_FILE DB_NAME ConnectionStrings__KubeAgents
# shellcheck source=bench/lib.sh
. "$BENCH/lib.sh"
# shellcheck source=bench/side-by-side.sh
. "$BENCH/side-by-side.sh"                # start_original, stop_pid, ORIGINAL

cleanup() {
  stop_all
  git -C "$ROOT" worktree remove --force "$WORK/src" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk curl dotnet git; do
  command -v "$tool" >/dev/null || { echo "floor: $tool is required" >&2; exit 1; }
done
[ -x "$ORIGINAL" ] || { echo "floor: the original's run.sh not found at $ORIGINAL (set ORIGINAL=)" >&2; exit 1; }

git -C "$ROOT" worktree add --detach "$WORK/src" "$COMMIT" >/dev/null
git -C "$WORK/src" apply "$BENCH/floor.patch" \
  || { echo "floor: bench/floor.patch does not apply to $COMMIT; update the patch" >&2; exit 1; }
echo "== publishing $(git -C "$WORK/src" rev-parse --short HEAD) with bench/floor.patch (a few minutes)" >&2
publish_build "$WORK/src/src/KubeAgents.Api" "$WORK/api"

hz=$(getconf CLK_TCK)
# measure NAME: WARMUP seconds of fresh ingestion, then DURATION measured -> one line, with the CPU per
# report to three decimals (ingest's two cannot tell 0.097 from 0.101 ms)
measure() {
  local port_var="PORT_$1" pid_var="PID_$1" t0 t1 line
  warm_up "${!port_var}" "$1" >/dev/null
  t0=$(ticks "${!pid_var}")
  line=$(MODE=fresh wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$BENCH/report.lua" "http://127.0.0.1:${!port_var}" | grep '^RESULT') \
    || { echo "floor: wrk gave no result for $1" >&2; exit 1; }
  t1=$(ticks "${!pid_var}")
  # A configuration that answered errors would look fast: every request must have been answered 200.
  [ "$(echo "$line" | field requests)" = "$(echo "$line" | field ok)" ] \
    || { echo "floor: $1 answered errors: $line (log: $WORK/$1.log)" >&2; exit 1; }
  echo "$line" | awk -v t="$((t1 - t0))" -v hz="$hz" -v name="$1" \
    '{n = $2; sub("requests=", "", n); printf "%s %s cpu_ms=%.3f\n", name, $0, t * 1000 / hz / n}' | tee -a "$WORK/results" | sed 's/^/   /' >&2
  stop_pid "${!pid_var}"
}
ours() { # NAME FLOOR
  launch_service "$1" KUBEAGENTS_BENCH_FLOOR="$2"
  measure "$1"
}
original() {
  start_original original
  measure original
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS" >&2
  original
  ours full ""
  ours store store
  ours writer writer
done
results=$(cat "$WORK/results")

m() { echo "$results" | grep "^$1 " | field "$2" | median; }
orig_rate=$(m original rate)
orig_cpu=$(m original cpu_ms)
cat <<TABLE

Fresh ingestion with and without the store, $(date -u '+%Y-%m-%d %H:%M') UTC, medians of $ROUNDS alternating rounds
Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')); load average before: $LOAD_BEFORE
Command: ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP bench/floor.sh (at $(git -C "$WORK/src" rev-parse --short HEAD) + bench/floor.patch); wrk -t2 -c$CONNECTIONS, bench/report.lua MODE=fresh

| configuration | reports/s (per round) | ratio to the original | service CPU per report, ms | p99, ms |
|---|---|---|---|---|
TABLE
for side in original full store writer; do
  printf '| %s | %.0f (%s) | %s | %.3f | %.1f |\n' "$side" "$(m "$side" rate)" \
    "$(echo "$results" | grep "^$side " | field rate | awk '{printf "%s%.0f", (NR > 1 ? " / " : ""), $1}')" \
    "$(awk -v a="$(m "$side" rate)" -v b="$orig_rate" 'BEGIN {printf "%.2fx", a / b}')" \
    "$(m "$side" cpu_ms)" "$(m "$side" p99_ms)"
done
echo
echo "Applying the batches, CPU per report (full less store): $(awk -v a="$(m full cpu_ms)" -v b="$(m store cpu_ms)" 'BEGIN {printf "%.3f", a - b}') ms; the original's whole service: $orig_cpu ms."
