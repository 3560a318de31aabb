#!/usr/bin/env bash
# How much of the service's start is the stack's own, before any code of ours runs. Publishes
# bench/start-floor (ASP.NET Core, MVC and EF Core over SQLite with none of the service's code,
# published exactly as the service is) and the service at COMMIT, then runs bench/starts.sh over four
# configurations, alternating cold starts, medians:
#
#   A  minimal   Kestrel and two minimal-API endpoints (/health, /webhook/status answering 200)
#   B  mvc       the same two as MVC actions, the report bound and validated by MVC
#   C  ef        B, and each report saved through a pooled EF Core context on a SQLite WAL file
#                whose table is created before the host starts
#   D  service   KubeAgents at COMMIT, on the default embedded store
#
#   bench/start-floor.sh                      # STARTS=8, HEAD (about 15 minutes with both publishes)
#   COMMIT=abc1234 STARTS=12 bench/start-floor.sh
#   SERVICE=/tmp/ab/h1 bench/start-floor.sh   # a service already published (dotnet publish ... -o DIR)
#
# The original's first 200 (bench/run.sh's "exec to first 200" row) is not in this table: it is a Go
# binary, and bench/starts.sh starts .NET builds. Needs the .NET SDK, curl and git.
set -euo pipefail
COMMIT=${COMMIT:-HEAD}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/kubeagents-start-floor-XXXXXX)

cleanup() {
  git -C "$ROOT" worktree remove --force "$WORK/src" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# publish PROJECT OUT: a self-contained composite build, as the Dockerfile and bench/run.sh make.
publish() {
  echo "== publishing $1 (a few minutes)" >&2
  dotnet publish "$1" -c Release -r linux-x64 --self-contained true -o "$2" --nologo -v q >"$WORK/publish.log" 2>&1 \
    || { tail -20 "$WORK/publish.log" >&2; exit 1; }
}

publish "$ROOT/bench/start-floor" "$WORK/floor"
service=${SERVICE:-}
if [ -z "$service" ]; then
  git -C "$ROOT" worktree add --detach "$WORK/src" "$COMMIT" >/dev/null
  publish "$WORK/src/src/KubeAgents.Api" "$WORK/service"
  service=$WORK/service
fi

ENV_A=FLOOR=minimal ENV_B=FLOOR=mvc ENV_C=FLOOR=ef \
  "$ROOT/bench/starts.sh" "$WORK/floor" "$WORK/floor" "$WORK/floor" "$service"
