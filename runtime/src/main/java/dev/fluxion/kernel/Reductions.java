package dev.fluxion.kernel;

/**
 * Reductions of a strided N-d array over a set of its dimensions.
 *
 * <p>{@code out[k] = ⊕_{reduced indices} x[kept index k, reduced indices]}, where {@code out} is
 * contiguous over the kept dimensions in their order. Two fast layouts: the reduced dimensions
 * form one contiguous row (each output reduces a row, with several vector accumulators), or the
 * kept dimensions do (rows of x are combined into the output row, as for a bias gradient). A third
 * covers kept dims between reduced ones whose trailing reduced dims form a contiguous row (a
 * convolution's bias gradient). Every other layout, and {@code reduceReference}, accumulates in
 * double element by element.
 * A reduction over zero elements gives the op's identity.
 */
public final class Reductions {
    private Reductions() {}

    /** Reduces {@code x} (at {@code xOff} with {@code shape}, {@code strides}) over dims where {@code reduce[d]}. Modified: {@code out}. */
    public static void reduce(ReduceOp op, float[] x, int xOff, int[] shape, int[] strides, boolean[] reduce, float[] out) {
        drive(op, xOff, shape, strides, reduce, new FloatAccess(x, out));
    }

    /** Double version of {@link #reduce(ReduceOp, float[], int, int[], int[], boolean[], float[])}. Modified: {@code out}. */
    public static void reduce(ReduceOp op, double[] x, int xOff, int[] shape, int[] strides, boolean[] reduce, double[] out) {
        drive(op, xOff, shape, strides, reduce, new DoubleAccess(x, out));
    }

    /**
     * {@code ⊕_{i<n} x[off + i]}: one contiguous row reduced to one value, exactly as
     * {@link #reduce} reduces a contiguous tensor over all its dims (so the two agree bit for
     * bit); lets a caller skip the layout analysis for small tensors. {@code n ≥ 1}.
     */
    public static double reduceContiguous(ReduceOp op, float[] x, int off, int n) {
        // One chunk (reduceLongRow's own test) is the row kernel itself: no access object for it.
        return chunks(n) <= 1 ? FloatAccess.row(op, x, off, n) : reduceLongRow(op, new FloatAccess(x, x), off, n);
    }

    /** Double version of {@link #reduceContiguous(ReduceOp, float[], int, int)}. */
    public static double reduceContiguous(ReduceOp op, double[] x, int off, int n) {
        return chunks(n) <= 1 ? DoubleAccess.row(op, x, off, n) : reduceLongRow(op, new DoubleAccess(x, x), off, n);
    }

    /**
     * {@code out[outOff + j] = Σ_i x[off + i·c + j]}: a dense [n, c] summed over its rows (a bias
     * gradient), exactly as {@link #reduce} sums that layout over dim 0, so the two agree bit for bit:
     * one column ({@code c == 1}) as {@link #reduceContiguous}; more, the first row copied and each
     * next row added to it in float, in row order. {@code n ≥ 1}. Modified: {@code out}.
     */
    public static void sumRows(float[] x, int off, int n, int c, float[] out, int outOff) {
        if (c == 1) {
            out[outOff] = (float) reduceContiguous(ReduceOp.SUM, x, off, n);
            return;
        }
        System.arraycopy(x, off, out, outOff, c);
        for (int i = 1; i < n; i++) {
            int row = off + i * c;
            for (int j = 0; j < c; j++) {
                out[outOff + j] = out[outOff + j] + x[row + j];
            }
        }
    }

    /** Double version of {@link #sumRows(float[], int, int, int, float[], int)}. Modified: {@code out}. */
    public static void sumRows(double[] x, int off, int n, int c, double[] out, int outOff) {
        if (c == 1) {
            out[outOff] = reduceContiguous(ReduceOp.SUM, x, off, n);
            return;
        }
        System.arraycopy(x, off, out, outOff, c);
        for (int i = 1; i < n; i++) {
            int row = off + i * c;
            for (int j = 0; j < c; j++) {
                out[outOff + j] = out[outOff + j] + x[row + j];
            }
        }
    }

    /** Scalar reference of the float {@code reduce} (double accumulators). Modified: {@code out}. */
    public static void reduceReference(ReduceOp op, float[] x, int xOff, int[] shape, int[] strides, boolean[] reduce,
                                       float[] out) {
        reference(op, xOff, shape, strides, reduce, new FloatAccess(x, out));
    }

    /** Scalar reference of the double {@code reduce}. Modified: {@code out}. */
    public static void reduceReference(ReduceOp op, double[] x, int xOff, int[] shape, int[] strides, boolean[] reduce,
                                       double[] out) {
        reference(op, xOff, shape, strides, reduce, new DoubleAccess(x, out));
    }

    /** Reads x, writes out, and reduces/combines contiguous rows. */
    private interface Access {
        double x(int i);

        void setOut(int i, double v);

        double out(int i);

        double reduceRow(ReduceOp op, int off, int n);

