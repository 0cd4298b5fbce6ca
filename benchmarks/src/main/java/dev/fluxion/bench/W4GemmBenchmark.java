package dev.fluxion.bench;

import dev.fluxion.kernel.Gemm;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The two large products of a W4 step (MLP 784-256-10, batch 64) exactly as the runtime issues
 * them: the layer-1 forward {@code x·W1ᵀ} (m = 64, n = 256, k = 784, B read transposed from
 * W1 [256, 784]) and the weight gradient {@code (∂h)ᵀ·x} in W1's layout (m = 256, n = 784, k = 64,
 * A read transposed from ∂h [64, 256]). The {@code gflops} counter row is GFLOP/s; compare with
 * {@link SgemmBenchmark} at 1024³ and {@link FmaPeakBenchmark} in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class W4GemmBenchmark {
    private static final int BATCH = 64;
    private static final int IN = 784;
    private static final int HID = 256;

    @Param({"1", "2"})
    public int threads;

    private float[] x;
    private float[] w1;
    private float[] dh;
    private float[] h;
    private float[] dw1;

    @Setup
    public void setUp() {
        Random rnd = new Random(42);
        x = fill(rnd, BATCH * IN);
        w1 = fill(rnd, HID * IN);
        dh = fill(rnd, BATCH * HID);
        h = new float[BATCH * HID];
        dw1 = new float[HID * IN];
    }

    private static float[] fill(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextFloat() - 0.5f;
        }
        return a;
    }

    /** {@code h = x·W1ᵀ}: A = x row-major, B[p, j] = W1[j, p]. */
    @Benchmark
    public float[] forward(FlopCounter counter) {
        Gemm.sgemm(BATCH, HID, IN, x, 0, IN, 1, w1, 0, 1, IN, h, 0, HID, false, threads);
        counter.gflops += 2.0 * BATCH * HID * IN * 1e-9;
        return h;
    }

    /** {@code ∂W1 = (∂h)ᵀ·x}: A[i, p] = ∂h[p, i], B = x row-major, C in W1's [256, 784] layout. */
    @Benchmark
    public float[] weightGradient(FlopCounter counter) {
        Gemm.sgemm(HID, IN, BATCH, dh, 0, 1, HID, x, 0, IN, 1, dw1, 0, IN, false, threads);
        counter.gflops += 2.0 * BATCH * HID * IN * 1e-9;
        return dw1;
    }
}
