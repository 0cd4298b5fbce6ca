package dev.fluxion.cuda;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kernel file compiles with {@code nvcc -ptx} for the architecture NVRTC targets on an H100
 * (compute_90), and defines every kernel the Java side launches, in float and double.
 */
class KernelSourcesCompileTest {

    static final List<String> UNARY = List.of("neg", "abs", "exp", "log", "log1p", "sqrt", "square", "sigmoid",
            "tanh", "relu", "gelu", "softplus", "sin", "cos", "leaky_relu", "clamp", "affine", "rdiv", "pow_scalar");
    static final List<String> UNARY_BACKWARD = List.of("abs", "exp", "log", "log1p", "sqrt", "square", "sigmoid",
            "tanh", "relu", "gelu", "softplus", "sin", "cos", "leaky_relu", "clamp", "rdiv", "pow_scalar");

    /** The kernels each file must define (without the _f32/_f64 suffix). */
    static List<String> expectedKernels(KernelSources file) {
        List<String> names = new ArrayList<>();
        switch (file) {
            case ELEMENTWISE -> {
                names.addAll(UNARY);
                UNARY_BACKWARD.forEach(n -> names.add(n + "_backward"));
                names.addAll(List.of("add", "sub", "mul", "div", "mul_backward", "div_backward", "axpy", "fill",
                        "fill_from_scalar", "sum_to_suffix", "broadcast_dim"));
            }
            case REDUCE -> names.addAll(List.of("sum_rows", "max_rows", "sum_partial", "max_partial", "sum_dim",
                    "max_dim", "eq_scalar_mask", "max_all_backward", "max_dim_backward", "argmax_dim"));
            case SOFTMAX -> names.addAll(List.of("softmax_rows", "softmax_rows_backward"));
            case LOSSES -> names.addAll(List.of("mse_partial", "mse_backward", "bce_partial", "bce_backward",
                    "cross_entropy_rows", "cross_entropy_backward"));
            case INDEXING -> names.addAll(List.of("gather", "scatter_add", "copy_into"));
            case CONV -> names.addAll(List.of("im2col", "col2im", "max_pool", "max_pool_backward"));
        }
        return names;
    }

    static Path nvcc() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path p = Path.of(dir, "nvcc");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String candidate : List.of("/usr/local/cuda/bin/nvcc", "/usr/local/cuda-13.0/bin/nvcc")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }

    @ParameterizedTest
    @EnumSource(KernelSources.class)
    void compilesWithNvccAndDefinesEveryLaunchedKernel(KernelSources file, @TempDir Path dir) throws Exception {
        String text = KernelSourcesTesting.ptx(dir, file.moduleName(), file.source());
        for (String name : expectedKernels(file)) {
            for (String suffix : List.of("_f32", "_f64")) {
                assertTrue(text.contains(".entry " + name + suffix + "("),
                        () -> file.moduleName() + ".cu defines no kernel " + name + suffix);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KernelSources.class)
    void sourceNeedsNoIncludeSoNvrtcCompilesItAlone(KernelSources file) throws IOException {
        assertTrue(!file.source().contains("#include"), file.moduleName() + ".cu must not #include: NVRTC has no system headers");
    }
}
