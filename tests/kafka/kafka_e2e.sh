#!/usr/bin/env bash
# kafka_e2e.sh — `laudd run --config` against a real broker (tools/kafka.sh) gives the same records
# and ids as the embedded run: examples/events.jsonl is produced (key = userId/anonymousId) to a fresh
# 1-partition topic, laudd consumes it to the end (stop_at_end, until 2027-01-31), and every dispatch
# topic of the run is read back (read_committed) and compared, sorted, with `laudd run --events`.
# Rejects: the count on the rejects topic equals the embedded run's. Headers and keys are checked.
# Usage: kafka_e2e.sh LAUDC LAUDD CREATE_TOPIC SOURCE_DIR WORK_DIR   (ctest kafka_e2e, LAUD_KAFKA_TESTS=ON)
set -euo pipefail
LAUDC=$1 LAUDD=$2 CREATE_TOPIC=$3 SRC=$4 WORK=$5
NAME=kafka_e2e
source "$SRC/tests/kafka/lib.sh"  # broker, $WORK with examples.ljb, $RUN, fail, wait_for, cleanup

# A bad config exits 2 naming file:line:col; an unreachable broker exits 1 after the bounded wait (10 s).
printf 'module = "examples.ljb"\n[kafka]\nstop_at_end = "yes"\n' > "$WORK/bad.toml"
rc=0; "$LAUDD" run --config "$WORK/bad.toml" 2>"$WORK/bad.log" || rc=$?
[ $rc = 2 ] && grep -q "bad.toml:3:15: .kafka.stop_at_end. must be true or false" "$WORK/bad.log" ||
  { cat "$WORK/bad.log" >&2; fail "bad config: exit $rc"; }
printf 'module = "examples.ljb"\n[kafka]\nbootstrap_servers = "127.0.0.1:1"\n' > "$WORK/unreachable.toml"
rc=0; "$LAUDD" run --config "$WORK/unreachable.toml" 2>"$WORK/unreachable.log" || rc=$?
[ $rc = 1 ] && grep -q "no Kafka broker answered at 127.0.0.1:1 within 10 s" "$WORK/unreachable.log" ||
  { tail -3 "$WORK/unreachable.log" >&2; fail "unreachable broker: exit $rc"; }

# The embedded run over the same file.
"$LAUDD" run --module "$WORK/examples.ljb" --events "$SRC/examples/events.jsonl" --until $UNTIL \
  --out "$WORK/embedded.jsonl" --rejects "$WORK/embedded_rejects.jsonl" 2>"$WORK/embedded.log"
LC_ALL=C sort "$WORK/embedded.jsonl" > "$WORK/embedded.sorted"

# A fresh input topic of one partition, keyed by customer (a line that is not JSON gets an empty key).
"$CREATE_TOPIC" "$BOOTSTRAP" "$RUN.events" 1
python3 "$SRC/tests/kafka/keyed_lines.py" "$SRC/examples/events.jsonl" > "$WORK/keyed.txt"
kcat -b "$BOOTSTRAP" -P -t "$RUN.events" -K $'\t' -l "$WORK/keyed.txt"
produced=$(kcat -b "$BOOTSTRAP" -C -t "$RUN.events" -e -q -f '%o\n' | wc -l)
[ "$produced" = "$(wc -l < "$SRC/examples/events.jsonl")" ] || fail "produced $produced messages, the file has more lines"

cat > "$WORK/run.toml" <<TOML
module = "examples.ljb"
until = "$UNTIL"
stats = "stats.json"

[kafka]
bootstrap_servers = "$BOOTSTRAP"
input_topics = ["$RUN.events"]
group_id = "$RUN"
dispatch_topic_prefix = "$RUN.dispatch."
rejects_topic = "$RUN.rejects"
changelog_topic = "$RUN.changelog"
stop_at_end = true
TOML
(cd "$WORK" && timeout 120 "$LAUDD" run --config run.toml) 2>"$WORK/kafka.log" || { cat "$WORK/kafka.log" >&2; fail "laudd --config exited $?"; }
cat "$WORK/kafka.log"

# stop_at_end without librdkafka's end-of-partition events (a test hook drops them, as a pause
# during a partition's restore can): the partitions' high watermarks end the run all the same.
(cd "$WORK" && LAUD_TEST_DROP_PARTITION_EOF=1 timeout 60 "$LAUDD" run --config run.toml) 2>"$WORK/again.log" ||
  { tail "$WORK/again.log" >&2; fail "the run without end-of-partition events did not end by itself"; }
grep -q ' 0 transactions\| 1 transactions' "$WORK/again.log" || fail "the run at the end processed something: $(grep transactions "$WORK/again.log")"

# Every dispatch topic of this run, read to its end (read_committed: ready for transactions).
topics=$(kcat -b "$BOOTSTRAP" -L | sed -n "s/^  topic \"\($RUN\.dispatch\.[a-z_]*\)\".*/\1/p" | sort)
[ -n "$topics" ] || fail "no dispatch topics $RUN.dispatch.*"
: > "$WORK/kafka.records"
for t in $topics; do
  kcat -b "$BOOTSTRAP" -C -t "$t" -X isolation.level=read_committed -e -q -f '%k\t%h\t%s\n' >> "$WORK/kafka.records"
