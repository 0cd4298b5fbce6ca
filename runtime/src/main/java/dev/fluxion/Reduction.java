package dev.fluxion;

/** How a loss combines its per-element values, as PyTorch's {@code reduction=} argument. */
public enum Reduction {
    /** The mean over elements (the default). */
    MEAN,
    /** The sum over elements. */
    SUM,
    /** No reduction: one loss per element (per sample for cross-entropy and NLL). */
    NONE
}
