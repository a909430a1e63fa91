#!/usr/bin/env bash
# run_example.sh — the main job on the embedded default: builds laudc and laudd, checks and
# compiles the example module (examples/*.journey) to build/examples.ljb, then runs laudd over
# examples/events.jsonl (no broker) and prints dispatch records and a summary per journey.
# Outputs: build/example/{dispatch.jsonl,rejects.jsonl,stats.json}.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh laudc laudd >/dev/null
./build/compiler/laudc check examples/*.journey
echo "laudc check: examples/ ($(ls examples/*.journey | wc -l) files) is clean"
./build/compiler/laudc compile examples/*.journey -o build/examples.ljb
./build/compiler/laudc dis build/examples.ljb --source > build/examples.dis
echo "laudc compile: build/examples.ljb ($(stat -c %s build/examples.ljb) bytes; listing in build/examples.dis)"
mkdir -p build/example
# The stream covers December 2026; --until lets the timers of January fire (wait, wait until, schedules).
./build/runtime/laudd run --module build/examples.ljb --events examples/events.jsonl \
  --out build/example/dispatch.jsonl --rejects build/example/rejects.jsonl \
  --stats build/example/stats.json --until 2027-01-31T00:00:00Z --summary
echo
echo "first dispatch records (all $(wc -l < build/example/dispatch.jsonl) in build/example/dispatch.jsonl):"
head -n 12 build/example/dispatch.jsonl
echo "rejected lines: $(wc -l < build/example/rejects.jsonl) (build/example/rejects.jsonl); stats: build/example/stats.json"
