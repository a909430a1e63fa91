#!/usr/bin/env bash
# kafka_keyless.sh — an event without a key in another partition than its customer's is produced
# again, keyed by the customer id, and processed by the customer's partition: c1's three pings
# (the second keyless, forced into the other partition of two) are counted by one engine, so the
# dispatches carry count(ping) 1, 2 and 3 for one customer c1.
# Usage: kafka_keyless.sh LAUDC LAUDD CREATE_TOPIC SOURCE_DIR WORK_DIR   (ctest kafka_keyless)
set -euo pipefail
LAUDC=$1 LAUDD=$2 CREATE_TOPIC=$3 SRC=$4 WORK=$5 NAME=kafka_keyless
source "$SRC/tests/kafka/lib.sh"
t0=$SECONDS

cat > "$WORK/k.journey" <<'J'
journey counted {
  on ping
  reentry always
  a: send push "count" with { n: count(ping) }
}
J
"$LAUDC" compile "$WORK/k.journey" -o "$WORK/k.ljb"
"$CREATE_TOPIC" "$BOOTSTRAP" "$RUN.events" 2
ping() { printf '{"type":"track","userId":"c1","event":"ping","timestamp":"2026-12-01T10:0%s:00Z"}' "$1"; }
printf 'c1\t%s\n' "$(ping 1)" | kcat -b "$BOOTSTRAP" -P -t "$RUN.events" -K $'\t'
home=$(kcat -b "$BOOTSTRAP" -C -t "$RUN.events" -e -q -f '%p\n' | head -1)
other=$((1 - home))
ping 2 | kcat -b "$BOOTSTRAP" -P -t "$RUN.events" -p $other   # no key, in the other partition
printf 'c1\t%s\n' "$(ping 3)" | kcat -b "$BOOTSTRAP" -P -t "$RUN.events" -K $'\t'
[ "$(kcat -b "$BOOTSTRAP" -C -t "$RUN.events" -p $other -e -q -f '%s\n' | wc -l)" = 1 ] || fail "the keyless ping is not alone in partition $other"

config "$WORK/run.toml" 'stop_at_end = true'
sed -i 's/^module = .*/module = "k.ljb"/; /^until = /d' "$WORK/run.toml"
# The re-keyed event arrives after the first pass reached the end: run until it is processed too.
for run in 1 2; do
  (cd "$WORK" && timeout 120 "$LAUDD" run --config run.toml) 2>>"$WORK/laudd.log" || { tail "$WORK/laudd.log" >&2; fail "laudd exited $?"; }
done
dispatched "$WORK/kafka.jsonl"
grep -q "1 events without a key produced again" "$WORK/laudd.log" || { tail -3 "$WORK/laudd.log" >&2; fail "the keyless event was not produced again"; }
counts=$(python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert all(r["customer"] == "c1" for r in recs), recs
print(" ".join(str(n) for n in sorted(r["vars"]["n"] for r in recs)))' "$WORK/kafka.jsonl")
[ "$counts" = "1 2 3" ] || fail "count(ping) per dispatch: $counts, want 1 2 3 (one engine for c1)"
echo "$NAME: PASS: the keyless event was produced again keyed and counted by c1's partition (counts $counts); $((SECONDS - t0)) s"
