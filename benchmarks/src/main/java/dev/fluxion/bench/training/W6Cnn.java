package dev.fluxion.bench.training;

import static dev.fluxion.F.crossEntropy;

import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.nn.Conv2d;
import dev.fluxion.nn.Dropout;
import dev.fluxion.nn.Flatten;
import dev.fluxion.nn.Linear;
import dev.fluxion.nn.MaxPool2d;
import dev.fluxion.nn.Module;
import dev.fluxion.nn.ReLU;
import java.util.Random;

/**
 * W6: the examples' MNIST CNN, conv 5×5 (1→16) · ReLU · pool 2 · conv 5×5 (16→32) · ReLU · pool 2
 * · dropout 0.3 · linear (512→128) · ReLU · dropout 0.3 · linear (128→10), cross-entropy, in
 * training mode; {@code benchmarks/torch_cnn.py} is the same network in PyTorch.
 */
final class W6Cnn extends Module {
    final Conv2d conv1;
    final Conv2d conv2;
    final MaxPool2d pool = new MaxPool2d(2);
    final ReLU relu = new ReLU();
    final Flatten flatten = new Flatten();
    final Dropout dropout = new Dropout(0.3, new Random(0));
    final Linear hidden;
    final Linear fc;

    W6Cnn(Random rng) {
        conv1 = new Conv2d(1, 16, 5, rng);
        conv2 = new Conv2d(16, 32, 5, rng);
        hidden = new Linear(32 * 4 * 4, 128, rng);
        fc = new Linear(128, 10, rng);
    }

    /** Mean cross-entropy of the logits against the class indices {@code labels}. */
    @Differentiable
    Tensor loss(@NoGrad Tensor images, @NoGrad Tensor labels) {
        Tensor h = pool.forward(relu.forward(conv1.forward(images)));
        h = pool.forward(relu.forward(conv2.forward(h)));
        h = relu.forward(hidden.forward(dropout.forward(flatten.forward(h))));
        return crossEntropy(fc.forward(dropout.forward(h)), labels);
    }
}
