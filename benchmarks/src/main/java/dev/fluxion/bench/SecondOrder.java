package dev.fluxion.bench;

import static dev.fluxion.F.bce;
import static dev.fluxion.F.linear;
import static dev.fluxion.F.sigmoid;

import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;

/** The methods of {@link SecondOrderBenchmark}: the W3 loss as a function of its parameters, and a robot arm. */
final class SecondOrder {
    private SecondOrder() {}

    /** W3 (8-6-4-1, sigmoids, binary cross-entropy), differentiated in its six parameters. */
    @Differentiable
    static Tensor w3Loss(Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor w3, Tensor b3,
                         @NoGrad Tensor x, @NoGrad Tensor y) {
        Tensor h1 = sigmoid(linear(x, w1, b1));
        Tensor h2 = sigmoid(linear(h1, w2, b2));
        return bce(sigmoid(linear(h2, w3, b3)), y);
    }

    /**
     * Forward kinematics of a planar six-link arm (link k of length 1 − 0.1k, joint angles
     * {@code q} relative to the previous link), written as plain Java: the positions of joints 2, 4
     * and 6, {@code (x2, y2, x4, y4, x6, y6)}.
     */
    @Differentiable
    static double[] arm(double[] q) {
        double[] pose = new double[6];
        double t = 0;
        double x = 0;
        double y = 0;
        for (int k = 0; k < 6; k++) {
            double length = 1 - 0.1 * k;
            t += q[k];
            x += length * Math.cos(t);
            y += length * Math.sin(t);
            if (k % 2 == 1) {
                pose[k - 1] = x;
                pose[k] = y;
            }
        }
        return pose;
    }

    /**
     * The arm's Jacobian by hand, as a robotics library writes it: the cumulative angles' sines and
     * cosines once, then ∂x_j/∂q_i = −Σ_{i ≤ k ≤ j} l_k sin θ_k and ∂y_j/∂q_i = Σ_{i ≤ k ≤ j} l_k cos θ_k
     * from suffix sums. Returns the 6 × 6 Jacobian row-major (rows x2, y2, x4, y4, x6, y6).
     */
    static double[] handArmJacobian(double[] q) {
        double[] ls = new double[6];
        double[] lc = new double[6];
        double t = 0;
        for (int k = 0; k < 6; k++) {
            t += q[k];
            ls[k] = (1 - 0.1 * k) * Math.sin(t);
            lc[k] = (1 - 0.1 * k) * Math.cos(t);
        }
        double[] j = new double[36];
        int[] ends = {1, 3, 5};
        for (int r = 0; r < 3; r++) {
            int end = ends[r];
            double sx = 0;
            double sy = 0;
            for (int i = end; i >= 0; i--) {
                sx -= ls[i];
                sy += lc[i];
                j[(2 * r) * 6 + i] = sx;
                j[(2 * r + 1) * 6 + i] = sy;
            }
        }
        return j;
    }
}
