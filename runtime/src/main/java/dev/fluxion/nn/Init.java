package dev.fluxion.nn;

import dev.fluxion.DType;
import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.util.Random;

/**
 * PyTorch's parameter initialisers ({@code torch.nn.init}), drawing from a given {@link Random}
 * in row-major order so that a seeded generator gives reproducible layers (the numbers differ from
 * PyTorch's generator; the distributions are the same).
 */
public final class Init {
    private Init() {}

    /**
     * Samples of {@code U(lo, hi)}.
     *
     * @param rng the generator
     * @param lo lower bound
     * @param hi upper bound
     * @param dtype {@code FLOAT32} or {@code FLOAT64}
     * @param shape the shape
     * @return a new tensor
     */
    public static Tensor uniform(Random rng, double lo, double hi, DType dtype, int... shape) {
        Tensor t = Tensor.rand(rng, DType.FLOAT64, shape).times(hi - lo).plus(lo);
        return t.to(checkFloating("uniform", dtype));
    }

    /**
     * Samples of {@code N(mean, std²)}.
     *
     * @param rng the generator
     * @param mean the mean
     * @param std the standard deviation
     * @param dtype {@code FLOAT32} or {@code FLOAT64}
     * @param shape the shape
     * @return a new tensor
     */
    public static Tensor normal(Random rng, double mean, double std, DType dtype, int... shape) {
        Tensor t = Tensor.randn(rng, DType.FLOAT64, shape).times(std).plus(mean);
        return t.to(checkFloating("normal", dtype));
    }

    /**
     * {@code torch.nn.init.kaiming_uniform_(w, a)} with fan-in mode and leaky-ReLU gain:
     * {@code U(−bound, bound)} with {@code bound = √(2/(1 + a²)) · √(3/fanIn)}. PyTorch's Linear and
     * Conv2d use {@code a = √5}, where the bound is {@code 1/√fanIn}.
     *
     * @param rng the generator
     * @param a the negative slope of the rectifier after this layer
     * @param dtype {@code FLOAT32} or {@code FLOAT64}
     * @param shape the weight's shape; the fan-in is {@link #fanIn(int...)} of it
     * @return a new tensor
     */
    public static Tensor kaimingUniform(Random rng, double a, DType dtype, int... shape) {
        int fanIn = fanIn(shape);
        double bound = fanIn == 0 ? 0 : Math.sqrt(2 / (1 + a * a)) * Math.sqrt(3.0 / fanIn);
        return uniform(rng, -bound, bound, dtype, shape);
    }

    /**
     * The fan-in of a weight, as PyTorch computes it: {@code shape[1]} times the product of the
     * dims after it ({@code in} for a Linear weight {@code [out, in]}, {@code C·KH·KW} for a conv
     * weight {@code [OC, C, KH, KW]}).
     *
     * @param shape a weight shape of rank ≥ 2
     * @return the fan-in
     */
    public static int fanIn(int... shape) {
        if (shape.length < 2) {
            throw new FluxionException("fanIn: needs a weight of rank >= 2, got rank " + shape.length);
        }
        int fan = shape[1];
        for (int d = 2; d < shape.length; d++) {
            fan = Math.multiplyExact(fan, shape[d]);
        }
        return fan;
    }

    static DType checkFloating(String op, DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new FluxionException(op + ": dtype must be FLOAT32 or FLOAT64, got " + dtype);
        }
        return dtype;
    }
}
