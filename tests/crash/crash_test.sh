#!/usr/bin/env bash
# crash_test.sh — laudd --state survives kill -9: runs the examples over a generated stream once
# without interruption (twice, to check determinism), then again with --state, killing the
# daemon with SIGKILL at points spread over the run (when its output has reached a share of the
# reference's records, so that a faster laudd is still killed mid-run) and restarting it with the
# same arguments until it finishes. The dispatch records, rejects and stats must equal the uninterrupted run's, byte for byte.
# Usage: crash_test.sh LAUDC LAUDD LAUD_GEN_EVENTS SOURCE_DIR WORK_DIR [KILLS]
set -euo pipefail
LAUDC=$1 LAUDD=$2 GEN=$3 SRC=$4 WORK=$5 KILLS=${6:-5}
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"

"$LAUDC" compile "$SRC"/examples/*.journey -o module.ljb
"$GEN" --customers 5000 --events 120000 --late-share 0.01 --duplicate-share 0.005 --bad-share 0.002 \
  --seed 7 -o events.jsonl
args=(run --module module.ljb --events events.jsonl --until 2027-03-01T00:00:00Z)

"$LAUDD" "${args[@]}" --out ref.jsonl --rejects ref.rejects --stats ref.stats 2>/dev/null
"$LAUDD" "${args[@]}" --out ref2.jsonl --rejects ref2.rejects --stats ref2.stats 2>/dev/null
cmp ref.jsonl ref2.jsonl && cmp ref.rejects ref2.rejects && cmp ref.stats ref2.stats
echo "crash_test: reference run: $(wc -l < ref.jsonl) dispatch records, deterministic"

RANDOM=42
total=$(wc -l < ref.jsonl)
kills=0
runs=0
while :; do
  runs=$((runs + 1))
  "$LAUDD" "${args[@]}" --state state --out out.jsonl --rejects out.rejects --stats out.stats 2>>laudd.log &
  pid=$!
  if [ "$kills" -lt "$KILLS" ]; then
    # Kill point k of KILLS: when the output holds about (k + 1) / (KILLS + 1) of the records, give
    # or take a few percent (a restart cuts the output back to its last checkpoint first).
    target=$(( total * (kills + 1) / (KILLS + 1) + total * (RANDOM % 7 - 3) / 100 ))
    while kill -0 "$pid" 2>/dev/null && [ "$(wc -l < out.jsonl 2>/dev/null || echo 0)" -lt "$target" ]; do
      sleep 0.005
    done
    if kill -9 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      kills=$((kills + 1))
      echo "crash_test: run $runs killed at $(wc -l < out.jsonl 2>/dev/null || echo 0) records (target $target of $total)"
      continue
    fi
  fi
  wait "$pid"
  break
done
cmp ref.jsonl out.jsonl
cmp ref.rejects out.rejects
cmp ref.stats out.stats
ids=$(grep -o '^{"id":"[0-9a-f]*"' out.jsonl | sort | uniq -d | wc -l)
[ "$ids" = 0 ] || { echo "crash_test: $ids duplicated dispatch ids"; exit 1; }
echo "crash_test: $kills kills in $runs runs; records, rejects and stats identical to the uninterrupted run"
[ "$kills" -ge 3 ] || { echo "crash_test: only $kills runs were killed mid-run: the test proved too little"; exit 1; }
# A changed input is refused, not silently resumed at the old offset.
sed '1s/"type"/"type" /' events.jsonl > changed.jsonl
if "$LAUDD" run --module module.ljb --events changed.jsonl --until 2027-03-01T00:00:00Z --state state \
    --out out.jsonl --rejects out.rejects 2>changed.log; then
  echo "crash_test: a changed input was resumed"; exit 1
fi
grep -q "differ from the input the state" changed.log || { cat changed.log; exit 1; }
cmp ref.jsonl out.jsonl  # and the outputs were left as they were
echo "crash_test: a changed input is refused"
