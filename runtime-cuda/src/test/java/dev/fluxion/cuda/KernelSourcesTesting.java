package dev.fluxion.cuda;

import java.nio.file.Path;

/** Test access to the nvcc lookup of {@link KernelSourcesCompileTest} from other packages. */
public final class KernelSourcesTesting {
    private KernelSourcesTesting() {
    }

    /** {@code nvcc} on PATH or in the toolkit's usual place, or null. */
    public static Path nvcc() {
        return KernelSourcesCompileTest.nvcc();
    }
}
