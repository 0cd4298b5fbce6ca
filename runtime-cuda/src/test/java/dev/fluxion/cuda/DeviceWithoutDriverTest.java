package dev.fluxion.cuda;

import dev.fluxion.Device;
import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import dev.fluxion.nn.Linear;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the backend on the class path but no driver (these machines, CI), {@code to(Device.cuda())}
 * fails with the probe's reason, which names every place searched. On a GPU machine the driver is
 * there and this is skipped.
 */
class DeviceWithoutDriverTest {

    @Test
    void movingToCudaWithoutADriverSaysWhyAndWhereItLooked() {
        Assumptions.assumeFalse(Cuda.available(), "a CUDA driver is present: the no-driver error is not reachable here");
        String reason = Cuda.unavailableReason();
        FluxionException e = assertThrows(FluxionException.class, () -> Tensor.ones(2).to(Device.cuda()));
        assertTrue(e.getMessage().startsWith("to(cuda:0): cuda:0 is not usable here: "), e.getMessage());
        assertTrue(e.getMessage().endsWith(reason), e.getMessage());
        assertTrue(reason.contains("libcuda"), reason);
        FluxionException module = assertThrows(FluxionException.class,
                () -> new Linear(2, 2, new Random(0)).to(Device.cuda()));
        assertTrue(module.getMessage().contains("is not usable here"), module.getMessage());
    }
}
