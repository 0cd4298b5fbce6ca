package dev.fluxion.kernel;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fixed thread pool that large kernels split their work over.
 *
 * <p>Sized to {@link Runtime#availableProcessors()}, daemon threads. Work below a grain size stays
 * on the calling thread: handing it to another thread would cost more than it saves. A task
 * already running on a pool thread runs nested work inline, so nested kernels cannot deadlock.
 */
public final class Parallel {
    /** Elements of simple elementwise work below which splitting does not pay. */
    public static final int GRAIN = 1 << 16;

    /** Number of threads in the pool. */
    public static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final ExecutorService POOL = THREADS == 1 ? null : Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new PoolThread(r, "fluxion-kernel-" + COUNTER.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /** The pool's threads, recognised by type: cheaper per call than a thread-local flag. */
    private static final class PoolThread extends Thread {
        PoolThread(Runnable r, String name) {
            super(r, name);
        }
    }

    private Parallel() {}

    /** A body that processes the half-open range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        /** Processes items {@code start} (inclusive) to {@code end} (exclusive). */
        void run(int start, int end);
    }

    /**
     * Runs {@code body} over {@code [0, n)}, split into contiguous chunks over the pool when
     * {@code n · costPerItem} exceeds {@link #GRAIN}; otherwise on the calling thread.
     *
     * @param n           number of items
     * @param costPerItem rough work per item, in elementary operations (≥ 1)
     * @param body        called once per chunk; chunks are disjoint and cover {@code [0, n)}
     */
    public static void forRange(int n, long costPerItem, RangeBody body) {
        if (n <= 0) {
            return;
        }
        long work = (long) n * Math.max(1, costPerItem);
        if (POOL == null || work <= GRAIN || n == 1 || Thread.currentThread() instanceof PoolThread) {
            body.run(0, n);
            return;
        }
        int chunks = (int) Math.min(Math.min(THREADS, n), Math.max(2, work / GRAIN));
        Future<?>[] futures = new Future<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int start = (int) ((long) n * c / chunks);
            int end = (int) ((long) n * (c + 1) / chunks);
            futures[c - 1] = POOL.submit(() -> body.run(start, end));
        }
        RuntimeException failure = null;
        try {
            body.run(0, (int) ((long) n / chunks));
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a kernel", e);
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
