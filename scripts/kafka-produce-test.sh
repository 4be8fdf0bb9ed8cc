#!/usr/bin/env bash
# Seed task 0-3: produce test. Sends --count keyed messages (keys k0…k9, values carrying the run
# id and a sequence number) with Kafka's console producer, acks=all, to --topic on --bootstrap.
# scripts/kafka-consume-test.sh with the same --run-id reads them back and checks them.
# Exit 1 when the producer reports a failed send (it logs it and exits 0 by itself).
#   scripts/kafka-produce-test.sh --run-id ID [--bootstrap HOST:PORT] [--topic T] [--count N]
source "$(dirname "${BASH_SOURCE[0]}")/kafka-test-lib.sh"
err="$(mktemp)"
trap 'rm -f "$err"' EXIT
for ((i = 0; i < count; i++)); do
  printf 'k%d\t{"run":"%s","seq":%d}\n' $((i % 10)) "$run_id" "$i"
done | kafka_tool org.apache.kafka.tools.ConsoleProducer --bootstrap-server "$bootstrap" --topic "$topic" \
  --command-property acks=all --command-property max.block.ms=15000 --command-property delivery.timeout.ms=30000 \
  --reader-property parse.key=true --reader-property 'key.separator=	' >"$err" 2>&1
if grep -q -E 'ERROR|Exception' "$err"; then
  echo "kafka-produce-test: sending to $topic on $bootstrap failed: $(grep -m1 -E 'ERROR|Exception' "$err")" >&2
  exit 1
fi
echo "kafka-produce-test: produced $count messages to $topic on $bootstrap (run $run_id, acks=all)"
