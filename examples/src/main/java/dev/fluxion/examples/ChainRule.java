package dev.fluxion.examples;

import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.examples.support.Plots;
import dev.fluxion.examples.support.Progress;

/**
 * Tutorial 4, first half: the chain rule on {@code e = (a + b)(b + 1)}, and per-sample SGD of
 * {@code y = w·x} on three points, all in plain {@code double} arithmetic.
 */
public final class ChainRule {
    private ChainRule() {}

    /** {@code e = (a + b)(b + 1)}: de/da = b + 1, de/db = a + 2b + 1. */
    @Differentiable
    static double e(double a, double b) {
        return (a + b) * (b + 1);
    }

    /** The squared error of {@code x·w} against {@code y}, differentiated in {@code w} only. */
    @Differentiable
    static double loss(double w, @NoGrad double x, @NoGrad double y) {
        double pred = x * w;
        return (pred - y) * (pred - y);
    }

    /**
     * Per-sample SGD from {@code w = 1}; returns the trained {@code w} and writes the summed loss of
     * each epoch as a chart.
     */
    public static double trainPerSample(double[] xs, double[] ys, int epochs, double lr) {
        double w = 1.0;
        double[] losses = new double[epochs];
        try (var progress = Progress.start("per-sample SGD", epochs)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                for (int i = 0; i < xs.length; i++) {
                    var grad = ChainRuleGrad.lossGrad(w, xs[i], ys[i]);
                    losses[epoch] += grad.value();
                    w -= lr * grad.w();
                }
                progress.step(losses[epoch]);
            }
        }
        Plots.lossCurve("per-sample-sgd-loss", "Per-sample SGD of y = w·x: loss per epoch", losses);
        return w;
    }

    public static void main(String[] args) {
        var g = ChainRuleGrad.eGrad(2.0, 1.0);
        System.out.printf("e(2, 1) = %.1f, de/da = %.1f, de/db = %.1f%n", g.value(), g.a(), g.b());

        double[] xs = {1, 2, 3};
        double[] ys = {2, 4, 6};
        System.out.printf("predict(4) before training: %.4f%n", 4 * 1.0);
        double w = trainPerSample(xs, ys, 20, 0.01);
        System.out.printf("w = %.4f, predict(4) after training: %.4f%n", w, 4 * w);
    }
}
