package dev.fluxion;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static dev.fluxion.TestTensors.assertClose;
import static dev.fluxion.TestTensors.at;

/** Batched matmul, large enough that its batches are split over the pool, against a naive loop. */
class BatchedMatMulTest {
    @Test
    void splitBatchesMatchTheNaiveProduct() {
        Random rng = new Random(21);
        // [8, 64, 96]·[8, 96, 80]: 3.9 M multiply-adds, above the split threshold; also broadcast and transposed.
        int[][] cases = {{8, 8, 64, 80, 96}, {6, 1, 40, 50, 70}, {1, 5, 100, 30, 120}, {3, 3, 1, 200, 150}};
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] c : cases) {
                int ba = c[0], bb = c[1], m = c[2], n = c[3], k = c[4];
                Tensor a = Tensor.randn(rng, dtype, ba, m, k);
                Tensor b = Tensor.randn(rng, dtype, bb, n, k).transpose(1, 2); // a strided operand
                Tensor out = a.matmul(b);
                int batch = Math.max(ba, bb);
                double[] expected = new double[batch * m * n];
                for (int q = 0; q < batch; q++)
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            for (int p = 0; p < k; p++) {
                                s += at(a, ba == 1 ? 0 : q, i, p) * at(b, bb == 1 ? 0 : q, p, j);
                            }
                            expected[(q * m + i) * n + j] = s;
                        }
                double tol = dtype == DType.FLOAT32 ? 1e-4 : 1e-11;
                assertClose(expected, out.toDoubleArray(), tol, tol, dtype + " " + java.util.Arrays.toString(c));
            }
        }
    }
}
