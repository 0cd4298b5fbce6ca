package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regression for kmeans' slow {@code dir}: {@code fJvp} declared its tangent locals at the top of
 * the method, so when {@code fDirectional} was reversed for {@code fHvp}, a tangent computed in the
 * innermost loop ({@code diff_dot = -elem1_dot}) was pushed once per (point, centroid, coordinate)
 * instead of being recomputed in each backward trip. {@code opt/Tidy} declares it in the innermost
 * loop, where {@code LoopShape} recomputes it. The Hessian-vector product is checked against
 * central differences of {@code fGrad}.
 */
class HvpTapeTest {
    private static final String SOURCE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class K {
                @Differentiable
                static double cost(@NoGrad double[] points, double[] centroids, @NoGrad int d) {
                    int n = points.length / d;
                    int k = centroids.length / d;
                    double cost = 0;
                    for (int i = 0; i < n; i++) {
                        double closest = Double.POSITIVE_INFINITY;
                        for (int j = 0; j < k; j++) {
                            double dist = 0;
                            for (int l = 0; l < d; l++) {
                                double diff = points[i * d + l] - centroids[j * d + l];
                                dist += diff * diff * Math.exp(0.1 * centroids[j * d + l]);
                            }
                            closest = Math.min(closest, dist);
                        }
                        cost += closest;
                    }
                    return cost;
                }
            }
            """;

    @Test
    void innerLoopTangentsAreRecomputedNotPushed() {
        Generated g = Generated.compileWith(List.of("-Afluxion.verify=strict"), "demo.K", SOURCE);
        String src = g.source("demo.KGrad");
        int start = src.indexOf("private static CostDirectionalPullback costDirectionalVjp(");
        String vjp = src.substring(start, src.indexOf("\n    }\n", start));
        // main pushed diff_dot here, once per (point, centroid, coordinate)
        assertFalse(java.util.regex.Pattern.compile("doubles\\.push\\(\\w+_dot\\)").matcher(vjp).find(), vjp);
        // diff_dot = -elem1_dot is read as -elem1_dot where diff's tangent is read (ForwardMode inlines it)
        assertTrue(vjp.contains("double elem1_dot = "), "declared in the innermost loop: " + vjp);

        double[] points = {0.1, 0.9, 0.4, 0.3, 0.8, 0.7, 0.2, 0.5, 0.6};
        double[] centroids = {0.2, 0.8, 0.7, 0.1, 0.5, 0.5};
        double[] v = {0.3, -0.7, 1.1, 0.4, -0.2, 0.9};
        double h = 1e-6;
        double[] hv = (double[]) Generated.get(g.call("demo.KGrad", "costHvp", points, centroids, 3, v), "centroids");
        double[] plus = centroids.clone();
        double[] minus = centroids.clone();
        for (int i = 0; i < v.length; i++) {
            plus[i] += h * v[i];
            minus[i] -= h * v[i];
        }
        double[] gp = (double[]) Generated.get(g.call("demo.KGrad", "costGrad", points, plus, 3), "centroids");
        double[] gm = (double[]) Generated.get(g.call("demo.KGrad", "costGrad", points, minus, 3), "centroids");
        for (int i = 0; i < hv.length; i++) {
            double fd = (gp[i] - gm[i]) / (2 * h);
            assertEquals(fd, hv[i], 1e-5 * Math.max(1, Math.abs(fd)), "centroids[" + i + "]");
        }
    }
}
