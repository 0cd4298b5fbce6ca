package dev.fluxion;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static dev.fluxion.TestTensors.assertClose;
import static dev.fluxion.TestTensors.assertTensor;
import static dev.fluxion.TestTensors.at;
import static dev.fluxion.TestTensors.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** torch.matmul semantics, checked against a naive triple loop. */
class MatMulTest {
    /** C[b..., i, j] = Σ_p A[b..., i, p] B[b..., p, j] with broadcast batch dims (3-D operands). */
    private static double[] naive3(Tensor a, Tensor b, int batch, int m, int n, int k) {
        double[] r = new double[batch * m * n];
        for (int q = 0; q < batch; q++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += at(a, a.size(0) == 1 ? 0 : q, i, p) * at(b, b.size(0) == 1 ? 0 : q, p, j);
                    }
                    r[(q * m + i) * n + j] = s;
                }
        return r;
    }

    @Test
    void casesOfTorchMatmul() {
        Tensor a = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        Tensor b = Tensor.of(new float[][] {{1, 0}, {0, 1}, {1, 1}});
        assertTensor(a.matmul(b), new int[] {2, 2}, 4, 5, 10, 11);
        assertTensor(Tensor.of(1f, 2f, 3f).matmul(Tensor.of(4f, 5f, 6f)), new int[] {}, 32);
        assertTensor(Tensor.of(1f, 1f).matmul(a), new int[] {3}, 5, 7, 9);
        assertTensor(a.matmul(Tensor.of(1f, 0f, 1f)), new int[] {2}, 4, 10);
        assertTensor(a.matmul(a.t()), new int[] {2, 2}, 14, 32, 32, 77);
        assertTensor(a.t().matmul(a), new int[] {3, 3}, 17, 22, 27, 22, 29, 36, 27, 36, 45);
        assertTensor(Tensor.zeros(2, 0).matmul(Tensor.zeros(0, 3)), new int[] {2, 3}, 0, 0, 0, 0, 0, 0);
        assertThrows(FluxionException.class, () -> Tensor.scalar(1).matmul(a));
        assertThrows(FluxionException.class, () -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(3, 3, 2)));
    }

    @Test
    void batchedWithBroadcastAndTransposedViews() {
        Random rng = new Random(9);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int trial = 0; trial < 20; trial++) {
                int batch = 1 + rng.nextInt(3), m = 1 + rng.nextInt(9), n = 1 + rng.nextInt(9), k = 1 + rng.nextInt(9);
                int ba = rng.nextBoolean() ? 1 : batch;
                int bb = ba == 1 ? batch : (rng.nextBoolean() ? 1 : batch);
                Tensor a = rng.nextBoolean() ? Tensor.randn(rng, dtype, ba, m, k)
                        : Tensor.randn(rng, dtype, ba, k, m).transpose(1, 2);
                Tensor b = rng.nextBoolean() ? Tensor.randn(rng, dtype, bb, k, n)
                        : Tensor.randn(rng, dtype, bb, n, k).transpose(-1, -2);
                Tensor c = a.matmul(b);
                int nb = Math.max(ba, bb);
                assertArrayEquals(new int[] {nb, m, n}, c.shape());
                double tol = dtype == DType.FLOAT32 ? 1e-5 : 1e-12;
                assertClose(naive3(a, b, nb, m, n, k), values(c), tol, tol, "batched " + trial);
                // A stack times one matrix: the folded path.
                Tensor b2 = b.get(0);
                assertClose(naive3(a, b2.unsqueeze(0), ba, m, n, k), values(a.matmul(b2)), tol, tol, "folded");
            }
        }
    }
}
