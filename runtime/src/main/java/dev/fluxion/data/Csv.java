package dev.fluxion.data;

import dev.fluxion.DType;
import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Numeric tables from CSV files: every cell a number, every row the same number of cells.
 *
 * <pre>{@code
 * Csv.Table t = Csv.read(Path.of("moons.csv"), true);     // header "x1,x2,label"
 * Tensor x = t.values().slice(1, 0, 2);                    // [N, 2]
 * Tensor y = t.column("label");                            // [N]
 * }</pre>
 *
 * <p>Cells are trimmed and may be wrapped in double quotes; numbers are Java/Python decimal
 * literals ({@code 1}, {@code -2.5e-3}), plus {@code nan}, {@code inf} and {@code -inf} in any
 * case. Blank lines are skipped and a UTF-8 byte-order mark is ignored. Anything else (a word, an
 * empty cell, a ragged row) is an error naming the file, line and column.
 */
public final class Csv {
    private Csv() {}

    /**
     * A numeric table.
     *
     * @param columns the column names (from the header, or {@code "0", "1", ...} without one)
     * @param values the cells, shape {@code [rows, columns]}
     */
    public record Table(List<String> columns, Tensor values) {
        /** Copies the names. */
        public Table {
            columns = List.copyOf(columns);
        }

        /**
         * One column by name.
         *
         * @param name a column name
         * @return its values, shape {@code [rows]}
         * @throws FluxionException if there is no such column
         */
        public Tensor column(String name) {
            int k = columns.indexOf(name);
            if (k < 0) {
                throw new FluxionException("Csv.Table.column: no column \"" + name + "\" (columns: " + columns + ")");
            }
            return values.slice(1, k, k + 1).squeeze(1);
        }
    }

    /**
     * Reads a comma-separated file as float32.
     *
     * @param file the file (UTF-8)
     * @param header whether the first non-blank line names the columns
     * @return the table
     * @throws FluxionException naming the file, line and column of the first bad cell, or if the file cannot be read
     */
    public static Table read(Path file, boolean header) {
        return read(file, header, ',', DType.FLOAT32);
    }

    /**
     * Reads a delimited file.
     *
     * @param file the file (UTF-8)
     * @param header whether the first non-blank line names the columns
     * @param delimiter the cell separator ({@code ','}, {@code ';'}, {@code '\t'})
     * @param dtype {@code FLOAT32} or {@code FLOAT64}
     * @return the table
     * @throws FluxionException naming the file, line and column of the first bad cell, or if the file cannot be read
     */
    public static Table read(Path file, boolean header, char delimiter, DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new FluxionException("Csv.read: dtype must be FLOAT32 or FLOAT64, got " + dtype);
        }
        List<String> columns = null;
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (lineNo == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                List<String> cells = split(line, delimiter);
                if (columns == null && header) {
                    columns = cells;
                    continue;
                }
                if (columns == null) {
                    columns = new ArrayList<>();
                    for (int k = 0; k < cells.size(); k++) {
                        columns.add(Integer.toString(k));
                    }
                }
                if (cells.size() != columns.size()) {
                    throw new FluxionException("Csv.read " + file + ":" + lineNo + ": " + cells.size() + " cells, expected "
                            + columns.size());
                }
                double[] row = new double[cells.size()];
                for (int k = 0; k < row.length; k++) {
                    row[k] = number(cells.get(k), file, lineNo, k + 1);
                }
                rows.add(row);
            }
        } catch (IOException e) {
            throw new FluxionException("Csv.read: cannot read " + file + ": " + e, e);
        }
        int width = columns == null ? 0 : columns.size();
        double[] data = new double[Math.multiplyExact(rows.size(), width)];
        for (int r = 0; r < rows.size(); r++) {
            System.arraycopy(rows.get(r), 0, data, r * width, width);
        }
        Tensor values = Tensor.fromArray(data, rows.size(), width);
        return new Table(columns == null ? List.of() : columns, values.to(dtype));
    }

    private static List<String> split(String line, char delimiter) {
        List<String> cells = new ArrayList<>();
        int from = 0;
        while (true) {
            int at = line.indexOf(delimiter, from);
            String cell = (at < 0 ? line.substring(from) : line.substring(from, at)).strip();
            if (cell.length() >= 2 && cell.startsWith("\"") && cell.endsWith("\"")) {
                cell = cell.substring(1, cell.length() - 1).strip();
            }
            cells.add(cell);
            if (at < 0) {
                return cells;
            }
            from = at + 1;
        }
    }

    private static double number(String cell, Path file, int line, int column) {
        switch (cell.toLowerCase(Locale.ROOT)) {
            case "nan" -> {
                return Double.NaN;
            }
            case "inf", "+inf", "infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                // Double.parseDouble also takes hex floats and a trailing 'd' or 'f': refuse those.
                if (cell.isEmpty() || !cell.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
                    throw new FluxionException("Csv.read " + file + ":" + line + ": column " + column + " holds \""
                            + cell + "\", which is not a number");
                }
                return Double.parseDouble(cell);
            }
        }
    }
}
