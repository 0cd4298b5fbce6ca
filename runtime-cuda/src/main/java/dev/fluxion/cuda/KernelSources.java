package dev.fluxion.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The CUDA C kernel files shipped as resources ({@code dev/fluxion/cuda/kernels/*.cu}); each is
 * compiled as {@code common.cuh} followed by the file, into one module.
 */
public enum KernelSources {
    ELEMENTWISE("elementwise"),
    REDUCE("reduce"),
    SOFTMAX("softmax"),
    LOSSES("losses");

    private final String fileName;
    private volatile String source;

    KernelSources(String fileName) {
        this.fileName = fileName;
    }

    /** The module's name: its file name without {@code .cu}. */
    public String moduleName() {
        return fileName;
    }

    /** The complete translation unit: the shared definitions, then this file. */
    public String source() {
        String s = source;
        if (s == null) {
            s = read("common.cuh") + "\n" + read(fileName + ".cu");
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
