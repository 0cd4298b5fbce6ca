package dev.fluxion.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A caching device allocator, as PyTorch's: a released block goes to a free list of its size class
 * and stream instead of back to the driver ({@code cuMemFree} synchronises the whole device), and
 * the next request of that class on that stream reuses it. Reuse is safe without events because
 * work on one stream runs in order: a block released on stream S is only handed out again on S.
 *
 * <p>Size classes: multiples of 512 bytes up to 1 MiB, multiples of 2 MiB above. When the device
 * is out of memory the cache is emptied and the request retried once. Thread-safe.
 */
public final class CachingAllocator {

    /** The smallest block and the granularity of small ones. */
    static final long SMALL_GRANULE = 512;
    /** Requests above this are rounded to {@link #LARGE_GRANULE}. */
    static final long SMALL_LIMIT = 1 << 20;
    static final long LARGE_GRANULE = 2 << 20;

    /** A block of device memory: its pointer, its size class and the stream it belongs to. */
    public record Block(long pointer, long size, long stream) {
    }

    private record Key(long size, long stream) {
    }

    private final DeviceMemory memory;
    private final Map<Key, ArrayDeque<Block>> free = new HashMap<>();
    private long allocatedBytes;
    private long cachedBytes;
    private long driverAllocations;

    CachingAllocator(DeviceMemory memory) {
        this.memory = memory;
    }

    /** The size class of a request of {@code bytes} bytes. */
    static long roundSize(long bytes) {
        if (bytes <= SMALL_LIMIT) {
            return Math.max(SMALL_GRANULE, (bytes + SMALL_GRANULE - 1) / SMALL_GRANULE * SMALL_GRANULE);
        }
        return (bytes + LARGE_GRANULE - 1) / LARGE_GRANULE * LARGE_GRANULE;
    }

    /** A block of at least {@code bytes} bytes for use on {@code stream}. */
    public synchronized Block allocate(long bytes, long stream) {
        long size = roundSize(bytes);
        ArrayDeque<Block> list = free.get(new Key(size, stream));
        if (list != null && !list.isEmpty()) {
            Block b = list.pop();
            cachedBytes -= size;
            allocatedBytes += size;
            return b;
        }
        long p = memory.allocate(size);
        if (p == 0) {
            emptyCache();
            p = memory.allocate(size);
            if (p == 0) {
                throw new CudaException("CUDA out of memory: allocating " + size + " bytes with " + allocatedBytes
                        + " bytes in use (the cache was emptied and the allocation retried)");
            }
        }
        driverAllocations++;
        allocatedBytes += size;
        return new Block(p, size, stream);
    }

    /** Returns {@code block} to the cache of its size class and stream. */
    public synchronized void release(Block block) {
        free.computeIfAbsent(new Key(block.size(), block.stream()), k -> new ArrayDeque<>()).push(block);
        allocatedBytes -= block.size();
        cachedBytes += block.size();
    }

    /** Frees every cached block back to the driver (as {@code torch.cuda.empty_cache()}). */
    public synchronized void emptyCache() {
        for (ArrayDeque<Block> list : free.values()) {
            for (Block b : list) {
                memory.free(b.pointer());
            }
        }
        free.clear();
        cachedBytes = 0;
    }

    /** Bytes in blocks handed out and not released. */
    public synchronized long allocatedBytes() {
        return allocatedBytes;
    }

    /** Bytes in released blocks kept for reuse. */
    public synchronized long cachedBytes() {
        return cachedBytes;
    }

    /** How many times the driver was asked for memory. */
    public synchronized long driverAllocations() {
        return driverAllocations;
    }
}
