package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fluxion.Tensor;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, reproducer 11: benign code that was refused or mis-derived. Expected edge values are
 * PyTorch's (float64), each with the torch call that gives it.
 */
class BenignCodeTest {
    private static final String HEADER = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;

            class Benign {
            """;

    private static Generated compile(String body) {
        Generated g = Generated.compile("demo.Benign", HEADER + body + "}\n");
        for (Diagnostic<?> d : g.compilation().diagnostics()) {
            if (d.getKind() == Diagnostic.Kind.WARNING || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING) {
                throw new AssertionError("unexpected warning: " + d.getMessage(null));
            }
        }
        return g;
    }

    private static double component(Object record, String name) {
        return (double) Generated.get(record, name);
    }

    @Test
    void identityTensorCastIsAcceptedWithoutAFalseWarning() {
        Generated g = compile("""
                @Differentiable
                static Tensor f(Tensor x) {
                    Tensor h = (Tensor) (exp(x));
                    return h.sum();
                }
                """);
        Tensor x = Tensor.of(new double[] {0.5, -1.0});
        Object r = g.call("demo.BenignGrad", "fGrad", x);
        assertEquals(Math.exp(0.5) + Math.exp(-1.0), ((Tensor) Generated.get(r, "value")).item(), 1e-12);
        assertArrayEquals(new double[] {Math.exp(0.5), Math.exp(-1.0)},
                ((Tensor) Generated.get(r, "x")).toDoubleArray(), 1e-12);
    }

    @Test
    void doubleCastsOfDoublesAndFloatsKeepTheirGradients() {
        Generated g = compile("""
                @Differentiable
                static double f(double x, float y) {
                    double a = (double) (x * x);
                    return a * (double) y + (double) x;
                }
                """);
        Object r = g.call("demo.BenignGrad", "fGrad", 1.5, 0.25f);
        assertEquals(2.25 * 0.25 + 1.5, component(r, "value"), 1e-7);
        assertEquals(2 * 1.5 * 0.25 + 1, component(r, "x"), 1e-7);
        assertEquals(2.25f, (float) Generated.get(r, "y"), 1e-6f);
    }

    @Test
    void mathPowSquareAtZeroHasGradientZero() {
        Generated g = compile("""
                @Differentiable
                static double f(double x) { return Math.pow(x, 2); }
                """);
        // x = torch.tensor(0., dtype=torch.float64, requires_grad=True); torch.pow(x, 2).backward(); x.grad → 0.
        assertEquals(0.0, component(g.call("demo.BenignGrad", "fGrad", 0.0), "x"), 0.0);
        assertEquals(-6.0, component(g.call("demo.BenignGrad", "fGrad", -3.0), "x"), 1e-12);
    }

    @Test
    void hypotAtTheOriginHasGradientZeroNotNaN() {
        // Found by the engine helper's fuzz run: s = (a - k) - (a - k) is 0, and s * h(s, s) with
        // h = 1 + hypot(u, u) multiplied 0 by the rule's 0/0 = NaN. The function is 0 for every a.
        Generated g = compile("""
                @Differentiable
                static double h(double u, double w) { double v = 1.0; v += Math.hypot(u, u); return v; }
                @Differentiable
                static double f(double a, double b) {
                    double s = 0.25; int k = 0;
                    while (k < 1) { k++; s = (a - k) - (a - k); s *= h(s, s); }
                    return s;
                }
                @Differentiable
                static double r(double x, double y) { return Math.hypot(x, y); }
                """);
        assertEquals(0.0, component(g.call("demo.BenignGrad", "fGrad", 1.3795, 0.5), "a"), 0.0);
        // At the origin the subgradient 0 (as abs); elsewhere x/r and y/r: (3, 4) gives 0.6, 0.8.
        Object origin = g.call("demo.BenignGrad", "rGrad", 0.0, 0.0);
        assertEquals(0.0, component(origin, "x"), 0.0);
        assertEquals(0.0, component(origin, "y"), 0.0);
        Object r = g.call("demo.BenignGrad", "rGrad", 3.0, 4.0);
        assertEquals(0.6, component(r, "x"), 1e-15);
        assertEquals(0.8, component(r, "y"), 1e-15);
    }

    @Test
    void mathPowZeroToTheZeroHasGradientsZeroAsPyTorch() {
        Generated g = compile("""
                @Differentiable
                static double f(double x, double y) { return Math.pow(x, y); }
                """);
        // x, y = (torch.tensor(0., dtype=torch.float64, requires_grad=True) for _ in range(2));
        // torch.pow(x, y).backward() → value 1, x.grad 0 (y == 0), y.grad 0 (x == 0 and y >= 0).
        Object r = g.call("demo.BenignGrad", "fGrad", 0.0, 0.0);
        assertEquals(1.0, component(r, "value"), 0.0);
        assertEquals(0.0, component(r, "x"), 0.0);
        assertEquals(0.0, component(r, "y"), 0.0);
        // torch.pow(0., 2.): x.grad = 2 * 0^1 = 0, y.grad = 0 (not 0 * log 0 = nan).
        r = g.call("demo.BenignGrad", "fGrad", 0.0, 2.0);
        assertEquals(0.0, component(r, "x"), 0.0);
        assertEquals(0.0, component(r, "y"), 0.0);
        // Away from the edges, the closed forms: d/dx = y x^(y-1), d/dy = x^y ln x.
        r = g.call("demo.BenignGrad", "fGrad", 2.0, 3.0);
        assertEquals(12.0, component(r, "x"), 1e-12);
        assertEquals(8 * Math.log(2), component(r, "y"), 1e-12);
    }

    @Test
    void maxPlusMinAtATieSplitsTheGradientAsPyTorch() {
        Generated g = compile("""
                @Differentiable
                static double f(double x, double y) { return Math.max(x, y) + Math.min(x, y); }

                @Differentiable
                static double g(double x, double y) { return Math.max(x, y); }

                @Differentiable
                static double h(double x, double y) { return Math.min(x, y); }
                """);
        // torch.maximum(x, y) + torch.minimum(x, y) at x = y = 1.5: x.grad = y.grad = 1 (0.5 from each).
        Object r = g.call("demo.BenignGrad", "fGrad", 1.5, 1.5);
        assertEquals(1.0, component(r, "x"), 0.0);
        assertEquals(1.0, component(r, "y"), 0.0);
        // torch.maximum(x, y).backward() at a tie: 0.5 each; off the tie all to the larger side.
        r = g.call("demo.BenignGrad", "gGrad", 1.5, 1.5);
        assertEquals(0.5, component(r, "x"), 0.0);
        assertEquals(0.5, component(r, "y"), 0.0);
        r = g.call("demo.BenignGrad", "gGrad", 2.0, 1.0);
        assertEquals(1.0, component(r, "x"), 0.0);
        assertEquals(0.0, component(r, "y"), 0.0);
        // torch.minimum(x, y): the same split at a tie, the smaller side otherwise.
        r = g.call("demo.BenignGrad", "hGrad", -1.0, -1.0);
        assertEquals(0.5, component(r, "x"), 0.0);
        assertEquals(0.5, component(r, "y"), 0.0);
        r = g.call("demo.BenignGrad", "hGrad", 2.0, 1.0);
        assertEquals(0.0, component(r, "x"), 0.0);
        assertEquals(1.0, component(r, "y"), 0.0);
    }
}
