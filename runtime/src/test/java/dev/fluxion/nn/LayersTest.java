package dev.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.DType;
import dev.fluxion.F;
import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import dev.fluxion.io.SafeTensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nn layers: forward values in closed form, PyTorch's keys and initialisers, train/eval behaviour. */
class LayersTest {
    @TempDir
    Path dir;

    @Test
    void activationsApplyTheirFunction() {
        Tensor x = Tensor.of(-2.0, 0.0, 1.5);
        assertArrayEquals(new double[] {0, 0, 1.5}, new ReLU().forward(x).toDoubleArray());
        assertArrayEquals(new double[] {Math.tanh(-2), 0, Math.tanh(1.5)}, new Tanh().forward(x).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {1 / (1 + Math.exp(2)), 0.5, 1 / (1 + Math.exp(-1.5))},
                new Sigmoid().forward(x).toDoubleArray(), 1e-15);
        // GELU(x) = x·Φ(x): Φ(−2) = 0.022750131948179, Φ(1.5) = 0.933192798731142.
        assertArrayEquals(new double[] {-2 * 0.022750131948179195, 0, 1.5 * 0.9331927987311419},
                new GELU().forward(x).toDoubleArray(), 1e-12);
        Tensor s = new Softmax(1).forward(Tensor.of(new double[][] {{0, Math.log(3)}}));
        assertArrayEquals(new double[] {0.25, 0.75}, s.toDoubleArray(), 1e-15);
        assertEquals("Softmax(dim=1)", new Softmax(1).toString());
    }

