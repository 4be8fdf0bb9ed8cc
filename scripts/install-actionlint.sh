#!/usr/bin/env bash
# Builds actionlint (the GitHub Actions workflow linter) from the Go module proxy into the tools
# cache; the workflow test runs it over .github/workflows. Idempotent: a stamp records the version.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-v1.7.12}"
bin="${PLATFORM_CACHE:-$root/.tools/cache}/bin"
if [[ -x "$bin/actionlint" && "$(cat "$bin/actionlint.version" 2>/dev/null || true)" == "$ACTIONLINT_VERSION" ]]; then exit 0; fi
command -v go >/dev/null || { echo "actionlint: needs Go >= 1.24 to build (https://go.dev/dl/)" >&2; exit 2; }
echo "actionlint: building $ACTIONLINT_VERSION into $bin"
mkdir -p "$bin"
GOBIN="$bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
echo "$ACTIONLINT_VERSION" > "$bin/actionlint.version"
