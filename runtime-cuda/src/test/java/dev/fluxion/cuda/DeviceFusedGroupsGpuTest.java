package dev.fluxion.cuda;

import dev.fluxion.DType;
import dev.fluxion.FluxionException;
import dev.fluxion.Fused;
import dev.fluxion.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generated code's fused groups ({@link Fused#map}) with operands on CUDA: each group runs as
 * one generated kernel and gives the CPU's values (float32 tolerances; float64 tightly) and, bit for
 * bit, the values of its ops run one by one on the device ({@link Fused#reference}); shapes
 * broadcast as the ops would, and what does not fuse (mixed dtypes, integers, a CPU scalar
 * operand, shapes that do not broadcast) runs op by op with the unfused errors. Skipped visibly
 * without a GPU; the same checks run on the stand-in driver ({@code DeviceTensorFakeDriverTest}).
 */
class DeviceFusedGroupsGpuTest {

    /** The processor's forward and backward groups (as in the runtime's FusedTest), with two scalar operands. */
    static final List<String> GROUPS = List.of(
            "sigmoid(t0 * t1 + t2)",
            "exp(t0) / (t1 + 1.5) - 0.25",
            "tanh(t0 - t1) * t2",
            "relu(t0 * 2.0 + t1) + leakyRelu(t2, 0.01)",
            "log1p(square(t0)) + sqrt(abs(t1)) * cos(t2)",
            "softplus(-t0) + gelu(t1) - sin(t2)",
            "clamp(t0 * s0, -0.5, 0.5) + t1 * s1 - t2",
            "pow(abs(t0) + 0.5, t1) + 2.0 - t2",
            "1.0 / (t0 * t0 + 1.0) - 3.0 / (abs(t1) + 1.0) + t2",
            "unbroadcast(sigmoidBackward(t0, t1) * t2, t2)",
            "unbroadcast(reluBackward(t0, t1) * t2, t1)",
            "unbroadcast(cotangentDiv(t0, t1 + 1.0), t1)",
            "unbroadcast(t0 * sign(t1) + t2 * geluDerivative(t1), t1)",
            "unbroadcast(-(t0 * sin(t1)), t1) * t2",
            "unbroadcast(cotangentTimes(t0, t1) * t2, t2)",
            "sum(t0 * t1 - t2)",
            "mean(exp(t0) * t2)");

    /** Operand shapes: same shape, a row, a column and a single element broadcast, a 0-dim operand, rank 3. */
    static final int[][][] SHAPES = {
        {{4, 3}, {4, 3}, {4, 3}},
        {{5, 7}, {7}, {5, 7}},
        {{6, 5}, {6, 1}, {1}},
        {{}, {2, 3}, {2, 3}},
        {{2, 3, 4}, {3, 1}, {2, 3, 4}},
    };

    static final double[] SCALARS = {0.7, -1.3};

    @BeforeEach
    void gpuOnly() {
        GpuTesting.assumeGpu();
    }

    @Test
    void fusedGroupsMatchTheCpuAndTheirOpsOneByOne() {
        checkGroupsMatchTheCpuAndTheOpsOneByOne();
    }

    @Test
    void groupsThatDoNotFuseRunOpByOneWithTheUnfusedErrors() {
        checkFallbacks();
    }

    /** The body of {@link #fusedGroupsMatchTheCpuAndTheirOpsOneByOne} (also run on the fake driver). */
    static void checkGroupsMatchTheCpuAndTheOpsOneByOne() {
        List<String> failures = new ArrayList<>();
        Random rng = new Random(41);
        int cases = 0;
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (String group : GROUPS) {
                for (int[][] shapes : SHAPES) {
                    Tensor[] cpu = new Tensor[3];
                    for (int k = 0; k < 3; k++) {
                        cpu[k] = Tensor.randn(rng, dtype, shapes[k]);
                    }
                    Tensor[] dev = Arrays.stream(cpu).map(Tensor::cuda).toArray(Tensor[]::new);
                    String what = group + " " + dtype + " " + Arrays.deepToString(shapes);
                    cases++;
                    try {
                        Tensor expected = Fused.map(group, SCALARS, cpu);
                        Tensor fused = Fused.map(group, SCALARS, dev);
                        String diff = DeviceTrainingGpuTest.difference(expected, fused);
                        if (diff != null) {
                            failures.add(what + ": against the CPU, " + diff);
                        }
                        Tensor oneByOne = Fused.reference(group, SCALARS, dev);
                        if (!Arrays.equals(oneByOne.toDoubleArray(), fused.toDoubleArray())) {
                            failures.add(what + ": the fused kernel's bits differ from the ops one by one on the device");
                        }
                    } catch (RuntimeException e) {
                        failures.add(what + ": " + e);
                    }
                }
            }
        }
        int total = cases;
        assertTrue(failures.isEmpty(), () -> failures.size() + " of " + total + " fused groups differ on CUDA:\n"
                + String.join("\n", failures));
    }

    /** The body of {@link #groupsThatDoNotFuseRunOpByOneWithTheUnfusedErrors} (also run on the fake driver). */
    static void checkFallbacks() {
        Random rng = new Random(43);
        Tensor a = Tensor.randn(rng, 3, 4), b64 = Tensor.randn(rng, DType.FLOAT64, 3, 4);
        Tensor ints = Tensor.arange(12).reshape(3, 4).to(DType.INT64), scalar = Tensor.scalar(1.5);
        String group = "sigmoid(t0 * t1 + 1.0)";
        for (Tensor[] operands : List.of(new Tensor[] {a, b64}, new Tensor[] {ints, a}, new Tensor[] {a, scalar})) {
            Tensor expected = Fused.map(group, operands);
            Tensor[] dev = Arrays.stream(operands).map(t -> t.dim() == 0 ? t : t.cuda()).toArray(Tensor[]::new);
            Tensor got = Fused.map(group, dev);
            assertEquals(expected.dtype(), got.dtype(), "dtype of " + Arrays.toString(operands));
            assertEquals(null, DeviceTrainingGpuTest.difference(expected, got), "values of " + Arrays.toString(operands));
        }
        Tensor c = Tensor.randn(rng, 2, 3), d = Tensor.randn(rng, 4);
        FluxionException onCpu = assertThrows(FluxionException.class, () -> Fused.map("exp(t0 + t1)", c, d));
        FluxionException onDevice = assertThrows(FluxionException.class, () -> Fused.map("exp(t0 + t1)", c.cuda(), d.cuda()));
        assertEquals(onCpu.getMessage(), onDevice.getMessage(), "shapes that do not broadcast: the unfused error");
        FluxionException mixed = assertThrows(FluxionException.class, () -> Fused.map("exp(t0 + t1)", c.cuda(), c));
        assertTrue(mixed.getMessage().startsWith("plus: expected all tensors on one device, but found cuda:0 and cpu"),
                mixed.getMessage());
        assertArrayEquals(new int[] {2, 3}, Fused.map("exp(t0 + t1)", c.cuda(), c.cuda()).shape());
    }
}
