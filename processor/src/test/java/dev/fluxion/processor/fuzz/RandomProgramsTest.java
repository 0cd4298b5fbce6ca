package dev.fluxion.processor.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Randomized differential testing of the processor: random {@code @Differentiable} methods
 * ({@link ScalarGenerator}, {@link TensorGenerator}), compiled with the processor in batches
 * ({@link Harness}), each checked against the user's own method for the value and float64 central
 * differences for the gradient ({@link Oracle}); failures are shrunk to minimal programs
 * ({@link Shrinker}) and printed in the failure message.
 *
 * <p>{@code mvn verify} runs 1,000 programs on a fixed seed with every feature on
 * ({@link #CI_FEATURES}). Until the one reverse engine landed, ten features were off here, each
 * for a bug the fuzzer had found (minimal programs in {@link FuzzFindingsTest} and issue 10's
 * regression tests): {@code ?:} sides sharing a temporary, branch bits popped out of order, loop
 * fusion crashing on an {@code if}, a temporary read after its variable's reassignment, a callee's
 * pullback left null in a branch of a loop, {@code break}/{@code return}/{@code continue} followed by
 * another branch. A feature that finds a new bug is switched off in {@link #OFF_TODAY}, with the
 * bug's name, only until it is fixed.
 *
 * <p>Properties: {@code -Dfluxion.fuzz.n=100000}
 * (programs), {@code -Dfluxion.fuzz.seed=}, {@code -Dfluxion.fuzz.first=} (first program index),
 * {@code -Dfluxion.fuzz.features=all} (or {@code all-X,Y}, or a list), {@code -Dfluxion.fuzz.batch=}
 * (programs per compilation), {@code -Dfluxion.fuzz.shrink=} (failures to shrink),
 * {@code -Dfluxion.fuzz.findings=FILE} (append each distinct shrunk failure to FILE),
 * {@code -Dfluxion.fuzz.tensors=0.3} (share of tensor programs).
 */
class RandomProgramsTest {
    static final String N = "fluxion.fuzz.n";
    static final String SEED = "fluxion.fuzz.seed";
    static final String FIRST = "fluxion.fuzz.first";
    static final String FEATURES = "fluxion.fuzz.features";
    static final String BATCH = "fluxion.fuzz.batch";
    static final String SHRINK = "fluxion.fuzz.shrink";
    static final String FINDINGS = "fluxion.fuzz.findings";
    static final String TENSORS = "fluxion.fuzz.tensors";

    /** Features whose programs fail on today's engine, each with the bug (see the class Javadoc). */
    static final Set<Feature> OFF_TODAY = EnumSet.noneOf(Feature.class);

    /** What {@code mvn verify} enables: every feature but {@link #OFF_TODAY}. */
    static final Set<Feature> CI_FEATURES = complement(OFF_TODAY);

    private static Set<Feature> complement(Set<Feature> off) {
        Set<Feature> on = Feature.all();
        on.removeAll(off);
        return on;
    }

    static FuzzRun.Report run(long defaultSeed, int defaultN, Set<Feature> defaultFeatures) {
        String features = System.getProperty(FEATURES);
        String findings = System.getProperty(FINDINGS);
        FuzzRun.Config config = new FuzzRun.Config(
                Long.getLong(SEED, defaultSeed),
                Integer.getInteger(FIRST, 0),
                Integer.getInteger(N, defaultN),
                Integer.getInteger(BATCH, 50),
                features == null ? defaultFeatures : Feature.parse(features),
                Double.parseDouble(System.getProperty(TENSORS, "0.3")), 5, Integer.getInteger(SHRINK, 10),
                findings == null ? null : Path.of(findings));
        FuzzRun.Report report = FuzzRun.run(config);
        System.out.println("fuzz: seed " + config.seed() + ", features " + config.features() + ": " + report.summary());
        return report;
    }

    static void assertClean(FuzzRun.Report report) {
        StringBuilder why = new StringBuilder(report.summary());
        for (FuzzRun.Found f : report.found()) {
            why.append("\n\n").append(f.report());
        }
        assertTrue(report.clean(), why.toString());
        assertTrue(report.stats().coordinates > report.programs(), "too few gradient elements checked: " + report.stats());
    }

    @Test
    void thousandRandomProgramsMatchValueAndFiniteDifferences() {
        assertClean(run(20261207, 1000, CI_FEATURES));
    }
}
