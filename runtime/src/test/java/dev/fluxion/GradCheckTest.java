package dev.fluxion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** GradCheck accepts right gradients, rejects wrong ones, and says where. */
class GradCheckTest {
    // f(x) = x0²·x1 + sin(x2), ∇f = (2·x0·x1, x0², cos(x2))
    private static final ToDoubleFunction<double[]> F3 = x -> x[0] * x[0] * x[1] + Math.sin(x[2]);
    private static final double[] X = {1.5, -2.0, 0.7};

    private static double[] gradF3(double[] x) {
        return new double[] {2 * x[0] * x[1], x[0] * x[0], Math.cos(x[2])};
    }

    @Test
    void acceptsTheRightGradient() {
        GradCheck.Result r = GradCheck.check(F3, gradF3(X), X);
        assertTrue(r.passed(), r.message());
        assertTrue(r.maxAbsError() < 1e-8, r.message());
        assertEquals(GradCheck.Tolerance.DEFAULT, r.tolerance());
        GradCheck.assertGradient(F3, gradF3(X), X);
    }

    @Test
    void rejectsAWrongPartialAndNamesIt() {
        double[] wrong = gradF3(X);
        wrong[1] += 0.01; // 2.25 → 2.26: beyond 1e-5 + 1e-3·2.25
        GradCheck.Result r = GradCheck.check(F3, wrong, X);
        assertFalse(r.passed());
        assertNotNull(r.worst());
        assertEquals(List.of(1), r.worst().index());
        assertEquals(2.26, r.worst().analytic(), 1e-12);
        assertEquals(2.25, r.worst().numeric(), 1e-8);
        assertEquals(0.01, r.maxAbsError(), 1e-8);
        AssertionError e = assertThrows(AssertionError.class, () -> GradCheck.assertGradient(F3, wrong, X));
        assertTrue(e.getMessage().contains("input 0 at [1]"), e.getMessage());
        assertTrue(e.getMessage().contains("analytic 2.26"), e.getMessage());
    }

    @Test
    void toleranceIsAtolPlusRtolTimesNumericLikeTorchAllclose() {
        ToDoubleFunction<double[]> linear = x -> 3 * x[0];
        double allowed = 1e-5 + 1e-3 * 3; // 0.00301
        assertTrue(GradCheck.check(linear, new double[] {3 + 0.9 * allowed}, new double[] {1}).passed());
        assertFalse(GradCheck.check(linear, new double[] {3 + 1.1 * allowed}, new double[] {1}).passed());
        assertFalse(GradCheck.check(linear, new double[] {3 - 1.1 * allowed}, new double[] {1}).passed());
        var strict = new GradCheck.Tolerance(1e-6, 1e-9, 0);
        assertFalse(GradCheck.check(linear, new double[] {3 + 1e-6}, new double[] {1}, strict).passed());
    }

    @Test
    void nanNeverPasses() {
        GradCheck.Result r = GradCheck.check(F3, new double[] {Double.NaN, 2.25, Math.cos(0.7)}, X);
        assertFalse(r.passed());
        assertEquals(List.of(0), r.worst().index());
        assertTrue(Double.isNaN(r.maxAbsError()));
    }

    @Test
    void numericGradientIsSecondOrderAccurate() {
        double[] g = GradCheck.numericGradient(x -> Math.exp(x[0]) + x[1] * x[1] * x[1], new double[] {0.3, -1.1}, 1e-5);
        assertArrayEquals(new double[] {Math.exp(0.3), 3 * 1.21}, g, 1e-8);
    }

