package dev.fluxion.cuda;

import java.util.Arrays;

/** Argument checks shared by the device ops: one device, one dtype, shapes that fit. */
final class Checks {

    private Checks() {
    }

    /** Both on one device and of one dtype, else an error naming both. */
    static void compatible(String op, CudaTensor a, CudaTensor b) {
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException(op + ": tensors on different devices: " + a.device() + " and "
                    + b.device() + " (move one with CudaTensor.toDevice / toHost)");
        }
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": tensors of different dtypes: " + a.dtype().torchName()
                    + " and " + b.dtype().torchName());
        }
    }

    /** Both on one device, else an error naming both. */
    static void compatibleDevices(String op, CudaTensor a, CudaTensor b) {
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException(op + ": tensors on different devices: " + a.device() + " and "
                    + b.device());
        }
    }

    static void floating(String op, CudaTensor a) {
        if (!a.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": needs a float32 or float64 tensor, got " + a.dtype().torchName());
        }
    }

    static void sameShape(String op, CudaTensor a, CudaTensor b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": shapes differ: " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()));
        }
    }

    /** Whether {@code small}'s shape, leading 1s dropped, is a suffix of {@code big}'s. */
    static boolean isSuffix(int[] small, int[] big) {
        int start = 0;
        while (start < small.length && small[start] == 1) {
            start++;
        }
        int len = small.length - start;
        if (len > big.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (small[start + i] != big[big.length - len + i]) {
                return false;
            }
        }
        return true;
    }

    /** The kernel name suffix of a tensor's storage. */
    static String suffix(CudaTensor t) {
        return t.isDoubleStorage() ? "_f64" : "_f32";
    }

    /** Normalises a possibly negative dimension. */
    static int dim(String op, CudaTensor t, int dim) {
        int d = dim < 0 ? dim + t.dim() : dim;
        if (d < 0 || d >= t.dim()) {
            throw new IllegalArgumentException(op + ": dimension " + dim + " out of range for shape "
                    + Arrays.toString(t.shape()));
        }
        return d;
    }
}
