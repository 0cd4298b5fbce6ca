package dev.fluxion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Parameter#accumulateMatmulGradB}, what generated backward code calls for a weight whose
 * whole gradient is one product: the same bits as {@code accumulateGrad(Derivatives.matmulGradB(g,
 * a, b))} (and its {@code .t()} for {@code F.linear}'s weight) on the first pass and on later ones,
 * float32 and float64, over the shapes of every GEMM kernel (long sums, tall products, the NT and
 * packed kernels, the plain small kernel) and over those that keep the two calls (small
 * products, 1-D and batched operands, mixed dtypes, strided parameters), and the buffer is updated
 * in place.
 */
class MatmulGradInPlaceTest {
    /** {batch, in, out}: a product x [batch, in]·W with W [in, out] (or F.linear's W [out, in]). */
    private static final int[][] SHAPES = {
        {759, 8, 6}, {759, 6, 4}, {759, 4, 1}, {64, 40, 33}, {300, 130, 20}, {3, 2, 3}, {5, 17, 1}, {1, 30, 30},
        {700, 600, 3}, {12, 20, 20},
    };

    @Test
    void theRightOperandsGradientHasTheBitsOfTheTwoCalls() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] s : SHAPES) {
                Random rng = new Random(s[0] * 31 + s[1]);
                Tensor x = Tensor.randn(rng, dt, s[0], s[1]);
                Parameter inPlace = Parameter.of(Tensor.randn(rng, dt, s[1], s[2]));
                Parameter twoCalls = Parameter.of(inPlace.copy());
                for (int step = 0; step < 3; step++) {
                    Tensor g = Tensor.randn(rng, dt, s[0], s[2]);
                    inPlace.accumulateMatmulGradB(g, x, inPlace, false);
                    twoCalls.accumulateGrad(Derivatives.matmulGradB(g, x, twoCalls));
                    assertSameBits(twoCalls.grad(), inPlace.grad(), dt + " " + java.util.Arrays.toString(s) + " step " + step);
                }
            }
        }
    }

    @Test
    void aLinearWeightsGradientHasTheBitsOfTheTwoCalls() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] s : SHAPES) {
                Random rng = new Random(s[0] * 17 + s[2]);
                Tensor x = Tensor.randn(rng, dt, s[0], s[1]);
                Parameter inPlace = Parameter.of(Tensor.randn(rng, dt, s[2], s[1]));
                Parameter twoCalls = Parameter.of(inPlace.copy());
                for (int step = 0; step < 3; step++) {
                    Tensor g = Tensor.randn(rng, dt, s[0], s[2]);
                    Tensor held = inPlace.grad();
                    inPlace.accumulateMatmulGradB(g, x, inPlace.t(), true);
                    twoCalls.accumulateGrad(Derivatives.matmulGradB(g, x, twoCalls.t()).t());
                    assertSameBits(twoCalls.grad(), inPlace.grad(), dt + " linear " + java.util.Arrays.toString(s) + " step " + step);
                    if (held != null) {
                        assertSame(held, inPlace.grad(), "the gradient buffer is updated in place");
                    }
                }
            }
        }
    }

    @Test
    void otherOperandsTakeTheTwoCalls() {
        Random rng = new Random(3);
        // A 1-D right operand (a vector of weights), a batched left operand, float64 cotangent for a float32 weight.
        Parameter v = Parameter.of(Tensor.randn(rng, 40));
        Tensor x = Tensor.randn(rng, 50, 40);
        Tensor g = Tensor.randn(rng, 50);
        v.accumulateMatmulGradB(g, x, v, false);
        assertSameBits(Derivatives.matmulGradB(g, x, v), v.grad(), "1-D weight");
        Parameter w = Parameter.of(Tensor.randn(rng, 40, 20));
        Tensor xb = Tensor.randn(rng, 3, 50, 40);
        Tensor gb = Tensor.randn(rng, 3, 50, 20);
        w.accumulateMatmulGradB(gb, xb, w, false);
        assertSameBits(Derivatives.matmulGradB(gb, xb, w), w.grad(), "batched input");
        Parameter m = Parameter.of(Tensor.randn(rng, 40, 20));
        Tensor g64 = Tensor.randn(rng, DType.FLOAT64, 50, 20);
        m.accumulateMatmulGradB(g64, x, m, false);
        Parameter ref = Parameter.of(m.copy());
        ref.accumulateGrad(Derivatives.matmulGradB(g64, x, ref));
        assertSameBits(ref.grad(), m.grad(), "mixed dtypes");
        assertEquals(DType.FLOAT32, m.grad().dtype());
    }

    private static void assertSameBits(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what);
        assertArrayEquals(expected.shape(), actual.shape(), what);
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]),
                    what + " [" + i + "]: " + e[i] + " vs " + a[i]);
        }
    }
}
