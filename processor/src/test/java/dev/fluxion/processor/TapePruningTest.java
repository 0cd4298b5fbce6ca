package dev.fluxion.processor;

import static dev.fluxion.processor.GradientCheck.args;
import static dev.fluxion.processor.GradientCheck.checkAgainstMethod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tapes save only what the backward pass reads ({@code RestorePlan}): an overwritten value that
 * no earlier statement's backward reads is not pushed (the inner-loop {@code qx += …} of the GMM
 * objective), and a loop counter reset before its loop is recomputed from the trip count instead
 * of being pushed. Each method's gradient is checked against float64 central differences, and
 * the generated source for the pushes it no longer makes.
 */
class TapePruningTest {
    static final String METHODS = """
            /** GradBench's gmm shape: qx is read (qx * qx) only after its inner loop. */
            @Differentiable
            static double quadratic(double[] q, double[] l, @NoGrad double[] x, @NoGrad int d) {
                double sqnorm = 0;
                for (int j = 0; j < d; j++) {
                    double qx = Math.exp(q[j]) * x[j];
                    for (int i = 0; i < j; i++) {
                        qx += l[i * d + j] * x[i];
                    }
                    sqnorm += qx * qx;
                }
                return sqnorm;
            }

            /** Streamed log-sum-exp over points: scaled is overwritten in both branches. */
            @Differentiable
            static double streamed(double[] a, @NoGrad int n, @NoGrad int k) {
                double total = 0;
                for (int p = 0; p < n; p++) {
                    double best = Double.NEGATIVE_INFINITY;
                    double scaled = 0;
                    for (int c = 0; c < k; c++) {
                        double term = a[c] * (p + 1) - a[c] * a[c];
                        if (term > best) {
                            scaled = scaled * Math.exp(best - term) + 1;
                            best = term;
                        } else {
                            scaled += Math.exp(term - best);
                        }
                    }
                    total += best + Math.log(scaled);
                }
                return total;
            }

            /** A triangular loop whose counter starts at i + 1 and a stride-2 loop starting at i. */
            @Differentiable
            static double triangular(double[] w, @NoGrad int d) {
                double s = 0;
                for (int i = 0; i < d; i++) {
                    for (int j = i + 1; j < d; j++) {
                        s += w[i] * w[j] * (j - i);
                    }
                    for (int j = i; j < d; j += 2) {
                        s += Math.sin(w[j]) * w[i];
                    }
                }
                return s;
            }

            /** Inner loops from 0, from i + 1, to a bound the outer loop changes, and to <= bound. */
            @Differentiable
            static double boundedTrips(double[] w, @NoGrad int d) {
                double s = 0;
                int top = 1;
                for (int i = 0; i < d; i++) {
                    for (int j = i + 1; j < d; j++) {
                        s += w[i] * w[j];
                    }
                    for (int j = 0; j < top; j++) {
                        s += Math.sin(w[j]) * w[i];
                    }
                    for (int j = i; j <= top; j++) {
                        s += w[j % d] * s * 0.25;
                    }
                    for (int j = i; j <= d - 1; j++) {
                        s += w[j] * s * 0.125;
                    }
                    top = top + 1;
                }
                return s;
            }

            /** A counter declared outside its loop and read after it. */
            @Differentiable
            static double counterReadAfter(double[] w, @NoGrad int rounds) {
                double s = 1;
                int j = 0;
                for (int r = 0; r < rounds; r++) {
                    j = 0;
                    while (j < w.length) {
                        s = s * 0.5 + w[j] * w[j] * s;
                        j++;
                    }
                    s = s * w[j - 1];
                }
                return s;
            }
            """;

    static Generated g;
    static String source;

    @BeforeAll
    static void compile() {
        g = GradientCheck.compile(METHODS);
        source = g.source("demo.RGrad");
    }

    @Test
    void anInnerLoopSumReadOnlyAfterItsLoopIsNotPushed() {
        checkAgainstMethod(g, "quadratic", "q,l,null,null", new double[] {0.1, -0.2, 0.3, 0.05},
                new double[] {0.5, -0.4, 0.3, 0.2, 0.1, 0.7, -0.6, 0.25, 0.35, -0.15, 0.45, 0.55, 0.65, -0.75, 0.85,
                    0.95}, new double[] {1.0, -2.0, 0.5, 1.5}, 4);
        String vjp = forwardOf("quadratic");
        // The value of qx the backward pass reads is the one the inner loop leaves: saved once per j.
        assertEquals(1, count(vjp, "doubles.push(qx)"), vjp);
        assertFalse(vjp.contains("ints.push(i)"), "the inner counter is recomputed from its trip count\n" + vjp);
    }

    @Test
    void aBranchyStreamedSumKeepsTheSavesItsBackwardReads() {
        checkAgainstMethod(g, "streamed", "a,null,null", new double[] {0.3, -1.2, 2.0, 0.7, -0.1}, 4, 5);
        checkAgainstMethod(g, "streamed", "a,null,null", new double[] {2.0, 1.5, 1.0, 0.5, 0.0}, 3, 5);
        String vjp = forwardOf("streamed");
        // Restored for Math.log(scaled) of the point before; not inside the else branch's scaled +=.
        assertTrue(count(vjp, "doubles.push(scaled)") <= 2, vjp);
        assertFalse(vjp.contains("ints.push(c)"), vjp);
    }

    @Test
    void countersStartingAtAnExpressionOrSteppingByTwoAreRecomputed() {
        for (int d = 0; d <= 5; d++) {
            checkAgainstMethod(g, "triangular", "w,null", new double[] {0.3, -1.2, 2.0, 0.7, -0.1}, d);
        }
        String vjp = forwardOf("triangular");
        assertFalse(vjp.contains("ints.push(j"), vjp);
    }

    @Test
    void innerTripCountsAreRecomputedFromTheirBoundsInsteadOfSaved() {
        for (int d = 0; d <= 4; d++) {
            checkAgainstMethod(g, "boundedTrips", "w,null", new double[] {0.3, -1.2, 2.0, 0.7, -0.1, 0.9}, d);
        }
        String vjp = forwardOf("boundedTrips");
        // j from i + 1 to d and from i to <= d - 1: recomputed; the two loops bounded by top (which
        // the backward pass does not restore) keep their saved trip counts.
        assertEquals(2, count(vjp, "ints.push(trips"), vjp);
        assertFalse(vjp.contains("int trips1 = 0;"), vjp);
        assertTrue(source.contains("d - 1 >= i_ ? d - 1 - i_ + 1 : 0"), source);
        String quadratic = forwardOf("quadratic");
        assertFalse(quadratic.contains("ints.push(trips"), quadratic);
    }

    @Test
    void aCounterReadAfterItsLoopIsRestoredForTheRoundBefore() {
        checkAgainstMethod(g, "counterReadAfter", "w,null", new double[] {0.3, -0.6, 0.9}, 3);
        checkAgainstMethod(g, "counterReadAfter", "w,null", new double[] {1.1, 0.4}, 1);
    }

    /** The forward pass that saves the tapes: {@code nameVjp}'s body. */
    private static String forwardOf(String name) {
        Matcher m = Pattern.compile("private static \\w+Pullback " + name + "Vjp\\(").matcher(source);
        assertTrue(m.find(), "no " + name + "Vjp");
        int end = source.indexOf("\n    }\n", m.end());
        return source.substring(m.start(), end);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
