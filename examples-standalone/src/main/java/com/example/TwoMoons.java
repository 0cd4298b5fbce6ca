package com.example;

import dev.fluxion.Tensor;
import dev.fluxion.data.Batch;
import dev.fluxion.data.DataLoader;
import dev.fluxion.data.Datasets;
import dev.fluxion.data.TensorDataset;
import dev.fluxion.io.Checkpoint;
import dev.fluxion.optim.Adam;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Trains {@link MoonsMlp} on the two moons with Adam and mini-batches, saves a checkpoint half-way,
 * resumes from it in a fresh model and optimizer, and reports the held-out accuracy.
 */
public final class TwoMoons {
    private TwoMoons() {}

    /** Two interleaved half circles with Gaussian noise: x [n, 2] and classes y [n] (0 or 1). */
    public static TensorDataset moons(int n, double noise, long seed) {
        Random rng = new Random(seed);
        float[] x = new float[2 * n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            double t = Math.PI * rng.nextDouble();
            boolean upper = i % 2 == 0;
            double px = upper ? Math.cos(t) : 1 - Math.cos(t);
            double py = upper ? Math.sin(t) : 0.5 - Math.sin(t);
            x[2 * i] = (float) (px + noise * rng.nextGaussian());
            x[2 * i + 1] = (float) (py + noise * rng.nextGaussian());
            y[i] = upper ? 0 : 1;
        }
        return new TensorDataset(Tensor.fromArray(x, n, 2), Tensor.fromArray(y, n));
    }

    /** Runs {@code epochs} epochs of {@code loader} on {@code model}; returns the last batch's loss. */
    static double train(MoonsMlp model, Adam opt, DataLoader loader, int firstEpoch, int epochs) {
        double last = Double.NaN;
        for (int e = firstEpoch; e < firstEpoch + epochs; e++) {
            try (var batches = loader.epoch(e)) {
                while (batches.hasNext()) {
                    Batch b = batches.next();
                    opt.zeroGrad();
                    last = MoonsMlpGrad.lossBackward(model, b.x(), b.y()).item();
                    opt.step();
                }
            }
        }
        return last;
    }

    /** The share of points whose highest score is their class. */
    public static double accuracy(MoonsMlp model, Tensor x, Tensor y) {
        Tensor predicted = MoonsMlpGrad.logits(model, x).argmax(1);
        float[] p = predicted.toFloatArray();
        float[] t = y.toFloatArray();
        int right = 0;
        for (int i = 0; i < t.length; i++) {
            right += p[i] == t[i] ? 1 : 0;
        }
        return right / (double) t.length;
    }

    public static void main(String[] args) throws IOException {
        Datasets.Split split = Datasets.trainTestSplit(moons(1000, 0.1, 1), 0.2, 2);
        DataLoader loader = DataLoader.builder(split.train()).batchSize(32).shuffle(3).build();
        MoonsMlp model = new MoonsMlp(4);
        Adam opt = new Adam(model.parameters(), 0.01);
        train(model, opt, loader, 0, 20);
        Path checkpoint = Files.createTempDirectory("moons").resolve("moons.safetensors");
        Checkpoint.save(checkpoint, model, opt);
        System.out.println("saved after 20 epochs: " + checkpoint);

        MoonsMlp resumed = new MoonsMlp(99);
        Adam resumedOpt = new Adam(resumed.parameters(), 0.01);
        Checkpoint.load(checkpoint, resumed, resumedOpt);
        double loss = train(resumed, resumedOpt, loader, 20, 20);
        Tensor testX = split.test().getBatch(allIndices(split.test().size())).get(0);
        Tensor testY = split.test().getBatch(allIndices(split.test().size())).get(1);
        System.out.printf("resumed, 20 more epochs: last batch loss %.4f, held-out accuracy %.1f%%%n",
                loss, 100 * accuracy(resumed, testX, testY));
    }

    static int[] allIndices(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }
}
