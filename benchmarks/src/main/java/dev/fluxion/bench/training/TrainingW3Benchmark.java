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

/** W3, MLP 8-6-4-1 with sigmoids, BCE, batch 759, SGD lr 0.1, 1000 steps: µs per step. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainingW3Benchmark extends TrainingRun {
    private static final double LR = 0.1;

    private W3Mlp model;
    private HandW3 hand;

    @Setup
    public void setUp() {
        Workloads.Data data = Workloads.w3();
        model = new W3Mlp(new Random(10));
        prepare(data, model, LR);
        float[][] init = new float[6][];
        for (int i = 0; i < 6; i++) {
            init[i] = initial.values(i);
        }
        hand = new HandW3(x.toFloatArray(), y.toFloatArray(), init, (float) LR);
        Agreement.check("W3", this::fluxionStep, hand::step);
    }

    @Override
    protected Tensor lossBackward() {
        return W3MlpGrad.lossBackward(model, x, y);
    }

    /** Fluxion: the generated {@code lossBackward}, then {@code SGD.step()}. */
    @Benchmark
    @OperationsPerInvocation(Workloads.W3_STEPS)
    public Tensor fluxion() {
        return fluxionRun(Workloads.W3_STEPS);
    }

    /** The same run written by hand over {@code float[]}. */
    @Benchmark
    @OperationsPerInvocation(Workloads.W3_STEPS)
    public float handWritten() {
        return handRun(hand, Workloads.W3_STEPS);
    }
}
