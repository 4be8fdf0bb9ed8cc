#!/bin/sh
# STAND-IN for Redpanda's rpk (no Redpanda runs here), for tests of create-topics.sh.
# $RPK_TOPICS: file of existing topics (`name partitions` per line); `topic create` appends to it.
# Output mimics rpk: a TOPIC/STATUS table, TOPIC_ALREADY_EXISTS for an existing topic (exit 1),
# and the SUMMARY block of `topic describe --print-summary`.
: "${RPK_TOPICS:?}"
[ -n "${RPK_LOG:-}" ] && printf '%s\n' "rpk $*" >>"$RPK_LOG"
case "$1 $2" in
  "cluster info") exit 0 ;;
  "topic create")
    name=$3
    shift 3
    parts=1
    while [ $# -gt 0 ]; do
      [ "$1" = "--partitions" ] && parts=$2
      shift
    done
    echo "TOPIC  STATUS"
    if grep -q "^$name " "$RPK_TOPICS" 2>/dev/null; then
      echo "$name  TOPIC_ALREADY_EXISTS: The topic has already been created."
      exit 1
    fi
    echo "$name $parts" >>"$RPK_TOPICS"
    echo "$name  OK"
    ;;
  "topic describe")
    have=$(grep "^$3 " "$RPK_TOPICS" | cut -d' ' -f2)
    printf 'SUMMARY\n=======\nNAME        %s\nPARTITIONS  %s\nREPLICAS    1\n' "$3" "$have"
    ;;
  *) echo "rpk stand-in: unexpected: $*" >&2; exit 2 ;;
esac
