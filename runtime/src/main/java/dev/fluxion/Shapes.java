package dev.fluxion;

import java.util.Arrays;

/** Shape arithmetic shared by the ops: dim normalisation, broadcasting, contiguity. */
final class Shapes {
    private Shapes() {}

    /** {@code d} as a non-negative dim of a tensor of {@code shape}; negative counts from the end. */
    static int dim(String op, int d, int[] shape) {
        return dim(op, d, shape.length, shape);
    }

    /** As {@link #dim(String, int, int[])} for a rank that may differ from {@code shape.length}. */
    static int dim(String op, int d, int rank, int[] shape) {
        int r = d < 0 ? d + rank : d;
        if (r < 0 || r >= rank) {
            throw new FluxionException(op + ": dim " + d + " is out of range for shape " + str(shape)
                    + " (expected a dim in [" + (-rank) + ", " + (rank - 1) + "])");
        }
        return r;
    }

    /** Normalised, sorted, distinct dims; throws on duplicates. */
    static int[] dims(String op, int[] dims, int[] shape) {
        if (ascendingInRange(dims, shape.length)) {
            return dims.clone(); // the usual case (sumToShape, keepDim reductions): nothing to sort
        }
        int[] r = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            r[i] = dim(op, dims[i], shape);
        }
        Arrays.sort(r);
        for (int i = 1; i < r.length; i++) {
            if (r[i] == r[i - 1]) {
                throw new FluxionException(op + ": dim " + r[i] + " appears twice in " + Arrays.toString(dims));
            }
        }
        return r;
    }

    /** Whether {@code dims} are already normalised, distinct and ascending. */
    private static boolean ascendingInRange(int[] dims, int rank) {
        int previous = -1;
        for (int d : dims) {
            if (d <= previous || d >= rank) {
                return false;
            }
            previous = d;
        }
        return true;
    }

    static int numel(int[] shape) {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        if (n > Integer.MAX_VALUE) {
            throw new FluxionException("shape " + str(shape) + " has more than 2^31 - 1 elements");
        }
        return (int) n;
    }

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    static boolean isContiguous(int[] shape, int[] strides) {
        int expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] == 1) {
                continue;
            }
            if (shape[d] == 0) {
                return true;
            }
            if (strides[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** The broadcast of two shapes (NumPy rules: align right, sizes equal or 1). */
    static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int sa = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int sb = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (sa != sb && sa != 1 && sb != 1) {
                throw new FluxionException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be broadcast");
            }
            out[i] = sa == 1 ? sb : sa;
        }
        return out;
    }

    /** Strides that read {@code t} as if expanded to {@code outShape} (0 on broadcast dims). */
    static int[] broadcastStrides(Tensor t, int[] outShape) {
        int rank = outShape.length;
        int lead = rank - t.shape.length;
        int[] s = new int[rank];
        for (int i = lead; i < rank; i++) {
            s[i] = t.shape[i - lead] == 1 && outShape[i] != 1 ? 0 : t.strides[i - lead];
            if (t.shape[i - lead] == 1) {
                s[i] = 0;
            }
        }
        return s;
    }

    /** Whether {@code t} can be broadcast to {@code target}. */
    static boolean broadcastsTo(int[] shape, int[] target) {
        if (shape.length > target.length) {
            return false;
        }
        int lead = target.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != 1 && shape[i] != target[i + lead]) {
                return false;
            }
        }
        return true;
    }

    /** {@code shape} with {@code dims} (sorted, normalised) removed or set to 1. */
    static int[] reduced(int[] shape, int[] dims, boolean keepDim) {
        boolean[] r = mask(shape.length, dims);
        int[] out = new int[keepDim ? shape.length : shape.length - dims.length];
        int j = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!r[d]) {
                out[j++] = shape[d];
            } else if (keepDim) {
                out[j++] = 1;
            }
        }
        return out;
    }

    static boolean[] mask(int rank, int[] dims) {
        boolean[] r = new boolean[rank];
        for (int d : dims) {
            r[d] = true;
        }
        return r;
    }
}
