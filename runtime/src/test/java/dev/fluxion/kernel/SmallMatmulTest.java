package dev.fluxion.kernel;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The degenerate-shape products against the scalar reference {@link GemmReference}, and bit for
 * bit against the GEMM path they replace for small problems ({@link GemmPlain}).
 */
class SmallMatmulTest {
    /** (m, n, k) with an outer or inner dimension of 1, including size-1 everywhere and k over a K block. */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {500, 1, 1}, {1, 1, 500}, {7, 5, 1}, {1, 9, 13}, {13, 1, 9}, {759, 1, 4}, {1, 3, 700}, {4, 1, 600},
    };

    @Test
    void appliesOnlyToSmallDegenerateShapes() {
        assertTrue(SmallMatmul.applies(500, 1, 1));
        assertTrue(SmallMatmul.applies(1, 1, 4000));
        assertFalse(SmallMatmul.applies(2, 2, 2));
        assertFalse(SmallMatmul.applies(1, 64, 64));
    }

    @Test
    void floatMatchesReferenceAndPlainGemmWithStrides() {
        Random rng = new Random(7);
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean aT : new boolean[] {false, true}) {
                for (boolean bT : new boolean[] {false, true}) {
                    float[] a = new float[m * k + 3], b = new float[k * n + 2];
                    for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
                    for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextGaussian();
                    int ars = aT ? 1 : k, acs = aT ? m : 1, brs = bT ? 1 : n, bcs = bT ? k : 1;
                    int ldc = n + 1;
                    float[] fast = new float[m * ldc + 1], ref = new float[m * ldc + 1], plain = new float[m * ldc + 1];
                    java.util.Arrays.fill(fast, 9f);
                    SmallMatmul.sgemm(m, n, k, a, 3, ars, acs, b, 2, brs, bcs, fast, 1, ldc);
                    GemmReference.sgemm(m, n, k, a, 3, ars, acs, b, 2, brs, bcs, ref, 1, ldc, false);
                    java.util.Arrays.fill(plain, 9f);
                    GemmPlain.sgemm(m, n, k, a, 3, ars, acs, b, 2, brs, bcs, plain, 1, ldc, false);
                    String what = m + "x" + n + "x" + k + " aT=" + aT + " bT=" + bT;
                    if (k < SmallMatmul.SPLIT) { // longer dot products use several partial sums
                        assertArrayEquals(plain, fast, what + " vs GemmPlain");
                    }
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            int c = 1 + i * ldc + j;
                            assertTrue(Math.abs(ref[c] - fast[c]) <= 1e-4 * Math.sqrt(k) * (1 + Math.abs(ref[c])),
                                    what + " [" + i + "," + j + "] " + ref[c] + " vs " + fast[c]);
                        }
                    }
                }
            }
        }
    }

    /** The split dot product: exact on integers (every partial sum exact), and each tail length. */
    @Test
    void longDotProductsAreExactOnIntegersForEveryTailLength() {
        for (int k = 30; k <= 300; k += 7) {
            float[] a = new float[k];
            float[] b = new float[k];
            double[] ad = new double[k];
            double[] bd = new double[k];
            long want = 0;
            for (int p = 0; p < k; p++) {
                a[p] = (p % 13) - 6;
                b[p] = (p % 7) - 3;
                ad[p] = a[p];
                bd[p] = b[p];
                want += (long) a[p] * (long) b[p];
            }
            float[] c = new float[1];
            double[] cd = new double[1];
            SmallMatmul.sgemm(1, 1, k, a, 0, k, 1, b, 0, 1, 1, c, 0, 1);
            SmallMatmul.dgemm(1, 1, k, ad, 0, k, 1, bd, 0, 1, 1, cd, 0, 1);
            org.junit.jupiter.api.Assertions.assertEquals((float) want, c[0], "k=" + k);
            org.junit.jupiter.api.Assertions.assertEquals((double) want, cd[0], "k=" + k);
        }
    }

    /** W1's forward: x [500, 1] times w [1, 1], contiguous and with a padded output. */
    @Test
    void columnTimesScalarIsExactAndKeepsPositiveZero() {
        float[] x = new float[500];
        for (int i = 0; i < x.length; i++) x[i] = i * 0.5f - 100f;
        float[] w = {-1.5f};
        float[] c = new float[500];
        SmallMatmul.sgemm(500, 1, 1, x, 0, 1, 1, w, 0, 1, 1, c, 0, 1);
        float[] padded = new float[1000];
        SmallMatmul.sgemm(500, 1, 1, x, 0, 1, 1, w, 0, 1, 1, padded, 0, 2);
        for (int i = 0; i < x.length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(0f + x[i] * -1.5f, c[i]);
            org.junit.jupiter.api.Assertions.assertEquals(0f + x[i] * -1.5f, padded[2 * i]);
            org.junit.jupiter.api.Assertions.assertEquals(0f, padded[2 * i + 1]);
        }
        // 0f + (0·−1.5 = −0) is +0, as the GEMM path's zero-initialised C gives.
        org.junit.jupiter.api.Assertions.assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(c[200]));
    }

    @Test
    void doubleMatchesReference() {
        Random rng = new Random(8);
        for (int[] s : SHAPES) {
            int m = s[0], n = s[1], k = s[2];
            double[] a = new double[m * k], b = new double[k * n];
            for (int i = 0; i < a.length; i++) a[i] = rng.nextGaussian();
            for (int i = 0; i < b.length; i++) b[i] = rng.nextGaussian();
            double[] fast = new double[m * n], ref = new double[m * n];
            SmallMatmul.dgemm(m, n, k, a, 0, 1, m, b, 0, n, 1, fast, 0, n);
            GemmReference.dgemm(m, n, k, a, 0, 1, m, b, 0, n, 1, ref, 0, n, false);
            for (int i = 0; i < ref.length; i++) {
                assertTrue(Math.abs(ref[i] - fast[i]) <= 1e-12 * (1 + Math.abs(ref[i])), m + "x" + n + "x" + k + " @" + i);
            }
        }
    }
}
