#!/usr/bin/env bash
# laudd_wall_pipe.sh — laudd on a live pipe with --clock wall: one event arrives and the writer
# keeps the pipe open; the event is processed at once, and the `wait 2s` it starts fires by the
# real time with no further input; its record is in --out (flushed while the input is idle)
# before the writer closes the pipe. Then laudd ends with the input, exit 0.
# Usage: laudd_wall_pipe.sh LAUDC LAUDD WORK_DIR   (ctest laudd_wall_pipe)
set -euo pipefail
LAUDC=$1 LAUDD=$2 WORK=$3
fail() { echo "laudd_wall_pipe: FAIL: $*" >&2; exit 1; }
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK"
printf 'journey j {\n  on ping\n  reentry always\n  now_step: send push "now"\n  wait 2s\n  later: send push "later"\n}\n' > j.journey
"$LAUDC" compile j.journey -o j.ljb
mkfifo in.fifo
"$LAUDD" run --module j.ljb --events in.fifo --out out.jsonl --clock wall 2>laudd.log &
pid=$!
trap 'kill -9 $pid 2>/dev/null || true' EXIT
exec 3>in.fifo   # the writer: open until the end of the test
printf '{"type":"track","userId":"c1","event":"ping"}\n' >&3
start=$SECONDS
for _ in $(seq 1 100); do grep -q '"template":"now"' out.jsonl 2>/dev/null && break; sleep 0.1; done
grep -q '"template":"now"' out.jsonl 2>/dev/null || fail "the event was not processed while the pipe stayed open"
for _ in $(seq 1 100); do grep -q '"template":"later"' out.jsonl 2>/dev/null && break; sleep 0.1; done
grep -q '"template":"later"' out.jsonl || fail "the 2 s timer did not fire without further input"
waited=$((SECONDS - start))
kill -0 $pid 2>/dev/null || fail "laudd ended before its input did"
exec 3>&-
wait $pid || fail "laudd exited $? at the end of its input"
trap - EXIT
[ "$(wc -l < out.jsonl)" = 2 ] || fail "$(wc -l < out.jsonl) records, want 2"
echo "laudd_wall_pipe: PASS: processed at once, the timer fired ${waited} s later with the pipe still open; exit 0 at its end"
