package dev.fluxion.examples;

import static dev.fluxion.F.mse;

import dev.fluxion.Reduction;
import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.nn.Linear;
import dev.fluxion.nn.Module;
import java.util.Random;

/** Tutorial 4: {@code nn.Linear(1, 1)} trained with a summed squared error. */
public final class LinearLayer extends Module {
    final Linear linear;

    public LinearLayer(Random rng) {
        linear = new Linear(1, 1, rng);
    }

    @Differentiable
    Tensor forward(@NoGrad Tensor x) {
        return linear.forward(x);
    }

    @Differentiable
    Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
        return mse(forward(x), y, Reduction.SUM);
    }
}
