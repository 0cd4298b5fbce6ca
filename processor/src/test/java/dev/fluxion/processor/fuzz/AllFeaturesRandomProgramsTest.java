package dev.fluxion.processor.fuzz;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * {@link RandomProgramsTest} with every {@link Feature} on, including those that fail on today's
 * engine ({@link RandomProgramsTest#OFF_TODAY}); run it with {@code -Dfluxion.fuzz.all=true}
 * (and {@code -Dfluxion.fuzz.n=...}). It is expected to fail until the engine bugs named there are
 * fixed; then its features move into {@link RandomProgramsTest#CI_FEATURES}.
 */
@EnabledIfSystemProperty(named = "fluxion.fuzz.all", matches = "true")
class AllFeaturesRandomProgramsTest {
    @Test
    void randomProgramsWithEveryFeatureMatchValueAndFiniteDifferences() {
        RandomProgramsTest.assertClean(RandomProgramsTest.run(20261207, 1000, Feature.all()));
    }
}
