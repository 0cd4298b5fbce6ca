package dev.fluxion.examples;

import static dev.fluxion.F.softmax;

import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.annotation.NoGrad;

/** Tutorial 3: a sum of an affine map, and softmax with a temperature. */
public final class GradientBasics {
    private GradientBasics() {}

    /** {@code y = 2x + 1; z = Σ y}: dz/dx = 2 everywhere. */
    @Differentiable
    static Tensor affineSum(Tensor x) {
        Tensor y = x.times(2).plus(1);
        return y.sum();
    }

    /** Softmax of {@code x / temperature} along dim 0: a lower temperature sharpens it. */
    @Differentiable
    static Tensor softmaxT(Tensor x, @NoGrad double temperature) {
        return softmax(x.div(temperature), 0);
    }

    public static void main(String[] args) {
        Tensor x = Tensor.of(2f, 3f);
        var g = GradientBasicsGrad.affineSumGrad(x);
        System.out.println("x = " + x + ", z = " + g.value() + ", dz/dx = " + g.x());

        Tensor logits = Tensor.of(1f, 2f, 3f);
        System.out.println("softmax(x)       = " + GradientBasicsGrad.softmaxT(logits, 1.0));
        System.out.println("softmax(x / 0.6) = " + GradientBasicsGrad.softmaxT(logits, 0.6));
        var pullback = GradientBasicsGrad.softmaxTVjp(logits, 0.6);
        System.out.println("vjp with [1, 0, 0] = " + pullback.backward(Tensor.of(1f, 0f, 0f)).x());
    }
}