    @Test
    void sequentialComposesAndNumbersItsParametersLikePyTorch() {
        Random rng = new Random(1);
        Linear a = new Linear(3, 4, rng), b = new Linear(4, 2, rng);
        Sequential seq = new Sequential(a, new ReLU(), b);
        Tensor x = Tensor.randn(new Random(2), 5, 3);
        assertArrayEquals(b.forward(a.forward(x).relu()).toFloatArray(), seq.forward(x).toFloatArray());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(seq.stateDict().keySet()));
        assertSame(b, seq.get(2));
        assertEquals(3, seq.size());
        assertEquals("Sequential(\n  (0): Linear(in_features=3, out_features=4, bias=true)\n  (1): ReLU()\n"
                + "  (2): Linear(in_features=4, out_features=2, bias=true)\n)", seq.toString());
    }

    static final class Net extends Module {
        final Sequential features = new Sequential(new Linear(2, 3, new Random(1)), new Tanh(), new Dropout(0.5, new Random(2)));
        final ModuleList<Linear> heads = ModuleList.of(new Linear(3, 1, new Random(3)), new Linear(3, 1, false, new Random(4)));
        final BatchNorm1d norm = new BatchNorm1d(3);
    }

    @Test
    void containersInsideAModuleKeepPyTorchsKeysAndModuleNames() {
        Net net = new Net();
        assertEquals(List.of("features.0.weight", "features.0.bias", "heads.0.weight", "heads.0.bias", "heads.1.weight",
                "norm.weight", "norm.bias", "norm.running_mean", "norm.running_var", "norm.num_batches_tracked"),
                List.copyOf(net.stateDict().keySet()));
        assertEquals(List.of("", "features", "features.0", "features.1", "features.2", "heads", "heads.0", "heads.1", "norm"),
                List.copyOf(net.namedModules().keySet()));
        int count = 0;
        for (Linear head : net.heads) {
            assertEquals(3, head.inFeatures());
            count++;
        }
        assertEquals(2, count);
        net.eval();
        assertFalse(((Dropout) net.features.get(2)).isTraining(), "eval() reaches inside a Sequential");
    }

    @Test
    void sequentialRejectsALayerThatIsNotAModule() {
        Layer lambda = x -> x;
        FluxionException e = assertThrows(FluxionException.class, () -> new Sequential(lambda));
        assertTrue(e.getMessage().startsWith("Sequential: layer 0"), e.getMessage());
    }

    @Test
    void dropoutZeroesAboutPAndScalesTheRestInTrainingOnly() {
        Dropout d = new Dropout(0.3, new Random(5));
        Tensor x = Tensor.ones(DType.FLOAT64, 100_000);
        double[] y = d.forward(x).toDoubleArray();
        int zeros = 0;
        for (double v : y) {
            if (v == 0) {
                zeros++;
            } else {
                assertEquals(1 / 0.7, v, 1e-15);
            }
        }
        // 30000 expected; the binomial standard deviation is 145, so 1000 is about 7 of them.
        assertEquals(30_000, zeros, 1_000);
        assertArrayEquals(new Dropout(0.3, new Random(5)).forward(x).toDoubleArray(), y, "seeded: reproducible");
        d.eval();
        assertSame(x, d.forward(x));
        assertArrayEquals(new double[3], new Dropout(1, new Random(1)).forward(Tensor.ones(DType.FLOAT64, 3)).toDoubleArray());
        assertThrows(FluxionException.class, () -> new Dropout(1.5, new Random(1)));
    }

    @Test
    void layerNormStartsAsOnesAndZerosAndNormalisesEachRow() {
        LayerNorm ln = new LayerNorm(4);
        assertArrayEquals(new float[] {1, 1, 1, 1}, ln.weight.toFloatArray());
        assertArrayEquals(new float[4], ln.bias.toFloatArray());
        Tensor y = ln.forward(Tensor.randn(new Random(3), DType.FLOAT64, 5, 4).times(3).plus(7));
        Tensor mean = y.mean(1);
        Tensor var = y.square().mean(1);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, mean.toDoubleArray()[i], 1e-6);
            assertEquals(1, var.toDoubleArray()[i], 1e-4); // 1 − ε/(var + ε)
        }
        assertEquals("LayerNorm((4,), eps=1.0E-5, elementwise_affine=True)", ln.toString());
    }

    @Test
    void initialisersFollowPyTorchsDefaults() {
        Conv2d conv = new Conv2d(3, 8, 5, new Random(1));
        assertArrayEquals(new int[] {8, 3, 5, 5}, conv.weight.shape());
        double bound = 1 / Math.sqrt(3 * 25);
        assertWithin(conv.weight, bound);
        assertWithin(conv.bias, bound);
        // kaiming_uniform with a = 0 (ReLU gain √2): bound √(6/fanIn).
        Tensor k = Init.kaimingUniform(new Random(2), 0, DType.FLOAT64, 64, 100);
        assertWithin(k, Math.sqrt(6.0 / 100));
        Tensor e = new Embedding(1000, 100, DType.FLOAT64, new Random(3)).weight;
        double mean = e.mean().item(), var = e.minus(mean).square().mean().item();
        assertEquals(0, mean, 0.01);   // 100000 N(0, 1) draws: standard error 0.003
        assertEquals(1, var, 0.02);
        assertEquals(75, Init.fanIn(8, 3, 5, 5));
    }

    /** Every value within ±bound, and the extremes close to it (a uniform spread, not a narrower one). */
    private static void assertWithin(Tensor t, double bound) {
        double max = t.max().item(), min = t.min().item();
        assertTrue(max <= bound && min >= -bound, "values in [" + min + ", " + max + "], bound " + bound);
        if (t.numel() >= 100) {
            assertTrue(max > 0.9 * bound && min < -0.9 * bound, "spread [" + min + ", " + max + "], bound " + bound);
        }
    }

    @Test
    void convAndPoolLayersCallTheirFunctions() {
        Conv2d conv = new Conv2d(2, 3, 3, 2, 1, new Random(4));
        Tensor x = Tensor.randn(new Random(5), 2, 2, 7, 7);
        Tensor y = conv.forward(x);
        assertArrayEquals(new int[] {2, 3, 4, 4}, y.shape());
        assertArrayEquals(F.conv2d(x, conv.weight, conv.bias, 2, 1).toFloatArray(), y.toFloatArray());
        assertArrayEquals(new int[] {2, 3, 2, 2}, new MaxPool2d(2).forward(y).shape());
        assertEquals("Conv2d(2, 3, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))", conv.toString());
    }

    @Test
    void aConvolutionalSequentialFlattensIntoALinearHead() {
        Random rng = new Random(8);
        Sequential cnn = new Sequential(new Conv2d(1, 4, 3, 1, 1, rng), new ReLU(), new MaxPool2d(2),
                new Conv2d(4, 8, 3, 1, 1, rng), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(8 * 7 * 7, 10, rng));
        Tensor logits = cnn.forward(Tensor.randn(new Random(9), 3, 1, 28, 28));
        assertArrayEquals(new int[] {3, 10}, logits.shape());
        assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias"),
                List.copyOf(cnn.stateDict().keySet()));
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        assertArrayEquals(new int[] {2, 12}, new Flatten().forward(x).shape());
        assertArrayEquals(x.toFloatArray(), new Flatten().forward(x).toFloatArray());
    }

    @Test
    void embeddingLooksUpRows() {
        Embedding emb = new Embedding(10, 3, new Random(6));
        Tensor out = emb.forward(Tensor.of(7.0, 2.0).to(DType.INT64));
        assertArrayEquals(new int[] {2, 3}, out.shape());
        assertArrayEquals(emb.weight.get(7).toFloatArray(), out.get(0).toFloatArray());
    }

    @Test
    void batchNormUsesBatchStatisticsInTrainingAndRunningOnesInEval() {
        BatchNorm1d bn = new BatchNorm1d(2, 1e-5, 0.1, true, DType.FLOAT64);
        Tensor x = Tensor.of(new double[][] {{1, 10}, {3, 20}, {5, 60}});
        Tensor y = bn.forward(x);
        assertArrayEquals(new double[] {0, 0}, y.mean(0).toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {0.3, 3.0}, bn.runningMean().toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {0.9 + 0.4, 0.9 + 70}, bn.runningVar().toDoubleArray(), 1e-12);
        assertEquals(1, bn.numBatchesTracked());
        bn.eval();
        Tensor e = bn.forward(Tensor.of(new double[][] {{0.3, 3.0}}));
        assertArrayEquals(new double[] {0, 0}, e.toDoubleArray(), 1e-12);
        assertEquals(1, bn.numBatchesTracked(), "eval batches are not counted");
    }

    @Test
    void batchNormBuffersRoundTripThroughSafetensors() {
        BatchNorm1d bn = new BatchNorm1d(2, 1e-5, 0.1, true, DType.FLOAT64);
        bn.forward(Tensor.of(new double[][] {{1, 10}, {3, 20}}));
        bn.forward(Tensor.of(new double[][] {{2, 5}, {4, 0}}));
        Path file = dir.resolve("bn.safetensors");
        SafeTensors.save(file, bn.stateDict());
        Map<String, Tensor> loaded = SafeTensors.load(file);
        assertEquals(DType.INT64, loaded.get("num_batches_tracked").dtype());
        BatchNorm1d fresh = new BatchNorm1d(2, 1e-5, 0.1, true, DType.FLOAT64);
        fresh.loadStateDict(loaded);
        assertEquals(2, fresh.numBatchesTracked());
        assertArrayEquals(bn.runningMean().toDoubleArray(), fresh.runningMean().toDoubleArray());
        assertArrayEquals(bn.runningVar().toDoubleArray(), fresh.runningVar().toDoubleArray());
    }
}
