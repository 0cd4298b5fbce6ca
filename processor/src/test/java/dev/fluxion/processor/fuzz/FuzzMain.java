package dev.fluxion.processor.fuzz;

/**
 * Runs the fuzzer outside JUnit, for long runs in the background (same system properties as
 * {@link RandomProgramsTest}): {@code java -cp ... dev.fluxion.processor.fuzz.FuzzMain}.
 */
final class FuzzMain {
    private FuzzMain() {
    }

    public static void main(String[] args) {
        FuzzRun.Report report = RandomProgramsTest.run(1, 1000, Feature.all());
        System.exit(report.clean() ? 0 : 1);
    }
}
