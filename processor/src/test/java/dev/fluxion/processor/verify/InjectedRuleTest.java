package dev.fluxion.processor.verify;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.processor.diff.DerivativeRules;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Type;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * A deliberately wrong rule injected into the processor's own rule table is caught at compile
 * time, at the method that uses it, naming the input; the same methods pass with the real table.
 */
class InjectedRuleTest {
    private static final String SCALAR = """
            package demo;

            import dev.fluxion.annotation.Differentiable;

            class W {
                @Differentiable
                static double f(double x, double y) {
                    return Math.sin(x) * y;
                }
            }
            """;

    private static final String TENSOR = """
            package demo;

            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.Shape;

            class WT {
                @Differentiable
                static Tensor g(@Shape("n") Tensor x) {
                    return x.sigmoid().sum();
                }
            }
            """;

    @Test
    void wrongScalarRuleIsCaught() throws Exception {
        // d sin(x) = g·sin(x) instead of g·cos(x).
        DerivativeRules.RuleOverride wrong = (op, i, g, a, out) -> op != Op.MATH_SIN ? null
                : new Expr.Binary(Expr.BinOp.TIMES, g, new Expr.Call(new Callee.Known(Op.MATH_SIN), List.of(a.get(0)),
                        Type.Prim.DOUBLE, Pos.NONE), Type.Prim.DOUBLE, Pos.NONE);
        Compilation c;
        try (AutoCloseable ignored = DerivativeRules.overrideForTesting(wrong)) {
            c = Verification.compile(List.of(), "demo.W", SCALAR);
        }
        assertThat(c).hadErrorContaining("gradient check failed for f with respect to `x` at x=");
        assertThat(c).hadErrorContaining("largest error");
        // A scalar result: each input's partial derivative, not vᵀJ for a random v.
        assertThat(c).hadErrorContaining(": ∂f/∂x derived ");
        assertThat(c).hadErrorContaining("; ∂f/∂y derived ");
        assertThat(c).hadErrorContaining(" (agree); largest error");
        assertThat(c).hadErrorCount(1);
        Verification.assertVerified(Verification.compile("demo.W", SCALAR));
    }

    @Test
    void wrongTensorRuleIsCaughtOnTheMethodLine() throws Exception {
        // sigmoid' = out·g (exp's rule) instead of out·(1 − out)·g.
        DerivativeRules.RuleOverride wrong = (op, i, g, a, out) -> op != Op.SIGMOID ? null
                : new Expr.Call(new Callee.Static("dev.fluxion.Derivatives", "expGrad"), List.of(g, a.get(0), out),
                        Type.TENSOR, Pos.NONE);
        Compilation c;
        try (AutoCloseable ignored = DerivativeRules.overrideForTesting(wrong)) {
            c = Verification.compile(List.of(), "demo.WT", TENSOR);
        }
        assertThat(c).hadErrorContaining("gradient check failed for g with respect to `x` at x=[3]{")
                .inFile(c.sourceFiles().getFirst()).onLine(9);
        // sum() is a scalar tensor: partial derivatives again, by element.
        assertThat(c).hadErrorContaining("∂g/∂x[");
        Verification.assertVerified(Verification.compile("demo.WT", TENSOR));
    }
}
