#!/bin/sh
# Creates the seed topics listed in topics.txt (`name partitions replicas` per line) with rpk.
# Shared by the k3d Job (job-create-topics.yaml) and the compose `redpanda-init` service.
# Idempotent: an existing topic with the listed partition count is left alone and reported as
# unchanged; one with a different count fails the run with both numbers (never silently accepted).
set -eu
: "${BROKERS:?set BROKERS to the Kafka bootstrap address, e.g. redpanda:9092}"
TOPICS_FILE="${TOPICS_FILE:-/etc/redpanda-topics/topics.txt}"
X="-X brokers=${BROKERS}"

# The Job/service may start before the broker answers: wait for a metadata answer, bounded.
tries=0
until rpk cluster info $X >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 90 ]; then
    echo "create-topics: broker ${BROKERS} did not answer within 180 s" >&2
    exit 1
  fi
  sleep 2
done

rc=0
out=/tmp/create-topics.out
while read -r name partitions replicas; do
  case "$name" in '' | '#'*) continue ;; esac
  if rpk topic create "$name" --partitions "$partitions" --replicas "$replicas" $X >"$out" 2>&1; then
    echo "created ${name} (${partitions} partitions, replication ${replicas})"
  elif grep -q TOPIC_ALREADY_EXISTS "$out"; then
    have=$(rpk topic describe "$name" --print-summary $X | awk '$1 == "PARTITIONS" { print $2 }')
    if [ "$have" = "$partitions" ]; then
      echo "unchanged ${name} (${have} partitions)"
    else
      echo "create-topics: ${name} has ${have} partitions, the seed list says ${partitions}" >&2
      rc=1
    fi
  else
    echo "create-topics: creating ${name} failed:" >&2
    cat "$out" >&2
    rc=1
  fi
done <"$TOPICS_FILE"
exit "$rc"
