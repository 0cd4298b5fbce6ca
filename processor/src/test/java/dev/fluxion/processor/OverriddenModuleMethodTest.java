package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A generated derivative is the derivative of one method: {@code BlockGrad.forwardVjp} differentiates
 * {@code Block.forward}. Regression: a list of {@code Block}s holding a subclass whose
 * {@code forward} overrides it ran {@code Block.forward}'s derivative on it, a silently wrong value
 * and gradient for the user's model; now it is a {@link FluxionException} naming both classes. A
 * subclass that does not override the method is still accepted, and gives Block's gradient.
 */
class OverriddenModuleMethodTest {
    private static final String SOURCE = ModuleListsTest.IMPORTS + """
            class Block extends Module {
                final Parameter w = param(Tensor.of(2.0).toDouble());

                @Differentiable
                Tensor forward(Tensor x) { return x.times(w); }
            }

            /** forward overridden: 3·w·x. */
            class Tripled extends Block {
                @Override
                @Differentiable
                Tensor forward(Tensor x) { return x.times(w).times(3.0); }
            }

            /** Inherits Block.forward. */
            class Named extends Block {
                String name() { return "named"; }
            }

            class Net extends Module {
                final List<Block> blocks;

                Net(List<Block> blocks) { this.blocks = blocks; }

                @Differentiable
                Tensor loss(@NoGrad Tensor x) {
                    Tensor h = x;
                    for (Block b : blocks) {
                        h = b.forward(h);
                    }
                    return h.sum();
                }
            }
            """;

    @Test
    void aSubclassThatOverridesTheMethodIsRefused() {
        Generated g = Generated.compile("demo.Net", SOURCE);
        Object tripled = g.instance("demo.Tripled");
        Object net = g.instance("demo.Net", List.of(g.instance("demo.Block"), tripled));
        Tensor x = Tensor.of(1.5).toDouble();
        AssertionError e = assertThrows(AssertionError.class, () -> g.call("demo.NetGrad", "lossBackward", net, x));
        assertEquals(FluxionException.class, e.getCause().getClass());
        assertTrue(e.getCause().getMessage().contains("the model is a Tripled, whose forward overrides Block.forward"),
                e.getCause().getMessage());
        // Called directly, Block's derivative refuses a Tripled too; TripledGrad's is its own.
        AssertionError direct = assertThrows(AssertionError.class, () -> g.call("demo.BlockGrad", "forwardVjp", tripled, x));
        assertEquals(FluxionException.class, direct.getCause().getClass());
        Object own = g.call("demo.TripledGrad", "forwardVjp", tripled, x);
        assertEquals(9.0, ((Tensor) Generated.get(own, "value")).item(), 0.0);
    }

    @Test
    void aSubclassThatInheritsTheMethodGetsItsGradient() {
        Generated g = Generated.compile("demo.Net", SOURCE);
        dev.fluxion.nn.Module first = (dev.fluxion.nn.Module) g.instance("demo.Block");
        dev.fluxion.nn.Module second = (dev.fluxion.nn.Module) g.instance("demo.Named");
        Object net = g.instance("demo.Net", List.of(first, second));
        Tensor x = Tensor.of(1.5).toDouble();
        // loss = x·w0·w1 = 6: d/dw0 = x·w1 = 3, d/dw1 = x·w0 = 3.
        Tensor value = (Tensor) g.call("demo.NetGrad", "lossBackward", net, x);
        assertEquals(6.0, value.item(), 0.0);
        assertArrayEquals(new double[] {3.0}, first.parameters().get(0).grad().toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {3.0}, second.parameters().get(0).grad().toDoubleArray(), 0.0);
    }
}
