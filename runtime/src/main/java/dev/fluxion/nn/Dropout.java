package dev.fluxion.nn;

import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.util.Random;

/**
 * Dropout, as {@code torch.nn.Dropout(p)}: in training mode each element is zeroed with
 * probability {@code p} and the survivors are scaled by {@code 1/(1 − p)}, so the expected output
 * equals the input; in evaluation mode ({@link Module#eval()}) the input passes through unchanged.
 *
 * <p>The masks come from the given {@link Random}, so a seeded generator makes a run
 * reproducible. {@link #forward(Tensor)} is {@code x.times(mask(x))}; its derivative is
 * {@code g·mask} ({@link dev.fluxion.NnDerivatives#dropoutGrad}), with the mask the forward pass drew.
 */
public final class Dropout extends Module implements Layer {
    private final double p;
    private final Random rng;

    /**
     * @param p the probability of zeroing an element, in {@code [0, 1]}
     * @param rng the source of the masks
     * @throws FluxionException if {@code p} is out of range
     */
    public Dropout(double p, Random rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new FluxionException("Dropout: dropout probability has to be between 0 and 1, but got " + p);
        }
        this.p = p;
        this.rng = rng;
    }

    /** The dropout probability. */
    public double p() {
        return p;
    }

    /**
     * A fresh mask for an input like {@code x}: in training mode, each element independently
     * {@code 0} with probability {@code p} and {@code 1/(1 − p)} otherwise (all 0 when p = 1);
     * in evaluation mode, all ones. Same shape and dtype as {@code x}.
     *
     * @param x the input the mask is for
     * @return the mask
     */
    public Tensor mask(Tensor x) {
        if (!isTraining() || p == 0) {
            return Tensor.onesLike(x);
        }
        double scale = p == 1 ? 0 : 1 / (1 - p);
        // Draws a uniform per element in row-major order: keep where u >= p.
        // On the host (the same draws on every device), then moved to x's device.
        return Tensor.rand(rng, x.dtype(), x.shape()).ge(p).to(x.dtype()).times(scale).to(x.device());
    }

    /**
     * {@code x} with dropout applied (training) or unchanged (evaluation).
     *
     * @param x any shape
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return isTraining() && p != 0 ? x.times(mask(x)) : x;
    }

    /** {@code Dropout(p=0.5, inplace=False)}, as PyTorch prints it. */
    @Override
    public String toString() {
        return "Dropout(p=" + p + ", inplace=False)";
    }
}
