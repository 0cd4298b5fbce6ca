package dev.fluxion.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What every optimizer shares: which parameters take part, gradient buffers, settings and their validation. */
class OptimizerBehaviourTest {
    private static Parameter param(double... values) {
        return Parameter.of(Tensor.of(values));
    }

    @Test
    void frozenParametersAndParametersWithoutGradientAreLeftAlone() {
        Parameter trained = param(1.0, 2.0);
        Parameter frozen = param(3.0, 4.0);
        Parameter noGrad = param(5.0);
        frozen.accumulateGrad(Tensor.of(10.0, 10.0)); // a gradient is present but must be ignored
        frozen.requiresGrad(false);
        trained.accumulateGrad(Tensor.of(0.5, -1.0));
        new SGD(List.of(trained, frozen, noGrad), 0.1).step();
        assertArrayEquals(new double[] {0.95, 2.1}, trained.toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {3.0, 4.0}, frozen.toDoubleArray(), 0.0);
        assertArrayEquals(new double[] {5.0}, noGrad.toDoubleArray(), 0.0);
        assertNull(noGrad.grad());
    }

    @Test
    void adamStateStartsAtTheFirstStepThatUpdatesTheParameter() {
        // b has no gradient for two steps; its first real step must be Adam's step 1 for it:
        // with bias correction, the first update is exactly -lr * sign(g) (up to eps).
        Parameter a = param(1.0);
        Parameter b = param(1.0);
        Adam adam = new Adam(List.of(a, b), 0.1);
        for (int i = 0; i < 2; i++) {
            a.zeroGrad();
            a.accumulateGrad(Tensor.of(3.0));
            adam.step();
        }
        b.accumulateGrad(Tensor.of(-7.0));
        adam.step();
        double mHat = -7.0, vHat = 49.0;
        assertEquals(1.0 - 0.1 * mHat / (Math.sqrt(vHat) + 1e-8), b.toDoubleArray()[0], 1e-14);
    }

    @Test
    void unfreezingMidwayResumesWithFreshMomentum() {
        Parameter p = param(0.0);
        SGD sgd = new SGD(List.of(p), 1.0, 0.9);
        p.accumulateGrad(Tensor.of(1.0));
        p.requiresGrad(false);
        sgd.step();
        assertEquals(0.0, p.toDoubleArray()[0], 0.0);
        p.requiresGrad(true);
        sgd.step(); // buffer = g = 1
        sgd.step(); // buffer = 0.9 + 1 = 1.9
        assertEquals(-2.9, p.toDoubleArray()[0], 1e-15);
    }

    @Test
    void zeroGradZerosInPlaceAndGradientsAccumulateBetween() {
        Parameter p = param(1.0, 1.0);
        SGD sgd = new SGD(List.of(p), 0.5);
        p.accumulateGrad(Tensor.of(1.0, 2.0));
        p.accumulateGrad(Tensor.of(0.5, 0.25)); // two backward passes add up
        Tensor buffer = p.grad();
        assertArrayEquals(new double[] {1.5, 2.25}, buffer.toDoubleArray(), 0.0);
        sgd.step();
        assertArrayEquals(new double[] {0.25, -0.125}, p.toDoubleArray(), 1e-15);
        sgd.zeroGrad();
        assertSame(buffer, p.grad(), "zeroGrad keeps the buffer");
        assertArrayEquals(new double[] {0.0, 0.0}, p.grad().toDoubleArray(), 0.0);
        sgd.step(); // zero gradient: no change
        assertArrayEquals(new double[] {0.25, -0.125}, p.toDoubleArray(), 1e-15);
    }

    @Test
    void zeroGradLeavesMissingGradientsNull() {
        Parameter p = param(1.0);
        new Adam(List.of(p)).zeroGrad();
        assertNull(p.grad());
    }

