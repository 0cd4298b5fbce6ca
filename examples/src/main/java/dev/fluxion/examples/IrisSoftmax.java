package dev.fluxion.examples;

import static dev.fluxion.F.crossEntropy;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.nn.Module;

/** Softmax regression: class scores {@code x·W + b} and the cross-entropy of their softmax. */
public final class IrisSoftmax extends Module {
    final Parameter w = param(Tensor.zeros(4, 3));
    final Parameter b = param(Tensor.zeros(3));

    /** Class scores (logits), one row per flower. */
    @Differentiable
    Tensor forward(@NoGrad Tensor x) {
        return x.matmul(w).plus(b);
    }

    /** Mean cross-entropy against class indices {@code labels}. */
    @Differentiable
    Tensor loss(@NoGrad Tensor x, @NoGrad Tensor labels) {
        return crossEntropy(forward(x), labels);
    }
}
