package dev.fluxion.processor;

import static dev.fluxion.processor.GradientCheck.args;
import static dev.fluxion.processor.GradientCheck.check;
import static dev.fluxion.processor.GradientCheck.compile;

import org.junit.jupiter.api.Test;

/**
 * Wrong values and gradients (and processor crashes) the engine once produced, each compiled with
 * {@code -Afluxion.verify=off} so that the engine itself is tested, and each checked for value and
 * gradient against a closed form and float64 central differences of the user's own method.
 */
class WrongGradientRegressionTest {
    // ------------------------------------------------------------------ reproducer 1: branch bits

    @Test
    void nestedIfInLoopPopsBranchBitsInOrder() {
        Generated g = compile("""
                @Differentiable static double f(double x) {
                    double s = 0;
                    for (int i = 0; i < 2; i++) { if (x > 0) { if (x > 1) { s += x; } else { s += 2 * x; } } }
                    return s;
                }
                """);
        check(g, "f", "x", args(0.5), 2.0, new double[] {4});
        check(g, "f", "x", args(1.5), 3.0, new double[] {2});
        check(g, "f", "x", args(-0.5), 0.0, new double[] {0});
    }

    @Test
    void conditionalReturnInsideIfInsideLoopTakesTheRightSide() {
        Generated g = compile("""
                @Differentiable static double f(double x) {
                    double s = 0;
                    for (int i = 0; i < 3; i++) {
                        if (x > 0) { return x > 1 ? x * x : x; }
                        s += x;
                    }
                    return s;
                }
                """);
        check(g, "f", "x", args(0.5), 0.5, new double[] {1});
        check(g, "f", "x", args(2.0), 4.0, new double[] {4});
        check(g, "f", "x", args(-0.5), -1.5, new double[] {3});
    }

    @Test
    void loopWithReturnAndInnerIfPopsBranchBitsInOrder() {
        Generated g = compile("""
                @Differentiable static double f(double x) {
                    double s = 0;
                    for (int i = 0; i < 5; i++) {
                        if (s > 3) { return s * x; }
                        if (x > 1) { s += x * x; } else { s += 3 * x; }
                    }
                    return s;
                }
                """);
        // x = 0.6: s = 1.8, 3.6 (> 3 at the 3rd trip) -> 3.6 x = 6 x^2; derivative 12 x
        check(g, "f", "x", args(0.6), 6 * 0.6 * 0.6, new double[] {12 * 0.6});
        // x = 1.5: s = 2.25, 4.5 -> return 4.5 * 1.5 = 2 x^3; derivative 6 x^2
        check(g, "f", "x", args(1.5), 2 * 1.5 * 1.5 * 1.5, new double[] {6 * 1.5 * 1.5});
    }

    @Test
    void continueWithIfElseInLoopPopsBranchBitsInOrder() {
        Generated g = compile("""
                @Differentiable static double f(double x, double[] w) {
                    double s = 0;
                    for (int i = 0; i < w.length; i++) {
                        if (i == 1) { continue; }
                        if (w[i] > 0) { s += x * w[i]; } else { s -= w[i] * w[i]; }
                        s = s * 1.5;
                    }
                    return s;
                }
                """);
        // i = 0: s = 1.5 x w0; i = 1 skipped; i = 2: s = 1.5 (s - w2^2); i = 3: s = 1.5 (s + x w3)
        check(g, "f", "x,w", args(0.7, new double[] {0.5, 2.0, -1.0, 3.0}),
                ((0.7 * 0.5 * 1.5 - 1.0) * 1.5 + 0.7 * 3.0) * 1.5,
                new double[] {(0.5 * 1.5 * 1.5 + 3.0) * 1.5, 0.7 * 1.5 * 1.5 * 1.5, 0, 2 * 1.5 * 1.5, 0.7 * 1.5});
    }

    // ------------------------------------------------------------------ reproducer 2: return, continue, break

