package dev.fluxion.processor;

import static dev.fluxion.processor.GradientCheck.checkAgainstMethod;
import static dev.fluxion.processor.GradientCheck.compile;

import org.junit.jupiter.api.Test;

/**
 * The minimal programs the random-program fuzzer found on the two-engine processor
 * ({@code /work/findings/fuzz.md}, F1 to F15), each at the point it failed, with verification off:
 * value against the user's method, gradient against float64 central differences. Where a finding's
 * program computes its failing value in dead code (which the engine now drops), a live variant
 * checks the same construct.
 */
class FuzzFindingsRegressionTest {
    private static final double[] X5 = {0.0721, -0.2943, -1.4869, -0.6959, 0.6564};

    @Test
    void innerDoWhileInTheLastLoopDoesNotCrashLoopFusion() { // F2, F2b
        Generated g = compile("""
                @Differentiable static double f(double a, double b, double c, @NoGrad double p) {
                    double s1 = 1.0;
                    s1 -= b;
                    for (int i4 = 0; i4 < 2; i4++) {
                        s1 += p;
                        int k6 = 0;
                        do { k6++; } while (k6 < 2);
                    }
                    return s1;
                }
                @Differentiable static double g(double a, double b, double c) {
                    double s1 = c;
                    int k3 = 0;
                    do {
                        k3++;
                        s1 += b;
                        int k4 = 0;
                        while (k4 < 1) { k4++; }
                    } while (k3 < 1);
                    return s1 * a;
                }
                """);
        checkAgainstMethod(g, "f", "a,b,c,null", 0.3, 0.7, -0.4, 0.9);
        checkAgainstMethod(g, "g", "a,b,c", 0.3, 0.7, -0.4);
    }

    @Test
    void nestedIfInALoopReadsItsBranchBitsInOrder() { // F3
        Generated g = compile("""
                @Differentiable static double f(double a, double b, double c, @NoGrad double p, double[] x, double[] y) {
                    double s2 = 1.0;
                    int k3 = 0;
                    while (k3 < 2) {
                        k3++;
                        if ((-0.5) > y[k3]) {
                            if (k3 == 1) { s2 = c * s2; }
                        } else {
                            double v4 = Math.sqrt(a);
                            s2 += v4 * x[k3];
                        }
                    }
                    return s2;
                }
                @Differentiable static double g(double a, double b, @NoGrad double p, double[] x) {
                    double s1 = x[4];
                    for (int i5 = 0; i5 < x.length; i5++) {
                        double v6 = a;
                        if (0.75 >= (-0.75)) {
                            s1 += (s1 < b ? b : v6);
                        } else {
                            s1 -= Math.sin(Math.abs(s1));
                        }
                    }
                    return s1;
                }
                """);
        checkAgainstMethod(g, "f", "a,b,c,null,x,y", 0.8, 0.1, 0.6, 0.2, X5.clone(),
                new double[] {1.7209, -1.6648, -1.0382, 0.8533, -0.6971});
        checkAgainstMethod(g, "f", "a,b,c,null,x,y", 0.8, 0.1, 0.6, 0.2, X5.clone(),
                new double[] {1.7209, 1.6648, -1.0382, 0.8533, -0.6971});
        checkAgainstMethod(g, "g", "a,b,null,x", 1.6924, -1.4298, 0.3, X5.clone());
    }

    @Test
    void calleePullbackInABranchInALoopIsPoppedInOrder() { // F4, F4b
        Generated g = compile("""
                @Differentiable static double h(double u, double w) { return u * w + 1; }
                @Differentiable static double f(double a, double[] x) {
                    double s = a;
                    int k = 0;
                    while (k < 3) {
                        k++;
                        double v = h(s, a);
                        if (k % 2 == 0) { v += h(v, x[k]); }
                        s = v * 0.5;
                    }
                    return s;
                }
                @Differentiable static double g(double a, @NoGrad double p) {
                    double s = -0.5;
                    int k = 0;
                    while (k < 3) {
                        k++;
                        if (s <= p) { s = s + a * k; } else { s = h(a, s); }
                    }
                    return s;
                }
                @Differentiable static double t(double a, double[] x) {
                    double s = 0;
                    for (int k = 0; k < 3; k++) {
                        double v = a < x[k] ? h(x[k], a) : (a < 1.25 ? x[1] : s);
                        s += v;
                    }
                    return s;
                }
                """);
        checkAgainstMethod(g, "f", "a,x", 0.7, new double[] {0.3, -0.8, 1.1, 0.5});
        checkAgainstMethod(g, "g", "a,null", 0.3874, 0.2705);
        checkAgainstMethod(g, "g", "a,null", 0.9, 0.2705);
        checkAgainstMethod(g, "t", "a,x", -0.652, new double[] {0.3, -0.8, 1.1});
        checkAgainstMethod(g, "t", "a,x", 0.652, new double[] {0.3, -0.8, 1.1});
    }

