package dev.fluxion.bench;

import org.openjdk.jmh.annotations.Benchmark;

/**
 * A generated scalar loop gradient against a hand-written one of the same function, in the same
 * run: value and gradient of Rosenbrock over {@code n} doubles (target: generated within 1.2×).
 */
public class RosenbrockBenchmark extends LoopGradientBenchmark {
    @Override
    double input(int i) {
        return Math.sin(0.37 * i) * 1.5;
    }

    /** {@code ObjectivesGrad.rosenbrockGrad}: the processor's forward and backward passes. */
    @Override
    @Benchmark
    public double[] generated() {
        return ObjectivesGrad.rosenbrockGrad(x).x();
    }

    /** Value and gradient written by hand, in one pass: what an expert would write. */
    @Override
    @Benchmark
    public double[] handWritten() {
        return handGradient(x).gradient();
    }

    /** Calls one side a number of times, for callgrind: {@code generated 4000} or {@code handWritten 4000}. */
    public static void main(String[] args) {
        countCalls(new RosenbrockBenchmark(), args);
    }

    /** ∂f/∂x_i = −400 x_i (x_{i+1} − x_i²) − 2 (1 − x_i) + 200 (x_i − x_{i−1}²). */
    static ValueAndGradient handGradient(double[] x) {
        double[] g = new double[x.length];
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            s += 100 * a * a + b * b;
            g[i] += -400 * x[i] * a - 2 * b;
            g[i + 1] += 200 * a;
        }
        return new ValueAndGradient(s, g);
    }
}
