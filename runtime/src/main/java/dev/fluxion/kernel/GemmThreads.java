package dev.fluxion.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Splits one product into independent blocks of C and runs them on a small private pool.
 *
 * <p>Private to the GEMM kernels until the shared {@code Parallel} pool exists; it follows the
 * same rules: a fixed set of daemon threads sized to the cores, the calling thread does one share
 * itself, and a call made from inside a pool thread runs single-threaded so nesting cannot
 * deadlock.
 */
final class GemmThreads {
    private GemmThreads() {}

    /** One share of the product: rows {@code [i0, i1)} and columns {@code [j0, j1)} of C. */
    @FunctionalInterface
    interface Block {
        void run(int i0, int i1, int j0, int j1);
    }

    /** Pool threads are marked by their class so nested calls can tell. */
    private static final class Worker extends Thread {
        Worker(Runnable r) {
            super(r, "fluxion-gemm");
            setDaemon(true);
        }
    }

    private static final class Pool {
        static final ExecutorService EXECUTOR =
                Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), Worker::new);
    }

    /** Whether the current thread is one of this pool's (then work must not be forked again). */
    static boolean insidePool() {
        return Thread.currentThread() instanceof Worker;
    }

    /**
     * Runs {@code block} over {@code threads} disjoint shares of the m×n result, cutting the longer
     * side at multiples of {@code rowQuantum} or {@code colQuantum} (the micro-tile sizes) so no
     * tile straddles two threads.
     */
    static void split(int m, int n, int threads, int rowQuantum, int colQuantum, Block block) {
        boolean byCols = n >= m;
        int len = byCols ? n : m;
        int quantum = byCols ? colQuantum : rowQuantum;
        int units = (len + quantum - 1) / quantum;
        int parts = Math.min(threads, units);
        List<Future<?>> futures = new ArrayList<>(parts - 1);
        int[] cuts = new int[parts + 1];
        for (int t = 0; t <= parts; t++) cuts[t] = Math.min(len, (int) ((long) units * t / parts) * quantum);
        for (int t = 1; t < parts; t++) {
            int lo = cuts[t], hi = cuts[t + 1];
            futures.add(Pool.EXECUTOR.submit(() -> runShare(block, byCols, lo, hi, m, n)));
        }
        RuntimeException failure = null;
        try {
            runShare(block, byCols, cuts[0], cuts[1], m, n);
        } catch (RuntimeException e) {
            failure = e;
        }
        // Wait for every share, even after a failure or an interrupt: nothing may write C once
        // this returns.
        boolean interrupted = false;
        for (Future<?> f : futures) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException r ? r
                                : new IllegalStateException("gemm worker failed", e.getCause());
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure != null) throw failure;
    }

    private static void runShare(Block block, boolean byCols, int lo, int hi, int m, int n) {
        if (byCols) block.run(0, m, lo, hi);
        else block.run(lo, hi, 0, n);
    }
}
