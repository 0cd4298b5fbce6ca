package dev.fluxion.cuda;

import dev.fluxion.FusedExpr;
import dev.fluxion.cuda.codegen.CudaSourceGenerator;
import dev.fluxion.cuda.codegen.ElementwiseKernel;
import dev.fluxion.cuda.codegen.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels {@link FusedGroups} generates for the processor's fused groups ({@code Fused.map}
 * expressions, float and double) compile with {@code nvcc -ptx} for compute_90 with warnings as
 * errors and define the kernels they name; their source says what they compute. Skipped visibly
 * without {@code nvcc}.
 */
class FusedGroupKernelsCompileTest {

    static List<ElementwiseKernel> kernels() {
        List<ElementwiseKernel> ks = new ArrayList<>();
        for (ScalarType type : ScalarType.values()) {
            for (String group : DeviceFusedGroupsGpuTest.GROUPS) {
                FusedExpr e = FusedExpr.parse(group);
                // The runtime sends the body; a root sum/mean or unbroadcast runs after the kernel.
                FusedExpr body = switch (e) {
                    case FusedExpr.Reduce r -> r.x();
                    case FusedExpr.Unbroadcast u -> u.x();
                    default -> e;
                };
                ks.add(FusedGroups.group(body, type).kernel());
            }
        }
        return ks;
    }

    @Test
    void everyFusedGroupKernelCompilesWithNvcc(@TempDir Path dir) throws Exception {
        KernelSourcesTesting.assertKernelsCompile(dir, "fused_groups", kernels(), "--fmad=false");
    }

    @Test
    void aGroupsKernelReadsItsTensorsAndScalarsInTheOrderTheExpressionFirstReadsThem() {
        FusedGroups.Group g = FusedGroups.group(FusedExpr.parse("clamp(t2 * s1, -0.5, 0.5) + t0 * s0 - t2"), ScalarType.F32);
        assertEquals(List.of(2, 0), java.util.Arrays.stream(g.tensors()).boxed().toList());
        assertEquals(List.of(1, 0), java.util.Arrays.stream(g.scalars()).boxed().toList());
        String source = CudaSourceGenerator.kernel(g.kernel());
        assertTrue(source.contains("out = ((clamp((in0 * p0), -0.5, 0.5) + (in1 * p1)) - in0)"), source);
        assertTrue(g.kernel().name().matches("fx_fused_[0-9a-f]{8}_float"), g.kernel().name());
    }

    @Test
    void aGroupWithMoreTensorsThanAKernelTakesIsLeftToTheOpsOneByOne() {
        StringBuilder e = new StringBuilder("t0");
        for (int i = 1; i <= ElementwiseKernel.MAX_INPUTS; i++) {
            e.append(" + t").append(i);
        }
        assertNull(FusedGroups.group(FusedExpr.parse(e.toString()), ScalarType.F32));
    }
}
