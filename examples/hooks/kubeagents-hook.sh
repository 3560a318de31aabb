#!/usr/bin/env bash
# Reports a session's start and end to KubeAgents with curl, without MCP. Needs bash and curl only.
#
# As a Claude Code hook (.claude/settings.json, see the README): reads the hook's JSON on stdin and
# maps its event to a status. SessionStart and UserPromptSubmit report running, Stop (Claude finished
# its turn) and SessionEnd report success. The session is "<project folder> <session id>".
# A hook never blocks Claude Code: failures go to stderr and the script exits 0.
#
# From anything else (a git hook, a CI step), with arguments:
#   kubeagents-hook.sh <running|pending|success|failed> <session topic> [message]
# exits with curl's status (22 when the service refuses the report).
#
# Settings (environment):
#   KUBEAGENTS_URL       the service, default http://localhost:8080
#   KUBEAGENTS_AGENT_ID  default claude-code-<host name>
#   KUBEAGENTS_API_KEY   sent as "Authorization: Bearer <key>" when set (a key with the report scope)
set -uo pipefail

url="${KUBEAGENTS_URL:-http://localhost:8080}"
agent_id="${KUBEAGENTS_AGENT_ID:-claude-code-$(hostname)}"

json_escape() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\r'/\\r}; s=${s//$'\t'/\\t}
  printf '%s' "$s"
}

# A string member of the hook's JSON input (values Claude Code sends: ids, names, paths).
member() {
  printf '%s' "$input" | tr -d '\n' | sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p"
}

report() { # status topic message
  local body
  body=$(printf '{"agent_id":"%s","agent_source":"claude-code","session_topic":"%s","status":"%s","timestamp":"%s","message":"%s"}' \
    "$(json_escape "$agent_id")" "$(json_escape "$2")" "$1" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(json_escape "$3")")
  local auth=()
  if [ -n "${KUBEAGENTS_API_KEY:-}" ]; then auth=(-H "Authorization: Bearer ${KUBEAGENTS_API_KEY}"); fi
  curl -fsS --max-time 5 -o /dev/null -X POST "$url/webhook/status" \
    -H 'Content-Type: application/json' "${auth[@]}" --data-binary "$body"
}

if [ $# -ge 2 ]; then
  report "$1" "$2" "${3:-}"
  exit $?
fi

input=$(cat)
event=$(member hook_event_name)
session_id=$(member session_id)
cwd=$(member cwd)
topic="${cwd##*/} ${session_id}"
case "$event" in
  SessionStart)     status=running; message="session started ($(member source))" ;;
  UserPromptSubmit) status=running; message="working on a prompt" ;;
  Stop)             status=success; message="finished its turn" ;;
  SessionEnd)       status=success; message="session ended ($(member reason))" ;;
  *) exit 0 ;;
esac
report "$status" "$topic" "$message" || echo "kubeagents-hook: could not report $event to $url" >&2
exit 0
