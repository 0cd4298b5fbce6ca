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
 * Elementwise ops through the public {@link Tensor} API on contiguous float32 vectors, allocation of
 * the result included (as user code pays it). The {@code gbytes} row is GB/s of useful traffic:
 * 4 bytes per element read from each input and 4 written.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ElementwiseBenchmark {
    @Param({"1048576"})
    public int size;

    private Tensor x;
    private Tensor y;

    @Setup
    public void setUp() {
        Random rnd = new Random(1);
        x = Tensor.randn(rnd, size);
        y = Tensor.randn(rnd, size);
    }

    /** {@code out_i = x_i + y_i}: reads 8 bytes and writes 4 per element. */
    @Benchmark
    public Tensor plus(ByteCounter counter) {
        counter.gbytes += 12.0 * size * 1e-9;
        return x.plus(y);
    }

    /** {@code out_i = exp(x_i)}: reads 4 bytes and writes 4 per element. */
    @Benchmark
    public Tensor exp(ByteCounter counter) {
        counter.gbytes += 8.0 * size * 1e-9;
        return x.exp();
    }
}
