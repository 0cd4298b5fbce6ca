package dev.fluxion.cuda;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

import java.io.IOException;

/**
 * The hand-written GPU tests (every kernel of the device API against the CPU runtime, and the
 * MLP trained to the CPU's weights) run here against the stand-in driver, which compiles every
 * kernel for the host and runs it one thread per block: what they check about values is checked
 * without a GPU (launch configurations, races and speed are still the GPU run's).
 */
class EmulatedGpuTestsFakeDriverTest {

    private static FakeCuda fake;

    @BeforeAll
    static void installFakeDriver() throws IOException, InterruptedException {
        fake = FakeCuda.install();
    }

    @AfterAll
    static void restore() {
        if (fake != null) {
            fake.uninstall();
        }
    }

    @Nested
    class Elementwise extends CudaElementwiseGpuTest {
    }

    @Nested
    class Reductions extends CudaReductionsGpuTest {
    }

    @Nested
    class MlpTraining extends CudaMlpTrainingGpuTest {
    }
}
