#!/usr/bin/env bash
# Writes the ht fixtures: GradBench's smallest inputs (hand1, 100 correspondences, the small model
# of 544 vertices), complicated and simple, as the eval sends them (io.read_hand_instance(...).to_dict()).
# Run after benchmarks/gradbench/run.sh ht has extracted GradBench's source into target/gradbench-src.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$HERE/../../../../target/gradbench-src
cd "$SRC"
PYTHONPATH="$SRC/python/gradbench:$SRC/../pydeps" python3 - "$HERE" <<'PY'
import gzip, json, sys
from pathlib import Path
from gradbench.evals.ht import io
for variant in ("complicated", "simple"):
    d = Path(f"evals/ht/data/{variant}_small")
    instance = io.read_hand_instance(d / "model", next(d.glob("hand1_*.txt")), variant == "complicated")
    with gzip.open(f"{sys.argv[1]}/hand1_small_{variant}.json.gz", "wt") as out:
        json.dump(instance.to_dict(), out)
PY