    @Test
    void returnContinueAndBreakInNestedLoopsGiveTheRightGradient() {
        Generated g = compile("""
                @Differentiable static double f(double[] x, @NoGrad double limit) {
                    double s = 0;
                    for (int i = 0; i < x.length; i++)
                        for (int j = 0; j < x.length; j++) {
                            if (s > limit) return s * 2;
                            if (j == i) continue;
                            s += x[i] * x[j];
                            if (s < -limit) break;
                        }
                    do { s = s * 0.5; } while (s > 1);
                    return s;
                }
                """);
        double[] x = {0.5, 1.5, -0.3, 2.0};
        double s = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                if (j != i) {
                    s += x[i] * x[j];
                }
            }
        }
        double value = s * 0.5;
        while (value > 1) {
            value *= 0.5;
        }
        check(g, "f", "x,null", args(x, 100.0), value, new double[] {0.8, 0.55, 1.0, 0.425});
    }

    @Test
    void oneLoopWithReturnAndContinuePutsTheGradientOnTheRightIndex() {
        Generated g = compile("""
                @Differentiable static double f(double[] x) {
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        if (s > 2) { return s * 3; }
                        if (i == 1) { continue; }
                        s += x[i] * x[i];
                    }
                    return s;
                }
                """);
        // s = 1 (i = 0), skip i = 1, s = 5 (i = 2), return 15 at i = 3: d/dx0 = 6 x0, d/dx2 = 6 x2
        check(g, "f", "x", args(new double[] {1.0, 7.0, 2.0, 5.0}), 15.0, new double[] {6, 0, 12, 0});
        // no early return: s = x0^2 + x2^2 + x3^2
        check(g, "f", "x", args(new double[] {0.5, 7.0, 0.5, 3.0}), 9.5, new double[] {1, 0, 1, 6});
    }

    // ------------------------------------------------------------------ reproducer 3: stale temporaries

    @Test
    void temporaryIsNotReusedAfterItsVariableIsReassigned() {
        Generated g = compile("""
                @Differentiable static double f(double v, @NoGrad double a) {
                    v = v * v / 3;
                    double w = 1 / (v * v + 1);
                    if (a > 0) w = w * 2;
                    return w;
                }
                """);
        for (double a : new double[] {1, -1}) {
            double v = 0.5 * 0.5 / 3;
            double w = 1 / (v * v + 1) * (a > 0 ? 2 : 1);
            // dw/dv0 = factor * -2 v / (v^2 + 1)^2 * (2 v0 / 3)
            double dv = (a > 0 ? 2 : 1) * -2 * v / ((v * v + 1) * (v * v + 1)) * (2 * 0.5 / 3);
            check(g, "f", "v,null", args(0.5, a), w, new double[] {dv});
        }
    }

    @Test
    void temporaryIsNotReusedAfterItsVariableIsReassignedInALoop() {
        Generated g = compile("""
                @Differentiable static double f(double x) {
                    double v = x;
                    double s = 0;
                    for (int i = 0; i < 3; i++) {
                        s += Math.sin(v * x);
                        v = v * x;
                        s += Math.sin(v * x);
                    }
                    return s;
                }
                """);
        check(g, "f", "x", args(0.7), plainValue(0.7), null);
    }

    private static double plainValue(double x) {
        double v = x;
        double s = 0;
        for (int i = 0; i < 3; i++) {
            s += Math.sin(v * x);
            v = v * x;
            s += Math.sin(v * x);
        }
        return s;
    }

    // ------------------------------------------------------------------ reproducer 4: ?: sides

    @Test
    void conditionalSidesDoNotShareAHoistedTemporary() {
        Generated g = compile("""
                @Differentiable static double f(double x, double y) {
                    return x > 0 ? Math.sin(x * y) : 3 * (x * y);
                }
                """);
        check(g, "f", "x,y", args(-0.5, 2.0), -3.0, new double[] {6, -1.5});
        check(g, "f", "x,y", args(0.5, 2.0), Math.sin(1.0), new double[] {2 * Math.cos(1), 0.5 * Math.cos(1)});
    }

    /** Found by the verifier's random programs (fuzz.md): {@code y * y + 1} hoisted in the untaken side. */
    @Test
    void temporaryOfAConditionalSideIsNotReusedWhenTheSideIsNotTaken() {
        Generated g = compile("""
                @Differentiable static double f(double x, double y) {
                    double t = x > 1 ? Math.sqrt(y * y + 1) : x;
                    return t + 1 / (y * y + 1);
                }
                """);
        double y = 1.353;
        double q = y * y + 1;
        check(g, "f", "x,y", args(-1.25, y), -1.25 + 1 / q, new double[] {1, -2 * y / (q * q)});
        check(g, "f", "x,y", args(2.0, y), Math.sqrt(q) + 1 / q, new double[] {0, y / Math.sqrt(q) - 2 * y / (q * q)});
    }

    /** Fuzzer finding F1 (fuzz.md): an array read hoisted in the untaken side, reused after it. */
    @Test
    void arrayReadOfAConditionalSideIsNotReusedAfterIt() {
        Generated g = compile("""
                @Differentiable static double f(double a, double b, @NoGrad double p, double[] x) {
                    double s2 = b;
                    double v3 = 1.0;
                    double v4 = ((-0.5) <= 0.25 ? a : Math.min(s2, x[4]));
                    v3 = (p - x[4]);
                    return v3;
                }
                """);
        double[] x = {-0.0303, -0.3055, 1.1149, -1.556, -0.1894};
        check(g, "f", "a,b,null,x", args(1.7788, 0.2467, -1.5556, x), -1.5556 + 0.1894,
                new double[] {0, 0, 0, 0, 0, 0, -1});
        Generated used = compile("""
                @Differentiable static double f(double a, double b, @NoGrad double p, double[] x) {
                    double v4 = (p <= 0.25 ? a : Math.min(b, x[4]));
                    double v3 = p - x[4];
                    return v3 + v4;
                }
                """);
        check(used, "f", "a,b,null,x", args(1.7788, 0.2467, -1.5556, x), -1.5556 + 0.1894 + 1.7788,
                new double[] {1, 0, 0, 0, 0, 0, -1});
        check(used, "f", "a,b,null,x", args(1.7788, 0.2467, 1.5, x), 1.5 + 0.1894 - 0.1894,
                new double[] {0, 0, 0, 0, 0, 0, 0});
    }

    // ------------------------------------------------------------------ reproducer 5: dead code in loops

    @Test
    void unusedValueInsideLoopIsNotDifferentiated() {
        Generated g = compile("""
                @Differentiable static double f(double x) {
                    double s = 1;
                    for (int i = 0; i < 3; i++) { s = 0.5 * s - Math.exp(x); }
                    return 2 * x;
                }
                """);
        check(g, "f", "x", args(800.0), 1600.0, new double[] {2});
        check(g, "f", "x", args(0.3), 0.6, new double[] {2});
    }

    @Test
    void unusedValueInsideBranchIsNotDifferentiated() {
        Generated g = compile("""
                @Differentiable static double f(double x) {
                    double s = 1;
                    if (x > 0) { s = Math.exp(x) * s; }
                    return 2 * x;
                }
                """);
        check(g, "f", "x", args(800.0), 1600.0, new double[] {2});
    }

    // ------------------------------------------------------------------ reproducers 6, 7: loop fusion

    @Test
    void loopFusionAcceptsAnIfInTheLoopBody() {
        Generated g = compile("""
                @Differentiable static double f(double a) {
                    double s = 0;
                    for (int i = 0; i < 3; i++) { s += a; if (a > 1) { break; } }
                    return s;
                }
                """);
        check(g, "f", "a", args(0.5), 1.5, new double[] {3});
        check(g, "f", "a", args(2.0), 2.0, new double[] {1});
    }

    @Test
    void onePassGradDeclaresEachVariableOnce() {
        Generated g = compile("""
                @Differentiable static double f(double p) {
                    double s = 1;
                    for (int i = 0; i < 3; i++) { s *= Math.cos(0.5 * i + p); }
                    double t = 0;
                    for (int i = 0; i < 4; i++) { t += s * s; }
                    return t;
                }
                """);
        double p = 0.3;
        double s = Math.cos(p) * Math.cos(0.5 + p) * Math.cos(1 + p);
        double ds = -Math.sin(p) * Math.cos(0.5 + p) * Math.cos(1 + p)
                - Math.cos(p) * Math.sin(0.5 + p) * Math.cos(1 + p)
                - Math.cos(p) * Math.cos(0.5 + p) * Math.sin(1 + p);
        check(g, "f", "p", args(p), 4 * s * s, new double[] {8 * s * ds});
    }
}
