package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.List;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;

/** {@code @Derivative}: user rules are checked (signature, then numerically) and then used. */
class CustomDerivativeTest {
    private static String source(String rule) {
        return """
                package demo;

                import dev.fluxion.annotation.Derivative;
                import dev.fluxion.annotation.Differentiable;

                class Stable {
                    static double log1pexp(double x) {
                        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
                    }

                    @Derivative(of = "log1pexp")
                %s

                    static double hyp(double a, double b) { return Math.sqrt(a * a + b * b); }

                    @Derivative(of = "hyp")
                    static double[] hypBackward(double a, double b, double g) {
                        double r = Math.sqrt(a * a + b * b);
                        return new double[] {g * a / r, g * b / r};
                    }

                    @Differentiable
                    static double loss(double w, double z) { return log1pexp(w * z) + hyp(w, 2 * z); }
                }
                """.formatted(rule);
    }

    private static Compilation compile(String src) {
        return Generated.javac().compile(JavaFileObjects.forSourceString("demo.Stable", src));
    }

    @Test
    void correctRuleIsVerifiedAndUsed() {
        String src = source("    static double log1pexpBackward(double x, double g) { return g / (1 + Math.exp(-x)); }");
        Compilation c = compile(src);
        assertThat(c).succeeded();
        assertEquals(List.of(), c.diagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.NOTE)
                .map(d -> d.getMessage(null)).filter(m -> m.contains("not verified")).toList());
        Generated g = Generated.compile("demo.Stable", src);
        double w = 0.7;
        double z = -1.3;
        Object r = g.call("demo.StableGrad", "lossGrad", w, z);
        double s = 1 / (1 + Math.exp(-w * z));
        double h = Math.hypot(w, 2 * z);
        assertEquals(Math.log1p(Math.exp(w * z)) + h, (double) Generated.get(r, "value"), 1e-12);
        assertEquals(s * z + w / h, (double) Generated.get(r, "w"), 1e-12);
        assertEquals(s * w + 4 * z / h, (double) Generated.get(r, "z"), 1e-12);
        // The rule's own generated entry points exist too.
        Object own = g.call("demo.StableGrad", "log1pexpGrad", 2.0);
        assertEquals(1 / (1 + Math.exp(-2.0)), (double) Generated.get(own, "x"), 1e-12);
    }

    @Test
    void wrongRuleFailsTheBuildAtTheRule() {
        // Missing the minus sign: the derivative of log(1 + e^x) is σ(x), not σ(−x).
        Compilation c = compile(source(
                "    static double log1pexpBackward(double x, double g) { return g / (1 + Math.exp(x)); }"));
        assertThat(c).hadErrorContaining(
                "gradient check failed for log1pexp (its @Derivative rule log1pexpBackward) with respect to `x` at x=")
                .inFile(c.sourceFiles().getFirst()).onLine(12);
        // The caller, whose chain rule uses the wrong rule, fails too.
        assertThat(c).hadErrorContaining("gradient check failed for loss with respect to `w`");
        assertThat(c).hadErrorCount(2);
    }

    @Test
    void signatureIsCheckedAgainstThePrimal() {
        Compilation c = compile(source("    static float log1pexpBackward(double x, float g) { return g; }"));
        assertThat(c).hadErrorContaining("@Derivative rule log1pexpBackward does not match its primal log1pexp: "
                + "the last parameter (the cotangent) is float, not double")
                .inFile(c.sourceFiles().getFirst()).onLine(12);
        assertThat(c).hadErrorContaining("declare it as static double log1pexpBackward(double x, double g)");
    }

    @Test
    void unknownPrimalIsAnError() {
        Compilation c = Generated.javac().compile(JavaFileObjects.forSourceString("demo.U", """
                package demo;

                import dev.fluxion.annotation.Derivative;

                class U {
                    @Derivative(of = "nothing")
                    static double nothingBackward(double x, double g) { return g; }
                }
                """));
        assertThat(c).hadErrorContaining("@Derivative(of = \"nothing\") names no method of this class")
                .inFile(c.sourceFiles().getFirst()).onLine(7);
    }
}
