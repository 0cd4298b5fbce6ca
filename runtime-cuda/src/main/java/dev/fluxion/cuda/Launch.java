package dev.fluxion.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A kernel launch: arguments written into a per-thread native scratch area (eight bytes a slot)
 * whose {@code void**} array {@code cuLaunchKernel} reads; the driver copies the values at launch,
 * so the area is reused by the next launch and a launch allocates nothing.
 */
final class Launch {

    static final int THREADS = 256;
    private static final int MAX_ARGS = 16;

    private static final ThreadLocal<Launch> SCRATCH = ThreadLocal.withInitial(Launch::new);

    private final MemorySegment values;
    private final MemorySegment pointers;
    private int count;
    private DeviceContext ctx;
    private MemorySegment function;
    private String name;

    private Launch() {
        Arena arena = Arena.ofAuto();
        values = arena.allocate(8L * MAX_ARGS, 8);
        pointers = arena.allocate(ADDRESS, MAX_ARGS);
        for (int i = 0; i < MAX_ARGS; i++) {
            pointers.setAtIndex(ADDRESS, i, values.asSlice(8L * i, 8));
        }
    }

    /** Starts a launch of kernel {@code name} of {@code file} on {@code ctx}. */
    static Launch of(DeviceContext ctx, KernelSources file, String name) {
        Launch l = SCRATCH.get();
        l.ctx = ctx;
        l.function = ctx.function(file, name);
        l.name = name;
        l.count = 0;
        return l;
    }

    Launch ptr(CudaTensor t) {
        return i64(t.pointer());
    }

    Launch i64(long v) {
        values.set(JAVA_LONG, 8L * count++, v);
        return this;
    }

    Launch i32(int v) {
        values.set(JAVA_INT, 8L * count++, v);
        return this;
    }

    Launch f64(double v) {
        values.set(JAVA_DOUBLE, 8L * count++, v);
        return this;
    }

    /** Launches a grid-stride kernel over {@code n} elements. */
    void elementwise(long n) {
        run(gridFor(n), THREADS);
    }

    /** Launches {@code blocks} blocks of {@code threads} threads on this thread's stream. */
    void run(long blocks, int threads) {
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": " + blocks + " blocks is too many for one launch");
        }
        ctx.runtime().driver().launch(function, (int) Math.max(1, blocks), 1, 1, threads, 1, 1, 0, ctx.stream(),
                pointers, name);
    }

    /** Blocks for a grid-stride loop over {@code n}: enough to fill the device, at most 65 535·4. */
    static long gridFor(long n) {
        return Math.max(1, Math.min((n + THREADS - 1) / THREADS, 65535L * 4));
    }
}
