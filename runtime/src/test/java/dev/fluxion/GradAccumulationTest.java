package dev.fluxion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Parameter#accumulateProduct}: the weight gradient of a product accumulated in place into
 * {@code .grad}, with the semantics of {@code accumulateGrad(a.matmul(b))} (PyTorch's
 * {@code .grad += a @ b}): it accumulates across backward calls, {@code zeroGrad} keeps the buffer,
 * and a reference to {@code grad()} sees every update.
 */
class GradAccumulationTest {
    private static final Random RNG = new Random(5);

    private static double[] naiveProduct(Tensor a, Tensor b) {
        int m = a.shape()[0], k = a.shape()[1], n = b.shape()[1];
        double[][] x = new double[m][k];
        double[][] y = new double[k][n];
        double[] av = a.toDoubleArray(), bv = b.toDoubleArray();
        for (int i = 0; i < m; i++) for (int p = 0; p < k; p++) x[i][p] = av[i * k + p];
        for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) y[p][j] = bv[p * n + j];
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) s += x[i][p] * y[p][j];
                c[i * n + j] = s;
            }
        }
        return c;
    }

    private static double[] plus(double[] a, double[] b) {
        double[] r = a.clone();
        for (int i = 0; i < r.length; i++) r[i] += b[i];
        return r;
    }

    /** W [out, in] of a linear layer x·Wᵀ: ∂W = gᵀ·x, passed as the view g.t(). */
    @Test
    void linearWeightGradientAccumulatesAcrossBackwardCalls() {
        int batch = 64, in = 100, out = 24;
        Parameter w = Parameter.of(Tensor.randn(RNG, out, in));
        Tensor x = Tensor.randn(RNG, batch, in);
        Tensor g1 = Tensor.randn(RNG, batch, out);
        Tensor g2 = Tensor.randn(RNG, batch, out);
        w.accumulateProduct(g1.t(), x);
        double[] first = naiveProduct(g1.t().contiguous(), x);
        assertArrayEquals(first, w.grad().toDoubleArray(), 1e-4);
        Tensor held = w.grad();
        w.accumulateProduct(g2.t(), x);
        assertSame(held, w.grad(), "the gradient buffer is updated in place");
        double[] both = plus(first, naiveProduct(g2.t().contiguous(), x));
        assertArrayEquals(both, held.toDoubleArray(), 1e-4);
        assertArrayEquals(new int[] {out, in}, w.grad().shape());
    }

    @Test
    void zeroGradKeepsTheBufferAndTheNextProductStartsFromZero() {
        Parameter w = Parameter.of(Tensor.randn(RNG, 7, 5));
        Tensor a = Tensor.randn(RNG, 7, 33);
        Tensor b = Tensor.randn(RNG, 33, 5);
        w.accumulateGrad(Tensor.ones(7, 5));
        Tensor buffer = w.grad();
        w.zeroGrad();
        w.accumulateProduct(a, b);
        assertSame(buffer, w.grad());
        assertArrayEquals(naiveProduct(a, b), buffer.toDoubleArray(), 1e-5);
    }

    @Test
    void productAndPlainGradientsMixAsOneSum() {
        Parameter w = Parameter.of(Tensor.randn(RNG, DType.FLOAT64, 9, 130));
        Tensor a = Tensor.randn(RNG, DType.FLOAT64, 70, 9).t(); // [9, 70], transposed storage
        Tensor b = Tensor.randn(RNG, DType.FLOAT64, 70, 130);
        Tensor extra = Tensor.randn(RNG, DType.FLOAT64, 9, 130);
        w.accumulateGrad(extra);
        w.accumulateProduct(a, b);
        assertArrayEquals(plus(extra.toDoubleArray(), naiveProduct(a.contiguous(), b)), w.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void mixedDtypesTakeTheGeneralPathWithTheSameResult() {
        Parameter w = Parameter.of(Tensor.randn(RNG, 4, 6));
        Tensor a = Tensor.randn(RNG, DType.FLOAT64, 4, 3);
        Tensor b = Tensor.randn(RNG, DType.FLOAT64, 3, 6);
        w.accumulateProduct(a, b);
        assertNotNull(w.grad());
        assertEquals(DType.FLOAT32, w.grad().dtype());
        assertArrayEquals(naiveProduct(a, b), w.grad().toDoubleArray(), 1e-5);
    }

    @Test
    void anOperandInTheGradientsOwnStorageIsReadBeforeItIsOverwritten() {
        Parameter w = Parameter.of(Tensor.randn(RNG, 3, 3));
        w.accumulateGrad(Tensor.of(new double[][] {{1, 2, 0}, {0, 1, 0}, {0, 0, 1}}));
        Tensor g = w.grad();
        double[] before = g.toDoubleArray();
        w.accumulateProduct(g, g); // grad += grad·grad
        Tensor gv = Tensor.fromArray(before, 3, 3);
        assertArrayEquals(plus(before, naiveProduct(gv, gv)), w.grad().toDoubleArray(), 1e-6);
    }

    @Test
    void aProductOfTheWrongShapeIsRejected() {
        Parameter w = Parameter.of(Tensor.zeros(4, 6));
        FluxionException e = assertThrows(FluxionException.class,
                () -> w.accumulateProduct(Tensor.zeros(4, 3), Tensor.zeros(3, 5)));
        assertEquals(true, e.getMessage().contains("[4, 6]"), e.getMessage());
    }

    @Test
    void anOwnedGradientIsAdoptedWithoutACopyAndThenAccumulatedInto() {
        Parameter w = Parameter.of(Tensor.zeros(DType.FLOAT64, 2, 3));
        Tensor g = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        w.accumulateOwnedGrad(g);
        assertSame(g, w.grad(), "the first owned gradient becomes the buffer");
        w.accumulateOwnedGrad(Tensor.of(new double[][] {{0.5, 0.5, 0.5}, {1, 1, 1}}));
        assertSame(g, w.grad(), "later ones are added into it");
        assertArrayEquals(new double[] {1.5, 2.5, 3.5, 5, 6, 7}, w.grad().toDoubleArray(), 0);
    }

    @Test
    void anOwnedGradientThatIsAViewOrOfAnotherLayoutIsCopiedNotAdopted() {
        Tensor base = Tensor.of(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        Parameter w = Parameter.of(Tensor.zeros(DType.FLOAT64, 2, 3));
        Tensor view = base.t(); // [2, 3], strides [1, 2]
        w.accumulateOwnedGrad(view);
        assertEquals(false, w.grad() == view);
        assertArrayEquals(new double[] {1, 3, 5, 2, 4, 6}, w.grad().toDoubleArray(), 0);
        Parameter row = Parameter.of(Tensor.zeros(DType.FLOAT64, 2));
        Tensor window = base.reshape(6).slice(0, 0, 2); // offset 0, but a window of a larger storage: {1, 2}
        row.accumulateOwnedGrad(window);
        assertEquals(false, row.grad() == window);
        row.grad().addInPlace(Tensor.of(1.0, 1.0), 1);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, base.reshape(6).toDoubleArray(), 0,
                "accumulating must not write into the storage the window came from");
        Parameter broadcast = Parameter.of(Tensor.zeros(DType.FLOAT64, 2, 3));
        broadcast.accumulateOwnedGrad(Tensor.of(1.0, 2.0, 3.0)); // broadcasts along the rows
        assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3}, broadcast.grad().toDoubleArray(), 0);
    }

    @Test
    void theParametersOwnValuesAreNeverAdoptedAsItsGradient() {
        Parameter w = Parameter.of(Tensor.of(1.0, 2.0));
        w.accumulateOwnedGrad(w);
        assertEquals(false, w.grad() == (Tensor) w);
        w.grad().addInPlace(Tensor.of(1.0, 1.0), 1);
        assertArrayEquals(new double[] {1, 2}, w.toDoubleArray(), 0);
    }
}
