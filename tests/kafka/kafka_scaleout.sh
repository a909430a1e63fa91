#!/usr/bin/env bash
# kafka_scaleout.sh — two laudd in one group share a 4-partition topic (the second one's arrival
# moves two partitions over, with their state, by a cooperative rebalance); one is killed -9
# mid-stream; the other takes its partitions over (state from the changelog) and consumes to the
# end, then stops on SIGTERM (exit 0). A last run to the end applies `until`. The dispatch topics
# (read_committed) hold no id twice and exactly the records of embedded runs per partition.
# Usage: kafka_scaleout.sh LAUDC LAUDD CREATE_TOPIC SOURCE_DIR WORK_DIR GROUP_LAG   (ctest kafka_scaleout)
set -euo pipefail
LAUDC=$1 LAUDD=$2 CREATE_TOPIC=$3 SRC=$4 WORK=$5 GROUP_LAG=$6 NAME=kafka_scaleout
source "$SRC/tests/kafka/lib.sh"
t0=$SECONDS

"$CREATE_TOPIC" "$BOOTSTRAP" "$RUN.events" 4
# The input in two halves: the second is produced while the daemons run.
n=$(wc -l < "$SRC/examples/events.jsonl")
head -n $((n / 2)) "$SRC/examples/events.jsonl" > "$WORK/first.jsonl"
tail -n +$((n / 2 + 1)) "$SRC/examples/events.jsonl" > "$WORK/second.jsonl"
produce "$RUN.events" "$WORK/first.jsonl"
props=('[kafka.properties]' '"session.timeout.ms" = 6000' '"heartbeat.interval.ms" = 1000')
config "$WORK/a.toml" 'instance_id = "a"' 'batch_messages = 20' "${props[@]}"
config "$WORK/b.toml" 'instance_id = "b"' 'batch_messages = 20' "${props[@]}"
config "$WORK/last.toml" 'stop_at_end = true' 'instance_id = "last"' "${props[@]}"

restored() { cat "$1" 2>/dev/null | grep -c 'restored' || true; }
(cd "$WORK" && exec "$LAUDD" run --config a.toml) 2>"$WORK/a.log" & a=$!; pids+=($a)
wait_for 30 "assignment of a" '[ "$(restored "$WORK/a.log")" -ge 4 ]'
(cd "$WORK" && exec "$LAUDD" run --config b.toml) 2>"$WORK/b.log" & b=$!; pids+=($b)
wait_for 30 "partitions moved to b" '[ "$(restored "$WORK/b.log")" -ge 2 ]'
grep -q 'revoked' "$WORK/a.log" || fail "a revoked nothing when b joined"
echo "$NAME: b joined: a revoked $(grep -c revoked "$WORK/a.log"), b restored $(restored "$WORK/b.log") partitions ($((SECONDS - t0)) s)"
produce "$RUN.events" "$WORK/second.jsonl"
sleep 0.5
lag=$("$GROUP_LAG" "$BOOTSTRAP" "$RUN" "$RUN.events")
b_before=$(restored "$WORK/b.log")
kill -0 $a 2>/dev/null || fail "a exited early"
kill -9 $a; wait $a 2>/dev/null || true
echo "$NAME: killed a with the group $lag messages behind ($((SECONDS - t0)) s)"
[ "$lag" -gt 0 ] || fail "a was killed after the end of the input: nothing left to take over"
wait_for 60 "take-over by b" '[ "$(restored "$WORK/b.log")" -ge $((b_before + 2)) ]'
wait_for 60 "b at the end of the input" '[ "$("$GROUP_LAG" "$BOOTSTRAP" "$RUN" "$RUN.events")" = 0 ]'
echo "$NAME: b took over ($(grep 'restored' "$WORK/b.log" | tail -n +$((b_before + 1)) | sed 's/.*\[\([0-9]*\)\]: restored \([0-9]*\) customers.*/partition \1: \2 customers/' | paste -sd, -)) and reached the end ($((SECONDS - t0)) s)"
expected "$RUN.events" 4
kill -TERM $b
rc=0; wait $b || rc=$?
[ $rc = 0 ] || { tail -5 "$WORK/b.log" >&2; fail "b exited $rc on SIGTERM"; }
(cd "$WORK" && timeout 120 "$LAUDD" run --config last.toml) 2>"$WORK/last.log" || { tail "$WORK/last.log" >&2; fail "the last run exited $?"; }
grep -q ' 0 transactions\| 1 transactions' "$WORK/last.log" || fail "the last run had more than until to do: $(grep transactions "$WORK/last.log")"
dispatched "$WORK/kafka.jsonl"
compare "$WORK/kafka.jsonl"
echo "$NAME: PASS: $(wc -l < "$WORK/kafka.jsonl.sorted") records identical to the embedded runs of the 4 partitions, no duplicated id; $(rejects_count) rejects; $((SECONDS - t0)) s"
