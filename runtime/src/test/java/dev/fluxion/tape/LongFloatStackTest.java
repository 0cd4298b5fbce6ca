package dev.fluxion.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The long and float tapes keep their values exactly, unboxed and unwidened, across growth. */
class LongFloatStackTest {
    @Test
    void longsBeyondTheDoubleMantissaComeBackExactlyInReverse() {
        LongStack s = LongStack.create(1);
        long big = (1L << 53) + 1; // not representable as a double
        for (int i = 0; i < 100; i++) {
            s.push(big * (i % 2 == 0 ? 1 : -1) + i);
        }
        assertEquals(100, s.size());
        assertTrue(s.capacity() >= 100);
        LongStack.Reader r = s.reader();
        for (int i = 99; i >= 0; i--) {
            assertEquals(big * (i % 2 == 0 ? 1 : -1) + i, r.pop());
        }
        assertThrows(IllegalStateException.class, r::pop);
        assertEquals(100, s.size(), "a reader leaves the stack as it is");
        for (int i = 99; i >= 0; i--) {
            assertEquals(big * (i % 2 == 0 ? 1 : -1) + i, s.pop());
        }
        assertThrows(IllegalStateException.class, s::pop);
        assertEquals(Long.MIN_VALUE, pushPop(Long.MIN_VALUE));
    }

    private static long pushPop(long v) {
        LongStack s = new LongStack();
        s.push(v);
        return s.pop();
    }

    @Test
    void floatsKeepTheirBitsIncludingNaNAndNegativeZero() {
        FloatStack s = FloatStack.create();
        float[] values = {0.1f, -0f, Float.NaN, Float.MIN_VALUE, Float.MAX_VALUE, 1f / 3f};
        for (int k = 0; k < 10; k++) {
            for (float v : values) {
                s.push(v);
            }
        }
        assertEquals(60, s.size());
        FloatStack.Reader r = s.reader();
        for (int k = 0; k < 10; k++) {
            for (int i = values.length - 1; i >= 0; i--) {
                assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(r.pop()));
            }
        }
        assertEquals(0, r.remaining());
    }

    @Test
    void clearKeepsTheArrayAndReserveGrowsItOnce() {
        DoubleStack d = DoubleStack.create(4);
        assertEquals(4, d.capacity());
        for (int i = 0; i < 10; i++) {
            d.push(i);
        }
        int grown = d.capacity();
        d.clear();
        assertTrue(d.isEmpty());
        assertEquals(grown, d.capacity());
        d.reserve(3);
        assertEquals(grown, d.capacity(), "a smaller reserve keeps the array");
        d.reserve(1000);
        assertEquals(1000, d.capacity());
        d.push(2.5);
        assertEquals(2.5, d.pop());
        ObjectStack o = ObjectStack.create(2);
        o.push("a");
        o.push("b");
        o.clear();
        assertEquals(0, o.size());
        assertEquals(0, o.reader().remaining());
    }
}
