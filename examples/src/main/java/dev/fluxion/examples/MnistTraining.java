package dev.fluxion.examples;

import dev.fluxion.Tensor;
import dev.fluxion.examples.data.Mnist;
import dev.fluxion.examples.support.Plots;
import dev.fluxion.examples.support.Progress;
import dev.fluxion.optim.Adam;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Trains {@link MnistMlp} with Adam on the first 8,000 digits of the shipped sample, in batches
 * of 64, and measures loss and accuracy on the 2,000 it held out after every epoch (training
 * accuracy on 2,000 of the training digits, the training loss as the mean over the epoch's steps).
 */
public final class MnistTraining {
    private MnistTraining() {}

    /**
     * The loss after each step; per epoch, the mean training loss and the held-out loss and
     * accuracy; the final held-out accuracy; the per-epoch charts of loss and accuracy.
     */
    public record Result(double[] losses, double[] trainLoss, double[] testLoss, double[] epochTestAccuracy,
                         double testAccuracy, Path lossChart, Path accuracyChart) {}

    public static Result train(int epochs, int batch, double lr, long seed) {
        Mnist mnist = Mnist.sample();
        int train = mnist.count() - 2000;
        // Standardised with the MNIST training set's mean and standard deviation, as is customary.
        Tensor images = Tensor.fromArray(mnist.images(), mnist.count(), Mnist.PIXELS).minus(0.1307).div(0.3081);
        Tensor labels = Tensor.fromArray(Arrays.stream(mnist.labels()).asDoubleStream().toArray(), mnist.count());
        Tensor testImages = images.slice(0, train, mnist.count());
        Tensor testLabels = labels.slice(0, train, mnist.count());

        Random rng = new Random(seed);
        var model = new MnistMlp(rng);
        var opt = new Adam(model.parameters(), lr);
        int stepsPerEpoch = train / batch;
        double[] losses = new double[epochs * stepsPerEpoch];
        double[] trainLoss = new double[epochs];
        double[] testLoss = new double[epochs];
        double[] trainAccuracy = new double[epochs];
        double[] testAccuracy = new double[epochs];
        Tensor trainProbe = images.slice(0, 0, 2000);
        Tensor trainProbeLabels = labels.slice(0, 0, 2000);
        int[] order = new int[train];
        Arrays.setAll(order, i -> i);
        try (var progress = Progress.start("MNIST MLP", losses.length)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                shuffle(order, rng);
                for (int s = 0; s < stepsPerEpoch; s++) {
                    int[] rows = Arrays.copyOfRange(order, s * batch, (s + 1) * batch);
                    opt.zeroGrad();
                    double loss = MnistMlpGrad.lossBackward(model, images.index(0, rows), labels.index(0, rows)).item();
                    opt.step();
                    losses[epoch * stepsPerEpoch + s] = loss;
                    trainLoss[epoch] += loss / stepsPerEpoch;
                    progress.step(loss);
                }
                Tensor logits = MnistMlpGrad.forward(model, testImages);
                testLoss[epoch] = dev.fluxion.F.crossEntropy(logits, testLabels).item();
                testAccuracy[epoch] = accuracy(logits, testLabels);
                trainAccuracy[epoch] = accuracy(MnistMlpGrad.forward(model, trainProbe), trainProbeLabels);
            }
        }
        Path lossChart = Plots.epochCurves("mnist-loss", "MNIST MLP 784-256-10: cross-entropy per epoch",
                "cross-entropy", trainLoss, testLoss);
        Path accuracyChart = Plots.epochCurves("mnist-accuracy", "MNIST MLP 784-256-10: accuracy per epoch",
                "accuracy (fraction correct)", trainAccuracy, testAccuracy);
        return new Result(losses, trainLoss, testLoss, testAccuracy, testAccuracy[epochs - 1], lossChart,
                accuracyChart);
    }

    private static double accuracy(Tensor logits, Tensor labels) {
        return logits.argmax(1).eq(labels).toFloat().mean().item();
    }

    private static void shuffle(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    public static void main(String[] args) {
        long start = System.nanoTime();
        Result r = train(5, 64, 2e-3, 0);
        System.out.printf("held-out accuracy %.2f%% after %d steps, %.1f s%n",
                100 * r.testAccuracy(), r.losses().length, (System.nanoTime() - start) / 1e9);
        System.out.println("charts: " + r.lossChart() + ", " + r.accuracyChart());
    }
}
