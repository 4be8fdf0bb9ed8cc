# Sourced by scripts/ensure-node.sh and scripts/ensure-go.sh: a runtime's pins, read from
# manifests/versions.yaml with awk (no node runs yet). After `read_pins BLOCK "$@"`, $pinned and
# $minimum hold BLOCK.version and BLOCK.minimum; `--pinned` prints the version and exits, anything
# else on the command line or a missing pin is exit 2 with one line.
versions="$root/manifests/versions.yaml"

pin() { # $1 = top-level block, $2 = key inside it (nested keys too: linux-amd64)
  awk -v block="$1:" -v key="$2:" '$0 == block { f = 1; next } f && /^[^[:space:]#]/ { f = 0 }
    f && $1 == key { gsub(/["\047]/, "", $2); print $2; exit }' "$versions"
}

read_pins() { # $1 = block; the rest: the calling script's arguments
  local block="$1" me; me="$(basename "$0" .sh)"; shift
  pinned="$(pin "$block" version)"; minimum="$(pin "$block" minimum)"
  if [[ ! "$pinned" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ || ! "$minimum" =~ ^[0-9]+\.[0-9]+(\.[0-9]+)?$ ]]; then
    echo "$me: $versions has no $block.version (x.y.z) / $block.minimum (x.y); restore the $block block" >&2
    exit 2
  fi
  if [[ "${1:-}" == --pinned ]]; then echo "$pinned"; exit 0; fi
  if [[ -n "${1:-}" ]]; then echo "$me: unknown argument $1; usage: scripts/$me.sh [--pinned]" >&2; exit 2; fi
}
