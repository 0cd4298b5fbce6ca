package dev.fluxion.examples;

import static dev.fluxion.F.crossEntropy;
import static dev.fluxion.F.relu;

import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.nn.Linear;
import dev.fluxion.nn.Module;
import java.util.Random;

/** A 784-256-10 multilayer perceptron with ReLU for handwritten digits. */
public final class MnistMlp extends Module {
    final Linear hidden;
    final Linear output;

    public MnistMlp(Random rng) {
        hidden = new Linear(784, 256, rng);
        output = new Linear(256, 10, rng);
    }

    /** Class scores (logits) for a batch of flattened 28×28 images. */
    @Differentiable
    Tensor forward(@NoGrad Tensor images) {
        return output.forward(relu(hidden.forward(images)));
    }

    /** Mean cross-entropy against the digits {@code labels}. */
    @Differentiable
    Tensor loss(@NoGrad Tensor images, @NoGrad Tensor labels) {
        return crossEntropy(forward(images), labels);
    }
}
