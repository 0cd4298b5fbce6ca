package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@code @Derivative(of = "f", mode = FORWARD)}: a forward (tangent) rule is checked against
 * central differences of its primal at compile time (a wrong one fails the build at the rule), and
 * the generated {@code fJvp} of the primal and of every method calling it use it. A primal of
 * scalars with a reverse rule alone gets its forward mode from that rule; a Tensor primal without a
 * forward rule leaves its callers without one, with a note on the call.
 */
class ForwardRuleTest {
    private static final double H = 1e-6;

    /** Line 15 holds the forward rule of log1pexp, line 28 the forward rule of softsign. */
    private static String source(String log1pexpForward, String softsignForward) {
        return """
                package demo;

                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Derivative;
                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;

                class Rules {
                    static double log1pexp(double x) { return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)); }

                    @Derivative(of = "log1pexp")
                    static double log1pexpBackward(double x, double g) { return g / (1 + Math.exp(-x)); }

                    @Derivative(of = "log1pexp", mode = Derivative.Mode.FORWARD)
                    static double log1pexpForward(double x, double x_dot) { %s }

                    static double hyp(double a, double b) { return Math.sqrt(a * a + b * b); }

                    @Derivative(of = "hyp")
                    static double[] hypBackward(double a, double b, double g) {
                        double r = Math.sqrt(a * a + b * b);
                        return new double[] {g * a / r, g * b / r};
                    }

                    static Tensor softsign(Tensor x) { return x.div(x.abs().plus(1.0)); }

                    @Derivative(of = "softsign", mode = Derivative.Mode.FORWARD)
                    static Tensor softsignForward(Tensor x, Tensor x_dot) { %s }

                    @Derivative(of = "softsign")
                    static Tensor softsignBackward(Tensor x, Tensor g) {
                        Tensor d = x.abs().plus(1.0);
                        return g.div(d.times(d));
                    }

                    @Differentiable
                    static double loss(double w, double z) { return log1pexp(w * z) * hyp(w, 2 * z) + w; }

                    @Differentiable
                    static Tensor layer(Tensor x, Tensor w) { return softsign(x.matmul(w)).times(x.sum()); }

                    @Differentiable
                    static Tensor outer(Tensor a, @NoGrad Tensor b) { return softsign(a.matmul(b)); }
                }
                """.formatted(log1pexpForward, softsignForward);
    }

    private static final String GOOD_LOG1PEXP = "return x_dot / (1 + Math.exp(-x));";
    private static final String GOOD_SOFTSIGN = "Tensor d = x.abs().plus(1.0); return x_dot.div(d.times(d));";

    private static Compilation compile(String src) {
        return Generated.javac().compile(JavaFileObjects.forSourceString("demo.Rules", src));
    }

    @Test
    void forwardRulesAreVerifiedAndUsedByTheCallersJvp() {
        String src = source(GOOD_LOG1PEXP, GOOD_SOFTSIGN);
        Compilation c = compile(src);
        assertThat(c).succeeded();
        Generated g = Generated.compile("demo.Rules", src);
        String generated = g.source("demo.RulesGrad");
        assertTrue(generated.contains("Rules.log1pexpForward(x, x_dot)"), "log1pexpJvp calls the forward rule");
        assertTrue(generated.contains("Rules.softsignForward(x, x_dot)"), "softsignJvp calls the forward rule");
        assertTrue(generated.contains("RulesGrad.log1pexpJvp("), "lossJvp goes through log1pexpJvp");
        assertTrue(generated.contains("RulesGrad.softsignJvp("), "layerJvp goes through softsignJvp");

        // The primal's own fJvp: the rule's tangent, the primal's value.
        Object own = g.call("demo.RulesGrad", "log1pexpJvp", -0.8, 2.5);
        assertEquals(Math.log1p(Math.exp(-0.8)), (double) Generated.get(own, "value"), 1e-15);
        assertEquals(2.5 / (1 + Math.exp(0.8)), (double) Generated.get(own, "tangent"), 1e-15);

        // The caller's fJvp against central differences of the caller, in float64.
        double w = 0.7;
        double z = -1.3;
        double dw = 0.4;
        double dz = -1.1;
        Object r = g.call("demo.RulesGrad", "lossJvp", w, z, dw, dz);
        double fd = ((double) g.call("demo.RulesGrad", "loss", w + H * dw, z + H * dz)
                - (double) g.call("demo.RulesGrad", "loss", w - H * dw, z - H * dz)) / (2 * H);
        assertEquals(fd, (double) Generated.get(r, "tangent"), 1e-8);
        assertEquals((double) g.call("demo.RulesGrad", "loss", w, z), (double) Generated.get(r, "value"), 1e-15);
        // ... and against the gradient from the reverse rules: ∇loss · v.
        Object grad = g.call("demo.RulesGrad", "lossGrad", w, z);
        double dot = (double) Generated.get(grad, "w") * dw + (double) Generated.get(grad, "z") * dz;
        assertEquals(dot, (double) Generated.get(r, "tangent"), 1e-12);
    }