    @Test
    void nestedIfInALoopWithBreakGivesTheRightGradient() { // F5
        Generated g = compile("""
                @Differentiable static double f(double a, double b, double c, @NoGrad double p, double[] x) {
                    double v2 = (-1.0);
                    double v3 = 0.25;
                    int k4 = 0;
                    while (k4 < 1) {
                        k4++;
                        v2 += b;
                        if (2.0 >= c) {
                            if (a > b) { v3 += v2; break; }
                            double v7 = x[2];
                        }
                    }
                    return v3;
                }
                @Differentiable static double g(double a, @NoGrad double p, double[] x) {
                    double s1 = 1.0;
                    double v2 = 1.0;
                    for (int i5 = 0; i5 < 2; i5++) {
                        if (s1 > i5) {
                            if (p >= v2) { double v6 = a; }
                            v2 = x[3];
                        }
                    }
                    return v2;
                }
                """);
        checkAgainstMethod(g, "f", "a,b,c,null,x", 0.4361, 0.2608, 0.3016, 0.1, X5.clone());
        checkAgainstMethod(g, "g", "a,null,x", 0.5, 0.9959, new double[] {9.0E-4, -1.6275, 0.1258, 0.7849, 0.3776});
    }

    @Test
    void returnInsideASecondLoopGivesTheRightGradient() { // F6, F10, F14
        Generated g = compile("""
                @Differentiable static double f(double a, double b, @NoGrad double p) {
                    double s1 = 1.0;
                    int k3 = 0;
                    while (k3 < 3) { k3++; }
                    int k5 = 0;
                    while (k5 < 3) {
                        k5++;
                        s1 = 2.0;
                        if ((-0.5) >= 2.25) { return s1; }
                        double v9 = (k5 % 2 == 0 ? b : k3);
                        s1 = b;
                    }
                    double v11 = s1;
                    return v11;
                }
                @Differentiable static double g(double a, double b, double c, @NoGrad double p) {
                    double s2 = 0.75;
                    double v3 = 1.0;
                    int k4 = 0;
                    do {
                        k4++;
                        s2 += c;
                        if (2.0 >= 0.25) {
                            if (0.25 >= 3.0) { v3 += c; }
                            return s2;
                        }
                    } while (k4 < 1);
                    return s2;
                }
                @Differentiable static double t(double a, @NoGrad double p) {
                    double s1 = a;
                    for (int i2 = 0; i2 < 2; i2++) {
                        int k3 = 0;
                        while (k3 < 3) { k3++; }
                        if (i2 == 1) {
                            if (k3 == 1) {
                                double v5 = (k3 == i2 ? (-0.5) : s1);
                                return s1;
                            }
                            double v8 = s1;
                        }
                    }
                    double v9 = 1.0;
                    return v9;
                }
                """);
        checkAgainstMethod(g, "f", "a,b,null", 0.9459, -0.2461, 0.3);
        checkAgainstMethod(g, "g", "a,b,c,null", 0.5, 0.5, 1.8948, 0.1);
        checkAgainstMethod(g, "t", "a,null", 0.5, 0.1);
    }

