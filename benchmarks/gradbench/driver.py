#!/usr/bin/env python3
"""Connects a GradBench eval to a tool over pipes, as the `gradbench run` CLI does, offline.

    driver.py --eval 'CMD' --tool 'CMD' [--log FILE]

Every line the eval writes is a message; it goes to the tool, and the tool's one-line answer goes
back to the eval (no answer is awaited for `end`). Prints one line per `evaluate`: the function,
the eval's description, success, the eval's validity verdict (from the `analysis` message that
follows), and the `evaluate` timings (runs, minimum and median in milliseconds). Exits 1 if any
evaluation failed or was found invalid.
"""
import argparse
import json
import shlex
import statistics
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", required=True)
    parser.add_argument("--tool", required=True)
    parser.add_argument("--log", help="write every message and answer here, one JSON a line")
    args = parser.parse_args()

    ev = subprocess.Popen(shlex.split(args.eval), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    tool = subprocess.Popen(shlex.split(args.tool), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    log = open(args.log, "w") if args.log else None
    pending = {}  # evaluate message id -> printed row awaiting its analysis
    bad = 0
    for line in ev.stdout:
        message = json.loads(line)
        if message["kind"] == "end":
            break
        tool.stdin.write(json.dumps(message) + "\n")
        tool.stdin.flush()
        answer_line = tool.stdout.readline()
        if not answer_line:
            print("tool ended without answering", message["kind"], file=sys.stderr)
            bad += 1
            break
        answer = json.loads(answer_line)
        if log:
            shown = dict(message)
            if "input" in shown:
                shown["input"] = "..."
            log.write(json.dumps({"message": shown, "answer": answer}) + "\n")
        kind = message["kind"]
        if kind == "start":
            print(f"tool: {answer.get('tool')}", flush=True)
        elif kind == "define":
            print(f"define {message['module']}: {answer.get('success')} {answer.get('error') or ''}", flush=True)
            bad += 0 if answer.get("success") else 1
        elif kind == "evaluate":
            times = [t["nanoseconds"] / 1e6 for t in answer.get("timings") or [] if t["name"] == "evaluate"]
            row = {
                "function": message["function"],
                "description": message.get("description", ""),
                "success": answer.get("success"),
                "runs": len(times),
                "min_ms": min(times) if times else None,
                "median_ms": statistics.median(times) if times else None,
            }
            if not answer.get("success"):
                bad += 1
                row["valid"] = None
                print(json.dumps(row), "\n", answer.get("error"), flush=True)
            else:
                pending[message["id"]] = row
        elif kind == "analysis":
            row = pending.pop(message["of"])
            row["valid"] = message["valid"]
            bad += 0 if message["valid"] else 1
            print(json.dumps(row), flush=True)
            if not message["valid"]:
                print((message.get("error") or "")[:2000], flush=True)
        ev.stdin.write(answer_line)
        ev.stdin.flush()
    for row in pending.values():
        print(json.dumps(row | {"valid": "not analysed"}), flush=True)
    ev.stdin.close()
    tool.stdin.close()
    ev.wait()
    tool.wait()
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
