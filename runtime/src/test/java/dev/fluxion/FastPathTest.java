package dev.fluxion;

import java.util.Random;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime's small-tensor fast paths (dense elementwise ops, whole-tensor reductions, fused
 * in-place updates, degenerate matmuls, gradients in the weight's layout) against the general
 * strided path on the same values in non-contiguous layouts, and against scalar references.
 */
class FastPathTest {
    private static final int[][] SHAPES = {{}, {1}, {5}, {3, 4}, {1, 1}, {0, 3}, {2, 3, 5}};

    private static Tensor transposedLayout(Tensor t) {
        return t.dim() >= 2 ? TestTensors.layout(new Random(0), t, 1) : TestTensors.layout(new Random(0), t, 2);
    }

    @Test
    void denseBinaryOpsEqualGeneralPathAndReference() {
        Random rng = new Random(11);
        BinaryOperator<Tensor>[] ops = ops();
        double[][] refs = new double[1][];
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : SHAPES) {
                Tensor a = TestTensors.uniform(rng, dtype, 0.5, 2, shape);
                Tensor b = TestTensors.uniform(rng, dtype, 0.5, 2, shape);
                for (int o = 0; o < ops.length; o++) {
                    Tensor fast = ops[o].apply(a, b);
                    Tensor general = ops[o].apply(transposedLayout(a), transposedLayout(b));
                    assertArrayEquals(TestTensors.values(general), TestTensors.values(fast), "op " + o + " " + dtype);
                    double[] x = TestTensors.values(a), y = TestTensors.values(b), r = TestTensors.values(fast);
                    for (int i = 0; i < r.length; i++) {
                        double e = switch (o) {
                            case 0 -> x[i] + y[i];
                            case 1 -> x[i] - y[i];
                            case 2 -> x[i] * y[i];
                            case 3 -> x[i] / y[i];
                            default -> Math.pow(x[i], y[i]);
                        };
                        assertEquals(e, r[i], 1e-6 * Math.abs(e), "op " + o + " element " + i);
                    }
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static BinaryOperator<Tensor>[] ops() {
        return new BinaryOperator[] {
            (BinaryOperator<Tensor>) Tensor::plus, (BinaryOperator<Tensor>) Tensor::minus,
            (BinaryOperator<Tensor>) Tensor::times, (BinaryOperator<Tensor>) Tensor::div,
            (BinaryOperator<Tensor>) Tensor::pow,
        };
    }

    @Test
    void scalarAndSingleElementOperandsBroadcast() {
        Random rng = new Random(12);
        Tensor a = TestTensors.uniform(rng, DType.FLOAT32, -1, 1, 3, 4);
        double[] x = TestTensors.values(a);
        Tensor viaDouble = a.times(2.5);
        Tensor viaZeroDim = a.times(Tensor.scalar(2.5, DType.FLOAT32));
        Tensor viaOneOne = Tensor.full(2.5, 1, 1).times(a);
        Tensor viaGeneral = transposedLayout(a).times(2.5);
        for (int i = 0; i < x.length; i++) {
            assertEquals((float) (x[i] * 2.5), TestTensors.values(viaDouble)[i]);
        }
        assertArrayEquals(TestTensors.values(viaDouble), TestTensors.values(viaZeroDim));
        assertArrayEquals(TestTensors.values(viaDouble), TestTensors.values(viaOneOne));
        assertArrayEquals(TestTensors.values(viaDouble), TestTensors.values(viaGeneral));
        assertArrayEquals(new int[] {3, 4}, viaOneOne.shape());
        // A single element of higher rank is not a scalar operand: the result takes its rank.
        assertArrayEquals(new int[] {1, 1, 4}, Tensor.ones(1, 1, 1).plus(Tensor.ones(4)).shape());
        // Row broadcasting is not a fast-path case and still works.
        Tensor row = Tensor.of(1f, 2f, 3f, 4f);
        Tensor sum = a.plus(row);
        for (int i = 0; i < x.length; i++) {
            assertEquals((float) (x[i] + (i % 4 + 1)), TestTensors.values(sum)[i], 1e-6);
        }
    }

    @Test
    void denseUnaryOpsEqualGeneralPath() {
        Random rng = new Random(13);
        @SuppressWarnings("unchecked")
        UnaryOperator<Tensor>[] ops = new UnaryOperator[] {
            (UnaryOperator<Tensor>) Tensor::exp, (UnaryOperator<Tensor>) Tensor::sigmoid,
            (UnaryOperator<Tensor>) Tensor::relu, (UnaryOperator<Tensor>) Tensor::neg,
            (UnaryOperator<Tensor>) Tensor::gelu,
        };
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : SHAPES) {
                Tensor a = TestTensors.uniform(rng, dtype, -2, 2, shape);
                double tol = dtype == DType.FLOAT32 ? 1e-6 : 1e-13;
                for (UnaryOperator<Tensor> op : ops) {
                    // A strided layout runs the scalar reference, the dense one the vector kernel.
                    TestTensors.assertClose(TestTensors.values(op.apply(transposedLayout(a))),
                            TestTensors.values(op.apply(a)), tol, tol, dtype + " " + java.util.Arrays.toString(shape));
                }
                double[] x = TestTensors.values(a), e = TestTensors.values(a.exp());
                for (int i = 0; i < x.length; i++) assertEquals(Math.exp(x[i]), e[i], 1e-6 * Math.exp(x[i]));
            }
        }
    }

