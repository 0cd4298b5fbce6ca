package dev.fluxion.cuda;

import dev.fluxion.Device;

import dev.fluxion.DType;
import dev.fluxion.Tensor;
import org.junit.jupiter.api.Assumptions;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shared helpers of the GPU tests: the visible skip, random inputs, CPU-vs-device comparison. */
final class GpuTesting {

    /** float32 tolerances for one elementwise op (a few ulps; the device's libm differs from Java's). */
    static final double RTOL = 2e-5;
    static final double ATOL = 1e-6;

    private GpuTesting() {
    }

    /** Skips the calling test class, saying why, when this machine has no usable CUDA device. */
    static void assumeGpu() {
        Assumptions.assumeTrue(Cuda.available(), () -> "no CUDA driver: GPU test skipped. " + Cuda.unavailableReason());
    }

    static Tensor uniform(Random rng, double lo, double hi, int... shape) {
        return Tensor.rand(rng, shape).times(hi - lo).plus(lo);
    }

    static Tensor uniform64(Random rng, double lo, double hi, int... shape) {
        return Tensor.rand(rng, DType.FLOAT64, shape).times(hi - lo).plus(lo);
    }

    static CudaTensor gpu(Tensor t) {
        return CudaTensor.toDevice(t, Device.cuda());
    }

    static void assertClose(Tensor expected, CudaTensor actual, double rtol, double atol, String what) {
        Tensor got = actual.toHost();
        assertArrayEquals(expected.shape(), got.shape(), () -> what + ": shape");
        assertTrue(got.dtype() == expected.dtype(), () -> what + ": dtype " + got.dtype() + " vs " + expected.dtype());
        double[] e = expected.toDoubleArray();
        double[] g = got.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            double tol = atol + rtol * Math.abs(e[i]);
            boolean ok = Double.isNaN(e[i]) ? Double.isNaN(g[i]) : Math.abs(e[i] - g[i]) <= tol;
            if (!ok) {
                int index = i;
                throw new AssertionError(what + ": element " + index + " of shape " + Arrays.toString(expected.shape())
                        + ": CPU " + e[index] + ", GPU " + g[index] + " (tolerance " + tol + ")");
            }
        }
    }

    static void assertClose(Tensor expected, CudaTensor actual, String what) {
        assertClose(expected, actual, RTOL, ATOL, what);
    }
}
