package dev.fluxion.processor.verify;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Finds the first point a method evaluates to a finite value on, trying input shapes and value
 * styles in turn; then draws further points of that shape and style, plain or varied (scaled,
 * other int values and array lengths) to reach other paths.
 */
final class ShapeSearch {
    /** Input shape/value combinations tried when looking for a point the method accepts. */
    static final int SEARCH = 200;
    private static final InputStyle[][] STYLES = {
        {InputStyle.SIGNED, InputStyle.SIGNED}, {InputStyle.SIGNED, InputStyle.INDEX},
        {InputStyle.POSITIVE, InputStyle.POSITIVE}, {InputStyle.SIGNED, InputStyle.UNIT},
        {InputStyle.UNIT, InputStyle.UNIT}, {InputStyle.POSITIVE, InputStyle.INDEX},
        {InputStyle.UNIT, InputStyle.INDEX},
    };
    private static final double[] SCALES = {1, 0.1, 10, 0.3, 3, 0.01, 100, 1000, 0.001, 30};
    private static final int[] INTS = {Inputs.INT_VALUE, 0, 1, 3, 4, 5};
    private static final int[] LENGTHS = {Inputs.DEFAULT_SIZE, 1, 2, 4, 5, 6};

    /** Scales of the fallback points, small first: overflow is the commoner reason to need them. */
    private static final double[] FALLBACK_SCALES = {0.1, 0.01, 10, 0.001, 3, 0.3};
    private static final double[] LARGE_SCALES = {30, 300, 10, 1000, 100, 3000};

    private final Inputs gen;
    private final long seed;
    private final Predicate<Point> evaluates;
    private final List<Map<String, int[]>> shapes;
    private int style;
    private int shape;
    private int tried;
    private Map<String, int[]> found;
    private InputStyle[] foundStyle;
    /** The int value and array length of the first point (plain unless only other sizes evaluate). */
    private int foundInt = Inputs.INT_VALUE;
    private int foundLength = Inputs.DEFAULT_SIZE;
    private boolean sizesTried;

    /** Searches {@code gen}'s points; {@code evaluates} says whether the method gives a finite value. */
    ShapeSearch(Inputs gen, long seed, Predicate<Point> evaluates) {
        this.gen = gen;
        this.seed = seed;
        this.evaluates = evaluates;
        this.shapes = gen.assignments(SEARCH);
    }

    /** The next plain point: the first that evaluates, then fresh values with its shape and style. */
    Point next() {
        if (found != null) {
            Point p = gen.draw(found, foundStyle[0], foundStyle[1], new Random(seed + 31L * ++tried), sized(1, 1));
            return evaluates.test(p) ? p : null;
        }
        for (; style < STYLES.length; style++, shape = 0) {
            for (; shape < shapes.size() && tried < SEARCH; shape++) {
                Point p = gen.draw(shapes.get(shape), STYLES[style][0], STYLES[style][1],
                        new Random(seed + 31L * ++tried));
                if (evaluates.test(p)) {
                    found = shapes.get(shape);
                    foundStyle = STYLES[style];
                    return p;
                }
            }
        }
        return sizesTried ? null : otherSizes();
    }

    /**
     * Where no point of the plain sizes evaluates (a method that indexes {@code a[row * n + j]} or
     * {@code cam[10]}): the int parameters and array lengths together, lengths derived from the
     * int value ({@code n}, {@code n * n}, {@code n + 1}, {@code 2 n}, {@code n³}) and then
     * common fixed lengths up to 32, each array the same length.
     */
    private Point otherSizes() {
        sizesTried = true;
        int budget = SEARCH;
        for (int n : new int[] {Inputs.INT_VALUE, 3, 1, 4}) {
            java.util.Set<Integer> lengths = new java.util.LinkedHashSet<>(List.of(n, n * n, n + 1, 2 * n, n * n * n));
            for (int fixed : new int[] {Inputs.DEFAULT_SIZE, 4, 5, 6, 8, 9, 10, 11, 12, 16, 20, 27, 32}) {
                lengths.add(fixed);
            }
            for (int length : lengths) {
                for (InputStyle[] st : STYLES) {
                    for (Map<String, int[]> shapeSet : shapes.subList(0, Math.min(shapes.size(), 4))) {
                        if (budget-- <= 0) {
                            return null;
                        }
                        Point p = gen.draw(shapeSet, st[0], st[1], new Random(seed + 31L * ++tried),
                                new Inputs.Variation(1, 1, n, length));
                        if (evaluates.test(p)) {
                            found = shapeSet;
                            foundStyle = st;
                            foundInt = n;
                            foundLength = length;
                            return p;
                        }
                    }
                }
            }
        }
        return null;
    }

    private Inputs.Variation sized(double scale, double constantScale) {
        return new Inputs.Variation(scale, constantScale, foundInt, foundLength);
    }

    /**
     * The {@code i}-th varied point (after {@link #next()} found one): the first few at the
     * plain scale, then inputs scaled by factors from 1e-3 to 1e3, {@code @NoGrad} scalars
     * independently, other int values and array lengths. It may not evaluate.
     */
    Point varied(int i) {
        Random rng = new Random(seed ^ (0x5DEECE66DL + 104729L * i));
        Inputs.Variation v = new Inputs.Variation(
                i < 3 ? 1 : SCALES[rng.nextInt(SCALES.length)],
                i < 2 ? 1 : SCALES[rng.nextInt(SCALES.length)],
                i < 4 ? foundInt : INTS[rng.nextInt(INTS.length)],
                i < 4 ? foundLength : LENGTHS[rng.nextInt(LENGTHS.length)]);
        return gen.draw(found, foundStyle[0], foundStyle[1], rng, v);
    }

    /**
     * The {@code i}-th fallback point, for where the points so far could not be checked: plain
     * values scaled as a whole (0.1, 0.01, 10, ...), so that a method that overflows or cancels at
     * the plain scale gets a point where it does not. It may not evaluate.
     */
    Point rescaled(int i) {
        return scaled(new Random(seed ^ (0x2545F4914F6CDD1DL + 7919L * i)), FALLBACK_SCALES[i % FALLBACK_SCALES.length]);
    }

    /**
     * The {@code i}-th large point: plain values scaled by 10 to 3000, where exponentials and
     * powers overflow. It may not evaluate.
     */
    Point large(int i) {
        return scaled(new Random(seed ^ (0x7F4A7C15F39CC060L + 15485863L * i)), LARGE_SCALES[i % LARGE_SCALES.length]);
    }

    /** A draw of the shapes found, every floating input scaled by {@code scale}. */
    private Point scaled(Random rng, double scale) {
        return gen.draw(found, foundStyle[0], foundStyle[1], rng, sized(scale, 1));
    }
}
