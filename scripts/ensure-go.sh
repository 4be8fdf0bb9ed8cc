#!/usr/bin/env bash
# Prints the directory holding a go new enough for the project's builds (go.minimum in
# manifests/versions.yaml), fetching go.version into .tools/go when the machine has none that new:
# the module golang.org/toolchain from the Go module proxy, which is what the go command's own
# toolchain switch downloads, checked against go.sha256 before it is unpacked. Nothing outside
# .tools/go is touched.
# Usage: export PATH="$(scripts/ensure-go.sh):$PATH"      scripts/ensure-go.sh --pinned
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/pins.sh
source "$root/scripts/lib/pins.sh"
read_pins go "$@"
tools="$root/.tools/go"

version_of() { "$1" version 2>/dev/null | sed -n 's/^go version go\([0-9][0-9.]*\).*/\1/p'; }
new_enough() { # $1 = version; succeeds when >= minimum (numeric, part by part)
  local IFS=.; local -a a=($1) b=($minimum); local i
  for i in 0 1 2; do
    (( ${a[i]:-0} > ${b[i]:-0} )) && return 0
    (( ${a[i]:-0} < ${b[i]:-0} )) && return 1
  done
  return 0
}

if command -v go >/dev/null; then
  v="$(version_of "$(command -v go)")"
  if [[ -n "$v" ]] && new_enough "$v"; then dirname "$(command -v go)"; exit 0; fi
fi
if [[ -x "$tools/bin/go" && "$(version_of "$tools/bin/go")" == "$pinned" ]]; then echo "$tools/bin"; exit 0; fi

case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
sum="$(pin go "linux-$arch")"
if [[ "$(uname -s)" != Linux || -z "$sum" ]]; then
  echo "ensure-go: no go >= $minimum on PATH and no pinned Go for $(uname -s)/$(uname -m); install Go $pinned (https://go.dev/dl/)" >&2
  exit 2
fi
for tool in curl unzip sha256sum; do
  command -v "$tool" >/dev/null || { echo "ensure-go: $tool is needed to fetch Go $pinned; install it (apt-get install $tool)" >&2; exit 2; }
done
proxy="${GOPROXY:-https://proxy.golang.org}"; proxy="${proxy%%[,|]*}"
[[ "$proxy" == direct || "$proxy" == off ]] && proxy=https://proxy.golang.org
mod="v0.0.1-go$pinned.linux-$arch"
echo "ensure-go: $(go version 2>/dev/null || echo 'no go') on PATH (< $minimum); fetching Go $pinned from $proxy into .tools/go" >&2
work="$(mktemp -d "${TMPDIR:-/tmp}/ensure-go.XXXXXX")"
trap 'rm -rf "$work"' EXIT
"$root/scripts/heartbeat.sh" "ensure-go: downloading Go $pinned" \
  curl -fsSL --retry 3 -o "$work/go.zip" "$proxy/golang.org/toolchain/@v/$mod.zip" >&2
echo "$sum  $work/go.zip" | sha256sum -c --quiet - >&2 || {
  echo "ensure-go: the download's sha256 is not go.sha256.linux-$arch of $versions; nothing installed" >&2
  exit 1
}
unzip -q "$work/go.zip" -d "$work/x"
# Module zips keep no file modes: the go command marks these executable when it switches toolchains.
chmod +x "$work/x/golang.org/toolchain@$mod/bin/"* "$work/x/golang.org/toolchain@$mod/pkg/tool/"*/*
rm -rf "$tools"
mkdir -p "$(dirname "$tools")"
mv "$work/x/golang.org/toolchain@$mod" "$tools"
[[ "$(version_of "$tools/bin/go")" == "$pinned" ]] || { echo "ensure-go: the unpacked go does not run; see $tools" >&2; exit 1; }
echo "$tools/bin"
