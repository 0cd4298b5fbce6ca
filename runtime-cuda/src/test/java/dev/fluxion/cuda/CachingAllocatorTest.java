package dev.fluxion.cuda;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The caching allocator over fake device memory: reuse by size class and stream, emptyCache, OOM retry. */
class CachingAllocatorTest {

    /** Fake device memory: hands out increasing addresses up to a capacity, records frees. */
    static final class FakeMemory implements DeviceMemory {
        long next = 0x1000;
        long capacity;
        long inUse;
        final List<Long> freed = new ArrayList<>();
        final List<Long> sizes = new ArrayList<>();

        FakeMemory(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long allocate(long bytes) {
            if (inUse + bytes > capacity) {
                return 0;
            }
            inUse += bytes;
            sizes.add(bytes);
            long p = next;
            next += bytes;
            return p;
        }

        @Override
        public void free(long pointer) {
            freed.add(pointer);
            inUse -= sizes.get(0); // all blocks in these tests where it matters are one size
        }
    }

    @Test
    void sizeClassesRoundTo512BytesThenTo2MiB() {
        assertEquals(512, CachingAllocator.roundSize(1));
        assertEquals(512, CachingAllocator.roundSize(512));
        assertEquals(1024, CachingAllocator.roundSize(513));
        assertEquals(1 << 20, CachingAllocator.roundSize(1 << 20));
        assertEquals(2 << 20, CachingAllocator.roundSize((1 << 20) + 1));
        assertEquals(4 << 20, CachingAllocator.roundSize((2 << 20) + 1));
    }

    @Test
    void aReleasedBlockIsReusedForTheSameSizeClassOnTheSameStream() {
        FakeMemory mem = new FakeMemory(1 << 30);
        CachingAllocator a = new CachingAllocator(mem);
        CachingAllocator.Block b1 = a.allocate(1000, 7);
        a.release(b1);
        assertEquals(1024, a.cachedBytes());
        CachingAllocator.Block b2 = a.allocate(900, 7);
        assertEquals(b1.pointer(), b2.pointer());
        assertEquals(1, a.driverAllocations());
        assertEquals(1024, a.allocatedBytes());
        assertEquals(0, a.cachedBytes());
    }

    @Test
    void blocksAreNotSharedAcrossStreamsOrSizeClasses() {
        FakeMemory mem = new FakeMemory(1 << 30);
        CachingAllocator a = new CachingAllocator(mem);
        CachingAllocator.Block b1 = a.allocate(1000, 7);
        a.release(b1);
        assertNotEquals(b1.pointer(), a.allocate(1000, 8).pointer());
        assertNotEquals(b1.pointer(), a.allocate(4000, 7).pointer());
        assertEquals(3, a.driverAllocations());
    }

    @Test
    void emptyCacheFreesOnlyCachedBlocks() {
        FakeMemory mem = new FakeMemory(1 << 30);
        CachingAllocator a = new CachingAllocator(mem);
        CachingAllocator.Block kept = a.allocate(100, 1);
        CachingAllocator.Block released = a.allocate(100, 1);
        a.release(released);
        a.emptyCache();
        assertEquals(List.of(released.pointer()), mem.freed);
        assertEquals(0, a.cachedBytes());
        assertEquals(512, a.allocatedBytes());
        assertTrue(kept.pointer() != 0);
    }

    @Test
    void outOfMemoryEmptiesTheCacheAndRetriesOnce() {
        FakeMemory mem = new FakeMemory(2 * 512);
        CachingAllocator a = new CachingAllocator(mem);
        CachingAllocator.Block b1 = a.allocate(512, 1);
        a.allocate(512, 1);
        a.release(b1);
        // a request on another stream cannot reuse b1, but after emptying the cache it fits
        CachingAllocator.Block b3 = a.allocate(512, 2);
        assertEquals(List.of(b1.pointer()), mem.freed);
        assertEquals(2, b3.stream());
        CudaException e = assertThrows(CudaException.class, () -> a.allocate(512, 3));
        assertTrue(e.getMessage().startsWith("CUDA out of memory: allocating 512 bytes with 1024 bytes in use"),
                e.getMessage());
    }
}
