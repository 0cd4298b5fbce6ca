package dev.fluxion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Batching, shuffling, drop-last and the prefetch thread's life cycle. */
class DataLoaderTest {
    /** x[i] = [i, 10 i], y[i] = −i: a batch's values say which samples it holds. */
    private static TensorDataset numbered(int n) {
        double[] x = new double[2 * n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 10 * i;
            y[i] = -i;
        }
        return new TensorDataset(Tensor.fromArray(x, n, 2), Tensor.fromArray(y, n));
    }

    private static List<Batch> epoch(Iterable<Batch> batches) {
        List<Batch> out = new ArrayList<>();
        batches.forEach(out::add);
        return out;
    }

    @Test
    void batchesInOrderWithASmallerLastBatch() {
        DataLoader loader = DataLoader.builder(numbered(10)).batchSize(4).build();
        assertEquals(3, loader.batchesPerEpoch());
        List<Batch> batches = epoch(loader);
        assertEquals(3, batches.size());
        assertArrayEquals(new int[] {0, 1, 2, 3}, batches.get(0).indices());
        assertArrayEquals(new int[] {8, 9}, batches.get(2).indices());
        assertArrayEquals(new int[] {2, 2}, batches.get(2).x().shape());
        assertArrayEquals(new double[] {8, 80, 9, 90}, batches.get(2).x().toDoubleArray());
        assertArrayEquals(new double[] {-8, -9}, batches.get(2).y().toDoubleArray());
    }

    @Test
    void dropLastOmitsTheIncompleteBatch() {
        DataLoader loader = DataLoader.builder(numbered(10)).batchSize(4).dropLast(true).build();
        assertEquals(2, loader.batchesPerEpoch());
        List<Batch> batches = epoch(loader);
        assertEquals(2, batches.size());
        for (Batch b : batches) {
            assertEquals(4, b.size());
        }
        assertEquals(0, DataLoader.builder(numbered(3)).batchSize(4).dropLast(true).build().batchesPerEpoch());
        assertEquals(List.of(), epoch(DataLoader.builder(numbered(3)).batchSize(4).dropLast(true).prefetch(2).build()));
    }

    @Test
    void everyShuffledEpochCoversEveryIndexOnceAndBatchesMatchTheirIndices() {
        DataLoader loader = DataLoader.builder(numbered(23)).batchSize(5).shuffle(7).prefetch(2).build();
        int[] previous = null;
        for (int e = 0; e < 4; e++) {
            int[] seen = new int[23];
            List<Integer> order = new ArrayList<>();
            for (Batch b : loader) {
                double[] x = b.x().toDoubleArray();
                double[] y = b.y().toDoubleArray();
                int[] idx = b.indices();
                for (int k = 0; k < idx.length; k++) {
                    seen[idx[k]]++;
                    order.add(idx[k]);
                    assertEquals(idx[k], x[2 * k]);
                    assertEquals(10.0 * idx[k], x[2 * k + 1]);
                    assertEquals(-idx[k], y[k]);
                }
            }
            int[] ones = new int[23];
            Arrays.fill(ones, 1);
            assertArrayEquals(ones, seen, "epoch " + e);
            int[] now = order.stream().mapToInt(Integer::intValue).toArray();
            assertArrayEquals(loader.order(e), now);
            assertFalse(Arrays.equals(previous, now), "each epoch is a new permutation");
            previous = now;
        }
    }

    @Test
    void theSameSeedGivesTheSameEpochsAndAnotherSeedOthers() {
        DataLoader a = DataLoader.builder(numbered(50)).batchSize(8).shuffle(3).build();
        DataLoader b = DataLoader.builder(numbered(50)).batchSize(8).shuffle(3).prefetch(3).build();
        DataLoader c = DataLoader.builder(numbered(50)).batchSize(8).shuffle(4).build();
        for (int e = 0; e < 3; e++) {
            List<Batch> ea = epoch(a), eb = epoch(b);
            for (int k = 0; k < ea.size(); k++) {
                assertArrayEquals(ea.get(k).indices(), eb.get(k).indices());
            }
        }
        assertFalse(Arrays.equals(a.order(0), c.order(0)));
        // Resuming at epoch 2 sees what the uninterrupted run saw at epoch 2.
        DataLoader resumed = DataLoader.builder(numbered(50)).batchSize(8).shuffle(3).build();
        assertArrayEquals(a.order(2), epoch(() -> resumed.epoch(2)).stream()
                .flatMapToInt(bt -> Arrays.stream(bt.indices())).toArray());
    }

