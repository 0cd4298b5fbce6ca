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

    static EvalModule module() {
        return new EvalModule("kmeans", Map.of(
                "cost", EvalFunction.of(Kmeans::input, in -> KmeansGrad.cost(in.points(), in.centroids(), in.d()))));
    }
}
