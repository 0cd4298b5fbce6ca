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

/** W1, linear regression on 500 points, MSE, SGD lr 0.01, 2000 steps: µs per step. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainingW1Benchmark {
    private static final double LR = 0.01;

    private Tensor x;
    private Tensor y;
    private W1Line model;
    private SGD opt;
    private Snapshot initial;
    private HandW1 hand;

    @Setup
    public void setUp() {
        Workloads.Data data = Workloads.w1();
        x = data.x();
        y = data.y();
        model = new W1Line(new Random(10));
        opt = new SGD(model.parameters(), LR);
        initial = Snapshot.of(model);
        hand = new HandW1(x.toFloatArray(), y.toFloatArray(), initial.values(0)[0], initial.values(1)[0], (float) LR);
        Agreement.check("W1", this::fluxionStep, hand::step);
    }

    private double fluxionStep() {
        opt.zeroGrad();
        Tensor loss = W1LineGrad.lossBackward(model, x, y);
        opt.step();
        return loss.item();
    }

    /** Fluxion: the generated {@code lossBackward}, then {@code SGD.step()}. */
    @Benchmark
    @OperationsPerInvocation(Workloads.W1_STEPS)
    public Tensor fluxion() {
        initial.restore();
        Tensor loss = null;
        for (int s = 0; s < Workloads.W1_STEPS; s++) {
            opt.zeroGrad();
            loss = W1LineGrad.lossBackward(model, x, y);
            opt.step();
        }
        return loss;
    }

    /** The same run written by hand over {@code float[]}. */
    @Benchmark
    @OperationsPerInvocation(Workloads.W1_STEPS)
    public float handWritten() {
        hand.reset();
        float loss = 0;
        for (int s = 0; s < Workloads.W1_STEPS; s++) {
            loss = hand.step();
        }
        return loss;
    }
}
