package dev.fluxion.processor.verify;

import dev.fluxion.processor.check.Diagnostic;
import java.util.List;

/**
 * The outcome of verifying one method, as data: its diagnostics (a mismatch is an error, a check
 * that could not run a note, an error in strict mode) and what was checked.
 *
 * @param method the method's name
 * @param diagnostics what to report, at the method
 * @param points the evaluation points tried
 * @param coordinates the input elements compared against finite differences
 * @param largestError the largest |derived − numerical| seen
 */
public record VerificationReport(String method, List<Diagnostic> diagnostics, int points, int coordinates,
                                 double largestError) {
    public VerificationReport {
        diagnostics = List.copyOf(diagnostics);
    }

    /** Whether the method's gradient was compared and agreed. */
    public boolean passed() {
        return diagnostics.isEmpty() && coordinates > 0;
    }

    /** Whether any diagnostic fails the build. */
    public boolean failed() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }
}
