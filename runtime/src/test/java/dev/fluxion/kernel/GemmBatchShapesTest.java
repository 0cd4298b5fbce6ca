package dev.fluxion.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The products of a training step at batch size (issue 11's W4: MLP 784-256-10, batch 64) and
 * their edge variants, in every layout the runtime issues them: the forward {@code x·Wᵀ} (NT),
 * the weight gradient {@code gᵀ·x} (TN, A read in place from a transposed view, B in place),
 * the input gradient {@code g·W} (NN). Each against a float64 reference with a bound growing
 * with √k (the blocked, fused sums' rounding errors are independent, not worst-case aligned),
 * and each bit-identical whatever the thread count, whatever the accumulate flag adds, and
 * whether an operand is read in place or packed.
 */
final class GemmBatchShapesTest {
    /** {m, n, k}: W4's shapes, then odd sizes and sizes off every tile and vector edge. */
    private static final int[][] SHAPES = {
        {64, 256, 784}, {256, 784, 64}, {784, 256, 64}, {64, 784, 256}, {64, 10, 256}, {10, 256, 64},
        {1, 256, 784}, {256, 1, 64}, {63, 255, 785}, {65, 257, 63}, {7, 33, 17}, {9, 31, 256}, {17, 47, 257},
    };

    private static float[] gaussians(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    /** A in [m, k] given by strides, B in [k, n] given by strides; C row-major [m, n]. */
    private record Case(int m, int n, int k, boolean transA, boolean transB) {
        int ars() { return transA ? 1 : k; }
        int acs() { return transA ? m : 1; }
        int brs() { return transB ? 1 : n; }
        int bcs() { return transB ? k : 1; }

        float[] run(float[] a, float[] b, float[] c0, boolean accumulate, int threads) {
            float[] c = c0.clone();
            Gemm.sgemm(m, n, k, a, 0, ars(), acs(), b, 0, brs(), bcs(), c, 0, n, accumulate, threads);
            return c;
        }
    }

    @Test
    void batchShapesAgreeWithAFloat64ReferenceWithinSqrtKRounding() {
        Random rnd = new Random(21);
        for (int[] s : SHAPES) {
            for (int layout = 0; layout < 4; layout++) {
                Case cs = new Case(s[0], s[1], s[2], (layout & 1) != 0, (layout & 2) != 0);
                float[] a = gaussians(rnd, cs.m() * cs.k());
                float[] b = gaussians(rnd, cs.k() * cs.n());
                float[] got = cs.run(a, b, new float[cs.m() * cs.n()], false, 1);
                for (int i = 0; i < cs.m(); i++) {
                    for (int j = 0; j < cs.n(); j++) {
                        double sum = 0, abs = 0;
                        for (int p = 0; p < cs.k(); p++) {
                            double t = (double) a[i * cs.ars() + p * cs.acs()] * b[p * cs.brs() + j * cs.bcs()];
                            sum += t;
                            abs += Math.abs(t);
                        }
                        // Independent roundings of at most 2^-24 relative each: a few √k ulps of Σ|a·b|.
                        double tol = 4 * Math.sqrt(cs.k() + 1) * 0x1p-24 * abs + 1e-30;
                        if (!(Math.abs(got[i * cs.n() + j] - sum) <= tol)) {
                            fail(cs + " C[" + i + "," + j + "] = " + got[i * cs.n() + j] + ", float64 " + sum + ", tol " + tol);
                        }
                    }
                }
            }
        }
    }

    @Test
    void batchShapesGiveTheSameBitsOnOneAndTwoThreadsAndWithAccumulate() {
        Random rnd = new Random(22);
        for (int[] s : SHAPES) {
            for (int layout = 0; layout < 4; layout++) {
                Case cs = new Case(s[0], s[1], s[2], (layout & 1) != 0, (layout & 2) != 0);
                float[] a = gaussians(rnd, cs.m() * cs.k());
                float[] b = gaussians(rnd, cs.k() * cs.n());
                float[] zero = new float[cs.m() * cs.n()];
                float[] one = cs.run(a, b, zero, false, 1);
                assertBits(cs + ", 2 threads", one, cs.run(a, b, zero, false, 2));
                assertBits(cs + ", again", one, cs.run(a, b, zero, false, 1));
                // C + Σ with C = 0 is Σ exactly (Σ is formed from zero, then added).
                assertBits(cs + ", accumulate into zeros", one, cs.run(a, b, zero, true, 1));
                assertBits(cs + ", accumulate into zeros, 2 threads", one, cs.run(a, b, zero, true, 2));
            }
        }
    }

    /** The weight gradient read in place (A transposed, B row-major) against the same values packed. */
    @Test
    void readingOperandsInPlaceGivesTheSameBitsAsPackingThem() {
        Random rnd = new Random(23);
        int[][] shapes = {{256, 784, 64}, {17, 65, 33}, {40, 100, 256}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            float[] aT = gaussians(rnd, k * m); // A[i, p] = aT[p·m + i]: in place
            float[] b = gaussians(rnd, k * n);
            float[] aRows = new float[m * k];   // the same A row-major: packed
            for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) aRows[i * k + p] = aT[p * m + i];
            float[] bT = new float[n * k];      // the same B column-major: packed
            for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) bT[j * k + p] = b[p * n + j];
            float[] inPlace = new float[m * n], packed = new float[m * n];
            GemmVector.sgemm(m, n, k, aT, 0, 1, m, b, 0, n, 1, inPlace, 0, n, false);
            GemmVector.sgemm(m, n, k, aRows, 0, k, 1, bT, 0, 1, k, packed, 0, n, false);
            assertBits(m + "x" + n + "x" + k, packed, inPlace);
        }
    }

    private static void assertBits(String what, float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + " at " + i);
        }
    }
}
