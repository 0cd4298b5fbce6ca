package dev.fluxion.data;

import dev.fluxion.FluxionException;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The batches of one epoch of a {@link DataLoader}. With prefetching it owns a daemon thread,
 * which ends when the epoch is exhausted, on {@link #close()}, or once this iterator is no longer
 * reachable; closing is optional but frees the thread at once.
 */
public final class BatchIterator implements Iterator<Batch>, AutoCloseable {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final Object END = new Object();

    /** An exception thrown by the dataset on the prefetch thread, rethrown by {@link #next()}. */
    private record Failure(Throwable error) {}

    /** What batches to make: shared by the caller and the prefetch thread, never pointing at the iterator. */
    private record Plan(Dataset dataset, int[] order, int batchSize, int batches) {
        Batch make(int b) {
            int from = b * batchSize;
            int[] indices = Arrays.copyOfRange(order, from, Math.min(order.length, from + batchSize));
            return new Batch(dataset.getBatch(indices), indices);
        }
    }

    private final Plan plan;
    private final @Nullable BlockingQueue<Object> queue;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final @Nullable Thread worker;
    private @Nullable Object pending;
    private int produced;
    private boolean finished;

    BatchIterator(Dataset dataset, int[] order, int batchSize, int batches, int prefetch) {
        this.plan = new Plan(dataset, order, batchSize, batches);
        if (prefetch == 0 || batches == 0) {
            this.queue = null;
            this.worker = null;
            return;
        }
        BlockingQueue<Object> q = new ArrayBlockingQueue<>(prefetch);
        this.queue = q;
        Runnable producer = producer(plan, q, closed, new WeakReference<>(this));
        this.worker = new Thread(producer, "fluxion-dataloader-" + THREADS.incrementAndGet());
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * The prefetch loop. Static, so that it holds the iterator only weakly: an abandoned iterator
     * can be collected, and the thread notices and ends.
     */
    private static Runnable producer(Plan plan, BlockingQueue<Object> queue, AtomicBoolean closed,
            WeakReference<BatchIterator> owner) {
        return () -> {
            for (int b = 0; b < plan.batches(); b++) {
                Object item;
                try {
                    item = plan.make(b);
                } catch (RuntimeException | Error e) {
                    item = new Failure(e); // handed over so that the caller never waits for a batch that will not come
                }
                if (!hand(queue, item, closed, owner) || item instanceof Failure) {
                    return;
                }
            }
            hand(queue, END, closed, owner);
        };
    }

    /** Puts {@code item} on the queue, giving up when the iterator is closed or gone. */
    private static boolean hand(BlockingQueue<Object> queue, Object item, AtomicBoolean closed,
            WeakReference<BatchIterator> owner) {
        while (!closed.get() && owner.get() != null) {
            try {
                if (queue.offer(item, 20, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            } catch (InterruptedException e) {
                return false; // close() interrupts
            }
        }
        return false;
    }

    @Override
    public boolean hasNext() {
        if (finished) {
            return false;
        }
        if (pending == null) {
            pending = fetch();
        }
        if (pending == END) {
            finished = true;
            pending = null;
            return false;
        }
        return true;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("DataLoader: the epoch has no more batches");
        }
        Object item = pending;
        pending = null;
        if (item instanceof Failure f) {
            finished = true;
            close();
            throw new FluxionException("DataLoader: the dataset failed while assembling a batch: " + f.error().getMessage(),
                    f.error());
        }
        return (Batch) item;
    }

    private Object fetch() {
        if (closed.get()) {
            throw new IllegalStateException("DataLoader: the iterator was closed");
        }
        if (queue == null) {
            return produced < plan.batches() ? plan.make(produced++) : END;
        }
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new FluxionException("DataLoader: interrupted while waiting for a batch", e);
        }
    }

    /** Stops the prefetch thread (if any) and drops prefetched batches; further calls to {@code next()} fail. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (worker != null) {
                worker.interrupt();
            }
            if (queue != null) {
                queue.clear();
            }
        }
    }

    /** The prefetch thread, or null without prefetching (for tests). */
    @Nullable Thread worker() {
        return worker;
    }
}