    @Test
    void learningRateCanBeChangedBetweenSteps() {
        Parameter p = param(1.0);
        SGD sgd = new SGD(List.of(p), 0.1);
        p.accumulateGrad(Tensor.of(1.0));
        sgd.step();
        sgd.learningRate(0.0);
        sgd.step();
        sgd.learningRate(1.0);
        sgd.step();
        assertEquals(1.0, sgd.learningRate());
        assertEquals(1.0 - 0.1 - 1.0, p.toDoubleArray()[0], 1e-15);
        assertThrows(IllegalArgumentException.class, () -> sgd.learningRate(-1));
    }

    @Test
    void adamWDecaysWeightsEvenWithZeroGradient() {
        // Decoupled decay: with g = 0 the moments stay 0 and only p·(1 − lr·λ) acts.
        Parameter p = param(2.0, -4.0);
        p.accumulateGrad(Tensor.of(0.0, 0.0));
        AdamW opt = new AdamW(List.of(p), 0.1);
        opt.step();
        assertEquals(0.01, opt.weightDecay());
        assertArrayEquals(new double[] {2.0 * 0.999, -4.0 * 0.999}, p.toDoubleArray(), 1e-15);
    }

    @Test
    void defaultsMatchPyTorch() {
        Parameter p = param(0.0);
        Adam adam = new Adam(List.of(p));
        assertEquals(1e-3, adam.learningRate());
        assertEquals(0.9, adam.beta1());
        assertEquals(0.999, adam.beta2());
        assertEquals(1e-8, adam.eps());
        assertEquals(0.0, adam.weightDecay());
        assertEquals(false, adam.amsgrad());
        AdamW adamW = new AdamW(List.of(p));
        assertEquals(1e-3, adamW.learningRate());
        assertEquals(0.01, adamW.weightDecay());
        assertEquals(SGD.Options.DEFAULTS, new SGD(List.of(p), 0.1).options());
        assertEquals(new SGD.Options(0.7, 0, 0, false), new SGD(List.of(p), 0.1, 0.7).options());
        assertEquals(List.of(p), adam.parameters());
    }

    @Test
    void invalidSettingsAreRejectedLikePyTorch() {
        List<Parameter> ps = List.of(param(0.0));
        assertMessage("SGD: invalid learning rate: -0.1", () -> new SGD(ps, -0.1));
        assertMessage("invalid learning rate: NaN", () -> new SGD(ps, Double.NaN));
        assertMessage("SGD: invalid momentum value: -0.5", () -> new SGD(ps, 0.1, -0.5));
        assertMessage("SGD: invalid weight_decay value", () -> SGD.Options.DEFAULTS.withWeightDecay(-1));
        assertMessage("Nesterov momentum requires a momentum and zero dampening",
                () -> SGD.Options.DEFAULTS.withNesterov(true));
        assertMessage("Nesterov momentum requires a momentum and zero dampening",
                () -> new SGD.Options(0.9, 0.1, 0, true));
        assertMessage("Adam: invalid beta parameter at index 0: 1.0", () -> new Adam(ps, 0.1, 1.0, 0.9, 1e-8, 0, false));
        assertMessage("AdamW: invalid beta parameter at index 1: -0.1",
                () -> new AdamW(ps, 0.1, 0.9, -0.1, 1e-8, 0, false));
        assertMessage("Adam: invalid epsilon value: -1.0", () -> new Adam(ps, 0.1, 0.9, 0.9, -1, 0, false));
        assertMessage("AdamW: invalid weight_decay value: -0.01", () -> new AdamW(ps, 0.1, 0.9, 0.9, 1e-8, -0.01, false));
        assertMessage("Adam: got an empty parameter list", () -> new Adam(List.of()));
        Parameter p = param(1.0);
        assertMessage("the same parameter twice", () -> new SGD(List.of(p, p), 0.1));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable body) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, body);
        assertTrue(e.getMessage().contains(expected), () -> "message was: " + e.getMessage());
    }
}
