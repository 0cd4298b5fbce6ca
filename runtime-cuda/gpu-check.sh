#!/usr/bin/env bash
# The GPU checks of the CUDA backend (issue 15), in one run on a machine with an NVIDIA GPU:
# no Java and no network needed there. Build device/ first on a machine with Maven
# (runtime-cuda/prepare-device.sh), carry it, then from the repository root:
#     OUT=/some/dir runtime-cuda/gpu-check.sh
# It finds the NVIDIA libraries (the Python environment's nvidia/*/lib wheels, the toolkit, the
# system), runs runtime-cuda's tests with the JUnit console launcher (the GPU tests compare every
# op with the CPU runtime and train an MLP; DeviceTrainingGpuTest runs the runtime's Tensor API on
# tensors moved with to(Device.cuda()): every op and derivative rule, views, the to()/cpu() round
# trip, and W4 training steps with SGD and Adam against the CPU; DeviceLayersGpuTest the ops of the
# layers and losses: index, gather, cat, conv2d, max pooling, embedding, NLL, norms, dropout, integer
# pow/div dtypes; DeviceFusedGroupsGpuTest the generated code's Fused.map groups, one generated
# kernel each, against the CPU and bit for bit against their ops one by one), then the benchmarks: CudaBench
# (Java: the device API and the Tensor API), the same cuBLAS SGEMM from C, and PyTorch eager on the
# same GPU, and writes everything to $OUT:
#   env.txt nvidia-smi.txt junit.txt junit/ kernel-cache/ java-bench.txt c-sgemm.txt
#   torch-bench.txt device-path.txt summary.md
# Exit status: 0 when the tests passed (benchmark failures are reported in summary.md).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEV=$ROOT/device
OUT=${OUT:-$ROOT/gpu-check-out}
mkdir -p "$OUT"
JAVA=$DEV/jdk/bin/java
PY=$(command -v python3 || command -v python || true)
log() { echo "== $*" | tee -a "$OUT/env.txt"; }

[ -x "$JAVA" ] || { echo "no $JAVA: run runtime-cuda/prepare-device.sh first and carry device/" >&2; exit 2; }

# 1. The NVIDIA libraries: every site-packages/nvidia/*/lib of this Python, torch's lib folder.
NVDIRS=""
if [ -n "$PY" ]; then
    NVDIRS=$("$PY" - <<'PYEOF'
import glob, os, site
roots = set(site.getsitepackages() + [site.getusersitepackages()])
try:
    import nvidia
    roots.update(os.path.dirname(p) for p in nvidia.__path__)
except Exception:
    pass
dirs = []
for r in sorted(roots):
    dirs += sorted(glob.glob(os.path.join(r, "nvidia", "*", "lib")))
try:
    import torch
    dirs.append(os.path.join(os.path.dirname(torch.__file__), "lib"))
except Exception:
    pass
print(":".join(dict.fromkeys(dirs)))
PYEOF
)
fi
export FLUXION_CUDA_PATH="$NVDIRS"
export LD_LIBRARY_PATH="$NVDIRS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
log "date: $(date -u)"
log "FLUXION_CUDA_PATH=$FLUXION_CUDA_PATH"
for lib in libcuda.so libcublas.so libnvrtc.so; do
    log "$lib: $( (echo "$NVDIRS" | tr ':' '\n'; echo /usr/local/cuda/lib64; echo /usr/lib/x86_64-linux-gnu) \
        | while read -r d; do ls "$d"/$lib* 2>/dev/null; done | grep -v -- '-builtins\|Lt\.' | head -3 | tr '\n' ' ')"
done
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 || true
"$JAVA" -version >> "$OUT/env.txt" 2>&1

JAVA_OPTS=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector
           -Dfluxion.cuda.cacheDir="$OUT/kernel-cache")
CP="$DEV/lib/*"

