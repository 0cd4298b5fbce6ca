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

/** W4, MLP 784-256-10 with ReLU, cross-entropy, batch 64, SGD lr 0.01, 200 steps: µs per step. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainingW4Benchmark extends TrainingRun {
    private static final double LR = 0.01;

    private W4Mlp model;
    private HandW4 hand;
    private HandW4 handGemm;
    private boolean gradInPlace;
    private boolean prepared;

    @Setup
    public void setUp() {
        prepareOnce();
    }

    /** The state and the agreement checks, once: JMH runs the two {@code @Setup} methods in either order. */
    private void prepareOnce() {
        if (prepared) {
            return;
        }
        prepared = true;
        Workloads.Data data = Workloads.w4();
        model = new W4Mlp(new Random(10));
        prepare(data, model, LR);
        hand = new HandW4(x.toFloatArray(), y.toFloatArray(), initial.values(0), initial.values(1),
                initial.values(2), initial.values(3), (float) LR, false);
        handGemm = new HandW4(x.toFloatArray(), y.toFloatArray(), initial.values(0), initial.values(1),
                initial.values(2), initial.values(3), (float) LR, true);
        Agreement.check("W4", this::fluxionStep, hand::step);
        initial.restore();
        Agreement.check("W4 (Gemm)", this::fluxionStep, handGemm::step);
    }

    /** The in-place variant must train as the hand-written step does (a separate setup: it needs today's runtime). */
    @Setup
    public void checkGradInPlace() {
        prepareOnce();
        initial.restore();
        handGemm.reset();
        gradInPlace = true;
        Agreement.check("W4 (grad in place)", this::fluxionStep, handGemm::step);
        gradInPlace = false;
    }

    @Override
    protected Tensor lossBackward() {
        return gradInPlace ? W4InPlaceGrad.lossBackward(model, x, y) : W4MlpGrad.lossBackward(model, x, y);
    }

    /** Fluxion: the generated {@code lossBackward}, then {@code SGD.step()}. */
    @Benchmark
    @OperationsPerInvocation(Workloads.W4_STEPS)
    public Tensor fluxion() {
        return fluxionRun(Workloads.W4_STEPS);
    }

    /**
     * The generated step with each weight gradient accumulated straight into {@code .grad}
     * ({@link W4InPlaceGrad}), what the processor's emitting {@code accumulateProduct} would give.
     */
    @Benchmark
    @OperationsPerInvocation(Workloads.W4_STEPS)
    public Tensor fluxionGradInPlace() {
        gradInPlace = true;
        try {
            return fluxionRun(Workloads.W4_STEPS);
        } finally {
            gradInPlace = false;
        }
    }

    /** The same run written by hand over {@code float[]}. */
    @Benchmark
    @OperationsPerInvocation(Workloads.W4_STEPS)
    public float handWritten() {
        return handRun(hand, Workloads.W4_STEPS);
    }

    /** The same run by hand, with Fluxion's {@code Gemm.sgemm} for the two large products. */
    @Benchmark
    @OperationsPerInvocation(Workloads.W4_STEPS)
    public float handWrittenGemm() {
        return handRun(handGemm, Workloads.W4_STEPS);
    }
}
