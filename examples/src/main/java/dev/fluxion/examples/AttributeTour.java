package dev.fluxion.examples;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.annotation.Differentiable;

/**
 * Tutorial 2: the autograd attributes of PyTorch and what plays each of them in Fluxion —
 * requires_grad, grad, grad_fn, is_leaf, detach, no_grad, item, tolist, backward(v) and gradient
 * accumulation.
 */
public final class AttributeTour {
    private AttributeTour() {}

    /** {@code y = x + 2; z = 3·y·y; out = mean(z)}: d out/dx = 6(x + 2)/n = 4.5 at ones(2, 2). */
    @Differentiable
    static Tensor meanOfSquares(Tensor x) {
        Tensor y = x.plus(2);
        Tensor z = y.times(y).times(3);
        return z.mean();
    }

    /** Doubles {@code 2x} until its norm reaches 1000: the trip count depends on the data. */
    @Differentiable
    static Tensor doubling(Tensor x) {
        Tensor y = x.times(2);
        while (y.norm().item() < 1000) {
            y = y.times(2);
        }
        return y;
    }

    /** The same mean of squares, over a model parameter, to show accumulation into {@code grad()}. */
    public static final class Squares extends dev.fluxion.nn.Module {
        final Parameter x = param(Tensor.ones(2, 2));

        @Differentiable
        Tensor out() {
            Tensor y = x.plus(2);
            Tensor z = y.times(y).times(3);
            return z.mean();
        }
    }

    public static void main(String[] args) {
        Tensor x = Tensor.ones(2, 2);
        System.out.println("x = " + x);
        System.out.println("requires_grad: x is a differentiable parameter of meanOfSquares, so it gets a gradient");

        var pullback = AttributeTourGrad.meanOfSquaresVjp(x);
        System.out.println("out = " + pullback.value());
        System.out.println("grad_fn (the pullback) = " + pullback);
        System.out.println("x.grad = " + pullback.backward(Tensor.scalar(1.0)).x());

        System.out.println("no_grad (forward only, nothing saved): " + AttributeTourGrad.meanOfSquares(x));
        System.out.println("detach: " + x.detach() + "; item of out: " + pullback.value().item()
                + "; toList: " + x.toList());

        var model = new Squares();
        System.out.println("is_leaf(model.x) = " + model.x.isLeaf() + ", grad before backward = " + model.x.grad());
        AttributeTour_SquaresGrad.outBackward(model);
        System.out.println("grad after one backward  = " + model.x.grad());
        AttributeTour_SquaresGrad.outBackward(model);
        System.out.println("grad after two backwards = " + model.x.grad() + " (accumulated)");
        model.zeroGrad();
        System.out.println("grad after zeroGrad      = " + model.x.grad());

        Tensor v = Tensor.of(0.1f, 1.0f, 0.0001f);
        Tensor x3 = Tensor.randn(new java.util.Random(0), 3);
        var doubled = AttributeTourGrad.doublingVjp(x3);
        System.out.println("y = " + doubled.value() + " (norm " + doubled.value().norm().item() + ")");
        System.out.println("x.grad for backward(v = " + v + ") = " + doubled.backward(v).x());
    }
}
