package dev.fluxion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.nn.Linear;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Devices in the CPU runtime alone: tensors are on the CPU, moving them there is the identity, and
 * asking for CUDA without the {@code fluxion-cuda} module names the missing dependency (the runtime
 * has no native code and no CUDA backend of its own).
 */
class DevicesTest {

    @Test
    void tensorsStartOnTheCpuAndMovingThereIsTheIdentity() {
        Tensor x = Tensor.ones(2, 3);
        assertEquals(Device.cpu(), x.device());
        assertSame(x, x.to(Device.cpu()));
        assertSame(x, x.cpu());
        Linear layer = new Linear(3, 2, new Random(1));
        var weight = layer.weight;
        assertSame(layer, layer.to(Device.cpu()));
        assertSame(weight, layer.weight, "moving to where a parameter already is keeps it");
    }

    @Test
    void cudaWithoutTheBackendModuleNamesTheMissingDependency() {
        FluxionException e = assertThrows(FluxionException.class, () -> Tensor.ones(2).to(Device.cuda()));
        assertTrue(e.getMessage().startsWith("to(cuda:0): no backend for cuda:0 on the class path; add the dependency "
                + "dev.fluxion:fluxion-cuda"), e.getMessage());
        FluxionException module = assertThrows(FluxionException.class,
                () -> new Linear(3, 2, new Random(1)).to(Device.cuda(1)));
        assertTrue(module.getMessage().contains("cuda:1") && module.getMessage().contains("fluxion-cuda"),
                module.getMessage());
    }

    @Test
    void devicesPrintAsPyTorch() {
        assertEquals("cpu", Device.cpu().toString());
        assertEquals("cuda:0", Device.cuda().toString());
        assertEquals("cuda:2", Device.cuda(2).toString());
    }
}
