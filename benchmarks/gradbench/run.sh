#!/usr/bin/env bash
# Runs one of GradBench's evals against a tool, offline, and prints validity and timings.
#
#   benchmarks/gradbench/run.sh EVAL [TOOL] [EVAL ARGS...]
#
# EVAL: hello, lse, llsq, gmm, kmeans, ... (GradBench's python/gradbench/gradbench/evals/EVAL/run.py)
# TOOL: fluxion (default; this module's GradBenchTool), manual (GradBench's hand-written C++ tool,
#       built with g++ and nlohmann-json3-dev), finite (GradBench's C++ finite-differences tool, the
#       only C++ one for particle and saddle, which manual lacks), pytorch (needs python3-torch)
# EVAL ARGS go to the eval, e.g. `-n 2500 5000 --min-runs 5 --min-seconds 0`.
#
# GradBench's source comes from the bare mirror GRADBENCH_MIRROR (default
# /work/.mirror/gradbench+gradbench/repo), extracted once into target/gradbench-src. The eval
# validates each output against the manual C++ tool, as it does under GradBench's own CLI.
# Needs: python3-pydantic python3-numpy python3-scipy g++ make nlohmann-json3-dev; lstm and ht
# also dataclasses-json: Debian's python3-dataclasses-json is linked in for the eval's Python.
# FLUXION_SKIP_BUILD=1 skips the Maven build of the tool. FLUXION_BUILD_DIR (default target) is the
# module's build folder, as -Dfluxion.buildDir names it for parallel builds.
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
[ -d "$SRC/tools/finite" ] || extract tools/finite
if [ ! -d "$SRC/evals/$EVAL" ]; then
  # file by file: the mirror lacks some large data files (it says so and the eval uses another)
  git -C "$MIRROR" ls-tree -r --name-only "HEAD:evals/$EVAL" | while read -r f; do
    mkdir -p "$SRC/evals/$EVAL/$(dirname "$f")"
    git -C "$MIRROR" show "HEAD:evals/$EVAL/$f" > "$SRC/evals/$EVAL/$f" 2>/dev/null \
      || { rm -f "$SRC/evals/$EVAL/$f"; echo "# the mirror lacks evals/$EVAL/$f" >&2; }
  done
fi
# lstm reads its character sequence from evals/lstm/data/lstm_full.txt, which the mirror lacks:
# stand in GradBench's own Markdown files, ASCII only (the bits per character come from the text).
LSTM_TEXT="$SRC/evals/lstm/data/lstm_full.txt"
if [ "$EVAL" = lstm ] && [ ! -s "$LSTM_TEXT" ]; then
  mkdir -p "$(dirname "$LSTM_TEXT")"
  for f in README.md CONTRIBUTING.md $(git -C "$MIRROR" ls-tree -r --name-only HEAD | grep '\.md$'); do
    git -C "$MIRROR" show "HEAD:$f" 2>/dev/null
  done | LC_ALL=C tr -cd '\11\12\40-\176' > "$LSTM_TEXT"
  echo "# lstm: the mirror lacks lstm_full.txt; using $(wc -c < "$LSTM_TEXT") characters of GradBench's Markdown" >&2
fi
# The reference the eval validates against (particle and saddle validate against fixed values: no manual tool).
if [ -f "$SRC/tools/manual/$EVAL.cpp" ]; then
  make -s -C "$SRC/tools/manual" "bin/$EVAL" >/dev/null
fi

case "$TOOL" in
  fluxion)
    if [ "${FLUXION_SKIP_BUILD:-0}" != 1 ]; then
      (cd "$ROOT" && mvn -q -B -ntp compile -pl benchmarks/gradbench -am -Dfluxion.buildDir="${FLUXION_BUILD_DIR:-target}")
    fi
    BUILD=$HERE/${FLUXION_BUILD_DIR:-target}
    CP="$BUILD/classes:$(cat "$BUILD/classpath.txt")"
    TOOL_CMD="$JAVA --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss16m -cp $CP dev.fluxion.gradbench.GradBenchTool"
    ;;
  manual) TOOL_CMD="python3 python/gradbench/gradbench/cpp.py manual" ;;
  finite) TOOL_CMD="python3 python/gradbench/gradbench/cpp.py finite" ;;
  # Debian's python3-torch is installed for /usr/bin/python3, which may differ from `python3`.
  pytorch) TOOL_CMD="${TORCH_PYTHON:-/usr/bin/python3} python/gradbench/gradbench/tools/pytorch/run.py" ;;
  *) echo "unknown tool $TOOL" >&2; exit 2 ;;
esac

cd "$SRC"
PYDEPS=$HERE/target/pydeps  # only these packages of Debian's Python, not its numpy or pydantic 1
mkdir -p "$PYDEPS"
for m in dataclasses_json marshmallow marshmallow_enum typing_inspect.py mypy_extensions.py; do
  [ -e "/usr/lib/python3/dist-packages/$m" ] && ln -sfn "/usr/lib/python3/dist-packages/$m" "$PYDEPS/$m"
done
export PYTHONPATH="$SRC/python/gradbench:$PYDEPS"
EVAL_CMD="python3 python/gradbench/gradbench/evals/$EVAL/run.py"
for a in "$@"; do EVAL_CMD+=" $(printf '%q' "$a")"; done
echo "# $EVAL on $TOOL: $EVAL_CMD" >&2
exec python3 "$HERE/driver.py" --eval "$EVAL_CMD" --tool "$TOOL_CMD" --log "$HERE/target/$EVAL-$TOOL.jsonl"
