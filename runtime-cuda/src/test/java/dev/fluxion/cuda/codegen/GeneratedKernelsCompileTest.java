package dev.fluxion.cuda.codegen;

import dev.fluxion.DType;
import dev.fluxion.cuda.KernelSourcesTesting;
import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.UnaryOp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kernel the generator can produce for a single op (each {@link UnaryOp} and {@link BinaryOp},
 * float and double, a scalar argument), casts, {@code where}, and fused groups (the MLP's
 * bias-add + ReLU, its ReLU backward, an Adam update, a group mixing float inputs with double
 * compute) compiles with {@code nvcc -ptx} for compute_90 with warnings as errors, and defines
 * the kernel it names. Skipped visibly without {@code nvcc}.
 */
class GeneratedKernelsCompileTest {

    static List<ElementwiseKernel> everyKernel() {
        List<ElementwiseKernel> ks = new ArrayList<>();
        for (ScalarType t : ScalarType.values()) {
            for (UnaryOp op : UnaryOp.values()) {
                ks.add(ElementwiseKernel.of("unary_" + op.name().toLowerCase() + "_" + t.c(), 1, t,
                        new Expr.Unary(op, Expr.input(0), 0.01, 6), ""));
            }
            for (BinaryOp op : BinaryOp.values()) {
                ks.add(ElementwiseKernel.of("binary_" + op.name().toLowerCase() + "_" + t.c(), 2, t,
                        Expr.binary(op, Expr.input(0), Expr.input(1)), ""));
                ks.add(ElementwiseKernel.of("binary_scalar_" + op.name().toLowerCase() + "_" + t.c(), 1, t,
                        Expr.binary(op, Expr.input(0), Expr.param(0)), ""));
            }
            for (DType d : DType.values()) {
                ks.add(ElementwiseKernel.of("cast_" + d.name().toLowerCase() + "_" + t.c(), 1, t,
                        new Expr.Cast(d, Expr.input(0)), ""));
            }
            ks.add(ElementwiseKernel.of("where_" + t.c(), 3, t,
                    new Expr.Where(Expr.input(0), Expr.input(1), Expr.input(2)), ""));
            ks.add(ElementwiseKernel.of("constants_" + t.c(), 1, t,
                    Expr.binary(BinaryOp.PLUS, Expr.binary(BinaryOp.TIMES, Expr.input(0), Expr.constant(-0.5)),
                            Expr.binary(BinaryOp.MAX, Expr.constant(Double.NEGATIVE_INFINITY),
                                    Expr.binary(BinaryOp.MIN, Expr.constant(Double.NaN), Expr.constant(1e-12)))), ""));
        }
        ks.addAll(fusedExamples());
        return ks;
    }

    /** Groups a fusion pass forms in a training step. */
    static List<ElementwiseKernel> fusedExamples() {
        Expr x = Expr.input(0), b = Expr.input(1);
        ElementwiseKernel biasRelu = ElementwiseKernel.of("mlp_hidden_bias_relu", 2, ScalarType.F32,
                Expr.unary(UnaryOp.RELU, Expr.binary(BinaryOp.PLUS, x, b)),
                "at MnistMlp.java:26: return output.forward(relu(hidden.forward(images)));");
        ElementwiseKernel reluBackward = ElementwiseKernel.of("mlp_relu_backward", 2, ScalarType.F32,
                Expr.binary(BinaryOp.RELU_BACKWARD, Expr.input(0), Expr.input(1)),
                "in the backward pass of MnistMlp.java:26: relu(hidden.forward(images))");
        // Adam's parameter update: p − lr · m̂ / (√v̂ + ε), with m̂ = m / c1 and v̂ = v / c2 as scalar arguments.
        Expr m = Expr.input(1), v = Expr.input(2);
        Expr mHat = Expr.binary(BinaryOp.DIV, m, Expr.param(1));
        Expr vHat = Expr.binary(BinaryOp.DIV, v, Expr.param(2));
        Expr denom = Expr.binary(BinaryOp.PLUS, Expr.unary(UnaryOp.SQRT, vHat), Expr.constant(1e-8));
        ElementwiseKernel adam = ElementwiseKernel.of("adam_update", 3, ScalarType.F32,
                Expr.binary(BinaryOp.MINUS, Expr.input(0),
                        Expr.binary(BinaryOp.TIMES, Expr.param(0), Expr.binary(BinaryOp.DIV, mHat, denom))),
                "Adam.step");
        ElementwiseKernel mixed = new ElementwiseKernel("mixed_types_gelu_clamp",
                List.of(ScalarType.F32, ScalarType.F64), 0, ScalarType.F64, ScalarType.F32,
                new Expr.Unary(UnaryOp.CLAMP, Expr.unary(UnaryOp.GELU, Expr.binary(BinaryOp.TIMES, x, b)), -1, 1),
                "Model.java:12: return clamp(gelu(x * scale), -1, 1);");
        return List.of(biasRelu, reluBackward, adam, mixed);
    }

    @Test
    void everyGeneratedKernelCompilesWithNvcc(@TempDir Path dir) throws Exception {
        KernelSourcesTesting.assertKernelsCompile(dir, "generated", everyKernel());
    }

    @Test
    void eachKernelAloneIsACompleteTranslationUnitForNvrtc(@TempDir Path dir) throws Exception {
        for (ElementwiseKernel k : fusedExamples()) {
            String source = CudaSourceGenerator.source(k);
            assertTrue(!source.contains("#include"), "NVRTC has no system headers: " + k.name());
            KernelSourcesTesting.ptx(dir, k.name(), source);
        }
    }
}
