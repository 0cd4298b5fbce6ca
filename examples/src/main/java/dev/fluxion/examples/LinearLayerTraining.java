package dev.fluxion.examples;

import dev.fluxion.Tensor;
import dev.fluxion.examples.support.Plots;
import dev.fluxion.examples.support.Progress;
import dev.fluxion.optim.SGD;
import java.nio.file.Path;
import java.util.Random;

/** Tutorial 4: trains {@link LinearLayer} on x = [1, 2, 3], y = [2, 4, 6] with SGD. */
public final class LinearLayerTraining {
    private LinearLayerTraining() {}

    /** The trained weight and bias, the prediction at 4, the loss per epoch and its chart. */
    public record Result(double w, double b, double predictAt4, double[] losses, Path lossChart) {}

    public static Result train(int epochs, double lr, long seed) {
        Tensor x = Tensor.of(new float[][] {{1}, {2}, {3}});
        Tensor y = Tensor.of(new float[][] {{2}, {4}, {6}});
        var model = new LinearLayer(new Random(seed));
        var opt = new SGD(model.parameters(), lr);
        double[] losses = new double[epochs];
        try (var progress = Progress.start("Linear(1, 1)", epochs)) {
            for (int epoch = 0; epoch < epochs; epoch++) {
                opt.zeroGrad();
                losses[epoch] = LinearLayerGrad.lossBackward(model, x, y).item();
                opt.step();
                progress.step(losses[epoch]);
            }
        }
        double prediction = LinearLayerGrad.forward(model, Tensor.of(new float[][] {{4}})).item();
        return new Result(model.linear.weight.item(), model.linear.bias.item(), prediction, losses,
                Plots.lossCurve("linear-layer-loss", "Linear(1, 1): summed squared error", losses));
    }

    public static void main(String[] args) {
        Result r = train(1000, 0.01, 0);
        System.out.printf("w = %.4f, b = %.4f, predict(4) = %.4f%n", r.w(), r.b(), r.predictAt4());
        System.out.println("loss curve: " + r.lossChart());
    }
}
