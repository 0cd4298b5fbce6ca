package dev.fluxion.tape;

import java.lang.ref.SoftReference;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where a generated forward pass gets its tapes: one stack per kind of value it saves.
 * <p>
 * {@link #FRESH} makes new stacks on every request: the tapes of a pullback that {@code fVjp}
 * returns, which keeps them (its {@code backward} may run later, or twice). A pooled {@code Tapes}
 * ({@link TapePool#acquire()}) hands out the same stacks on every call, cleared, so a two-pass
 * {@code fGrad}, which runs the forward and the backward pass and never lets the pullback escape,
 * allocates no tape after its first call on a thread and never regrows one. Each request for a
 * kind must come from one forward pass at a time: a generated method asks for each kind once,
 * and {@link TapePool} never hands the same pooled tapes to two calls at once.
 */
public final class Tapes {
    /** The kinds of stack, as indexes of {@link #large}. */
    private static final int DOUBLES = 0, FLOATS = 1, INTS = 2, LONGS = 3, BOOLEANS = 4, OBJECTS = 5;

    /** New stacks on every request; holds no state, so shared by every thread. */
    public static final Tapes FRESH = new Tapes(false, 0);

    private final boolean pooled;
    /**
     * Whether a call holds these pooled tapes (between {@link TapePool#acquire()} and
     * {@link #release()}), or {@link TapePool#trim()} is emptying them from another thread.
     */
    final AtomicBoolean inUse = new AtomicBoolean();
    /**
     * Stacks of up to this many values are kept at {@link #release()}; a larger one only while the
     * calls fill it past this size (softly, see {@link #release()}).
     */
    private final int maxRetained;
    /**
     * Per kind, a stack larger than {@link #maxRetained} kept after a call that filled it past
     * that size, through a soft reference: the next call of the same size takes it back instead
     * of regrowing it, and the collector may clear it when memory runs short.
     */
    private final SoftReference<?>[] large = new SoftReference<?>[6];
    /** Per kind, the room the current call asked for (its forward pass's estimate of its pushes). */
    private final int[] requested = new int[6];
    /** Set by {@link TapePool#trim()} while a call holds these tapes: that call's release drops every stack. */
    volatile boolean dropOnRelease;
    private DoubleStack doubles;
    private FloatStack floats;
    private IntStack ints;
    private LongStack longs;
    private BooleanStack booleans;
    private ObjectStack objects;
    /** The tensors of {@link #buffer}/{@link #keepBuffer}, by slot (pooled tapes only). */
    private Object[] buffers;

    private Tapes(boolean pooled, int maxRetained) {
        this.pooled = pooled;
        this.maxRetained = maxRetained;
    }

    /**
     * Tapes that keep their stacks across calls: one per thread and method, kept by a
     * {@link TapePool}, each stack kept only while its array holds at most {@code maxRetained} values.
     */
    static Tapes pooled(int maxRetained) {
        return new Tapes(true, maxRetained);
    }

    /** Drops every stack (the next request makes a new one). Only with {@link #inUse} held. */
    void dropAll() {
        doubles = null;
        floats = null;
        ints = null;
        longs = null;
        booleans = null;
        objects = null;
        buffers = null;
        java.util.Arrays.fill(large, null);
    }

    /** Values the arrays of these tapes can hold, all kinds together (what a pool keeps alive). */
    long retainedCapacity() {
        long n = 0;
        n += doubles == null ? 0 : doubles.capacity();
        n += floats == null ? 0 : floats.capacity();
        n += ints == null ? 0 : ints.capacity();
        n += longs == null ? 0 : longs.capacity();
        n += booleans == null ? 0 : booleans.capacity();
        n += objects == null ? 0 : objects.capacity();
        for (SoftReference<?> r : large) {
            Object kept = r == null ? null : r.get();
            n += switch (kept) {
                case DoubleStack s -> s.capacity();
                case FloatStack s -> s.capacity();
                case IntStack s -> s.capacity();
                case LongStack s -> s.capacity();
                case BooleanStack s -> s.capacity();
                case ObjectStack s -> s.capacity();
                case null, default -> 0;
            };
        }
        return n;
    }

    /**
     * The tensor kept in {@code slot} by the previous call of the same method on this thread
     * ({@link #keepBuffer}), or null: a buffer planned at compile time for a value that never leaves
     * that method's call (see {@code dev.fluxion.Planned}). Always null for {@link #FRESH}.
     */
    public Object buffer(int slot) {
        Object[] b = buffers;
        return b != null && slot < b.length ? b[slot] : null;
    }

    /** Keeps {@code tensor} in {@code slot} for the next call (no-op for {@link #FRESH}). */
    public void keepBuffer(int slot, Object tensor) {
        if (!pooled) {
            return;
        }
        if (buffers == null || slot >= buffers.length) {
            buffers = java.util.Arrays.copyOf(buffers == null ? new Object[0] : buffers, Math.max(slot + 1, 8));
        }
        buffers[slot] = tensor;
    }

    /** Whether these tapes are reused across calls (false for {@link #FRESH}). */
    public boolean isPooled() {
        return pooled;
    }

    /** A {@link DoubleStack} with room for {@value DoubleStack#DEFAULT_CAPACITY} values: see {@link #doubleStack(int)}. */
    public DoubleStack doubleStack() {
        return doubleStack(DoubleStack.DEFAULT_CAPACITY);
    }

    /**
     * An empty {@link DoubleStack} with room for {@code capacity} values: a new one, or, for pooled
     * tapes, this thread's one for the method, cleared (its array grown if needed, else kept).
     */
    public DoubleStack doubleStack(int capacity) {
        if (!pooled) {
            return new DoubleStack(capacity);
        }
        requested[DOUBLES] = capacity;
        doubles = takeBack(doubles, DOUBLES);
        if (doubles == null) {
            doubles = new DoubleStack(capacity);
        } else {
            doubles.clear();
            doubles.reserve(capacity);
        }
        return doubles;
    }

    /** A {@link FloatStack} with room for {@value FloatStack#DEFAULT_CAPACITY} values: see {@link #floatStack(int)}. */
    public FloatStack floatStack() {
        return floatStack(FloatStack.DEFAULT_CAPACITY);
    }

    /**
     * An empty {@link FloatStack} with room for {@code capacity} values: a new one, or, for pooled
     * tapes, this thread's one for the method, cleared (its array grown if needed, else kept).
     */
    public FloatStack floatStack(int capacity) {
        if (!pooled) {
            return new FloatStack(capacity);
        }
        requested[FLOATS] = capacity;
        floats = takeBack(floats, FLOATS);
        if (floats == null) {
            floats = new FloatStack(capacity);
        } else {
            floats.clear();
            floats.reserve(capacity);
        }
        return floats;
    }

    /** A {@link IntStack} with room for {@value IntStack#DEFAULT_CAPACITY} values: see {@link #intStack(int)}. */
    public IntStack intStack() {
        return intStack(IntStack.DEFAULT_CAPACITY);
    }

    /**
     * An empty {@link IntStack} with room for {@code capacity} values: a new one, or, for pooled
     * tapes, this thread's one for the method, cleared (its array grown if needed, else kept).
     */
    public IntStack intStack(int capacity) {
        if (!pooled) {
            return new IntStack(capacity);
        }
        requested[INTS] = capacity;
        ints = takeBack(ints, INTS);
        if (ints == null) {
            ints = new IntStack(capacity);
        } else {
            ints.clear();
            ints.reserve(capacity);
        }
        return ints;
    }

    /** A {@link LongStack} with room for {@value LongStack#DEFAULT_CAPACITY} values: see {@link #longStack(int)}. */
    public LongStack longStack() {
        return longStack(LongStack.DEFAULT_CAPACITY);
    }

    /**
     * An empty {@link LongStack} with room for {@code capacity} values: a new one, or, for pooled
     * tapes, this thread's one for the method, cleared (its array grown if needed, else kept).
     */
    public LongStack longStack(int capacity) {
        if (!pooled) {
            return new LongStack(capacity);
        }
        requested[LONGS] = capacity;
        longs = takeBack(longs, LONGS);
        if (longs == null) {
            longs = new LongStack(capacity);
        } else {
            longs.clear();
            longs.reserve(capacity);
        }
        return longs;
    }

    /** A {@link BooleanStack} with room for {@value BooleanStack#DEFAULT_CAPACITY} values: see {@link #booleanStack(int)}. */
    public BooleanStack booleanStack() {
        return booleanStack(BooleanStack.DEFAULT_CAPACITY);
    }

    /**
     * An empty {@link BooleanStack} with room for {@code capacity} values: a new one, or, for pooled
     * tapes, this thread's one for the method, cleared (its array grown if needed, else kept).
     */
    public BooleanStack booleanStack(int capacity) {
        if (!pooled) {
            return new BooleanStack(capacity);
        }
        requested[BOOLEANS] = capacity;
        booleans = takeBack(booleans, BOOLEANS);
        if (booleans == null) {
            booleans = new BooleanStack(capacity);
        } else {
            booleans.clear();
            booleans.reserve(capacity);
        }
        return booleans;
    }

    /** A {@link ObjectStack} with room for {@value ObjectStack#DEFAULT_CAPACITY} values: see {@link #objectStack(int)}. */
    public ObjectStack objectStack() {
        return objectStack(ObjectStack.DEFAULT_CAPACITY);
    }

    /**
     * An empty {@link ObjectStack} with room for {@code capacity} values: a new one, or, for pooled
     * tapes, this thread's one for the method, cleared (its array grown if needed, else kept).
     */
    public ObjectStack objectStack(int capacity) {
        if (!pooled) {
            return new ObjectStack(capacity);
        }
        requested[OBJECTS] = capacity;
        objects = takeBack(objects, OBJECTS);
        if (objects == null) {
            objects = new ObjectStack(capacity);
        } else {
            objects.clear();
            objects.reserve(capacity);
        }
        return objects;
    }

    /**
     * Gives pooled tapes back to their pool at the end of a call: every stack is cleared (the
     * object stack drops its references, so saved tensors and pullbacks can be collected) and the
     * next {@link TapePool#acquire()} on this thread may hand them out again. A stack of at most
     * the pool's retained size is kept. A larger one is kept only if this call pushed, or asked
     * room for, more than that size (a caller that keeps making calls this large reuses it instead of regrowing it on
     * every call), and then only softly: the collector may clear it when memory runs short, and
     * the next call that pushes less drops it. Every stack is dropped if {@link TapePool#trim()}
     * ran during the call. Does nothing for {@link #FRESH}.
     */
    public void release() {
        if (!pooled) {
            return;
        }
        if (dropOnRelease) {
            dropOnRelease = false;
            dropAll();
            inUse.set(false);
            return;
        }
        if (doubles != null) {
            int used = doubles.size();
            doubles.clear();
            doubles = keep(doubles, Math.max(used, requested[DOUBLES]), doubles.capacity(), DOUBLES);
        }
        if (floats != null) {
            int used = floats.size();
            floats.clear();
            floats = keep(floats, Math.max(used, requested[FLOATS]), floats.capacity(), FLOATS);
        }
        if (ints != null) {
            int used = ints.size();
            ints.clear();
            ints = keep(ints, Math.max(used, requested[INTS]), ints.capacity(), INTS);
        }
        if (longs != null) {
            int used = longs.size();
            longs.clear();
            longs = keep(longs, Math.max(used, requested[LONGS]), longs.capacity(), LONGS);
        }
        if (booleans != null) {
            int used = booleans.size();
            booleans.clear();
            booleans = keep(booleans, Math.max(used, requested[BOOLEANS]), booleans.capacity(), BOOLEANS);
        }
        if (objects != null) {
            int used = objects.size();
            objects.clear();
            objects = keep(objects, Math.max(used, requested[OBJECTS]), objects.capacity(), OBJECTS);
        }
        inUse.set(false);
    }

    /**
     * The stack to keep after a call that pushed or asked room for {@code used} values on
     * {@code stack} (of room for {@code capacity}): itself if it is within the retained size; else
     * null, and kept softly in {@link #large} if the call needed more than the retained size.
     */
    private <S> S keep(S stack, int used, int capacity, int kind) {
        requested[kind] = 0;
        if (capacity <= maxRetained) {
            return stack;
        }
        large[kind] = used > maxRetained ? new SoftReference<>(stack) : null;
        return null;
    }

    /** {@code held} if not null, else the stack of {@code kind} kept softly by the last call (taken out), if still there. */
    @SuppressWarnings("unchecked")
    private <S> S takeBack(S held, int kind) {
        if (held != null) {
            return held;
        }
        SoftReference<?> kept = large[kind];
        large[kind] = null;
        return kept == null ? null : (S) kept.get();
    }
}
