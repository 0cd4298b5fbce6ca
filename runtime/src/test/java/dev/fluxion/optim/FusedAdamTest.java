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
 * The one-pass Adam/AdamW kernel against the unfused tensor-op path it replaces: a contiguous
 * parameter takes the fused kernel, the same values behind a transposed view take the general
 * path, and both must agree bit for bit after several steps.
 */
class FusedAdamTest {
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
        for (int step = 0; step < 5; step++) {
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

    @Test
    void fusedAdamMatchesTheTensorOpsBitForBitInFloat() {
        train(DType.FLOAT32, ps -> new Adam(ps, 0.01));
    }

    @Test
    void fusedAdamWithCoupledWeightDecayMatchesTheTensorOps() {
        train(DType.FLOAT32, ps -> new Adam(ps, 0.01, 0.8, 0.95, 1e-6, 0.1, false));
        train(DType.FLOAT64, ps -> new Adam(ps, 0.01, 0.8, 0.95, 1e-6, 0.1, false));
    }

    @Test
    void fusedAdamWMatchesTheTensorOpsBitForBit() {
        train(DType.FLOAT32, ps -> new AdamW(ps, 0.02, 0.9, 0.999, 1e-8, 0.05, false));
        train(DType.FLOAT64, ps -> new AdamW(ps, 0.02, 0.9, 0.999, 1e-8, 0.05, false));
    }

    @Test
    void contiguousOperandsTakeTheFusedKernelAndViewsDoNot() {
        Parameter[] p = twins(DType.FLOAT32, 3);
        Tensor g = Tensor.zeros(ROWS, COLS);
        assertEquals(true, FusedUpdates.adamStep(p[0], g, Tensor.zeros(ROWS, COLS), Tensor.zeros(ROWS, COLS),
                0.9, 0.999, 1e-8, 0, 1, 1, 0.1));
        assertEquals(false, FusedUpdates.adamStep(p[1], g, Tensor.zeros(ROWS, COLS), Tensor.zeros(ROWS, COLS),
                0.9, 0.999, 1e-8, 0, 1, 1, 0.1));
        Tensor shared = Tensor.zeros(ROWS, COLS);
        assertEquals(false, FusedUpdates.adamStep(p[0], g, shared, shared, 0.9, 0.999, 1e-8, 0, 1, 1, 0.1),
                "m and v in one storage must take the general path");
    }

    @Test
    void fusedAdamFirstStepIsMinusLrTimesTheSignOfTheGradient() {
        // With bias correction, step 1 is p − lr·g/(|g| + ε) exactly in exact arithmetic.
        Parameter p = Parameter.of(Tensor.of(1.0, -2.0, 3.0, 0.5));
        p.accumulateGrad(Tensor.of(4.0, -0.25, 1e-3, -9.0));
        new Adam(List.of(p), 0.1).step();
        double[] g = {4.0, -0.25, 1e-3, -9.0};
        double[] start = {1.0, -2.0, 3.0, 0.5};
        double[] got = p.toDoubleArray();
        for (int i = 0; i < 4; i++) {
            assertEquals(start[i] - 0.1 * g[i] / (Math.abs(g[i]) + 1e-8), got[i], 1e-15);
        }
    }
}
