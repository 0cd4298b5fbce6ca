package dev.fluxion.bench.training;

import static dev.fluxion.F.bce;
import static dev.fluxion.F.sigmoid;

import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.nn.Linear;
import dev.fluxion.nn.Module;
import java.util.Random;

/** W3 compiled with -Afluxion.fuse=false (benchmarks/pom.xml), to time beside the fused W3: the 8-6-4-1 perceptron with sigmoids and binary cross-entropy. */
final class W3MlpUnfused extends Module {
    final Linear l1;
    final Linear l2;
    final Linear l3;

    W3MlpUnfused(Random rng) {
        l1 = new Linear(8, 6, rng);
        l2 = new Linear(6, 4, rng);
        l3 = new Linear(4, 1, rng);
    }

    /** Mean binary cross-entropy of the predicted probability against labels {@code y}. */
    @Differentiable
    Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
        Tensor h1 = sigmoid(l1.forward(x));
        Tensor h2 = sigmoid(l2.forward(h1));
        return bce(sigmoid(l3.forward(h2)), y);
    }
}
