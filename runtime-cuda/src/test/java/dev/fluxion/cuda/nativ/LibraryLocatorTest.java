package dev.fluxion.cuda.nativ;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library search over fake directory layouts: order, version choice, wheels, and the error. */
class LibraryLocatorTest {

    @TempDir
    Path tmp;

    private Path touch(String relative) throws IOException {
        Path p = tmp.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, "not really a library");
        return p;
    }

    private LibraryLocator locator(Map<String, String> env) {
        return LibraryLocator.fromEnvironment(env, "", tmp.resolve("home"),
                List.of(tmp.resolve("usr/local/cuda/lib64"), tmp.resolve("usr/lib/x86_64-linux-gnu")),
                List.of(tmp.resolve("usr/local")));
    }

    @Test
    void findsCublasInTheNvidiaWheelOfAVirtualEnvironment() throws IOException {
        Path lib = touch("venv/lib/python3.12/site-packages/nvidia/cublas/lib/libcublas.so.12");
        touch("venv/lib/python3.12/site-packages/nvidia/cublas/lib/libcublasLt.so.12");
        Optional<Path> found = locator(Map.of("VIRTUAL_ENV", tmp.resolve("venv").toString())).find("cublas");
        assertEquals(Optional.of(lib), found);
    }

    @Test
    void findsNvrtcInTheCuda13WheelLayoutButNotItsBuiltins() throws IOException {
        touch("usr/local/lib/python3.11/dist-packages/nvidia/cu13/lib/libnvrtc-builtins.so.13.0");
        Path lib = touch("usr/local/lib/python3.11/dist-packages/nvidia/cu13/lib/libnvrtc.so.13");
        assertEquals(Optional.of(lib), locator(Map.of()).find("nvrtc"));
    }

    @Test
    void ldLibraryPathComesBeforeTheToolkitAndTheWheels() throws IOException {
        Path mine = touch("mine/libcublas.so.12");
        touch("usr/local/cuda/lib64/libcublas.so.13");
        touch("venv/lib/python3.12/site-packages/nvidia/cublas/lib/libcublas.so.12");
        LibraryLocator l = locator(Map.of("LD_LIBRARY_PATH", tmp.resolve("mine") + ":" + tmp.resolve("nothing"),
                "VIRTUAL_ENV", tmp.resolve("venv").toString()));
        assertEquals(Optional.of(mine), l.find("cublas"));
        List<Path> dirs = l.directories();
        assertTrue(dirs.indexOf(tmp.resolve("mine")) < dirs.indexOf(tmp.resolve("usr/local/cuda/lib64")));
        assertTrue(dirs.indexOf(tmp.resolve("usr/local/cuda/lib64"))
                < dirs.indexOf(tmp.resolve("venv/lib/python3.12/site-packages/nvidia/cublas/lib")));
    }

    @Test
    void fluxionCudaPathComesFirstAndCudaHomeIsSearched() throws IOException {
        Path home = touch("toolkit/lib64/libnvrtc.so.12");
        LibraryLocator l = locator(Map.of("CUDA_HOME", tmp.resolve("toolkit").toString(),
                "FLUXION_CUDA_PATH", tmp.resolve("first").toString()));
        assertEquals(tmp.resolve("first"), l.directories().getFirst());
        assertEquals(Optional.of(home), l.find("nvrtc"));
    }

    @Test
    void theHighestVersionInOneDirectoryWins() throws IOException {
        touch("usr/lib/x86_64-linux-gnu/libcuda.so");
        touch("usr/lib/x86_64-linux-gnu/libcuda.so.1");
        Path newest = touch("usr/lib/x86_64-linux-gnu/libcuda.so.580.65.06");
        assertEquals(Optional.of(newest), locator(Map.of()).find("cuda"));
    }

    @Test
    void versionNumbersCompareNumerically() {
        assertArrayEquals(new int[] {12, 4, 5}, LibraryLocator.versionOf("libcublas.so.12.4.5", "cublas"));
        assertArrayEquals(new int[0], LibraryLocator.versionOf("libcublas.so", "cublas"));
    }

    @Test
    void aMissingLibraryNamesEveryPlaceSearched() throws IOException {
        touch("venv/lib/python3.12/site-packages/nvidia/cuda_runtime/lib/libcudart.so.12");
        LibraryLocator l = locator(Map.of("LD_LIBRARY_PATH", tmp.resolve("ld").toString(),
                "VIRTUAL_ENV", tmp.resolve("venv").toString()));
        CudaLibraryNotFoundException e = assertThrows(CudaLibraryNotFoundException.class,
                () -> NativeLibrary.load("cublas", "libcublas.so", l, false));
        String m = e.getMessage();
        assertTrue(m.startsWith("libcublas.so could not be loaded. Searched:"), m);
        for (Path dir : l.directories()) {
            assertTrue(m.contains("\n  " + dir + "\n"), () -> "message does not name " + dir + ":\n" + m);
        }
        assertTrue(m.contains(tmp.resolve("venv/lib/python3.12/site-packages/nvidia/cuda_runtime/lib").toString()), m);
        assertTrue(m.contains("FLUXION_CUDA_PATH"), m);
        assertEquals("cublas", e.library());
    }

    @Test
    void aFileThatIsNotALibraryIsReportedWithTheDlopenError() throws IOException {
        Path bogus = touch("ld/libnvrtc.so.12");
        LibraryLocator l = LibraryLocator.of(List.of(tmp.resolve("ld")));
        CudaLibraryNotFoundException e = assertThrows(CudaLibraryNotFoundException.class,
                () -> NativeLibrary.load("nvrtc", "libnvrtc.so", l, false));
        assertTrue(e.getMessage().contains("found " + bogus + " but dlopen failed"), e.getMessage());
    }
}
