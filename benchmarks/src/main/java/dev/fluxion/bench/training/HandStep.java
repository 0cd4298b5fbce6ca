package dev.fluxion.bench.training;

/** A hand-written training step over {@code float[]}: the baseline a Fluxion step is timed against. */
interface HandStep {
    /** Puts the parameters back to their initial values. */
    void reset();

    /** One forward + backward + SGD update; returns the loss before the update. */
    float step();
}
