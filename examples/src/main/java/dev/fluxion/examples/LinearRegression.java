package dev.fluxion.examples;

import dev.fluxion.Tensor;
import dev.fluxion.examples.support.Plots;
import dev.fluxion.examples.support.Progress;
import dev.fluxion.optim.SGD;
import java.nio.file.Path;
import java.util.Random;

/**
 * The demo: fits {@code y = w·x + b} to 500 noisy points of {@code y = 3x + 0.8} with SGD, then
 * writes the loss curve and the fitted line as PNGs. The model is {@link LineModel}; its gradient
 * code, {@code LineModelGrad}, is generated when this module compiles.
 */
public final class LinearRegression {
    private LinearRegression() {}

    /** The fitted parameters, the loss after each step and the charts written. */
    public record Fit(double w, double b, double[] losses, Path lossChart, Path fitChart) {}

    /** Trains for {@code steps} full-batch SGD steps with learning rate {@code lr}. */
    public static Fit train(int steps, double lr, long seed) {
        Random rng = new Random(seed);
        Tensor x = Tensor.randn(rng, 500, 1);
        Tensor y = x.times(3).plus(0.8).plus(Tensor.randn(rng, 500, 1).times(0.3));

        var model = new LineModel();
        var opt = new SGD(model.parameters(), lr);
        double[] losses = new double[steps];
        try (var progress = Progress.start("linear regression", steps)) {
            for (int step = 0; step < steps; step++) {
                opt.zeroGrad();
                Tensor loss = LineModelGrad.lossBackward(model, x, y);
                opt.step();
                losses[step] = loss.item();
                progress.step(losses[step]);
            }
        }
        double w = model.w.item();
        double b = model.b.item();
        Path lossChart = Plots.lossCurve("linear-regression-loss", "Linear regression: MSE loss", losses);
        Path fitChart = Plots.fit("linear-regression-fit", "y = 3x + 0.8 and the fitted line",
                x.toDoubleArray(), y.toDoubleArray(), w, b);
        return new Fit(w, b, losses, lossChart, fitChart);
    }

    public static void main(String[] args) {
        Fit fit = train(2000, 0.01, 0);
        System.out.printf("w = %.4f (true 3), b = %.4f (true 0.8), final loss %.4f%n",
                fit.w(), fit.b(), fit.losses()[fit.losses().length - 1]);
        System.out.println("loss curve: " + fit.lossChart());
        System.out.println("fitted line: " + fit.fitChart());
    }
}
