package dev.fluxion.data;

import dev.fluxion.FluxionException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Splitting datasets: {@link #randomSplit} and {@link #trainTestSplit}. */
public final class Datasets {
    private Datasets() {}

    /**
     * A training and a test part of one dataset.
     *
     * @param train the training samples
     * @param test the held-out samples
     */
    public record Split(Subset train, Subset test) {}

    /**
     * Splits {@code dataset} into disjoint random subsets that together hold every sample once, as
     * {@code torch.utils.data.random_split} with fractions: part {@code k} gets
     * {@code ⌊fractions[k]·n⌋} samples, and the samples left over by rounding go one each to the
     * parts in order. The samples are assigned by a permutation seeded by {@code seed}.
     *
     * @param dataset the dataset to split
     * @param seed the permutation's seed
     * @param fractions the parts' shares, each in {@code [0, 1]}, summing to 1 (within 1e-9)
     * @return the parts, in the order of {@code fractions}
     * @throws FluxionException for fractions out of range or not summing to 1
     */
    public static List<Subset> randomSplit(Dataset dataset, long seed, double... fractions) {
        double total = 0;
        for (double f : fractions) {
            if (!(f >= 0 && f <= 1)) {
                throw new FluxionException("randomSplit: fraction " + f + " is not in [0, 1]");
            }
            total += f;
        }
        if (fractions.length == 0 || Math.abs(total - 1) > 1e-9) {
            throw new FluxionException("randomSplit: fractions " + Arrays.toString(fractions) + " do not sum to 1");
        }
        int n = dataset.size();
        int[] lengths = new int[fractions.length];
        int assigned = 0;
        for (int k = 0; k < fractions.length; k++) {
            lengths[k] = (int) Math.floor(fractions[k] * n);
            assigned += lengths[k];
        }
        for (int k = 0; assigned < n; k = (k + 1) % lengths.length) {
            lengths[k]++;
            assigned++;
        }
        int[] perm = permutation(n, new Random(seed));
        List<Subset> parts = new ArrayList<>();
        int from = 0;
        for (int length : lengths) {
            parts.add(new Subset(dataset, Arrays.copyOfRange(perm, from, from + length)));
            from += length;
        }
        return parts;
    }

    /**
     * A random train/test split: the test part gets {@code ⌊testFraction·n⌋} samples (rounded as in
     * {@link #randomSplit}), the training part the rest.
     *
     * @param dataset the dataset to split
     * @param testFraction the share held out, in {@code [0, 1]}
     * @param seed the permutation's seed
     * @return the two parts
     */
    public static Split trainTestSplit(Dataset dataset, double testFraction, long seed) {
        if (!(testFraction >= 0 && testFraction <= 1)) {
            throw new FluxionException("trainTestSplit: test fraction " + testFraction + " is not in [0, 1]");
        }
        List<Subset> parts = randomSplit(dataset, seed, 1 - testFraction, testFraction);
        return new Split(parts.get(0), parts.get(1));
    }

    /** A Fisher–Yates permutation of {@code 0 .. n − 1}. */
    static int[] permutation(int n, Random rng) {
        int[] p = new int[n];
        Arrays.setAll(p, i -> i);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
