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
 * <p>{@code mvn verify} runs 1,000 programs on a fixed seed with the features that pass on today's
 * engine ({@link #CI_FEATURES}). Off, each for a bug it finds (minimal programs in
 * {@code /work/findings/fuzz.md}, issue 10):
 * <ul>
 *   <li>{@code TERNARY}, {@code TERNARY_IN_LOOP}: the temporary of a compound {@code ?:} side is
 *       reused after the branch, so fGrad's value is wrong or infinite (F1, issue 10 #4);</li>
 *   <li>{@code NESTED_IF_IN_LOOP}: branch bits popped in the wrong order, wrong gradients and
 *       "tape read past its first value" (F3, F5, issue 10 #1);</li>
 *   <li>{@code SEVERAL_LOOPS}: the one-pass fGrad declares a temporary twice (F8, issue 10 #7);</li>
 *   <li>{@code ASSIGN_OUTSIDE_LOOPS}: in a body with a loop, {@code s += (p - s); return a + (p - s);}
 *       reuses the temporary {@code p - s} of before the assignment (F9, issue 10 #3);</li>
 *   <li>{@code FUSED_LOOP_WITH_BRANCHES}: fGrad's loop fusion analysis crashes the processor on a
 *       top-level loop where an accumulation {@code s += t} precedes an {@code if} or a loop
 *       ({@code ClassCastException: Stmt$If cannot be cast to Stmt$Assign}, F2, F6b, issue 10 #6);
 *       with it off such loops start with an empty {@code if};</li>
 *   <li>{@code BREAK}: {@code if (c) { break; }} followed by an if/else in the loop loses the
 *       gradient of what the else assigns (F17, issue 10 #2);</li>
 *   <li>{@code CALLS_IN_LOOP}: a call inside a branch of a loop (with {@code continue}, in an
 *       else, in a {@code ?:} side) leaves the callee's pullback null: NullPointerException in the
 *       backward pass (F4, F4b, F4c);</li>
 *   <li>{@code RETURN_IN_LOOP}, {@code CONTINUE}: a {@code return} in a loop followed by another
 *       {@code if} in the loop credits the gradient of a value the loop overwrote (F19, issue 10 #2);
 *       {@code continue} with if/else in the loop is issue 10 #1's family.</li>
 * </ul>
 * The lead turns a feature on once its bug is fixed. Properties: {@code -Dfluxion.fuzz.n=100000}
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
    static final Set<Feature> OFF_TODAY = EnumSet.of(
            Feature.TERNARY, Feature.TERNARY_IN_LOOP, Feature.NESTED_IF_IN_LOOP, Feature.SEVERAL_LOOPS,
            Feature.ASSIGN_OUTSIDE_LOOPS, Feature.FUSED_LOOP_WITH_BRANCHES, Feature.BREAK, Feature.CALLS_IN_LOOP,
            Feature.RETURN_IN_LOOP, Feature.CONTINUE);

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
