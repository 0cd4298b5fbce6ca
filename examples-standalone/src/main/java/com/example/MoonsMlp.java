package com.example;

import static dev.fluxion.F.crossEntropy;
import static dev.fluxion.F.tanh;

import dev.fluxion.DType;
import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.nn.Linear;
import dev.fluxion.nn.Module;
import java.util.Random;

/** A 2-16-16-2 tanh MLP that classifies the two moons. */
public final class MoonsMlp extends Module {
    final Linear fc1;
    final Linear fc2;
    final Linear fc3;

    /** Weights drawn with PyTorch's default initialisation from {@code seed}. */
    public MoonsMlp(long seed) {
        Random rng = new Random(seed);
        fc1 = new Linear(2, 16, true, DType.FLOAT32, rng);
        fc2 = new Linear(16, 16, true, DType.FLOAT32, rng);
        fc3 = new Linear(16, 2, true, DType.FLOAT32, rng);
    }

    /** Class scores [n, 2] of the points x [n, 2]. */
    @Differentiable
    Tensor logits(@NoGrad Tensor x) {
        return fc3.forward(tanh(fc2.forward(tanh(fc1.forward(x)))));
    }

    /** Mean cross-entropy of the points x against their classes y [n]. */
    @Differentiable
    Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
        return crossEntropy(logits(x), y);
    }
}
