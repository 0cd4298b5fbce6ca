package dev.fluxion.data;

import dev.fluxion.FluxionException;
import java.util.Arrays;
import java.util.Random;

/**
 * Mini-batches of a {@link Dataset}, epoch after epoch, as {@code torch.utils.data.DataLoader}:
 * a batch size, optional shuffling with a seed, optional dropping of a last incomplete batch, and
 * optional prefetching on a background thread.
 *
 * <pre>{@code
 * DataLoader loader = DataLoader.builder(new TensorDataset(x, y))
 *         .batchSize(64).shuffle(42).prefetch(2).build();
 * for (int epoch = 0; epoch < 10; epoch++) {
 *     for (Batch b : loader) {            // each for loop is the next epoch
 *         model.trainStep(b.x(), b.y());
 *     }
 * }
 * }</pre>
 *
 * <p><b>Order.</b> Without shuffling every epoch visits the samples in index order. With
 * {@link Builder#shuffle(long)} epoch {@code e} visits them in {@link #order(int) order(e)}, a
 * permutation that depends only on the seed and {@code e}: runs are reproducible, and a run resumed
 * from a checkpoint at epoch {@code e} can ask for {@link #epoch(int) epoch(e)} and see exactly the
 * batches it would have seen. Every epoch covers every index exactly once, in
 * {@link #batchesPerEpoch()} batches of {@link #batchSize()} samples (the last one smaller unless
 * {@link Builder#dropLast(boolean) dropLast}, which omits it).
 *
 * <p><b>Prefetching.</b> With {@link Builder#prefetch(int) prefetch(n)}, {@code n > 0}, each epoch's
 * batches are assembled on a daemon thread that stays up to {@code n} batches ahead. The thread
 * ends when the epoch is exhausted, when the iterator is {@linkplain BatchIterator#close() closed},
 * or when an abandoned iterator (a {@code break} out of a for loop) becomes unreachable, so a loader
 * never leaks threads. An exception from the dataset is rethrown by {@code next()} on the caller's
 * thread. With {@code prefetch(0)} (the default) batches are made on the caller's thread.
 */
public final class DataLoader implements Iterable<Batch> {
    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final int prefetch;
    private int nextEpoch;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.prefetch = b.prefetch;
    }

    /**
     * Starts configuring a loader over {@code dataset}: batch size 1, no shuffling, last batch
     * kept, no prefetching (PyTorch's defaults).
     *
     * @param dataset the samples
     * @return a builder
     */
    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    /** The settings of a {@link DataLoader}; each setter returns this builder. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 1;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private int prefetch;

        private Builder(Dataset dataset) {
            this.dataset = dataset;
        }

        /**
         * Samples per batch.
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new FluxionException("DataLoader: batch size must be at least 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Visits the samples in a fresh seeded permutation every epoch.
         *
         * @param seed the seed; the same seed gives the same sequence of epochs
         * @return this builder
         */
        public Builder shuffle(long seed) {
            this.shuffle = true;
            this.seed = seed;
            return this;
        }

        /**
         * Whether a last batch smaller than the batch size is dropped.
         *
         * @param dropLast true to drop it
         * @return this builder
         */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /**
         * Assembles batches on a background daemon thread, up to {@code batches} ahead.
         *
         * @param batches how many batches may wait ready; 0 for none (no thread)
         * @return this builder
         */
        public Builder prefetch(int batches) {
            if (batches < 0) {
                throw new FluxionException("DataLoader: prefetch must be >= 0, got " + batches);
            }
            this.prefetch = batches;
            return this;
        }

        /** The loader. */
        public DataLoader build() {
            return new DataLoader(this);
        }
    }

    /** The dataset. */
    public Dataset dataset() {
        return dataset;
    }

    /** Samples per batch. */
    public int batchSize() {
        return batchSize;
    }

    /** Whether an incomplete last batch is dropped. */
    public boolean dropLast() {
        return dropLast;
    }

    /** Batches per epoch: {@code ⌈size / batchSize⌉}, or {@code ⌊size / batchSize⌋} with drop-last. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * The order in which epoch {@code epoch} visits the samples: the identity without shuffling,
     * otherwise a Fisher–Yates permutation drawn from a generator seeded by the seed and the epoch.
     *
     * @param epoch the epoch number, from 0
     * @return a permutation of {@code 0 .. size − 1}
     */
    public int[] order(int epoch) {
        int n = dataset.size();
        if (!shuffle) {
            int[] order = new int[n];
            Arrays.setAll(order, i -> i);
            return order;
        }
        return Datasets.permutation(n, new Random(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1L))));
    }

    /**
     * The next epoch's batches: the first call gives epoch 0, the next epoch 1, and so on.
     *
     * @return an iterator over the epoch; close it if you stop early (or let it become unreachable)
     */
    @Override
    public synchronized BatchIterator iterator() {
        return epoch(nextEpoch++);
    }

    /**
     * The batches of epoch {@code epoch}, for resuming a run; the following {@link #iterator()}
     * calls continue with {@code epoch + 1}.
     *
     * @param epoch the epoch number, from 0
     * @return an iterator over that epoch
     */
    public synchronized BatchIterator epoch(int epoch) {
        if (epoch < 0) {
            throw new FluxionException("DataLoader.epoch: epoch must be >= 0, got " + epoch);
        }
        nextEpoch = epoch + 1;
        return new BatchIterator(dataset, order(epoch), batchSize, batchesPerEpoch(), prefetch);
    }
}
