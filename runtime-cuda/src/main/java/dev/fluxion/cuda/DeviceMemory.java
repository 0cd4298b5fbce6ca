package dev.fluxion.cuda;

/** Raw device memory, under the {@link CachingAllocator}: {@code cuMemAlloc} and {@code cuMemFree}. */
interface DeviceMemory {

    /** A pointer to {@code bytes} new bytes, or 0 when the device is out of memory. */
    long allocate(long bytes);

    /** Returns memory got from {@link #allocate}; may synchronise the device. */
    void free(long pointer);
}
