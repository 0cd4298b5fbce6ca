package dev.fluxion.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.Tensor;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The numbers of the tutorial programs (SPEC section 6). */
class TutorialExamplesTest {

    @Test
    void logisticRegressionMatchesPyTorch() {
        // tools/torch_reference/examples_reference.py, torch 1.13: losses[0] = 0.6931471824645996,
        // losses[999] = 0.36515581607818604, w = [0.19392712, -1.69343805], b = 0.48880360
        var result = LogisticRegression.train(1000, 0.01);
        assertEquals(0.6931471824645996, result.losses()[0], 1e-6);
        assertEquals(0.36515581607818604, result.losses()[999], 1e-4);
        assertArrayEquals(new double[] {0.1939271241426468, -1.6934380531311035}, result.w().toDoubleArray(), 1e-3);
        assertEquals(0.48880359530448914, result.b().item(), 1e-3);
        assertTrue(Files.exists(result.lossChart()));
    }

    @Test
    void affineSumGradientIsTwo() {
        var g = GradientBasicsGrad.affineSumGrad(Tensor.of(2f, 3f));
        assertEquals(12.0, g.value().item(), 1e-6); // (2·2 + 1) + (2·3 + 1)
        assertArrayEquals(new double[] {2, 2}, g.x().toDoubleArray(), 1e-6);
    }

    @Test
    void softmaxWithTemperatureMatchesClosedForm() {
        double[] logits = {1, 2, 3};
        double t = 0.6;
        double norm = 0;
        for (double l : logits) {
            norm += Math.exp(l / t);
        }
        Tensor s = GradientBasicsGrad.softmaxT(Tensor.of(logits), t);
        for (int i = 0; i < 3; i++) {
            assertEquals(Math.exp(logits[i] / t) / norm, s.toDoubleArray()[i], 1e-12);
        }
        // VJP with v = e0: d s0/d x_j / ... = s0 (δ0j − s_j) / t; PyTorch gives the same
        // (examples_reference.py: [0.04713940892402007, -0.007488995700374494, -0.03965041322364557]).
        Tensor vjp = GradientBasicsGrad.softmaxTVjp(Tensor.of(logits), t).backward(Tensor.of(1.0, 0.0, 0.0)).x();
        assertArrayEquals(new double[] {0.04713940892402007, -0.007488995700374494, -0.03965041322364557},
                vjp.toDoubleArray(), 1e-12);
    }

    @Test
    void chainRuleAndPerSampleSgd() {
        var g = ChainRuleGrad.eGrad(2.0, 1.0);
        assertEquals(6.0, g.value(), 0);
        assertEquals(1 + 1, g.a(), 0);          // b + 1
        assertEquals(2 + 2 * 1 + 1, g.b(), 0);  // a + 2b + 1
        // Each sample's step multiplies (w − 2) by (1 − 2·lr·x²): closed form after 20 epochs.
        double w = ChainRule.trainPerSample(new double[] {1, 2, 3}, new double[] {2, 4, 6}, 20, 0.01);
        double perEpoch = (1 - 0.02 * 1) * (1 - 0.02 * 4) * (1 - 0.02 * 9);
        assertEquals(2 - Math.pow(perEpoch, 20), w, 1e-12);
        assertEquals(8.0, 4 * w, 1e-2);
    }

    @Test
    void linearLayerFollowsHandWrittenGradientDescent() {
        var r = LinearLayerTraining.train(1000, 0.01, 0);
        // The same 1000 steps in float64 by hand, from the same initial parameters.
        var init = new LinearLayer(new Random(0));
        double w = init.linear.weight.item();
        double b = init.linear.bias.item();
        double[] xs = {1, 2, 3};
        double[] ys = {2, 4, 6};
        for (int epoch = 0; epoch < 1000; epoch++) {
            double gw = 0;
            double gb = 0;
            for (int i = 0; i < 3; i++) {
                double err = w * xs[i] + b - ys[i];
                gw += 2 * err * xs[i];
                gb += 2 * err;
            }
            w -= 0.01 * gw;
            b -= 0.01 * gb;
        }
        assertEquals(w, r.w(), 1e-3);
        assertEquals(b, r.b(), 1e-3);
        assertEquals(8.0, r.predictAt4(), 0.05);
        assertTrue(r.losses()[999] < r.losses()[0] / 100, "summed loss falls");
        assertTrue(Files.exists(r.lossChart()));
    }

    @Test
    void mlpLossFalls() {
        var r = DiabetesTraining.train(1000, 0.5, 0);
        assertTrue(r.losses()[0] > 0.6, "starts near ln 2: " + r.losses()[0]);
        assertTrue(r.losses()[999] < 0.3, "falls: " + r.losses()[999]);
        for (int i = 100; i < 1000; i += 100) {
            assertTrue(r.losses()[i] <= r.losses()[i - 100] + 1e-6, "monotone by hundreds at " + i);
        }
        assertTrue(r.accuracy() > 0.85, "accuracy " + r.accuracy());
    }

    @Test
    void linearRegressionDemoFindsTheLine() throws Exception {
        var fit = LinearRegression.train(2000, 0.01, 0);
        assertEquals(3.0, fit.w(), 0.05);
        assertEquals(0.8, fit.b(), 0.05);
        assertTrue(Files.size(fit.lossChart()) > 1000);
        assertTrue(Files.size(fit.fitChart()) > 1000);
    }
}
