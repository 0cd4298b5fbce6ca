package dev.fluxion.processor.verify;

import java.util.Random;

/**
 * How input values are drawn. Values stay away from 0 (|x| ≥ 0.5 for the signed style) so that
 * the kinks of relu, abs and max at 0 are far from every sample; the other styles serve inputs
 * that need a domain (logs want positive values, probabilities want (0, 1), class targets want
 * small integers).
 */
enum InputStyle {
    /** ±U(0.5, 1.5). */
    SIGNED,
    /** U(0.5, 1.5). */
    POSITIVE,
    /** U(0.1, 0.9). */
    UNIT,
    /** 0 or 1, as doubles: class indices and binary labels. */
    INDEX;

    double draw(Random rng) {
        return switch (this) {
            case SIGNED -> (rng.nextBoolean() ? 1 : -1) * (0.5 + rng.nextDouble());
            case POSITIVE -> 0.5 + rng.nextDouble();
            case UNIT -> 0.1 + 0.8 * rng.nextDouble();
            case INDEX -> rng.nextInt(2);
        };
    }

    /** Whether values of this style may be scaled: they have no domain of their own. */
    boolean scalable() {
        return this == SIGNED || this == POSITIVE;
    }
}