    @Test
    void deadValuesGiveNoNaN() { // F7, F13
        Generated g = compile("""
                @Differentiable static double f(double a, double b, double c, @NoGrad double p) {
                    double s1 = a;
                    int k2 = 0;
                    while (k2 < 1) { k2++; }
                    double v5 = k2;
                    s1 *= Math.pow(c, 0.5);
                    return v5;
                }
                @Differentiable static double g(double a, double b) {
                    double s1 = Math.hypot(b, 0.75);
                    int k2 = 0;
                    do {
                        k2++;
                        int k3 = 0;
                        while (k3 < 2) {
                            k3++;
                            s1 *= 1.0;
                            s1 = k2;
                            if (k3 == 1) { s1 = ((k3 % 2 == 0 ? s1 : s1) * b); }
                        }
                    } while (k2 < 2);
                    return s1;
                }
                @Differentiable static double t(double a, double b) {
                    double s1 = b;
                    double v2 = 1.0;
                    int k3 = 0;
                    while (k3 < 3) {
                        k3++;
                        double v7 = (0.25 <= (-1.75) ? Math.log(Math.hypot(a, 1.0)) : v2);
                        if (v2 <= 0.25) {
                            continue;
                        } else {
                            if (a < k3) { double v10 = Math.sin(s1); }
                        }
                        s1 = k3;
                    }
                    return s1;
                }
                """);
        checkAgainstMethod(g, "f", "a,b,c,null", 0.5, 0.5, -0.0044, 0.1);
        checkAgainstMethod(g, "g", "a,b", 0.5, 1.9627);
        checkAgainstMethod(g, "t", "a,b", 0.3275, 0.5);
    }

    /** w-engine fuzz run, seed 99 (m1848): v2 overflows to infinity but only decides a {@code ?:}. */
    @Test
    void valueTestedOnlyInAConditionIsNotDifferentiated() {
        Generated g = compile("""
                @Differentiable static double f(double a, @NoGrad double p, double[] x) {
                    double s1 = x[2];
                    double v2 = x[0];
                    for (int i3 = 0; i3 < x.length; i3++) {
                        int k4 = 0;
                        while (k4 < 3) { k4++; v2 = Math.pow(v2, 2.0); }
                    }
                    s1 = (v2 < s1 ? 0.25 : x[0]);
                    return s1;
                }
                """);
        checkAgainstMethod(g, "f", "a,null,x", 0.8603, -1.8249, new double[] {-1.4386, -1.0145, 1.4373, 0.2767});
    }

