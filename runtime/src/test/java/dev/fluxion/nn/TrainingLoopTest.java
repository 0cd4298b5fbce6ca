package dev.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fluxion.DType;
import dev.fluxion.Tensor;
import dev.fluxion.optim.Adam;
import dev.fluxion.optim.Optimizer;
import dev.fluxion.optim.SGD;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch workflow end to end with hand-written gradients: zeroGrad, accumulate the gradient of
 * the mean squared error into a Linear layer's parameters, step. The exact least-squares answer of
 * noiseless data {@code y = 3x + 0.8} is {@code w = 3, b = 0.8}.
 */
class TrainingLoopTest {
    @Test
    void sgdWithMomentumFitsALine() {
        assertFits(layer -> new SGD(layer.parameters(), 0.3, SGD.Options.DEFAULTS.withMomentum(0.9)), 400);
    }

    @Test
    void adamFitsALine() {
        assertFits(layer -> new Adam(layer.parameters(), 0.05), 2000);
    }

    private static void assertFits(Function<Linear, Optimizer> makeOptimizer, int steps) {
        int n = 20;
        double[] xs = new double[n], ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = i / (double) (n - 1);
            ys[i] = 3 * xs[i] + 0.8;
        }
        Tensor x = Tensor.fromArray(xs, n, 1);
        Tensor y = Tensor.fromArray(ys, n, 1);
        Linear layer = new Linear(1, 1, true, DType.FLOAT64, new Random(0));
        Optimizer opt = makeOptimizer.apply(layer);
        for (int step = 0; step < steps; step++) {
            opt.zeroGrad();
            // L = mean((x·Wᵀ + b − y)²): ∂L/∂W = (2/n)·rᵀ·x, ∂L/∂b = (2/n)·Σ r, with r the residual.
            Tensor r = layer.forward(x).minus(y);
            layer.weight.accumulateGrad(r.t().matmul(x).times(2.0 / n));
            layer.bias.accumulateGrad(r.sum(0).times(2.0 / n));
            opt.step();
        }
        assertEquals(3.0, layer.weight.item(), 1e-4);
        assertEquals(0.8, layer.bias.item(), 1e-4);
    }
}
