package dev.fluxion.processor.verify;

import dev.fluxion.processor.model.Diagnostic;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The outcome of verifying one method, as data: its diagnostics (a mismatch is an error, a check
 * that could not run a note, an error in strict mode) and what was checked.
 *
 * @param method the method's name
 * @param diagnostics what to report, at the method
 * @param points the evaluation points tried
 * @param coordinates the input elements compared against finite differences
 * @param largestError the largest |derived − numerical| seen
 * @param coverage the paths whose gradient was verified ({@link Coverage#NONE} where none was)
 */
public record VerificationReport(String method, List<Diagnostic> diagnostics, int points, int coordinates,
                                 double largestError, Coverage coverage) {
    public VerificationReport {
        diagnostics = List.copyOf(diagnostics);
    }

    /** A report without coverage (a check that did not get as far). */
    public VerificationReport(String method, List<Diagnostic> diagnostics, int points, int coordinates,
                              double largestError) {
        this(method, diagnostics, points, coordinates, largestError, Coverage.NONE);
    }

    /** Whether the method's gradient was compared and agreed. */
    public boolean passed() {
        return diagnostics.isEmpty() && coordinates > 0;
    }

    /** Whether any diagnostic fails the build. */
    public boolean failed() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    /**
     * Which paths through the method the verified points took: of its branch directions
     * ({@code if} and {@code ?:} outcomes) and loop exits, how many some verified point took, and
     * the ones none did (not reachable from the inputs tried, or only at unreliable points).
     *
     * @param points the points where the gradient was verified
     * @param directions branch directions taken at a verified point
     * @param directionsTotal branch directions in the method
     * @param exits loop exits taken at a verified point
     * @param exitsTotal loop exits in the method
     * @param unreached the directions and exits no verified point took, described
     */
    public record Coverage(int points, int directions, int directionsTotal, int exits, int exitsTotal,
                           List<String> unreached) {
        /** Nothing verified. */
        public static final Coverage NONE = new Coverage(0, 0, 0, 0, 0, List.of());

        public Coverage {
            unreached = List.copyOf(unreached);
        }

        static Coverage of(BranchSites sites, Set<BranchSites.Direction> verified, int points) {
            int directions = 0;
            int directionsTotal = 0;
            int exits = 0;
            int exitsTotal = 0;
            List<String> unreached = new ArrayList<>();
            for (BranchSites.Site s : sites.all()) {
                for (BranchSites.Outcome o : s.possible()) {
                    boolean hit = verified.contains(new BranchSites.Direction(s.id(), o));
                    if (o.isExit()) {
                        exitsTotal++;
                        exits += hit ? 1 : 0;
                    } else {
                        directionsTotal++;
                        directions += hit ? 1 : 0;
                    }
                    if (!hit) {
                        unreached.add(s.describe(o));
                    }
                }
            }
            return new Coverage(points, directions, directionsTotal, exits, exitsTotal, unreached);
        }

        /** {@code 4 points covering 6 of 6 branch directions and 3 of 3 loop exits}. */
        public String describe() {
            String p = points + (points == 1 ? " point" : " points");
            List<String> parts = new ArrayList<>();
            if (directionsTotal > 0) {
                parts.add(directions + " of " + directionsTotal + " branch directions");
            }
            if (exitsTotal > 0) {
                parts.add(exits + " of " + exitsTotal + " loop exits");
            }
            return parts.isEmpty() ? p + " (it has no branches or loops)" : p + " covering " + String.join(" and ", parts);
        }
    }
}