    @Test
    void thePrefetchThreadIsADaemonAndEndsWithTheEpoch() throws InterruptedException {
        DataLoader loader = DataLoader.builder(numbered(20)).batchSize(3).prefetch(2).build();
        BatchIterator it = loader.iterator();
        Thread worker = it.worker();
        assertNotNull(worker);
        assertTrue(worker.isDaemon());
        int batches = 0;
        while (it.hasNext()) {
            it.next();
            batches++;
        }
        assertEquals(7, batches);
        worker.join(60_000); // a guard against a hang, not a timing: the thread ends as soon as the epoch does
        assertFalse(worker.isAlive());
        assertNull(DataLoader.builder(numbered(20)).batchSize(3).build().iterator().worker(), "no thread without prefetch");
    }

    @Test
    void closingMidEpochStopsTheThread() throws InterruptedException {
        DataLoader loader = DataLoader.builder(numbered(100)).batchSize(1).prefetch(1).build();
        BatchIterator it = loader.iterator();
        it.next();
        Thread worker = it.worker();
        it.close();
        worker.join(60_000);
        assertFalse(worker.isAlive());
        assertThrows(IllegalStateException.class, it::next);
    }

    @Test
    void anAbandonedIteratorsThreadEndsOnceTheIteratorIsCollected() throws InterruptedException {
        DataLoader loader = DataLoader.builder(numbered(100)).batchSize(1).prefetch(1).build();
        AtomicReference<Thread> worker = new AtomicReference<>();
        breakOutOfLoop(loader, worker);
        for (int i = 0; i < 200 && worker.get().isAlive(); i++) {
            System.gc();
            worker.get().join(50);
        }
        assertFalse(worker.get().isAlive());
    }

    private static void breakOutOfLoop(DataLoader loader, AtomicReference<Thread> worker) {
        BatchIterator it = loader.iterator();
        worker.set(it.worker());
        it.next(); // then drop it without closing, as a `break` out of a for loop does
    }

    @Test
    void aFailingDatasetSurfacesOnTheCallersThread() {
        Dataset failing = new Dataset() {
            @Override
            public int size() {
                return 10;
            }

            @Override
            public List<Tensor> get(int index) {
                if (index == 5) {
                    throw new IllegalStateException("corrupt sample 5");
                }
                return List.of(Tensor.of((double) index));
            }
        };
        BatchIterator it = DataLoader.builder(failing).batchSize(2).prefetch(2).build().iterator();
        it.next();
        it.next();
        FluxionException e = assertThrows(FluxionException.class, it::next);
        assertTrue(e.getMessage().contains("corrupt sample 5"), e.getMessage());
    }

    @Test
    void theDefaultGetBatchStacksSamples() {
        Dataset ds = new Dataset() {
            @Override
            public int size() {
                return 3;
            }

            @Override
            public List<Tensor> get(int index) {
                return List.of(Tensor.of((double) index, index + 0.5), Tensor.scalar(index * 2));
            }
        };
        List<Batch> batches = epoch(DataLoader.builder(ds).batchSize(2).build());
        assertArrayEquals(new int[] {2, 2}, batches.get(0).x().shape());
        assertArrayEquals(new double[] {0, 0.5, 1, 1.5}, batches.get(0).x().toDoubleArray());
        assertArrayEquals(new double[] {4}, batches.get(1).y().toDoubleArray());
    }

    @Test
    void badSettingsAndIndicesAreRejected() {
        assertThrows(FluxionException.class, () -> DataLoader.builder(numbered(3)).batchSize(0));
        assertThrows(FluxionException.class, () -> DataLoader.builder(numbered(3)).prefetch(-1));
        assertThrows(FluxionException.class, () -> numbered(3).get(3));
        assertThrows(FluxionException.class, () -> new TensorDataset(Tensor.zeros(3, 2), Tensor.zeros(4)));
    }
}
