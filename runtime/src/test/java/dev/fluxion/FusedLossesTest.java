package dev.fluxion;

import java.util.Arrays;
import java.util.Random;

import dev.fluxion.kernel.BceKernels;
import org.junit.jupiter.api.Test;

import static dev.fluxion.TestTensors.assertClose;
import static dev.fluxion.TestTensors.gradCheck;
import static dev.fluxion.TestTensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The one-pass cross-entropy, NLL and BCE kernels (forward and gradient) against the composed
 * ops they replace, float64 finite differences and values computed with PyTorch 1.13.
 */
class FusedLossesTest {
    private static final int[][] CLASS_SHAPES = {{1, 1}, {1, 3}, {5, 1}, {4, 10}, {3, 16}, {7, 17}, {64, 10}, {2, 50}, {2000, 40}};

    private static double rtol(DType t) {
        return t == DType.FLOAT32 ? 2e-5 : 1e-12;
    }

    private static double atol(DType t) {
        return t == DType.FLOAT32 ? 2e-6 : 1e-13;
    }

    private static Tensor classes(Random rng, int rows, int c, DType dtype) {
        double[] t = new double[rows];
        for (int i = 0; i < rows; i++) t[i] = rng.nextInt(c);
        return Tensor.of(t).to(dtype);
    }

    /** The cotangent of a loss: 0-dim for MEAN/SUM, per sample for NONE. */
    private static Tensor cotangent(Random rng, DType dtype, Reduction r, int... perSample) {
        return r == Reduction.NONE ? uniform(rng, dtype, -1, 1, perSample) : Tensor.scalar(0.5 + rng.nextDouble(), dtype);
    }

