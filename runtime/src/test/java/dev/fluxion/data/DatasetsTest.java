package dev.fluxion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Random splits: sizes, disjointness, coverage, reproducibility. */
class DatasetsTest {
    private static final TensorDataset TEN = new TensorDataset(Tensor.arange(10));

    @Test
    void randomSplitSizesFollowPyTorchsRounding() {
        // floor(0.33·10) = 3 each, 1 left over goes to the first part.
        List<Subset> parts = Datasets.randomSplit(TEN, 1, 1 / 3.0, 1 / 3.0, 1 / 3.0);
        assertEquals(List.of(4, 3, 3), parts.stream().map(Subset::size).toList());
        int[] all = parts.stream().flatMapToInt(p -> Arrays.stream(p.indices())).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 10).toArray(), all);
    }

    @Test
    void subsetsReadTheUnderlyingSamples() {
        Datasets.Split split = Datasets.trainTestSplit(TEN, 0.2, 5);
        assertEquals(8, split.train().size());
        assertEquals(2, split.test().size());
        int[] idx = split.test().indices();
        assertEquals((double) idx[1], split.test().get(1).get(0).item());
        assertArrayEquals(new double[] {idx[1], idx[0]}, split.test().getBatch(new int[] {1, 0}).get(0).toDoubleArray());
    }

    @Test
    void theSameSeedGivesTheSameSplit() {
        assertArrayEquals(Datasets.trainTestSplit(TEN, 0.3, 9).test().indices(),
                Datasets.trainTestSplit(TEN, 0.3, 9).test().indices());
    }

    @Test
    void fractionsMustSumToOne() {
        assertThrows(FluxionException.class, () -> Datasets.randomSplit(TEN, 1, 0.5, 0.4));
        assertThrows(FluxionException.class, () -> Datasets.randomSplit(TEN, 1, 1.5, -0.5));
        assertThrows(FluxionException.class, () -> Datasets.trainTestSplit(TEN, 1.2, 1));
    }
}
