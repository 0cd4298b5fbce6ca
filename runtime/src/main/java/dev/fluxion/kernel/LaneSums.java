package dev.fluxion.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * The sum of a vector's lanes in one fixed order, in double: lane 0, + lane 1, + lane 2, … .
 *
 * <p>Why not {@code reduceLanes(VectorOperators.ADD)}: its order of additions is unspecified, and
 * it does change with the JIT tier (the interpreter and C1 add the lanes in order, C2 in a tree),
 * so a softmax row summed with it changed by one ulp after about 2,000 calls
 * ({@code SameBitsEveryCallTest}). Here the caller stores the lanes to a per-thread row and they are
 * added one by one, each an exactly rounded IEEE addition, the same in every tier (reading lanes with
 * {@code lane(i)} instead allocated where C2 did not unroll the loop). Loaded only when
 * {@link Vectors#AVAILABLE}.
 */
final class LaneSums {
    private static final ThreadLocal<float[]> FLOATS =
            ThreadLocal.withInitial(() -> new float[FloatVector.SPECIES_MAX.length()]);
    private static final ThreadLocal<double[]> DOUBLES =
            ThreadLocal.withInitial(() -> new double[DoubleVector.SPECIES_MAX.length()]);

    private LaneSums() {}

    /**
     * This thread's row to store a float vector's lanes into, for {@link #sum(float[], int)}. The
     * caller stores the vector itself: passed to a method C2 does not inline, a vector is boxed.
     */
    static float[] floatRow() {
        return FLOATS.get();
    }

    /** This thread's row to store a double vector's lanes into, for {@link #sum(double[], int)}. */
    static double[] doubleRow() {
        return DOUBLES.get();
    }

    /** {@code ((lanes[0] + lanes[1]) + lanes[2]) + …} over n lanes, each addition in double. */
    static double sum(float[] lanes, int n) {
        double s = lanes[0];
        for (int l = 1; l < n; l++) {
            s += lanes[l];
        }
        return s;
    }

    /** {@code ((lanes[0] + lanes[1]) + lanes[2]) + …} over n lanes. */
    static double sum(double[] lanes, int n) {
        double s = lanes[0];
        for (int l = 1; l < n; l++) {
            s += lanes[l];
        }
        return s;
    }
}
