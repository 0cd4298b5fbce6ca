package dev.fluxion.gradbench.evals;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fluxion.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each eval's derivative from the generated classes against float64 central differences of the
 * method as written, on GradBench's smallest input shape (gmm: {@link GmmTest}).
 */
class EvalGradientsTest {
    private static double[] uniform(Random r, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return v;
    }

    @Test
    void helloDoubleIsTheDerivativeOfSquare() {
        for (double x : new double[] {1.0, -2.5, 8.0}) {
            assertEquals(x * x, HelloGrad.square(x));
            assertEquals(2 * x, HelloGrad.squareGrad(x).x(), 1e-12);
        }
    }

    @Test
    void lseGradientMatchesCentralDifferences() {
        double[] x = uniform(new Random(1), 2500, 0, 1);
        x[17] = 3; // a clear maximum
        LseGrad.LogsumexpGradient g = LseGrad.logsumexpGrad(x.clone());
        assertEquals(Lse.logsumexp(x), g.value(), 1e-12);
        CentralDifferences.assertClose("x", CentralDifferences.gradient(Lse::logsumexp, x.clone()), g.x());
    }

    @Test
    void llsqGradientMatchesCentralDifferences() {
        double[] x = uniform(new Random(2), 128, 0, 1);
        LlsqGrad.PrimalGradient g = LlsqGrad.primalGrad(x.clone(), 16);
        assertEquals(Llsq.primal(x, 16), g.value(), 1e-9 * Math.abs(g.value()));
        CentralDifferences.assertClose("x", CentralDifferences.gradient(c -> Llsq.primal(c, 16), x.clone()), g.x());
    }

    @Test
    void detGradientMatchesCentralDifferences() {
        // GradBench's smallest det is 5 x 5
        double[] a = uniform(new Random(7), 25, 0, 1);
        DetGrad.DetGradient g = DetGrad.detGrad(a.clone(), 5);
        assertEquals(Det.det(a, 5), g.value(), 1e-12);
        CentralDifferences.assertClose("a", CentralDifferences.gradient(c -> Det.det(c, 5), a.clone()), g.a());
    }

    /** GradBench's smallest kmeans: k = 10, d = 8, n = 1000 uniform points; the centroids are the last k. */
    private static Kmeans.Input smallestKmeans(long seed) {
        int d = 8;
        int k = 10;
        int n = 1000;
        double[] points = uniform(new Random(seed), n * d, 0, 1);
        double[] centroids = new double[k * d];
        System.arraycopy(points, (n - k) * d, centroids, 0, k * d);
        return new Kmeans.Input(points, centroids, d);
    }

    @Test
    void kmeansGradientMatchesCentralDifferences() {
        Kmeans.Input in = smallestKmeans(3);
        int d = in.d();
        double[] points = in.points();
        double[] centroids = in.centroids();
        for (int i = 0; i < centroids.length; i++) {
            centroids[i] += 1e-3 * Math.sin(i); // off the points, so no distance is exactly 0
        }
        KmeansGrad.CostGradient g = KmeansGrad.costGrad(points, centroids.clone(), d);
        assertEquals(Kmeans.cost(points, centroids, d), g.value(), 1e-9 * g.value());
        CentralDifferences.assertClose("centroids",
                CentralDifferences.gradient(c -> Kmeans.cost(points, c, d), centroids.clone()), g.centroids());
    }

