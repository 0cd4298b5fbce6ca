package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.DType;
import dev.fluxion.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Elementwise fusion ({@code opt/ElementwiseFusion}, {@code -Afluxion.fuse=false} to turn it off):
 * the generated code fuses what it should, with a comment naming the ops and lines, and the fused
 * and unfused code give the same values and gradients bit for bit (every op of a group runs the
 * runtime's deterministic row kernels; a trailing reduction runs the unfused reduction), float32
 * and float64, with row, column and scalar broadcasting.
 */
class ElementwiseFusionTest {
    private static final String SOURCE = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class Fusion {
                @Differentiable
                static Tensor logistic(@NoGrad Tensor x, @NoGrad Tensor y, Tensor w, Tensor b) {
                    Tensor p = sigmoid(x.matmul(w).plus(b));
                    return y.times(log(p)).plus(y.rsub(1).times(log(p.rsub(1)))).mean().neg();
                }

                @Differentiable
                static Tensor chain(Tensor x, Tensor row, Tensor col, double s) {
                    Tensor a = tanh(x.times(row).plus(col).times(s));
                    Tensor b = exp(a.times(0.5)).minus(x.square()).div(2.0);
                    return b.sum();
                }

                @Differentiable
                static Tensor activations(Tensor x, Tensor w) {
                    Tensor h = relu(x.times(w).minus(0.25)).plus(softplus(x).times(0.1f));
                    Tensor g = sin(h).times(cos(x)).plus(abs(x).sqrt());
                    return g.times(g).mean();
                }

                // The examples' tensor methods, verbatim (AttributeTour, GradientBasics; logistic is
                // LogisticRegression.loss).
                @Differentiable
                static Tensor meanOfSquares(Tensor x) {
                    Tensor y = x.plus(2);
                    Tensor z = y.times(y).times(3);
                    return z.mean();
                }

                @Differentiable
                static Tensor doubling(Tensor x) {
                    Tensor y = x.times(2);
                    while (y.norm().item() < 1000) {
                        y = y.times(2);
                    }
                    return y;
                }

                @Differentiable
                static Tensor affineSum(Tensor x) {
                    Tensor y = x.times(2).plus(1);
                    return y.sum();
                }

                @Differentiable
                static Tensor softmaxT(Tensor x, @NoGrad double temperature) {
                    return softmax(x.div(temperature), 0);
                }

                @Differentiable
                static Tensor looped(Tensor x, @NoGrad int n) {
                    Tensor acc = x;
                    for (int i = 0; i < n; i++) {
                        acc = sigmoid(acc.times(1.5).plus(x)).times(acc);
                    }
                    return acc.sum();
                }
            }
            """;

    private static Generated fused;
    private static Generated unfused;

    private static synchronized void compile() {
        if (fused == null) {
            fused = Generated.compileWith(List.of("-Afluxion.verify=strict"), "demo.Fusion", SOURCE);
            unfused = Generated.compileWith(List.of("-Afluxion.verify=strict", "-Afluxion.fuse=false"),
                    "demo.Fusion", SOURCE);
        }
    }

    @Test
    void fusedCodeCallsFusedMapWithACommentNamingTheOpsAndLines() {
        compile();
        String code = source(fused);
        // Forward: values the backward pass does not read.
        assertTrue(code.contains("// fused times, minus, relu (line 25)\n"), code);
        assertTrue(code.contains("Tensor relu1 = Fused.map(\"relu(t0 * t1 - 0.25)\", x, w);"), code);
        assertTrue(code.contains("Tensor b = Fused.map(\"(t0 - t1) / 2.0\", exp1, square1);"), code);
        // Backward: rules written as their bodies, a float literal as the double the runtime receives.
        assertTrue(code.contains("// fused minusGradB, squareGrad (line 19)\n"), code);
        assertTrue(code.contains("Tensor x_adj = Fused.map(\"unbroadcast(unbroadcast(-t0, t1) * t2 * 2.0, t2)\", "
                + "minus1_adj, square1, x);"), code);
        assertTrue(code.contains("Fused.map(\"unbroadcast(t0, t1) * 0.10000000149011612\", h_adj, times2);"), code);
        assertFalse(source(unfused).contains("Fused.map"), "fusion off");
    }

    @Test
    void preActivationsReadOnlyForTheirShapeAreNeitherSavedNorStored() {
        compile();
        String code = source(fused);
        // sigmoidGrad and reluGrad read their output: x·w + b and x·w − 0.25 are fused away.
        assertTrue(code.contains("Tensor p = Fused.map(\"sigmoid(t0 + t1)\", matmul1, b);"), code);
        assertTrue(code.contains("Derivatives.sigmoidGrad(p_adj, p, p)"), code);
        assertTrue(code.contains("Fused.map(\"relu(t0 * t1 - 0.25)\", x, w)"), code);
        assertTrue(source(unfused).contains("Derivatives.sigmoidGrad(p_adj, plus1, p)"), "fusion off keeps the rule");
    }

    @Test
    void aFusedGroupsShapeErrorNamesTheOpAndTheSourceLine() {
        compile();
        Tensor x = Tensor.zeros(3, 4);
        Tensor w = Tensor.zeros(5);
        for (Generated g : new Generated[] {fused, unfused}) {
            AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                    () -> g.call("demo.FusionGrad", "activationsGrad", x, w));
            String message = e.getCause().getMessage();
            assertTrue(message.contains("times: shapes [3, 4] and [5] cannot be broadcast"), message);
            assertTrue(message.contains("at Fusion.java:25: Tensor h = relu(x.times(w).minus(0.25))"), message);
        }
    }

    @Test
    void fusedAndUnfusedGiveTheSameBits() {
        compile();
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Random rng = new Random(5);
            Tensor x = Tensor.randn(rng, dt, 6, 4);
            agree("logistic", x.slice(1, 0, 2), Tensor.rand(rng, dt, 6, 1).gt(0.5).to(dt), Tensor.randn(rng, dt, 2, 1),
                    Tensor.randn(rng, dt, 1));
            agree("chain", x, Tensor.randn(rng, dt, 4), Tensor.randn(rng, dt, 6, 1), 0.75);
            agree("chain", Tensor.randn(rng, dt, 40, 50), Tensor.randn(rng, dt, 50), Tensor.randn(rng, dt, 40, 1), -1.5);
            agree("activations", x, Tensor.randn(rng, dt, 1));
            agree("activations", Tensor.randn(rng, dt, 3000), Tensor.randn(rng, dt, 3000));
            agree("looped", x, 3);
            agree("meanOfSquares", x);
            agree("affineSum", x);
        }
    }

    /**
     * {@code fGrad} of both compilations: the value and every gradient component, bit for bit
     * ({@code doubling} and {@code softmaxT} return tensors, so they have no {@code fGrad}: the strict
     * verifier checks them).
     */
    private static void agree(String method, Object... args) {
        agreeBitForBit(fused, unfused, "demo.FusionGrad", method, args);
    }

    /** {@code fGrad} of {@code method} in two compilations of {@code gradClass}: the value and every component, bit for bit. */
    static void agreeBitForBit(Generated fused, Generated unfused, String gradClass, String method, Object... args) {
        Object a = fused.call(gradClass, method + "Grad", args);
        Object b = unfused.call(gradClass, method + "Grad", args);
        for (RecordComponent c : a.getClass().getRecordComponents()) {
            Object va = Generated.get(a, c.getName());
            Object vb = Generated.get(b, c.getName());
            String what = method + "." + c.getName();
            if (va instanceof Tensor ta) {
                Tensor tb = (Tensor) vb;
                assertEquals(tb.dtype(), ta.dtype(), what);
                assertArrayEquals(tb.shape(), ta.shape(), what);
                assertArrayEquals(tb.toDoubleArray(), ta.toDoubleArray(), 0.0, what);
            } else {
                assertEquals(vb, va, what);
            }
        }
    }

    static String source(Generated g) {
        List<String> out = new ArrayList<>();
        for (JavaFileObject f : g.compilation().generatedSourceFiles()) {
            try {
                out.add(f.getCharContent(true).toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return String.join("\n", out);
    }
}
