package dev.fluxion.bench.training;

import dev.fluxion.Tensor;
import dev.fluxion.optim.SGD;
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
public class TrainingW3Benchmark {
    private static final double LR = 0.1;

    private Tensor x;
    private Tensor y;
    private W3Mlp model;
    private SGD opt;
    private Snapshot initial;
    private HandW3 hand;

    @Setup
    public void setUp() {
        Workloads.Data data = Workloads.w3();
        x = data.x();
        y = data.y();
        model = new W3Mlp(new Random(10));
        opt = new SGD(model.parameters(), LR);
        initial = Snapshot.of(model);
        float[][] init = new float[6][];
        for (int i = 0; i < 6; i++) {
            init[i] = initial.values(i);
        }
        hand = new HandW3(x.toFloatArray(), y.toFloatArray(), init, (float) LR);
        Agreement.check("W3", this::fluxionStep, hand::step);
    }

    private double fluxionStep() {
        opt.zeroGrad();
        Tensor loss = W3MlpGrad.lossBackward(model, x, y);
        opt.step();
        return loss.item();
    }

    /** Fluxion: the generated {@code lossBackward}, then {@code SGD.step()}. */
    @Benchmark
    @OperationsPerInvocation(Workloads.W3_STEPS)
    public Tensor fluxion() {
        initial.restore();
        Tensor loss = null;
        for (int s = 0; s < Workloads.W3_STEPS; s++) {
            opt.zeroGrad();
            loss = W3MlpGrad.lossBackward(model, x, y);
            opt.step();
        }
        return loss;
    }

    /** The same run written by hand over {@code float[]}. */
    @Benchmark
    @OperationsPerInvocation(Workloads.W3_STEPS)
    public float handWritten() {
        hand.reset();
        float loss = 0;
        for (int s = 0; s < Workloads.W3_STEPS; s++) {
            loss = hand.step();
        }
        return loss;
    }
}
