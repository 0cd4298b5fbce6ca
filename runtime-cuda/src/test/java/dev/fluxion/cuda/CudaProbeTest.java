package dev.fluxion.cuda;

import dev.fluxion.Device;

import dev.fluxion.cuda.nativ.LibraryLocator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Without a driver the backend says so, naming the places searched, and every use fails clearly. */
class CudaProbeTest {

    @Test
    void noDriverIsReportedWithThePlacesSearched(@TempDir Path empty) {
        Cuda.Probe p = Cuda.probe(LibraryLocator.of(List.of(empty)), false);
        Cuda.Unavailable u = assertInstanceOf(Cuda.Unavailable.class, p);
        assertTrue(u.reason().startsWith("no CUDA driver: libcuda.so could not be loaded. Searched:"), u.reason());
        assertTrue(u.reason().contains(empty.toString()), u.reason());
    }

    @Test
    void aLibraryWithoutTheDriversSymbolsIsReportedNotThrown(@TempDir Path dir) throws IOException {
        Path libm = Stream.of("/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib64/libm.so.6")
                .map(Path::of).filter(Files::isRegularFile).findFirst().orElse(null);
        Assumptions.assumeTrue(libm != null, "no libm.so.6 to stand in for a wrong libcuda");
        Files.copy(libm, dir.resolve("libcuda.so.1"));
        Cuda.Unavailable u = assertInstanceOf(Cuda.Unavailable.class, Cuda.probe(LibraryLocator.of(List.of(dir)), false));
        assertTrue(u.reason().startsWith("the CUDA driver did not start: libcuda (" + dir.resolve("libcuda.so.1")
                + ") has no symbol cuInit"), u.reason());
    }

    @Test
    void availabilityAndReasonAgree() {
        if (Cuda.available()) {
            assertEquals("", Cuda.unavailableReason());
            assertTrue(Cuda.deviceCount() > 0);
        } else {
            assertTrue(Cuda.unavailableReason().contains("CUDA"), Cuda.unavailableReason());
            assertEquals(0, Cuda.deviceCount());
            CudaException e = assertThrows(CudaException.class,
                    () -> CudaTensor.toDevice(dev.fluxion.Tensor.of(1f, 2f), Device.cuda()));
            assertEquals(Cuda.unavailableReason(), e.getMessage());
        }
    }

    @Test
    void cpuIsNotACudaDevice() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CudaTensor.toDevice(dev.fluxion.Tensor.of(1f), Device.cpu()));
        assertTrue(e.getMessage().contains("cpu is not a CUDA device"), e.getMessage());
    }
}