    @Test
    void theFunctionGetsACopyOfThePoint() {
        double[] x = {1.0, 2.0};
        GradCheck.Result r = GradCheck.check(p -> {
            double v = p[0] * p[1];
            p[0] = 1e9; // a careless function must not corrupt later probes or the caller's array
            return v;
        }, new double[] {2.0, 1.0}, x);
        assertTrue(r.passed(), r.message());
        assertArrayEquals(new double[] {1.0, 2.0}, x, 0.0);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> GradCheck.check(F3, new double[2], X));
        assertThrows(IllegalArgumentException.class, () -> new GradCheck.Tolerance(0, 1e-5, 1e-3));
        assertThrows(IllegalArgumentException.class, () -> new GradCheck.Tolerance(1e-6, -1, 1e-3));
    }

    // ------------------------------------------------------------------ tensors

    @Test
    void tensorVjpOfAProductAcceptsTheRightGradients() {
        // f(x, y) = x ⊙ y, v a cotangent: ∂⟨v, f⟩/∂x = v ⊙ y, ∂⟨v, f⟩/∂y = v ⊙ x.
        double[] x = {0.5, -1.0, 2.0, 0.25, 3.0, -0.75};
        double[] y = {1.5, 0.2, -0.3, 4.0, -2.0, 1.0};
        double[] v = {1.0, -2.0, 0.5, 0.0, 3.0, -1.0};
        double[] dx = new double[6], dy = new double[6];
        for (int i = 0; i < 6; i++) {
            dx[i] = v[i] * y[i];
            dy[i] = v[i] * x[i];
        }
        Tensor[] inputs = {Tensor.fromArray(x, 2, 3), Tensor.fromArray(y, 2, 3)};
        Tensor[] grads = {Tensor.fromArray(dx, 2, 3), Tensor.fromArray(dy, 2, 3)};
        GradCheck.Result r = GradCheck.check(a -> a[0].times(a[1]), inputs, grads, Tensor.fromArray(v, 2, 3));
        assertTrue(r.passed(), r.message());

        Tensor[] numeric = GradCheck.numericVjp(a -> a[0].times(a[1]), inputs, grads, Tensor.fromArray(v, 2, 3), 1e-6);
        assertArrayEquals(new int[] {2, 3}, numeric[0].shape());
        assertArrayEquals(dx, numeric[0].toDoubleArray(), 1e-8);
        assertArrayEquals(dy, numeric[1].toDoubleArray(), 1e-8);
    }

    @Test
    void tensorCheckRejectsAGradientThatIgnoresTheCotangentAndSaysWhere() {
        // f(x) = tanh(x); the right VJP is v ⊙ (1 − tanh²x). Forgetting v is a classic bug.
        double[] x = {0.3, -0.8, 1.2, 0.0};
        double[] v = {1.0, 1.0, -1.0, 0.5};
        double[] right = new double[4], wrong = new double[4];
        for (int i = 0; i < 4; i++) {
            double t = Math.tanh(x[i]);
            right[i] = v[i] * (1 - t * t);
            wrong[i] = 1 - t * t;
        }
        Tensor[] in = {Tensor.fromArray(x, 2, 2)};
        Tensor cot = Tensor.fromArray(v, 2, 2);
        assertTrue(GradCheck.check(a -> a[0].tanh(), in, new Tensor[] {Tensor.fromArray(right, 2, 2)}, cot).passed());
        GradCheck.Result r = GradCheck.check(a -> a[0].tanh(), in, new Tensor[] {Tensor.fromArray(wrong, 2, 2)}, cot);
        assertFalse(r.passed());
        // worst: element [1, 0] (x = 1.2, v = −1): the analytic value has the wrong sign
        assertEquals(0, r.worst().input());
        assertEquals(List.of(1, 0), r.worst().index());
        assertEquals(right[2], r.worst().numeric(), 1e-8);
    }

    @Test
    void scalarTensorFunctionUsesACotangentOfOne() {
        // f(x, w) = Σ (x·w)², a 0-dim result; df/dw = 2·Σ(x·w)·x; x is not checked (null).
        double[] x = {1.0, 2.0, -1.0};
        double[] w = {0.5, -0.25, 2.0};
        double s = 0;
        for (int i = 0; i < 3; i++) {
            s += x[i] * w[i];
        }
        double[] dw = new double[3];
        for (int i = 0; i < 3; i++) {
            dw[i] = 2 * s * x[i];
        }
        Tensor[] inputs = {Tensor.of(x), Tensor.of(w)};
        GradCheck.Result r = GradCheck.check(a -> a[0].matmul(a[1]).square(), inputs,
                new Tensor[] {null, Tensor.of(dw)});
        assertTrue(r.passed(), r.message());
        assertEquals(1, r.worst().input());
        assertNull(GradCheck.numericVjp(a -> a[0].matmul(a[1]).square(), inputs, new Tensor[] {null, Tensor.of(dw)},
                Tensor.scalar(1.0), 1e-6)[0]);
    }

    @Test
    void tensorShapeMismatchesAreReported() {
        Tensor[] in = {Tensor.of(1.0, 2.0)};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(a -> a[0].exp(), in, new Tensor[] {Tensor.of(1.0, 2.0)}, Tensor.of(1.0)));
        assertTrue(e.getMessage().contains("cotangent has shape [1] but f returns shape [2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(a -> a[0].exp(), in, new Tensor[] {Tensor.of(1.0)}, Tensor.of(1.0, 1.0)));
        assertTrue(e.getMessage().contains("gradient 0 has shape [1] but input 0 has shape [2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> GradCheck.check(a -> a[0].exp(), in, new Tensor[0], Tensor.of(1.0, 1.0)));
    }
}