    @Test
    void tensorForwardRuleGivesTheCallersJvpAndJacobianByColumns() {
        Generated g = Generated.compile("demo.Rules", source(GOOD_LOG1PEXP, GOOD_SOFTSIGN));
        Tensor x = Tensor.fromArray(new double[] {0.3, -1.2, 0.8, 2.0, -0.4, 0.1}, 2, 3);
        Tensor w = Tensor.fromArray(new double[] {0.5, -0.7, 1.1, 0.2, -0.9, 0.6}, 3, 2);
        Tensor dx = Tensor.fromArray(new double[] {0.2, 0.1, -0.3, 0.5, -0.6, 0.4}, 2, 3);
        Tensor dw = Tensor.fromArray(new double[] {-0.1, 0.8, 0.3, -0.5, 0.7, 0.2}, 3, 2);
        Object r = g.call("demo.RulesGrad", "layerJvp", x, w, dx, dw);
        double[] tangent = ((Tensor) Generated.get(r, "tangent")).toDoubleArray();
        double[] plus = ((Tensor) g.call("demo.RulesGrad", "layer", x.plus(dx.times(H)), w.plus(dw.times(H))))
                .toDoubleArray();
        double[] minus = ((Tensor) g.call("demo.RulesGrad", "layer", x.minus(dx.times(H)), w.minus(dw.times(H))))
                .toDoubleArray();
        assertEquals(4, tangent.length);
        for (int k = 0; k < tangent.length; k++) {
            assertEquals((plus[k] - minus[k]) / (2 * H), tangent[k], 1e-7, "element " + k);
        }
        // A Jacobian with more outputs (6) than inputs (2) is computed by columns, through outerJvp.
        assertTrue(dev.fluxion.Jacobians.forward(Tensor.zeros(2, 3), new Tensor[] {Tensor.zeros(2, 1)}));
        Tensor a = Tensor.fromArray(new double[] {0.7, -1.4}, 2, 1);
        Tensor b = Tensor.fromArray(new double[] {0.5, -2.0, 1.5}, 1, 3);
        Tensor ja = (Tensor) Generated.get(g.call("demo.RulesGrad", "outerJacobian", a, b), "a");
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {2, 3, 2, 1}, ja.shape());
        double[] jac = ja.toDoubleArray();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 2; k++) {
                    double u = a.toDoubleArray()[i] * b.toDoubleArray()[j];
                    double expected = i == k ? b.toDoubleArray()[j] / ((1 + Math.abs(u)) * (1 + Math.abs(u))) : 0;
                    assertEquals(expected, jac[(i * 3 + j) * 2 + k], 1e-12, "d out[" + i + "," + j + "] / d a[" + k + "]");
                }
            }
        }
        // softsign's own fJvp: x_dot / (1 + |x|)².
        Tensor s = Tensor.of(-2.0, 0.5);
        Object own = g.call("demo.RulesGrad", "softsignJvp", s, Tensor.of(1.0, 3.0));
        assertEquals(Arrays.toString(new double[] {1 / 9.0, 3 / 2.25}),
                Arrays.toString(((Tensor) Generated.get(own, "tangent")).toDoubleArray()));
    }

    @Test
    void scalarPrimalWithOnlyAReverseRuleGetsItsForwardModeFromIt() {
        Generated g = Generated.compile("demo.Rules", source(GOOD_LOG1PEXP, GOOD_SOFTSIGN));
        assertTrue(g.source("demo.RulesGrad").contains("Rules.hypBackward(a, b, 1.0)"));
        double a = 1.5;
        double b = -0.5;
        Object r = g.call("demo.RulesGrad", "hypJvp", a, b, 0.3, 2.0);
        double h = Math.hypot(a, b);
        assertEquals(h, (double) Generated.get(r, "value"), 1e-15);
        assertEquals((a * 0.3 + b * 2.0) / h, (double) Generated.get(r, "tangent"), 1e-15);
    }

    @Test
    void wrongForwardRuleFailsTheBuildAtTheRule() {
        // Missing the minus sign: the derivative of log(1 + e^x) is σ(x), not σ(−x).
        Compilation c = compile(source("return x_dot / (1 + Math.exp(x));", GOOD_SOFTSIGN));
        assertThat(c).hadErrorContaining("forward-mode check failed for log1pexp (its @Derivative forward rule "
                + "log1pexpForward): at x=").inFile(c.sourceFiles().getFirst()).onLine(15);
        assertThat(c).hadErrorContaining("central differences of log1pexp give");
        assertThat(c).hadErrorCount(1);
    }

    @Test
    void wrongTensorForwardRuleFailsTheBuildAtTheRule() {
        // (1 + |x|) instead of its square.
        Compilation c = compile(source(GOOD_LOG1PEXP, "return x_dot.div(x.abs().plus(1.0));"));
        assertThat(c).hadErrorContaining("forward-mode check failed for softsign (its @Derivative forward rule "
                + "softsignForward)").inFile(c.sourceFiles().getFirst()).onLine(28);
        assertThat(c).hadErrorCount(1);
    }

    @Test
    void forwardRuleSignatureIsCheckedAgainstThePrimal() {
        Compilation c = compile(source(GOOD_LOG1PEXP, GOOD_SOFTSIGN)
                .replace("static double log1pexpForward(double x, double x_dot)",
                        "static float log1pexpForward(double x, double x_dot)"));
        assertThat(c).hadErrorContaining("@Derivative rule log1pexpForward does not match its primal log1pexp: "
                + "it returns float, not double (the tangent of the result)").inFile(c.sourceFiles().getFirst()).onLine(15);
        assertThat(c).hadErrorContaining("declare it as static double log1pexpForward(double x, double x_dot)");
    }

    @Test
    void forwardRuleWithoutAReverseRuleIsAnError() {
        Compilation c = Generated.javac().compile(JavaFileObjects.forSourceString("demo.F", """
                package demo;

                import dev.fluxion.annotation.Derivative;

                class F {
                    static double cube(double x) { return x * x * x; }

                    @Derivative(of = "cube", mode = Derivative.Mode.FORWARD)
                    static double cubeForward(double x, double x_dot) { return 3 * x * x * x_dot; }
                }
                """));
        assertThat(c).hadErrorContaining("cube has no reverse rule, which fGrad and every caller's backward pass need")
                .inFile(c.sourceFiles().getFirst()).onLine(9);
    }

    @Test
    void tensorPrimalWithOnlyAReverseRuleLeavesItsCallersWithoutForwardModeAndSaysWhy() {
        String src = """
                package demo;

                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Derivative;
                import dev.fluxion.annotation.Differentiable;

                class Only {
                    static Tensor softsign(Tensor x) { return x.div(x.abs().plus(1.0)); }

                    @Derivative(of = "softsign")
                    static Tensor softsignBackward(Tensor x, Tensor g) {
                        Tensor d = x.abs().plus(1.0);
                        return g.div(d.times(d));
                    }

                    @Differentiable
                    static Tensor layer(Tensor x) {
                        return softsign(x).sum();
                    }
                }
                """;
        Compilation c = Generated.javac().compile(JavaFileObjects.forSourceString("demo.Only", src));
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("layer gets no forward mode (layerJvp, layerHvp): it calls softsign, whose "
                + "@Derivative rule is reverse only").inFile(c.sourceFiles().getFirst()).onLine(18);
        assertThat(c).hadNoteContaining("@Derivative(of = \"softsign\", mode = Derivative.Mode.FORWARD)");
        Generated g = Generated.compile("demo.Only", src);
        assertFalse(Arrays.stream(g.load("demo.OnlyGrad").getMethods()).anyMatch(m -> m.getName().equals("layerJvp")));
        // Reverse mode is unaffected.
        Object grad = g.call("demo.OnlyGrad", "layerGrad", Tensor.of(-1.0, 3.0));
        assertEquals(Arrays.toString(new double[] {0.25, 1 / 16.0}),
                Arrays.toString(((Tensor) Generated.get(grad, "x")).toDoubleArray()));
    }
}
