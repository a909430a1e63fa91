#!/usr/bin/env bash
# run_example.sh — the main job on the embedded default (until laudd exists): builds laudc, checks
# the example module in examples/ (all files together), compiles it to build/examples.ljb and
# prints the disassembly of its segments and first journey.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh laudc >/dev/null
./build/compiler/laudc check examples/*.journey
echo "laudc check: examples/ ($(ls examples/*.journey | wc -l) files) is clean"
./build/compiler/laudc compile examples/*.journey -o build/examples.ljb
echo "laudc compile: build/examples.ljb ($(stat -c %s build/examples.ljb) bytes)"
./build/compiler/laudc dis build/examples.ljb --source > build/examples.dis
head -n 60 build/examples.dis
echo "... (full listing: build/examples.dis, $(wc -l < build/examples.dis) lines)"
