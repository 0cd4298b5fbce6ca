package dev.fluxion.processor.verify;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Records the path one evaluation of a method takes through its {@link BranchSites}: each fork's
 * outcome (a condition's direction, a loop's exit reason and trip-count class), as a set. Two
 * evaluations with equal sets took the same branch directions and loop exits, if not in the same
 * order. Nodes of other methods (callees) are ignored: those are verified on their own.
 */
final class PathRecorder {
    private final BranchSites sites;
    private final Set<BranchSites.Direction> path = new LinkedHashSet<>();

    PathRecorder(BranchSites sites) {
        this.sites = sites;
    }

    /** A condition at {@code node} (an {@code if} or a {@code ?:}) evaluated to {@code taken}. */
    void branch(Object node, boolean taken) {
        add(node, taken ? BranchSites.Outcome.TRUE : BranchSites.Outcome.FALSE);
    }

    /** The loop {@code node} ran {@code trips} times and left by {@code exit}. */
    void loopExit(Object node, BranchSites.Outcome exit, int trips) {
        add(node, exit);
        add(node, BranchSites.Outcome.trips(trips));
    }

    private void add(Object node, BranchSites.Outcome o) {
        BranchSites.Site s = sites.site(node);
        if (s != null) {
            path.add(new BranchSites.Direction(s.id(), o));
        }
    }

    /** The path so far. */
    Set<BranchSites.Direction> path() {
        return Set.copyOf(path);
    }
}