# 2. The tests: CPU-only ones and the GPU ones (which must not be skipped here).
log "tests"
"$JAVA" "${JAVA_OPTS[@]}" -jar "$DEV/junit-platform-console-standalone.jar" execute \
    --class-path "$DEV/test-classes:$(ls "$DEV"/lib/*.jar | tr '\n' ':')" \
    --scan-class-path "$DEV/test-classes" --reports-dir "$OUT/junit" \
    --disable-banner --disable-ansi-colors --details=tree > "$OUT/junit.txt" 2>&1
TEST_RC=$?
tail -25 "$OUT/junit.txt"
if grep -q "no CUDA driver" "$OUT/junit.txt"; then
    log "GPU tests were SKIPPED: the driver was not found (see junit.txt)"
    TEST_RC=3
fi
log "kernel cache: $(find "$OUT/kernel-cache" -name '*.ptx' 2>/dev/null | wc -l) PTX files," \
    "$(find "$OUT/kernel-cache" -name 'fx_*.ptx' 2>/dev/null | wc -l) of them generated elementwise kernels," \
    "$(find "$OUT/kernel-cache" -name 'fx_fused_*.ptx' 2>/dev/null | wc -l) of those fused groups"
# The device path of the runtime's Tensor API, test by test (the tree lines of these classes).
grep -E "DeviceTrainingGpuTest|DeviceLayersGpuTest|DeviceFusedGroupsGpuTest|DeviceTensorFakeDriverTest|everyOpAndDerivative|everyLayerOp|fusedGroups|groupsThatDoNotFuse|w4Training|viewsAndRoundTrips|CudaMlpTraining" \
    "$OUT/junit.txt" > "$OUT/device-path.txt" 2>/dev/null
grep -A40 "ops differ on CUDA\|fused groups differ on CUDA" "$OUT/junit.txt" >> "$OUT/device-path.txt" 2>/dev/null
log "device path (Tensor.to(cuda), training step vs CPU): see device-path.txt"

# 3. Benchmarks: Java, C (same cuBLAS call), PyTorch eager.
log "CudaBench"
timeout 300 "$JAVA" "${JAVA_OPTS[@]}" -cp "$CP" dev.fluxion.cuda.bench.CudaBench "$OUT" > "$OUT/java-bench.log" 2>&1
BENCH_RC=$?; log "CudaBench rc=$BENCH_RC ($(cat "$OUT/java-bench.txt" 2>/dev/null | wc -l) figures)"

LIBCUDA=$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 /{print $NF; exit}')
[ -n "$LIBCUDA" ] || LIBCUDA=$(ls /usr/lib/x86_64-linux-gnu/libcuda.so.1 /usr/lib64/libcuda.so.1 2>/dev/null | head -1)
LIBCUBLAS=$(echo "$NVDIRS:/usr/local/cuda/lib64" | tr ':' '\n' | while read -r d; do ls "$d"/libcublas.so.* 2>/dev/null; done | head -1)
CC=$(command -v gcc || command -v cc || true)
if [ -n "$CC" ] && [ -n "$LIBCUDA" ] && [ -n "$LIBCUBLAS" ]; then
    "$CC" -O2 -o "$OUT/sgemm" "$ROOT/runtime-cuda/bench/sgemm.c" -ldl \
        && timeout 120 "$OUT/sgemm" "$LIBCUDA" "$LIBCUBLAS" 4096 > "$OUT/c-sgemm.txt" 2>&1
    log "C sgemm rc=$? ($LIBCUDA, $LIBCUBLAS)"
else
    log "C sgemm not run: cc=$CC libcuda=$LIBCUDA libcublas=$LIBCUBLAS"
fi

if [ -n "$PY" ]; then
    timeout 300 "$PY" "$ROOT/runtime-cuda/bench/torch_bench.py" "$OUT" > "$OUT/torch-bench.log" 2>&1
    log "torch bench rc=$?"
    "$PY" "$ROOT/runtime-cuda/bench/compare.py" "$OUT" > "$OUT/summary.md" 2>&1
    { echo; echo "Device-path tests (Tensor.to(Device.cuda()) against the CPU):"; echo '```';
      cat "$OUT/device-path.txt"; echo '```'; } >> "$OUT/summary.md"
    cat "$OUT/summary.md"
fi
log "tests rc=$TEST_RC"
exit $TEST_RC
