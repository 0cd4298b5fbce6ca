package dev.fluxion.bench.training;

import dev.fluxion.Tensor;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * W2 as {@link TrainingW2Benchmark} times it, with the model's code generated under
 * {@code -Afluxion.fuse=false} ({@code W2LogisticUnfused}, compiled from {@code src/unfused}): elementwise
 * fusion's effect, in the same JMH run as the fused code.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainingW2UnfusedBenchmark extends TrainingRun {
    private W2LogisticUnfused model;

    @Setup
    public void setUp() {
        model = new W2LogisticUnfused(new Random(10));
        prepare(Workloads.w2(), model, 0.01);
    }

    @Override
    protected Tensor lossBackward() {
        return W2LogisticUnfusedGrad.lossBackward(model, x, y);
    }

    /** Fluxion without fusion: the generated {@code lossBackward}, then {@code SGD.step()}. */
    @Benchmark
    @OperationsPerInvocation(Workloads.W2_STEPS)
    public Tensor fluxionUnfused() {
        return fluxionRun(Workloads.W2_STEPS);
    }
}
