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
    private static final int MAX_ARGS = 24;
    /** Room for one argument passed by value as a struct (a generated kernel's FxGeometry). */
    private static final int STRUCT_BYTES = 1024;

    private static final ThreadLocal<Launch> SCRATCH = ThreadLocal.withInitial(Launch::new);

    private final MemorySegment values;
    private final MemorySegment pointers;
    private final MemorySegment struct;
    /** The slot whose pointer was redirected to {@link #struct} by the last launch, or −1. */
    private int structSlot = -1;
    private int count;
    private DeviceContext ctx;
    private MemorySegment function;
    private String name;

    private Launch() {
        Arena arena = Arena.ofAuto();
        values = arena.allocate(8L * MAX_ARGS, 8);
        pointers = arena.allocate(ADDRESS, MAX_ARGS);
        struct = arena.allocate(STRUCT_BYTES, 16);
        for (int i = 0; i < MAX_ARGS; i++) {
            pointers.setAtIndex(ADDRESS, i, values.asSlice(8L * i, 8));
        }
    }

    /** Starts a launch of kernel {@code name} of {@code file} on {@code ctx}. */
    static Launch of(DeviceContext ctx, KernelSources file, String name) {
        return start(ctx, ctx.function(file, name), name);
    }

    /** Starts a launch of an already loaded kernel (a generated one). */
    static Launch start(DeviceContext ctx, MemorySegment function, String name) {
        Launch l = SCRATCH.get();
        l.ctx = ctx;
        l.function = function;
        l.name = name;
        l.count = 0;
        if (l.structSlot >= 0) {
            l.pointers.setAtIndex(ADDRESS, l.structSlot, l.values.asSlice(8L * l.structSlot, 8));
            l.structSlot = -1;
        }
        return l;
    }

    /**
     * A struct argument passed by value: {@code fill} writes its bytes (at most {@value #STRUCT_BYTES})
     * into the scratch area; one struct argument per launch.
     */
    Launch struct(java.util.function.Consumer<MemorySegment> fill) {
        if (structSlot >= 0) {
            throw new IllegalStateException(name + ": one struct argument per launch");
        }
        fill.accept(struct);
        structSlot = count;
        pointers.setAtIndex(ADDRESS, count++, struct);
        return this;
    }

    /** A raw device address (a tensor's element pointer computed by the caller). */
    Launch address(long pointer) {
        return i64(pointer);
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
