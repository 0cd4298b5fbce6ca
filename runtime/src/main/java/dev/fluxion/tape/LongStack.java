package dev.fluxion.tape;

import java.util.Arrays;

/**
 * A growable last-in-first-out stack of {@code long} values, unboxed: the tape on which a generated
 * backward pass finds the long values the forward pass overwrote (unboxed, not on the object tape), pushed by the forward pass and popped in reverse order.
 * Not thread-safe; one per pullback, or one per thread and method for a pooled {@code fGrad}
 * ({@link Tapes}).
 */
public final class LongStack {
    /** The capacity of a stack created without a size hint. */
    public static final int DEFAULT_CAPACITY = 16;

    private long[] data;
    private int size;

    /** An empty stack with room for {@value #DEFAULT_CAPACITY} values before it grows. */
    public LongStack() {
        this(DEFAULT_CAPACITY);
    }

    /** An empty stack with room for {@code capacity} values before it grows (at least 1). */
    public LongStack(int capacity) {
        data = new long[Math.max(1, capacity)];
    }

    /** A new empty stack (the factory generated code calls when it cannot tell the size). */
    public static LongStack create() {
        return new LongStack();
    }

    /**
     * A new empty stack with room for {@code capacity} values: generated code passes what the
     * forward pass will push where that is known cheaply (an array's length times the pushes per
     * trip); more still fits, the stack grows.
     */
    public static LongStack create(int capacity) {
        return new LongStack(capacity);
    }

    /** Pushes {@code value}; amortized O(1) (the array doubles when full). */
    public void push(long value) {
        if (size == data.length) {
            data = Arrays.copyOf(data, data.length * 2);
        }
        data[size++] = value;
    }

    /**
     * Removes and returns the value pushed last.
     *
     * @throws IllegalStateException if the stack is empty (a pullback's backward pass ran twice)
     */
    public long pop() {
        if (size == 0) {
            throw new IllegalStateException("tape is empty: a pullback's backward pass can run only once");
        }
        return data[--size];
    }

    /** Removes every value, keeping the array: a reused tape starts empty without allocating. */
    public void clear() {
        size = 0;
    }

    /** Grows the array, if needed, so that {@code capacity} values fit without growing again. */
    public void reserve(int capacity) {
        if (capacity > data.length) {
            data = Arrays.copyOf(data, capacity);
        }
    }

    /** How many values fit before the array grows. */
    public int capacity() {
        return data.length;
    }

    /**
     * A reader that takes the values from the last pushed to the first without removing them: a
     * generated backward pass opens one per run, so a pullback's backward pass can run any number of
     * times. Values pushed after the reader was opened are not seen.
     */
    public Reader reader() {
        return new Reader(data, size);
    }

    /** Reads a {@link LongStack} from its top down; the stack itself is left as it is. Not thread-safe. */
    public static final class Reader {
        private final long[] data;
        private int cursor;

        private Reader(long[] data, int cursor) {
            this.data = data;
            this.cursor = cursor;
        }

        /**
         * The next value, going down from the top: the value pushed last first.
         *
         * @throws IllegalStateException if every value has been read
         */
        public long pop() {
            if (cursor == 0) {
                throw new IllegalStateException("tape read past its first value");
            }
            return data[--cursor];
        }

        /** How many values are left to read. */
        public int remaining() {
            return cursor;
        }
    }

    /** The number of values on the stack. */
    public int size() {
        return size;
    }

    /** Whether nothing is on the stack. */
    public boolean isEmpty() {
        return size == 0;
    }
}
