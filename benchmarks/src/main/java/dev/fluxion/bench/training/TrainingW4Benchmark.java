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

/** W4, MLP 784-256-10 with ReLU, cross-entropy, batch 64, SGD lr 0.01, 200 steps: µs per step. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainingW4Benchmark {
    private static final double LR = 0.01;

    private Tensor x;
    private Tensor y;
    private W4Mlp model;
    private SGD opt;
    private Snapshot initial;
    private HandW4 hand;
    private HandW4 handGemm;

    @Setup
    public void setUp() {
        Workloads.Data data = Workloads.w4();
        x = data.x();
        y = data.y();
        model = new W4Mlp(new Random(10));
        opt = new SGD(model.parameters(), LR);
        initial = Snapshot.of(model);
        hand = new HandW4(x.toFloatArray(), y.toFloatArray(), initial.values(0), initial.values(1),
                initial.values(2), initial.values(3), (float) LR, false);
        handGemm = new HandW4(x.toFloatArray(), y.toFloatArray(), initial.values(0), initial.values(1),
                initial.values(2), initial.values(3), (float) LR, true);
        Agreement.check("W4", this::fluxionStep, hand::step);
        initial.restore();
        Agreement.check("W4 (Gemm)", this::fluxionStep, handGemm::step);
    }

    private double fluxionStep() {
        opt.zeroGrad();
        Tensor loss = W4MlpGrad.lossBackward(model, x, y);
        opt.step();
        return loss.item();
    }

    /** Fluxion: the generated {@code lossBackward}, then {@code SGD.step()}. */
    @Benchmark
    @OperationsPerInvocation(Workloads.W4_STEPS)
    public Tensor fluxion() {
        initial.restore();
        Tensor loss = null;
        for (int s = 0; s < Workloads.W4_STEPS; s++) {
            opt.zeroGrad();
            loss = W4MlpGrad.lossBackward(model, x, y);
            opt.step();
        }
        return loss;
    }

    /** The same run written by hand over {@code float[]}. */
    @Benchmark
    @OperationsPerInvocation(Workloads.W4_STEPS)
    public float handWritten() {
        hand.reset();
        float loss = 0;
        for (int s = 0; s < Workloads.W4_STEPS; s++) {
            loss = hand.step();
        }
        return loss;
    }

    /** The same run by hand, with Fluxion's {@code Gemm.sgemm} for the two large products. */
    @Benchmark
    @OperationsPerInvocation(Workloads.W4_STEPS)
    public float handWrittenGemm() {
        handGemm.reset();
        float loss = 0;
        for (int s = 0; s < Workloads.W4_STEPS; s++) {
            loss = handGemm.step();
        }
        return loss;
    }
}
