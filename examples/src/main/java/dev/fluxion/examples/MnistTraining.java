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
 * of 64, and measures accuracy on the 2,000 it held out.
 */
public final class MnistTraining {
    private MnistTraining() {}

    /** The loss after each step, the held-out accuracy, and the loss chart. */
    public record Result(double[] losses, double testAccuracy, Path lossChart) {}

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
                    progress.step(loss);
                }
            }
        }
        Tensor predicted = MnistMlpGrad.forward(model, testImages).argmax(1);
        double accuracy = predicted.eq(testLabels).toFloat().mean().item();
        return new Result(losses, accuracy, Plots.lossCurve("mnist-loss", "MNIST MLP 784-256-10: cross-entropy", losses));
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
        System.out.println("loss curve: " + r.lossChart());
    }
}
