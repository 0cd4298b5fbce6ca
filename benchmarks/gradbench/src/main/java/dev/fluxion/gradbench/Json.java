package dev.fluxion.gradbench;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading GradBench's inputs: vectors and row-major matrices of doubles. */
public final class Json {
    private Json() {}

    /** A JSON array of numbers. */
    public static double[] vector(JsonNode node) {
        double[] v = new double[node.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = node.get(i).asDouble();
        }
        return v;
    }

    /** A JSON array of arrays of numbers, rows concatenated (as the C++ tools flatten them). */
    public static double[] rows(JsonNode node) {
        int total = 0;
        for (JsonNode row : node) {
            total += row.size();
        }
        double[] v = new double[total];
        int k = 0;
        for (JsonNode row : node) {
            for (JsonNode e : row) {
                v[k++] = e.asDouble();
            }
        }
        return v;
    }

    /** {@code flat} cut into rows of {@code width} elements, for outputs such as gmm's {@code mu}. */
    public static double[][] matrix(double[] flat, int width) {
        int rows = width == 0 ? 0 : flat.length / width;
        double[][] m = new double[rows][width];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * width, m[r], 0, width);
        }
        return m;
    }
}
