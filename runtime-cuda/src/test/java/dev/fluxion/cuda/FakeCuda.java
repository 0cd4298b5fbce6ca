package dev.fluxion.cuda;

import dev.fluxion.cuda.nativ.LibraryLocator;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stand-in driver of {@link FakeDriverTest} for other test classes: builds libcuda/libcublas/
 * libnvrtc from fake_cuda.c with the C compiler, installs it as the backend's driver and a fresh
 * kernel cache, and restores both afterwards. Memory, copies and cuBLAS GEMMs are real (host
 * memory) and every kernel runs on the host: the fake NVRTC compiles the kernel files and the
 * generated kernels with c++ (one thread per block, the blocks in turn), so the device path is
 * checked for values without a GPU.
 */
final class FakeCuda {

    private final Path dir;
    private final SymbolLookup lookup;
    private final String savedCacheDir;

    private FakeCuda(Path dir, SymbolLookup lookup, String savedCacheDir) {
        this.dir = dir;
        this.lookup = lookup;
        this.savedCacheDir = savedCacheDir;
    }

    /** Builds and installs the fake driver; skips the calling tests visibly without a C compiler. */
    static FakeCuda install() throws IOException, InterruptedException {
        String cc = Stream.of("/usr/bin/cc", "/usr/bin/gcc", "/usr/local/bin/gcc", "/usr/bin/clang")
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        Assumptions.assumeTrue(cc != null, "no C compiler: the fake-driver tests are skipped");
        boolean cxx = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "c++")));
        Assumptions.assumeTrue(cxx, "no c++ on PATH: the stand-in NVRTC cannot compile kernels for the host;"
                + " the fake-driver tests of the device path are skipped");
        Path dir = Files.createTempDirectory("fake-cuda");
        Path src = dir.resolve("fake_cuda.c");
        try (InputStream in = FakeCuda.class.getResourceAsStream("fake_cuda.c")) {
            Files.write(src, in.readAllBytes());
        }
        Path lib = dir.resolve("libcuda.so.1");
        Process p = new ProcessBuilder(cc, "-shared", "-fPIC", "-O1", "-o", lib.toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "cc failed: " + out);
        Files.createSymbolicLink(dir.resolve("libcublas.so.12"), lib);
        Files.createSymbolicLink(dir.resolve("libnvrtc.so.12"), lib);
        String saved = System.getProperty("fluxion.cuda.cacheDir");
        System.setProperty("fluxion.cuda.cacheDir", dir.resolve("cache").toString());
        Cuda.Probe probe = Cuda.probe(LibraryLocator.of(List.of(dir)), false);
        assertInstanceOf(Cuda.Ready.class, probe, probe::toString);
        Cuda.useForTesting(probe);
        FakeCuda fake = new FakeCuda(dir, SymbolLookup.libraryLookup(lib, Arena.global()), saved);
        fake.global("fake_emulate_all", 4).set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 1);
        return fake;
    }

    /** Puts the system's driver and cache directory back. */
    void uninstall() {
        Cuda.useForTesting(null);
        if (savedCacheDir == null) {
            System.clearProperty("fluxion.cuda.cacheDir");
        } else {
            System.setProperty("fluxion.cuda.cacheDir", savedCacheDir);
        }
    }

    /** The kernel cache directory in use. */
    Path cacheDir() {
        return dir.resolve("cache");
    }

    /** How many launches ran a generated kernel on the host. */
    int emulatedLaunches() {
        return global("fake_emulated_launches", 4).get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
    }

    /** The name of the last kernel launched. */
    String lastKernel() {
        return global("fake_last_kernel", 64).getString(0);
    }

    private MemorySegment global(String name, long bytes) {
        return lookup.find(name).orElseThrow().reinterpret(bytes);
    }
}