    /**
     * Merged-engine fuzz run, seed 16016 (m5139), a report of the oracle, not of the engine: s1 grows
     * to 8.27e10 in the loop, so a step of 1e-6 on x[0] is below the ulp (1.5e-5) of
     * {@code x[0] - s1} and central differences give 0; the gradient is the chain rule at the point,
     * -sin(x[0] - s1), checked here in closed form (value and every element).
     */
    @Test
    void cosineOfAHugeArgumentHasTheChainRulesGradient() {
        Generated g = compile("""
                @Differentiable static double f(double a, double[] x, double[] y) {
                    double s1 = 1.0;
                    int k5 = 0;
                    while (k5 < 3) { k5++; s1 += Math.pow(Math.pow(s1, 2.0), 3.0); }
                    double v9 = 1.0;
                    v9 *= Math.cos((x[0] - s1));
                    s1 = v9;
                    return s1;
                }
                """);
        double s1 = 82_653_950_082.0; // 1 → 2 → 66 → 66 + 66⁶
        double[] x = {-0.6907, 1.5206, 0.7768, -0.384, 1.3276};
        double[] y = {1.8169, -0.5677, 0.5273, 0.852, 0.113};
        Object grad = g.call("demo.RGrad", "fGrad", 1.2014, x, y);
        org.junit.jupiter.api.Assertions.assertEquals(Math.cos(x[0] - s1), (double) Generated.get(grad, "value"));
        org.junit.jupiter.api.Assertions.assertEquals(0.0, (double) Generated.get(grad, "a"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {-Math.sin(x[0] - s1), 0, 0, 0, 0},
                (double[]) Generated.get(grad, "x"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[5], (double[]) Generated.get(grad, "y"));
    }

    /** w-engine fuzz run, seed 123 (m294): loops whose result is overwritten before it is read. */
    @Test
    void loopWhoseResultIsOverwrittenIsNotDifferentiated() {
        Generated g = compile("""
                @Differentiable static double f(double a, double b, @NoGrad double p) {
                    double s1 = 1.0;
                    for (int i2 = 0; i2 < 3; i2++) {
                        s1 += b;
                        int k3 = 0;
                        while (k3 < 3) { k3++; s1 += Math.pow(s1, 3.0); }
                    }
                    s1 = b;
                    return s1;
                }
                """);
        checkAgainstMethod(g, "f", "a,b,null", 0.8102, 1.9711, -0.3868);
    }

    @Test
    void onePassGradOfSeveralLoopsCompiles() { // F8
        Generated g = compile("""
                @Differentiable static double f(double a) {
                    double s1 = Math.max(0.75, (a + a));
                    double v2 = (Math.max(s1, 0.25) - Math.sin(1.5));
                    for (int i3 = 0; i3 < 3; i3++) {
                        s1 += ((-0.5) * Math.pow((1.0 + (s1 * s1)), 2.0));
                        s1 *= Math.cos(Math.pow(Math.hypot(s1, 1.0), 2.0));
                    }
                    for (int i4 = 0; i4 < 2; i4++) {
                        v2 += (s1 + Math.atan(s1));
                        v2 = (a * Math.tanh(i4));
                    }
                    for (int i5 = 0; i5 < 2; i5++) {
                        v2 -= (s1 / (1 + Math.atan(a) * Math.atan(a)));
                        double v6 = (i5 + i5);
                        v6 = ((a - 0.25) * 0.25);
                    }
                    double v7 = ((2.0 / (1 + 0.75 * 0.75)) / (1 + (-1.0) * (-1.0)));
                    return (v7 + s1 + v2);
                }
                """);
        checkAgainstMethod(g, "f", "a", 0.3);
        checkAgainstMethod(g, "f", "a", 0.45);
    }

    @Test
    void temporaryIsNotReusedAfterALoopReassignsItsVariable() { // F9
        Generated g = compile("""
                @Differentiable static double f(double a, @NoGrad double p, double[] x) {
                    double s2 = p;
                    int k3 = 0;
                    while (k3 < 3) { k3++; s2 = x[k3] * a; }
                    s2 += (p - s2);
                    double v4 = a;
                    return (v4 + (p - s2)) * s2;
                }
                """);
        checkAgainstMethod(g, "f", "a,null,x", 0.399, 0.6284, new double[] {1.1344, -1.1463, 1.7126, -1.0391});
    }

    @Test
    void selfProductInALoopWithNestedBranchesGivesTheRightGradient() { // F11, F12, F15
        Generated g = compile("""
                @Differentiable static double f(double a, double b) {
                    double s1 = b;
                    double v3 = a;
                    int k4 = 0;
                    while (k4 < 3) {
                        k4++;
                        v3 *= v3;
                        if (v3 <= (-0.75)) {
                        } else {
                            if (k4 == 1) {
                                int k6 = 0;
                                while (k6 < 2) { k6++; s1 = Math.cos((v3 - k6)); }
                            }
                        }
                    }
                    return v3 + s1;
                }
                @Differentiable static double g(double a, double b, double[] x) {
                    double s2 = 0.75;
                    for (int i7 = 0; i7 < x.length; i7++) {
                        if (i7 % 2 == 0) {
                            if (s2 >= 1.25) { s2 += 1.0; }
                            s2 += x[i7];
                        }
                    }
                    return s2;
                }
                @Differentiable static double t(double a, @NoGrad double p, double[] x) {
                    double s1 = x[0];
                    int k2 = 0;
                    while (k2 < 1) {
                        k2++;
                        if (k2 % 2 == 0) {
                        } else {
                            if (p >= (-0.75)) {
                                double v5 = Math.hypot(x[3], 1.5);
                                s1 += 1.0;
                            }
                            if ((a * x[k2]) >= x[k2]) { s1 += (s1 / (1 + s1 * s1)); }
                        }
                    }
                    return s1;
                }
                """);
        checkAgainstMethod(g, "f", "a,b", 1.9133, 0.5);
        checkAgainstMethod(g, "g", "a,b,x", 0.5, 0.5, new double[] {0.67, -1.6008, -0.8504, 0.1873});
        checkAgainstMethod(g, "t", "a,null,x", 1.0139, 0.0818, new double[] {-1.8663, -1.3444, -1.2509, -0.4156});
    }

    @Test
    void conditionalSideReadOfALoopCounterIsNotReused() { // F1b, F6b
        Generated g = compile("""
                @Differentiable static double f(double a, @NoGrad double p, double[] x, double[] y) {
                    int k2 = 0;
                    while (k2 < 2) { k2++; }
                    double v6 = (1.0 < 0.25 ? (p + x[k2]) : (-x[k2]));
                    return v6;
                }
                @Differentiable static double g(double a) {
                    double s1 = 0.75;
                    int k9 = 0;
                    while (k9 < 2) {
                        k9++;
                        s1 += a;
                        if (a <= (-1.75)) {
                        }
                    }
                    return s1;
                }
                """);
        checkAgainstMethod(g, "f", "a,null,x,y", 0.5, 0.3, new double[] {-1.9257, -1.1542, -0.7663, 0.691, -1.0798},
                X5.clone());
        checkAgainstMethod(g, "g", "a", 0.5);
    }

    @Test
    void anArrayReadInAConditionalSideRunsOnlyWhenThatSideIsTaken() { // fuzz seed 1001, m53269, m14
        // The sides' array reads were hoisted before the branch: x[4] was read with x of length 3,
        // and the generated fVjp threw where the method returns v * x[1] (and the verifier
        // reported a processor bug).
        Generated g = compile("""
                @Differentiable static double f(double a, double[] x) {
                    double v = x[0] * a;
                    return v * (a > 1 ? x[1] : x[4]);
                }
                @Differentiable static double h(double a, double[] x) {
                    return Math.sin(a > 1 ? x[1] * a : x[4] / a) + (a < 0 ? x[5] : x[2]);
                }
                """);
        double[] three = {0.7, -1.3, 0.4};
        double[] six = {0.7, -1.3, 0.4, 2.0, 0.9, -0.6};
        checkAgainstMethod(g, "f", "a,x", 1.5, three);
        checkAgainstMethod(g, "h", "a,x", 1.5, three);
        checkAgainstMethod(g, "f", "a,x", 0.5, six);
        checkAgainstMethod(g, "h", "a,x", -0.5, six);
    }

    /**
     * Final-engine 100,000-program run, seed 4004 (m46598): {@code s2} overflows in the first loop
     * and a {@code while} the analysis cannot prove runs overwrites it. Its zero cotangent times
     * the infinite {@code 3 s2²} gave NaN; PyTorch's graph holds no such value (gradient 0).
     */
    @Test
    void zeroCotangentOfAnOverflowedValueOverwrittenInAWhileStaysZero() {
        Generated g = compile("""
                @Differentiable static double f(double a, double b, double[] x) {
                    double s2 = 1.0;
                    for (int i3 = 0; i3 < x.length; i3++) {
                        s2 -= x[i3];
                        int k4 = 0;
                        do { k4++; s2 += Math.pow(s2, 3.0); } while (k4 < 3);
                    }
                    int k5 = 0;
                    while (k5 < 2) { k5++; s2 = 1.0; }
                    return s2;
                }
                """);
        checkAgainstMethod(g, "f", "a,b,x", -1.4106, 1.4195, new double[] {-1.634, -0.7136, 1.0933, -1.5164});
    }

    /**
     * Final-engine run, seed 4004 (m95525): the value overflows through a callee in nested loops and
     * an {@code if (1.0 <= 1.0)} overwrites it; the callee's pullback got a zero cotangent and
     * multiplied it by the infinite value (NaN). A zero cotangent now skips the callee's backward.
     */
    @Test
    void zeroCotangentSkipsTheBackwardOfACalleeWhoseValueOverflowed() {
        Generated g = compile("""
                @Differentiable static double h(double u, double w) {
                    double h1 = 1.0;
                    h1 = u;
                    return h1 * u;
                }
                @Differentiable static double f(double a, double b, double c, @NoGrad double p, double[] x, double[] y) {
                    double s2 = 0.25;
                    for (int i3 = 0; i3 < x.length; i3++) {
                        s2 += c;
                        int k6 = 0;
                        while (k6 < 3) { k6++; s2 = h(s2, 0.25); }
                    }
                    if (1.0 <= 1.0) { s2 = 1.0; }
                    return s2;
                }
                """);
        double[] x = {-1.0205, -1.6838, 0.7879, 1.1227, -0.6034};
        double[] y = {1.3517, 0.0725, 1.5371, -1.7707, 1.5585};
        checkAgainstMethod(g, "f", "a,b,c,null,x,y", -1.4287, -0.2547, 1.7068, 1.8295, x, y);
    }

    /** The same guard where the overwritten value is a product: {@code s * x} with {@code s} infinite. */
    @Test
    void zeroCotangentOfAProductWithAnOverflowedFactorStaysZero() {
        Generated g = compile("""
                @Differentiable static double f(double x) {
                    double s = x;
                    for (int i = 0; i < 12; i++) { s = s * s * x; }
                    double t = s * x;
                    if (x > -100) { t = x; }
                    return t;
                }
                """);
        checkAgainstMethod(g, "f", "x", 40.0);
        checkAgainstMethod(g, "f", "x", 0.5);
    }
}
