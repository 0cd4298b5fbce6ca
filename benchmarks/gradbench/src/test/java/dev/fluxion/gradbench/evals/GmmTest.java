package dev.fluxion.gradbench.evals;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class GmmTest {
    /** GradBench's smallest gmm shape (d=2, k=5) with fewer points, as its generator draws them. */
    static Gmm.Input smallInput(int d, int k, int n) {
        Random r = new Random(31337);
        double[] x = new double[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        double[] alpha = new double[k];
        for (int i = 0; i < k; i++) {
            alpha[i] = r.nextGaussian();
        }
        double[] mu = new double[k * d];
        double[] q = new double[k * d];
        for (int i = 0; i < k * d; i++) {
            mu[i] = r.nextDouble();
            q[i] = r.nextGaussian();
        }
        double[] l = new double[k * d * (d - 1) / 2];
        for (int i = 0; i < l.length; i++) {
            l[i] = r.nextGaussian();
        }
        return new Gmm.Input(d, k, n, alpha, mu, q, l, x, 1.0, 0);
    }

    static double objective(Gmm.Input in, double[] alpha, double[] mu, double[] q, double[] l) {
        return Gmm.objective(in.d(), in.k(), in.n(), alpha, mu, q, l, in.x(), in.gamma(), in.m(),
                Gmm.wishartConstant(in.d(), in.gamma(), in.m()));
    }

    @Test
    void gradientMatchesCentralDifferences() {
        for (int d : new int[] {2, 3}) {
            Gmm.Input in = smallInput(d, 5, 7);
            GmmGrad.ObjectiveGradient g = Gmm.gradient(in);
            assertEquals(Gmm.objective(in), g.value(), 1e-9 * Math.abs(g.value()));
            CentralDifferences.assertClose("alpha", CentralDifferences.gradient(
                    a -> objective(in, a, in.mu(), in.q(), in.l()), in.alpha().clone()), g.alpha());
            CentralDifferences.assertClose("mu", CentralDifferences.gradient(
                    mu -> objective(in, in.alpha(), mu, in.q(), in.l()), in.mu().clone()), g.mu());
            CentralDifferences.assertClose("q", CentralDifferences.gradient(
                    q -> objective(in, in.alpha(), in.mu(), q, in.l()), in.q().clone()), g.q());
            CentralDifferences.assertClose("l", CentralDifferences.gradient(
                    l -> objective(in, in.alpha(), in.mu(), in.q(), l), in.l().clone()), g.l());
        }
    }

    @Test
    void naturalGmmWithScratchArraysMatchesTheStreamedOneAndCentralDifferences() {
        for (int d : new int[] {2, 4}) {
            Gmm.Input in = smallInput(d, 5, 7);
            GmmGrad.ObjectiveGradient streamed = Gmm.gradient(in);
            GmmNaturalGrad.ObjectiveGradient g = GmmNaturalGrad.objectiveGrad(in.d(), in.k(), in.n(), in.alpha(),
                    in.mu(), in.q(), in.l(), in.x(), in.gamma(), in.m());
            assertEquals(streamed.value(), g.value(), 1e-9 * Math.abs(g.value()));
            CentralDifferences.assertClose("alpha", streamed.alpha(), g.alpha());
            CentralDifferences.assertClose("mu", streamed.mu(), g.mu());
            CentralDifferences.assertClose("q", streamed.q(), g.q());
            CentralDifferences.assertClose("l", streamed.l(), g.l());
            CentralDifferences.assertClose("l", CentralDifferences.gradient(l -> GmmNatural.objective(in.d(), in.k(),
                    in.n(), in.alpha(), in.mu(), in.q(), l, in.x(), in.gamma(), in.m()), in.l().clone()), g.l());
            CentralDifferences.assertClose("q", CentralDifferences.gradient(q -> GmmNatural.objective(in.d(), in.k(),
                    in.n(), in.alpha(), in.mu(), q, in.l(), in.x(), in.gamma(), in.m()), in.q().clone()), g.q());
        }
    }
}
