package dev.fluxion.gradbench.evals;

import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * GradBench's gradient-descent solver for {@code particle} and {@code saddle}
 * ({@code cpp/gradbench/gd.hpp}), step for step: a step {@code eta} that starts at 1e-5, doubles
 * after ten accepted steps and halves after a rejected one, until the gradient or the step is
 * shorter than 1e-5. The objective and its gradient are the caller's (the generated code).
 */
final class GradientDescent {
    private static final double TOLERANCE = 1e-5;

    private GradientDescent() {}

    /** The argmin of {@code f} from {@code start}, {@code gradient} being its gradient. */
    static double[] argmin(ToDoubleFunction<double[]> f, Function<double[], double[]> gradient, double[] start) {
        double[] x = start.clone();
        double fx = f.applyAsDouble(x);
        double[] gx = gradient.apply(x);
        int i = 0;
        double eta = 1e-5;
        while (true) {
            if (norm(gx) <= TOLERANCE) {
                return x;
            } else if (i == 10) {
                eta *= 2;
                i = 0;
            } else {
                double[] next = new double[x.length];
                double step = 0;
                for (int j = 0; j < x.length; j++) {
                    next[j] = x[j] - eta * gx[j];
                    step += (x[j] - next[j]) * (x[j] - next[j]);
                }
                if (Math.sqrt(step) <= TOLERANCE) {
                    return x;
                }
                double fNext = f.applyAsDouble(next);
                if (fNext < fx) {
                    x = next;
                    fx = fNext;
                    gx = gradient.apply(x);
                    i++;
                } else {
                    eta /= 2;
                    i = 0;
                }
            }
        }
    }

    /** The argmax of {@code f}: the argmin of {@code -f}. */
    static double[] argmax(ToDoubleFunction<double[]> f, Function<double[], double[]> gradient, double[] start) {
        return argmin(x -> -f.applyAsDouble(x), x -> negated(gradient.apply(x)), start);
    }

    private static double[] negated(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e * e;
        }
        return Math.sqrt(s);
    }
}
