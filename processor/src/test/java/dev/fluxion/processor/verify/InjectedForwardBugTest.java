package dev.fluxion.processor.verify;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's reproducers 3 and 4 were wrong values of {@code fGrad}, not wrong adjoints: a hoisted
 * temporary read after its variable was reassigned, and a {@code ?:} whose sides shared a
 * temporary computed on one side only. Planted again in the derived forward pass of the same
 * methods ({@link ForwardMutations}), each is caught by the verifier's value check at every one of
 * 20 seeds: the one in a {@code ?:} side because a point is verified on each path.
 */
class InjectedForwardBugTest {
    static final String SOURCE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;

            class Values {
                /** Reproducer 3: f(0.5) = 1.28, the stale temporary gave 0.615. */
                @Differentiable
                static double reassigned(double a) {
                    double v = a;
                    v = v * v / 3;
                    double w = 1 / (v * v + 1);
                    if (a > 0) w = w * 2;
                    return w;
                }

                /** Reproducer 4: a ?: whose two sides share the product x * y. */
                @Differentiable
                static double sharedSides(double x, double y) {
                    return x > 0 ? Math.sin(x * y) : 3 * (x * y);
                }
            }
            """;
    private static final int SEEDS = 20;
    private static Captures.Compiled compiled;

    @BeforeAll
    static void compile() throws Exception {
        compiled = Captures.compile(List.of(), "demo.Values", SOURCE);
    }

    private static long seed(int i) {
        return ("demo.Values" + i).hashCode() * 0x9E3779B97F4A7C15L;
    }

    private static void assertEveryMutantCaughtAtEverySeed(String method) {
        VerificationPhase.Captured m = compiled.get(method);
        for (int s = 0; s < SEEDS; s++) {
            assertTrue(Captures.verify(m, m.derived(), seed(s), true, VerifyMode.STRICT).passed(),
                    method + " itself at seed " + s);
        }
        List<BackwardMutations.Mutant> mutants = ForwardMutations.all(m.derived());
        assertFalse(mutants.isEmpty(), "no place to plant a bug in " + method + ":\n" + IrText.of(m.derived().forward()));
        for (BackwardMutations.Mutant mu : mutants) {
            for (int s = 0; s < SEEDS; s++) {
                VerificationReport r = Captures.verify(m, mu.derived(), seed(s), true, VerifyMode.ON);
                assertTrue(r.failed(), method + ": " + mu + " not caught at seed " + s + " (" + r + ")\n"
                        + IrText.of(mu.derived().forward()));
            }
        }
    }

    @Test
    void aTemporaryReadAfterItsVariableWasReassignedIsCaughtAtEverySeed() {
        assertEveryMutantCaughtAtEverySeed("reassigned");
    }

    @Test
    void aValueComputedOnOneSideOfAConditionalOnlyIsCaughtAtEverySeed() {
        assertEveryMutantCaughtAtEverySeed("sharedSides");
    }
}
