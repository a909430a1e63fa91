#!/usr/bin/env bash
# kafka_broker_loss.sh — the broker goes away under a running laudd and comes back: laudd keeps
# running without spinning (under 1 s of CPU and a bounded number of log lines during a 15 s
# outage, its partitions lost after the 6 s session timeout), then rejoins, restores its
# partitions from the changelog, consumes the rest, and exits 0 on SIGTERM; a last run applies
# `until`. The records equal the embedded runs per partition, no id twice.
# Usage: kafka_broker_loss.sh LAUDC LAUDD CREATE_TOPIC SOURCE_DIR WORK_DIR GROUP_LAG   (ctest kafka_broker_loss)
set -euo pipefail
LAUDC=$1 LAUDD=$2 CREATE_TOPIC=$3 SRC=$4 WORK=$5 GROUP_LAG=$6 NAME=kafka_broker_loss
source "$SRC/tests/kafka/lib.sh"
t0=$SECONDS

"$CREATE_TOPIC" "$BOOTSTRAP" "$RUN.events" 2
n=$(wc -l < "$SRC/examples/events.jsonl")
head -n $((n / 2)) "$SRC/examples/events.jsonl" > "$WORK/first.jsonl"
tail -n +$((n / 2 + 1)) "$SRC/examples/events.jsonl" > "$WORK/second.jsonl"
produce "$RUN.events" "$WORK/first.jsonl"
props=('[kafka.properties]' '"session.timeout.ms" = 6000' '"heartbeat.interval.ms" = 1000')
config "$WORK/run.toml" 'instance_id = "loss"' "${props[@]}"
config "$WORK/last.toml" 'stop_at_end = true' 'instance_id = "loss"' "${props[@]}"

lag() { "$GROUP_LAG" "$BOOTSTRAP" "$RUN" "$RUN.events" 2>/dev/null || echo unknown; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
(cd "$WORK" && exec "$LAUDD" run --config run.toml) 2>"$WORK/laudd.log" & pid=$!; pids+=($pid)
wait_for 30 "end of the first half (lag 0)" '[ "$(lag)" = 0 ]' "$WORK/laudd.log"

bash "$SRC/tools/kafka.sh" stop >/dev/null
lines=$(wc -l < "$WORK/laudd.log") ticks=$(cpu_ticks $pid)
sleep 15
kill -0 $pid 2>/dev/null || { tail "$WORK/laudd.log" >&2; fail "laudd exited while the broker was away"; }
used=$(( $(cpu_ticks $pid) - ticks )) logged=$(( $(wc -l < "$WORK/laudd.log") - lines ))
echo "$NAME: 15 s without a broker: laudd used $used CPU ticks (of $((15 * $(getconf CLK_TCK)))) and wrote $logged log lines"
[ $used -lt "$(getconf CLK_TCK)" ] || fail "laudd used $used CPU ticks while the broker was away (spinning?)"
[ $logged -lt 300 ] || fail "laudd wrote $logged log lines in 15 s"
bash "$SRC/tools/kafka.sh" start >/dev/null
produce "$RUN.events" "$WORK/second.jsonl"
back=$SECONDS
wait_for 90 "end of the input (lag 0) after the broker's return" '[ "$(lag)" = 0 ]' "$WORK/laudd.log"
echo "$NAME: the broker is back: laudd reached the end after $((SECONDS - back)) s ($(grep -c ' lost$' "$WORK/laudd.log") partitions lost, $(grep -c restored "$WORK/laudd.log") restores)"
kill -TERM $pid
rc=0; wait $pid || rc=$?
[ $rc = 0 ] || { tail -5 "$WORK/laudd.log" >&2; fail "laudd exited $rc on SIGTERM"; }
(cd "$WORK" && timeout 120 "$LAUDD" run --config last.toml) 2>"$WORK/last.log" || { tail "$WORK/last.log" >&2; fail "the last run exited $?"; }
expected "$RUN.events" 2
dispatched "$WORK/kafka.jsonl"
compare "$WORK/kafka.jsonl"
echo "$NAME: PASS: $(wc -l < "$WORK/kafka.jsonl.sorted") records identical to the embedded runs of the 2 partitions, no duplicated id; $(rejects_count) rejects; $((SECONDS - t0)) s"
