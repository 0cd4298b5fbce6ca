package dev.fluxion.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Pooled tapes: reused per thread, cleared, never handed to two calls at once. */
class TapePoolTest {
    @Test
    void freshTapesMakeNewStacksOfTheHintedSize() {
        DoubleStack a = Tapes.FRESH.doubleStack(100);
        DoubleStack b = Tapes.FRESH.doubleStack(100);
        assertNotSame(a, b);
        assertEquals(100, a.capacity());
        assertEquals(DoubleStack.DEFAULT_CAPACITY, Tapes.FRESH.intStack().capacity());
        assertFalse(Tapes.FRESH.isPooled());
        Tapes.FRESH.release(); // does nothing
        assertNotSame(Tapes.FRESH.longStack(1), Tapes.FRESH.longStack(1));
    }

    @Test
    void aThreadGetsTheSameStacksBackClearedAndKeepsTheirGrownArrays() {
        TapePool pool = new TapePool();
        Tapes first = pool.acquire();
        assertTrue(first.isPooled());
        DoubleStack d = first.doubleStack(4);
        for (int i = 0; i < 50; i++) {
            d.push(i);
        }
        ObjectStack o = first.objectStack();
        o.push("saved");
        first.release();
        assertEquals(0, o.size(), "release drops the saved references");
        Tapes second = pool.acquire();
        assertSame(first, second);
        DoubleStack again = second.doubleStack(4);
        assertSame(d, again);
        assertTrue(again.isEmpty());
        assertTrue(again.capacity() >= 50, "the grown array is kept");
        second.release();
    }

    @Test
    void aReentrantCallGetsFreshTapesNotTheOnesInUse() {
        TapePool pool = new TapePool();
        Tapes outer = pool.acquire();
        DoubleStack outerStack = outer.doubleStack(8);
        outerStack.push(1.0);
        Tapes inner = pool.acquire();
        assertSame(Tapes.FRESH, inner);
        DoubleStack innerStack = inner.doubleStack(8);
        assertNotSame(outerStack, innerStack);
        innerStack.push(2.0);
        inner.release();
        assertEquals(1, outerStack.size(), "the inner call did not touch the outer tape");
        assertEquals(1.0, outerStack.reader().pop());
        outer.release();
        assertSame(outer, pool.acquire(), "released, the pooled tapes are handed out again");
    }

    @Test
    void threadsHaveTapesOfTheirOwn() throws Exception {
        TapePool pool = new TapePool();
        Tapes mine = pool.acquire();
        Tapes theirs = CompletableFuture.supplyAsync(() -> {
            Tapes t = pool.acquire();
            t.release();
            return t;
        }).get();
        assertTrue(theirs.isPooled());
        assertNotSame(mine, theirs);
        mine.release();
    }
}
