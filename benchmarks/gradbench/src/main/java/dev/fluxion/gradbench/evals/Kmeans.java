package dev.fluxion.gradbench.evals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.gradbench.EvalFunction;
import dev.fluxion.gradbench.EvalModule;
import dev.fluxion.gradbench.Json;
import java.util.Map;

/**
 * GradBench's {@code kmeans}: the k-means cost Σ_i min_j |a_i − c_j|² of n points in d dimensions
 * (rows of {@code points}) and k centroids (rows of {@code centroids}).
 */
public final class Kmeans {
    private Kmeans() {}

    /** Σ_i min_j |points_i − centroids_j|². */
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
                    dist += diff * diff;
                }
                closest = Math.min(closest, dist);
            }
            cost += closest;
        }
        return cost;
    }

    /** The prepared input: rows concatenated, and the row width d. */
    record Input(double[] points, double[] centroids, int d) {}

    static Input input(JsonNode in) {
        return new Input(Json.rows(in.get("points")), Json.rows(in.get("centroids")), in.get("points").get(0).size());
    }

    /**
     * One Newton step's direction, J / diag(H): the cost's Hessian is diagonal (each centroid
     * coordinate's own points, twice their number), so its diagonal is the Hessian-vector product
     * with ones ({@code costHvp}, forward over reverse), as GradBench's other tools compute it.
     */
    static double[] dir(Input in) {
        double[] j = KmeansGrad.costGrad(in.points(), in.centroids(), in.d()).centroids();
        double[] ones = new double[j.length];
        java.util.Arrays.fill(ones, 1);
        double[] h = KmeansGrad.costHvp(in.points(), in.centroids(), in.d(), ones).centroids();
        double[] dir = new double[j.length];
        for (int i = 0; i < dir.length; i++) {
            dir[i] = j[i] / h[i];
        }
        return dir;
    }

    /** {@code dir} as GradBench's k × d rows. */
    private static double[][] rows(double[] dir, int d) {
        double[][] out = new double[dir.length / d][];
        for (int i = 0; i < out.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(dir, i * d, (i + 1) * d);
        }
        return out;
    }

    static EvalModule module() {
        return new EvalModule("kmeans", Map.of(
                "cost", EvalFunction.of(Kmeans::input, in -> KmeansGrad.cost(in.points(), in.centroids(), in.d())),
                "dir", EvalFunction.of(Kmeans::input, in -> rows(dir(in), in.d()))));
    }
}
