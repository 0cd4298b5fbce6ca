package dev.fluxion;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static dev.fluxion.TestTensors.assertTensor;
import static org.junit.jupiter.api.Assertions.*;

class TensorBasicsTest {
    @Test
    void factoriesAndMetadata() {
        Tensor t = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertEquals(2, t.dim());
        assertEquals(3, t.size(-1));
        assertEquals(6, t.numel());
        assertEquals(DType.FLOAT32, t.dtype());
        assertArrayEquals(new int[] {3, 1}, t.strides());
        assertTrue(t.isContiguous());
        assertEquals(DType.FLOAT64, Tensor.of(1.0, 2.0).dtype());
        assertEquals(DType.FLOAT64, Tensor.scalar(2).dtype());
        assertEquals(0, Tensor.scalar(2).dim());
        assertTensor(Tensor.arange(0, 1, 0.25), new int[] {4}, 0, 0.25, 0.5, 0.75);
        assertTensor(Tensor.arange(3), new int[] {3}, 0, 1, 2);
        assertTensor(Tensor.linspace(0, 1, 5), new int[] {5}, 0, 0.25, 0.5, 0.75, 1);
        assertTensor(Tensor.eye(2), new int[] {2, 2}, 1, 0, 0, 1);
        assertTensor(Tensor.full(2.5, 2), new int[] {2}, 2.5, 2.5);
        assertTensor(Tensor.onesLike(t), new int[] {2, 3}, 1, 1, 1, 1, 1, 1);
        assertEquals(DType.FLOAT64, Tensor.zeros(DType.FLOAT64, 3).dtype());
        Tensor r = Tensor.randn(new Random(1), 1000);
        double mean = r.mean().item();
        double std = r.minus(mean).square().mean().sqrt().item();
        assertEquals(0, mean, 0.1);
        assertEquals(1, std, 0.1);
        double u = Tensor.rand(new Random(2), 1000).mean().item();
        assertEquals(0.5, u, 0.05);
    }

    @Test
    void conversions() {
        Tensor t = Tensor.of(new double[][] {{1, 2}, {3, 4}});
        assertEquals(List.of(List.of(1.0, 2.0), List.of(3.0, 4.0)), t.toList());
        double[][] arr = (double[][]) t.toArray();
        assertEquals(3.0, arr[1][0]);
        assertArrayEquals(new float[] {1, 3, 2, 4}, t.t().toFloatArray());
        assertEquals(DType.FLOAT32, t.toFloat().dtype());
        assertSame(t, t.toDouble());
        assertEquals(4.5, Tensor.of(4.5f).item());
        FluxionException e = assertThrows(FluxionException.class, t::item);
        assertTrue(e.getMessage().contains("item") && e.getMessage().contains("[2, 2]"), e.getMessage());
        assertSame(t, t.detach());
        Tensor c = t.t().contiguous();
        assertTrue(c.isContiguous());
        assertArrayEquals(new double[] {1, 3, 2, 4}, c.toDoubleArray());
    }

