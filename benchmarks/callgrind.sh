#!/usr/bin/env bash
# Instructions per call of generated and hand-written workloads under callgrind, which do not
# depend on the machine's load: each workload runs N and 2N times (CallCounts), and the difference
# of the two totals over N is one call without the JVM's start-up and warm-up (repeatable to a
# fraction of a percent with -Xbatch). A W1/W2 call is a whole training run (2,000 / 1,000 steps);
# the table gives instructions per step.
#
#   benchmarks/callgrind.sh [WORKLOAD...]    (default: W1 W2 and GMM at d = 10, k = 25, n = 1000)
#
# Env: CALLS (N, default 20 for W1/W2, 10 for GMM: enough that the JIT has compiled the workload
# within the first N calls), FLUXION_SKIP_BUILD=1 skips the Maven build,
# JAVA (default Temurin 25), JIT_FLAGS (extra JVM flags, default none). Output: target/callgrind/WORKLOAD-CALLS.out per run and a Markdown table.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
WORKLOADS=${*:-W1.fluxion W1.hand W2.fluxion W2.hand gmm.objective gmm.gradient gmm.handGradient}
if [ -z "${FLUXION_SKIP_BUILD:-}" ]; then
  (cd "$ROOT" && mvn -o -q -B -ntp package -DskipTests -pl benchmarks -am)
fi
CP="$HERE/target/classes:$(cat "$HERE/target/classpath.txt")"
# Extra JVM flags. Valgrind 3.19 (Debian 12) aborts in LibVEX on an AVX-512 encoding that C2 emits
# for the generated W2 step on this machine's CPU (dis_VEX_NDS_128_AnySimdPfx_0F_WIG), and with
# -XX:UseAVX=2 the JVM dies at start-up in its VM_Version stub under valgrind: a newer valgrind is needed.
JIT_FLAGS=${JIT_FLAGS:-}
OUT="$HERE/target/callgrind"
mkdir -p "$OUT"

# Total instructions (Ir) of one run of WORKLOAD with CALLS calls.
instructions() {
  local file="$OUT/$1-$2.out"
  valgrind --tool=callgrind --callgrind-out-file="$file" --trace-children=no \
    "$JAVA" -Xbatch -XX:ActiveProcessorCount=1 -XX:+UseSerialGC $JIT_FLAGS --add-modules=jdk.incubator.vector \
    -cp "$CP" dev.fluxion.bench.CallCounts "$1" "$2" > "$OUT/$1-$2.log" 2>&1
  # valgrind's own summary line ("Collected : N"); callgrind_annotate needs Perl modules not always there
  grep -o 'Collected : [0-9]*' "$OUT/$1-$2.log" | awk '{ print $3 }'
}

echo "| workload | calls | instructions per call | per step |"
echo "| --- | ---: | ---: | ---: |"
for w in $WORKLOADS; do
  case $w in
    W1.*) n=${CALLS:-20}; steps=2000 ;;
    W2.*) n=${CALLS:-20}; steps=1000 ;;
    *) n=${CALLS:-10}; steps=1 ;;
  esac
  one=$(instructions "$w" "$n")
  two=$(instructions "$w" $((2 * n)))
  per=$(( (two - one) / n ))
  echo "| $w | $n vs $((2 * n)) | $per | $(( per / steps )) |"
done
