#!/usr/bin/env bash
# rabbitmq_e2e.sh — `laudd run --config` with `[output] sink = "rabbitmq"` gives the embedded run's
# records in RabbitMQ: examples/events.jsonl is produced to a fresh 1-partition Kafka topic
# (tests/kafka/lib.sh), laudd consumes it to the end and publishes the dispatch records to a per-run
# exchange and queues; every queue is read back (laud_rabbitmq_read) and compared with the embedded
# run: the same records, ids unique, order per customer, properties and headers right; rejects still
# go to Kafka, no Kafka dispatch topic is written. Needs both brokers (started here when down).
# Usage: rabbitmq_e2e.sh LAUDC LAUDD CREATE_TOPIC READ_QUEUES SOURCE_DIR WORK_DIR   (ctest rabbitmq_e2e)
set -euo pipefail
LAUDC=$1 LAUDD=$2 CREATE_TOPIC=$3 READ_QUEUES=$4 SRC=$5 WORK=$6 NAME=rabbitmq_e2e
MQ_PORT=${LAUD_RABBITMQ_PORT:-5673}
CHANNELS="email sms push webhook slack in_app unknown"
# shellcheck source=../kafka/lib.sh
source "$SRC/tests/kafka/lib.sh"  # Kafka up, $WORK with examples.ljb, $RUN, produce/expected/config/compare

mq_started=0
trap 'lib_cleanup; if [ $mq_started = 1 ]; then bash "$SRC/tools/rabbitmq.sh" stop >/dev/null || true; fi' EXIT
if ! bash "$SRC/tools/rabbitmq.sh" status >/dev/null 2>&1; then
  bash "$SRC/tools/rabbitmq.sh" start
  mq_started=1
fi

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
printf '\n[output]\nsink = "rabbitmq"\n\n[rabbitmq]\nport = %s\nexchange = "%s"\nqueue_prefix = "%s"\n' \
  "$MQ_PORT" "$RUN.mq" "$RUN.mq." >> "$WORK/run.toml"
t0=$(date +%s.%N)
(cd "$WORK" && timeout 180 "$LAUDD" run --config run.toml) 2>"$WORK/laudd.log" || { cat "$WORK/laudd.log" >&2; fail "laudd --config exited $?"; }
t1=$(date +%s.%N)
cat "$WORK/laudd.log"

# Every channel's queue, read to its end (then deleted with the exchange).
queues=""; for ch in $CHANNELS; do queues="$queues $RUN.mq.$ch"; done
# shellcheck disable=SC2086
"$READ_QUEUES" 127.0.0.1 "$MQ_PORT" --delete "$RUN.mq" $queues > "$WORK/rabbitmq.records" 2>"$WORK/read.log"
python3 - "$WORK/rabbitmq.records" "$WORK/part0.out" "$RUN.mq." <<'PY'
import json, sys
from collections import defaultdict
records, embedded, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
got_order, n = defaultdict(list), 0
for line in open(records, encoding="utf-8"):
    queue, key, mid, ctype, mode, headers, body = line.rstrip("\n").split("\t", 6)
    r = json.loads(body)
    h = dict(kv.split("=", 1) for kv in headers.split(","))
    want = {"journey": r["journey"], "channel": r["channel"], "dispatch_id": r["id"], "customer": r["customer"]}
    assert queue == prefix + r["channel"] and key == r["channel"], (queue, key, r)
    assert mid == r["id"] and ctype == "application/json" and mode == "2", (mid, ctype, mode, r)
    assert h == want, (h, want)
    got_order[(r["channel"], r["customer"])].append(mid)
    n += 1
want_order = defaultdict(list)
for line in open(embedded, encoding="utf-8"):
    r = json.loads(line)
    want_order[(r["channel"], r["customer"])].append(r["id"])
assert got_order == want_order, "the order of a customer's records on a channel differs from the embedded run"
print(f"rabbitmq_e2e: {n} messages: message_id, properties, headers and order per customer agree")
PY
cut -f7- "$WORK/rabbitmq.records" > "$WORK/rabbitmq.out"
compare "$WORK/rabbitmq.out"  # ids unique, the same records as the embedded run, the rejects on Kafka
dispatched "$WORK/kafka.out"
[ ! -s "$WORK/kafka.out" ] || fail "$(wc -l < "$WORK/kafka.out") records on Kafka dispatch topics with sink = \"rabbitmq\""
echo "$NAME: PASS: $(wc -l < "$WORK/rabbitmq.out") dispatch records through RabbitMQ identical to the embedded run (ids included), laudd took $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s; $(rejects_count) rejects on Kafka"
