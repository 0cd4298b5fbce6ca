package dev.fluxion.bench.training;

import static dev.fluxion.F.crossEntropy;
import static dev.fluxion.F.relu;

import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.nn.Linear;
import dev.fluxion.nn.Module;
import java.util.Random;

/** W4: the 784-256-10 perceptron with ReLU and cross-entropy. */
final class W4Mlp extends Module {
    final Linear hidden;
    final Linear output;

    W4Mlp(Random rng) {
        hidden = new Linear(784, 256, rng);
        output = new Linear(256, 10, rng);
    }

    /** Mean cross-entropy of the logits against the class indices {@code labels}. */
    @Differentiable
    Tensor loss(@NoGrad Tensor images, @NoGrad Tensor labels) {
        return crossEntropy(output.forward(relu(hidden.forward(images))), labels);
    }
}
