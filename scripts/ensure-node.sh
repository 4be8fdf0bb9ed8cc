#!/usr/bin/env bash
# Prints the directory holding a Node new enough to run tasks.ts (node.minimum in
# manifests/versions.yaml: the first release that strips TypeScript types by default), provisioning
# node.version from the npm registry into .tools/node when the machine's node is older. The system
# node is never touched.
# Usage: export PATH="$(scripts/ensure-node.sh):$PATH"      scripts/ensure-node.sh --pinned
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/pins.sh
source "$root/scripts/lib/pins.sh"
read_pins node "$@"
want_major="${minimum%%.*}"; rest="${minimum#*.}"; want_minor="${rest%%.*}"
tools="$root/.tools/node"

ok() { # $1 = node binary; succeeds when it is new enough
  local v; v="$("$1" -p 'process.versions.node' 2>/dev/null)" || return 1
  local major="${v%%.*}" rest="${v#*.}"; local minor="${rest%%.*}"
  (( major > want_major || (major == want_major && minor >= want_minor) ))
}

# The provisioned node is kept only while it is the pinned one: a bump reinstalls it.
if [[ -x "$tools/node_modules/.bin/node" ]] &&
  [[ "$("$tools/node_modules/.bin/node" -p 'process.versions.node' 2>/dev/null)" == "$pinned" ]]; then
  echo "$tools/node_modules/.bin"; exit 0
fi
if command -v node >/dev/null && ok "$(command -v node)"; then
  dirname "$(command -v node)"; exit 0
fi
if ! command -v npm >/dev/null; then
  echo "ensure-node: no node >= $want_major.$want_minor and no npm to fetch one; install Node $pinned (https://nodejs.org)" >&2
  exit 2
fi
have="$(node --version 2>/dev/null || echo none)"
echo "ensure-node: machine node is $have (< $want_major.$want_minor); installing Node $pinned into .tools/node (system node untouched)" >&2
mkdir -p "$tools"
# The `node` package ships the binary through an install script; --prefix keeps it project-local.
# heartbeat.sh: npm says nothing while it downloads, and this can take 10 s or more.
"$root/scripts/heartbeat.sh" "ensure-node: installing Node $pinned" \
  npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error "node@$pinned" >&2
ok "$tools/node_modules/.bin/node" || { echo "ensure-node: installed node did not run; see $tools" >&2; exit 2; }
echo "$tools/node_modules/.bin"