    @Test
    void kmeansDirIsTheNewtonStepOfEachCluster() {
        // dir = J / diag(H) = centroid − mean of its points (GradBench's manual kmeans)
        Kmeans.Input in = smallestKmeans(6);
        int d = in.d();
        int k = in.centroids().length / d;
        int n = in.points().length / d;
        double[] points = in.points();
        double[] centroids = in.centroids();
        double[] dir = Kmeans.dir(in);
        double[] sums = new double[k * d];
        int[] sizes = new int[k];
        for (int i = 0; i < n; i++) {
            int closest = 0;
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double dist = 0;
                for (int l = 0; l < d; l++) {
                    dist += Math.pow(points[i * d + l] - centroids[j * d + l], 2);
                }
                if (dist < best) {
                    best = dist;
                    closest = j;
                }
            }
            sizes[closest]++;
            for (int l = 0; l < d; l++) {
                sums[closest * d + l] += points[i * d + l];
            }
        }
        assertEquals(k * d, dir.length);
        for (int j = 0; j < k; j++) {
            for (int l = 0; l < d; l++) {
                assertEquals(centroids[j * d + l] - sums[j * d + l] / sizes[j], dir[j * d + l], 1e-10);
            }
        }
    }

    @Test
    void lstmGradientMatchesCentralDifferences() {
        // GradBench's smallest lstm has l = 2 layers and c = 1024 characters of b = 7 bits; c = 5 here
        int l = 2;
        int c = 5;
        int b = 7;
        Random r = new Random(5);
        double[] main = uniform(r, 8 * l * b, 0, 1);
        double[] extra = uniform(r, 3 * b, 0, 1);
        double[] state = uniform(r, 2 * l * b, 0, 1);
        double[] sequence = new double[c * b];
        for (int i = 0; i < sequence.length; i++) {
            sequence[i] = r.nextBoolean() ? 1 : 0;
        }
        Lstm.Input in = new Lstm.Input(main.clone(), extra.clone(), state.clone(), sequence, l, c, b);
        double[] g = Lstm.jacobian(in);
        double[] numericMain = CentralDifferences.gradient(
                v -> Lstm.objective(v.clone(), extra, state, sequence, l, c, b), main.clone());
        double[] numericExtra = CentralDifferences.gradient(
                v -> Lstm.objective(main, v.clone(), state, sequence, l, c, b), extra.clone());
        CentralDifferences.assertClose("main", numericMain, java.util.Arrays.copyOf(g, main.length));
        CentralDifferences.assertClose("extra", numericExtra,
                java.util.Arrays.copyOfRange(g, main.length, g.length));
        assertEquals(Lstm.objective(main, extra, state, sequence, l, c, b), Lstm.objective(in), 1e-12);
        assertArrayEquals(state, in.state()); // the state is copied, not updated in place
    }

    @Test
    void odeGradientMatchesCentralDifferences() {
        // GradBench's smallest n is 1000 with s = 1; fewer elements keep the differences quick
        for (int s : new int[] {1, 3}) {
            int n = 40;
            double[] x = uniform(new Random(4), n, 0, 1);
            double[] g = Ode.gradient(x.clone(), s);
            double[] numeric = CentralDifferences.gradient(v -> Ode.solve(v.clone(), s)[n - 1], x.clone());
            CentralDifferences.assertClose("x", numeric, g);
            double[] y = OdeGrad.solve(x.clone(), s);
            assertEquals(n, y.length);
            assertEquals(2 * x[0], y[0], 1e-12); // y_0' = x_0 is integrated exactly
            // The whole Jacobian, forward (one vector-mode pass) and reverse, against the last row.
            double[][] forward = OdeGrad.solveJacobianForward(x.clone(), s).x();
            double[][] reverse = OdeGrad.solveJacobianReverse(x.clone(), s).x();
            CentralDifferences.assertClose("forward x", numeric, forward[n - 1]);
            CentralDifferences.assertClose("reverse x", numeric, reverse[n - 1]);
            for (int i = 0; i < n; i++) {
                assertArrayEquals(reverse[i], forward[i], 1e-12 * (1 + Math.abs(y[i])));
            }
        }
    }

    @Test
    void baReprojectionJacobianMatchesCentralDifferences() {
        // ba1's camera, point, weight and feature
        double[] cam = {-0.0335, 0.0451, 0.0301, 1.4541, 0.5412, -0.0141, 399.752, 0.0, 0.0, -3.178e-7, 5.882e-13};
        double[] x = {-0.6126, 0.5718, -1.8470};
        double w = 0.417022;
        double featX = -332.65;
        double featY = 262.09;
        BaGrad.ReprojectionErrorJacobian picked = BaGrad.reprojectionErrorJacobian(cam.clone(), x.clone(), w, featX, featY);
        BaGrad.ReprojectionErrorJacobian forward = BaGrad.reprojectionErrorJacobianForward(cam.clone(), x.clone(), w,
                featX, featY);
        BaGrad.ReprojectionErrorJacobian reverse = BaGrad.reprojectionErrorJacobianReverse(cam.clone(), x.clone(), w,
                featX, featY);
        double[] value = Ba.reprojectionError(cam, x, w, featX, featY);
        for (BaGrad.ReprojectionErrorJacobian j : new BaGrad.ReprojectionErrorJacobian[] {picked, forward, reverse}) {
            assertArrayEquals(value, j.value(), 1e-12 * (1 + Math.abs(value[0]) + Math.abs(value[1])));
            for (int component = 0; component < 2; component++) {
                int c = component;
                CentralDifferences.assertClose("cam", CentralDifferences.gradient(
                        v -> Ba.reprojectionError(v, x, w, featX, featY)[c], cam.clone()), j.cam()[c]);
                CentralDifferences.assertClose("x", CentralDifferences.gradient(
                        v -> Ba.reprojectionError(cam, v, w, featX, featY)[c], x.clone()), j.x()[c]);
                CentralDifferences.assertClose("w", CentralDifferences.gradient(
                        v -> Ba.reprojectionError(cam, x, v[0], featX, featY)[c], new double[] {w}),
                        new double[] {j.w()[c]});
            }
        }
        // a zero rotation takes the first-order branch
        double[] still = cam.clone();
        still[0] = still[1] = still[2] = 0;
        for (BaGrad.ReprojectionErrorJacobian j : new BaGrad.ReprojectionErrorJacobian[] {
                BaGrad.reprojectionErrorJacobianForward(still.clone(), x.clone(), w, featX, featY),
                BaGrad.reprojectionErrorJacobianReverse(still.clone(), x.clone(), w, featX, featY)}) {
            for (int c = 0; c < 2; c++) {
                int component = c;
                double[] numeric = CentralDifferences.gradient(
                        v -> Ba.reprojectionError(v, x, w, featX, featY)[component], still.clone());
                for (int k = 3; k < 11; k++) { // the rotation's own differences cross the branch
                    assertEquals(numeric[k], j.cam()[c][k], 1e-6 * (1 + Math.abs(numeric[k])), "cam[" + k + "]");
                }
            }
        }
        assertEquals(-2 * w, BaGrad.weightErrorGrad(w).w(), 1e-12);
    }
}
