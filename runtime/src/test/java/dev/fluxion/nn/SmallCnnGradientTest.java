package dev.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.ConvDerivatives;
import dev.fluxion.DType;
import dev.fluxion.Derivatives;
import dev.fluxion.F;
import dev.fluxion.Parameter;
import dev.fluxion.Reduction;
import dev.fluxion.Tensor;
import dev.fluxion.optim.Adam;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The layer rules compose: conv → relu → pool → conv → relu → pool → linear → cross-entropy,
 * backpropagated by hand through the public rules, agrees with float64 central differences on
 * every parameter, and a few Adam steps on it lower the loss.
 */
class SmallCnnGradientTest {
    static final class Cnn extends Module {
        final Conv2d conv1;
        final Conv2d conv2;
        final Linear fc;

        Cnn(Random rng) {
            conv1 = new Conv2d(1, 3, 3, 1, 1, true, DType.FLOAT64, rng);
            conv2 = new Conv2d(3, 4, 3, 1, 1, true, DType.FLOAT64, rng);
            fc = new Linear(4 * 2 * 2, 3, true, DType.FLOAT64, rng);
        }

        Tensor loss(Tensor x, Tensor y) {
            Tensor h = F.maxPool2d(conv1.forward(x).relu(), 2, 2);
            h = F.maxPool2d(conv2.forward(h).relu(), 2, 2);
            return F.crossEntropy(fc.forward(h.reshape(x.size(0), -1)), y);
        }

        /** The backward pass, written as generated code would call the rules. */
        Tensor lossBackward(Tensor x, Tensor y) {
            Tensor c1 = conv1.forward(x), r1 = c1.relu(), p1 = F.maxPool2d(r1, 2, 2);
            Tensor c2 = conv2.forward(p1), r2 = c2.relu(), p2 = F.maxPool2d(r2, 2, 2);
            Tensor flat = p2.reshape(x.size(0), -1);
            Tensor logits = fc.forward(flat);
            Tensor loss = F.crossEntropy(logits, y);

            Tensor gLogits = Derivatives.crossEntropyGrad(Tensor.scalar(1), logits, y, Reduction.MEAN);
            fc.weight.accumulateGrad(gLogits.t().matmul(flat));
            fc.bias.accumulateGrad(gLogits.sum(0));
            Tensor gP2 = Derivatives.reshapeGrad(gLogits.matmul(fc.weight), p2);
            Tensor gC2 = Derivatives.reluGrad(ConvDerivatives.maxPool2dGrad(gP2, r2, 2, 2), c2, r2);
            conv2.weight.accumulateGrad(ConvDerivatives.conv2dGradWeight(gC2, p1, conv2.weight, 1, 1));
            conv2.bias.accumulateGrad(ConvDerivatives.conv2dGradBias(gC2, conv2.bias));
            Tensor gP1 = ConvDerivatives.conv2dGradInput(gC2, p1, conv2.weight, 1, 1);
            Tensor gC1 = Derivatives.reluGrad(ConvDerivatives.maxPool2dGrad(gP1, r1, 2, 2), c1, r1);
            conv1.weight.accumulateGrad(ConvDerivatives.conv2dGradWeight(gC1, x, conv1.weight, 1, 1));
            conv1.bias.accumulateGrad(ConvDerivatives.conv2dGradBias(gC1, conv1.bias));
            return loss;
        }
    }

    private static Tensor images(Random rng) {
        return Tensor.randn(rng, DType.FLOAT64, 5, 1, 8, 8);
    }

    @Test
    void everyParameterGradientMatchesCentralDifferences() {
        Cnn cnn = new Cnn(new Random(1));
        Random data = new Random(2);
        Tensor x = images(data);
        Tensor y = Tensor.of(0.0, 2.0, 1.0, 1.0, 0.0);
        cnn.lossBackward(x, y);
        for (Map.Entry<String, Parameter> e : cnn.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            double[] analytic = p.grad().toDoubleArray();
            double[] values = p.toDoubleArray();
            for (int i = 0; i < values.length; i++) {
                double h = 1e-6;
                Tensor original = p.copy();
                values[i] += h;
                p.copyInPlace(Tensor.fromArray(values, p.shape()));
                double up = cnn.loss(x, y).item();
                values[i] -= 2 * h;
                p.copyInPlace(Tensor.fromArray(values, p.shape()));
                double down = cnn.loss(x, y).item();
                values[i] += h;
                p.copyInPlace(original);
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, analytic[i], 1e-6 + 1e-4 * Math.abs(numeric), e.getKey() + "[" + i + "]");
            }
        }
    }

    @Test
    void adamStepsLowerTheLoss() {
        Cnn cnn = new Cnn(new Random(3));
        Tensor x = images(new Random(4));
        Tensor y = Tensor.of(0.0, 2.0, 1.0, 1.0, 0.0);
        Adam adam = new Adam(cnn.parameters(), 0.01);
        double first = cnn.loss(x, y).item();
        for (int step = 0; step < 50; step++) {
            adam.zeroGrad();
            cnn.lossBackward(x, y);
            adam.step();
        }
        double last = cnn.loss(x, y).item();
        assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
    }
}
