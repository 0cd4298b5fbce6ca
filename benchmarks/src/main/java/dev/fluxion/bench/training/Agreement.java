package dev.fluxion.bench.training;

import java.util.function.DoubleSupplier;

/**
 * Checks, before timing, that the Fluxion run and the hand-written run compute the same training
 * run: the loss of each of the first steps agrees to float32 accuracy. A benchmark that compared
 * two different computations would be worthless, so a mismatch stops the trial.
 */
final class Agreement {
    private static final int STEPS = 25;

    private Agreement() {}

    /** Runs {@value #STEPS} steps of each (both freshly reset) and compares the losses. */
    static void check(String workload, DoubleSupplier fluxionStep, DoubleSupplier handStep) {
        for (int s = 0; s < STEPS; s++) {
            double a = fluxionStep.getAsDouble();
            double b = handStep.getAsDouble();
            if (!(Math.abs(a - b) <= 1e-4 + 1e-3 * Math.abs(b))) {
                throw new IllegalStateException(workload + ": step " + s + " loss differs: Fluxion " + a
                        + ", hand-written " + b);
            }
        }
    }
}
