package dev.fluxion.bench.training;

import dev.fluxion.Derivatives;
import dev.fluxion.F;
import dev.fluxion.Reduction;
import dev.fluxion.Tensor;

/**
 * The generated {@code W4MlpGrad.lossBackward}, copied call for call, with one change: each weight
 * gradient is accumulated by {@code Parameter.accumulateProduct} straight into {@code .grad}
 * instead of {@code accumulateGrad(matmulGradB(...).t())}. It measures what the processor gains
 * by emitting that call; the rest of the step is unchanged.
 */
final class W4InPlaceGrad {
    private W4InPlaceGrad() {}

    static Tensor lossBackward(W4Mlp model, Tensor images, Tensor labels) {
        Tensor linear1 = F.linear(images, model.hidden.weight, model.hidden.bias);
        Tensor relu1 = linear1.relu();
        Tensor linear2 = F.linear(relu1, model.output.weight, model.output.bias);
        Tensor result = F.crossEntropy(linear2, labels);
        Tensor linear2Adj = Derivatives.crossEntropyGrad(Tensor.onesLike(result), linear2, labels, Reduction.MEAN);
        Tensor relu1Adj = Derivatives.matmulGradA(linear2Adj, relu1, model.output.weight.t());
        model.output.weight.accumulateProduct(linear2Adj.t(), relu1);
        model.output.bias.accumulateGrad(Derivatives.unbroadcast(linear2Adj, model.output.bias));
        Tensor linear1Adj = Derivatives.reluGrad(relu1Adj, linear1, relu1);
        model.hidden.weight.accumulateProduct(linear1Adj.t(), images);
        model.hidden.bias.accumulateGrad(Derivatives.unbroadcast(linear1Adj, model.hidden.bias));
        return result;
    }
}