    @Test
    void viewsShareStorageAndReshapeRules() {
        Tensor t = Tensor.arange(6).reshape(2, 3);
        Tensor tr = t.t();
        assertArrayEquals(new int[] {3, 2}, tr.shape());
        assertFalse(tr.isContiguous());
        assertEquals(5, tr.get(2, 1).item());
        FluxionException e = assertThrows(FluxionException.class, () -> tr.view(6));
        assertTrue(e.getMessage().startsWith("view:"), e.getMessage());
        assertTensor(tr.reshape(6), new int[] {6}, 0, 3, 1, 4, 2, 5);
        assertTensor(t.reshape(3, -1), new int[] {3, 2}, 0, 1, 2, 3, 4, 5);
        assertTensor(t.unsqueeze(0).squeeze(), new int[] {2, 3}, 0, 1, 2, 3, 4, 5);
        assertArrayEquals(new int[] {2, 3, 1}, t.unsqueeze(-1).shape());
        assertArrayEquals(new int[] {2, 3}, t.unsqueeze(1).squeeze(1).shape());
        assertTensor(Tensor.of(1f, 2f).unsqueeze(1).expand(2, 3), new int[] {2, 3}, 1, 1, 1, 2, 2, 2);
        assertTensor(t.slice(1, 1, 3), new int[] {2, 2}, 1, 2, 4, 5);
        assertTensor(t.slice(1, 0, 3, 2), new int[] {2, 2}, 0, 2, 3, 5);
        assertTensor(t.slice(1, -2, 100), new int[] {2, 2}, 1, 2, 4, 5);
        assertTensor(t.get(1), new int[] {3}, 3, 4, 5);
        assertTensor(t.get(-1, -1), new int[] {}, 5);
        assertTensor(t.index(1, new int[] {2, 0, 2}), new int[] {2, 3}, 2, 0, 2, 5, 3, 5);
        assertTensor(t.gather(1, Tensor.of(new float[][] {{2, 0}, {1, 1}})), new int[] {2, 2}, 2, 0, 4, 4);
        assertTensor(F.cat(0, t, t.slice(0, 0, 1)), new int[] {3, 3}, 0, 1, 2, 3, 4, 5, 0, 1, 2);
        assertTensor(F.cat(List.of(t, t), 1), new int[] {2, 6}, 0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5);
        assertTensor(F.stack(1, Tensor.of(1f, 2f), Tensor.of(3f, 4f)), new int[] {2, 2}, 1, 3, 2, 4);
        // A non-contiguous view that is still viewable: a slice of rows.
        Tensor rows = Tensor.arange(12).reshape(4, 3).slice(0, 1, 3);
        assertTensor(rows.view(6), new int[] {6}, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void errorsNameTheOpAndShapes() {
        Tensor a = Tensor.zeros(2, 3);
        FluxionException e = assertThrows(FluxionException.class, () -> a.plus(Tensor.zeros(4, 3)));
        assertEquals("plus: shapes [2, 3] and [4, 3] cannot be broadcast", e.getMessage());
        e = assertThrows(FluxionException.class, () -> a.matmul(Tensor.zeros(4, 5)));
        assertEquals("matmul: shapes [2, 3] and [4, 5] are not compatible (inner dims 3 ≠ 4)", e.getMessage());
        e = assertThrows(FluxionException.class, () -> a.sum(2));
        assertTrue(e.getMessage().startsWith("sum: dim 2 is out of range for shape [2, 3]"), e.getMessage());
        e = assertThrows(FluxionException.class, () -> a.reshape(4, 2));
        assertTrue(e.getMessage().startsWith("reshape:"), e.getMessage());
        e = assertThrows(FluxionException.class, () -> a.get(5));
        assertTrue(e.getMessage().contains("index 5"), e.getMessage());
        e = assertThrows(FluxionException.class, () -> a.expand(3, 3));
        assertTrue(e.getMessage().startsWith("expand:"), e.getMessage());
        e = assertThrows(FluxionException.class, () -> F.cat(0, a, Tensor.zeros(2, 4)));
        assertTrue(e.getMessage().startsWith("cat:"), e.getMessage());
    }

    @Test
    void anomalyDetectionThrowsNamingTheOp() {
        Tensor.anomalyDetection(true);
        try {
            FluxionException e = assertThrows(FluxionException.class, () -> Tensor.of(-1f, 1f).log());
            assertTrue(e.getMessage().startsWith("log: anomaly detected"), e.getMessage());
            assertEquals(0.0, Tensor.of(1f).log().item());
        } finally {
            Tensor.anomalyDetection(false);
        }
        assertTrue(Double.isNaN(Tensor.of(-1f).log().item()));
    }

    @Test
    void toStringLikePyTorch() {
        assertEquals("tensor([1., 2., 3.])", Tensor.of(1f, 2f, 3f).toString());
        assertEquals("tensor(4.5000)", Tensor.scalar(4.5, DType.FLOAT32).toString());
        assertEquals("tensor([[1., 2.],\n        [3., 4.]])", Tensor.of(new float[][] {{1, 2}, {3, 4}}).toString());
        assertEquals("tensor([1., 2.], dtype=torch.float64)", Tensor.of(1.0, 2.0).toString());
        assertEquals("tensor([0.1000, 2.5000])", Tensor.of(0.1f, 2.5f).toString());
        assertEquals("tensor([-1.,  2.])", Tensor.of(-1f, 2f).toString());
        assertEquals("tensor([ True, False])", Tensor.of(1f, 0f).gt(0.5).toString());
        assertEquals("tensor([2, 0])", Tensor.of(new float[][] {{0, 1, 5}, {7, 1, 2}}).argmax(1).toString());
        assertEquals("tensor([[[1., 2.]],\n\n        [[3., 4.]]])", Tensor.arange(1, 5, 1).reshape(2, 1, 2).toString());
        assertEquals("tensor([1.0000e-05, 1.0000e+00])", Tensor.of(1e-5f, 1f).toString());
        assertEquals("tensor([])", Tensor.zeros(0).toString());
        // 1/3 printed with round-half-even of the binary value, as Python does.
        assertEquals("tensor(0.3333, dtype=torch.float64)", Tensor.scalar(1.0 / 3).toString());
        String longRow = Tensor.arange(30).toString();
        assertTrue(longRow.startsWith("tensor([ 0.,  1.,  2.,"), longRow);
        assertTrue(longRow.contains(",\n        "), longRow);
        String big = Tensor.arange(2000).toString();
        assertEquals("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])", big);
    }

    @Test
    void parameterAccumulatesInPlace() {
        Tensor init = Tensor.of(1f, 2f);
        Parameter p = Parameter.of(init);
        assertNull(p.grad());
        assertTrue(p.requiresGrad());
        assertTrue(p.isLeaf());
        p.accumulateGrad(Tensor.of(0.5f, 1f));
        Tensor g = p.grad();
        p.accumulateGrad(Tensor.of(1f, 1f));
        assertSame(g, p.grad());
        assertTensor(p.grad(), new int[] {2}, 1.5, 2);
        p.zeroGrad();
        assertSame(g, p.grad());
        assertTensor(p.grad(), new int[] {2}, 0, 0);
        assertFalse(p.requiresGrad(false).requiresGrad());
        p.addInPlace(Tensor.of(1f, 1f), -0.5);
        assertTensor(p, new int[] {2}, 0.5, 1.5);
        assertTensor(init, new int[] {2}, 0.5, 1.5); // shares the storage
        assertThrows(FluxionException.class, () -> p.accumulateGrad(Tensor.zeros(3)));
    }

    @Test
    void inPlaceOps() {
        Tensor t = Tensor.of(1f, 2f, 3f).copy();
        t.mulInPlace(2);
        assertTensor(t, new int[] {3}, 2, 4, 6);
        t.addcmulInPlace(Tensor.of(1f, 1f, 1f), Tensor.of(1f, 2f, 3f), 0.5);
        assertTensor(t, new int[] {3}, 2.5, 5, 7.5);
        t.addcdivInPlace(Tensor.of(1f, 1f, 1f), Tensor.of(1f, 2f, 4f), 2);
        assertTensor(t, new int[] {3}, 4.5, 6, 8);
        t.fillInPlace(7);
        assertTensor(t, new int[] {3}, 7, 7, 7);
        t.copyInPlace(Tensor.of(1.0, 2.0, 3.0));
        assertTensor(t, new int[] {3}, 1, 2, 3);
        Tensor m = Tensor.zeros(2, 2);
        m.t().addInPlace(Tensor.of(1f, 2f), 1); // broadcast over rows of the transposed view
        assertTensor(m, new int[] {2, 2}, 1, 1, 2, 2);
        assertThrows(FluxionException.class, () -> Tensor.zeros(1).expand(3).fillInPlace(1));
    }

    @Test
    void dtypePromotionAndComparisons() {
        Tensor f = Tensor.of(1f, 2f);
        Tensor d = Tensor.of(0.5, 0.5);
        assertEquals(DType.FLOAT64, f.plus(d).dtype());
        assertEquals(DType.FLOAT32, f.plus(1.5).dtype());
        Tensor mask = f.gt(1.5);
        assertEquals(DType.BOOL, mask.dtype());
        assertTensor(mask, new int[] {2}, 0, 1);
        assertTensor(F.where(mask, f, Tensor.scalar(-1, DType.FLOAT32)), new int[] {2}, -1, 2);
        Tensor idx = Tensor.of(3f, 1f, 2f).argmax();
        assertEquals(DType.INT64, idx.dtype());
        assertEquals(0, idx.item());
        assertEquals(DType.FLOAT32, idx.div(2).dtype());
        assertTensor(Tensor.of(1f, 2f).rsub(1), new int[] {2}, 0, -1);
        assertTensor(Tensor.of(1f, 2f).rdiv(1), new int[] {2}, 1, 0.5);
        assertTensor(Tensor.of(2f, 3f).pow(3), new int[] {2}, 8, 27);
        assertTensor(Tensor.of(1f, 2f).eq(Tensor.of(1f, 3f)), new int[] {2}, 1, 0);
    }
}
