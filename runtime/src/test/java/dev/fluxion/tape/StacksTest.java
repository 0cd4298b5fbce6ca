package dev.fluxion.tape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StacksTest {
    @Test
    void doublesComeBackInReverseOrderAcrossGrowth() {
        DoubleStack s = new DoubleStack(1);
        for (int i = 0; i < 1000; i++) {
            s.push(i * 0.5);
        }
        assertEquals(1000, s.size());
        for (int i = 999; i >= 0; i--) {
            assertEquals(i * 0.5, s.pop());
        }
        assertTrue(s.isEmpty());
        assertThrows(IllegalStateException.class, s::pop);
    }

    @Test
    void intsBitsAndObjects() {
        IntStack ints = IntStack.create();
        BooleanStack bits = BooleanStack.create();
        ObjectStack objects = ObjectStack.create();
        Object a = new Object();
        for (int i = 0; i < 40; i++) {
            ints.push(-i);
            bits.push(i % 3 == 0);
            objects.push(i == 7 ? a : null);
        }
        for (int i = 39; i >= 0; i--) {
            assertEquals(-i, ints.pop());
            assertEquals(i % 3 == 0, bits.pop());
            Object o = objects.pop();
            if (i == 7) {
                assertSame(a, o);
            }
        }
        assertFalse(ints.size() != 0);
        assertThrows(IllegalStateException.class, bits::pop);
    }

    @Test
    void readersReadFromTheTopDownAndLeaveTheStackAsItIs() {
        DoubleStack d = new DoubleStack(2);
        IntStack ints = IntStack.create();
        BooleanStack bits = BooleanStack.create();
        ObjectStack objects = ObjectStack.create();
        String[] names = {"a", "b", "c"};
        for (int i = 0; i < 3; i++) {
            d.push(1.5 * i);
            ints.push(10 + i);
            bits.push(i == 1);
            objects.push(names[i]);
        }
        for (int run = 0; run < 2; run++) {
            DoubleStack.Reader rd = d.reader();
            IntStack.Reader ri = ints.reader();
            BooleanStack.Reader rb = bits.reader();
            ObjectStack.Reader ro = objects.reader();
            for (int i = 2; i >= 0; i--) {
                assertEquals(1.5 * i, rd.pop());
                assertEquals(10 + i, ri.pop());
                assertEquals(i == 1, rb.pop());
                assertSame(names[i], ro.pop());
            }
            assertEquals(0, rd.remaining());
            assertThrows(IllegalStateException.class, rd::pop);
            assertThrows(IllegalStateException.class, ro::pop);
        }
        assertEquals(3, d.size());
        assertEquals(2.0 * 1.5, d.pop());
    }
}
