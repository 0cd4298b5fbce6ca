package dev.fluxion.bench;

import org.openjdk.jmh.annotations.Benchmark;

/**
 * A generated gradient through a loop that must save the value it overwrites on every trip
 * ({@link Objectives#recurrence}: y ← sin(y) x_i + y) against a hand-written two-pass gradient that
 * keeps the saved values in {@code double[]}s, in the same run. The generated {@code fGrad} cannot
 * run in one pass here: its forward pass pushes each old y on a {@code DoubleStack} tape, its
 * backward pass pops them.
 */
public class RecurrenceBenchmark extends LoopGradientBenchmark {
    @Override
    double input(int i) {
        return Math.sin(0.37 * i) * 0.5;
    }

    /** {@code ObjectivesGrad.recurrenceGrad}: the processor's taped forward pass and its backward pass. */
    @Override
    @Benchmark
    public double[] generated() {
        return ObjectivesGrad.recurrenceGrad(x).x();
    }

    /** Two passes written by hand, the overwritten values saved in {@code double[]}s. */
    @Override
    @Benchmark
    public double[] handWritten() {
        return handGradient(x).gradient();
    }

    /** Calls one side a number of times, for callgrind: {@code generated 4000} or {@code handWritten 4000}. */
    public static void main(String[] args) {
        countCalls(new RecurrenceBenchmark(), args);
    }

    /**
     * With y_0 = 1 and y_{i+1} = sin(y_i) x_i + y_i: ∂y_n/∂x_i = g_{i+1} sin(y_i), where the
     * cotangent g_n = 1 and g_i = g_{i+1} (cos(y_i) x_i + 1), taken from the last step back. The
     * forward pass saves y_i and sin(y_i) (so the backward pass calls only cos), as the generated
     * code does.
     */
    static ValueAndGradient handGradient(double[] x) {
        double[] savedY = new double[x.length];
        double[] savedSin = new double[x.length];
        double y = 1;
        for (int i = 0; i < x.length; i++) {
            double sin = Math.sin(y);
            savedY[i] = y;
            savedSin[i] = sin;
            y = sin * x[i] + y;
        }
        double[] g = new double[x.length];
        double gy = 1;
        for (int i = x.length - 1; i >= 0; i--) {
            g[i] = gy * savedSin[i];
            gy *= Math.cos(savedY[i]) * x[i] + 1;
        }
        return new ValueAndGradient(y, g);
    }
}
