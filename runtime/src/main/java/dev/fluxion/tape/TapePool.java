package dev.fluxion.tape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

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
 * gets {@link Tapes#FRESH} instead, so two live forward passes never write to one stack.
 *
 * <p>Memory: a pooled stack keeps the array it grew to, so steady calls allocate nothing. A stack of
 * up to {@link #maxRetained()} values (system property {@code fluxion.tape.maxRetained}, default
 * {@value #DEFAULT_MAX_RETAINED}) is kept as it is; a larger one only while the calls keep pushing
 * (or asking room for) more than that many values, and then through a soft reference: a caller that makes one large
 * call after another reuses its tape instead of regrowing it on every call, the collector may
 * clear it when memory runs short, and the first smaller call drops it. {@link #trim()} empties
 * one pool on every thread and {@link #trimAll()} every pool in the JVM, for instance after a
 * large evaluation on a thread pool, so idle threads do not each keep their largest tape.
 */
public final class TapePool {
    /** Values per stack a pool keeps between calls unless {@code fluxion.tape.maxRetained} says otherwise (8 MB of doubles). */
    public static final int DEFAULT_MAX_RETAINED = 1 << 20;

    /** Every pool, weakly: generated classes hold theirs in static fields the user cannot reach. */
    private static final Set<TapePool> POOLS = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private final int maxRetained;
    /** This pool's tapes on every thread, weakly (a thread's tapes go with its thread). */
    private final Set<Tapes> all = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final ThreadLocal<Tapes> perThread;

    /** A new pool; generated code keeps one per method in a static final field. */
    public TapePool() {
        this(Integer.getInteger("fluxion.tape.maxRetained", DEFAULT_MAX_RETAINED));
    }

    /**
     * A pool that keeps at most {@code maxRetained} values per stack between calls.
     *
     * @throws IllegalArgumentException if {@code maxRetained} is negative
     */
    public TapePool(int maxRetained) {
        if (maxRetained < 0) {
            throw new IllegalArgumentException("TapePool: maxRetained must be >= 0, got " + maxRetained);
        }
        this.maxRetained = maxRetained;
        this.perThread = ThreadLocal.withInitial(() -> {
            Tapes t = Tapes.pooled(this.maxRetained);
            all.add(t);
            return t;
        });
        POOLS.add(this);
    }

    /** Values per stack this pool keeps between calls. */
    public int maxRetained() {
        return maxRetained;
    }

    /**
     * This thread's pooled tapes, marked in use until {@link Tapes#release()}, or {@link Tapes#FRESH}
     * if they are in use already (or being trimmed at this moment).
     */
    public Tapes acquire() {
        Tapes tapes = perThread.get();
        if (!tapes.inUse.compareAndSet(false, true)) {
            return Tapes.FRESH;
        }
        return tapes;
    }

    /**
     * Drops the stacks this pool keeps on every thread, so their arrays can be collected. Tapes
     * idle now are emptied at once; tapes a call holds are emptied when that call releases them.
     * Safe to call from any thread at any time; later calls grow new stacks as needed.
     */
    public void trim() {
        List<Tapes> snapshot;
        synchronized (all) {
            snapshot = new ArrayList<>(all);
        }
        for (Tapes t : snapshot) {
            if (t.inUse.compareAndSet(false, true)) {
                t.dropAll();
                t.inUse.set(false);
            } else {
                t.dropOnRelease = true;
            }
        }
    }

    /** Values the stacks of this pool hold room for, over every thread, at this moment (approximate while calls run). */
    public long retainedCapacity() {
        long n = 0;
        synchronized (all) {
            for (Tapes t : all) {
                n += t.retainedCapacity();
            }
        }
        return n;
    }

    /** {@link #trim()} on every pool in this JVM (every generated method's). */
    public static void trimAll() {
        List<TapePool> snapshot;
        synchronized (POOLS) {
            snapshot = new ArrayList<>(POOLS);
        }
        for (TapePool p : snapshot) {
            p.trim();
        }
    }
}
