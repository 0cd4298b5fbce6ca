package dev.fluxion.processor.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Randomized differential testing of the processor: random {@code @Differentiable} methods,
 * compiled with the processor, each checked against the user's own method (value) and float64
 * central differences (gradient); failures are shrunk to minimal programs and printed.
 */
class RandomProgramsTest {
    static final String N = "fluxion.fuzz.n";
    static final String SEED = "fluxion.fuzz.seed";
    static final String FEATURES = "fluxion.fuzz.features";
    static final String BATCH = "fluxion.fuzz.batch";
    static final String FINDINGS = "fluxion.fuzz.findings";
    static final String SHRINK = "fluxion.fuzz.shrink";

    static FuzzRun.Report run(long defaultSeed, int defaultN, Set<Feature> defaultFeatures) {
        String features = System.getProperty(FEATURES);
        String findings = System.getProperty(FINDINGS);
        FuzzRun.Config config = new FuzzRun.Config(
                Long.getLong(SEED, defaultSeed),
                Integer.getInteger(N, defaultN),
                Integer.getInteger(BATCH, 50),
                features == null ? defaultFeatures : Feature.parse(features),
                0.3, 5, Integer.getInteger(SHRINK, 40),
                findings == null ? null : Path.of(findings));
        FuzzRun.Report report = FuzzRun.run(config);
        System.out.println("fuzz: seed " + config.seed() + ", features " + config.features() + ": " + report.summary());
        return report;
    }

    @Test
    void randomProgramsMatchTheirOracle() {
        FuzzRun.Report report = run(1, 1000, Feature.all());
        StringBuilder why = new StringBuilder(report.summary());
        for (FuzzRun.Found f : report.found()) {
            why.append("\n\n").append(f.report());
        }
        assertTrue(report.clean(), why.toString());
    }
}
