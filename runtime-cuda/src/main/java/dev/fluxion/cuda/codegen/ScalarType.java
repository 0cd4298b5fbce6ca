package dev.fluxion.cuda.codegen;

import dev.fluxion.DType;

/** A C element type of a kernel: how a tensor is stored on the device, or what a kernel computes in. */
public enum ScalarType {
    /** {@code float}: FLOAT32 tensors. */
    F32("float"),
    /** {@code double}: FLOAT64, and INT64 and BOOL as the runtime stores them. */
    F64("double");

    private final String c;

    ScalarType(String c) {
        this.c = c;
    }

    /** The C type name. */
    public String c() {
        return c;
    }

    /** How a tensor of {@code dtype} is stored on the device. */
    public static ScalarType storageOf(DType dtype) {
        return dtype == DType.FLOAT32 ? F32 : F64;
    }
}
