package dev.fluxion.kernel;

/**
 * Per-thread scratch rows for kernels that run a row's last partial vector through the same
 * vector code as the rest (copied in, computed in full, copied out), and for kernels that pass over
 * a row twice. Never shared between threads, never held across calls.
 */
final class Scratch {
    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[64]);
    private static final ThreadLocal<float[]> SECOND_FLOATS = ThreadLocal.withInitial(() -> new float[64]);
    private static final ThreadLocal<double[]> DOUBLES = ThreadLocal.withInitial(() -> new double[64]);
    /** Rows for multi-pass kernels with no output array; kept at the largest size asked for. */
    private static final ThreadLocal<float[]> ROWS = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<float[]> SECOND_ROWS = ThreadLocal.withInitial(() -> new float[0]);

    private Scratch() {}

    /** This thread's float scratch row of at least {@code n} elements (n ≤ 64: one vector). */
    static float[] floats(int n) {
        float[] a = FLOATS.get();
        return a.length >= n ? a : grow(FLOATS, new float[n]);
    }

    /** A second float scratch row, distinct from {@link #floats}'s, for a kernel reading two rows. */
    static float[] secondFloats(int n) {
        float[] a = SECOND_FLOATS.get();
        return a.length >= n ? a : grow(SECOND_FLOATS, new float[n]);
    }

    /** This thread's double scratch row of at least {@code n} elements (n ≤ 64: one vector). */
    static double[] doubles(int n) {
        double[] a = DOUBLES.get();
        return a.length >= n ? a : grow(DOUBLES, new double[n]);
    }

    /**
     * This thread's float row of at least {@code n} elements, for a kernel that needs a whole row
     * between two passes. It grows to the largest n asked for on this thread (and is kept).
     */
    static float[] row(int n) {
        float[] a = ROWS.get();
        return a.length >= n ? a : grow(ROWS, new float[n]);
    }

    /** A second such row, distinct from {@link #row}'s. */
    static float[] secondRow(int n) {
        float[] a = SECOND_ROWS.get();
        return a.length >= n ? a : grow(SECOND_ROWS, new float[n]);
    }

    private static <T> T grow(ThreadLocal<T> local, T bigger) {
        local.set(bigger);
        return bigger;
    }
}
