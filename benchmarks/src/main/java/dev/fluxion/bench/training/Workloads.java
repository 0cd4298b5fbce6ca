package dev.fluxion.bench.training;

import dev.fluxion.Tensor;
import java.util.Random;

/**
 * The data of workloads W1–W4, with the shapes and distributions of {@code torch_workloads.py}
 * (the values differ: Java's generator is not PyTorch's, which does not change the cost of a step).
 */
final class Workloads {
    /** W1: 2000 steps, lr 0.01. */
    static final int W1_STEPS = 2000;
    /** W2: 1000 steps, lr 0.01. */
    static final int W2_STEPS = 1000;
    /** W3: 1000 steps, lr 0.1. */
    static final int W3_STEPS = 1000;
    /** W4: 200 steps, lr 0.01. */
    static final int W4_STEPS = 200;

    /** Inputs and targets of one workload. */
    record Data(Tensor x, Tensor y) {}

    private Workloads() {}

    /** W1: {@code x ~ N(0, 1)} of shape [500, 1], {@code y = 3x + 0.8}. */
    static Data w1() {
        Tensor x = Tensor.randn(new Random(1), 500, 1);
        return new Data(x, x.times(3).plus(0.8));
    }

    /** W2: the four tutorial points and their labels. */
    static Data w2() {
        Tensor x = Tensor.of(new float[][] {{1, 1}, {1, 0}, {0, 1}, {0, 0}});
        Tensor y = Tensor.of(new float[][] {{0}, {1}, {0}, {1}});
        return new Data(x, y);
    }

    /** W3: {@code x ~ U(−1, 1)} of shape [759, 8], labels {@code y ∈ {0, 1}} of shape [759, 1]. */
    static Data w3() {
        Random rng = new Random(3);
        float[] x = new float[759 * 8];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextFloat() * 2 - 1;
        }
        float[] y = new float[759];
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextFloat() > 0.5f ? 1 : 0;
        }
        return new Data(Tensor.fromArray(x, 759, 8), Tensor.fromArray(y, 759, 1));
    }

    /** W4: {@code x ~ U(0, 1)} of shape [64, 784], class indices in [0, 10) of shape [64] (float32). */
    static Data w4() {
        Random rng = new Random(4);
        float[] x = new float[64 * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextFloat();
        }
        float[] y = new float[64];
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(10);
        }
        return new Data(Tensor.fromArray(x, 64, 784), Tensor.fromArray(y, 64));
    }
}
