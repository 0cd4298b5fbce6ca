package dev.fluxion.examples.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fisher's Iris data, shipped as a resource of the examples.
 *
 * @param features {@code 150 × 4} measurements in cm, row-major
 * @param labels species index per row, in the order of {@link #SPECIES}
 */
public record Iris(double[][] features, int[] labels) {
    /** The species, in label order. */
    public static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");

    /** Reads the CSV resource. */
    public static Iris load() {
        try (InputStream in = Iris.class.getResourceAsStream("/dev/fluxion/examples/data/iris/iris.csv")) {
            if (in == null) {
                throw new IOException("missing resource iris.csv");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            List<double[]> rows = new ArrayList<>();
            List<Integer> species = new ArrayList<>();
            reader.readLine(); // header
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",");
                double[] row = new double[4];
                for (int j = 0; j < 4; j++) {
                    row[j] = Double.parseDouble(cells[j]);
                }
                int label = SPECIES.indexOf(cells[4].trim());
                if (label < 0) {
                    throw new IOException("unknown species " + cells[4]);
                }
                rows.add(row);
                species.add(label);
            }
            return new Iris(rows.toArray(double[][]::new), species.stream().mapToInt(Integer::intValue).toArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
