package dev.fluxion;

import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Test helpers: random tensors in several layouts, a naive element reader, closeness checks. */
final class TestTensors {
    private TestTensors() {}

    /** The element at {@code idx}, read straight from storage with the strides (no kernel). */
    static double at(Tensor t, int... idx) {
        int off = t.offset;
        for (int d = 0; d < idx.length; d++) {
            off += idx[d] * t.strides[d];
        }
        return t.f != null ? t.f[off] : t.d[off];
    }

    /** All elements in row-major order, read with {@link #at}. */
    static double[] values(Tensor t) {
        int n = t.numel();
        double[] r = new double[n];
        int[] idx = new int[t.dim()];
        for (int e = 0; e < n; e++) {
            r[e] = at(t, idx);
            for (int d = idx.length - 1; d >= 0; d--) {
                if (++idx[d] < t.shape[d]) break;
                idx[d] = 0;
            }
        }
        return r;
    }

    /** A random tensor of {@code shape} with values in [lo, hi). */
    static Tensor uniform(Random rng, DType dtype, double lo, double hi, int... shape) {
        return Tensor.rand(rng, dtype, shape).times(hi - lo).plus(lo);
    }

    /**
     * The same values as a tensor of {@code shape}, in one of several layouts: 0 contiguous,
     * 1 a transposed copy viewed back (non-contiguous), 2 a slice of a larger tensor.
     */
    static Tensor layout(Random rng, Tensor contiguous, int kind) {
        int[] shape = contiguous.shape();
        if (kind == 1 && shape.length >= 2) {
            Tensor tr = contiguous.transpose(0, shape.length - 1).copy();
            return tr.transpose(0, shape.length - 1);
        }
        if (kind == 2 && shape.length >= 1) {
            int[] big = shape.clone();
            big[0] = shape[0] * 2 + 1;
            Tensor host = Tensor.randn(rng, contiguous.dtype(), big);
            Tensor view = host.slice(0, 1, big[0], 2);
            view.copyInPlace(contiguous);
            return view;
        }
        return contiguous;
    }

    static void assertClose(double[] expected, double[] actual, double rtol, double atol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a) || e == a) continue;
            if (!(Math.abs(e - a) <= atol + rtol * Math.abs(e))) {
                fail(what + ": element " + i + " expected " + e + " but was " + a);
            }
        }
    }

    static void assertTensor(Tensor t, int[] shape, double... expected) {
        assertArrayEquals(shape, t.shape(), "shape");
        assertClose(expected, values(t), 1e-6, 1e-6, "values");
    }

    /**
     * Checks a derivative rule against float64 central finite differences:
     * for each element i of x, {@code ⟨g, f(x + h e_i) − f(x − h e_i)⟩ / 2h} must equal the rule's
     * output at i (h = 1e−6, atol 1e−5, rtol 1e−3). {@code rule} gets (g, out).
     */
    static void gradCheck(String name, Tensor x, Function<Tensor, Tensor> f,
                          java.util.function.BiFunction<Tensor, Tensor, Tensor> rule, Random rng) {
        Tensor x64 = x.toDouble().copy();
        Tensor out = f.apply(x64);
        Tensor g = Tensor.randn(rng, DType.FLOAT64, out.shape());
        Tensor analytic = rule.apply(g, out);
        assertArrayEquals(x64.shape(), analytic.shape(), name + ": gradient shape");
        assertEquals(DType.FLOAT64, analytic.dtype(), name + ": gradient dtype");
        double[] gv = g.toDoubleArray();
        double[] a = analytic.toDoubleArray();
        double h = 1e-6;
        double[] base = x64.toDoubleArray();
        for (int i = 0; i < base.length; i++) {
            double[] plus = base.clone();
            double[] minus = base.clone();
            plus[i] += h;
            minus[i] -= h;
            double[] fp = f.apply(Tensor.fromArray(plus, x64.shape())).toDoubleArray();
            double[] fm = f.apply(Tensor.fromArray(minus, x64.shape())).toDoubleArray();
            double dot = 0;
            for (int j = 0; j < gv.length; j++) {
                dot += gv[j] * (fp[j] - fm[j]);
            }
            double numeric = dot / (2 * h);
            if (!(Math.abs(numeric - a[i]) <= 1e-5 + 1e-3 * Math.abs(numeric))) {
                fail(name + ": d/dx[" + i + "] finite difference " + numeric + " but rule gave " + a[i]);
            }
        }
    }

    /** As {@link #gradCheck} for a rule that returns the cotangent of a double operand. */
    static void scalarGradCheck(String name, double s, java.util.function.DoubleFunction<Tensor> f,
                                java.util.function.BiFunction<Tensor, Tensor, Double> rule, Random rng) {
        Tensor out = f.apply(s);
        Tensor g = Tensor.randn(rng, DType.FLOAT64, out.shape());
        double analytic = rule.apply(g, out);
        double h = 1e-6;
        double numeric = g.times(f.apply(s + h).minus(f.apply(s - h))).sum().item() / (2 * h);
        if (!(Math.abs(numeric - analytic) <= 1e-5 + 1e-3 * Math.abs(numeric))) {
            fail(name + ": finite difference " + numeric + " but rule gave " + analytic);
        }
    }
}