        /** out[o..o+n) = op(out[o..o+n), x[xo..xo+n)). */
        void combineRow(ReduceOp op, int outOff, int xOff, int n);
    }

    private record FloatAccess(float[] x, float[] out) implements Access {
        public double x(int i) { return x[i]; }
        public void setOut(int i, double v) { out[i] = (float) v; }
        public double out(int i) { return out[i]; }
        public double reduceRow(ReduceOp op, int off, int n) {
            return row(op, x, off, n);
        }
        static double row(ReduceOp op, float[] x, int off, int n) {
            if (Vectors.AVAILABLE) {
                return VectorReductions.reduce(op, x, off, n);
            }
            if (op == ReduceOp.SUM) {
                // Without vectors the loop is scalar anyway: double accumulators cost nothing extra.
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int i = 0;
                for (; i + 4 <= n; i += 4) {
                    s0 += x[off + i]; s1 += x[off + i + 1]; s2 += x[off + i + 2]; s3 += x[off + i + 3];
                }
                for (; i < n; i++) s0 += x[off + i];
                return (s0 + s1) + (s2 + s3);
            }
            double r = op.identity();
            for (int i = 0; i < n; i++) r = op.combine(r, x[off + i]);
            return r;
        }
        public void combineRow(ReduceOp op, int outOff, int xOff, int n) {
            Elementwise.binary(op.asBinary(), out, outOff, 1, x, xOff, 1, out, outOff, 1, n);
        }
    }

    private record DoubleAccess(double[] x, double[] out) implements Access {
        public double x(int i) { return x[i]; }
        public void setOut(int i, double v) { out[i] = v; }
        public double out(int i) { return out[i]; }
        public double reduceRow(ReduceOp op, int off, int n) {
            return row(op, x, off, n);
        }
        static double row(ReduceOp op, double[] x, int off, int n) {
            if (Vectors.AVAILABLE) {
                return VectorReductions.reduce(op, x, off, n);
            }
            if (op == ReduceOp.SUM) {
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int i = 0;
                for (; i + 4 <= n; i += 4) {
                    s0 += x[off + i]; s1 += x[off + i + 1]; s2 += x[off + i + 2]; s3 += x[off + i + 3];
                }
                for (; i < n; i++) s0 += x[off + i];
                return (s0 + s1) + (s2 + s3);
            }
            double r = op.identity();
            for (int i = 0; i < n; i++) r = op.combine(r, x[off + i]);
            return r;
        }
        public void combineRow(ReduceOp op, int outOff, int xOff, int n) {
            Elementwise.binary(op.asBinary(), out, outOff, 1, x, xOff, 1, out, outOff, 1, n);
        }
    }

    /** Shape and strides of a subset of dims, collapsed; {@code len} elements. */
    private record Part(int[] shape, int[] strides, int len, int rowStep) {
        static Part of(int[] shape, int[] strides, boolean[] reduce, boolean wantReduced) {
            int count = 0;
            for (int d = 0; d < shape.length; d++) {
                if (reduce[d] == wantReduced) count++;
            }
            int[] s = new int[count];
            int[] st = new int[count];
            int len = 1;
            int j = 0;
            for (int d = 0; d < shape.length; d++) {
                if (reduce[d] == wantReduced) {
                    s[j] = shape[d];
                    st[j] = strides[d];
                    len *= shape[d];
                    j++;
                }
            }
            return new Part(s, st, len, singleRowStep(s, st));
        }

        /** The step if these dims walk one evenly strided row, else 0 (−1 for an empty part). */
        private static int singleRowStep(int[] s, int[] st) {
            int step = -1;
            int expected = 0;
            for (int d = s.length - 1; d >= 0; d--) {
                if (s[d] == 1) continue;
                if (step < 0) {
                    step = st[d];
                    expected = st[d] * s[d];
                } else if (st[d] != expected) {
                    return 0;
                } else {
                    expected *= s[d];
                }
            }
            return step < 0 ? 1 : step;
        }
    }

    private static void drive(ReduceOp op, int xOff, int[] shape, int[] strides, boolean[] reduce, Access a) {
        Part kept = Part.of(shape, strides, reduce, false);
        Part red = Part.of(shape, strides, reduce, true);
        if (kept.len == 0) {
            return;
        }
        if (red.len == 0) {
            for (int i = 0; i < kept.len; i++) a.setOut(i, op.identity());
            return;
        }
        if (red.rowStep == 1) {
            int n = red.len;
            if (kept.len == 1) {
                a.setOut(0, reduceLongRow(op, a, xOff, n));
                return;
            }
            int[][] st = {kept.strides, StridedLoop.contiguousStrides(kept.shape)};
            StridedLoop.run(kept.shape, st, new int[] {xOff, 0}, n, (offs, steps, count) -> {
                for (int i = 0; i < count; i++) {
                    a.setOut(offs[1] + i * steps[1], a.reduceRow(op, offs[0] + i * steps[0], n));
                }
            });
            return;
        }
        if (kept.rowStep == 1) {
            int[] redCont = StridedLoop.contiguousStrides(red.shape);
            Parallel.forRange(kept.len, red.len, (start, end) -> {
                boolean[] first = {true};
                StridedLoop.runSerial(red.shape, new int[][] {red.strides, redCont}, new int[] {xOff, 0},
                        (offs, steps, count) -> {
                            for (int i = 0; i < count; i++) {
                                int base = offs[0] + i * steps[0];
                                if (first[0]) {
                                    for (int j = start; j < end; j++) a.setOut(j, a.x(base + j));
                                    first[0] = false;
                                } else {
                                    a.combineRow(op, start, base + start, end - start);
                                }
                            }
                        });
            });
            return;
        }
        if (reduceOverTrailingRows(op, xOff, shape, strides, reduce, a)) {
            return;
        }
        reference(op, xOff, shape, strides, reduce, a);
    }

