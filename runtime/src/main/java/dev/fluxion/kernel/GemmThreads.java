package dev.fluxion.kernel;

/**
 * Splits one product into independent blocks of C and runs them on the shared {@link Parallel}
 * pool, which keeps a share on the calling thread and runs nested calls inline.
 */
final class GemmThreads {
    private GemmThreads() {}

    /** One share of the product: rows {@code [i0, i1)} and columns {@code [j0, j1)} of C. */
    @FunctionalInterface
    interface Block {
        void run(int i0, int i1, int j0, int j1);
    }

    /**
     * Runs {@code block} over at most {@code threads} disjoint shares of the m×n result, cutting
     * the longer side at multiples of {@code rowQuantum} or {@code colQuantum} (the micro-tile
     * sizes) so that no tile straddles two threads. Each share writes only its own part of C, so
     * the shares need no synchronisation beyond the pool's join.
     */
    static void split(int m, int n, int threads, long work, int rowQuantum, int colQuantum, Block block) {
        boolean byCols = n >= m;
        int len = byCols ? n : m;
        int quantum = byCols ? colQuantum : rowQuantum;
        int units = (len + quantum - 1) / quantum;
        int parts = Math.min(Math.min(threads, Parallel.THREADS), units);
        int[] cuts = new int[parts + 1];
        for (int t = 0; t <= parts; t++) cuts[t] = Math.min(len, (int) ((long) units * t / parts) * quantum);
        // One item per share, each far above the pool's grain, so the pool makes one chunk per share.
        Parallel.forRange(parts, Math.max(1, work / parts), (s, e) -> {
            for (int t = s; t < e; t++) {
                if (byCols) block.run(0, m, cuts[t], cuts[t + 1]);
                else block.run(cuts[t], cuts[t + 1], 0, n);
            }
        });
    }
}
