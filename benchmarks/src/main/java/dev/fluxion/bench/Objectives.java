package dev.fluxion.bench;

import dev.fluxion.annotation.Differentiable;

/** Scalar objectives whose gradients the processor generates, for the benchmarks. */
final class Objectives {
    private Objectives() {}

    /** Rosenbrock: Σ_i 100 (x_{i+1} − x_i²)² + (1 − x_i)². */
    @Differentiable
    static double rosenbrock(double[] x) {
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            s += 100 * a * a + b * b;
        }
        return s;
    }

    /**
     * A recurrence y ← sin(y) x_i + y from y = 1: each step overwrites y, which its derivative
     * ∂y'/∂y = cos(y) x_i + 1 reads, so the backward pass needs every y the loop overwrote.
     */
    @Differentiable
    static double recurrence(double[] x) {
        double y = 1;
        for (int i = 0; i < x.length; i++) {
            y = Math.sin(y) * x[i] + y;
        }
        return y;
    }
}
