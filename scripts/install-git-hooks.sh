#!/usr/bin/env bash
# Points git at the versioned hooks in .githooks/ and installs the secret scanner they call
# (gitleaks, built from the Go module proxy into the tools cache). Idempotent: a second run
# only checks. Usage: scripts/install-git-hooks.sh [--hooks-only | --gitleaks-only]
#   dev-setup runs it whole; `up` with --hooks-only, leaving the build to the first commit or
#   verify; the checks that scan with gitleaks run --gitleaks-only (they leave git's config alone).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
GITLEAKS_VERSION="${GITLEAKS_VERSION:-v8.30.1}"
bin="${PLATFORM_CACHE:-$root/.tools/cache}/bin"
hooks_only=false
gitleaks_only=false
case "${1:-}" in
  "") ;;
  --hooks-only) hooks_only=true ;;
  --gitleaks-only) gitleaks_only=true ;;
  *) echo "install-git-hooks: unknown option $1 (usage: scripts/install-git-hooks.sh [--hooks-only | --gitleaks-only])" >&2; exit 2 ;;
esac

if ! $gitleaks_only && [[ "$(git -C "$root" config --get core.hooksPath || true)" != ".githooks" ]]; then
  git -C "$root" config core.hooksPath .githooks
  echo "git hooks: core.hooksPath set to .githooks"
fi

# `go install` builds carry no version string, so a stamp file records what was built.
have="$(cat "$bin/gitleaks.version" 2>/dev/null || true)"
if [[ ! -x "$bin/gitleaks" || "$have" != "$GITLEAKS_VERSION" ]]; then
  if $hooks_only; then
    echo "git hooks: gitleaks $GITLEAKS_VERSION not built yet: the first commit builds it (about a minute), or run make dev-setup"
    exit 0
  fi
  command -v go >/dev/null || { echo "git hooks: gitleaks needs Go >= 1.24 to build (https://go.dev/dl/); or put gitleaks on PATH" >&2; exit 2; }
  echo "git hooks: building gitleaks $GITLEAKS_VERSION into $bin (about 2 minutes the first time)"
  mkdir -p "$bin"
  GOBIN="$bin" go install "github.com/zricethezav/gitleaks/v8@$GITLEAKS_VERSION"
  echo "$GITLEAKS_VERSION" > "$bin/gitleaks.version"
fi
