package dev.fluxion.cuda;

import dev.fluxion.cuda.codegen.CudaSourceGenerator;
import dev.fluxion.cuda.codegen.ElementwiseKernel;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test access to {@code nvcc} (the lookup of {@link KernelSourcesCompileTest}) from every test package. */
public final class KernelSourcesTesting {
    private KernelSourcesTesting() {
    }

    /** {@code nvcc} on PATH or in the toolkit's usual place, or null. */
    public static Path nvcc() {
        return KernelSourcesCompileTest.nvcc();
    }

    /**
     * The PTX of {@code source} compiled by {@code nvcc -ptx} for compute_90 (the architecture NVRTC
     * targets on an H100) with warnings as errors, plus {@code extraOptions}; the test fails with
     * nvcc's output if it does not compile, and is skipped visibly without nvcc.
     */
    public static String ptx(Path dir, String name, String source, String... extraOptions) throws Exception {
        Path nvcc = nvcc();
        Assumptions.assumeTrue(nvcc != null, "nvcc not found on PATH or in /usr/local/cuda/bin: compile check of "
                + name + " skipped");
        Path src = dir.resolve(name + ".cu");
        Files.writeString(src, source);
        Path ptx = dir.resolve(name + ".ptx");
        List<String> command = new ArrayList<>(List.of(nvcc.toString(), "-ptx", "--gpu-architecture=compute_90",
                "--std=c++17", "-Werror", "all-warnings"));
        command.addAll(List.of(extraOptions));
        command.addAll(List.of(src.toString(), "-o", ptx.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "nvcc timed out on " + name);
        assertEquals(0, p.exitValue(), () -> "nvcc failed on " + name + ".cu:\n" + output);
        return Files.readString(ptx);
    }

    /**
     * Compiles {@code kernels} as one translation unit (the generated kernels' header once, then each
     * kernel, as many modules would hold them) with {@link #ptx} and checks that the PTX defines each.
     */
    public static void assertKernelsCompile(Path dir, String name, List<ElementwiseKernel> kernels, String... extraOptions)
            throws Exception {
        StringBuilder unit = new StringBuilder(CudaSourceGenerator.header());
        for (ElementwiseKernel k : kernels) {
            unit.append('\n').append(CudaSourceGenerator.kernel(k));
        }
        String text = ptx(dir, name, unit.toString(), extraOptions);
        for (ElementwiseKernel k : kernels) {
            assertTrue(text.contains(".entry " + k.name() + "("), () -> "no kernel " + k.name() + " in the PTX of " + name);
        }
    }
}