    /**
     * Kept dims between reduced ones, as a convolution's bias gradient ({@code [N, C, H, W]} summed
     * over N, H and W): when the trailing dims are all reduced and form one contiguous row, each
     * output is its rows reduced with the vector kernel and combined in double, in the same order
     * whatever the thread count (threads split the outputs, never one output's rows).
     * False (nothing written) for any other layout.
     */
    private static boolean reduceOverTrailingRows(ReduceOp op, int xOff, int[] shape, int[] strides, boolean[] reduce,
                                                  Access a) {
        int rank = shape.length;
        int tail = rank;
        int rowLen = 1;
        int expectedStride = 1;
        while (tail > 0 && reduce[tail - 1] && (shape[tail - 1] == 1 || strides[tail - 1] == expectedStride)) {
            tail--;
            rowLen *= shape[tail];
            expectedStride *= shape[tail];
        }
        if (tail == rank || rowLen < 4) {
            return false;
        }
        boolean[] outerReduce = java.util.Arrays.copyOf(reduce, tail);
        int[] keptOffsets = offsets(shape, strides, outerReduce, false, tail);
        int[] rowOffsets = offsets(shape, strides, outerReduce, true, tail);
        int n = rowLen;
        Parallel.forRange(keptOffsets.length, (long) rowOffsets.length * n, (start, end) -> {
            for (int k = start; k < end; k++) {
                double r = op.identity();
                for (int rowOffset : rowOffsets) {
                    r = op.combine(r, a.reduceRow(op, xOff + keptOffsets[k] + rowOffset, n));
                }
                a.setOut(k, r);
            }
        });
        return true;
    }

    /** The element offsets of every index over dims {@code d < tail} with {@code reduce[d] == wanted}, row-major. */
    private static int[] offsets(int[] shape, int[] strides, boolean[] reduce, boolean wanted, int tail) {
        int count = 1;
        for (int d = 0; d < tail; d++) {
            if (reduce[d] == wanted) count *= shape[d];
        }
        int[] result = new int[count];
        int[] idx = new int[tail];
        int offset = 0;
        for (int i = 0; i < count; i++) {
            result[i] = offset;
            for (int d = tail - 1; d >= 0; d--) {
                if (reduce[d] != wanted) continue;
                offset += strides[d];
                if (++idx[d] < shape[d]) break;
                offset -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
        return result;
    }

    /** One output over a long contiguous row: partial results per chunk, combined in order. */
    private static double reduceLongRow(ReduceOp op, Access a, int off, int n) {
        int chunks = chunks(n);
        if (chunks <= 1) {
            return a.reduceRow(op, off, n);
        }
        double[] partial = new double[chunks];
        Parallel.forRange(chunks, Parallel.GRAIN, (s, e) -> {
            for (int c = s; c < e; c++) {
                int from = (int) ((long) n * c / chunks);
                int to = (int) ((long) n * (c + 1) / chunks);
                partial[c] = a.reduceRow(op, off + from, to - from);
            }
        });
        double r = op.identity();
        for (double p : partial) r = op.combine(r, p);
        return r;
    }

    /** The chunks {@link #reduceLongRow} splits a row of n elements into. */
    private static int chunks(int n) {
        return (int) Math.min(Parallel.THREADS, Math.max(1, n / Parallel.GRAIN));
    }

    private static void reference(ReduceOp op, int xOff, int[] shape, int[] strides, boolean[] reduce, Access a) {
        int rank = shape.length;
        int[] outStrides = new int[rank];
        int acc = 1;
        for (int d = rank - 1; d >= 0; d--) {
            if (!reduce[d]) {
                outStrides[d] = acc;
                acc *= shape[d];
            }
        }
        int outLen = acc;
        double[] result = new double[outLen];
        java.util.Arrays.fill(result, op.identity());
        long total = 1;
        for (int s : shape) total *= s;
        int[] idx = new int[rank];
        for (long e = 0; e < total; e++) {
            int xi = xOff;
            int oi = 0;
            for (int d = 0; d < rank; d++) {
                xi += idx[d] * strides[d];
                oi += idx[d] * outStrides[d];
            }
            result[oi] = op.combine(result[oi], a.x(xi));
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        for (int i = 0; i < outLen; i++) a.setOut(i, result[i]);
    }
}
