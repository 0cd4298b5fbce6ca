package dev.fluxion.kernel;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fused in-place kernels against their scalar references and against the unfused two-step
 * formula they replace: bit-identical, since both round each product and sum to float.
 */
class AxpyTest {
    private static final int[] LENGTHS = {0, 1, 3, 15, 16, 17, 31, 64, 100, 1025};
    private static final double[] ALPHAS = {1, -1, 0.1, -0.01, 3.7};

    private static float[] randomFloats(Random rng, int n) {
        float[] r = new float[n];
        for (int i = 0; i < n; i++) r[i] = (float) rng.nextGaussian();
        return r;
    }

    private static double[] randomDoubles(Random rng, int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = rng.nextGaussian();
        return r;
    }

    @Test
    void axpyEqualsReferenceAndUnfusedFormula() {
        Random rng = new Random(3);
        for (int n : LENGTHS) {
            for (double alpha : ALPHAS) {
                float[] x = randomFloats(rng, n + 2), y0 = randomFloats(rng, n + 3);
                float[] fast = y0.clone(), ref = y0.clone(), unfused = y0.clone();
                Axpy.axpy(n, alpha, x, 2, fast, 1);
                Axpy.axpyReference(n, alpha, x, 2, ref, 1);
                for (int i = 0; i < n; i++) {
                    float t = (float) ((double) x[2 + i] * (float) alpha);
                    unfused[1 + i] = (float) ((double) unfused[1 + i] + t);
                }
                assertArrayEquals(ref, fast, "float n=" + n + " alpha=" + alpha);
                assertArrayEquals(unfused, fast, "float unfused n=" + n + " alpha=" + alpha);
                assertEquals(y0[0], fast[0]);
                assertEquals(y0[n + 1], fast[n + 1]);

                double[] xd = randomDoubles(rng, n + 2), yd = randomDoubles(rng, n + 3);
                double[] fd = yd.clone(), rd = yd.clone();
                Axpy.axpy(n, alpha, xd, 2, fd, 1);
                Axpy.axpyReference(n, alpha, xd, 2, rd, 1);
                for (int i = 0; i < n; i++) {
                    assertEquals(yd[1 + i] + xd[2 + i] * alpha, fd[1 + i], "double n=" + n + " i=" + i);
                }
                assertArrayEquals(rd, fd);
            }
        }
    }

    @Test
    void addcombinedEqualsReference() {
        Random rng = new Random(4);
        for (int n : LENGTHS) {
            for (boolean divide : new boolean[] {false, true}) {
                float[] a = randomFloats(rng, n + 1), b = randomFloats(rng, n + 1), y = randomFloats(rng, n);
                float[] fast = y.clone(), ref = y.clone();
                Axpy.addcombined(n, -0.3, divide, a, 1, b, 1, fast, 0);
                Axpy.addcombinedReference(n, -0.3, divide, a, 1, b, 1, ref, 0);
                assertArrayEquals(ref, fast, "float divide=" + divide + " n=" + n);
                for (int i = 0; i < n; i++) {
                    float t = divide ? a[1 + i] / b[1 + i] : a[1 + i] * b[1 + i];
                    assertEquals(y[i] + t * (float) -0.3, fast[i], "closed form i=" + i);
                }
                double[] ad = randomDoubles(rng, n), bd = randomDoubles(rng, n), yd = randomDoubles(rng, n);
                double[] fd = yd.clone(), rd = yd.clone();
                Axpy.addcombined(n, 2.5, divide, ad, 0, bd, 0, fd, 0);
                Axpy.addcombinedReference(n, 2.5, divide, ad, 0, bd, 0, rd, 0);
                assertArrayEquals(rd, fd, "double divide=" + divide + " n=" + n);
            }
        }
    }

    @Test
    void scaleEqualsReference() {
        Random rng = new Random(5);
        for (int n : LENGTHS) {
            float[] y = randomFloats(rng, n + 1);
            float[] fast = y.clone(), ref = y.clone();
            Axpy.scale(n, 0.9, fast, 1);
            Axpy.scaleReference(n, 0.9, ref, 1);
            assertArrayEquals(ref, fast);
            assertEquals(y[0], fast[0]);
            for (int i = 0; i < n; i++) assertEquals(y[1 + i] * 0.9f, fast[1 + i]);
            double[] yd = randomDoubles(rng, n);
            double[] fd = yd.clone(), rd = yd.clone();
            Axpy.scale(n, -1.5, fd, 0);
            Axpy.scaleReference(n, -1.5, rd, 0);
            assertArrayEquals(rd, fd);
        }
    }
}
