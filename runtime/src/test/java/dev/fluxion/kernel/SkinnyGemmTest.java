package dev.fluxion.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The skinny kernels ({@link SkinnyGemm}) against their scalar reference, bit for bit, and against
 * {@link GemmReference} within rounding: W3's products and shapes off every edge (rows not a
 * multiple of four, columns past one vector, odd and even term counts), every operand layout,
 * offsets, padded C, accumulate on and off, one and two threads through {@link Gemm}.
 */
final class SkinnyGemmTest {
    @BeforeEach
    void vectorApiPresent() {
        Assumptions.assumeTrue(Vectors.AVAILABLE, "jdk.incubator.vector is not present");
    }

    /** A product's layout: operands at offsets in larger arrays, C padded to ldc. */
    private record Layout(int m, int n, int k, boolean transA, boolean transB, int aOff, int bOff, int cOff, int ldc,
                          boolean accumulate) {
        int ars() { return transA ? 1 : k; }
        int acs() { return transA ? m : 1; }
        int brs() { return transB ? 1 : n; }
        int bcs() { return transB ? k : 1; }

        static Layout random(Random rnd, int m, int n, int k, boolean transB) {
            return new Layout(m, n, k, rnd.nextBoolean(), transB, rnd.nextInt(4), rnd.nextInt(4), rnd.nextInt(4),
                    n + rnd.nextInt(3), rnd.nextBoolean());
        }
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    /** Runs the kernel and the reference on the same operands; returns the kernel's C. */
    private static float[] check(boolean longSum, Layout l, Random rnd) {
        // B ends exactly at its last element: the long sum's padded read of the last rows is exercised.
        float[] a = random(rnd, l.aOff() + l.m() * l.k());
        float[] b = random(rnd, l.bOff() + l.k() * l.n());
        float[] c = random(rnd, l.cOff() + (l.m() - 1) * l.ldc() + l.n() + 2);
        float[] expected = c.clone();
        SkinnyGemm.reference(longSum, l.m(), l.n(), l.k(), a, l.aOff(), l.ars(), l.acs(), b, l.bOff(), l.brs(), l.bcs(),
                expected, l.cOff(), l.ldc(), l.accumulate());
        float[] actual = c.clone();
        if (longSum) {
            SkinnyGemm.longSum(l.m(), l.n(), l.k(), a, l.aOff(), l.ars(), l.acs(), b, l.bOff(), l.brs(),
                    actual, l.cOff(), l.ldc(), l.accumulate());
        } else {
            SkinnyGemm.tall(l.m(), l.n(), l.k(), a, l.aOff(), l.ars(), l.acs(), b, l.bOff(), l.brs(), l.bcs(),
                    actual, l.cOff(), l.ldc(), l.accumulate());
        }
        assertArrayEquals(expected, actual, 0f, () -> (longSum ? "long sum " : "tall ") + l);
        // And the true product within float rounding (the reference's own check).
        float[] exact = c.clone();
        GemmReference.sgemm(l.m(), l.n(), l.k(), a, l.aOff(), l.ars(), l.acs(), b, l.bOff(), l.brs(), l.bcs(),
                exact, l.cOff(), l.ldc(), l.accumulate());
        for (int i = 0; i < exact.length; i++) {
            assertEquals(exact[i], actual[i], 1e-5f * (l.k() + 2) * (1 + Math.abs(exact[i])), () -> "vs GemmReference " + l);
        }
        return actual;
    }

    @Test
    void tallMatchesItsReferenceBitForBit() {
        Random rnd = new Random(11);
        int[] rows = {4, 5, 6, 7, 9, 63, 759};
        for (int m : rows) {
            for (int n = 1; n <= SkinnyGemm.MAX_N; n++) {
                int k = 1 + rnd.nextInt(SkinnyGemm.MAX_K);
                check(false, Layout.random(rnd, m, n, k, rnd.nextBoolean()), rnd);
            }
        }
    }

    @Test
    void longSumMatchesItsReferenceBitForBit() {
        Random rnd = new Random(12);
        int[] terms = {17, 18, 31, 64, 759, 1001};
        for (int k : terms) {
            for (int m = 1; m <= SkinnyGemm.MAX_N; m++) {
                int n = 1 + rnd.nextInt(SkinnyGemm.MAX_N);
                check(true, Layout.random(rnd, m, n, k, false), rnd);
            }
        }
    }

    /** W3's six products, through {@link Gemm}, on one and two threads: the skinny kernels' bits. */
    @Test
    void w3ProductsTakeTheSkinnyKernelsThroughGemm() {
        Random rnd = new Random(13);
        // {m, n, k, transA, transB, long sum}: x·W1ᵀ, h1·W2ᵀ, G2·W2, G1ᵀ·x (as W1's layout), G2ᵀ·h1.
        int[][] cases = {{759, 6, 8, 0, 1, 0}, {759, 4, 6, 0, 1, 0}, {759, 6, 4, 0, 0, 0}, {6, 8, 759, 1, 0, 1},
                {4, 6, 759, 1, 0, 1}};
        for (int[] s : cases) {
            Layout l = new Layout(s[0], s[1], s[2], s[3] == 1, s[4] == 1, 0, 0, 0, s[1], false);
            assertTrue(s[5] == 1 ? SkinnyGemm.longSumApplies(l.m(), l.n(), l.k(), l.bcs())
                    : SkinnyGemm.tallApplies(l.m(), l.n(), l.k()), "shape " + l);
            float[] a = random(rnd, l.m() * l.k()), b = random(rnd, l.k() * l.n());
            float[] expected = new float[l.m() * l.n()];
            SkinnyGemm.reference(s[5] == 1, l.m(), l.n(), l.k(), a, 0, l.ars(), l.acs(), b, 0, l.brs(), l.bcs(),
                    expected, 0, l.ldc(), false);
            for (int threads = 1; threads <= 2; threads++) {
                float[] c = new float[expected.length];
                Gemm.sgemm(l.m(), l.n(), l.k(), a, 0, l.ars(), l.acs(), b, 0, l.brs(), l.bcs(), c, 0, l.ldc(), false, threads);
                assertArrayEquals(expected, c, 0f, "shape " + l + " on " + threads + " threads");
            }
        }
    }

    /** A tall product large enough to be split over threads gives the same bits as one thread. */
    @Test
    void aSplitTallProductHasTheSameBits() {
        Random rnd = new Random(14);
        int m = 9001, n = 16, k = 16;
        float[] a = random(rnd, m * k), b = random(rnd, k * n);
        float[] one = new float[m * n], two = new float[m * n];
        Gemm.sgemm(m, n, k, a, 0, k, 1, b, 0, 1, k, one, 0, n, false, 1);
        Gemm.sgemm(m, n, k, a, 0, k, 1, b, 0, 1, k, two, 0, n, false, 2);
        assertArrayEquals(one, two, 0f);
        float[] expected = new float[m * n];
        SkinnyGemm.reference(false, m, n, k, a, 0, k, 1, b, 0, 1, k, expected, 0, n, false);
        assertArrayEquals(expected, one, 0f);
    }
}
