package dev.fluxion.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every GEMM path against {@link GemmReference}: random shapes around the micro-tile and block
 * edges, transposed operands (swapped strides), offsets, padded C, accumulate on and off, one and
 * two threads, float and double.
 */
final class GemmTest {
    private static final int[] DIMS = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 65, 129};

    /** Which implementation a case runs. */
    private enum Path { DISPATCH_1, DISPATCH_2, VECTOR, PLAIN }

    /** One product's layout: operands in larger arrays at offsets, C padded to ldc. */
    private record Layout(int m, int n, int k, boolean transA, boolean transB, int aOff, int bOff, int cOff,
                          int ldc, boolean accumulate) {
        int ars() { return transA ? 1 : k; }
        int acs() { return transA ? m : 1; }
        int brs() { return transB ? 1 : n; }
        int bcs() { return transB ? k : 1; }
        int aLen() { return aOff + m * k; }
        int bLen() { return bOff + k * n; }
        int cLen() { return cOff + Math.max(0, m - 1) * ldc + n + 3; }

        static Layout random(Random rnd, int m, int n, int k) {
            return new Layout(m, n, k, rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextInt(5), rnd.nextInt(5),
                    rnd.nextInt(5), Math.max(1, n) + rnd.nextInt(3), rnd.nextBoolean());
        }
    }

    @Test
    void sgemmMatchesReferenceOverSmallShapes() {
        Random rnd = new Random(7);
        for (int m : DIMS) {
            for (int n : DIMS) {
                int k = DIMS[rnd.nextInt(DIMS.length)];
                for (Path path : Path.values()) checkFloat(path, Layout.random(rnd, m, n, k), rnd);
            }
        }
    }

    @Test
    void dgemmMatchesReferenceOverSmallShapes() {
        Random rnd = new Random(8);
        for (int m : DIMS) {
            for (int k : DIMS) {
                int n = DIMS[rnd.nextInt(DIMS.length)];
                for (Path path : Path.values()) checkDouble(path, Layout.random(rnd, m, n, k), rnd);
            }
        }
    }

    /** Shapes that cross the K block (1024), the N block (1024) and the M block, in every layout. */
    @Test
    void bothPrecisionsMatchAcrossCacheBlocks() {
        Random rnd = new Random(9);
        int[][] shapes = {{70, 45, 600}, {9, 1100, 5}, {200, 40, 33}, {129, 130, 1030}, {33, 1025, 17}, {20, 40, 2100}};
        for (int[] s : shapes) {
            for (int layout = 0; layout < 4; layout++) {
                Layout l = new Layout(s[0], s[1], s[2], (layout & 1) != 0, (layout & 2) != 0, 3, 1, 2,
                        s[1] + 1, layout == 2);
                for (Path path : Path.values()) {
                    checkFloat(path, l, rnd);
                    checkDouble(path, l, rnd);
                }
            }
        }
    }

    /**
     * The unpacked NT kernel ({@link GemmNt}: A row-major, B transposed, at most 128 rows): W4's
     * layer-1 product, and shapes off every edge of its 4×4 tile and of its vector length in K.
     */
    @Test
    void ntKernelMatchesReferenceForLinearLayerShapes() {
        Random rnd = new Random(10);
        int[][] shapes = {{64, 256, 784}, {4, 4, 64}, {5, 7, 65}, {3, 2, 100}, {128, 9, 129}, {61, 30, 777}, {1, 13, 80}};
        for (int[] s : shapes) {
            for (boolean accumulate : new boolean[] {false, true}) {
                Layout l = new Layout(s[0], s[1], s[2], false, true, 2, 3, 1, s[1] + 2, accumulate);
                assertTrue(GemmNt.applies(l.m(), l.k(), l.acs(), l.brs()), "shape " + l + " must take the NT kernel");
                checkFloat(Path.DISPATCH_1, l, rnd);
                checkFloat(Path.DISPATCH_2, l, rnd);
            }
        }
    }

    /** Every element of the NT kernel's C is summed the same way in a full tile, at an edge, on any thread. */
    @Test
    void ntKernelGivesTheSameBitsWhateverTheTilingAndThreads() {
        Random rnd = new Random(11);
        int m = 67, n = 45, k = 301;
        float[] a = randomFloats(rnd, m * k);
        float[] b = randomFloats(rnd, n * k);
        float[] whole = new float[m * n];
        float[] two = new float[m * n];
        Gemm.sgemm(m, n, k, a, 0, k, 1, b, 0, 1, k, whole, 0, n, false, 1);
        Gemm.sgemm(m, n, k, a, 0, k, 1, b, 0, 1, k, two, 0, n, false, 2);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float[] one = new float[1];
                // The 1×1 product of row i and column j: an edge element of a one-element C.
                GemmNt.sgemm(1, 1, k, a, i * k, k, b, j * k, k, one, 0, 1, false);
                assertEquals(Float.floatToRawIntBits(one[0]), Float.floatToRawIntBits(whole[i * n + j]), "C[" + i + "," + j + "]");
                assertEquals(Float.floatToRawIntBits(one[0]), Float.floatToRawIntBits(two[i * n + j]), "C[" + i + "," + j + "], 2 threads");
            }
        }
    }

    @Test
    void knownTwoByTwoProduct() {
        // [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]; with B transposed in storage the same.
        float[] a = {1, 2, 3, 4};
        float[] bT = {5, 7, 6, 8};
        float[] c = {100, 100, 100, 100};
        Gemm.sgemm(2, 2, 2, a, 0, 2, 1, bT, 0, 1, 2, c, 0, 2, false);
        assertEquals(19f, c[0]);
        assertEquals(22f, c[1]);
        assertEquals(43f, c[2]);
        assertEquals(50f, c[3]);
        Gemm.sgemm(2, 2, 2, a, 0, 2, 1, bT, 0, 1, 2, c, 0, 2, true);
        assertEquals(100f, c[3]);
    }

    @Test
    void emptyInnerDimensionZeroesOrKeepsC() {
        double[] c = {Double.NaN, 5};
        Gemm.dgemm(1, 2, 0, new double[0], 0, 0, 1, new double[0], 0, 2, 1, c, 0, 2, true);
        assertTrue(Double.isNaN(c[0]));
        Gemm.dgemm(1, 2, 0, new double[0], 0, 0, 1, new double[0], 0, 2, 1, c, 0, 2, false);
        assertEquals(0.0, c[0]);
        assertEquals(0.0, c[1]);
    }

    @Test
    void rejectsNegativeDimensionsAndThreads() {
        float[] x = new float[4];
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(-1, 1, 1, x, 0, 1, 1, x, 0, 1, 1, x, 0, 1, false));
        assertThrows(IllegalArgumentException.class, () -> Gemm.sgemm(1, 1, 1, x, 0, 1, 1, x, 0, 1, 1, x, 0, 1, false, 0));
    }

    @Test
    void vectorPathIsSelectedWhenTheModuleIsPresent() {
        // Surefire runs with --add-modules=jdk.incubator.vector (see the parent pom).
        assertEquals(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), Gemm.vectorized());
    }

    private static void checkFloat(Path path, Layout l, Random rnd) {
        float[] a = randomFloats(rnd, l.aLen());
        float[] b = randomFloats(rnd, l.bLen());
        float[] c0 = randomFloats(rnd, l.cLen());
        if (!l.accumulate()) fillC(c0, l, Float.NaN); // must be overwritten, not added to
        float[] want = c0.clone();
        float[] got = c0.clone();
        GemmReference.sgemm(l.m(), l.n(), l.k(), a, l.aOff(), l.ars(), l.acs(), b, l.bOff(), l.brs(), l.bcs(),
                want, l.cOff(), l.ldc(), l.accumulate());
        switch (path) {
            case DISPATCH_1, DISPATCH_2 -> Gemm.sgemm(l.m(), l.n(), l.k(), a, l.aOff(), l.ars(), l.acs(), b, l.bOff(),
                    l.brs(), l.bcs(), got, l.cOff(), l.ldc(), l.accumulate(), path == Path.DISPATCH_1 ? 1 : 2);
            case VECTOR -> GemmVector.sgemm(l.m(), l.n(), l.k(), a, l.aOff(), l.ars(), l.acs(), b, l.bOff(),
                    l.brs(), l.bcs(), got, l.cOff(), l.ldc(), l.accumulate());
            case PLAIN -> GemmPlain.sgemm(l.m(), l.n(), l.k(), a, l.aOff(), l.ars(), l.acs(), b, l.bOff(),
                    l.brs(), l.bcs(), got, l.cOff(), l.ldc(), l.accumulate());
        }
        for (int idx = 0; idx < got.length; idx++) {
            int rel = idx - l.cOff();
            boolean inside = rel >= 0 && rel / l.ldc() < l.m() && rel % l.ldc() < l.n();
            if (!inside) {
                // Padding, offsets and the tail of C must be untouched.
                if (Float.floatToRawIntBits(got[idx]) != Float.floatToRawIntBits(c0[idx])) {
                    fail(path + " " + l + " wrote outside C at " + idx);
                }
                continue;
            }
            int i = rel / l.ldc(), j = rel % l.ldc();
            double bound = 0;
            for (int p = 0; p < l.k(); p++) {
                bound += Math.abs((double) a[l.aOff() + i * l.ars() + p * l.acs()] * b[l.bOff() + p * l.brs() + j * l.bcs()]);
            }
            if (l.accumulate()) bound += Math.abs(c0[idx]);
            // Both sums round at most k+1 times each; float ε = 2^-24.
            double tol = 2 * (l.k() + 2) * 0x1p-24 * bound + 1e-30;
            if (!(Math.abs(got[idx] - want[idx]) <= tol)) {
                fail(path + " " + l + " C[" + i + "," + j + "]: got " + got[idx] + ", reference " + want[idx] + ", tol " + tol);
            }
        }
    }

    private static void checkDouble(Path path, Layout l, Random rnd) {
        double[] a = randomDoubles(rnd, l.aLen());
        double[] b = randomDoubles(rnd, l.bLen());
        double[] c0 = randomDoubles(rnd, l.cLen());
        if (!l.accumulate()) fillC(c0, l, Double.NaN);
        double[] want = c0.clone();
        double[] got = c0.clone();
        GemmReference.dgemm(l.m(), l.n(), l.k(), a, l.aOff(), l.ars(), l.acs(), b, l.bOff(), l.brs(), l.bcs(),
                want, l.cOff(), l.ldc(), l.accumulate());
        switch (path) {
            case DISPATCH_1, DISPATCH_2 -> Gemm.dgemm(l.m(), l.n(), l.k(), a, l.aOff(), l.ars(), l.acs(), b, l.bOff(),
                    l.brs(), l.bcs(), got, l.cOff(), l.ldc(), l.accumulate(), path == Path.DISPATCH_1 ? 1 : 2);
            case VECTOR -> GemmVectorDouble.dgemm(l.m(), l.n(), l.k(), a, l.aOff(), l.ars(), l.acs(), b, l.bOff(),
                    l.brs(), l.bcs(), got, l.cOff(), l.ldc(), l.accumulate());
            case PLAIN -> GemmPlain.dgemm(l.m(), l.n(), l.k(), a, l.aOff(), l.ars(), l.acs(), b, l.bOff(),
                    l.brs(), l.bcs(), got, l.cOff(), l.ldc(), l.accumulate());
        }
        for (int idx = 0; idx < got.length; idx++) {
            int rel = idx - l.cOff();
            boolean inside = rel >= 0 && rel / l.ldc() < l.m() && rel % l.ldc() < l.n();
            if (!inside) {
                if (Double.doubleToRawLongBits(got[idx]) != Double.doubleToRawLongBits(c0[idx])) {
                    fail(path + " " + l + " wrote outside C at " + idx);
                }
                continue;
            }
            int i = rel / l.ldc(), j = rel % l.ldc();
            double bound = 0;
            for (int p = 0; p < l.k(); p++) {
                bound += Math.abs(a[l.aOff() + i * l.ars() + p * l.acs()] * b[l.bOff() + p * l.brs() + j * l.bcs()]);
            }
            if (l.accumulate()) bound += Math.abs(c0[idx]);
            double tol = 2 * (l.k() + 2) * 0x1p-53 * bound + 1e-300;
            if (!(Math.abs(got[idx] - want[idx]) <= tol)) {
                fail(path + " " + l + " C[" + i + "," + j + "]: got " + got[idx] + ", reference " + want[idx] + ", tol " + tol);
            }
        }
    }

    private static void fillC(float[] c, Layout l, float v) {
        for (int i = 0; i < l.m(); i++) java.util.Arrays.fill(c, l.cOff() + i * l.ldc(), l.cOff() + i * l.ldc() + l.n(), v);
    }

    private static void fillC(double[] c, Layout l, double v) {
        for (int i = 0; i < l.m(); i++) java.util.Arrays.fill(c, l.cOff() + i * l.ldc(), l.cOff() + i * l.ldc() + l.n(), v);
    }

    private static float[] randomFloats(Random rnd, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    private static double[] randomDoubles(Random rnd, int len) {
        double[] x = new double[len];
        for (int i = 0; i < len; i++) x[i] = rnd.nextGaussian();
        return x;
    }
}
