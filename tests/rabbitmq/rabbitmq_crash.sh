#!/usr/bin/env bash
# rabbitmq_crash.sh — at-least-once through the RabbitMQ sink across kill -9: laudd (small Kafka
# transactions, sink = "rabbitmq") is killed each time the queues have grown past a mark while it
# consumes a 4-partition topic, restarted, then run to the end. Nothing is lost: the distinct records
# in the queues are exactly those of the embedded runs over each partition's sub-stream; a record
# published again after a kill (a batch RabbitMQ confirmed but Kafka did not commit) repeats its
# message_id with the same body (docs/kafka.md, "RabbitMQ sink"). Rejects (on Kafka) exactly once.
# Usage: rabbitmq_crash.sh LAUDC LAUDD CREATE_TOPIC READ_QUEUES SOURCE_DIR WORK_DIR   (ctest rabbitmq_crash)
set -euo pipefail
LAUDC=$1 LAUDD=$2 CREATE_TOPIC=$3 READ_QUEUES=$4 SRC=$5 WORK=$6 NAME=rabbitmq_crash
source "$SRC/tests/rabbitmq/lib.sh"
t0=$SECONDS

"$CREATE_TOPIC" "$BOOTSTRAP" "$RUN.events" 4
produce "$RUN.events" "$SRC/examples/events.jsonl"
expected "$RUN.events" 4
# Static membership: a restarted laudd takes its partitions back at once (as in kafka_crash.sh).
config "$WORK/run.toml" 'stop_at_end = true' 'instance_id = "crash"' 'batch_messages = 20' \
  '[kafka.properties]' '"group.instance.id" = "crash"' '"session.timeout.ms" = 6000'
mq_config "$WORK/run.toml"

# Kill points: when the queues hold this many messages (about 1,900 in all).
kill_runs mq_count "messages in the queues" 300 700 1100 1500
(cd "$WORK" && timeout 120 "$LAUDD" run --config run.toml) 2>>"$WORK/laudd.log" || { tail -20 "$WORK/laudd.log" >&2; fail "the last run exited $?"; }

mq_read "$WORK/rabbitmq"
echo "$NAME: $(mq_check "$WORK/rabbitmq")"
# Repeats carry the same body; the distinct records are exactly the expected ones.
repeats=$(python3 - "$WORK/rabbitmq.jsonl" "$WORK/rabbitmq.distinct" <<'PY'
import json, sys
by_id = {}
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    i = json.loads(line)["id"]
    assert by_id.setdefault(i, line) == line, f"message_id {i} with two different bodies"
    n += 1
with open(sys.argv[2], "w", encoding="utf-8") as f:
    for line in by_id.values():
        f.write(line + "\n")
print(n - len(by_id))
PY
)
compare "$WORK/rabbitmq.distinct"
echo "$NAME: PASS: $kills kills mid-stream; $(wc -l < "$WORK/rabbitmq.distinct.sorted") distinct records identical to the embedded runs of the 4 partitions, none lost; $repeats published again after a kill (same message_id and body); $(rejects_count) rejects; $((SECONDS - t0)) s"
