#!/usr/bin/env bash
# How much of the service's start is the stack's own, before any code of ours runs. Publishes
# bench/start-floor (ASP.NET Core, MVC and EF Core over SQLite with none of the service's code,
# published exactly as the service is), bench/start-floor-aot and the service at COMMIT, then runs
# bench/starts.sh over six configurations, alternating cold starts, medians:
#
#   A  aot       Kestrel and two minimal-API endpoints compiled to native code (outside the design
#                card: MVC does not run under native AOT)
#   B  minimal   the same two endpoints, published as the service is (composite ReadyToRun)
#   C  mvc       the same two as MVC actions, the report bound and validated by MVC
#   D  ef        C, and each report saved through a pooled EF Core context on a SQLite WAL file
#                whose table EF creates before the host starts
#   E  ef-beside D, started as the service starts its store: the table made over a plain connection
#                while the pipeline is built, EF's first use beside the listener's start
#   F  service   KubeAgents at COMMIT, on the default embedded store
#
#   bench/start-floor.sh                      # STARTS=8, HEAD (about 12 minutes with the publishes)
#   COMMIT=abc1234 STARTS=12 bench/start-floor.sh
#   SERVICE=/tmp/ab/h1 bench/start-floor.sh   # a service already published (dotnet publish ... -o DIR)
#
# The floor is published from the working tree (its Publish.props included), the service at COMMIT:
# with COMMIT other than HEAD, check that Publish.props did not change between them. The original's
# first 200 (bench/run.sh's "exec to first 200" row) is not in this table: it is a Go binary. Needs the
# .NET SDK, curl, git, and for native AOT a C toolchain (gcc or clang).
set -euo pipefail
COMMIT=${COMMIT:-HEAD}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/kubeagents-start-floor-XXXXXX)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"                    # publish_build

cleanup() {
  git -C "$ROOT" worktree remove --force "$WORK/src" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== publishing the floors (a few minutes)" >&2
publish_build "$ROOT/bench/start-floor-aot" "$WORK/aot"
publish_build "$ROOT/bench/start-floor" "$WORK/floor"
service=${SERVICE:-}
if [ -z "$service" ]; then
  git -C "$ROOT" worktree add --detach "$WORK/src" "$COMMIT" >/dev/null
  echo "== publishing the service at $(git -C "$WORK/src" rev-parse --short HEAD) (a few minutes)" >&2
  publish_build "$WORK/src/src/KubeAgents.Api" "$WORK/service"
  service=$WORK/service
fi

# Every ENV_ set here, so none comes from the caller's environment; the default (embedded) store.
STORE=memory ENV_A= ENV_B=FLOOR=minimal ENV_C=FLOOR=mvc ENV_D=FLOOR=ef ENV_E=FLOOR=ef-beside ENV_F= \
  "$ROOT/bench/starts.sh" "$WORK/aot" "$WORK/floor" "$WORK/floor" "$WORK/floor" "$WORK/floor" "$service"
