package dev.fluxion.examples;

import static dev.fluxion.F.mse;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.nn.Module;

/** {@code y = x·w + b} with a mean-squared-error loss: the model of the linear-regression demo. */
public final class LineModel extends Module {
    final Parameter w = param(Tensor.zeros(1, 1));
    final Parameter b = param(Tensor.zeros(1));

    /** The prediction for inputs {@code x} of shape [n, 1]. */
    @Differentiable
    Tensor forward(@NoGrad Tensor x) {
        return x.matmul(w).plus(b);
    }

    /** The mean squared error of the prediction against {@code y}. */
    @Differentiable
    Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
        return mse(forward(x), y);
    }
}
