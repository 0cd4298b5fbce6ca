package dev.fluxion.processor.verify;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.fluxion.processor.fwd.TangentRules;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compile-time check of {@code fJvp} against central differences catches a wrong tangent rule. */
class TangentVerificationTest {
    private static final String SCALAR = """
            package demo;

            import dev.fluxion.annotation.Differentiable;

            class W {
                @Differentiable
                static double f(double x, double y) {
                    double s = 0;
                    for (int i = 0; i < 3; i++) {
                        s += Math.sin(x * i) * y;
                    }
                    return s;
                }
            }
            """;

    private static final String TENSOR = """
            package demo;

            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;

            class WT {
                @Differentiable
                static Tensor g(Tensor x, Tensor w) {
                    return x.matmul(w).softmax(1).log().sum();
                }
            }
            """;

    @Test
    void wrongScalarTangentRuleIsCaught() throws Exception {
        // sin' = sin instead of cos, in forward mode only: the reverse check still passes.
        TangentRules.RuleOverride wrong = (op, i, t, a, out) -> op != Op.MATH_SIN ? null
                : new Expr.Binary(Expr.BinOp.TIMES, t, new Expr.Call(new Callee.Known(Op.MATH_SIN), List.of(a.get(0)),
                        Type.Prim.DOUBLE, Pos.NONE), Type.Prim.DOUBLE, Pos.NONE);
        Compilation c;
        try (AutoCloseable ignored = TangentRules.overrideForTesting(wrong)) {
            c = Verification.compile(List.of(), "demo.W", SCALAR);
        }
        assertThat(c).hadErrorContaining("forward-mode check failed for f: at x=");
        assertThat(c).hadErrorContaining("fJvp gives the tangent");
        assertThat(c).hadErrorCount(1);
        Verification.assertVerified(Verification.compile("demo.W", SCALAR));
    }

    @Test
    void wrongTensorTangentRuleIsCaught() throws Exception {
        // softmax's tangent without the − Σ out·t term.
        TangentRules.RuleOverride wrong = (op, i, t, a, out) -> op != Op.SOFTMAX ? null
                : new Expr.Call(new Callee.Known(Op.TIMES), List.of(out, t), Type.TENSOR, Pos.NONE);
        Compilation c;
        try (AutoCloseable ignored = TangentRules.overrideForTesting(wrong)) {
            c = Verification.compile(List.of(), "demo.WT", TENSOR);
        }
        assertThat(c).hadErrorContaining("forward-mode check failed for g: at x=");
        assertThat(c).hadErrorCount(1);
        Verification.assertVerified(Verification.compile("demo.WT", TENSOR));
    }

    /**
     * Verifier 10,000-method run after forward mode landed (R4:366): {@code t} overflows to
     * infinity, so the tangent of {@code tanh(… - t)} is {@code 0 · ∞} = NaN where the derivative is
     * 0. A non-finite tangent where an intermediate value overflows is unmeasurable, not wrong.
     */
    @Test
    void nanTangentWhereAnIntermediateOverflowsIsNoFalseAlarm() {
        Compilation c = Verification.compile(List.of("-Afluxion.verify=strict"), "demo.O", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class O {
                    @Differentiable
                    static double m58(double x, double y) {
                        double t = ((x + x) * Math.exp(1e17));
                        if ((2000.0 + 0.76) > (x / (t * t + 1))) {
                            return Math.tanh(((4e7 > y ? 4e7 : y * 2) - (t > x ? t : x * 2)));
                        }
                        return ((Math.cosh(t) * Math.tanh(x)) - Math.tanh(t));
                    }
                }
                """);
        assertThat(c).succeeded();
    }
}
