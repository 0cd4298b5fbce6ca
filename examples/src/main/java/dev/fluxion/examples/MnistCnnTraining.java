package dev.fluxion.examples;

import dev.fluxion.Tensor;
import dev.fluxion.data.Batch;
import dev.fluxion.data.BatchIterator;
import dev.fluxion.data.DataLoader;
import dev.fluxion.data.RandomShift;
import dev.fluxion.data.TensorDataset;
import dev.fluxion.examples.data.Mnist;
import dev.fluxion.examples.support.Plots;
import dev.fluxion.examples.support.Progress;
import dev.fluxion.io.Checkpoint;
import dev.fluxion.optim.Adam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Trains {@link MnistCnn} with Adam on the first 8,000 digits of the shipped sample, in shuffled
 * mini-batches from a {@link DataLoader}, each image moved by up to 2 pixels each way
 * ({@link RandomShift}), the learning rate annealed along a cosine from 1e-3 to 0 over the run;
 * measures loss and accuracy on the 2,000 it holds out after every epoch, saves a checkpoint
 * (weights and Adam's moments, in the safetensors format) after every epoch, and resumes from it
 * when asked: {@code --epochs N} (default 15), {@code --resume} (continue from
 * {@code out/mnist-cnn.safetensors} up to N epochs). The shifts, dropout masks and learning rate of
 * an epoch depend only on the seed and the epoch, so a resumed run matches one straight through.
 */
public final class MnistCnnTraining {
    private MnistCnnTraining() {}

    /** Held-out digits: the last 2,000 of the sample. */
    static final int HELD_OUT = 2000;
    /** The largest shift of a training image, in pixels. */
    static final int SHIFT = 2;
    /** The value of a blank pixel after standardisation. */
    static final double BACKGROUND = (0 - 0.1307) / 0.3081;

    /** Per epoch: mean training loss over the epoch's batches, accuracy on 2,000 training digits after it, held-out loss and accuracy; the charts. */
    public record Result(double[] trainLoss, double[] trainAccuracy, double[] testLoss, double[] testAccuracy,
                         Path lossChart, Path accuracyChart, Path checkpoint) {
        /** The held-out accuracy after the last epoch. */
        public double finalTestAccuracy() {
            return testAccuracy[testAccuracy.length - 1];
        }
    }

    /** The sample as images {@code [n, 1, 28, 28]} standardised as is customary, and labels {@code [n]}. */
    static Tensor[] data() {
        Mnist mnist = Mnist.sample();
        Tensor images = Tensor.fromArray(mnist.images(), mnist.count(), 1, 28, 28).minus(0.1307).div(0.3081);
        Tensor labels = Tensor.fromArray(Arrays.stream(mnist.labels()).asDoubleStream().toArray(), mnist.count())
                .toFloat();
        return new Tensor[] {images, labels};
    }

    /**
     * Trains up to epoch {@code epochs}: from scratch, or from {@code checkpoint} when
     * {@code resume} and the file exists (the epochs it holds are not repeated).
     */
    public static Result train(int epochs, int batch, double lr, long seed, Path checkpoint, boolean resume) {
        Tensor[] all = data();
        int n = all[0].size(0);
        int train = n - HELD_OUT;
        TensorDataset trainSet = new TensorDataset(all[0].slice(0, 0, train), all[1].slice(0, 0, train));
        Tensor testImages = all[0].slice(0, train, n);
        Tensor testLabels = all[1].slice(0, train, n);
        // Training accuracy at the end of an epoch, measured as the held-out one, on as many training digits.
        Tensor trainProbe = all[0].slice(0, 0, HELD_OUT);
        Tensor trainProbeLabels = all[1].slice(0, 0, HELD_OUT);
        DataLoader loader = DataLoader.builder(trainSet).batchSize(batch).shuffle(seed).prefetch(2).build();

        MnistCnn model = new MnistCnn(new Random(seed));
        Adam opt = new Adam(model.parameters(), lr);
        int first = 0;
        double[][] history = new double[4][epochs];
        if (resume && Files.exists(checkpoint)) {
            Checkpoint.load(checkpoint, model, opt);
            first = History.read(checkpoint, history);
            System.out.println("resumed from " + checkpoint + " after epoch " + first);
        }
        for (int epoch = first; epoch < epochs; epoch++) {
            double lossSum = 0;
            long seen = 0;
            model.train();
            model.seedDropout(seed * 1_000_003L + epoch); // a function of the epoch: resumed runs match
            Random shifts = new Random(seed * 1_000_033L + epoch);
            opt.learningRate(cosine(lr, epoch, epochs));
            try (Progress progress = Progress.start(String.format("epoch %d/%d", epoch + 1, epochs),
                    loader.batchesPerEpoch()); BatchIterator batches = loader.epoch(epoch)) {
                while (batches.hasNext()) {
                    Batch b = batches.next();
                    opt.zeroGrad();
                    Tensor images = RandomShift.apply(b.x(), SHIFT, BACKGROUND, shifts);
                    var pullback = MnistCnnGrad.lossVjp(model, images, b.y());
                    pullback.backward(Tensor.scalar(1f));
                    opt.step();
                    double loss = pullback.value().item();
                    int rows = b.x().size(0);
                    lossSum += loss * rows;
                    seen += rows;
                    progress.step(loss);
                }
            }
            model.eval();
            Tensor logits = evaluate(model, testImages);
            history[0][epoch] = lossSum / seen;
            history[1][epoch] = correct(evaluate(model, trainProbe), trainProbeLabels) / (double) HELD_OUT;
            history[2][epoch] = dev.fluxion.F.crossEntropy(logits, testLabels).item();
            history[3][epoch] = correct(logits, testLabels) / (double) HELD_OUT;
            Checkpoint.save(checkpoint, model, opt);
            History.write(checkpoint, history, epoch + 1);
            System.out.printf("epoch %d: train loss %.4f, accuracy %.2f%%; held-out loss %.4f, accuracy %.2f%%%n",
                    epoch + 1, history[0][epoch], 100 * history[1][epoch], history[2][epoch], 100 * history[3][epoch]);
        }
        Path lossChart = Plots.epochCurves("mnist-cnn-loss", "MNIST CNN: cross-entropy per epoch", "cross-entropy",
                history[0], history[2]);
        Path accuracyChart = Plots.epochCurves("mnist-cnn-accuracy", "MNIST CNN: accuracy per epoch",
                "accuracy (fraction correct)", history[1], history[3]);
        return new Result(history[0], history[1], history[2], history[3], lossChart, accuracyChart, checkpoint);
    }

    /** The learning rate of epoch {@code epoch} of {@code epochs}: from {@code lr} down to 0 along a half cosine. */
    static double cosine(double lr, int epoch, int epochs) {
        return lr * 0.5 * (1 + Math.cos(Math.PI * epoch / epochs));
    }

    /** The logits of {@code images}, in batches of 500 to bound memory. */
    static Tensor evaluate(MnistCnn model, Tensor images) {
        int n = images.size(0);
        Tensor[] parts = new Tensor[(n + 499) / 500];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = MnistCnnGrad.forward(model, images.slice(0, i * 500, Math.min(n, (i + 1) * 500)));
        }
        return dev.fluxion.F.cat(0, parts);
    }

    /** How many rows of {@code logits} have their highest score at their label. */
    static long correct(Tensor logits, Tensor labels) {
        float[] predicted = logits.argmax(1).toFloatArray();
        float[] truth = labels.toFloatArray();
        long right = 0;
        for (int i = 0; i < truth.length; i++) {
            right += predicted[i] == truth[i] ? 1 : 0;
        }
        return right;
    }

    public static void main(String[] args) {
        int epochs = 15;
        boolean resume = false;
        // exec:exec passes -Ddemo.args="--epochs 3 --resume" as one argument (or an empty one).
        String[] words = String.join(" ", args).trim().split("[\\s=]+");
        for (int i = 0; i < words.length; i++) {
            switch (words[i]) {
                case "" -> { }
                case "--epochs" -> epochs = Integer.parseInt(words[++i]);
                case "--resume" -> resume = true;
                default -> throw new IllegalArgumentException("unknown option " + words[i]
                        + " (use --epochs N and --resume)");
            }
        }
        long start = System.nanoTime();
        Result r = train(epochs, 64, 1e-3, 0, Plots.outputDir().resolve("mnist-cnn.safetensors"), resume);
        System.out.printf("held-out accuracy %.2f%% after %d epochs, %.1f s%n", 100 * r.finalTestAccuracy(), epochs,
                (System.nanoTime() - start) / 1e9);
        System.out.println("checkpoint: " + r.checkpoint().toAbsolutePath());
        System.out.println("charts: " + r.lossChart() + ", " + r.accuracyChart());
    }

    /** The per-epoch figures, kept beside the checkpoint so that a resumed run plots every epoch. */
    static final class History {
        private History() {}

        static Path file(Path checkpoint) {
            return checkpoint.resolveSibling(checkpoint.getFileName() + ".history.csv");
        }

        static void write(Path checkpoint, double[][] history, int epochs) {
            StringBuilder sb = new StringBuilder("epoch,train_loss,train_accuracy,test_loss,test_accuracy\n");
            for (int e = 0; e < epochs; e++) {
                sb.append(e + 1);
                for (double[] column : history) {
                    sb.append(',').append(column[e]);
                }
                sb.append('\n');
            }
            try {
                Files.writeString(file(checkpoint), sb);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Fills {@code history} from the file; returns the number of epochs it holds. */
        static int read(Path checkpoint, double[][] history) {
            try {
                java.util.List<String> lines = Files.readAllLines(file(checkpoint));
                int epochs = 0;
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.split(",");
                    int e = Integer.parseInt(f[0]) - 1;
                    if (e < history[0].length) {
                        for (int c = 0; c < history.length; c++) {
                            history[c][e] = Double.parseDouble(f[c + 1]);
                        }
                    }
                    epochs = e + 1;
                }
                return Math.min(epochs, history[0].length);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
