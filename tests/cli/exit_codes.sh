#!/usr/bin/env bash
# exit_codes.sh — the command lines' exit codes (LANGUAGE.md §12: 0 ok, 1 errors, 2 usage) for every
# laudc subcommand and `laudd run`, including files that are missing, directories, bad modules and
# `laudc fmt --check` / `laudc graph` on good and bad input; and that fmt rewrites only what changes.
# Usage: exit_codes.sh LAUDC LAUDD WORK_DIR   (ctest cli_exit_codes)
set -uo pipefail
LAUDC=$1 LAUDD=$2 WORK=$3
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK" || exit 1
failures=0
expect() {  # expect CODE DESCRIPTION -- COMMAND...
  local want=$1 what=$2; shift 3
  "$@" >out.txt 2>err.txt
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL: $what: exit $got, expected $want"; sed 's/^/  | /' err.txt | head -5
    failures=$((failures + 1))
  else
    echo "ok: $what (exit $got)"
  fi
}
printf 'journey j {\n  on ping\n  hi: send push "hi"\n}\n' > good.journey
printf 'journey j {\n  on\n}\n' > bad.journey
printf 'journey   j {\non ping\n  hi: send push "hi"\n}\n' > messy.journey
printf '{"type":"track","userId":"c1","event":"ping","timestamp":"2026-12-01T10:00:00Z"}\n' > events.jsonl

expect 0 "laudc check good" -- "$LAUDC" check good.journey
expect 1 "laudc check with a syntax error" -- "$LAUDC" check bad.journey
expect 1 "laudc check a missing file" -- "$LAUDC" check missing.journey
grep -q "missing.journey: error: cannot read file \[E0902\]" err.txt || { echo "FAIL: no E0902 for a missing file"; failures=$((failures + 1)); }
expect 1 "laudc check a directory" -- "$LAUDC" check .
expect 2 "laudc check without files" -- "$LAUDC" check
expect 2 "laudc without a subcommand" -- "$LAUDC"
expect 2 "laudc with an unknown option" -- "$LAUDC" check --frobnicate good.journey
expect 0 "laudc compile good" -- "$LAUDC" compile good.journey -o good.ljb
expect 1 "laudc compile bad" -- "$LAUDC" compile bad.journey -o bad.ljb
[ -e bad.ljb ] && { echo "FAIL: a module was written for bad input"; failures=$((failures + 1)); }
expect 2 "laudc compile without -o" -- "$LAUDC" compile good.journey
expect 0 "laudc dis good" -- "$LAUDC" dis good.ljb
head -c 40 good.ljb > truncated.ljb
expect 1 "laudc dis a truncated module" -- "$LAUDC" dis truncated.ljb
expect 1 "laudc dis a missing module" -- "$LAUDC" dis missing.ljb
expect 0 "laudc fmt --check formatted" -- "$LAUDC" fmt --check good.journey
expect 1 "laudc fmt --check unformatted" -- "$LAUDC" fmt --check messy.journey
grep -qx "messy.journey" out.txt || { echo "FAIL: fmt --check does not name messy.journey"; failures=$((failures + 1)); }
cmp -s messy.journey <(printf 'journey   j {\non ping\n  hi: send push "hi"\n}\n') || { echo "FAIL: fmt --check wrote"; failures=$((failures + 1)); }
expect 1 "laudc fmt a file with a syntax error" -- "$LAUDC" fmt bad.journey
expect 1 "laudc fmt a missing file" -- "$LAUDC" fmt missing.journey
expect 0 "laudc fmt rewrites" -- "$LAUDC" fmt messy.journey
cmp -s messy.journey good.journey || { echo "FAIL: fmt did not write the canonical layout"; failures=$((failures + 1)); }
before=$(stat -c %Y good.journey)
sleep 1
expect 0 "laudc fmt leaves a formatted file alone" -- "$LAUDC" fmt good.journey
[ "$(stat -c %Y good.journey)" = "$before" ] || { echo "FAIL: fmt rewrote a formatted file"; failures=$((failures + 1)); }
printf 'const  A=1\n' > stdin.journey
expect 0 "laudc fmt - (stdin to stdout)" -- "$LAUDC" fmt - < stdin.journey
[ "$(cat out.txt)" = "const A = 1" ] || { echo "FAIL: fmt - wrote '$(cat out.txt)'"; failures=$((failures + 1)); }
expect 1 "laudc fmt --check - (unformatted stdin)" -- "$LAUDC" fmt --check - < stdin.journey
expect 1 "laudc fmt - (stdin with a syntax error)" -- "$LAUDC" fmt - < bad.journey
cmp -s out.txt bad.journey || { echo "FAIL: fmt - did not pass unformattable input through"; failures=$((failures + 1)); }
cp stdin.journey twice.journey
expect 1 "laudc fmt --check the same file twice" -- "$LAUDC" fmt --check twice.journey twice.journey
[ "$(wc -l < out.txt)" = 1 ] || { echo "FAIL: a file named twice is listed twice"; failures=$((failures + 1)); }
chmod 640 twice.journey
expect 0 "laudc fmt keeps the file's mode" -- "$LAUDC" fmt twice.journey
[ "$(stat -c %a twice.journey)" = 640 ] || { echo "FAIL: fmt changed the mode to $(stat -c %a twice.journey)"; failures=$((failures + 1)); }
ls ./*.tmp >/dev/null 2>&1 && { echo "FAIL: fmt left a temporary file"; failures=$((failures + 1)); }
expect 0 "laudc graph dot" -- "$LAUDC" graph good.journey --journey j
grep -q '^digraph "j" {' out.txt || { echo "FAIL: no DOT graph"; failures=$((failures + 1)); }
expect 0 "laudc graph mermaid" -- "$LAUDC" graph good.journey --journey j --format mermaid
grep -q '^flowchart TD' out.txt || { echo "FAIL: no Mermaid chart"; failures=$((failures + 1)); }
expect 1 "laudc graph an unknown journey" -- "$LAUDC" graph good.journey --journey nope
grep -q "no journey named \`nope\` in this module (its journeys: j)" err.txt || { echo "FAIL: unknown journey message"; failures=$((failures + 1)); }
expect 1 "laudc graph a module with errors" -- "$LAUDC" graph bad.journey --journey j
expect 2 "laudc graph without --journey" -- "$LAUDC" graph good.journey
expect 2 "laudc graph with an unknown format" -- "$LAUDC" graph good.journey --journey j --format svg

expect 0 "laudd run" -- "$LAUDD" run --module good.ljb --events events.jsonl --out -
grep -q '"template":"hi"' out.txt || { echo "FAIL: laudd wrote no dispatch"; failures=$((failures + 1)); }
expect 1 "laudd run a truncated module" -- "$LAUDD" run --module truncated.ljb --events events.jsonl
expect 1 "laudd run a missing module" -- "$LAUDD" run --module missing.ljb --events events.jsonl
expect 1 "laudd run missing events" -- "$LAUDD" run --module good.ljb --events missing.jsonl
expect 2 "laudd run without --module" -- "$LAUDD" run --events events.jsonl
expect 2 "laudd run with a bad --until" -- "$LAUDD" run --module good.ljb --events events.jsonl --until tomorrow

if [ "$failures" != 0 ]; then echo "exit_codes: $failures failure(s)"; exit 1; fi
echo "exit_codes: all passed"
