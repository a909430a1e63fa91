#!/usr/bin/env bash
# run_example.sh — the main job on the embedded default: builds laudc and checks the example
# module in examples/ (all files together), printing diagnostics and a one-line summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh laudc >/dev/null
./build/compiler/laudc check examples/*.journey
echo "laudc check: examples/ ($(ls examples/*.journey | wc -l) files) is clean"
