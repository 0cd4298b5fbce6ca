package dev.fluxion.optim;

import static dev.fluxion.optim.TorchReference.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fluxion.DType;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every optimizer against the trajectories torch.optim produces for the same inputs ({@link TorchReference}). */
class TorchParityTest {
    private static final double TOL64 = 1e-13;

    @Test
    void sgdPlain() {
        check(ps -> new SGD(ps, 0.1), SGD_PLAIN_A, SGD_PLAIN_B);
    }

    @Test
    void sgdMomentumDampeningWeightDecay() {
        check(ps -> new SGD(ps, 0.1, new SGD.Options(0.9, 0.1, 0.01, false)), SGD_MOMENTUM_A, SGD_MOMENTUM_B);
    }

    @Test
    void sgdNesterov() {
        check(ps -> new SGD(ps, 0.05, SGD.Options.DEFAULTS.withMomentum(0.8).withWeightDecay(0.02).withNesterov(true)),
                SGD_NESTEROV_A, SGD_NESTEROV_B);
    }

    @Test
    void adamDefaults() {
        check(ps -> new Adam(ps, 0.01), ADAM_A, ADAM_B);
    }

    @Test
    void adamWeightDecayAmsgrad() {
        check(ps -> new Adam(ps, 0.02, 0.8, 0.95, 1e-6, 0.1, true), ADAM_WD_AMSGRAD_A, ADAM_WD_AMSGRAD_B);
    }

    @Test
    void adamWDefaults() {
        check(ps -> new AdamW(ps, 0.01), ADAMW_A, ADAMW_B);
    }

    @Test
    void adamWAmsgrad() {
        check(ps -> new AdamW(ps, 0.05, 0.85, 0.99, 1e-7, 0.3, true), ADAMW_AMSGRAD_A, ADAMW_AMSGRAD_B);
    }

    @Test
    void float32ParametersFollowTheFloat64TrajectoryToSinglePrecision() {
        Parameter a = Parameter.of(Tensor.of(toFloats(A0)));
        Parameter b = Parameter.of(Tensor.fromArray(toFloats(flatten(B0)), 2, 2));
        // float32 grads and state; expectations are the float64 torch numbers, so allow float32 rounding.
        Optimizer opt = new Adam(List.of(a, b), 0.02, 0.8, 0.95, 1e-6, 0.1, true);
        for (int k = 0; k < 3; k++) {
            opt.zeroGrad();
            a.accumulateGrad(Tensor.of(toFloats(GRAD_A[k])));
            b.accumulateGrad(Tensor.fromArray(toFloats(flatten(GRAD_B[k])), 2, 2));
            opt.step();
            assertEquals(DType.FLOAT32, a.dtype());
            assertArrayEquals(ADAM_WD_AMSGRAD_A[k], a.toDoubleArray(), 2e-6, "A after step " + (k + 1));
            assertArrayEquals(ADAM_WD_AMSGRAD_B[k], b.toDoubleArray(), 2e-6, "B after step " + (k + 1));
        }
    }

    /** Runs three steps from A0/B0 with the reference gradients and compares after each. */
    private static void check(Function<List<Parameter>, Optimizer> make, double[][] expectedA, double[][] expectedB) {
        Parameter a = Parameter.of(Tensor.of(A0.clone()));
        Parameter b = Parameter.of(Tensor.fromArray(flatten(B0), 2, 2));
        Optimizer opt = make.apply(List.of(a, b));
        for (int k = 0; k < 3; k++) {
            // zeroGrad then accumulate: sets the gradient, as assigning p.grad does in the script.
            opt.zeroGrad();
            a.accumulateGrad(Tensor.of(GRAD_A[k].clone()));
            b.accumulateGrad(Tensor.fromArray(flatten(GRAD_B[k]), 2, 2));
            opt.step();
            assertArrayEquals(expectedA[k], a.toDoubleArray(), TOL64, "A after step " + (k + 1));
            assertArrayEquals(expectedB[k], b.toDoubleArray(), TOL64, "B after step " + (k + 1));
            assertArrayEquals(new int[] {2, 2}, b.shape());
        }
    }

    static double[] flatten(double[][] m) {
        double[] out = new double[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * m[0].length, m[0].length);
        }
        return out;
    }

    static float[] toFloats(double[] xs) {
        float[] out = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            out[i] = (float) xs[i];
        }
        return out;
    }
}
