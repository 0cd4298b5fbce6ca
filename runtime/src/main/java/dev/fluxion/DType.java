package dev.fluxion;

/**
 * Element types of a {@link Tensor}.
 *
 * <p>FLOAT32 tensors store a {@code float[]}; FLOAT64, INT64 and BOOL store a {@code double[]}
 * (integers up to 2⁵³ and truth values 0/1 are exact there). INT64 and BOOL results come from
 * {@code argmax} and comparisons and carry no gradient.
 */
public enum DType {
    /** 32-bit IEEE float, the default. */
    FLOAT32,
    /** 64-bit IEEE float. */
    FLOAT64,
    /** Integers (indices), held exactly in a double. */
    INT64,
    /** Truth values 0 and 1. */
    BOOL;

    /** Whether values of this type are floating point (and can carry a gradient). */
    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** PyTorch's name of this type, as printed by {@code toString}: {@code torch.float32}, .... */
    public String torchName() {
        return switch (this) {
            case FLOAT32 -> "torch.float32";
            case FLOAT64 -> "torch.float64";
            case INT64 -> "torch.int64";
            case BOOL -> "torch.bool";
        };
    }

    /**
     * The type of an arithmetic result of operands {@code a} and {@code b}, as PyTorch promotes:
     * float64 if either is, else float32 if either is, else int64.
     */
    public static DType promote(DType a, DType b) {
        if (a == FLOAT64 || b == FLOAT64) {
            return FLOAT64;
        }
        if (a == FLOAT32 || b == FLOAT32) {
            return FLOAT32;
        }
        return INT64;
    }
}
