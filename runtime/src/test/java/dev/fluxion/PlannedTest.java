package dev.fluxion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fluxion.tape.TapePool;
import dev.fluxion.tape.Tapes;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link Planned}: with pooled tapes each operation writes into the slot's buffer, the same tensor
 * on the next call when dtype and shape fit, a new one when they do not, and computes the bits of
 * the operation it stands for (float32 bit for bit; float64 to 1e-13, the JIT-tier noise of its
 * vector exp and tanh); with {@link Tapes#FRESH} it makes a new tensor every call. Shapes
 * from W1, W2 and W3, float32 and float64, and layouts outside the fast paths (a transposed
 * operand, a broadcast cotangent) that take the plain operation.
 */
class PlannedTest {
    private interface Op extends BiFunction<Tapes, Random, Tensor[]> {}

    /** Runs {@code op} (returning {planned, plain}) on pooled tapes three times and on FRESH twice. */
    private static void check(String what, DType dt, Op op) {
        TapePool pool = new TapePool();
        Random rng = new Random(what.hashCode());
        Tensor first = null;
        for (int call = 0; call < 3; call++) {
            Tapes tapes = pool.acquire();
            try {
                Tensor[] r = op.apply(tapes, rng);
                assertSameBits(r[1], r[0], what + " " + dt + " call " + call);
                if (first == null) {
                    first = r[0];
                } else {
                    assertSame(first, r[0], what + ": the buffer is reused");
                }
            } finally {
                tapes.release();
            }
        }
        Tensor[] a = op.apply(Tapes.FRESH, rng);
        Tensor[] b = op.apply(Tapes.FRESH, rng);
        assertSameBits(a[1], a[0], what + " fresh");
        assertNotSame(a[0], b[0], what + ": fresh tapes keep nothing");
    }

    @Test
    void eachOperationHasTheBitsOfThePlainOneAndReusesItsBuffer() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            check("matmul 500x1", dt, (t, r) -> {
                Tensor x = Tensor.randn(r, dt, 500, 1), w = Tensor.randn(r, dt, 1, 1);
                return new Tensor[] {Planned.matmul(t, 0, x, w), x.matmul(w)};
            });
            check("matmul 759x8x6", dt, (t, r) -> {
                Tensor x = Tensor.randn(r, dt, 759, 8), w = Tensor.randn(r, dt, 8, 6);
                return new Tensor[] {Planned.matmul(t, 0, x, w), x.matmul(w)};
            });
            check("plus row", dt, (t, r) -> {
                Tensor a = Tensor.randn(r, dt, 500, 1), b = Tensor.randn(r, dt, 1);
                return new Tensor[] {Planned.plus(t, 0, a, b), a.plus(b)};
            });
            check("sigmoidGrad", dt, (t, r) -> {
                Tensor g = Tensor.randn(r, dt, 759, 6), out = Tensor.randn(r, dt, 759, 6).sigmoid();
                return new Tensor[] {Planned.sigmoidGrad(t, 0, g, out, out), Derivatives.sigmoidGrad(g, out, out)};
            });
            check("tanhGrad", dt, (t, r) -> {
                Tensor g = Tensor.randn(r, dt, 4, 1), out = Tensor.randn(r, dt, 4, 1).tanh();
                return new Tensor[] {Planned.tanhGrad(t, 0, g, out, out), Derivatives.tanhGrad(g, out, out)};
            });
            check("reluGrad", dt, (t, r) -> {
                Tensor g = Tensor.randn(r, dt, 64, 7), x = Tensor.randn(r, dt, 64, 7);
                return new Tensor[] {Planned.reluGrad(t, 0, g, x, x.relu()), Derivatives.reluGrad(g, x, x.relu())};
            });
            check("bceGrad", dt, (t, r) -> {
                Tensor p = Tensor.rand(r, dt, 759, 1), y = Tensor.rand(r, dt, 759, 1), g = Tensor.scalar(1.0, dt);
                return new Tensor[] {Planned.bceGrad(t, 0, g, p, y, Reduction.MEAN), Derivatives.bceGrad(g, p, y, Reduction.MEAN)};
            });
            check("mse (the squares' buffer)", dt, (t, r) -> {
                Tensor p = Tensor.randn(r, dt, 500, 1), y = Tensor.randn(r, dt, 500, 1);
                Tensor v = Planned.mse(t, 0, p, y);
                Tensor s = Planned.mse(t, 1, p, y, Reduction.SUM);
                assertSameBits(F.mse(p, y, Reduction.SUM), s, "mse SUM");
                assertEquals(v.item(), Planned.mse(t, 0, p, y).item(), 0.0);
                // The value is a new tensor; the buffer holds the squares, returned here for the reuse check.
                Tensor squares = t.isPooled() ? (Tensor) t.buffer(0) : p.minus(y).square();
                assertSameBits(F.mse(p, y), v, "mse MEAN");
                return new Tensor[] {squares, p.minus(y).square()};
            });
            check("mseGradA", dt, (t, r) -> {
                Tensor p = Tensor.randn(r, dt, 500, 1), y = Tensor.randn(r, dt, 500, 1), g = Tensor.scalar(1.0, dt);
                return new Tensor[] {Planned.mseGradA(t, 0, g, p, y, Reduction.MEAN), Derivatives.mseGradA(g, p, y, Reduction.MEAN)};
            });
            check("matmulGradA", dt, (t, r) -> {
                Tensor g = Tensor.randn(r, dt, 759, 4), h = Tensor.randn(r, dt, 759, 6), w = Tensor.randn(r, dt, 4, 6);
                return new Tensor[] {Planned.matmulGradA(t, 0, g, h, w.t()), Derivatives.matmulGradA(g, h, w.t())};
            });
            for (String act : new String[] {"linear", "linearSigmoid", "linearTanh", "linearRelu"}) {
                check(act, dt, (t, r) -> {
                    Tensor x = Tensor.randn(r, dt, 759, 8), w = Tensor.randn(r, dt, 6, 8), b = Tensor.randn(r, dt, 6);
                    return switch (act) {
                        case "linear" -> new Tensor[] {Planned.linear(t, 0, x, w, b), Epilogues.linear(x, w, b)};
                        case "linearSigmoid" -> new Tensor[] {Planned.linearSigmoid(t, 0, x, w, b), F.linear(x, w, b).sigmoid()};
                        case "linearTanh" -> new Tensor[] {Planned.linearTanh(t, 0, x, w, b), F.linear(x, w, b).tanh()};
                        default -> new Tensor[] {Planned.linearRelu(t, 0, x, w, b), F.linear(x, w, b).relu()};
                    };
                });
            }
        }
    }

    @Test
    void aNewShapeGetsANewBufferAndOtherLayoutsTheSameBits() {
        TapePool pool = new TapePool();
        Random rng = new Random(4);
        Tapes tapes = pool.acquire();
        try {
            Tensor a = Planned.matmul(tapes, 2, Tensor.randn(rng, 5, 3), Tensor.randn(rng, 3, 2));
            Tensor b = Planned.matmul(tapes, 2, Tensor.randn(rng, 7, 3), Tensor.randn(rng, 3, 2));
            assertNotSame(a, b);
            assertArrayEquals(new int[] {7, 2}, b.shape());
            assertSame(b, tapes.buffer(2), "the slot keeps the latest shape's buffer");
            // A transposed operand of plus and a broadcast cotangent take the plain operations.
            Tensor m = Tensor.randn(rng, 6, 4);
            Tensor row = Tensor.randn(rng, 4);
            assertSameBits(m.t().plus(Tensor.randn(new Random(1), 4, 6)),
                    Planned.plus(tapes, 3, m.t(), Tensor.randn(new Random(1), 4, 6)), "transposed");
            assertNull(tapes.buffer(3), "no buffer where the plain operation ran");
            Tensor out = Tensor.randn(rng, 6, 4).sigmoid();
            assertSameBits(Derivatives.sigmoidGrad(row, out, out), Planned.sigmoidGrad(tapes, 4, row, out, out), "broadcast");
            // A mixed-dtype product.
            Tensor x64 = Tensor.randn(rng, DType.FLOAT64, 5, 3);
            Tensor w32 = Tensor.randn(rng, 3, 2);
            assertSameBits(x64.matmul(w32), Planned.matmul(tapes, 5, x64, w32), "mixed dtypes");
        } finally {
            tapes.release();
        }
    }

    private static void assertSameBits(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what);
        assertArrayEquals(expected.shape(), actual.shape(), what);
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        double scale = 0;
        for (double v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < e.length; i++) {
            if (expected.dtype() == DType.FLOAT64) {
                // float64 exp/tanh run through DoubleVector.lanewise, whose interpreted and compiled
                // forms differ in the last bits: a compilation between the two calls moves one.
                assertEquals(e[i], a[i], 1e-13 * scale, what + " [" + i + "]");
            } else {
                assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]),
                        what + " [" + i + "]: " + e[i] + " vs " + a[i]);
            }
        }
    }
}
