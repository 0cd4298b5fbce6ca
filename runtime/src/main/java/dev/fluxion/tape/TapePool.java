package dev.fluxion.tape;

/**
 * The tapes a generated method's two-pass {@code fGrad} reuses, one set per thread: a generated
 * class keeps one pool per method that saves values ({@code private static final TapePool
 * F_TAPES = new TapePool();}) and runs
 * <pre>{@code
 * Tapes tapes = F_TAPES.acquire();
 * try {
 *     return fVjp(x, tapes).backward(1.0);
 * } finally {
 *     tapes.release();
 * }
 * }</pre>
 * Threads never share pooled tapes (each has its own), and a call that finds its thread's tapes
 * in use (a re-entrant call of the same method on the same thread, say from a custom derivative)
 * gets {@link Tapes#FRESH} instead, so two live forward passes never write to one stack. A pooled
 * stack keeps the largest array it grew to, per thread, until the thread ends.
 */
public final class TapePool {
    private final ThreadLocal<Tapes> perThread = ThreadLocal.withInitial(Tapes::pooled);

    /** A new pool; generated code keeps one per method in a static final field. */
    public TapePool() {}

    /**
     * This thread's pooled tapes, marked in use until {@link Tapes#release()}, or {@link Tapes#FRESH}
     * if they are in use already.
     */
    public Tapes acquire() {
        Tapes tapes = perThread.get();
        if (tapes.inUse) {
            return Tapes.FRESH;
        }
        tapes.inUse = true;
        return tapes;
    }
}
