package dev.fluxion.examples;

import static dev.fluxion.F.bce;
import static dev.fluxion.F.sigmoid;

import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.nn.Linear;
import dev.fluxion.nn.Module;
import java.util.Random;

/** Tutorial 4: the 8-6-4-1 multilayer perceptron with sigmoids and binary cross-entropy. */
public final class DiabetesMlp extends Module {
    final Linear l1;
    final Linear l2;
    final Linear l3;

    public DiabetesMlp(Random rng) {
        l1 = new Linear(8, 6, rng);
        l2 = new Linear(6, 4, rng);
        l3 = new Linear(4, 1, rng);
    }

    /** The predicted probability of the positive class, one row per sample. */
    @Differentiable
    Tensor forward(@NoGrad Tensor x) {
        Tensor h1 = sigmoid(l1.forward(x));
        Tensor h2 = sigmoid(l2.forward(h1));
        return sigmoid(l3.forward(h2));
    }

    /** Mean binary cross-entropy of the prediction against labels {@code y} in {0, 1}. */
    @Differentiable
    Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
        return bce(forward(x), y);
    }
}
