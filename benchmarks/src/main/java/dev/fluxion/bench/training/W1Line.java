package dev.fluxion.bench.training;

import static dev.fluxion.F.mse;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.nn.Module;
import java.util.Random;

/** W1: {@code y = x·w + b} with a mean-squared-error loss ({@code w ~ N(0, 1)}, {@code b = 0}). */
final class W1Line extends Module {
    final Parameter w;
    final Parameter b = param(Tensor.zeros(1));

    W1Line(Random rng) {
        w = param(Tensor.randn(rng, 1, 1));
    }

    /** Mean squared error of {@code x·w + b} against {@code y}. */
    @Differentiable
    Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
        return mse(x.matmul(w).plus(b), y);
    }
}
