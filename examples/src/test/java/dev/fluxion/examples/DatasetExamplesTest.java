package dev.fluxion.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.examples.data.Iris;
import dev.fluxion.examples.data.Mnist;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

/** Iris and MNIST: the readers and the accuracy the examples reach. */
class DatasetExamplesTest {

    @Test
    void irisReachesNinetyFivePercent() {
        var r = IrisTraining.train(300, 0.05);
        assertTrue(r.accuracy() >= 0.95, "training accuracy " + r.accuracy());
        assertTrue(r.losses()[r.losses().length - 1] < r.losses()[0] / 5);
    }

    @Test
    void mnistMlpReachesNinetyFivePercentHeldOut() {
        // No wall-clock bound: these machines are shared, and a test must not fail on their load.
        var r = MnistTraining.train(5, 64, 2e-3, 0);
        assertTrue(r.testAccuracy() >= 0.95, "held-out accuracy " + r.testAccuracy());
        assertEquals(r.testAccuracy(), r.epochTestAccuracy()[4], 0);
        assertTrue(r.testLoss()[4] < r.testLoss()[0], "held-out loss falls over the epochs: "
                + java.util.Arrays.toString(r.testLoss()));
    }

    @Test
    void readersCountRowsAndClasses() {
        Iris iris = Iris.load();
        assertEquals(150, iris.labels().length);
        Mnist mnist = Mnist.sample();
        assertEquals(10_000, mnist.count());
        int ones = 0;
        for (int label : mnist.labels()) {
            ones += label == 1 ? 1 : 0;
        }
        assertEquals(1127, ones); // the class count the data set's README states
    }

    @Test
    void mnistReaderAcceptsUncompressedFiles() throws Exception {
        var images = new ByteArrayOutputStream();
        var out = new DataOutputStream(images);
        out.writeInt(0x803);
        out.writeInt(1);
        out.writeInt(28);
        out.writeInt(28);
        byte[] pixels = new byte[784];
        pixels[5] = (byte) 255;
        out.write(pixels);
        var labels = new ByteArrayOutputStream();
        var lout = new DataOutputStream(labels);
        lout.writeInt(0x801);
        lout.writeInt(1);
        lout.write(7);
        Mnist m = Mnist.read(new ByteArrayInputStream(images.toByteArray()), new ByteArrayInputStream(labels.toByteArray()));
        assertEquals(7, m.labels()[0]);
        assertEquals(1.0f, m.images()[5]);
        assertEquals(0.0f, m.images()[4]);
    }
}
