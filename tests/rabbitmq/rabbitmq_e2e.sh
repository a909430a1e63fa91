#!/usr/bin/env bash
# rabbitmq_e2e.sh — `laudd run --config` with `[output] sink = "rabbitmq"` gives the embedded run's
# records in RabbitMQ: examples/events.jsonl is produced to a fresh 1-partition Kafka topic, laudd
# consumes it to the end and publishes the dispatch records to a per-run exchange and queues; every
# queue is read back and compared with the embedded run: the same records, ids unique, order per
# customer, properties and headers right; rejects still go to Kafka, no Kafka dispatch topic is
# written. Bad sink names and an unreachable RabbitMQ fail at start. Both brokers (tests/rabbitmq/lib.sh).
# Usage: rabbitmq_e2e.sh LAUDC LAUDD CREATE_TOPIC READ_QUEUES SOURCE_DIR WORK_DIR   (ctest rabbitmq_e2e)
set -euo pipefail
LAUDC=$1 LAUDD=$2 CREATE_TOPIC=$3 READ_QUEUES=$4 SRC=$5 WORK=$6 NAME=rabbitmq_e2e
source "$SRC/tests/rabbitmq/lib.sh"

# A bad sink name exits 2 naming file:line:col; an unreachable RabbitMQ exits 1 after connect_timeout_ms.
printf 'module = "examples.ljb"\n[output]\nsink = "amqp"\n' > "$WORK/bad.toml"
rc=0; "$LAUDD" run --config "$WORK/bad.toml" 2>"$WORK/bad.log" || rc=$?
[ $rc = 2 ] && grep -q 'bad.toml:3:8: .output.sink. must be "kafka" or "rabbitmq", not "amqp"' "$WORK/bad.log" ||
  { cat "$WORK/bad.log" >&2; fail "bad sink: exit $rc"; }
printf 'module = "examples.ljb"\n[kafka]\nbootstrap_servers = "%s"\n[output]\nsink = "rabbitmq"\n[rabbitmq]\nport = 1\nconnect_timeout_ms = 2000\n' \
  "$BOOTSTRAP" > "$WORK/unreachable.toml"
rc=0; timeout 60 "$LAUDD" run --config "$WORK/unreachable.toml" 2>"$WORK/unreachable.log" || rc=$?
[ $rc = 1 ] && grep -q "no RabbitMQ broker answered at 127.0.0.1:1 within 2000 ms" "$WORK/unreachable.log" ||
  { tail -3 "$WORK/unreachable.log" >&2; fail "unreachable RabbitMQ: exit $rc"; }

# One partition: the embedded run over the topic's messages is the reference ($WORK/part0.out, in order).
"$CREATE_TOPIC" "$BOOTSTRAP" "$RUN.events" 1
produce "$RUN.events" "$SRC/examples/events.jsonl"
expected "$RUN.events" 1
config "$WORK/run.toml" "stop_at_end = true"
mq_config "$WORK/run.toml"
t0=$(date +%s.%N)
(cd "$WORK" && timeout 180 "$LAUDD" run --config run.toml) 2>"$WORK/laudd.log" || { cat "$WORK/laudd.log" >&2; fail "laudd --config exited $?"; }
t1=$(date +%s.%N)
cat "$WORK/laudd.log"

mq_read "$WORK/rabbitmq"
echo "$NAME: $(mq_check "$WORK/rabbitmq" "$WORK/part0.out")"
compare "$WORK/rabbitmq.jsonl"  # ids unique, the same records as the embedded run, the rejects on Kafka
dispatched "$WORK/kafka.out"
[ ! -s "$WORK/kafka.out" ] || fail "$(wc -l < "$WORK/kafka.out") records on Kafka dispatch topics with sink = \"rabbitmq\""
echo "$NAME: PASS: $(wc -l < "$WORK/rabbitmq.jsonl") dispatch records through RabbitMQ identical to the embedded run (ids included), laudd took $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s; $(rejects_count) rejects on Kafka"
