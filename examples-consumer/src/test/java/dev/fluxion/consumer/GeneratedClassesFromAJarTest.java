package dev.fluxion.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fluxion.Tensor;
import dev.fluxion.examples.ChainRuleGrad;
import dev.fluxion.examples.LineModel;
import dev.fluxion.examples.LineModelGrad;
import org.junit.jupiter.api.Test;

/**
 * Compiled with {@code -proc:none} against fluxion-examples' jar: the generated classes work for a
 * library's users, who never see the processor.
 */
class GeneratedClassesFromAJarTest {
    @Test
    void scalarGradientFromTheJar() {
        // e = (a + b)(b + 1): de/da = b + 1, de/db = a + 2b + 1.
        var g = ChainRuleGrad.eGrad(1.0, 2.0);
        assertEquals(9.0, g.value());
        assertEquals(3.0, g.a());
        assertEquals(6.0, g.b());
    }

    @Test
    void moduleBackwardFromTheJarAccumulatesIntoParameters() {
        LineModel model = new LineModel();
        Tensor x = Tensor.of(new float[][] {{1}, {2}});
        Tensor y = Tensor.of(new float[][] {{3}, {5}});
        Tensor loss = LineModelGrad.lossBackward(model, x, y);
        // w = b = 0: loss = mean(y²) = 17, dL/dw = −mean(2 x y) = −13, dL/db = −mean(2 y) = −8.
        assertEquals(17.0, loss.item(), 1e-6);
        assertEquals(-13.0, model.parameters().get(0).grad().item(), 1e-5);
        assertEquals(-8.0, model.parameters().get(1).grad().item(), 1e-5);
    }

    @Test
    void runtimeErrorsStillNameTheUsersLine() {
        LineModel model = new LineModel();
        var e = assertThrows(IllegalArgumentException.class,
                () -> LineModelGrad.lossBackward(model, Tensor.zeros(2, 3), Tensor.zeros(2, 1)));
        assertEquals(true, e.getMessage().contains("LineModel.java"), e.getMessage());
    }
}
