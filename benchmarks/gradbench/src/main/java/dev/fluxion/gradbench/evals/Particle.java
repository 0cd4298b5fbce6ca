package dev.fluxion.gradbench.evals;

import dev.fluxion.annotation.Differentiable;
import dev.fluxion.gradbench.EvalFunction;
import dev.fluxion.gradbench.EvalModule;
import java.util.Map;

/**
 * GradBench's {@code particle} (from Siskind and Pearlmutter's "Nesting forward-mode AD in a
 * functional framework"): a particle starts at (0, 8) with velocity (0.75, 0) and is pulled by two
 * charges, one of which moves with the control {@code w}; the Euler integration's acceleration is
 * the gradient of the potential (nested differentiation: {@code ParticleGrad.potentialGrad(...).p()}
 * inside the differentiable {@code naiveEuler}), and the optimal {@code w} puts the particle's
 * landing point at x = 0, found by gradient descent on {@code naiveEuler}'s own gradient.
 * <p>
 * GradBench asks for four variants ({@code rr}, {@code rf}, {@code fr}, {@code ff}: the outer and
 * inner derivatives by reverse or forward mode). Fluxion answers each with reverse over reverse:
 * a method that calls generated gradient code has no forward mode ({@code fJvp}) yet.
 */
public final class Particle {
    private Particle() {}

    /** The potential at {@code p} of unit charges at (charges[2i], charges[2i + 1]): Σ 1 / ‖c_i − p‖. */
    @Differentiable
    static double potential(double[] charges, double[] p) {
        double a = 0;
        for (int i = 0; i + 1 < charges.length; i += 2) {
            double dx = charges[i] - p[0];
            double dy = charges[i + 1] - p[1];
            a += 1 / Math.sqrt(dx * dx + dy * dy);
        }
        return a;
    }

    /**
     * The square of the x where the particle lands (y = 0), by Euler steps of 0.1 with the
     * acceleration −∇ₚ potential; the last step is cut at the ground.
     */
    @Differentiable
    static double naiveEuler(double w) {
        double[] charges = {10, 10 - w, 10, 0};
        double dt = 0.1;
        double x = 0;
        double y = 8;
        double xdot = 0.75;
        double ydot = 0;
        while (y + dt * ydot > 0) {
            double[] p = {x, y};
            double[] force = ParticleGrad.potentialGrad(charges, p).p();
            x += dt * xdot;
            y += dt * ydot;
            xdot -= dt * force[0];
            ydot -= dt * force[1];
        }
        double tf = -y / ydot;
        double xf = x + tf * xdot;
        return xf * xf;
    }

    /** The control that lands the particle at x = 0, by GradBench's gradient descent from {@code w0}. */
    static double optimalControl(double w0) {
        return GradientDescent.argmin(w -> ParticleGrad.naiveEuler(w[0]),
                w -> new double[] {ParticleGrad.naiveEulerGrad(w[0]).w()}, new double[] {w0})[0];
    }

    static EvalModule module() {
        EvalFunction<Double, Double> solve = EvalFunction.of(in -> in.get("w").asDouble(), Particle::optimalControl);
        return new EvalModule("particle", Map.of("rr", solve, "rf", solve, "fr", solve, "ff", solve));
    }
}