    @Test
    void crossEntropyAndNllMatchComposedOps() {
        Random rng = new Random(11);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : CLASS_SHAPES) {
                Tensor logits = uniform(rng, dtype, -6, 6, shape);
                // Class indices as float32, int64 and a strided float64 view: all read from storage.
                Tensor strided = Tensor.zeros(DType.FLOAT64, shape[0] * 2).slice(0, 0, shape[0] * 2, 2)
                        .copyInPlace(classes(rng, shape[0], shape[1], DType.FLOAT64));
                for (Tensor target : new Tensor[] {classes(rng, shape[0], shape[1], DType.FLOAT32),
                        classes(rng, shape[0], shape[1], DType.INT64), strided}) {
                    for (Reduction r : Reduction.values()) {
                        String what = dtype + " " + Arrays.toString(shape) + " " + target.dtype() + " " + r;
                        check(Losses.crossEntropyComposed(logits, target, r), F.crossEntropy(logits, target, r), dtype, "CE " + what);
                        Tensor logProbs = logits.logSoftmax(1);
                        check(Losses.nllLossComposed("nllLoss", logProbs, target, r), F.nllLoss(logProbs, target, r), dtype,
                                "nll " + what);
                        Tensor g = cotangent(rng, dtype, r, shape[0]);
                        check(Derivatives.crossEntropyGradComposed(g, logits, target, r),
                                Derivatives.crossEntropyGrad(g, logits, target, r), dtype, "CE grad " + what);
                        check(Derivatives.nllLossGradComposed(g, logProbs, target, r),
                                Derivatives.nllLossGrad(g, logProbs, target, r), dtype, "nll grad " + what);
                    }
                }
            }
            // Unbatched: logits [C], target [].
            Tensor l1 = uniform(rng, dtype, -3, 3, 20);
            Tensor c1 = Tensor.scalar(7, DType.INT64);
            for (Reduction r : Reduction.values()) {
                check(Losses.crossEntropyComposed(l1, c1, r), F.crossEntropy(l1, c1, r), dtype, "CE unbatched " + r);
                Tensor g = cotangent(rng, dtype, r);
                check(Derivatives.crossEntropyGradComposed(g, l1, c1, r), Derivatives.crossEntropyGrad(g, l1, c1, r), dtype,
                        "CE grad unbatched " + r);
                check(Derivatives.nllLossGradComposed(g, l1, c1, r), Derivatives.nllLossGrad(g, l1, c1, r), dtype,
                        "nll grad unbatched " + r);
            }
        }
    }

    @Test
    void crossEntropyErrorsAreUnchanged() {
        Tensor logits = Tensor.of(new float[][] {{1, 2, 3}, {1, 1, 1}});
        for (Tensor bad : new Tensor[] {Tensor.of(3f, 0f), Tensor.of(0.5f, 0f), Tensor.of(-1f, 0f), Tensor.of(1f, 0f, 1f)}) {
            String fused = assertThrows(FluxionException.class, () -> F.crossEntropy(logits, bad)).getMessage();
            String composed = assertThrows(FluxionException.class, () -> Losses.crossEntropyComposed(logits, bad, Reduction.MEAN))
                    .getMessage();
            assertEquals(composed, fused);
            assertThrows(FluxionException.class, () -> Derivatives.crossEntropyGrad(Tensor.scalar(1, DType.FLOAT32), logits, bad,
                    Reduction.MEAN));
        }
    }

    @Test
    void crossEntropyAgreesWithPyTorch() {
        // PyTorch 1.13, float64: x as below, t = [2, 0, 3];
        // l = F.cross_entropy(x, t, reduction=red); g, = torch.autograd.grad(l, x)
        Tensor x = Tensor.of(new double[][] {{0.5, -1.25, 2.0, 0.0}, {3.0, 3.0, -2.0, 1.5}, {-0.75, 0.25, 0.125, -4.0}});
        Tensor t = Tensor.of(2f, 0f, 3f);
        assertEquals(2.0679523708450716, F.crossEntropy(x, t).item(), 1e-14);
        assertEquals(6.203857112535214, F.crossEntropy(x, t, Reduction.SUM).item(), 1e-14);
        TestTensors.assertTensor(Derivatives.crossEntropyGrad(Tensor.scalar(1), x, t, Reduction.MEAN), new int[] {3, 4},
                0.05323118334403608, 0.009250192644226803, -0.09476772073920521, 0.032286344750942345,
                -0.1838476609454095, 0.14948567238792382, 0.0010072265376724848, 0.03335476201981316,
                0.05414831898707524, 0.14719039154417052, 0.1298950646279443, -0.33123377515919006);
        TestTensors.assertTensor(Derivatives.crossEntropyGrad(Tensor.scalar(1), x, t, Reduction.SUM), new int[] {3, 4},
                0.15969355003210825, 0.02775057793268041, -0.28430316221761565, 0.09685903425282705,
                -0.5515429828362286, 0.44845701716377145, 0.0030216796130174547, 0.1000642860594395,
                0.16244495696122574, 0.44157117463251155, 0.38968519388383294, -0.9937013254775703);
        Tensor xf = x.toFloat();
        assertEquals(2.0679523708450716, F.crossEntropy(xf, t).item(), 1e-6);
    }

    @Test
    void bceAgreesWithPyTorch() {
        // PyTorch 1.13, float64: F.binary_cross_entropy(p, y) (mean) and its gradient;
        // F.binary_cross_entropy_with_logits(z, y, reduction='sum') and its gradient.
        Tensor p = Tensor.of(0.2, 0.9, 0.5, 1e-3, 0.999);
        Tensor y = Tensor.of(0.0, 1.0, 1.0, 1.0, 0.0);
        assertEquals(2.967432361099251, F.bce(p, y).item(), 1e-13);
        TestTensors.assertTensor(Derivatives.bceGrad(Tensor.scalar(1), p, y, Reduction.MEAN), new int[] {5},
                0.24999999999999994, -0.22222222222222224, -0.4, -199.99999999999997, 199.9999999999998);
        Tensor z = Tensor.of(-3.0, 0.5, 2.0, -0.25, 10.0);
        assertEquals(11.475577165574883, F.bceWithLogits(z, y, Reduction.SUM).item(), 1e-13);
        TestTensors.assertTensor(Derivatives.bceWithLogitsGrad(Tensor.scalar(1), z, y, Reduction.SUM), new int[] {5},
                0.04742587317756678, -0.3775406687981454, -0.11920292202211769, -0.5621765008857981, 0.9999546021312976);
    }

    @Test
    void bceMatchesComposedOps() {
        Random rng = new Random(12);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : new int[][] {{1}, {7}, {16}, {33}, {759, 1}, {3, 1, 5}, {1, 1}}) {
                Tensor p = uniform(rng, dtype, 0.01, 0.99, shape);
                Tensor z = uniform(rng, dtype, -8, 8, shape);
                Tensor y = uniform(rng, dtype, 0, 1, shape);
                for (Reduction r : Reduction.values()) {
                    String what = dtype + " " + Arrays.toString(shape) + " " + r;
                    check(Losses.bceComposed(p, y, r), F.bce(p, y, r), dtype, "bce " + what);
                    check(Losses.bceWithLogitsComposed(z, y, r), F.bceWithLogits(z, y, r), dtype, "bceWithLogits " + what);
                    Tensor g = cotangent(rng, dtype, r, shape);
                    check(Derivatives.bceGradComposed(g, p, y, r), Derivatives.bceGrad(g, p, y, r), dtype, "bceGrad " + what);
                    check(Derivatives.bceWithLogitsGradComposed(g, z, y, r), Derivatives.bceWithLogitsGrad(g, z, y, r), dtype,
                            "bceWithLogitsGrad " + what);
                }
            }
            // The clamps: log 0 = −∞ becomes −100, p(1 − p) = 0 becomes 1e−12.
            Tensor p = Tensor.of(0.0, 1.0, 0.0, 1.0, 0.5).to(dtype);
            Tensor y = Tensor.of(1.0, 0.0, 0.0, 1.0, 1.0).to(dtype);
            for (Reduction r : Reduction.values()) {
                check(Losses.bceComposed(p, y, r), F.bce(p, y, r), dtype, "bce clamp " + r);
                Tensor g = cotangent(rng, dtype, r, 5);
                check(Derivatives.bceGradComposed(g, p, y, r), Derivatives.bceGrad(g, p, y, r), dtype, "bceGrad clamp " + r);
            }
        }
    }

    @Test
    void vectorBceMatchesTheScalarReference() {
        Random rng = new Random(13);
        for (int n : new int[] {1, 15, 16, 17, 100, 759}) {
            float[] p = new float[n + 3], z = new float[n + 3], y = new float[n + 3];
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) (0.001 + 0.998 * rng.nextDouble());
                z[i] = (float) (rng.nextGaussian() * 5);
                y[i] = rng.nextInt(2);
            }
            float[] a = new float[n], b = new float[n];
            double sa = BceKernels.bce(p, 3, y, 3, n, a);
            double sb = BceKernels.bceReference(p, 3, y, 3, n, b);
            assertEquals(sb, sa, 1e-5 * Math.abs(sb) + 1e-6, "bce sum n=" + n);
            assertClose(toDouble(b), toDouble(a), 1e-5, 1e-6, "bce n=" + n);
            sa = BceKernels.bceWithLogits(z, 3, y, 3, n, a);
            sb = BceKernels.bceWithLogitsReference(z, 3, y, 3, n, b);
            assertEquals(sb, sa, 1e-5 * Math.abs(sb) + 1e-6, "bceWithLogits sum n=" + n);
            assertClose(toDouble(b), toDouble(a), 1e-5, 1e-6, "bceWithLogits n=" + n);
        }
    }

    @Test
    void gradientsAgreeWithFiniteDifferences() {
        Random rng = new Random(14);
        Tensor logits = uniform(rng, DType.FLOAT64, -3, 3, 6, 17);
        Tensor classes = classes(rng, 6, 17, DType.INT64);
        Tensor p = uniform(rng, DType.FLOAT64, 0.05, 0.95, 20);
        Tensor z = uniform(rng, DType.FLOAT64, -4, 4, 20);
        Tensor y = uniform(rng, DType.FLOAT64, 0, 1, 20);
        for (Reduction r : Reduction.values()) {
            gradCheck("crossEntropyGrad " + r, logits, t -> F.crossEntropy(t, classes, r),
                    (g, o) -> Derivatives.crossEntropyGrad(g, logits, classes, r), rng);
            Tensor logProbs = logits.logSoftmax(1);
            gradCheck("nllLossGrad " + r, logProbs, t -> F.nllLoss(t, classes, r),
                    (g, o) -> Derivatives.nllLossGrad(g, logProbs, classes, r), rng);
            gradCheck("bceGrad " + r, p, t -> F.bce(t, y, r), (g, o) -> Derivatives.bceGrad(g, p, y, r), rng);
            gradCheck("bceWithLogitsGrad " + r, z, t -> F.bceWithLogits(t, y, r),
                    (g, o) -> Derivatives.bceWithLogitsGrad(g, z, y, r), rng);
        }
    }

    private static void check(Tensor expected, Tensor actual, DType dtype, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertEquals(expected.dtype(), actual.dtype(), what + ": dtype");
        assertClose(expected.toDoubleArray(), actual.toDoubleArray(), rtol(dtype), atol(dtype), what);
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
