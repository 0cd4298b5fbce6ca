package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.DType;
import dev.fluxion.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Matmul epilogues ({@code opt/MatmulEpilogues}, off with {@code -Afluxion.fuse=false}): a linear
 * layer read only by its activation becomes one {@code Epilogues.linearSigmoid/Tanh/Relu} call in
 * the forward and one-pass code, a pre-activation read twice stays as it is, and the fused and
 * unfused code give the same values and gradients bit for bit (the epilogue runs the same GEMM and
 * the same elementwise kernels in place), float32 and float64, on W3's layer shapes.
 */
class MatmulEpiloguesTest {
    private static final String SOURCE = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class Layers3 {
                @Differentiable
                static Tensor mlp(@NoGrad Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2, Tensor w3, Tensor b3) {
                    Tensor h1 = sigmoid(linear(x, w1, b1));
                    Tensor h2 = tanh(linear(h1, w2, b2));
                    Tensor out = relu(linear(h2, w3, b3));
                    return out.matmul(out.t()).sum();
                }

                @Differentiable
                static Tensor reused(Tensor x, Tensor w, Tensor b) {
                    Tensor z = linear(x, w, b);
                    return sigmoid(z).matmul(z.t()).sum();
                }
            }
            """;

    private static Generated fused;
    private static Generated unfused;

    private static synchronized void compile() {
        if (fused == null) {
            fused = Generated.compileWith(List.of("-Afluxion.verify=strict"), "demo.Layers3", SOURCE);
            unfused = Generated.compileWith(List.of("-Afluxion.verify=strict", "-Afluxion.fuse=false"),
                    "demo.Layers3", SOURCE);
        }
    }

    @Test
    void aLinearReadOnlyByItsActivationBecomesOneCall() {
        compile();
        String code = ElementwiseFusionTest.source(fused);
        assertTrue(code.contains("Tensor h1 = Epilogues.linearSigmoid(x, w1, b1);"), code);
        assertTrue(code.contains("Tensor h2 = Epilogues.linearTanh(h1, w2, b2);"), code);
        assertTrue(code.contains("Tensor out = Epilogues.linearRelu(h2, w3, b3);"), code);
        // z is read by sigmoid and by the product: no epilogue.
        assertTrue(code.contains("Tensor z = F.linear(x, w, b);"), code);
        assertFalse(ElementwiseFusionTest.source(unfused).contains("Epilogues."), "fusion off");
    }

    @Test
    void fusedAndUnfusedGiveTheSameBits() {
        compile();
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Random rng = new Random(6);
            // W3's layers (8-6-4-1 over 759 rows), and a small batch.
            for (int batch : new int[] {759, 3}) {
                agree("mlp", Tensor.randn(rng, dt, batch, 8).times(3), Tensor.randn(rng, dt, 6, 8), Tensor.randn(rng, dt, 6),
                        Tensor.randn(rng, dt, 4, 6), Tensor.randn(rng, dt, 4), Tensor.randn(rng, dt, 1, 4),
                        Tensor.randn(rng, dt, 1));
            }
            agree("reused", Tensor.randn(rng, dt, 5, 3), Tensor.randn(rng, dt, 4, 3), Tensor.randn(rng, dt, 4));
        }
    }

    private static void agree(String method, Object... args) {
        ElementwiseFusionTest.agreeBitForBit(fused, unfused, "demo.Layers3Grad", method, args);
    }
}
