#!/usr/bin/env bash
# Prints the directory holding a Node >= 22.18 binary (the first to strip TypeScript types by
# default, so `node tasks.ts` runs), provisioning Node 24 LTS from the npm registry into
# .tools/node when the machine's node is older. The system node is never touched.
# Usage: export PATH="$(scripts/ensure-node.sh):$PATH"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
want_major=22; want_minor=18
tools="$root/.tools/node"

ok() { # $1 = node binary; succeeds when it is new enough
  local v; v="$("$1" -p 'process.versions.node' 2>/dev/null)" || return 1
  local major="${v%%.*}" rest="${v#*.}"; local minor="${rest%%.*}"
  (( major > want_major || (major == want_major && minor >= want_minor) ))
}

if [[ -x "$tools/node_modules/.bin/node" ]] && ok "$tools/node_modules/.bin/node"; then
  echo "$tools/node_modules/.bin"; exit 0
fi
if command -v node >/dev/null && ok "$(command -v node)"; then
  dirname "$(command -v node)"; exit 0
fi
if ! command -v npm >/dev/null; then
  echo "ensure-node: no node >= $want_major.$want_minor and no npm to fetch one; install Node 24 LTS (https://nodejs.org)" >&2
  exit 2
fi
have="$(node --version 2>/dev/null || echo none)"
echo "ensure-node: machine node is $have (< $want_major.$want_minor); installing Node 24 LTS into .tools/node (system node untouched)" >&2
mkdir -p "$tools"
# The `node` package ships the binary through an install script; --prefix keeps it project-local.
# heartbeat.sh: npm says nothing while it downloads, and this can take 10 s or more.
"$root/scripts/heartbeat.sh" "ensure-node: installing Node 24" \
  npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error node@24 >&2
ok "$tools/node_modules/.bin/node" || { echo "ensure-node: installed node did not run; see $tools" >&2; exit 2; }
echo "$tools/node_modules/.bin"
