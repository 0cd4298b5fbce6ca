package dev.fluxion.examples;

import dev.fluxion.Tensor;
import dev.fluxion.examples.data.Iris;
import dev.fluxion.examples.support.Plots;
import dev.fluxion.examples.support.Progress;
import dev.fluxion.optim.Adam;
import java.nio.file.Path;

/** Softmax regression on Fisher's Iris data (features standardised), trained with Adam. */
public final class IrisTraining {
    private IrisTraining() {}

    /** The loss after each step, the training accuracy and the loss chart. */
    public record Result(double[] losses, double accuracy, Path lossChart) {}

    public static Result train(int steps, double lr) {
        Iris iris = Iris.load();
        Tensor x = Tensor.of(iris.features()).toFloat();
        x = x.minus(x.mean(0, true)).div(x.minus(x.mean(0, true)).square().mean(0, true).sqrt());
        Tensor labels = Tensor.fromArray(java.util.Arrays.stream(iris.labels()).asDoubleStream().toArray(),
                iris.labels().length);

        var model = new IrisSoftmax();
        var opt = new Adam(model.parameters(), lr);
        double[] losses = new double[steps];
        try (var progress = Progress.start("Iris softmax regression", steps)) {
            for (int step = 0; step < steps; step++) {
                opt.zeroGrad();
                losses[step] = IrisSoftmaxGrad.lossBackward(model, x, labels).item();
                opt.step();
                progress.step(losses[step]);
            }
        }
        Tensor predicted = IrisSoftmaxGrad.forward(model, x).argmax(1);
        double accuracy = predicted.eq(labels).toFloat().mean().item();
        return new Result(losses, accuracy, Plots.lossCurve("iris-loss", "Iris softmax regression: cross-entropy", losses));
    }

    public static void main(String[] args) {
        Result r = train(300, 0.05);
        System.out.printf("final loss %.4f, training accuracy %.1f%%%n",
                r.losses()[r.losses().length - 1], 100 * r.accuracy());
        System.out.println("loss curve: " + r.lossChart());
    }
}
