#!/usr/bin/env bash
# Points git at the versioned hooks in .githooks/ and installs the secret scanner they call
# (gitleaks, built from the Go module proxy into the tools cache). Idempotent: a second run
# only checks. Usage: scripts/install-git-hooks.sh   (dev-setup calls it)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
GITLEAKS_VERSION="${GITLEAKS_VERSION:-v8.30.1}"
bin="${PLATFORM_CACHE:-$root/.tools/cache}/bin"

if [[ "$(git -C "$root" config --get core.hooksPath || true)" != ".githooks" ]]; then
  git -C "$root" config core.hooksPath .githooks
  echo "git hooks: core.hooksPath set to .githooks"
fi

# `go install` builds carry no version string, so a stamp file records what was built.
have="$(cat "$bin/gitleaks.version" 2>/dev/null || true)"
if [[ ! -x "$bin/gitleaks" || "$have" != "$GITLEAKS_VERSION" ]]; then
  command -v go >/dev/null || { echo "git hooks: gitleaks needs Go >= 1.24 to build (https://go.dev/dl/); or put gitleaks on PATH" >&2; exit 2; }
  echo "git hooks: building gitleaks $GITLEAKS_VERSION into $bin (about 2 minutes the first time)"
  mkdir -p "$bin"
  GOBIN="$bin" go install "github.com/zricethezav/gitleaks/v8@$GITLEAKS_VERSION"
  echo "$GITLEAKS_VERSION" > "$bin/gitleaks.version"
fi
