package dev.fluxion.gradbench.evals;

import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.gradbench.EvalFunction;
import dev.fluxion.gradbench.Json;
import dev.fluxion.gradbench.EvalModule;
import java.util.Map;

/**
 * GradBench's {@code saddle} (Siskind and Pearlmutter): the saddle point of
 * f(p1, p2) = (x1² + y1²) − (x2² + y2²), as min over p1 of max over p2, both by GradBench's
 * gradient descent. The outer descent needs the gradient of the inner maximum with respect to
 * p1: {@code innerMax} runs the inner ascent itself, reading {@code ∇_{p2} f} through
 * {@code SaddleGrad.objectiveGrad(...).x2()} (nested differentiation), and its own generated
 * gradient differentiates through every step of it.
 * <p>
 * Fluxion answers GradBench's four variants ({@code rr}, {@code rf}, {@code fr}, {@code ff})
 * with reverse over reverse: a method that calls generated gradient code has no forward mode yet.
 */
public final class Saddle {
    private static final double TOLERANCE = 1e-5;

    private Saddle() {}

    /** f(p1, p2) = (x1² + y1²) − (x2² + y2²). */
    @Differentiable
    static double objective(double x1, double y1, double x2, double y2) {
        return (x1 * x1 + y1 * y1) - (x2 * x2 + y2 * y2);
    }

    /**
     * max over p2 of f(p1, p2), by GradBench's gradient descent on −f from (sx, sy), step for step
     * as {@code GradientDescent.argmin} (written out here so that it is differentiated).
     */
    @Differentiable
    static double innerMax(double x1, double y1, @NoGrad double sx, @NoGrad double sy) {
        double x2 = sx;
        double y2 = sy;
        double fx = -objective(x1, y1, x2, y2);
        double gx = -SaddleGrad.objectiveGrad(x1, y1, x2, y2).x2();
        double gy = -SaddleGrad.objectiveGrad(x1, y1, x2, y2).y2();
        int i = 0;
        double eta = 1e-5;
        while (Math.sqrt(gx * gx + gy * gy) > TOLERANCE) {
            if (i == 10) {
                eta *= 2;
                i = 0;
            } else {
                double nx = x2 - eta * gx;
                double ny = y2 - eta * gy;
                if (Math.sqrt((x2 - nx) * (x2 - nx) + (y2 - ny) * (y2 - ny)) <= TOLERANCE) {
                    break;
                }
                double fNext = -objective(x1, y1, nx, ny);
                if (fNext < fx) {
                    x2 = nx;
                    y2 = ny;
                    fx = fNext;
                    gx = -SaddleGrad.objectiveGrad(x1, y1, x2, y2).x2();
                    gy = -SaddleGrad.objectiveGrad(x1, y1, x2, y2).y2();
                    i++;
                } else {
                    eta /= 2;
                    i = 0;
                }
            }
        }
        return objective(x1, y1, x2, y2);
    }

    /** The saddle point from {@code start}: r1 (the min over p1), then r2 (the max over p2 at r1). */
    static double[] saddle(double[] start) {
        double[] r1 = GradientDescent.argmin(p -> SaddleGrad.innerMax(p[0], p[1], start[0], start[1]), p -> {
            SaddleGrad.InnerMaxGradient g = SaddleGrad.innerMaxGrad(p[0], p[1], start[0], start[1]);
            return new double[] {g.x1(), g.y1()};
        }, start);
        double[] r2 = GradientDescent.argmax(p -> SaddleGrad.objective(r1[0], r1[1], p[0], p[1]), p -> {
            SaddleGrad.ObjectiveGradient g = SaddleGrad.objectiveGrad(r1[0], r1[1], p[0], p[1]);
            return new double[] {g.x2(), g.y2()};
        }, start);
        return new double[] {r1[0], r1[1], r2[0], r2[1]};
    }

    static EvalModule module() {
        EvalFunction<double[], double[]> solve = EvalFunction.of(in -> Json.vector(in.get("start")), Saddle::saddle);
        return new EvalModule("saddle", Map.of("rr", solve, "rf", solve, "fr", solve, "ff", solve));
    }
}
