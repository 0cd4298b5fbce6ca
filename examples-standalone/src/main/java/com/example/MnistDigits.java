package com.example;

import dev.fluxion.Tensor;
import dev.fluxion.data.Batch;
import dev.fluxion.data.BatchIterator;
import dev.fluxion.data.DataLoader;
import dev.fluxion.data.Idx;
import dev.fluxion.data.RandomShift;
import dev.fluxion.data.TensorDataset;
import dev.fluxion.io.Checkpoint;
import dev.fluxion.optim.Adam;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * Trains {@link MnistCnn} on 8,000 of the 10,000 MNIST digits in {@code src/main/resources}, each
 * image moved by up to 2 pixels ({@link RandomShift}), Adam's learning rate annealed from 1e-3 to 0
 * along a cosine; holds out the other 2,000, saves a checkpoint after every epoch and resumes from
 * it: {@code --epochs N} (default 15), {@code --resume}, {@code --checkpoint FILE}.
 */
public final class MnistDigits {
    private MnistDigits() {}

    static final int HELD_OUT = 2000;
    static final double LR = 1e-3;
    /** The value of a blank pixel after standardisation. */
    static final double BACKGROUND = (0 - 0.1307) / 0.3081;

    /** Images [n, 1, 28, 28] (standardised) and labels [n] read with the runtime's IDX reader. */
    public static Tensor[] load() {
        Tensor images = idx("/mnist-10k/images-idx3-ubyte.gz").toFloat().div(255).minus(0.1307).div(0.3081);
        Tensor labels = idx("/mnist-10k/labels-idx1-ubyte.gz").toFloat();
        return new Tensor[] {images.reshape(images.size(0), 1, 28, 28), labels};
    }

    private static Tensor idx(String resource) {
        try (InputStream in = new GZIPInputStream(MnistDigits.class.getResourceAsStream(resource))) {
            return Idx.read(in, resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs epochs {@code first .. last-1} of a run of {@code epochs} over {@code loader}; returns the
     * mean loss of the last. An epoch's shifts, dropout masks and learning rate depend on its number
     * only, so that a run resumed from a checkpoint matches one straight through.
     */
    static double train(MnistCnn model, Adam opt, DataLoader loader, int first, int last, int epochs) {
        double mean = Double.NaN;
        for (int e = first; e < last; e++) {
            double sum = 0;
            int steps = 0;
            model.train();
            model.seedDropout(e);
            Random shifts = new Random(1000 + e);
            opt.learningRate(LR * 0.5 * (1 + Math.cos(Math.PI * e / epochs)));
            try (BatchIterator batches = loader.epoch(e)) {
                while (batches.hasNext()) {
                    Batch b = batches.next();
                    opt.zeroGrad();
                    Tensor images = RandomShift.apply(b.x(), 2, BACKGROUND, shifts);
                    sum += MnistCnnGrad.lossBackward(model, images, b.y()).item();
                    opt.step();
                    steps++;
                }
            }
            mean = sum / steps;
        }
        return mean;
    }

    /** The share of images whose highest score is their label. */
    public static double accuracy(MnistCnn model, Tensor images, Tensor labels) {
        model.eval();
        float[] predicted = MnistCnnGrad.logits(model, images).argmax(1).toFloatArray();
        float[] truth = labels.toFloatArray();
        int right = 0;
        for (int i = 0; i < truth.length; i++) {
            right += predicted[i] == truth[i] ? 1 : 0;
        }
        return right / (double) truth.length;
    }

    public static void main(String[] args) throws IOException {
        int epochs = 15;
        boolean resume = false;
        Path checkpoint = Path.of("target", "mnist-cnn.safetensors");
        // Maven's exec:exec passes -Dmain.args="--epochs 3 --resume" as one argument (or an empty one).
        String[] words = String.join(" ", args).trim().split("[\\s=]+");
        for (int i = 0; i < words.length; i++) {
            switch (words[i]) {
                case "" -> { }
                case "--epochs" -> epochs = Integer.parseInt(words[++i]);
                case "--resume" -> resume = true;
                case "--checkpoint" -> checkpoint = Path.of(words[++i]);
                default -> throw new IllegalArgumentException("unknown option " + words[i]
                        + " (use --epochs N, --resume, --checkpoint FILE)");
            }
        }
        Tensor[] data = load();
        int n = data[0].size(0);
        int train = n - HELD_OUT;
        TensorDataset trainSet = new TensorDataset(data[0].slice(0, 0, train), data[1].slice(0, 0, train));
        DataLoader loader = DataLoader.builder(trainSet).batchSize(64).shuffle(1).build();
        MnistCnn model = new MnistCnn(2);
        Adam opt = new Adam(model.parameters(), LR);
        Path epochFile = checkpoint.resolveSibling(checkpoint.getFileName() + ".epoch");
        int first = 0;
        if (resume && Files.exists(checkpoint)) {
            Checkpoint.load(checkpoint, model, opt);
            first = Integer.parseInt(Files.readString(epochFile).trim());
            System.out.println("resumed after epoch " + first + " from " + checkpoint);
        }
        for (int e = first; e < epochs; e++) {
            double loss = train(model, opt, loader, e, e + 1, epochs);
            Files.createDirectories(checkpoint.toAbsolutePath().getParent());
            Checkpoint.save(checkpoint, model, opt);
            Files.writeString(epochFile, Integer.toString(e + 1));
            double held = accuracy(model, data[0].slice(0, train, n), data[1].slice(0, train, n));
            System.out.printf("epoch %d: mean training loss %.4f, held-out accuracy %.2f%%%n", e + 1, loss, 100 * held);
        }
        System.out.println("checkpoint: " + checkpoint.toAbsolutePath());
    }
}
