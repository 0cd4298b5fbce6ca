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
 * Square float matrix product {@code C = A·B} (row-major, n×n) through {@link Gemm#sgemm} with a
 * forced thread count. Each call is {@code 2n³} flops; the {@code gflops} counter row is GFLOP/s.
 * Compare against {@link FmaPeakBenchmark} for the fraction of the core's peak.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class SgemmBenchmark {
    @Param({"256", "1024", "2048"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setUp() {
        Random rnd = new Random(42);
        a = new float[n * n];
        b = new float[n * n];
        c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextFloat() - 0.5f;
            b[i] = rnd.nextFloat() - 0.5f;
        }
    }

    @Benchmark
    public float[] sgemm(FlopCounter counter) {
        Gemm.sgemm(n, n, n, a, 0, n, 1, b, 0, n, 1, c, 0, n, false, threads);
        counter.gflops += 2.0 * n * n * n * 1e-9;
        return c;
    }
}
