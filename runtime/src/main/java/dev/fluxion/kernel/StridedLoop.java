package dev.fluxion.kernel;

/**
 * Drives a row kernel over an N-d strided iteration space shared by several operands.
 *
 * <p>Operand k's element at multi-index (i₀, …, i_{r−1}) lives at
 * {@code offsets[k] + Σ_d i_d · strides[k][d]} (stride 0 broadcasts). Dimensions of size 1 are
 * dropped and adjacent dimensions that every operand walks contiguously are merged, so a
 * contiguous problem becomes one long row. The innermost dimension is handed to the row kernel;
 * large problems are split over {@link Parallel}.
 */
public final class StridedLoop {
    private StridedLoop() {}

    /** A kernel over one row: element i of operand k is at {@code offsets[k] + i·steps[k]}. */
    @FunctionalInterface
    public interface Row {
        /** Processes {@code n} elements; {@code offsets} is owned by the caller and reused. */
        void run(int[] offsets, int[] steps, int n);
    }

    /**
     * Runs {@code row} over every row of the iteration space {@code shape}.
     *
     * @param shape          the iteration space (the output's shape)
     * @param strides        per operand, its strides over {@code shape} (0 where broadcast)
     * @param offsets        per operand, its starting offset
     * @param costPerElement rough work per element, used to decide whether to go parallel
     */
    public static void run(int[] shape, int[][] strides, int[] offsets, long costPerElement, Row row) {
        run(shape, strides, offsets, costPerElement, true, row);
    }

    /** As {@link #run(int[], int[][], int[], long, Row)}, on the calling thread only. */
    public static void runSerial(int[] shape, int[][] strides, int[] offsets, Row row) {
        run(shape, strides, offsets, 1, false, row);
    }

    private static void run(int[] shape, int[][] strides, int[] offsets, long costPerElement, boolean parallel,
                            Row row) {
        int ops = offsets.length;
        int rank = shape.length;
        long numel = 1;
        for (int s : shape) {
            numel *= s;
        }
        if (numel == 0) {
            return;
        }
        // Collapse: drop size-1 dims, merge dims every operand walks contiguously.
        int[] dims = new int[rank];
        int[][] st = new int[ops][rank];
        int r = 0;
        for (int d = 0; d < rank; d++) {
            if (shape[d] == 1) {
                continue;
            }
            if (r > 0 && mergeable(strides, st, r - 1, d, shape[d])) {
                dims[r - 1] *= shape[d];
                for (int k = 0; k < ops; k++) {
                    st[k][r - 1] = strides[k][d];
                }
                continue;
            }
            dims[r] = shape[d];
            for (int k = 0; k < ops; k++) {
                st[k][r] = strides[k][d];
            }
            r++;
        }
        if (r == 0) {
            row.run(offsets.clone(), new int[ops], 1);
            return;
        }
        int inner = dims[r - 1];
        int[] steps = new int[ops];
        for (int k = 0; k < ops; k++) {
            steps[k] = st[k][r - 1];
        }
        if (r == 1) {
            if (!parallel) {
                row.run(offsets.clone(), steps, inner);
                return;
            }
            Parallel.forRange(inner, costPerElement, (start, end) -> {
                int[] offs = new int[ops];
                for (int k = 0; k < ops; k++) {
                    offs[k] = offsets[k] + start * steps[k];
                }
                row.run(offs, steps, end - start);
            });
            return;
        }
        int outerRank = r - 1;
        int rows = 1;
        for (int d = 0; d < outerRank; d++) {
            rows *= dims[d];
        }
        Parallel.RangeBody body = (start, end) -> {
            int[] idx = new int[outerRank];
            int rem = start;
            for (int d = outerRank - 1; d >= 0; d--) {
                idx[d] = rem % dims[d];
                rem /= dims[d];
            }
            int[] base = new int[ops];
            for (int k = 0; k < ops; k++) {
                int o = offsets[k];
                for (int d = 0; d < outerRank; d++) {
                    o += idx[d] * st[k][d];
                }
                base[k] = o;
            }
            int[] offs = new int[ops];
            for (int rowIndex = start; rowIndex < end; rowIndex++) {
                System.arraycopy(base, 0, offs, 0, ops);
                row.run(offs, steps, inner);
                // Advance the odometer over the outer dims.
                for (int d = outerRank - 1; d >= 0; d--) {
                    idx[d]++;
                    for (int k = 0; k < ops; k++) {
                        base[k] += st[k][d];
                    }
                    if (idx[d] < dims[d]) {
                        break;
                    }
                    for (int k = 0; k < ops; k++) {
                        base[k] -= st[k][d] * dims[d];
                    }
                    idx[d] = 0;
                }
            }
        };
        if (parallel) {
            Parallel.forRange(rows, costPerElement * inner, body);
        } else {
            body.run(0, rows);
        }
    }

    private static boolean mergeable(int[][] strides, int[][] collapsed, int prev, int d, int size) {
        for (int k = 0; k < strides.length; k++) {
            if (collapsed[k][prev] != strides[k][d] * size) {
                return false;
            }
        }
        return true;
    }

    /** Row-major strides of a contiguous array of {@code shape}. */
    public static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = acc;
            acc *= Math.max(shape[d], 1);
        }
        return s;
    }
}
