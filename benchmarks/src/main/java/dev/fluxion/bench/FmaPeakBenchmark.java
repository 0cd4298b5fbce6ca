package dev.fluxion.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The single-core float FMA ceiling the GEMM is measured against: twelve independent chains of
 * vector fused multiply-adds (enough to cover the FMA latency on two pipes) with no memory traffic.
 * Its {@code gflops} row is the peak in GFLOP/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class FmaPeakBenchmark {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int STEPS = 100_000;
    private static final int CHAINS = 12;

    public float x = 1.0001f;
    public float y = 0.9999f;

    @Benchmark
    public float fmaChains(FlopCounter counter) {
        FloatVector a = FloatVector.broadcast(S, x), b = FloatVector.broadcast(S, y);
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        FloatVector c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int i = 0; i < STEPS; i++) {
            c0 = a.fma(c0, b); c1 = a.fma(c1, b); c2 = a.fma(c2, b); c3 = a.fma(c3, b);
            c4 = a.fma(c4, b); c5 = a.fma(c5, b); c6 = a.fma(c6, b); c7 = a.fma(c7, b);
            c8 = a.fma(c8, b); c9 = a.fma(c9, b); c10 = a.fma(c10, b); c11 = a.fma(c11, b);
        }
        counter.gflops += 2.0 * S.length() * CHAINS * STEPS * 1e-9;
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11)
                .reduceLanes(VectorOperators.ADD);
    }
}
