package dev.fluxion.examples;

import static dev.fluxion.F.crossEntropy;

import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.annotation.Shape;
import dev.fluxion.nn.Conv2d;
import dev.fluxion.nn.Dropout;
import dev.fluxion.nn.Flatten;
import dev.fluxion.nn.Linear;
import dev.fluxion.nn.MaxPool2d;
import dev.fluxion.nn.Module;
import dev.fluxion.nn.ReLU;
import java.util.Random;

/**
 * A small convolutional network for handwritten digits, as one writes it in PyTorch:
 * conv 5×5 (1→16) · ReLU · max-pool 2 · conv 5×5 (16→32) · ReLU · max-pool 2 · dropout 0.3 ·
 * linear (512→128) · ReLU · dropout 0.3 · linear (128→10). Dropout draws its masks from a generator of its own, reseeded per epoch
 * ({@link #seedDropout}), so that a run resumed from a checkpoint draws the same masks.
 * The layers are the runtime's; {@code forward} is {@code @Differentiable}, so its backward pass
 * is generated at compile time ({@code MnistCnnGrad}).
 */
public final class MnistCnn extends Module {
    final Conv2d conv1;
    final Conv2d conv2;
    final MaxPool2d pool = new MaxPool2d(2);
    final ReLU relu = new ReLU();
    final Flatten flatten = new Flatten();
    private final Random dropoutRng = new Random(0);
    final Dropout dropout = new Dropout(0.3, dropoutRng);
    final Linear hidden;
    final Linear fc;

    /** Weights drawn with PyTorch's default initialisation from {@code rng}. */
    public MnistCnn(Random rng) {
        conv1 = new Conv2d(1, 16, 5, rng);
        conv2 = new Conv2d(16, 32, 5, rng);
        hidden = new Linear(32 * 4 * 4, 128, rng);
        fc = new Linear(128, 10, rng);
    }

    /**
     * Class scores (logits) {@code [n, 10]} for images {@code [n, 1, 28, 28]}. The {@code @Shape}
     * lets the build check this method's gradients (of every layer's parameters) at compile time.
     */
    @Differentiable
    Tensor forward(@NoGrad @Shape("n, 1, 28, 28") Tensor images) {
        Tensor h = pool.forward(relu.forward(conv1.forward(images))); // [n, 16, 12, 12]
        h = pool.forward(relu.forward(conv2.forward(h)));             // [n, 32, 4, 4]
        h = relu.forward(hidden.forward(dropout.forward(flatten.forward(h)))); // [n, 128]
        return fc.forward(dropout.forward(h));
    }

    /** Reseeds the generator of the dropout masks. */
    public void seedDropout(long seed) {
        dropoutRng.setSeed(seed);
    }

    /** Mean cross-entropy against the digits {@code labels}. */
    @Differentiable
    Tensor loss(@NoGrad @Shape("n, 1, 28, 28") Tensor images, @NoGrad @Shape("n") Tensor labels) {
        return crossEntropy(forward(images), labels);
    }
}
