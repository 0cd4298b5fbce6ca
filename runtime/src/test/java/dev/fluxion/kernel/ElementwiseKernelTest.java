package dev.fluxion.kernel;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The row kernels' fast paths (vector or plain loops) against their scalar references. */
class ElementwiseKernelTest {
    private static final int[] LENGTHS = {0, 1, 3, 7, 8, 15, 16, 17, 33, 64, 100, 1025};

    private static void close(double e, double a, double rtol, String what) {
        if (Double.isNaN(e) && Double.isNaN(a) || e == a) return;
        assertTrue(Math.abs(e - a) <= rtol * Math.max(1, Math.abs(e)), what + ": expected " + e + " but was " + a);
    }

    @Test
    void binaryFastEqualsReference() {
        Random rng = new Random(1);
        for (BinaryOp op : BinaryOp.values()) {
            for (int n : LENGTHS) {
                for (int aStep = 0; aStep <= 2; aStep++) {
                    for (int bStep = 0; bStep <= 1; bStep++) {
                        int len = n * Math.max(aStep, 1) + 3;
                        float[] af = new float[len], bf = new float[len];
                        double[] ad = new double[len], bd = new double[len];
                        for (int i = 0; i < len; i++) {
                            ad[i] = af[i] = (float) (rng.nextGaussian() + (op == BinaryOp.POW ? 3 : 0));
                            bd[i] = bf[i] = (float) rng.nextGaussian();
                        }
                        float[] of = new float[n + 2], rf = new float[n + 2];
                        double[] od = new double[n + 2], rd = new double[n + 2];
                        Elementwise.binary(op, af, 1, aStep, bf, 2, bStep, of, 1, 1, n);
                        Elementwise.binaryReference(op, af, 1, aStep, bf, 2, bStep, rf, 1, 1, n);
                        Elementwise.binary(op, ad, 1, aStep, bd, 2, bStep, od, 1, 1, n);
                        Elementwise.binaryReference(op, ad, 1, aStep, bd, 2, bStep, rd, 1, 1, n);
                        for (int i = 0; i < n + 2; i++) {
                            close(rf[i], of[i], 1e-6, op + " float n=" + n + " i=" + i);
                            close(rd[i], od[i], 1e-14, op + " double n=" + n + " i=" + i);
                        }
                        assertEquals(0f, of[0]);
                        assertEquals(0f, of[n + 1]);
                    }
                }
            }
        }
    }

    @Test
    void unaryFastEqualsReference() {
        Random rng = new Random(2);
        for (UnaryOp op : UnaryOp.values()) {
            for (int n : LENGTHS) {
                float[] xf = new float[n + 1];
                double[] xd = new double[n + 1];
                for (int i = 0; i < n + 1; i++) {
                    double v = rng.nextGaussian() * 3;
                    if (op == UnaryOp.LOG || op == UnaryOp.SQRT) v = Math.abs(v);
                    if (op == UnaryOp.LOG1P) v = Math.abs(v) - 0.5;
                    xd[i] = xf[i] = (float) v;
                }
                float[] of = new float[n + 1], rf = new float[n + 1];
                double[] od = new double[n + 1], rd = new double[n + 1];
                Elementwise.unary(op, 0.2, 0.7, xf, 1, 1, of, 0, 1, n);
                Elementwise.unaryReference(op, 0.2, 0.7, xf, 1, 1, rf, 0, 1, n);
                Elementwise.unary(op, 0.2, 0.7, xd, 1, 1, od, 0, 1, n);
                Elementwise.unaryReference(op, 0.2, 0.7, xd, 1, 1, rd, 0, 1, n);
                for (int i = 0; i < n; i++) {
                    close(rf[i], of[i], 1e-5, op + " float n=" + n);
                    close(rd[i], od[i], 1e-13, op + " double n=" + n);
                }
            }
        }
    }

    @Test
    void specialValuesFollowTheReference() {
        double[] x = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 800, -800};
        for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.SIGMOID, UnaryOp.SOFTPLUS, UnaryOp.ABS, UnaryOp.EXP}) {
            double[] o = new double[x.length], r = new double[x.length];
            Elementwise.unary(op, 0, 0, x, 0, 1, o, 0, 1, x.length);
            Elementwise.unaryReference(op, 0, 0, x, 0, 1, r, 0, 1, x.length);
            for (int i = 0; i < x.length; i++) {
                close(r[i], o[i], 1e-12, op + " at " + x[i]);
            }
        }
        assertEquals(0.0, UnaryOp.SIGMOID.apply(-800, 0, 0));
        assertEquals(1.0, UnaryOp.SIGMOID.apply(800, 0, 0));
        assertEquals(800.0, UnaryOp.SOFTPLUS.apply(800, 0, 0));
    }

    @Test
    void erfMatchesKnownValues() {
        // Values of erf from Abramowitz & Stegun, table 7.1, and erf(∞) = 1.
        assertEquals(0.0, SpecialFunctions.erf(0), 0);
        assertEquals(0.5204998778130465, SpecialFunctions.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, SpecialFunctions.erf(1), 1e-15);
        assertEquals(0.9953222650189527, SpecialFunctions.erf(2), 1e-15);
        assertEquals(0.9999779095030014, SpecialFunctions.erf(3), 1e-15);
        assertEquals(-0.9999999845827421, SpecialFunctions.erf(-4), 1e-15);
        assertEquals(1.0, SpecialFunctions.erf(30), 0);
        // Continuity where the series hands over to the continued fraction.
        assertEquals(SpecialFunctions.erf(2.9999999), SpecialFunctions.erf(3.0000001), 1e-9);
    }

    @Test
    void stridedLoopCoversEveryElementOnceInParallel() {
        int[] shape = {70, 40, 33};
        int n = 70 * 40 * 33;
        int[] strides = StridedLoop.contiguousStrides(shape);
        int[] transposed = {1, 70, 70 * 40};
        java.util.concurrent.atomic.AtomicIntegerArray count = new java.util.concurrent.atomic.AtomicIntegerArray(n);
        StridedLoop.run(shape, new int[][] {strides, transposed}, new int[] {0, 0}, 1, (offs, steps, len) -> {
            for (int i = 0; i < len; i++) {
                count.incrementAndGet(offs[1] + i * steps[1]);
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(1, count.get(i), "element " + i);
        }
    }
}
