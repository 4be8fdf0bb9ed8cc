#!/usr/bin/env bash
# Seed task 0-3: consume test. Reads --topic from the beginning with Kafka's console consumer in
# a fresh group, keeps the messages of --run-id, and checks that all --count arrived exactly once
# with their keys, in order per key. Exit 0 when they did, 1 when not (with what was wrong).
#   scripts/kafka-consume-test.sh --run-id ID [--bootstrap HOST:PORT] [--topic T] [--count N] [--timeout-ms MS]
source "$(dirname "${BASH_SOURCE[0]}")/kafka-test-lib.sh"
err="$(mktemp)"
trap 'rm -f "$err"' EXIT
got="$(kafka_tool org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$bootstrap" --topic "$topic" \
  --from-beginning --group "consume-test-$run_id" --timeout-ms "$timeout_ms" \
  --formatter-property print.key=true --formatter-property 'key.separator=	' 2>"$err" | grep -F "\"run\":\"$run_id\"" || true)"
# key<TAB>{"run":"…","seq":N}: every seq once, key = k(seq mod 10), seqs rising per key.
verdict="$(printf '%s\n' "$got" | awk -F'\t' -v n="$count" '
  NF == 2 { match($2, /"seq":[0-9]+/); seq = substr($2, RSTART + 6, RLENGTH - 6) + 0
    if (seen[seq]++) dup++
    if ($1 != "k" (seq % 10)) badkey++
    if ((($1) in last) && seq < last[$1]) order++
    last[$1] = seq; total++ }
  END { missing = 0; for (i = 0; i < n; i++) if (!(i in seen)) missing++
    printf "%d %d %d %d %d", total, missing, dup + 0, badkey + 0, order + 0 }')"
read -r total missing dup badkey order <<<"$verdict"
if [ "$missing" -eq 0 ] && [ "$dup" -eq 0 ] && [ "$badkey" -eq 0 ] && [ "$order" -eq 0 ]; then
  echo "kafka-consume-test: read back $count of $count messages from $topic (run $run_id): keys and order per key as produced"
  exit 0
fi
echo "kafka-consume-test: run $run_id on $topic: $((count - missing)) of $count read back; $missing missing, $dup duplicated, $badkey with the wrong key, $order out of order" >&2
grep -m1 -E 'ERROR|Exception' "$err" >&2 || true
exit 1
