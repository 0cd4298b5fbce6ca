package dev.fluxion.examples;

import dev.fluxion.annotation.Differentiable;
import dev.fluxion.examples.support.Plots;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Newton-CG on the n-dimensional Rosenbrock function, beside gradient descent: each Newton step
 * solves {@code H p = −∇f} by conjugate gradients, where every product {@code H·v} is one call of
 * the generated {@code rosenbrockHvp} (forward over reverse in one pass; the Hessian is never
 * formed). Both methods take the same backtracking (Armijo) line search and stop when
 * {@code ‖∇f‖ < tol}. PyTorch: {@code torch.autograd.functional.hvp}; JAX: {@code jax.jvp(jax.grad(f), (x,), (v,))}.
 */
public final class NewtonCg {
    private NewtonCg() {}

    /** Σ 100 (x[i+1] − x[i]²)² + (1 − x[i])², minimum 0 at (1, …, 1). */
    @Differentiable
    static double rosenbrock(double[] x) {
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            double t = x[i + 1] - x[i] * x[i];
            s += 100 * t * t + (1 - x[i]) * (1 - x[i]);
        }
        return s;
    }

    /**
     * One run: the point reached, the iterations taken (a Newton step or a gradient step each), the
     * Hessian-vector products used, and {@code f} after each iteration (and at the start).
     */
    public record Run(double[] x, int iterations, int hvps, double[] objective, boolean converged) {}

    /** Newton-CG from {@code x0} until {@code ‖∇f‖ < tol} or {@code maxIterations}. */
    public static Run newtonCg(double[] x0, double tol, int maxIterations) {
        double[] x = x0.clone();
        double[] objective = new double[maxIterations + 1];
        int hvps = 0;
        int k = 0;
        var g = NewtonCgGrad.rosenbrockGrad(x);
        objective[0] = g.value();
        while (k < maxIterations && norm(g.x()) >= tol) {
            // Truncated CG on H p = −g: stops at a residual of min(0.5, √‖g‖)·‖g‖ or at negative curvature.
            double[] grad = g.x();
            double[] p = new double[x.length];
            double[] r = scaled(grad, -1);
            double[] d = r.clone();
            double rr = dot(r, r);
            double stop = Math.min(0.5, Math.sqrt(norm(grad))) * norm(grad);
            for (int j = 0; j < 2 * x.length && Math.sqrt(rr) > stop; j++) {
                double[] hd = NewtonCgGrad.rosenbrockHvp(x, d).x();
                hvps++;
                double curvature = dot(d, hd);
                if (curvature <= 0) {
                    if (j == 0) {
                        p = d; // the steepest-descent direction
                    }
                    break;
                }
                double alpha = rr / curvature;
                axpy(p, alpha, d);
                axpy(r, -alpha, hd);
                double rrNext = dot(r, r);
                for (int i = 0; i < d.length; i++) {
                    d[i] = r[i] + rrNext / rr * d[i];
                }
                rr = rrNext;
            }
            x = lineSearch(x, g.value(), grad, p);
            g = NewtonCgGrad.rosenbrockGrad(x);
            objective[++k] = g.value();
        }
        return new Run(x, k, hvps, java.util.Arrays.copyOf(objective, k + 1), norm(g.x()) < tol);
    }

    /** Gradient descent with the same line search, from {@code x0}. */
    public static Run gradientDescent(double[] x0, double tol, int maxIterations) {
        double[] x = x0.clone();
        double[] objective = new double[maxIterations + 1];
        int k = 0;
        var g = NewtonCgGrad.rosenbrockGrad(x);
        objective[0] = g.value();
        while (k < maxIterations && norm(g.x()) >= tol) {
            x = lineSearch(x, g.value(), g.x(), scaled(g.x(), -1));
            g = NewtonCgGrad.rosenbrockGrad(x);
            objective[++k] = g.value();
        }
        return new Run(x, k, 0, java.util.Arrays.copyOf(objective, k + 1), norm(g.x()) < tol);
    }

    /** x + t·p for the first t of 1, ½, ¼, … with f(x + tp) ≤ f(x) + 10⁻⁴ t ⟨∇f, p⟩ (Armijo). */
    private static double[] lineSearch(double[] x, double f, double[] grad, double[] p) {
        double slope = dot(grad, p);
        for (double t = 1; t > 1e-20; t /= 2) {
            double[] next = x.clone();
            axpy(next, t, p);
            if (NewtonCgGrad.rosenbrock(next) <= f + 1e-4 * t * slope) {
                return next;
            }
        }
        return x;
    }

    /** Runs both from the classic start (−1.2, 1, −1.2, 1, …) in {@code n} dimensions and plots f per iteration. */
    public static Path compare(int n, Run newton, Run descent) {
        Map<String, double[]> curves = new LinkedHashMap<>();
        curves.put("Newton-CG (" + newton.iterations() + " iterations)", positive(newton.objective()));
        curves.put("gradient descent (" + descent.iterations() + " iterations)", positive(descent.objective()));
        return Plots.convergence("newton-cg-rosenbrock", "Rosenbrock, n = " + n + ": Newton-CG vs gradient descent",
                "f(x)", curves);
    }

    /** The classic start: −1.2 at even indices, 1 at odd ones. */
    public static double[] start(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i % 2 == 0 ? -1.2 : 1;
        }
        return x;
    }

    public static void main(String[] args) {
        int n = 10;
        Run newton = newtonCg(start(n), 1e-8, 1_000);
        Run descent = gradientDescent(start(n), 1e-8, 100_000);
        System.out.printf("Newton-CG: %d iterations, %d Hessian-vector products, f = %.3e%n", newton.iterations(),
                newton.hvps(), newton.objective()[newton.iterations()]);
        System.out.printf("gradient descent: %d iterations, f = %.3e%n", descent.iterations(),
                descent.objective()[descent.iterations()]);
        System.out.println("chart: " + compare(n, newton, descent));
    }

    /** The log-scale chart needs positive values: f reaches exactly 0 at the minimum. */
    private static double[] positive(double[] v) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(out[i], 1e-30);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static double[] scaled(double[] a, double c) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = c * a[i];
        }
        return out;
    }

    private static void axpy(double[] y, double a, double[] x) {
        for (int i = 0; i < y.length; i++) {
            y[i] += a * x[i];
        }
    }
}
