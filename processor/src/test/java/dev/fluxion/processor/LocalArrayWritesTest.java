package dev.fluxion.processor;

import static dev.fluxion.processor.GradientCheck.args;
import static dev.fluxion.processor.GradientCheck.check;
import static dev.fluxion.processor.GradientCheck.checkAgainstMethod;
import static dev.fluxion.processor.GradientCheck.compile;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Writes into elements of local arrays ({@code new double[n]} scratch, {@code a[i] = v},
 * {@code a[i] += v}): each checked against float64 central differences of the user's own method and,
 * where short, a closed form. Overwritten elements the backward pass reads are taped and restored.
 */
class LocalArrayWritesTest {

    @Test
    void eulerStepsIntoALocalStateArray() {
        // the README's blocked ODE: y and k1 written in place, every step
        Generated g = compile("""
                @Differentiable static double f(double[] x, @NoGrad int s) {
                    int n = x.length;
                    double h = 1.0 / s;
                    double[] y = new double[n];
                    double[] k1 = new double[n];
                    for (int step = 0; step < s; step++) {
                        k1[0] = x[0];
                        for (int i = 1; i < n; i++) k1[i] = x[i] * y[i - 1];
                        for (int i = 0; i < n; i++) y[i] += h * k1[i];
                    }
                    return y[n - 1];
                }
                """);
        checkAgainstMethod(g, "f", "x,null", new double[] {0.7, -1.3, 2.1, 0.4}, 5);
    }

    @Test
    void overwrittenElementReadBackwardIsRestored() {
        // a[0] is x^2 when a[0] * a[0] is read, then overwritten: f = x^4 x + x^4 = x^5 + x^4
        Generated g = compile("""
                @Differentiable static double f(double x) {
                    double[] a = new double[2];
                    a[0] = x * x;
                    double s = a[0] * a[0];
                    a[0] = s * x;
                    return a[0] + s;
                }
                """);
        double x = 1.3;
        check(g, "f", "x", args(x), Math.pow(x, 5) + Math.pow(x, 4),
                new double[] {5 * Math.pow(x, 4) + 4 * Math.pow(x, 3)});
    }

    @Test
    void overwrittenElementInALoopIsRestoredEveryTrip() {
        // acc[0] <- acc[0] * x + c[i]: Horner's rule in one element, read and overwritten each trip
        Generated g = compile("""
                @Differentiable static double f(double x, @NoGrad double[] c) {
                    double[] acc = {0.0};
                    for (int i = 0; i < c.length; i++) {
                        acc[0] = acc[0] * x + c[i];
                    }
                    return acc[0];
                }
                """);
        double x = 0.8;
        double[] c = {1.5, -2.0, 0.5, 3.0};
        double p = ((1.5 * x - 2.0) * x + 0.5) * x + 3.0;
        double dp = 3 * 1.5 * x * x - 2 * 2.0 * x + 0.5;
        check(g, "f", "x,null", args(x, c), p, new double[] {dp});
    }

    @Test
    void scratchArrayAllocatedInsideALoop() {
        // gmm's centred point: a fresh xc per point, each element written then squared
        Generated g = compile("""
                @Differentiable static double f(double[] x, double[] mu, @NoGrad int n, @NoGrad int d) {
                    double s = 0;
                    for (int p = 0; p < n; p++) {
                        double[] xc = new double[d];
                        for (int j = 0; j < d; j++) xc[j] = x[p * d + j] - mu[j];
                        double q = 0;
                        for (int j = 0; j < d; j++) q += xc[j] * xc[j] * (j + 1);
                        s += Math.exp(-0.5 * q);
                    }
                    return s;
                }
                """);
        checkAgainstMethod(g, "f", "x,mu,null,null", new double[] {0.1, 0.5, -0.3, 0.2, 0.9, -0.4},
                new double[] {0.2, -0.1}, 3, 2);
    }

    @Test
    void compoundWritesAndIntIndexArrays() {
        Generated g = compile("""
                @Differentiable static double f(double[] x) {
                    int n = x.length;
                    int[] order = new int[n];
                    for (int i = 0; i < n; i++) order[i] = n - 1 - i;
                    double[] a = new double[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = x[order[i]];
                        a[i] *= x[i];
                        a[i] -= 0.5 * x[i];
                        a[i] /= 2 + x[i] * x[i];
                    }
                    double s = 0;
                    for (int i = 0; i < n; i++) s += a[i] * a[n - 1 - i];
                    return s;
                }
                """);
        checkAgainstMethod(g, "f", "x", (Object) new double[] {0.3, -1.1, 0.8});
    }

    @Test
    void writesInsideBranchesOfALoop() {
        Generated g = compile("""
                @Differentiable static double f(double[] x) {
                    double[] y = new double[x.length];
                    for (int i = 0; i < x.length; i++) {
                        if (x[i] > 0) {
                            y[i] = Math.sqrt(x[i]);
                        } else {
                            y[i] = x[i] * x[i];
                            if (i > 0) y[i - 1] += y[i] * x[i];
                        }
                    }
                    double s = 0;
                    for (int i = 0; i < x.length; i++) s += y[i] * (i + 1);
                    return s;
                }
                """);
        checkAgainstMethod(g, "f", "x", (Object) new double[] {0.5, -0.7, 1.2, -0.3});
    }

