package dev.fluxion.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API reductions of one contiguous row. A sum adds its lanes in a fixed order
 * ({@link LaneSums}), so a row gives the same bits on every call. Loaded only when {@link Vectors#AVAILABLE}.
 */
final class VectorReductions {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;

    private VectorReductions() {}

    /** ⊕ of {@code x[off .. off+n)}, with four independent accumulators to hide latency. */
    static double reduce(ReduceOp op, float[] x, int off, int n) {
        int len = FS.length();
        float id = (float) op.identity();
        FloatVector a0 = FloatVector.broadcast(FS, id), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        int upper4 = n - 4 * len;
        VectorOperators.Associative lanes = lanes(op);
        for (; i <= upper4; i += 4 * len) {
            a0 = combine(op, a0, FloatVector.fromArray(FS, x, off + i));
            a1 = combine(op, a1, FloatVector.fromArray(FS, x, off + i + len));
            a2 = combine(op, a2, FloatVector.fromArray(FS, x, off + i + 2 * len));
            a3 = combine(op, a3, FloatVector.fromArray(FS, x, off + i + 3 * len));
        }
        for (; i <= n - len; i += len) {
            a0 = combine(op, a0, FloatVector.fromArray(FS, x, off + i));
        }
        FloatVector acc = combine(op, combine(op, a0, a1), combine(op, a2, a3));
        double r;
        if (op == ReduceOp.SUM) {
            float[] row = LaneSums.floatRow();
            acc.intoArray(row, 0);
            r = LaneSums.sum(row, len);
        } else {
            r = acc.reduceLanes(lanes);
        }
        for (; i < n; i++) {
            r = op.combine(r, x[off + i]);
        }
        return r;
    }

    /** ⊕ of {@code x[off .. off+n)}, with four independent accumulators. */
    static double reduce(ReduceOp op, double[] x, int off, int n) {
        int len = DS.length();
        DoubleVector a0 = DoubleVector.broadcast(DS, op.identity()), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        int upper4 = n - 4 * len;
        for (; i <= upper4; i += 4 * len) {
            a0 = combine(op, a0, DoubleVector.fromArray(DS, x, off + i));
            a1 = combine(op, a1, DoubleVector.fromArray(DS, x, off + i + len));
            a2 = combine(op, a2, DoubleVector.fromArray(DS, x, off + i + 2 * len));
            a3 = combine(op, a3, DoubleVector.fromArray(DS, x, off + i + 3 * len));
        }
        for (; i <= n - len; i += len) {
            a0 = combine(op, a0, DoubleVector.fromArray(DS, x, off + i));
        }
        DoubleVector acc = combine(op, combine(op, a0, a1), combine(op, a2, a3));
        double r;
        if (op == ReduceOp.SUM) {
            double[] row = LaneSums.doubleRow();
            acc.intoArray(row, 0);
            r = LaneSums.sum(row, len);
        } else {
            r = acc.reduceLanes(lanes(op));
        }
        for (; i < n; i++) {
            r = op.combine(r, x[off + i]);
        }
        return r;
    }

    private static VectorOperators.Associative lanes(ReduceOp op) {
        return switch (op) {
            case SUM -> VectorOperators.ADD;
            case MAX -> VectorOperators.MAX;
            case MIN -> VectorOperators.MIN;
        };
    }

    private static FloatVector combine(ReduceOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case SUM -> a.add(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
        };
    }

    private static DoubleVector combine(ReduceOp op, DoubleVector a, DoubleVector b) {
        return switch (op) {
            case SUM -> a.add(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
        };
    }
}
