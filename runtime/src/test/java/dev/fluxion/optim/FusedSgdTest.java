package dev.fluxion.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fluxion.DType;
import dev.fluxion.FusedUpdates;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The one-pass SGD kernel (weight decay, momentum, dampening, Nesterov) against the unfused
 * tensor-op path it replaces: a contiguous parameter takes the fused kernel, the same values
 * behind a transposed view take the general path, and both must agree bit for bit after several
 * steps; and the closed form of the first two momentum steps, in double.
 */
class FusedSgdTest {
    private static final int ROWS = 37;
    private static final int COLS = 11;

    /** A contiguous parameter and a transposed-view parameter holding the same [ROWS, COLS] values. */
    private static Parameter[] twins(DType dtype, long seed) {
        Tensor values = Tensor.randn(new Random(seed), dtype, ROWS, COLS);
        Parameter contiguous = Parameter.of(values.copy());
        Parameter strided = Parameter.of(values.t().contiguous().t()); // strides [1, ROWS]
        return new Parameter[] {contiguous, strided};
    }

    private static void train(DType dtype, Function<List<Parameter>, Optimizer> make) {
        Parameter[] p = twins(dtype, 1);
        Optimizer fused = make.apply(List.of(p[0]));
        Optimizer general = make.apply(List.of(p[1]));
        Random rng = new Random(2);
        for (int step = 0; step < 6; step++) {
            Tensor g = Tensor.randn(rng, dtype, ROWS, COLS);
            for (int i = 0; i < 2; i++) {
                p[i].zeroGrad();
                p[i].accumulateGrad(g);
            }
            fused.step();
            general.step();
        }
        assertEquals(false, p[1].isContiguous(), "the twin must take the general path");
        if (dtype == DType.FLOAT32) {
            assertArrayEquals(p[1].toFloatArray(), p[0].toFloatArray());
        } else {
            assertArrayEquals(p[1].toDoubleArray(), p[0].toDoubleArray());
        }
    }

    private static void bothDtypes(Function<List<Parameter>, Optimizer> make) {
        train(DType.FLOAT32, make);
        train(DType.FLOAT64, make);
    }

    @Test
    void fusedSgdWithWeightDecayOnlyMatchesTheTensorOps() {
        bothDtypes(ps -> new SGD(ps, 0.05, SGD.Options.DEFAULTS.withWeightDecay(0.01)));
    }

    @Test
    void fusedSgdWithMomentumMatchesTheTensorOps() {
        bothDtypes(ps -> new SGD(ps, 0.05, 0.9));
    }

    @Test
    void fusedSgdWithMomentumDampeningAndWeightDecayMatchesTheTensorOps() {
        bothDtypes(ps -> new SGD(ps, 0.03, SGD.Options.DEFAULTS.withMomentum(0.8).withDampening(0.3)
                .withWeightDecay(0.02)));
    }

    @Test
    void fusedNesterovMatchesTheTensorOps() {
        bothDtypes(ps -> new SGD(ps, 0.02, SGD.Options.DEFAULTS.withMomentum(0.7).withNesterov(true)
                .withWeightDecay(0.1)));
    }

    @Test
    void twoMomentumStepsFollowTheClosedForm() {
        // p1 = p0 − lr·(g0 + λp0);  b1 = g0 + λp0;  b2 = μ·b1 + (1 − τ)(g1 + λp1);  p2 = p1 − lr·b2.
        double lr = 0.1, mu = 0.9, tau = 0.25, lambda = 0.5;
        double[] p0 = {1.0, -2.0, 0.5}, g0 = {0.3, 0.7, -1.1}, g1 = {-0.2, 0.4, 2.0};
        Parameter p = Parameter.of(Tensor.of(p0));
        SGD opt = new SGD(List.of(p), lr, SGD.Options.DEFAULTS.withMomentum(mu).withDampening(tau).withWeightDecay(lambda));
        p.accumulateGrad(Tensor.of(g0));
        opt.step();
        p.zeroGrad();
        p.accumulateGrad(Tensor.of(g1));
        opt.step();
        double[] got = p.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            double b1 = g0[i] + lambda * p0[i];
            double p1 = p0[i] - lr * b1;
            double b2 = mu * b1 + (1 - tau) * (g1[i] + lambda * p1);
            assertEquals(p1 - lr * b2, got[i], 1e-14);
        }
    }

    @Test
    void contiguousOperandsTakeTheFusedKernelAndViewsDoNot() {
        Parameter[] p = twins(DType.FLOAT32, 3);
        Tensor g = Tensor.zeros(ROWS, COLS);
        assertEquals(true, FusedUpdates.sgdStep(p[0], g, Tensor.zeros(ROWS, COLS), 0.1, 0, 0.9, 0, false, true));
        assertEquals(false, FusedUpdates.sgdStep(p[1], g, Tensor.zeros(ROWS, COLS), 0.1, 0, 0.9, 0, false, true));
        assertEquals(false, FusedUpdates.sgdStep(p[0], g, g, 0.1, 0, 0.9, 0, false, false),
                "a momentum buffer sharing the gradient's storage must take the general path");
    }
}
