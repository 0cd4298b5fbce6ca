package dev.fluxion.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The CUDA C kernel files shipped as resources ({@code dev/fluxion/cuda/kernels/*.cu}); each is
 * compiled as its header followed by the file, into one module: {@code common.cuh}, or for the
 * files whose kernels find their operands through an {@code FxGeometry}, {@code fused.cuh} (the
 * generated kernels' header).
 */
public enum KernelSources {
    ELEMENTWISE("elementwise", "common.cuh"),
    REDUCE("reduce", "common.cuh"),
    SOFTMAX("softmax", "common.cuh"),
    LOSSES("losses", "common.cuh"),
    /** Gather, its scatter-add adjoint, copies into views. */
    INDEXING("indexing", "fused.cuh"),
    /** im2col, col2im, max pooling and its gradient. */
    CONV("conv", "common.cuh");

    private final String fileName;
    private final String header;
    private volatile String source;

    KernelSources(String fileName, String header) {
        this.fileName = fileName;
        this.header = header;
    }

    /** The module's name: its file name without {@code .cu}. */
    public String moduleName() {
        return fileName;
    }

    /** The complete translation unit: the shared definitions, then this file. */
    public String source() {
        String s = source;
        if (s == null) {
            s = read(header) + "\n" + read(fileName + ".cu");
            source = s;
        }
        return s;
    }

    /** All kernel files. */
    public static List<KernelSources> all() {
        return List.of(values());
    }

    private static String read(String name) {
        try (InputStream in = KernelSources.class.getResourceAsStream("kernels/" + name)) {
            if (in == null) {
                throw new IllegalStateException("kernel resource dev/fluxion/cuda/kernels/" + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
