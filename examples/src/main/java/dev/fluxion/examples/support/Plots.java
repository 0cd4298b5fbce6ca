package dev.fluxion.examples.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes the PNG charts of the examples: loss curves and fitted lines. */
public final class Plots {
    private Plots() {}

    /** The folder the examples write their charts to: {@code out/} under the working directory. */
    public static Path outputDir() {
        Path dir = Path.of(System.getProperty("fluxion.out", "out"));
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir.toAbsolutePath(), e);
        }
    }

    /**
     * Plots {@code losses[i]} against step {@code i + 1} (on a log scale when every loss is
     * positive) and writes it as {@code name}.png.
     */
    public static Path lossCurve(String name, String title, double[] losses) {
        double[] steps = new double[losses.length];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = i + 1;
        }
        // A log scale shows the slow tail of training that a linear one flattens into a line; the
        // axis title says so.
        boolean log = java.util.Arrays.stream(losses).allMatch(v -> v > 0);
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title(title).xAxisTitle("step").yAxisTitle(log ? "loss (log scale)" : "loss").build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setYAxisLogarithmic(log);
        chart.addSeries("loss", steps, losses).setMarker(SeriesMarkers.NONE);
        return save(chart, name);
    }

    /**
     * Plots a training and a held-out figure per epoch (loss or accuracy: {@code yTitle}) against
     * epochs 1, 2, ... on linear axes, with a marker at each epoch; writes {@code name}.png.
     */
    public static Path epochCurves(String name, String title, String yTitle, double[] train, double[] heldOut) {
        double[] epochs = new double[train.length];
        for (int i = 0; i < epochs.length; i++) {
            epochs[i] = i + 1;
        }
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        chart.getStyler().setMarkerSize(7);
        chart.getStyler().setXAxisDecimalPattern("0");
        if (epochs.length > 1) {
            chart.getStyler().setXAxisTickMarkSpacingHint(Math.max(40, 700 / epochs.length));
        }
        chart.addSeries("training", epochs, train).setMarker(SeriesMarkers.CIRCLE);
        chart.addSeries("held-out", epochs, heldOut).setMarker(SeriesMarkers.DIAMOND);
        return save(chart, name);
    }

    /** Plots the points {@code (x, y)} and the line {@code y = w·x + b}; writes {@code name}.png. */
    public static Path fit(String name, String title, double[] x, double[] y, double w, double b) {
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title(title).xAxisTitle("x").yAxisTitle("y").build();
        chart.getStyler().setMarkerSize(4);
        chart.addSeries("data", x, y).setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        chart.addSeries(String.format("fit: y = %.3f x + %.3f", w, b),
                        new double[] {lo, hi}, new double[] {w * lo + b, w * hi + b})
                .setMarker(SeriesMarkers.NONE);
        return save(chart, name);
    }

    /**
     * Plots each method's objective against its iteration number, on a log scale (every value must
     * be positive), one line per method; writes {@code name}.png.
     */
    public static Path convergence(String name, String title, String yTitle, java.util.Map<String, double[]> curves) {
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title(title).xAxisTitle("iteration (log scale)").yAxisTitle(yTitle + " (log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(0);
        curves.forEach((label, values) -> {
            double[] steps = new double[values.length];
            for (int i = 0; i < steps.length; i++) {
                steps[i] = i + 1;
            }
            chart.addSeries(label, steps, values).setMarker(SeriesMarkers.NONE);
        });
        return save(chart, name);
    }

    private static Path save(XYChart chart, String name) {
        Path file = outputDir().resolve(name + ".png");
        try {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file.toAbsolutePath(), e);
        }
        return file.toAbsolutePath();
    }
}
