package dev.fluxion.examples;

import static dev.fluxion.F.log;
import static dev.fluxion.F.sigmoid;

import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;
import dev.fluxion.examples.support.Plots;
import dev.fluxion.examples.support.Progress;
import java.nio.file.Path;

/**
 * Tutorial 1: logistic regression on four points, sigmoid and binary cross-entropy written out,
 * parameters updated by hand with learning rate 0.01.
 */
public final class LogisticRegression {
    private LogisticRegression() {}

    /** The tutorial's loss: {@code -mean(y·log p + (1 - y)·log(1 - p))}, {@code p = σ(x·w + b)}. */
    @Differentiable
    static Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y, Tensor w, Tensor b) {
        Tensor p = sigmoid(x.matmul(w).plus(b));
        return y.times(log(p)).plus(y.rsub(1).times(log(p.rsub(1)))).mean().neg();
    }

    /** The trained parameters and the loss before each update. */
    public record Result(Tensor w, Tensor b, double[] losses, Path lossChart) {}

    /** Trains from {@code w = 0, b = 0} for {@code epochs} updates. */
    public static Result train(int epochs, double lr) {
        Tensor x = Tensor.of(new float[][] {{1, 1}, {1, 0}, {0, 1}, {0, 0}});
        Tensor y = Tensor.of(new float[][] {{0}, {1}, {0}, {1}});
        Tensor w = Tensor.zeros(2, 1);
        Tensor b = Tensor.zeros(1);
        double[] losses = new double[epochs];
        try (var progress = Progress.start("logistic regression", epochs)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                var grad = LogisticRegressionGrad.lossGrad(x, y, w, b);
                w = w.minus(grad.w().times(lr));
                b = b.minus(grad.b().times(lr));
                losses[epoch] = grad.value().item();
                progress.step(losses[epoch]);
            }
        }
        return new Result(w, b, losses, Plots.lossCurve("logistic-regression-loss", "Logistic regression: BCE", losses));
    }

    public static void main(String[] args) {
        Result result = train(1000, 0.01);
        for (int epoch = 0; epoch < result.losses().length; epoch += 100) {
            System.out.printf("epoch %4d  loss %.6f%n", epoch, result.losses()[epoch]);
        }
        System.out.println("w = " + result.w() + "\nb = " + result.b());
        System.out.println("loss curve: " + result.lossChart());
    }
}