done
# Key = customer; headers journey, channel, dispatch_id agree with the record; the topic with its channel.
# input_partition/input_offset name the input message whose processing made the record: its time is
# the event clock after that message (a send the event triggered) or a timer's due time the message
# moved the clock past. Records without them were made at the end of the input (`until`).
python3 - "$WORK/kafka.records" "$SRC/examples/events.jsonl" "$WORK/embedded_rejects.jsonl" <<'PY'
import json, sys
from datetime import datetime
def ms(text):
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
rejected = {json.loads(l)["line"] for l in open(sys.argv[3], encoding="utf-8")}
before, after, clock = [], [], -1  # the event clock before and after each input message (offset)
for i, line in enumerate(open(sys.argv[2], encoding="utf-8")):
    before.append(clock)
    if i + 1 not in rejected and line.strip():
        e = json.loads(line)
        if e.get("type") in ("track", "identify"):
            clock = max(clock, ms(e["timestamp"]))
    after.append(clock)
n = with_input = 0
for line in open(sys.argv[1], encoding="utf-8"):
    key, headers, value = line.rstrip("\n").split("\t", 2)
    r = json.loads(value)
    h = dict(kv.split("=", 1) for kv in headers.split(","))
    want = {"journey": r["journey"], "channel": r["channel"], "dispatch_id": r["id"]}
    if "input_offset" in h:
        o = int(h["input_offset"])
        assert h["input_partition"] == "0" and 0 <= o < len(after), h
        t = ms(r["time"])
        assert t == after[o] or before[o] < t <= after[o], (r, o, before[o], after[o])
        want.update(input_partition="0", input_offset=h["input_offset"])
        with_input += 1
    else:
        assert ms(r["time"]) > clock, r  # fired by `until`, after the last event
    assert key == r["customer"], (key, r)
    assert h == want, (h, want)
    n += 1
assert with_input > n // 2, (with_input, n)
print(f"kafka_e2e: {n} records: keys and headers agree with the records; {with_input} name the input message that made them")
PY
cut -f3- "$WORK/kafka.records" | LC_ALL=C sort > "$WORK/kafka.sorted"
if ! cmp -s "$WORK/embedded.sorted" "$WORK/kafka.sorted"; then
  diff "$WORK/embedded.sorted" "$WORK/kafka.sorted" | head -n 20 >&2
  fail "the Kafka run's records differ from the embedded run's ($(wc -l < "$WORK/kafka.sorted") vs $(wc -l < "$WORK/embedded.sorted"))"
fi
[ -s "$WORK/kafka.sorted" ] || fail "no records"

rejects=$(kcat -b "$BOOTSTRAP" -C -t "$RUN.rejects" -X isolation.level=read_committed -e -q -f 'x\n' 2>/dev/null | wc -l)
want=$(wc -l < "$WORK/embedded_rejects.jsonl")
[ "$rejects" = "$want" ] || fail "$rejects messages on $RUN.rejects, the embedded run rejected $want"
[ -s "$WORK/stats.json" ] || fail "no stats.json"

# A pause of the input does not end a transaction: with batch_ms = 5000, laudd processes 300 lines
# and produces their dispatches at once (seen read_uncommitted), and none is visible read_committed
# before the transaction's 5 s are up (docs/kafka.md, "Transactions"); SIGTERM commits the rest.
emails() {  # ISOLATION: messages on the email dispatch topic of $RUN.pause
  timeout 20 kcat -b "$BOOTSTRAP" -C -t "$RUN.pause.dispatch.email" -X isolation.level="$1" -e -q -f 'x\n' 2>/dev/null | wc -l
}
"$CREATE_TOPIC" "$BOOTSTRAP" "$RUN.pause.events" 1
"$CREATE_TOPIC" "$BOOTSTRAP" "$RUN.pause.dispatch.email" 1  # read before laudd writes to it
head -n 300 "$WORK/keyed.txt" | kcat -b "$BOOTSTRAP" -P -t "$RUN.pause.events" -K $'\t'
sed -e "s/$RUN/$RUN.pause/g" -e 's/^stop_at_end = true$/stop_at_end = false\nbatch_ms = 5000\nbatch_messages = 1000000/' \
  -e '/^until = /d' -e '/^stats = /d' "$WORK/run.toml" > "$WORK/pause.toml"
(cd "$WORK" && exec "$LAUDD" run --config pause.toml) 2>"$WORK/pause.log" &
pause_pid=$!; pids+=($pause_pid)
wait_for 30 "email dispatch for the paused input" 'uncommitted=$(emails read_uncommitted); [ "$uncommitted" -gt 0 ]' "$WORK/pause.log"
sleep 1.5  # a commit at the pause would have landed by now (the first one of a run takes ~0.6 s)
committed=$(emails read_committed)
[ "$committed" = 0 ] || fail "$committed of $uncommitted emails visible read_committed at once: the pause committed"
kill -TERM $pause_pid
wait $pause_pid || fail "laudd exited $? on SIGTERM: $(tail -3 "$WORK/pause.log")"
uncommitted=$(emails read_uncommitted) committed=$(emails read_committed)
[ "$committed" = "$uncommitted" ] || fail "after SIGTERM $committed of $uncommitted emails committed"
# The idle input let laudd write the changed customers' state ahead of that commit.
grep -q 'state records ([1-9][0-9]* written ahead while the input was idle)' "$WORK/pause.log" ||
  fail "no state written ahead during the pause: $(grep 'per transaction' "$WORK/pause.log")"
echo "kafka_e2e: a pause kept the transaction open: $uncommitted emails visible read_committed only after it ended"
echo "kafka_e2e: PASS: $(wc -l < "$WORK/kafka.sorted") dispatch records identical to the embedded run (ids included) over $(echo $topics | wc -w) topics; $rejects rejects"
