package dev.fluxion.processor.verify;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import dev.fluxion.processor.diff.DerivativeRules;
import dev.fluxion.processor.fwd.TangentRules;
import dev.fluxion.processor.fwd.VectorMode;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A method with a {@code double[]} result is verified at compile time like a tensor one: its
 * backward pass for a random cotangent array against central differences of ⟨v, f⟩, its
 * {@code fJvp} against central differences of {@code f} along a random direction; a wrong rule on
 * either side is an error.
 */
class ArrayResultVerificationTest {
    private static final String SOURCE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;

            class R {
                @Differentiable
                static double[] g(double[] x, double t) {
                    double[] out = new double[x.length];
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        s += Math.sin(x[i] * t);
                        out[i] = x[i] > 0 ? s * x[i] : s + t;
                    }
                    return out;
                }
            }
            """;

    private static Expr sinInsteadOfCos(Expr g, List<Expr> a) {
        return new Expr.Binary(Expr.BinOp.TIMES, g, new Expr.Call(new Callee.Known(Op.MATH_SIN), List.of(a.get(0)),
                Type.Prim.DOUBLE, Pos.NONE), Type.Prim.DOUBLE, Pos.NONE);
    }

    @Test
    void everyCheckRunsUnderStrict() {
        Verification.assertVerified(Verification.compile(List.of("-Afluxion.verify=strict"), "demo.R", SOURCE));
    }

    @Test
    void wrongReverseRuleIsCaught() throws Exception {
        DerivativeRules.RuleOverride wrong = (op, i, g, a, out) -> op != Op.MATH_SIN ? null : sinInsteadOfCos(g, a);
        Compilation c;
        try (AutoCloseable ignored = DerivativeRules.overrideForTesting(wrong)) {
            c = Verification.compile(List.of(), "demo.R", SOURCE);
        }
        assertThat(c).hadErrorContaining("gradient check failed for g with respect to `");
    }

    @Test
    void wrongTangentRuleIsCaught() throws Exception {
        TangentRules.RuleOverride wrong = (op, i, t, a, out) -> op != Op.MATH_SIN ? null : sinInsteadOfCos(t, a);
        Compilation c;
        try (AutoCloseable ignored = TangentRules.overrideForTesting(wrong)) {
            c = Verification.compile(List.of(), "demo.R", SOURCE);
        }
        assertThat(c).hadErrorContaining("forward-mode check failed for g: at x=");
        assertThat(c).hadErrorCount(1);
    }

    @Test
    void wrongVectorModeIsCaught() throws Exception {
        Compilation c;
        try (AutoCloseable ignored = VectorMode.shiftSeedsForTesting()) {
            c = Verification.compile(List.of(), "demo.R", SOURCE);
        }
        assertThat(c).hadErrorContaining("Jacobian check failed for g: at x=");
        assertThat(c).hadErrorContaining("of gJacobianForward (all columns in one pass) is");
        assertThat(c).hadErrorCount(1);
    }
}
