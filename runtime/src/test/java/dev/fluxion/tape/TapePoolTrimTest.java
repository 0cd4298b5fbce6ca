package dev.fluxion.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a tape pool keeps between calls: bounded per stack, and trimmable on every thread. */
class TapePoolTrimTest {
    private static void fill(TapePool pool, int values) {
        Tapes t = pool.acquire();
        DoubleStack d = t.doubleStack(4);
        for (int i = 0; i < values; i++) {
            d.push(i);
        }
        t.release();
    }

    @Test
    void aStackThatGrewPastTheRetainedSizeIsDroppedByTheNextSmallerCall() {
        TapePool pool = new TapePool(100);
        Tapes t = pool.acquire();
        DoubleStack big = t.doubleStack(4);
        for (int i = 0; i < 500; i++) {
            big.push(i);
        }
        t.release();
        fill(pool, 50); // a smaller call takes the large stack back, then drops it
        assertEquals(0, pool.retainedCapacity());
        Tapes again = pool.acquire();
        DoubleStack next = again.doubleStack(4);
        assertNotSame(big, next);
        assertEquals(4, next.capacity());
        again.release();
        fill(pool, 60); // grows to 64 values, within the bound: kept, as before
        Tapes third = pool.acquire();
        assertTrue(third.doubleStack(4).capacity() >= 60);
        third.release();
    }

    /**
     * Regression (issue 13, GradBench llsq at n = 16,392 and kmeans): a stack past the retained
     * size was dropped at every release, so a caller making the same large call again regrew its
     * tape (and its int tape) on every call. It is kept, softly, while the calls need it.
     */
    @Test
    void aLargeStackIsKeptForTheNextCallThatNeedsItAndTrimDropsIt() {
        TapePool pool = new TapePool(100);
        for (int call = 0; call < 3; call++) {
            Tapes t = pool.acquire();
            DoubleStack d = t.doubleStack(4);
            IntStack ints = t.intStack(4);
            ObjectStack objects = t.objectStack(4);
            for (int i = 0; i < 500; i++) {
                d.push(i);
                ints.push(i);
                objects.push("v" + i);
            }
            DoubleStack.Reader r = d.reader();
            for (int i = 499; i >= 0; i--) {
                assertEquals(i, r.pop());
            }
            t.release();
            assertEquals(3 * 512, pool.retainedCapacity());
            Tapes next = pool.acquire();
            assertSame(d, next.doubleStack(4));
            assertSame(ints, next.intStack(4));
            ObjectStack keptObjects = next.objectStack(4);
            assertSame(objects, keptObjects);
            assertEquals(0, keptObjects.size());
            assertEquals(0, next.doubleStack(4).size());
            next.release(); // pushed nothing: drops them
            assertEquals(0, pool.retainedCapacity());
        }
        // A call that asks room for more than the retained size keeps that room, pushes or not.
        for (int call = 0; call < 2; call++) {
            Tapes t = pool.acquire();
            t.doubleStack(500).push(1);
            t.release();
            assertEquals(500, pool.retainedCapacity());
        }
        fill(pool, 500); // takes that stack back: 500 values fit
        assertEquals(500, pool.retainedCapacity());
        pool.trim();
        assertEquals(0, pool.retainedCapacity());
    }

    @Test
    void trimEmptiesTheIdleTapesOfEveryThread() throws Exception {
        TapePool pool = new TapePool(1 << 20);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int i = 0; i < 4; i++) {
                threads.submit(() -> fill(pool, 10_000)).get();
            }
            fill(pool, 10_000);
            assertTrue(pool.retainedCapacity() >= 10_000, "each thread keeps its tape between calls");
            pool.trim();
            assertEquals(0, pool.retainedCapacity());
            threads.submit(() -> fill(pool, 50)).get(); // later calls grow new stacks
            assertTrue(pool.retainedCapacity() >= 50);
        } finally {
            threads.shutdown();
            assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void trimDuringACallLeavesItsTapesIntactUntilItReleases() {
        TapePool pool = new TapePool(1 << 20);
        Tapes t = pool.acquire();
        DoubleStack d = t.doubleStack(4);
        d.push(1.5);
        d.push(2.5);
        TapePool.trimAll();
        assertEquals(2.5, d.pop());
        assertEquals(1.5, d.pop());
        assertTrue(pool.retainedCapacity() > 0, "the running call still holds its stack");
        t.release();
        assertEquals(0, pool.retainedCapacity(), "dropped at release");
        fill(pool, 10);
        assertTrue(pool.retainedCapacity() >= 10, "a later call keeps its stack again");
    }

    @Test
    void aTrimmedPoolStillNeverHandsOutTapesInUse() {
        TapePool pool = new TapePool();
        Tapes outer = pool.acquire();
        pool.trim();
        assertSame(Tapes.FRESH, pool.acquire(), "the outer call's tapes stay its own");
        outer.release();
        Tapes next = pool.acquire();
        assertSame(outer, next);
        next.release();
    }

    @Test
    void aNegativeRetainedSizeIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TapePool(-1));
    }
}
