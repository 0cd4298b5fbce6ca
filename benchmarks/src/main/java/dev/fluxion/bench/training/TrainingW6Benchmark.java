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
 * W6, the MNIST CNN of the examples ({@link W6Cnn}), cross-entropy, batch 64 of [1, 28, 28]
 * images, SGD lr 0.01, 20 steps: µs per training step (forward, backward, update).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainingW6Benchmark extends TrainingRun {
    static final int STEPS = 20;
    private static final double LR = 0.01;

    private W6Cnn model;

    @Setup
    public void setUp() {
        Random rng = new Random(6);
        float[] images = new float[64 * 28 * 28];
        for (int i = 0; i < images.length; i++) {
            images[i] = rng.nextFloat();
        }
        float[] labels = new float[64];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rng.nextInt(10);
        }
        model = new W6Cnn(new Random(60));
        prepare(new Workloads.Data(Tensor.fromArray(images, 64, 1, 28, 28), Tensor.fromArray(labels, 64)), model, LR);
    }

    @Override
    protected Tensor lossBackward() {
        return W6CnnGrad.lossBackward(model, x, y);
    }

    /** Fluxion: the generated {@code lossBackward}, then {@code SGD.step()}. */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public Tensor fluxion() {
        return fluxionRun(STEPS);
    }
}
