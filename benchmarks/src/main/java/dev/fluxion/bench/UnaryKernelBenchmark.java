package dev.fluxion.bench;

import dev.fluxion.kernel.Elementwise;
import dev.fluxion.kernel.UnaryOp;
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
 * The unary row kernels on one [64, 256] float32 row into a preallocated output (no tensor
 * allocated), after {@code exp} has been compiled: the condition under which the old kernels boxed
 * every vector ({@code -prof gc} shows the bytes a call). Run with
 * {@code -Dbench.args="UnaryKernel -f 1 -prof gc"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class UnaryKernelBenchmark {
    @Param({"EXP", "SIGMOID", "TANH", "LOG1P", "RELU"})
    public UnaryOp op;

    private final float[] x = new float[64 * 256];
    private final float[] out = new float[64 * 256];

    @Setup
    public void setUp() {
        Random rnd = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextGaussian() * 3);
        }
        for (int i = 0; i < 20_000; i++) {
            Elementwise.unary(UnaryOp.EXP, 0, 0, x, 0, 1, out, 0, 1, x.length);
        }
    }

    @Benchmark
    public float[] row() {
        Elementwise.unary(op, 0, 0, x, 0, 1, out, 0, 1, x.length);
        return out;
    }
}
