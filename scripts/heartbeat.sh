#!/usr/bin/env bash
# Runs a command and, while it runs, says on stderr every 10 s that it still does, so logs and
# non-TTY terminals are never silent for longer (npm prints nothing while it installs when its
# output is not a terminal). Exit code and output are the command's own; Ctrl-C stops both.
# Usage: scripts/heartbeat.sh LABEL command [args...]
set -uo pipefail
if [[ $# -lt 2 ]]; then
  echo "heartbeat: usage: scripts/heartbeat.sh LABEL command [args...]" >&2
  exit 2
fi
label="$1"; shift
every="${HEARTBEAT_SECONDS:-10}"
"$@" &
pid=$!
trap 'kill "$pid" 2>/dev/null' INT TERM
(
  start=$SECONDS
  while sleep "$every"; do
    kill -0 "$pid" 2>/dev/null || exit 0
    echo "$label: still working ($((SECONDS - start)) s)" >&2
  done
) >/dev/null &  # never holds stdout open: make's $(shell) reads it to the end
ticker=$!
wait "$pid"
rc=$?
sleeper="$(pgrep -P "$ticker" 2>/dev/null || true)"
kill "$ticker" 2>/dev/null
wait "$ticker" 2>/dev/null
# Its sleep too, so nothing of it lingers after the command.
[[ -n "$sleeper" ]] && kill $sleeper 2>/dev/null
exit "$rc"
