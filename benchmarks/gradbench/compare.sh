#!/usr/bin/env bash
# Runs one eval on several tools, one after the other, and prints a Markdown table of each
# evaluation's validity and minimum `evaluate` time per tool, with each tool's ratio to manual (to finite where GradBench has no manual tool).
#
#   benchmarks/gradbench/compare.sh EVAL "TOOL..." [EVAL ARGS...]
#   e.g. benchmarks/gradbench/compare.sh lse "fluxion manual pytorch" --min-seconds 1
#
# Each tool's rows go to target/results/EVAL-TOOL.txt (the driver's output, see driver.py).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
EVAL=$1
TOOLS=$2
shift 2
mkdir -p "$HERE/target/results"
for tool in $TOOLS; do
  "$HERE/run.sh" "$EVAL" "$tool" "$@" > "$HERE/target/results/$EVAL-$tool.txt" 2>&1
  FLUXION_SKIP_BUILD=1  # build the tool once
  export FLUXION_SKIP_BUILD
done
python3 - "$HERE/target/results" "$EVAL" $TOOLS <<'PY'
import json, sys
results, ev, tools = sys.argv[1], sys.argv[2], sys.argv[3:]
rows, order = {}, []
for tool in tools:
    for line in open(f"{results}/{ev}-{tool}.txt"):
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        key = (r["function"], r["description"])
        if key not in rows:
            rows[key] = {}
            order.append(key)
        rows[key][tool] = r
def cell(r, base):
    if r is None:
        return "–"
    if not r["success"]:
        return "failed"
    ms = r["min_ms"]
    text = f"{ms:.4g} ms" + ("" if r["valid"] is True else f" ({'INVALID' if r['valid'] is False else r['valid']})")
    if base and base.get("success") and base["min_ms"] and r is not base:
        text += f" ({ms / base['min_ms']:.2f}×)"
    return text
print(f"| {ev} function | input | " + " | ".join(tools) + " |")
print("| --- | --- | " + " | ".join("---" for _ in tools) + " |")
for key in order:
    base = rows[key].get("manual") or rows[key].get("finite")  # particle and saddle have no manual tool
    print(f"| {key[0]} | {key[1]} | " + " | ".join(cell(rows[key].get(t), base) for t in tools) + " |")
PY