    @Test
    void pullbackWithArrayWritesRunsTwiceAlike() {
        Generated g = compile("""
                @Differentiable static double f(double x) {
                    double[] a = new double[3];
                    for (int k = 0; k < 3; k++) {
                        a[k] = x * (k + 1);
                        if (k > 0) a[k] *= a[k - 1];
                    }
                    return a[2];
                }
                """);
        // a = x, 2x * x, 3x * 2x^2 = 6x^3
        Object pullback = g.call("demo.RGrad", "fVjp", 0.9);
        Object first = Generated.invoke(pullback, "backward", 1.0);
        Object second = Generated.invoke(pullback, "backward", 1.0);
        assertEquals(18 * 0.9 * 0.9, (double) Generated.get(first, "x"), 1e-12);
        assertEquals((double) Generated.get(first, "x"), (double) Generated.get(second, "x"), 0.0);
    }

    @Test
    void arrayWritesPassTheStrictCompileTimeCheck() {
        Generated g = Generated.compileWith(List.of("-Afluxion.verify=strict"), "demo.R", GradientCheck.HEADER + """
                @Differentiable static double f(double[] x, @NoGrad int s) {
                    int n = x.length;
                    double[] y = new double[n];
                    for (int step = 0; step < s; step++) {
                        for (int i = 1; i < n; i++) y[i] += 0.1 * x[i] * y[i - 1] + x[i - 1];
                        y[0] = x[0] * y[n - 1] + 1;
                    }
                    return y[n - 1];
                }
                }
                """);
        checkAgainstMethod(g, "f", "x,null", new double[] {0.7, -1.3, 2.1}, 3);
        Object grad = g.call("demo.RGrad", "fGrad", new double[] {0.7, -1.3, 2.1}, 3);
        assertEquals(3, ((double[]) Generated.get(grad, "x")).length);
    }

    @Test
    void arrayLiteralOfConstantsIsWritable() {
        Generated g = compile("""
                @Differentiable static double f(double x) {
                    double[] w = {1.0, 2.0, 3.0};
                    for (int i = 0; i < w.length; i++) w[i] = w[i] * x + i;
                    return w[0] * w[1] * w[2];
                }
                """);
        double x = 0.6;
        double a = x, b = 2 * x + 1, c = 3 * x + 2;
        check(g, "f", "x", args(x), a * b * c, new double[] {b * c + 2 * a * c + 3 * a * b});
        assertArrayEquals(new double[0], new double[0]);
    }

    @Test
    void arrayLiteralOfDifferentiableValuesCarriesEachGradient() {
        Generated g = compile("""
                @Differentiable static double f(double x, double y) {
                    double[] v = {x * y, Math.sin(x), 2.0};
                    double s = 0;
                    for (int k = 0; k < 2; k++) {
                        double[] w = {v[k], y};
                        s += w[0] * w[1] * v[2];
                    }
                    return s;
                }
                """);
        double x = 0.4, y = -1.7;
        // s = 2 y (x y + sin x)
        check(g, "f", "x,y", args(x, y), 2 * y * (x * y + Math.sin(x)),
                new double[] {2 * y * (y + Math.cos(x)), 2 * (x * y + Math.sin(x)) + 2 * y * x});
    }

    @Test
    void localArrayPassedToACallThenOverwrittenKeepsTheCalleesValues() {
        // gmm's main_term: filled per point, its log-sum-exp taken by another method, then refilled
        Generated g = compile("""
                @Differentiable static double lse(double[] v) {
                    double m = v[0];
                    for (int i = 1; i < v.length; i++) m = Math.max(m, v[i]);
                    double s = 0;
                    for (int i = 0; i < v.length; i++) s += Math.exp(v[i] - m);
                    return m + Math.log(s);
                }

                @Differentiable static double f(double[] x, double[] mu, @NoGrad int n) {
                    int k = mu.length;
                    double[] term = new double[k];
                    double total = 0;
                    for (int p = 0; p < n; p++) {
                        for (int j = 0; j < k; j++) term[j] = -(x[p] - mu[j]) * (x[p] - mu[j]) * (j + 1);
                        total += lse(term);
                    }
                    for (int j = 0; j < k; j++) term[j] = mu[j] * 2;
                    return total + lse(term) * lse(term);
                }
                """);
        checkAgainstMethod(g, "f", "x,mu,null", new double[] {0.3, -0.8, 1.1}, new double[] {0.1, -0.4, 0.7}, 3);
    }

    @Test
    void enhancedForOverArrays() {
        Generated g = compile("""
                @Differentiable static double f(double[] x, @NoGrad int[] weights) {
                    double s = 0;
                    for (double v : x) {
                        s += v * v;
                    }
                    double[] y = {s, x[0]};
                    double t = 0;
                    for (double v : y) t += Math.sin(v);
                    int k = 0;
                    for (int w : weights) {
                        t += w * x[k] * s;
                        k++;
                    }
                    return t;
                }
                """);
        checkAgainstMethod(g, "f", "x,null", new double[] {0.3, -1.1, 0.8}, new int[] {2, -1, 3});
    }
}
