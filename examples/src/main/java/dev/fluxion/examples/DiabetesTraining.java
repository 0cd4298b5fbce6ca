package dev.fluxion.examples;

import dev.fluxion.Tensor;
import dev.fluxion.examples.support.Plots;
import dev.fluxion.examples.support.Progress;
import dev.fluxion.optim.SGD;
import java.nio.file.Path;
import java.util.Random;

/**
 * Tutorial 4: trains {@link DiabetesMlp} on 759 rows of 8 features.
 *
 * <p>The tutorial's diabetes table is not shipped, so the rows are generated with a fixed seed by
 * this rule: each feature is uniform in [−1, 1] (the table's features were scaled to that range),
 * and the label is 1 when {@code 1.5·x0 − x1 + 0.8·x2·x3 + 0.5·x4 − 0.7·x5 + 0.3 + noise > 0},
 * with Gaussian noise of standard deviation 0.4 — a mostly, not perfectly, separable problem, about
 * two thirds positive like the original.
 */
public final class DiabetesTraining {
    private DiabetesTraining() {}

    /** The data set: {@code x} [759, 8] and {@code y} [759, 1]. */
    public record Data(Tensor x, Tensor y) {}

    /** The loss after each step, the final training accuracy and the loss chart. */
    public record Result(double[] losses, double accuracy, Path lossChart) {}

    public static Data data(long seed) {
        Random rng = new Random(seed);
        int rows = 759;
        float[] x = new float[rows * 8];
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < 8; j++) {
                x[i * 8 + j] = (float) (rng.nextDouble() * 2 - 1);
            }
            float[] r = java.util.Arrays.copyOfRange(x, i * 8, i * 8 + 8);
            double score = 1.5 * r[0] - r[1] + 0.8 * r[2] * r[3] + 0.5 * r[4] - 0.7 * r[5] + 0.3
                    + 0.4 * rng.nextGaussian();
            y[i] = score > 0 ? 1 : 0;
        }
        return new Data(Tensor.fromArray(x, rows, 8), Tensor.fromArray(y, rows, 1));
    }

    public static Result train(int steps, double lr, long seed) {
        Data data = data(seed);
        var model = new DiabetesMlp(new Random(seed + 1));
        var opt = new SGD(model.parameters(), lr);
        double[] losses = new double[steps];
        try (var progress = Progress.start("MLP 8-6-4-1", steps)) {
            for (int step = 0; step < steps; step++) {
                opt.zeroGrad();
                losses[step] = DiabetesMlpGrad.lossBackward(model, data.x(), data.y()).item();
                opt.step();
                progress.step(losses[step]);
            }
        }
        Tensor predicted = DiabetesMlpGrad.forward(model, data.x()).gt(0.5).toFloat();
        double accuracy = predicted.eq(data.y()).toFloat().mean().item();
        return new Result(losses, accuracy, Plots.lossCurve("mlp-8-6-4-1-loss", "MLP 8-6-4-1: BCE", losses));
    }

    public static void main(String[] args) {
        Result r = train(1000, 0.5, 0);
        for (int step = 0; step < r.losses().length; step += 100) {
            System.out.printf("step %4d  loss %.4f%n", step, r.losses()[step]);
        }
        System.out.printf("final loss %.4f, training accuracy %.1f%%%n",
                r.losses()[r.losses().length - 1], 100 * r.accuracy());
        System.out.println("loss curve: " + r.lossChart());
    }
}
