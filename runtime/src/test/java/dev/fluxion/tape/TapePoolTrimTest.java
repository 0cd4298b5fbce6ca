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
    void aStackThatGrewPastTheRetainedSizeIsDroppedWhenTheCallEnds() {
        TapePool pool = new TapePool(100);
        Tapes t = pool.acquire();
        DoubleStack big = t.doubleStack(4);
        for (int i = 0; i < 500; i++) {
            big.push(i);
        }
        t.release();
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
