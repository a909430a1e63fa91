#!/usr/bin/env bash
# kafka_wall_timers.sh — with clock = "wall", timers fire by the real time on a partition that
# receives nothing more: one `ping` on partition 0 of a 2-partition topic starts a `wait 3s`; with
# no further input, the dispatch is on its topic (read_committed) within a few seconds, once.
# Usage: kafka_wall_timers.sh LAUDC LAUDD CREATE_TOPIC SOURCE_DIR WORK_DIR   (ctest kafka_wall_timers)
set -euo pipefail
LAUDC=$1 LAUDD=$2 CREATE_TOPIC=$3 SRC=$4 WORK=$5 NAME=kafka_wall_timers
source "$SRC/tests/kafka/lib.sh"
t0=$SECONDS

cat > "$WORK/wt.journey" <<'J'
journey later {
  on ping
  reentry always
  wait 3s
  a: send push "later" with { n: trigger.n }
}
J
"$LAUDC" compile "$WORK/wt.journey" -o "$WORK/wt.ljb"
"$CREATE_TOPIC" "$BOOTSTRAP" "$RUN.events" 2
config "$WORK/run.toml"
sed -i 's/^module = .*/module = "wt.ljb"\nclock = "wall"/; /^until = /d' "$WORK/run.toml"
(cd "$WORK" && exec "$LAUDD" run --config run.toml) 2>"$WORK/laudd.log" &
pids+=($!)
# Wait until laudd owns both partitions (its log says so), then one event; nothing after it.
for _ in $(seq 1 100); do
  [ "$(grep -c "restored" "$WORK/laudd.log" || true)" -ge 2 ] && break
  kill -0 "${pids[0]}" 2>/dev/null || { cat "$WORK/laudd.log" >&2; fail "laudd exited"; }
  sleep 0.2
done
printf 'c1\t{"type":"track","userId":"c1","event":"ping","properties":{"n":7}}\n' |
  kcat -b "$BOOTSTRAP" -P -t "$RUN.events" -K $'\t' -p 0
sent=$SECONDS
got=""
for _ in $(seq 1 60); do
  got=$(kcat -b "$BOOTSTRAP" -C -t "$RUN.dispatch.push" -X isolation.level=read_committed -e -q -f '%s\n' 2>/dev/null || true)
  [ -n "$got" ] && break
  sleep 0.5
done
[ -n "$got" ] || { tail "$WORK/laudd.log" >&2; fail "no dispatch within 30 s of the event (laudd log above)"; }
waited=$((SECONDS - sent))
[ "$waited" -ge 2 ] || fail "the dispatch came after ${waited} s: before the 3 s wait was over"
sleep 2
n=$(kcat -b "$BOOTSTRAP" -C -t "$RUN.dispatch.push" -X isolation.level=read_committed -e -q -f '%s\n' | wc -l)
[ "$n" = 1 ] || fail "$n dispatches, want 1"
echo "$got" | grep -q '"template":"later".*"vars":{"n":7}' || fail "unexpected record: $got"
kill -TERM "${pids[0]}"; wait "${pids[0]}" || fail "laudd exited $? on SIGTERM"
pids=()
echo "$NAME: PASS: the timer fired ${waited} s after the only event, with no further input; $((SECONDS - t0)) s"
