package dev.fluxion.nn;

import dev.fluxion.DType;
import dev.fluxion.F;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * A fully connected layer, {@code y = x·Wᵀ + b}, the counterpart of {@code torch.nn.Linear}.
 *
 * <p>{@link #weight} has shape {@code [out, in]} and {@link #bias} shape {@code [out]}. Both start
 * as PyTorch initialises them: every element drawn independently from
 * {@code U(−1/√in, 1/√in)} (kaiming-uniform with {@code a = √5} for the weight, which reduces to
 * that bound; the bias uses the same bound). With {@code in == 0} the bound is 0, as in PyTorch.
 * The draws come from the given {@link Random}, weight first in row-major order, then bias, so a
 * seeded generator gives a reproducible layer (the numbers differ from PyTorch's generator).
 */
public final class Linear extends Module implements Layer {
    /** The weight {@code W}, shape {@code [out, in]}. */
    public final Parameter weight;

    /** The bias {@code b}, shape {@code [out]}; null for a layer built with {@code bias = false}. */
    public final @Nullable Parameter bias;

    private final int in;
    private final int out;

    /**
     * A float32 layer with bias.
     *
     * @param in number of input features (the last dimension of {@code x})
     * @param out number of output features
     * @param rng source of the initial values
     */
    public Linear(int in, int out, Random rng) {
        this(in, out, true, DType.FLOAT32, rng);
    }

    /**
     * A float32 layer, with or without bias.
     *
     * @param in number of input features
     * @param out number of output features
     * @param bias whether the layer adds a learned bias
     * @param rng source of the initial values
     */
    public Linear(int in, int out, boolean bias, Random rng) {
        this(in, out, bias, DType.FLOAT32, rng);
    }

    /**
     * A layer whose parameters have the given floating dtype (float64 for gradient checks).
     *
     * @param in number of input features
     * @param out number of output features
     * @param bias whether the layer adds a learned bias
     * @param dtype {@code FLOAT32} or {@code FLOAT64}
     * @param rng source of the initial values
     * @throws IllegalArgumentException if a size is negative or the dtype is not floating point
     */
    public Linear(int in, int out, boolean bias, DType dtype, Random rng) {
        if (in < 0 || out < 0) {
            throw new IllegalArgumentException("Linear: sizes must be >= 0, got in=" + in + ", out=" + out);
        }
        if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
            throw new IllegalArgumentException("Linear: dtype must be FLOAT32 or FLOAT64, got " + dtype);
        }
        this.in = in;
        this.out = out;
        double bound = in > 0 ? 1.0 / Math.sqrt(in) : 0.0;
        this.weight = param(uniform(rng, bound, dtype, out, in));
        this.bias = bias ? param(uniform(rng, bound, dtype, out)) : null;
    }

    /** Number of input features. */
    public int inFeatures() {
        return in;
    }

    /** Number of output features. */
    public int outFeatures() {
        return out;
    }

    /**
     * Applies the layer: {@code y[..., j] = Σ_k x[..., k]·W[j, k] + b[j]}, through the known op
     * {@code F.linear(x, weight, bias)}, so generated backward code differentiates through it.
     *
     * @param x input of shape {@code [..., in]}
     * @return output of shape {@code [..., out]}
     */
    @Override
    public Tensor forward(Tensor x) {
        return F.linear(x, weight, bias);
    }

    /** Like PyTorch: {@code Linear(in_features=3, out_features=2, bias=true)}. */
    @Override
    public String toString() {
        return "Linear(in_features=" + in + ", out_features=" + out + ", bias=" + (bias != null) + ")";
    }

    private static Tensor uniform(Random rng, double bound, DType dtype, int... shape) {
        int n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = (2 * rng.nextDouble() - 1) * bound;
        }
        Tensor t = Tensor.fromArray(values, shape);
        return dtype == DType.FLOAT64 ? t : t.toFloat();
    }
}
