# Shared by scripts/kafka-produce-test.sh and scripts/kafka-consume-test.sh (seed task 0-3): the
# options both take, and Kafka's own console clients (the kafka-tools jar in the tools cache,
# fetched by dev-setup), so the produce/consume test speaks to the broker with the Java client,
# not with the project's own code.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  echo "usage: $(basename "$0") [--bootstrap HOST:PORT] [--topic T] [--count N] [--run-id ID] [--timeout-ms MS]" >&2
  exit 2
}

bootstrap="127.0.0.1:${KAFKA_PORT:-19092}"
topic="orders.placed"
count=100
run_id=""
timeout_ms=5000
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap) bootstrap="${2:?}"; shift 2 ;;
    --topic) topic="${2:?}"; shift 2 ;;
    --count) count="${2:?}"; shift 2 ;;
    --run-id) run_id="${2:?}"; shift 2 ;;
    --timeout-ms) timeout_ms="${2:?}"; shift 2 ;;
    -h | --help) usage ;;
    *) echo "$(basename "$0"): unknown option $1" >&2; usage ;;
  esac
done
case "$count" in '' | *[!0-9]* | 0) echo "$(basename "$0"): --count must be a positive integer, got '$count'" >&2; exit 2 ;; esac
[ -n "$run_id" ] || { echo "$(basename "$0"): --run-id is required (the producer prints one when it picks it)" >&2; exit 2; }

lib="${PLATFORM_CACHE:-$root/.tools/cache}/kafka/lib"
if ! ls "$lib"/kafka-tools-*.jar >/dev/null 2>&1; then
  echo "$(basename "$0"): Kafka's console clients are missing from $lib; fetch them with: npx tsx tasks.ts dev-setup" >&2
  exit 2
fi
command -v java >/dev/null || { echo "$(basename "$0"): java not found: apt-get install openjdk-17-jre-headless" >&2; exit 2; }
classpath="$(find "$lib" -name '*.jar' ! -name 'jmx_prometheus*' | sort | tr '\n' ':')"
kafka_tool() { java -Xmx256m -cp "$classpath" "$@"; }
