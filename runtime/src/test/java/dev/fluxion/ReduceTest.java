package dev.fluxion;

import java.util.Random;

import dev.fluxion.kernel.ReduceOp;
import dev.fluxion.kernel.Reductions;
import org.junit.jupiter.api.Test;

import static dev.fluxion.TestTensors.assertClose;
import static dev.fluxion.TestTensors.assertTensor;
import static dev.fluxion.TestTensors.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Reductions: kernel fast paths against the reference, and Tensor-level results against closed forms. */
class ReduceTest {
    private static final int[] SIZES = {0, 1, 2, 3, 5, 17, 40};

    @Test
    void kernelFastPathsEqualReference() {
        Random rng = new Random(11);
        for (int trial = 0; trial < 500; trial++) {
            int rank = 1 + rng.nextInt(4);
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = SIZES[rng.nextInt(trial < 450 ? SIZES.length - 1 : SIZES.length)];
            }
            if (trial >= 490) {
                shape = new int[] {300, 260};
                rank = 2;
            }
            DType dtype = rng.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64;
            Tensor x = TestTensors.layout(rng, TestTensors.uniform(rng, dtype, -1, 1, shape), rng.nextInt(3));
            boolean[] reduce = new boolean[rank];
            for (int d = 0; d < rank; d++) {
                reduce[d] = rng.nextBoolean();
            }
            int outLen = 1;
            for (int d = 0; d < rank; d++) {
                if (!reduce[d]) outLen *= shape[d];
            }
            for (ReduceOp op : ReduceOp.values()) {
                String what = op + " " + Shapes.str(shape) + " " + java.util.Arrays.toString(reduce) + " " + dtype;
                if (x.f != null) {
                    // The reference sums the same float values in float64: two float32 summation orders
                    // (the fast path splits the work by the machine's core count) may each be off by a few
                    // ulps per partial sum, so the bound grows with √(reduced count), not with the order.
                    float[] fast = new float[outLen];
                    double[] exact = new double[outLen], values = new double[x.f.length];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = x.f[i];
                    }
                    Reductions.reduce(op, x.f, x.offset, x.shape, x.strides, reduce, fast);
                    Reductions.reduceReference(op, values, x.offset, x.shape, x.strides, reduce, exact);
                    double[] b = new double[outLen];
                    for (int i = 0; i < outLen; i++) {
                        b[i] = fast[i];
                    }
                    double tolerance = 1e-5 * Math.max(1, Math.sqrt(x.numel() / Math.max(1, outLen)) / 4);
                    assertClose(exact, b, tolerance, 1e-5, what);
                } else {
                    double[] fast = new double[outLen], ref = new double[outLen];
                    Reductions.reduce(op, x.d, x.offset, x.shape, x.strides, reduce, fast);
                    Reductions.reduceReference(op, x.d, x.offset, x.shape, x.strides, reduce, ref);
                    assertClose(ref, fast, 1e-12, 1e-12, what);
                }
            }
        }
    }

    /**
     * Kept dims between reduced ones (a convolution's bias gradient sums {@code [N, C, H, W]} over
     * N, H and W) take the trailing-rows path: each output against the same float values summed in
     * float64, for every op, float32 and float64, and on a view whose rows start at an offset.
     */
    @Test
    void keptDimsBetweenReducedOnesMatchFloat64() {
        Random rng = new Random(12);
        int[][] shapes = {{64, 16, 24, 24}, {3, 4, 5, 6}, {2, 7, 1, 33}, {5, 3, 2, 4, 8}};
        boolean[][] masks = {{true, false, true, true}, {false, true, false, true}, {true, false, true, true},
                {true, false, true, false, true}};
        for (int s = 0; s < shapes.length; s++) {
            for (DType dtype : DType.values()) {
                if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) continue;
                Tensor x = TestTensors.uniform(rng, dtype, -1, 1, shapes[s]);
                int outLen = 1;
                for (int d = 0; d < shapes[s].length; d++) {
                    if (!masks[s][d]) outLen *= shapes[s][d];
                }
                double[] all = x.toDoubleArray();
                for (ReduceOp op : ReduceOp.values()) {
                    double[] exact = new double[outLen], got = new double[outLen];
                    Reductions.reduceReference(op, all, 0, x.shape, x.strides, masks[s], exact);
                    if (x.f != null) {
                        float[] fast = new float[outLen];
                        Reductions.reduce(op, x.f, x.offset, x.shape, x.strides, masks[s], fast);
                        for (int i = 0; i < outLen; i++) got[i] = fast[i];
                    } else {
                        Reductions.reduce(op, x.d, x.offset, x.shape, x.strides, masks[s], got);
                    }
                    double tolerance = x.f != null ? 1e-5 * Math.max(1, Math.sqrt(x.numel() / outLen) / 4) : 1e-12;
                    assertClose(exact, got, tolerance, tolerance, op + " " + Shapes.str(x.shape) + " " + dtype);
                }
            }
        }
    }

    @Test
    void reductionsOverDimsWithKeepDim() {
        Tensor x = Tensor.of(new float[][] {{1, 5, 3}, {4, 2, 6}});
        assertTensor(x.sum(), new int[] {}, 21);
        assertTensor(x.sum(0), new int[] {3}, 5, 7, 9);
        assertTensor(x.sum(1, true), new int[] {2, 1}, 9, 12);
        assertTensor(x.sum(new int[] {0, 1}, true), new int[] {1, 1}, 21);
        assertTensor(x.mean(), new int[] {}, 3.5);
        assertTensor(x.mean(-1), new int[] {2}, 3, 4);
        assertTensor(x.max(), new int[] {}, 6);
        assertTensor(x.max(0), new int[] {3}, 4, 5, 6);
        assertTensor(x.min(1, true), new int[] {2, 1}, 1, 2);
        assertTensor(x.norm(), new int[] {}, Math.sqrt(91));
        assertTensor(x.norm(1, false), new int[] {2}, Math.sqrt(35), Math.sqrt(56));
        assertTensor(x.argmax(), new int[] {}, 5);
        assertTensor(x.argmax(1), new int[] {2}, 1, 2);
        assertTensor(x.t().sum(0), new int[] {2}, 9, 12);
        double lse = Math.log(Math.exp(1) + Math.exp(5) + Math.exp(3));
        assertTensor(x.logSumExp(1), new int[] {2}, lse, Math.log(Math.exp(4) + Math.exp(2) + Math.exp(6)));
        // Stable for large values where exp overflows.
        assertTensor(Tensor.of(1000.0, 1000.0).logSumExp(), new int[] {}, 1000 + Math.log(2));
        assertEquals(Double.NEGATIVE_INFINITY, Tensor.of(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY).logSumExp().item());
        assertTensor(Tensor.zeros(0, 3).sum(0), new int[] {3}, 0, 0, 0);
        assertThrows(FluxionException.class, () -> Tensor.zeros(0).max());
        assertEquals(DType.INT64, Tensor.of(1f, 2f).gt(0).sum().dtype());
        assertTensor(Tensor.of(1f, 2f).gt(0).sum(), new int[] {}, 2);
    }

    @Test
    void sumOfLargeTensorUsesPartialSums() {
        int n = 1 << 20;
        Tensor x = Tensor.ones(n);
        assertEquals(n, x.sum().item());
        Tensor r = Tensor.arange(n).toDouble();
        assertEquals((double) n * (n - 1) / 2, r.sum().item());
        assertArrayEquals(new int[] {}, r.sum().shape());
        assertClose(new double[] {0.5 * (n - 1)}, values(r.mean()), 1e-12, 0, "mean");
    }
}
