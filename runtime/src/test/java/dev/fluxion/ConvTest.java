package dev.fluxion;

import static dev.fluxion.TestTensors.gradCheck;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** conv2d and maxPool2d against direct sums and closed forms; their rules against central differences. */
class ConvTest {
    private final Random rng = new Random(7);
    /** Stride and padding; the last two pad wider than the kernels, so whole rows of columns fall outside. */
    private static final int[][] STRIDE_PADDING = {{1, 0}, {2, 1}, {1, 2}, {3, 0}, {2, 2}, {1, 4}, {3, 5}};

    private Tensor u(int... shape) {
        return TestTensors.uniform(rng, DType.FLOAT64, -1, 1, shape);
    }

    /** The definition, as six loops. */
    private static double[] direct(Tensor x, Tensor w, Tensor b, int s, int p) {
        int[] xs = x.shape(), ws = w.shape();
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3], oc = ws[0], kh = ws[2], kw = ws[3];
        int oh = (h + 2 * p - kh) / s + 1, ow = (wd + 2 * p - kw) / s + 1;
        double[] xv = x.toDoubleArray(), wv = w.toDoubleArray(), bv = b.toDoubleArray();
        double[] out = new double[n * oc * oh * ow];
        for (int in = 0; in < n; in++)
            for (int o = 0; o < oc; o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        double sum = bv[o];
                        for (int ch = 0; ch < c; ch++)
                            for (int u = 0; u < kh; u++)
                                for (int v = 0; v < kw; v++) {
                                    int r = i * s - p + u, q = j * s - p + v;
                                    if (r >= 0 && r < h && q >= 0 && q < wd) {
                                        sum += wv[((o * c + ch) * kh + u) * kw + v] * xv[((in * c + ch) * h + r) * wd + q];
                                    }
                                }
                        out[((in * oc + o) * oh + i) * ow + j] = sum;
                    }
        return out;
    }

    @Test
    void conv2dMatchesTheDefinition() {
        Tensor x = u(2, 3, 5, 6), w = u(4, 3, 3, 2), b = u(4);
        for (int[] sp : STRIDE_PADDING) {
            Tensor out = F.conv2d(x, w, b, sp[0], sp[1]);
            int oh = (5 + 2 * sp[1] - 3) / sp[0] + 1, ow = (6 + 2 * sp[1] - 2) / sp[0] + 1;
            assertArrayEquals(new int[] {2, 4, oh, ow}, out.shape());
            assertArrayEquals(direct(x, w, b, sp[0], sp[1]), out.toDoubleArray(), 1e-12, "stride/padding " + sp[0] + "/" + sp[1]);
            Tensor out32 = F.conv2d(x.toFloat(), w.toFloat(), b.toFloat(), sp[0], sp[1]);
            assertEquals(DType.FLOAT32, out32.dtype());
            assertArrayEquals(out.toDoubleArray(), out32.toDouble().toDoubleArray(), 1e-5);
        }
    }

    /**
     * An image one pixel wide under padding 5, a 4×4 kernel and stride 3: kernel columns with no
     * output column inside the image (an empty span whose start lies past the input row). The
     * values against the definition, the gradients against central differences.
     */
    @Test
    void paddingWiderThanTheImage() {
        Tensor x = u(1, 1, 6, 1), w = u(2, 1, 4, 4), b = u(2);
        Tensor out = F.conv2d(x, w, b, 3, 5);
        assertArrayEquals(direct(x, w, b, 3, 5), out.toDoubleArray(), 1e-12);
        assertArrayEquals(out.toDoubleArray(), F.conv2d(x.toFloat(), w.toFloat(), b.toFloat(), 3, 5).toDouble().toDoubleArray(),
                1e-5);
        gradCheck("conv2dGradInput", x, t -> F.conv2d(t, w, b, 3, 5),
                (g, o) -> ConvDerivatives.conv2dGradInput(g, x, w, 3, 5), rng);
        gradCheck("conv2dGradWeight", w, t -> F.conv2d(x, t, b, 3, 5),
                (g, o) -> ConvDerivatives.conv2dGradWeight(g, x, w, 3, 5), rng);
    }

    @Test
    void conv2dClosedForm() {
        // A 2x2 box filter over the 3x3 image 0..8: each output is the sum of a 2x2 block.
        Tensor img = Tensor.arange(9).reshape(1, 1, 3, 3);
        Tensor box = Tensor.ones(1, 1, 2, 2);
        assertArrayEquals(new float[] {0 + 1 + 3 + 4, 1 + 2 + 4 + 5, 3 + 4 + 6 + 7, 4 + 5 + 7 + 8},
                F.conv2d(img, box, null, 1, 0).toFloatArray());
        // With padding 1 the corner output sees only pixel 0; stride 2 keeps corners only.
        assertArrayEquals(new float[] {0, 1 + 2, 3 + 6, 4 + 5 + 7 + 8}, F.conv2d(img, box, null, 2, 1).toFloatArray());
    }

    @Test
    void conv2dRulesAgreeWithCentralDifferences() {
        for (int[] sp : STRIDE_PADDING) {
            int s = sp[0], p = sp[1];
            Tensor x = u(2, 2, 5, 4), w = u(3, 2, 2, 3), b = u(3);
            gradCheck("conv2dGradInput", x, t -> F.conv2d(t, w, b, s, p),
                    (g, o) -> ConvDerivatives.conv2dGradInput(g, x, w, s, p), rng);
            gradCheck("conv2dGradWeight", w, t -> F.conv2d(x, t, b, s, p),
                    (g, o) -> ConvDerivatives.conv2dGradWeight(g, x, w, s, p), rng);
            gradCheck("conv2dGradBias", b, t -> F.conv2d(x, w, t, s, p),
                    (g, o) -> ConvDerivatives.conv2dGradBias(g, b), rng);
        }
    }

    @Test
    void conv2dRejectsMismatchedShapes() {
        FluxionException e = assertThrows(FluxionException.class,
                () -> F.conv2d(Tensor.zeros(1, 3, 8, 8), Tensor.zeros(4, 2, 3, 3), null, 1, 0));
        assertEquals("conv2d: input of shape [1, 3, 8, 8] has 3 channels, the weight of shape [4, 2, 3, 3] expects 2",
                e.getMessage());
        assertThrows(FluxionException.class, () -> F.conv2d(Tensor.zeros(3, 8, 8), Tensor.zeros(4, 3, 3, 3), null, 1, 0));
        assertThrows(FluxionException.class, () -> F.conv2d(Tensor.zeros(1, 3, 2, 2), Tensor.zeros(4, 3, 3, 3), null, 1, 0));
    }

    @Test
    void maxPoolClosedForm() {
        Tensor img = Tensor.of(new float[][] {{1, 5, 2, 0}, {3, 4, 8, 1}, {0, 2, 6, 7}, {9, 1, 3, 3}}).reshape(1, 1, 4, 4);
        assertArrayEquals(new float[] {5, 8, 9, 7}, F.maxPool2d(img, 2, 2).toFloatArray());
        assertArrayEquals(new float[] {8, 8, 9, 8}, F.maxPool2d(img, 3, 1).toFloatArray());
        // The gradient goes to the first maximum of each window; overlapping windows add up (8 wins 3 times).
        Tensor g = Tensor.ones(1, 1, 2, 2);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 1, 0, 0, 0},
                ConvDerivatives.maxPool2dGrad(g, img, 3, 1).toFloatArray());
        Tensor ties = Tensor.full(2.0, 1, 1, 2, 2);
        assertArrayEquals(new float[] {1, 0, 0, 0}, ConvDerivatives.maxPool2dGrad(Tensor.ones(1, 1, 1, 1), ties, 2, 2).toFloatArray());
        Tensor nan = Tensor.of(1f, Float.NaN, 3f, 0f).reshape(1, 1, 2, 2);
        assertEquals(Float.NaN, F.maxPool2d(nan, 2, 2).toFloatArray()[0]);
        // The first NaN of a window is its maximum, whatever follows it (a larger value, another NaN);
        // a NaN after a larger value still wins. Float and double alike.
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor twoNans = Tensor.of(1f, Float.NaN, 9f, Float.NaN, 9f, 1f, 2f, Float.NaN).reshape(1, 2, 2, 2).to(dtype);
            assertArrayEquals(new double[] {0, 1, 0, 0, 0, 0, 0, 1},
                    ConvDerivatives.maxPool2dGrad(Tensor.ones(1, 2, 1, 1).to(dtype), twoNans, 2, 2).toDoubleArray(), 0.0,
                    dtype.toString());
        }
    }

    /**
     * The float path picks its window's maximum without branches; the double path with them. On
     * values full of ties, signed zeros, infinities and NaNs both pick the same element (the first
     * maximum, or the first NaN) in every window, overlapping or not.
     */
    @Test
    void maxPoolPicksTheSameElementInFloatAsInDouble() {
        float[] pool = {-0f, 0f, 1f, -1f, 2f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -2f};
        java.util.Random r = new java.util.Random(5);
        for (int trial = 0; trial < 200; trial++) {
            float[] values = new float[2 * 3 * 7 * 6];
            for (int i = 0; i < values.length; i++) {
                values[i] = pool[r.nextInt(trial < 100 ? 5 : pool.length)];
            }
            Tensor x32 = Tensor.fromArray(values, 2, 3, 7, 6);
            Tensor x64 = x32.to(DType.FLOAT64);
            int k = 2 + trial % 2, stride = 1 + trial % 3 / 2 * (k - 1);
            Tensor g = u(2, 3, (7 - k) / stride + 1, (6 - k) / stride + 1);
            String what = "trial " + trial + " k " + k + " stride " + stride;
            assertArrayEquals(F.maxPool2d(x64, k, stride).toDoubleArray(), F.maxPool2d(x32, k, stride).toDoubleArray(), 0.0, what);
            assertArrayEquals(ConvDerivatives.maxPool2dGrad(g.to(DType.FLOAT64), x64, k, stride).toDoubleArray(),
                    ConvDerivatives.maxPool2dGrad(g.toFloat(), x32, k, stride).toDoubleArray(), 1e-6, what);
        }
    }

    @Test
    void maxPoolOfAViewWithAnOffsetRoutesTheGradientToTheViewsElements() {
        Tensor both = Tensor.arange(32).reshape(2, 1, 4, 4);
        Tensor second = both.slice(0, 1, 2); // contiguous, offset 16
        assertArrayEquals(new float[] {21, 23, 29, 31}, F.maxPool2d(second, 2, 2).toFloatArray());
        float[] grad = ConvDerivatives.maxPool2dGrad(Tensor.ones(1, 1, 2, 2), second, 2, 2).toFloatArray();
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1}, grad);
        Tensor transposed = both.get(0).transpose(1, 2).unsqueeze(0); // not contiguous
        assertArrayEquals(new float[] {5, 13, 7, 15}, F.maxPool2d(transposed, 2, 2).toFloatArray());
    }

    @Test
    void maxPoolRuleAgreesWithCentralDifferences() {
        // Distinct random values, so no window has a tie within the finite-difference step.
        Tensor x = u(2, 3, 7, 6);
        gradCheck("maxPool2dGrad 2/2", x, t -> F.maxPool2d(t, 2, 2), (g, o) -> ConvDerivatives.maxPool2dGrad(g, x, 2, 2), rng);
        gradCheck("maxPool2dGrad 3/2", x, t -> F.maxPool2d(t, 3, 2), (g, o) -> ConvDerivatives.maxPool2dGrad(g, x, 3, 2), rng);
    }
}
