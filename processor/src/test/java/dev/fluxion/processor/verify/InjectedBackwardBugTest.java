package dev.fluxion.processor.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluxion.processor.model.DerivedMethod;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A bug planted in the backward pass of a correct method, on one branch direction or loop exit
 * only ({@link BackwardMutations}), is caught by the verifier at every one of 20 seeds (a seed is
 * what a class rename changes), because it verifies one point per path the inputs can reach. The
 * verifier before path coverage checked one point and missed each such bug at some seeds: the
 * tests run it too ({@code coverage = false}) and require that it missed some, so that they show
 * what coverage adds. The methods are modelled on issue 10's reproducers 1–4.
 */
class InjectedBackwardBugTest {
    static final String SOURCE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class Paths {
                /** Reproducer 1's shape, one level: only the x > 1 direction's adjoint differs. */
                @Differentiable
                static double ifElseInLoop(double x) {
                    double s = 0;
                    for (int i = 0; i < 2; i++) {
                        if (x > 1) { s += x * x; } else { s += 2 * x; }
                    }
                    return s;
                }

                /** Reproducer 1: a nested if inside a loop. */
                @Differentiable
                static double nestedIfInLoop(double x) {
                    double s = 0;
                    for (int i = 0; i < 2; i++) { if (x > 0) { if (x > 1) { s += x; } else { s += 2 * x; } } }
                    return s;
                }

                /** Reproducer 1's variant: a ?: inside an if inside a loop. */
                @Differentiable
                static double conditionalInIfInLoop(double x, double y) {
                    double s = 0;
                    for (int i = 0; i < 2; i++) { if (y > 0) { s += x > 1 ? x * y : 3 * x; } }
                    return s;
                }

                /** A ?: in a loop. */
                @Differentiable
                static double conditionalInLoop(double x, double y) {
                    double s = 0;
                    for (int i = 0; i < 3; i++) { s += x > 1 ? x * y : 3 * x + y; }
                    return s;
                }

                /**
                 * Reproducer 5's class as the fuzzer found it: s overflows (|x| > 1.3 or so), then
                 * a while the engine cannot prove runs overwrites it; the gradient is 2 everywhere.
                 */
                @Differentiable
                static double overwrittenAfterOverflow(double x) {
                    double s = x;
                    for (int i = 0; i < 3; i++) { s = Math.exp(s * x); }
                    int k = 0;
                    while (k < 1) { k++; s = x; }
                    return s * 2;
                }

                /** Reproducer 2: early return, continue and break in nested loops. */
                @Differentiable
                static double jumpsInNestedLoops(double[] x, @NoGrad double limit) {
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
            }
            """;
    private static final int SEEDS = 20;
    private static Captures.Compiled compiled;

    @BeforeAll
    static void compile() throws Exception {
        compiled = Captures.compile(List.of(), "demo.Paths", SOURCE);
    }

    private static long seed(int i) {
        return ("demo.Paths" + i).hashCode() * 0x9E3779B97F4A7C15L;
    }

    private static boolean caught(VerificationReport r) {
        return r.failed();
    }

    /**
     * Plants every {@link BackwardMutations mutation} in {@code method}'s backward pass and
     * requires the verifier to catch each one at every seed; returns how many (mutant, seed)
     * pairs the single-point verifier missed, and prints them.
     */
    private static int assertEveryMutantCaughtAtEverySeed(String method) {
        VerificationPhase.Captured m = compiled.get(method);
        List<BackwardMutations.Mutant> mutants = BackwardMutations.all(m.derived());
        assertFalse(mutants.isEmpty(), "no place to plant a bug in " + method + ":\n" + IrText.of(m.derived().backward()));
        int oldMisses = 0;
        for (BackwardMutations.Mutant mu : mutants) {
            List<Integer> oldMissed = new ArrayList<>();
            for (int s = 0; s < SEEDS; s++) {
                VerificationReport r = Captures.verify(m, mu.derived(), seed(s), true, VerifyMode.ON);
                assertTrue(caught(r), method + ": " + mu + " not caught at seed " + s + " (" + r + ")\n"
                        + IrText.of(mu.derived().backward()));
                if (!caught(Captures.verify(m, mu.derived(), seed(s), false, VerifyMode.ON))) {
                    oldMissed.add(s);
                }
            }
            oldMisses += oldMissed.size();
            System.out.println(method + ": " + mu + ": the single-point verifier missed it at seeds " + oldMissed);
        }
        return oldMisses;
    }

    /** The verdict on an unmutated method is the same at every seed: the verifier's answer is no lottery. */
    private static void assertVerdictIndependentOfSeed(String method) {
        VerificationPhase.Captured m = compiled.get(method);
        List<Integer> failed = new ArrayList<>();
        for (int s = 0; s < SEEDS; s++) {
            if (Captures.verify(m, m.derived(), seed(s), true, VerifyMode.ON).failed()) {
                failed.add(s);
            }
        }
        assertTrue(failed.isEmpty() || failed.size() == SEEDS, method + " failed at seeds " + failed + " only");
    }

    private static void assertCorrectAtEverySeed(String method) {
        VerificationPhase.Captured m = compiled.get(method);
        for (int s = 0; s < SEEDS; s++) {
            VerificationReport r = Captures.verify(m, m.derived(), seed(s), true, VerifyMode.STRICT);
            assertTrue(r.passed(), method + " at seed " + s + ": " + r);
        }
    }

    @Test
    void wrongAdjointOnOneBranchDirectionOfAnIfInALoopIsCaughtAtEverySeed() {
        assertCorrectAtEverySeed("ifElseInLoop");
        // Seeds 0-3, 5-9, 11-13, 15-17, 19 draw x < 1 at the one point of the old verifier.
        assertTrue(assertEveryMutantCaughtAtEverySeed("ifElseInLoop") > 0);
    }

    @Test
    void wrongAdjointInANestedIfInALoopIsCaughtAtEverySeed() {
        assertVerdictIndependentOfSeed("nestedIfInLoop");
        assertTrue(assertEveryMutantCaughtAtEverySeed("nestedIfInLoop") > 0);
    }

    @Test
    void wrongAdjointOfAConditionalInsideAnIfInALoopIsCaughtAtEverySeed() {
        assertVerdictIndependentOfSeed("conditionalInIfInLoop");
        assertTrue(assertEveryMutantCaughtAtEverySeed("conditionalInIfInLoop") > 0);
    }

    @Test
    void wrongAdjointOfAConditionalInALoopIsCaughtAtEverySeed() {
        assertCorrectAtEverySeed("conditionalInLoop");
        assertTrue(assertEveryMutantCaughtAtEverySeed("conditionalInLoop") > 0);
    }

    @Test
    void wrongAdjointBehindReturnContinueOrBreakInNestedLoopsIsCaughtAtEverySeed() {
        assertVerdictIndependentOfSeed("jumpsInNestedLoops");
        assertTrue(assertEveryMutantCaughtAtEverySeed("jumpsInNestedLoops") > 0);
    }

    @Test
    void nanFromAValueThatOverflowedAndWasLeftBehindIsCaughtAtEverySeed() {
        assertCorrectAtEverySeed("overwrittenAfterOverflow");
        VerificationPhase.Captured m = compiled.get("overwrittenAfterOverflow");
        BackwardMutations.Mutant unguarded = BackwardMutations.unguarded(m.derived());
        for (int s = 0; s < SEEDS; s++) {
            VerificationReport r = Captures.verify(m, unguarded.derived(), seed(s), true, VerifyMode.ON);
            assertTrue(caught(r), "not caught at seed " + s + " (" + r + ")\n" + IrText.of(unguarded.derived().backward()));
            assertTrue(r.diagnostics().getFirst().text().contains("NaN"), r.diagnostics().getFirst().text());
        }
    }

    @Test
    void theMessageNamesThePathOfThePointWhereTheGradientIsWrong() {
        VerificationPhase.Captured m = compiled.get("ifElseInLoop");
        BackwardMutations.Mutant thenNegated = BackwardMutations.all(m.derived()).stream()
                .filter(mu -> mu.description().startsWith("negated in the then-branch")).findFirst().orElseThrow();
        VerificationReport r = Captures.verify(m, thenNegated.derived(), seed(0), true, VerifyMode.ON);
        String message = r.diagnostics().getFirst().text();
        assertTrue(message.matches("gradient check failed for ifElseInLoop with respect to `x` at x=[0-9.]+, taking "
                + "the loop `i < 2` exit when its condition is false \\(line 11\\), if \\(x > 1\\) true \\(line 12\\): "
                + "∂ifElseInLoop/∂x derived -?[0-9.e+-]+, numerical [0-9.e+-]+; largest error .*"), message);
    }
}
