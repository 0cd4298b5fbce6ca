package dev.fluxion.cuda;

import dev.fluxion.cuda.nativ.LibraryLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
    void aBrokenDriverFileIsReportedNotThrown(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("libcuda.so.1"), "garbage");
        Cuda.Unavailable u = assertInstanceOf(Cuda.Unavailable.class, Cuda.probe(LibraryLocator.of(List.of(dir)), false));
        assertTrue(u.reason().contains("dlopen failed"), u.reason());
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
