package dev.fluxion.processor.verify;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.util.List;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;

/**
 * The verifier checks one point per path and says which: with {@code -Afluxion.verify=on} a note
 * per method names the branch directions and loop exits the verified points covered; under
 * {@code strict} another note names those no verified point took. A plain build stays quiet.
 */
class PathCoverageTest {
    private static final String SOURCE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class Cov {
                @Differentiable
                static double ifElseInLoop(double x) {
                    double s = 0;
                    for (int i = 0; i < 2; i++) {
                        if (x > 1) { s += x * x; } else { s += 2 * x; }
                    }
                    return s;
                }

                @Differentiable
                static double breakOrNot(double x, @NoGrad int n) {
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        s = 0.5 * s + x * (i + 1);
                        if (s > 3) break;
                    }
                    return s + x;
                }

                @Differentiable
                static double unreachable(double x) {
                    if (x * x < -1) {
                        return Math.exp(x);
                    }
                    return x > 0 ? Math.sin(x) : x * x;
                }

                @Differentiable
                static double straight(double x) { return Math.sin(x) * x; }
            }
            """;

    private static List<String> notes(Compilation c, String containing) {
        return c.diagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.NOTE)
                .map(d -> d.getMessage(null)).filter(m -> m.contains(containing)).toList();
    }

    @Test
    void onNoteSaysWhichBranchDirectionsAndLoopExitsWereVerified() {
        Compilation c = Verification.compile(List.of("-Afluxion.verify=on"), "demo.Cov", SOURCE);
        assertThat(c).succeeded();
        assertTrue(notes(c, "gradient of ifElseInLoop verified at ").getFirst()
                .matches("gradient of ifElseInLoop verified at [2-8] points covering 2 of 2 branch directions and 1 of 1 "
                        + "loop exits .*"), notes(c, "ifElseInLoop").toString());
        assertTrue(notes(c, "gradient of breakOrNot verified at ").getFirst()
                .contains("covering 2 of 2 branch directions and 2 of 2 loop exits"), notes(c, "breakOrNot").toString());
        assertTrue(notes(c, "gradient of unreachable verified at ").getFirst()
                .contains("covering 3 of 4 branch directions"), notes(c, "unreachable").toString());
        assertThat(c).hadNoteContaining("gradient of straight verified at 1 point (it has no branches or loops)");
        // Only strict names what was not reached.
        assertEquals(List.of(), notes(c, "no verified input point took"));
    }

    @Test
    void strictNamesTheBranchDirectionsNoVerifiedPointTook() {
        Compilation c = Verification.compile(List.of("-Afluxion.verify=strict"), "demo.Cov", SOURCE);
        assertThat(c).succeeded();
        assertEquals(List.of("gradient of unreachable: no verified input point took if (x * x < -1) true (line 28)"
                + " (hint: if the method can take these paths, check its gradient there in a test of your own)"),
                notes(c, "no verified input point took"));
    }

    @Test
    void aPlainBuildAddsNoNotes() {
        Compilation c = Verification.compile("demo.Cov", SOURCE);
        assertThat(c).succeeded();
        assertEquals(List.of(), notes(c, "gradient of"));
    }
}
