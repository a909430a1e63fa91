# lib.sh — shared steps of the RabbitMQ sink's end-to-end tests (sourced by rabbitmq_e2e.sh and
# rabbitmq_crash.sh), on top of tests/kafka/lib.sh (Kafka up, $WORK with examples.ljb, $RUN, an input
# topic and its expected records): the RabbitMQ node up, the run config's [output] and [rabbitmq]
# tables, this run's queues counted and read back, and each message checked against its record.
# Needs: LAUDC LAUDD CREATE_TOPIC READ_QUEUES SRC WORK NAME set by the caller.
# shellcheck source=../kafka/lib.sh
source "$SRC/tests/kafka/lib.sh"
MQ_PORT=${LAUD_RABBITMQ_PORT:-5673}
MQ_QUEUES=""
for ch in email sms push webhook slack in_app unknown; do MQ_QUEUES="$MQ_QUEUES $RUN.mq.$ch"; done

mq_started=0
trap 'lib_cleanup; if [ $mq_started = 1 ]; then bash "$SRC/tools/rabbitmq.sh" stop >/dev/null || true; fi' EXIT
if ! bash "$SRC/tools/rabbitmq.sh" status >/dev/null 2>&1; then
  bash "$SRC/tools/rabbitmq.sh" start
  mq_started=1
fi

# mq_config FILE: appends sink = "rabbitmq" with this run's exchange ($RUN.mq) and queues ($RUN.mq.<channel>).
mq_config() {
  printf '\n[output]\nsink = "rabbitmq"\n\n[rabbitmq]\nport = %s\nexchange = "%s"\nqueue_prefix = "%s"\n' \
    "$MQ_PORT" "$RUN.mq" "$RUN.mq." >> "$1"
}

# mq_count: how many messages this run's queues hold.
# shellcheck disable=SC2086
mq_count() { "$READ_QUEUES" 127.0.0.1 "$MQ_PORT" --count $MQ_QUEUES; }

# mq_read OUT: every message of this run's queues (laud_rabbitmq_read's lines, consumed) to OUT, then
# OUT.jsonl with the bodies; the queues and the exchange are deleted.
mq_read() {
  # shellcheck disable=SC2086
  "$READ_QUEUES" 127.0.0.1 "$MQ_PORT" --delete "$RUN.mq" $MQ_QUEUES > "$1" 2>"$WORK/read.log"
  cut -f7- "$1" > "$1.jsonl"
}

# mq_check OUT [ORDER]: each message's queue and routing key are its record's channel, message_id
# its id, content type JSON, delivery mode 2 (persistent), headers journey, channel, dispatch_id and
# customer its record's. With ORDER (the embedded run's records in their order): each customer's
# records on a channel arrived in that order.
mq_check() {
  python3 - "$1" "$RUN.mq." "${2:-}" <<'PY'
import json, sys
from collections import defaultdict
records, prefix, order_file = sys.argv[1], sys.argv[2], sys.argv[3]
got, n = defaultdict(list), 0
for line in open(records, encoding="utf-8"):
    queue, key, mid, ctype, mode, headers, body = line.rstrip("\n").split("\t", 6)
    r = json.loads(body)
    h = dict(kv.split("=", 1) for kv in headers.split(","))
    want = {"journey": r["journey"], "channel": r["channel"], "dispatch_id": r["id"], "customer": r["customer"]}
    assert queue == prefix + r["channel"] and key == r["channel"], (queue, key, r)
    assert mid == r["id"] and ctype == "application/json" and mode == "2", (mid, ctype, mode, r)
    assert h == want, (h, want)
    got[(r["channel"], r["customer"])].append(mid)
    n += 1
if order_file:
    want = defaultdict(list)
    for line in open(order_file, encoding="utf-8"):
        r = json.loads(line)
        want[(r["channel"], r["customer"])].append(r["id"])
    assert got == want, "the order of a customer's records on a channel differs from the embedded run"
print(f"{n} messages: message_id, properties and headers agree with the records" + (", and the order per customer" if order_file else ""))
PY
}
