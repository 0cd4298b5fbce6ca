package com.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.Tensor;
import dev.fluxion.data.DataLoader;
import dev.fluxion.data.Datasets;
import dev.fluxion.io.Checkpoint;
import dev.fluxion.optim.Adam;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's standalone project: it trains, and a saved run resumes exactly. */
class TwoMoonsTest {
    @Test
    void resumingFromACheckpointGivesTheSameWeightsAsTrainingThrough(@TempDir Path dir) {
        Datasets.Split split = Datasets.trainTestSplit(TwoMoons.moons(400, 0.1, 1), 0.25, 2);
        DataLoader loader = DataLoader.builder(split.train()).batchSize(32).shuffle(3).build();

        MoonsMlp through = new MoonsMlp(4);
        Adam throughOpt = new Adam(through.parameters(), 0.01);
        TwoMoons.train(through, throughOpt, loader, 0, 8);

        MoonsMlp first = new MoonsMlp(4);
        Adam firstOpt = new Adam(first.parameters(), 0.01);
        TwoMoons.train(first, firstOpt, loader, 0, 4);
        Path file = dir.resolve("half.safetensors");
        Checkpoint.save(file, first, firstOpt);
        MoonsMlp resumed = new MoonsMlp(77);
        Adam resumedOpt = new Adam(resumed.parameters(), 0.01);
        Checkpoint.load(file, resumed, resumedOpt);
        TwoMoons.train(resumed, resumedOpt, loader, 4, 4);

        var a = through.stateDict();
        var b = resumed.stateDict();
        for (String key : a.keySet()) {
            assertArrayEquals(a.get(key).toFloatArray(), b.get(key).toFloatArray(), 0f, key);
        }
    }

    @Test
    void trainsToNinetySevenPercentHeldOut() {
        Datasets.Split split = Datasets.trainTestSplit(TwoMoons.moons(1000, 0.1, 1), 0.2, 2);
        DataLoader loader = DataLoader.builder(split.train()).batchSize(32).shuffle(3).build();
        MoonsMlp model = new MoonsMlp(4);
        TwoMoons.train(model, new Adam(model.parameters(), 0.01), loader, 0, 40);
        int[] all = TwoMoons.allIndices(split.test().size());
        Tensor x = split.test().getBatch(all).get(0);
        Tensor y = split.test().getBatch(all).get(1);
        double accuracy = TwoMoons.accuracy(model, x, y);
        assertTrue(accuracy >= 0.97, "held-out accuracy " + accuracy);
    }
}
