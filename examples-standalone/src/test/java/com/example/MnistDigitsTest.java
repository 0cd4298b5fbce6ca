package com.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.Tensor;
import dev.fluxion.data.DataLoader;
import dev.fluxion.data.TensorDataset;
import dev.fluxion.io.Checkpoint;
import dev.fluxion.optim.Adam;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's CNN: it reads the digits, learns, and a saved run resumes exactly. */
class MnistDigitsTest {
    @Test
    void readsTenThousandDigits() {
        Tensor[] data = MnistDigits.load();
        assertArrayEquals(new int[] {10_000, 1, 28, 28}, data[0].shape());
        assertEquals(10_000, data[1].size(0));
    }

    @Test
    void resumingFromACheckpointGivesTheSameWeightsAsTrainingThrough(@TempDir Path dir) {
        Tensor[] data = MnistDigits.load();
        TensorDataset small = new TensorDataset(data[0].slice(0, 0, 512), data[1].slice(0, 0, 512));
        DataLoader loader = DataLoader.builder(small).batchSize(64).shuffle(3).build();

        MnistCnn through = new MnistCnn(4);
        Adam throughOpt = new Adam(through.parameters(), 1e-3);
        MnistDigits.train(through, throughOpt, loader, 0, 2, 2);

        MnistCnn first = new MnistCnn(4);
        Adam firstOpt = new Adam(first.parameters(), 1e-3);
        MnistDigits.train(first, firstOpt, loader, 0, 1, 2);
        Path file = dir.resolve("half.safetensors");
        Checkpoint.save(file, first, firstOpt);
        MnistCnn resumed = new MnistCnn(77);
        Adam resumedOpt = new Adam(resumed.parameters(), 1e-3);
        Checkpoint.load(file, resumed, resumedOpt);
        MnistDigits.train(resumed, resumedOpt, loader, 1, 2, 2);

        var a = through.stateDict();
        var b = resumed.stateDict();
        for (String key : a.keySet()) {
            assertArrayEquals(a.get(key).toFloatArray(), b.get(key).toFloatArray(), 0f, key);
        }
    }

    @Test
    void oneEpochOnTwoThousandDigitsLearns() {
        Tensor[] data = MnistDigits.load();
        TensorDataset train = new TensorDataset(data[0].slice(0, 0, 2000), data[1].slice(0, 0, 2000));
        DataLoader loader = DataLoader.builder(train).batchSize(32).shuffle(1).build();
        MnistCnn model = new MnistCnn(2);
        MnistDigits.train(model, new Adam(model.parameters(), 1e-3), loader, 0, 1, 1);
        double accuracy = MnistDigits.accuracy(model, data[0].slice(0, 8000, 10_000), data[1].slice(0, 8000, 10_000));
        assertTrue(accuracy > 0.8, "held-out accuracy after one epoch on 2,000 digits: " + accuracy);
    }
}
