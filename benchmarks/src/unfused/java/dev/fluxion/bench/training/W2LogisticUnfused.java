package dev.fluxion.bench.training;

import static dev.fluxion.F.bce;
import static dev.fluxion.F.sigmoid;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.nn.Module;
import java.util.Random;

/** W2 compiled with -Afluxion.fuse=false (benchmarks/pom.xml), to time beside the fused W2: logistic regression {@code p = σ(x·w + b)} with binary cross-entropy. */
final class W2LogisticUnfused extends Module {
    final Parameter w;
    final Parameter b = param(Tensor.zeros(1));

    W2LogisticUnfused(Random rng) {
        w = param(Tensor.randn(rng, 2, 1));
    }

    /** Mean binary cross-entropy of {@code σ(x·w + b)} against labels {@code y}. */
    @Differentiable
    Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
        return bce(sigmoid(x.matmul(w).plus(b)), y);
    }
}
