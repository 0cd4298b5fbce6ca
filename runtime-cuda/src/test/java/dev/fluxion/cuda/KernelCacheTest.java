package dev.fluxion.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The disk cache of compiled kernels, keyed by compute capability, source and compiler. */
class KernelCacheTest {

    @Test
    void compilesOnceThenReadsFromDisk(@TempDir Path dir) {
        AtomicInteger compiles = new AtomicInteger();
        KernelCache cache = new KernelCache(dir);
        String first = cache.ptx("relu", "src", "opts", 90, () -> "ptx" + compiles.incrementAndGet());
        String second = new KernelCache(dir).ptx("relu", "src", "opts", 90, () -> "ptx" + compiles.incrementAndGet());
        assertEquals("ptx1", first);
        assertEquals("ptx1", second);
        assertEquals(1, compiles.get());
        Path file = cache.fileFor("relu", "src", "opts", 90);
        assertTrue(Files.isRegularFile(file));
        assertEquals(dir.resolve("sm_90"), file.getParent());
    }

    @Test
    void anotherDeviceSourceOrCompilerCompilesAfresh(@TempDir Path dir) {
        KernelCache cache = new KernelCache(dir);
        Path base = cache.fileFor("k", "src", "opts", 90);
        assertNotEquals(base, cache.fileFor("k", "src", "opts", 80));
        assertNotEquals(base, cache.fileFor("k", "src2", "opts", 90));
        assertNotEquals(base, cache.fileFor("k", "src", "opts /other/libnvrtc.so.13", 90));
        assertEquals(base, cache.fileFor("k", "src", "opts", 90));
    }

    @Test
    void theShippedSourcesHashDifferently() {
        assertNotEquals(KernelCache.hash(KernelSources.ELEMENTWISE.source()), KernelCache.hash(KernelSources.REDUCE.source()));
    }
}
