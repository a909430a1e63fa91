#!/usr/bin/env bash
# services_smoke.sh — checks that the real Kafka broker and RabbitMQ node of tools/kafka.sh and
# tools/rabbitmq.sh come up and carry a message: kcat produces and consumes one record, a 20-line C
# program commits one transaction through Debian's librdkafka, amqp-tools publish and get one message.
# Stops what it started (a service that was already up stays up). Prints the time each step took.
set -euo pipefail
cd "$(dirname "$0")/.."

KAFKA=127.0.0.1:${LAUD_KAFKA_PORT:-19092}
AMQP=amqp://guest:guest@127.0.0.1:${LAUD_RABBITMQ_PORT:-5673}
WORK=$(mktemp -d)
started=()

cleanup() {
  local rc=$?
  for s in "${started[@]}"; do bash "tools/$s.sh" stop || rc=1; done
  rm -rf "$WORK"
  [ "$rc" -eq 0 ] && echo "services_smoke: OK" || echo "services_smoke: FAILED" >&2
  exit "$rc"
}
trap cleanup EXIT

timed() {  # timed LABEL CMD...: runs CMD, then prints how long it took
  local label=$1 t0; shift
  t0=$EPOCHREALTIME
  "$@"
  printf 'services_smoke: %-24s %6.1fs\n' "$label" "$(awk "BEGIN{print $EPOCHREALTIME - $t0}")"
}

start_service() {  # start_service NAME: start it unless it runs already; stop it at exit if we did
  if bash "tools/$1.sh" status >/dev/null 2>&1; then echo "services_smoke: $1 already running"
  else started+=("$1"); timed "$1 start" bash "tools/$1.sh" start; fi
}

timed "kafka fetch" bash tools/kafka.sh fetch
start_service kafka
start_service rabbitmq

# Kafka, plain: one keyed record in, the same record out (a fresh topic per run).
topic=laud-smoke-$$-$RANDOM
kafka_plain() {
  echo "hello kafka" | kcat -b "$KAFKA" -P -t "$topic" -k customer-1
  local got
  got=$(kcat -b "$KAFKA" -C -t "$topic" -o beginning -c 1 -e -q -m 10 -f '%k=%s')
  [ "$got" = "customer-1=hello kafka" ] || { echo "kafka: consumed '$got'" >&2; return 1; }
  echo "services_smoke: kafka plain produce/consume: $got"
}
timed "kafka produce+consume" kafka_plain

# Kafka, transactional: kcat has no transactions, so a small program on librdkafka's own API.
cat > "$WORK/txn.c" <<'EOF'
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <string.h>
static int fail(const char *what, rd_kafka_error_t *e) {
  fprintf(stderr, "%s: %s\n", what, rd_kafka_error_string(e));
  return 1;
}
int main(int argc, char **argv) {
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof err) ||
      rd_kafka_conf_set(conf, "transactional.id", "laud-smoke", err, sizeof err) ||
      rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) { fprintf(stderr, "%s\n", err); return 1; }
  rd_kafka_error_t *e;
  if ((e = rd_kafka_init_transactions(rk, 60000))) return fail("init_transactions", e);
  if ((e = rd_kafka_begin_transaction(rk))) return fail("begin_transaction", e);
  rd_kafka_resp_err_t r = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(argv[2]), RD_KAFKA_V_KEY("customer-2", 10),
      RD_KAFKA_V_VALUE(argv[3], strlen(argv[3])), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
  if (r) { fprintf(stderr, "produce: %s\n", rd_kafka_err2str(r)); return 1; }
  if ((e = rd_kafka_commit_transaction(rk, 60000))) return fail("commit_transaction", e);
  rd_kafka_destroy(rk);
  printf("%s", rd_kafka_version_str());
  return 0;
}
EOF
kafka_txn() {
  cc -O1 -o "$WORK/txn" "$WORK/txn.c" $(pkg-config --cflags --libs rdkafka)
  local version got
  version=$("$WORK/txn" "$KAFKA" "$topic-txn" "hello transaction")
  got=$(kcat -b "$KAFKA" -C -t "$topic-txn" -o beginning -c 1 -e -q -m 10 \
        -X isolation.level=read_committed -f '%k=%s')
  [ "$got" = "customer-2=hello transaction" ] || { echo "kafka txn: consumed '$got'" >&2; return 1; }
  echo "services_smoke: kafka transaction committed with librdkafka $version, read_committed: $got"
}
timed "kafka transaction" kafka_txn

# RabbitMQ: declare a queue, publish one message to it, get it back, delete the queue.
queue=laud-smoke-$$
rabbit_roundtrip() {
  amqp-declare-queue -u "$AMQP" -q "$queue" >/dev/null
  amqp-publish -u "$AMQP" -r "$queue" -b "hello rabbit"
  local got; got=$(amqp-get -u "$AMQP" -q "$queue")
  amqp-delete-queue -u "$AMQP" -q "$queue" >/dev/null
  [ "$got" = "hello rabbit" ] || { echo "rabbitmq: got '$got'" >&2; return 1; }
  echo "services_smoke: rabbitmq publish/get: $got"
}
timed "rabbitmq publish+get" rabbit_roundtrip
