#!/usr/bin/env bash
# kafka_bad_input.sh — bad messages on the input topic go to the rejects topic and processing goes
# on: between two runs of valid events come junk bytes (not UTF-8), bad JSON, a JSON array, an event
# without userId/anonymousId, and a message with a NULL value. Each is on the rejects topic with its
# original bytes as the value and a `reason` header (and `topic`, `partition`, `offset`); the dispatch
# records equal the embedded run over the same messages.
# Usage: kafka_bad_input.sh LAUDC LAUDD CREATE_TOPIC SOURCE_DIR WORK_DIR   (ctest kafka_bad_input)
set -euo pipefail
LAUDC=$1 LAUDD=$2 CREATE_TOPIC=$3 SRC=$4 WORK=$5 NAME=kafka_bad_input
source "$SRC/tests/kafka/lib.sh"
t0=$SECONDS

"$CREATE_TOPIC" "$BOOTSTRAP" "$RUN.events" 1
head -n 1500 "$SRC/examples/events.jsonl" > "$WORK/first.jsonl"
tail -n +1501 "$SRC/examples/events.jsonl" > "$WORK/second.jsonl"
produce "$RUN.events" "$WORK/first.jsonl"
printf 'k1\t\001\377\376 junk\nk2\t{"type":"track","event":"x"\nk3\t[1,2]\nk4\t{"type":"track","event":"Signed Up","timestamp":"2026-01-01T00:00:00Z"}\n' \
  > "$WORK/bad.txt"
kcat -b "$BOOTSTRAP" -P -t "$RUN.events" -K $'\t' -l "$WORK/bad.txt"
printf 'k5\t\n' | kcat -b "$BOOTSTRAP" -P -t "$RUN.events" -K $'\t' -Z   # -Z: the empty value is NULL
produce "$RUN.events" "$WORK/second.jsonl"
expected "$RUN.events" 1   # the NULL value reads back as an empty line: skipped by the embedded run
expected_rejects=$(( $(cat "$WORK/expected_rejects.count") + 1 ))
echo $expected_rejects > "$WORK/expected_rejects.count"

config "$WORK/run.toml" 'stop_at_end = true'
(cd "$WORK" && timeout 120 "$LAUDD" run --config run.toml) 2>"$WORK/laudd.log" || { tail "$WORK/laudd.log" >&2; fail "laudd exited $?"; }
dispatched "$WORK/kafka.jsonl"
compare "$WORK/kafka.jsonl"

# The five bad messages at offsets 1500..1504: value (hex), reason and origin headers.
kcat -b "$BOOTSTRAP" -C -t "$RUN.rejects" -X isolation.level=read_committed -e -q \
  -f 'value=%S %s\nheaders=%h\n====\n' > "$WORK/rejects.txt"
python3 - "$WORK/rejects.txt" "$RUN.events" <<'PY'
import re, sys
text = open(sys.argv[1], "rb").read().decode("utf-8", "surrogateescape")
recs = {}
for block in text.split("\n====\n"):
    if not block.strip():
        continue
    head, headers = block.rsplit("\nheaders=", 1)
    size, value = head[len("value="):].split(" ", 1)
    m = re.fullmatch(r"reason=(.*),line=(\d+),topic=(.*),partition=(\d+),offset=(\d+)", headers.strip(), re.S)
    assert m, headers
    h = dict(zip(("reason", "line", "topic", "partition", "offset"), m.groups()))
    assert h["topic"] == sys.argv[2] and h["partition"] == "0", h
    recs[int(h["offset"])] = (int(size), value, h["reason"], h["line"])
want = {
    1500: ("\x01\udcff\udcfe junk", "bad JSON: The input is not valid UTF-8"),
    1501: ('{"type":"track","event":"x"', "bad JSON:"),
    1502: ("[1,2]", "not a JSON object"),
    1503: ('{"type":"track","event":"Signed Up","timestamp":"2026-01-01T00:00:00Z"}', "no user id"),
    1504: ("", "message has no value (null)"),
}
for off, (value, reason) in want.items():
    assert off in recs, f"no reject for offset {off}: {sorted(recs)}"
    size, got, why, line = recs[off]
    assert got == value, (off, got, value)
    assert why.startswith(reason), (off, why)
    assert line == str(off + 1), (off, line)
assert recs[1504][0] == -1, "the NULL value's reject has a NULL value"
print(f"kafka_bad_input: {len(want)} bad messages rejected with their bytes, reason and origin; {len(recs)} rejects in all")
PY
echo "$NAME: PASS: $(wc -l < "$WORK/kafka.jsonl.sorted") records identical to the embedded run, no duplicated id; $(rejects_count) rejects; $((SECONDS - t0)) s"