    @Test
    void largeOperandsStillTakeTheParallelPath() {
        int n = 70_001; // over Parallel.GRAIN: the fast path declines
        Tensor a = Tensor.arange(n), b = Tensor.full(2, n);
        double[] r = TestTensors.values(a.times(b).plus(1));
        for (int i = 0; i < n; i += 997) assertEquals(2.0 * i + 1, r[i]);
        assertEquals(2.0 * (n - 1) + 1, r[n - 1]);
    }

    @Test
    void wholeTensorReductionsEqualGeneralPath() {
        Random rng = new Random(14);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : new int[][] {{}, {1}, {7}, {3, 4}, {2, 3, 5}, {100, 37}}) {
                Tensor a = TestTensors.uniform(rng, dtype, -1, 1, shape);
                Tensor t = transposedLayout(a);
                double tol = dtype == DType.FLOAT32 ? 1e-5 : 1e-12;
                // Summation order differs between layouts (vector lanes vs the strided walk).
                assertEquals(t.sum().item(), a.sum().item(), tol * (1 + Math.abs(t.sum().item())));
                assertEquals(t.max().item(), a.max().item());
                assertEquals(t.mean().item(), a.mean().item(), tol);
                double s = 0;
                for (double v : TestTensors.values(a)) s += v;
                assertEquals(s, a.sum().item(), 1e-5 * (1 + Math.abs(s)));
            }
        }
        assertEquals(0.0, Tensor.zeros(0, 3).sum().item());
    }

    @Test
    void addInPlaceFusedEqualsUnfusedFormula() {
        Random rng = new Random(15);
        for (double alpha : new double[] {1, -1, -0.01, 3}) {
            Tensor p = TestTensors.uniform(rng, DType.FLOAT32, -1, 1, 16, 33);
            Tensor g = TestTensors.uniform(rng, DType.FLOAT32, -1, 1, 16, 33);
            double[] p0 = TestTensors.values(p), g0 = TestTensors.values(g);
            Tensor strided = TestTensors.layout(rng, p.copy(), 1);
            p.addInPlace(g, alpha);
            strided.addInPlace(TestTensors.layout(rng, g, 2), alpha);
            double[] r = TestTensors.values(p);
            for (int i = 0; i < r.length; i++) {
                assertEquals((float) p0[i] + (float) g0[i] * (float) alpha, (float) r[i], "alpha " + alpha + " @" + i);
            }
            assertArrayEquals(TestTensors.values(strided), r, "fused vs general, alpha " + alpha);
        }
        // Broadcast operand and mixed dtypes take the general path.
        Tensor p = Tensor.zeros(2, 3);
        p.addInPlace(Tensor.of(1f, 2f, 3f), 2);
        TestTensors.assertTensor(p, new int[] {2, 3}, 2, 4, 6, 2, 4, 6);
        p.addInPlace(Tensor.ones(DType.FLOAT64, 2, 3), -0.5);
        TestTensors.assertTensor(p, new int[] {2, 3}, 1.5, 3.5, 5.5, 1.5, 3.5, 5.5);
        // Self-update (same storage, same offset) is fused; overlapping windows are not.
        Tensor s = Tensor.of(1f, 2f, 3f);
        s.addInPlace(s, 1);
        TestTensors.assertTensor(s, new int[] {3}, 2, 4, 6);
        Tensor host = Tensor.of(1f, 2f, 3f, 4f);
        host.slice(0, 1, 4).addInPlace(host.slice(0, 0, 3), 10);
        TestTensors.assertTensor(host, new int[] {4}, 1, 12, 23, 34);
        // Empty targets are a no-op.
        Tensor e = Tensor.zeros(0, 3);
        assertEquals(e, e.addInPlace(Tensor.zeros(0, 3), 2));
    }

    @Test
    void addcmulAddcdivMulFillCopyInPlace() {
        Random rng = new Random(16);
        Tensor y = TestTensors.uniform(rng, DType.FLOAT32, -1, 1, 40);
        Tensor a = TestTensors.uniform(rng, DType.FLOAT32, -1, 1, 40);
        Tensor b = TestTensors.uniform(rng, DType.FLOAT32, 0.5, 1, 40);
        double[] y0 = TestTensors.values(y), av = TestTensors.values(a), bv = TestTensors.values(b);
        Tensor fused = y.copy().addcmulInPlace(a, b, 0.3);
        Tensor general = TestTensors.layout(rng, y.copy(), 2).addcmulInPlace(a, TestTensors.layout(rng, b, 2), 0.3);
        assertArrayEquals(TestTensors.values(general), TestTensors.values(fused));
        Tensor div = y.copy().addcdivInPlace(a, b, -2);
        for (int i = 0; i < 40; i++) {
            assertEquals((float) y0[i] + (float) av[i] * (float) bv[i] * 0.3f, (float) TestTensors.values(fused)[i]);
            assertEquals((float) y0[i] + (float) av[i] / (float) bv[i] * -2f, (float) TestTensors.values(div)[i]);
        }
        Tensor m = y.copy().mulInPlace(0.5);
        Tensor mg = TestTensors.layout(rng, y.copy(), 2).mulInPlace(0.5);
        assertArrayEquals(TestTensors.values(mg), TestTensors.values(m));
        assertEquals((float) (y0[3] * 0.5), (float) TestTensors.values(m)[3]);
        Tensor f = y.copy().fillInPlace(7);
        for (double v : TestTensors.values(f)) assertEquals(7.0, v);
        Tensor c = Tensor.zeros(40).copyInPlace(a);
        assertArrayEquals(av, TestTensors.values(c));
    }

    @Test
    void matmulWithUnitDimsMatchesNaiveProduct() {
        Random rng = new Random(17);
        int[][] cases = {{500, 1, 1}, {1, 500, 1}, {1, 1, 500}, {6, 1, 4}, {1, 4, 6}, {5, 3, 1}};
        for (int[] c : cases) {
            int m = c[0], k = c[1], n = c[2];
            Tensor a = TestTensors.uniform(rng, DType.FLOAT32, -1, 1, m, k);
            Tensor b = TestTensors.uniform(rng, DType.FLOAT32, -1, 1, k, n);
            for (Tensor bb : new Tensor[] {b, b.t().copy().t()}) {
                Tensor r = a.matmul(bb);
                double[] av = TestTensors.values(a), bv = TestTensors.values(b), rv = TestTensors.values(r);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double e = 0;
                        for (int p = 0; p < k; p++) e += av[i * k + p] * bv[p * n + j];
                        assertEquals(e, rv[i * n + j], 1e-5 * Math.sqrt(k), m + "x" + k + "x" + n);
                    }
                }
            }
        }
        // 1-D · 1-D is a dot product.
        assertEquals(32.0, Tensor.of(1f, 2f, 3f).matmul(Tensor.of(4f, 5f, 6f)).item());
    }

    @Test
    void matmulGradBOfATransposedWeightComesInTheWeightsLayout() {
        Random rng = new Random(18);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = TestTensors.uniform(rng, dtype, -1, 1, 64, 30);
            Tensor w = TestTensors.uniform(rng, dtype, -1, 1, 20, 30);
            Tensor g = TestTensors.uniform(rng, dtype, -1, 1, 64, 20);
            Tensor gb = Derivatives.matmulGradB(g, x, w.t());
            Tensor general = Derivatives.matmulGradB(g, x, w.t().contiguous());
            assertArrayEquals(new int[] {30, 20}, gb.shape());
            assertTrue(gb.t().isContiguous(), "gradient of Wᵀ transposes back to a contiguous [out, in]");
            double[] gv = TestTensors.values(gb), ev = TestTensors.values(general);
            double[] xv = TestTensors.values(x), g2 = TestTensors.values(g);
            for (int i = 0; i < 30; i++) {
                for (int j = 0; j < 20; j++) {
                    double e = 0;
                    for (int p = 0; p < 64; p++) e += xv[p * 30 + i] * g2[p * 20 + j];
                    assertEquals(e, gv[i * 20 + j], 1e-4, "[" + i + "," + j + "]");
                    assertEquals(ev[i * 20 + j], gv[i * 20 + j], 1e-4);
                }
            }
        }
        // Unit dims and mixed dtypes keep the general rule.
        Tensor gb = Derivatives.matmulGradB(Tensor.ones(3, 1), Tensor.ones(3, 2), Tensor.ones(1, 2).t());
        TestTensors.assertTensor(gb, new int[] {2, 1}, 3, 3);
    }

    @Test
    void accumulateGradCopiesFirstThenAddsInPlace() {
        Parameter p = Parameter.of(Tensor.zeros(2, 3));
        Tensor g = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        p.accumulateGrad(g);
        Tensor buffer = p.grad();
        assertNotSame(g, buffer);
        g.fillInPlace(100); // the caller's tensor is not the buffer
        TestTensors.assertTensor(p.grad(), new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
        p.accumulateGrad(Tensor.of(new float[][] {{1, 1}, {1, 1}, {1, 1}}).t()); // strided: general path
        p.accumulateGrad(Tensor.of(10f, 20f, 30f)); // broadcast row: general path
        p.accumulateGrad(Tensor.ones(2, 3)); // contiguous: fused
        assertTrue(buffer == p.grad(), "the buffer is kept");
        TestTensors.assertTensor(p.grad(), new int[] {2, 3}, 13, 24, 35, 16, 27, 38);
        p.zeroGrad();
        TestTensors.assertTensor(buffer, new int[] {2, 3}, 0, 0, 0, 0, 0, 0);
        Parameter q = Parameter.of(Tensor.zeros(DType.FLOAT64, 2));
        q.accumulateGrad(Tensor.of(1f, 2f)); // other dtype: converted
        assertEquals(DType.FLOAT64, q.grad().dtype());
        TestTensors.assertTensor(q.grad(), new int[] {2}, 1, 2);
    }
    @Test
    void fusedMseGradientEqualsComposedOps() {
        Random rng = new Random(19);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : new int[][] {{}, {1}, {500, 1}, {3, 7}, {0}}) {
                Tensor p = TestTensors.uniform(rng, dtype, -1, 1, shape);
                Tensor t = TestTensors.uniform(rng, dtype, -1, 1, shape);
                Tensor g = Tensor.scalar(1.7, dtype);
                for (Reduction r : new Reduction[] {Reduction.MEAN, Reduction.SUM}) {
                    // Composed: the rule as separate ops, on strided copies (no fused path).
                    Tensor s = r == Reduction.MEAN ? g.div(Math.max(1, p.numel())) : g;
                    Tensor expectA = TestTensors.layout(rng, p, 2).minus(TestTensors.layout(rng, t, 2)).times(2).times(s);
                    Tensor expectB = TestTensors.layout(rng, t, 2).minus(TestTensors.layout(rng, p, 2)).times(2).times(s);
                    assertArrayEquals(TestTensors.values(expectA), TestTensors.values(Derivatives.mseGradA(g, p, t, r)));
                    assertArrayEquals(TestTensors.values(expectB), TestTensors.values(Derivatives.mseGradB(g, p, t, r)));
                    assertArrayEquals(shape, Derivatives.mseGradA(g, p, t, r).shape());
                }
            }
        }
        // Closed form: d/dp mean((p − t)²) = 2 (p − t) / n.
        Tensor grad = Derivatives.mseGradA(Tensor.scalar(1, DType.FLOAT32), Tensor.of(1f, 2f), Tensor.of(0f, 4f), Reduction.MEAN);
        TestTensors.assertTensor(grad, new int[] {2}, 1, -2);
        // Broadcast target and NONE take the composed rule.
        Tensor b = Derivatives.mseGradA(Tensor.scalar(1, DType.FLOAT32), Tensor.of(1f, 2f), Tensor.of(1f), Reduction.SUM);
        TestTensors.assertTensor(b, new int[] {2}, 0, 2);
    }
}
