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

/** W1, linear regression on 500 points, MSE, SGD lr 0.01, 2000 steps: µs per step. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainingW1Benchmark extends TrainingRun {
    private static final double LR = 0.01;

    private W1Line model;
    private HandW1 hand;

    @Setup
    public void setUp() {
        Workloads.Data data = Workloads.w1();
        model = new W1Line(new Random(10));
        prepare(data, model, LR);
        hand = new HandW1(x.toFloatArray(), y.toFloatArray(), initial.values(0)[0], initial.values(1)[0], (float) LR);
        Agreement.check("W1", this::fluxionStep, hand::step);
    }

    @Override
    protected Tensor lossBackward() {
        return W1LineGrad.lossBackward(model, x, y);
    }

    /** Fluxion: the generated {@code lossBackward}, then {@code SGD.step()}. */
    @Benchmark
    @OperationsPerInvocation(Workloads.W1_STEPS)
    public Tensor fluxion() {
        return fluxionRun(Workloads.W1_STEPS);
    }

    /** The same run written by hand over {@code float[]}. */
    @Benchmark
    @OperationsPerInvocation(Workloads.W1_STEPS)
    public float handWritten() {
        return handRun(hand, Workloads.W1_STEPS);
    }
}
