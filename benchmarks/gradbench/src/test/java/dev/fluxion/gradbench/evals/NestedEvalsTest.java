package dev.fluxion.gradbench.evals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@code particle} and {@code saddle}, whose objectives read generated gradients (nested
 * differentiation): their outer gradients against float64 central differences of the methods as
 * written, and the answers to GradBench's one input against the values its evals expect.
 */
class NestedEvalsTest {
    @Test
    void particleGradientThroughTheForceMatchesCentralDifferences() {
        for (double w : new double[] {0.0, 0.3, -0.25}) {
            double[] numeric = CentralDifferences.gradient(v -> Particle.naiveEuler(v[0]), new double[] {w});
            CentralDifferences.assertClose("d naiveEuler/dw at " + w, numeric,
                    new double[] {ParticleGrad.naiveEulerGrad(w).w()});
        }
    }

    @Test
    void particleOptimalControlIsGradBenchsExpectedValue() {
        // python/gradbench/gradbench/evals/particle/run.py: w = 0 → 0.2071918746486116
        assertEquals(0.2071918746486116, Particle.optimalControl(0.0), 1e-12);
    }

    @Test
    void saddleInnerMaximumGradientMatchesCentralDifferences() {
        double[][] points = {{1.0, 1.0}, {0.4, -0.3}, {-2.0, 0.5}};
        for (double[] p : points) {
            double[] numeric = CentralDifferences.gradient(v -> Saddle.innerMax(v[0], v[1], 1, 1), p.clone());
            SaddleGrad.InnerMaxGradient g = SaddleGrad.innerMaxGrad(p[0], p[1], 1, 1);
            CentralDifferences.assertClose("d innerMax/dp1", numeric, new double[] {g.x1(), g.y1()});
        }
    }

    @Test
    void saddlePointIsGradBenchsExpectedValue() {
        // python/gradbench/gradbench/evals/saddle/run.py: start (1, 1) → 8.246324826140356e-06 four times
        double e = 8.246324826140356e-06;
        assertArrayEquals(new double[] {e, e, e, e}, Saddle.saddle(new double[] {1.0, 1.0}), 1e-15);
    }
}
