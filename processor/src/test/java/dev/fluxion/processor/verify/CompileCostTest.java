package dev.fluxion.processor.verify;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The cost of verification: compiling 100 annotated methods (scalar and tensor, with declared and
 * inferred shapes) with verification on versus off, best of three each. SPEC target: under 2 s.
 */
class CompileCostTest {
    static String hundredMethods() {
        StringBuilder b = new StringBuilder("""
                package demo;

                import static dev.fluxion.F.*;

                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;
                import dev.fluxion.annotation.Shape;

                class Many {
                """);
        for (int i = 0; i < 100; i++) {
            String template = switch (i % 4) {
                case 0 -> "    @Differentiable static double s%d(double a, double b) { return Math.sin(a * b) + %d * a / (b * b + 1); }\n";
                case 1 -> "    @Differentiable static double e%d(double x, @NoGrad double y) { double t = Math.exp(-x * x) * y; return t * t + Math.log1p(x * x) + %d; }\n";
                case 2 -> "    @Differentiable static Tensor t%d(@Shape(\"n,k\") Tensor x, @Shape(\"k\") Tensor w) { return x.matmul(w).tanh().times(%d).sum(); }\n";
                default -> "    @Differentiable static Tensor u%d(Tensor x, @NoGrad Tensor y) { return mse(x.sigmoid().times(%d), y); }\n";
            };
            b.append(template.formatted(i, i + 1));
        }
        return b.append("}\n").toString();
    }

    private static long best(List<String> options, String src) {
        long best = Long.MAX_VALUE;
        for (int r = 0; r < 3; r++) {
            long t0 = System.nanoTime();
            Compilation c = Verification.compile(options, "demo.Many", src);
            long t = System.nanoTime() - t0;
            assertThat(c).succeeded();
            if (!options.contains("-Afluxion.verify=off")) {
                Verification.assertVerified(c);
            }
            best = Math.min(best, t);
        }
        return best;
    }

    /**
     * The verifier's own CPU time for the 100 methods (best of three), measured on this thread:
     * unlike the difference of two compile times it holds still on a loaded machine.
     */
    @Test
    void verifying100MethodsTakesUnderHalfASecondOfCpu() throws Exception {
        double seconds = verifyCpu("demo.Many", hundredMethods(), true);
        System.out.printf("verify 100 methods: %.3f s CPU%n", seconds);
        assertTrue(seconds < 0.5, "verification took " + seconds + " s of CPU");
    }

    /**
     * 100 random methods with branches and ?: ({@link RandomProgramsTest}'s first class), where the
     * path search runs: with coverage and with the first point only.
     */
    @Test
    void verifying100BranchyMethodsTakesUnderTwoSecondsOfCpu() throws Exception {
        double covered = verifyCpu("demo.R0", RandomProgramsTest.source(0), false);
        System.out.printf("verify 100 random branchy methods: %.3f s CPU%n", covered);
        assertTrue(covered < 2, "verification took " + covered + " s of CPU");
    }

    private static double verifyCpu(String name, String source, boolean mustPass) throws Exception {
        Captures.Compiled c = Captures.compile(List.of(), name, source);
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        for (int r = 0; r < 3; r++) {
            long t0 = bean.getCurrentThreadCpuTime();
            for (VerificationPhase.Captured m : c.methods().values()) {
                VerificationReport report = Verifier.verify(m.derived(), m.registry(), m.spec(), VerifyMode.ON, m.display());
                assertTrue(!mustPass || report.passed(), report.toString());
            }
            best = Math.min(best, bean.getCurrentThreadCpuTime() - t0);
        }
        assertEquals(100, c.methods().size());
        return best / 1e9;
    }

    /**
     * Wall-clock: the SPEC's 2 s target for the whole compile. Timing targets do not belong in the
     * suite (a loaded machine fails them), so this runs only with {@code -Dfluxion.timing=true};
     * the two CPU-time tests above stand for it in the suite.
     */
    @Test
    @EnabledIfSystemProperty(named = "fluxion.timing", matches = "true")
    void verificationOf100MethodsCostsUnderTwoSeconds() {
        String src = hundredMethods();
        best(List.of(), src); // warm up javac and the runtime's classes
        long off = best(List.of("-Afluxion.verify=off"), src);
        long on = best(List.of(), src);
        double extra = (on - off) / 1e9;
        System.out.printf("compile 100 methods: verify off %.3f s, on %.3f s, extra %.3f s%n", off / 1e9, on / 1e9, extra);
        assertTrue(extra < 2.0, "verification added " + extra + " s");
    }
}
