package dev.fluxion.bench;

import dev.fluxion.Tensor;
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
 * Full reductions through the public {@link Tensor} API on a contiguous float32 vector. The
 * {@code gbytes} row is GB/s of input read (4 bytes per element).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ReductionBenchmark {
    @Param({"1048576"})
    public int size;

    private Tensor x;

    @Setup
    public void setUp() {
        x = Tensor.randn(new Random(2), size);
    }

    /** {@code Σ_i x_i} to a 0-dim tensor. */
    @Benchmark
    public Tensor sum(ByteCounter counter) {
        counter.gbytes += 4.0 * size * 1e-9;
        return x.sum();
    }

    /** {@code max_i x_i} to a 0-dim tensor. */
    @Benchmark
    public Tensor max(ByteCounter counter) {
        counter.gbytes += 4.0 * size * 1e-9;
        return x.max();
    }
}
