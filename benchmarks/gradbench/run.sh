#!/usr/bin/env bash
# Runs one of GradBench's evals against a tool, offline, and prints validity and timings.
#
#   benchmarks/gradbench/run.sh EVAL [TOOL] [EVAL ARGS...]
#
# EVAL: hello, lse, llsq, gmm, kmeans, ... (GradBench's python/gradbench/gradbench/evals/EVAL/run.py)
# TOOL: fluxion (default; this module's GradBenchTool), manual (GradBench's hand-written C++ tool,
#       built with g++ and nlohmann-json3-dev), pytorch (needs python3-torch)
# EVAL ARGS go to the eval, e.g. `-n 2500 5000 --min-runs 5 --min-seconds 0`.
#
# GradBench's source comes from the bare mirror GRADBENCH_MIRROR (default
# /work/.mirror/gradbench+gradbench/repo), extracted once into target/gradbench-src. The eval
# validates each output against the manual C++ tool, as it does under GradBench's own CLI.
# Needs: python3-pydantic python3-numpy python3-scipy g++ make nlohmann-json3-dev.
# FLUXION_SKIP_BUILD=1 skips the Maven build of the tool.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
EVAL=${1:?usage: run.sh EVAL [TOOL] [EVAL ARGS...]}
TOOL=${2:-fluxion}
shift $(( $# >= 2 ? 2 : 1 ))
MIRROR=${GRADBENCH_MIRROR:-/work/.mirror/gradbench+gradbench/repo}
SRC=$HERE/target/gradbench-src
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}

# GradBench's Python package, C++ headers, manual tool and this eval's data.
mkdir -p "$SRC"
extract() {  # one tree at a time: the mirror lacks some large data files of other evals
  git -C "$MIRROR" archive --prefix="$1/" "HEAD:$1" | tar -x -C "$SRC"
}
if [ ! -f "$SRC/cpp/json.hpp" ]; then
  rm -rf "$SRC"; mkdir -p "$SRC"
  extract python; extract cpp; extract tools/manual
  cp /usr/include/nlohmann/json.hpp "$SRC/cpp/json.hpp"  # GradBench's cpp/Makefile would wget it
fi
if [ ! -d "$SRC/evals/$EVAL" ]; then
  extract "evals/$EVAL"
fi
# The reference the eval validates against.
make -s -C "$SRC/tools/manual" "bin/$EVAL" >/dev/null

case "$TOOL" in
  fluxion)
    if [ "${FLUXION_SKIP_BUILD:-0}" != 1 ]; then
      (cd "$ROOT" && mvn -q -B -ntp compile -pl benchmarks/gradbench -am)
    fi
    CP="$HERE/target/classes:$(cat "$HERE/target/classpath.txt")"
    TOOL_CMD="$JAVA --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss16m -cp $CP dev.fluxion.gradbench.GradBenchTool"
    ;;
  manual) TOOL_CMD="python3 python/gradbench/gradbench/cpp.py manual" ;;
  # Debian's python3-torch is installed for /usr/bin/python3, which may differ from `python3`.
  pytorch) TOOL_CMD="${TORCH_PYTHON:-/usr/bin/python3} python/gradbench/gradbench/tools/pytorch/run.py" ;;
  *) echo "unknown tool $TOOL" >&2; exit 2 ;;
esac

cd "$SRC"
export PYTHONPATH="$SRC/python/gradbench"
EVAL_CMD="python3 python/gradbench/gradbench/evals/$EVAL/run.py"
for a in "$@"; do EVAL_CMD+=" $(printf '%q' "$a")"; done
echo "# $EVAL on $TOOL: $EVAL_CMD" >&2
exec python3 "$HERE/driver.py" --eval "$EVAL_CMD" --tool "$TOOL_CMD" --log "$HERE/target/$EVAL-$TOOL.jsonl"
