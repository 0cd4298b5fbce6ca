package dev.fluxion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The fused linear layers ({@link Epilogues}) give the same bits as the unfused calls they replace,
 * {@code x.matmul(w.t()).plus(b)} then the activation: W3's and W4's layer shapes (the skinny, NT
 * and packed GEMM paths), a 1-D and a 3-D input, no bias, a transposed input, a bias of another
 * dtype, float and double, and pre-activations large enough that sigmoid saturates.
 */
final class EpiloguesTest {
    /** A fused layer and the unfused calls it replaces. */
    private record Pair(String name, TriFunction fused, Function<Tensor, Tensor> activation) {}

    @FunctionalInterface
    private interface TriFunction {
        Tensor apply(Tensor x, Tensor w, Tensor b);
    }

    private static final Pair[] PAIRS = {
        new Pair("linear", Epilogues::linear, z -> z),
        new Pair("linearSigmoid", Epilogues::linearSigmoid, Tensor::sigmoid),
        new Pair("linearTanh", Epilogues::linearTanh, Tensor::tanh),
        new Pair("linearRelu", Epilogues::linearRelu, Tensor::relu),
    };

    private static Tensor gaussian(Random rng, double scale, DType dtype, int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextGaussian() * scale;
        return Tensor.fromArray(v, shape).to(dtype);
    }

    private static void assertSameBits(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        assertEquals(expected.dtype(), actual.dtype(), what);
        double[] e = expected.to(DType.FLOAT64).toDoubleArray(), a = actual.to(DType.FLOAT64).toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            if (Double.doubleToRawLongBits(e[i]) != Double.doubleToRawLongBits(a[i])) {
                throw new AssertionError(what + ": element " + i + " is " + a[i] + ", unfused " + e[i]);
            }
        }
    }

    private static void check(Tensor x, Tensor w, Tensor b, String shape) {
        for (Pair p : PAIRS) {
            Tensor product = x.matmul(w.t());
            Tensor unfused = p.activation().apply(b == null ? product : product.plus(b));
            assertSameBits(unfused, p.fused().apply(x, w, b), p.name() + " " + shape);
        }
    }

    @Test
    void sameBitsAsTheUnfusedCallsOverLayerShapes() {
        Random rng = new Random(21);
        // {batch, in, out}: W3's three layers, W4's two, and widths off the vector length.
        int[][] layers = {{759, 8, 6}, {759, 6, 4}, {759, 4, 1}, {64, 784, 256}, {64, 256, 10}, {5, 3, 17},
                {1, 9, 33}};
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] l : layers) {
                // Scale 8: pre-activations reach where sigmoid and tanh saturate.
                Tensor x = gaussian(rng, 8, dtype, l[0], l[1]);
                Tensor w = gaussian(rng, 1, dtype, l[2], l[1]);
                Tensor b = gaussian(rng, 1, dtype, l[2]);
                check(x, w, b, dtype + " " + java.util.Arrays.toString(l));
                check(x, w, null, dtype + " no bias " + java.util.Arrays.toString(l));
            }
        }
    }

    @Test
    void sameBitsForOtherLayoutsAndDtypes() {
        Random rng = new Random(22);
        Tensor w = gaussian(rng, 1, DType.FLOAT32, 6, 8);
        Tensor b = gaussian(rng, 1, DType.FLOAT32, 6);
        check(gaussian(rng, 4, DType.FLOAT32, 8), w, b, "1-D input");
        check(gaussian(rng, 4, DType.FLOAT32, 3, 5, 8), w, b, "3-D input");
        check(gaussian(rng, 4, DType.FLOAT32, 8, 40).t(), w, b, "transposed input");
        check(gaussian(rng, 4, DType.FLOAT32, 40, 8), w, b.to(DType.FLOAT64), "double bias (promotes)");
        check(gaussian(rng, 4, DType.FLOAT32, 40, 8), w, gaussian(rng, 1, DType.FLOAT32, 1), "one-element bias");
    }

    /** F.linear now takes the in-place bias path: still the bits of matmul then plus. */
    @Test
    void functionalLinearKeepsItsBits() {
        Random rng = new Random(23);
        Tensor x = gaussian(rng, 3, DType.FLOAT32, 759, 8);
        Tensor w = gaussian(rng, 1, DType.FLOAT32, 6, 8);
        Tensor b = gaussian(rng, 1, DType.FLOAT32, 6);
        assertSameBits(x.matmul(w.t()).plus(b), F.linear(x, w, b), "F.linear");
    }
}
