package dev.fluxion.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MNIST CNN example learns (two epochs: ≥ 95% of the 2,000 held-out digits; the fifteen epochs
 * of {@code main} reach 98.5%, README), writes its checkpoint and charts, and a run resumed from the
 * checkpoint after one epoch ends exactly where a run straight through does (same shifts, dropout
 * masks and learning rate).
 */
class MnistCnnTrainingTest {
    @Test
    void twoEpochsLearnAndAResumedRunMatchesOneStraightThrough(@TempDir Path dir) throws Exception {
        Path straight = dir.resolve("straight.safetensors");
        var through = MnistCnnTraining.train(2, 64, 1e-3, 0, straight, false);
        assertTrue(through.finalTestAccuracy() >= 0.95, "held-out accuracy " + through.finalTestAccuracy());
        assertTrue(through.trainLoss()[1] < through.trainLoss()[0], "the training loss falls");
        assertTrue(Files.size(through.lossChart()) > 1000 && Files.size(through.accuracyChart()) > 1000);
        assertTrue(Files.size(straight) > 3 * 4 * (16 * 25 + 32 * 16 * 25 + 512 * 128 + 128 * 10),
                "weights and Adam's two moments, float32");

        Path halves = dir.resolve("halves.safetensors");
        MnistCnnTraining.train(1, 64, 1e-3, 0, halves, false);
        var resumed = MnistCnnTraining.train(2, 64, 1e-3, 0, halves, true);
        assertArrayEquals(through.testLoss(), resumed.testLoss(), 0, "held-out loss per epoch, bit for bit");
        assertArrayEquals(through.trainLoss(), resumed.trainLoss(), 0, "training loss per epoch, bit for bit");
        assertEquals(through.finalTestAccuracy(), resumed.finalTestAccuracy(), 0);
    }
}
