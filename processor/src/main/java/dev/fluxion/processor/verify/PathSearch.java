package dev.fluxion.processor.verify;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Looks for points that take every path the method's inputs can reach: draws varied points,
 * records the branch directions, loop exits and trip-count classes each one takes, and keeps
 * drawing while that coverage grows. The result is one group of points per distinct path, first
 * the groups that covered a new direction, each group's first point to verify at and the others
 * to fall back on where finite differences are unreliable there. Deterministic: the draws are.
 */
final class PathSearch {
    /** Varied points drawn at most. */
    static final int MAX_CANDIDATES = 96;
    /** Consecutive draws without a new path after which the search stops, once every direction is covered. */
    static final int STALL = 24;
    /** Paths verified at most (one point each). */
    static final int MAX_PATHS = 8;
    /** Points kept per path. */
    private static final int PER_PATH = 3;

    /** A point and the path it takes ({@link PathRecorder}). */
    record Candidate(Point point, Set<BranchSites.Direction> path) {}

    private final List<BranchSites.Direction> directions;
    private final Function<Point, Set<BranchSites.Direction>> pathOf;
    private final IntFunction<Point> draw;
    private final BooleanSupplier exhausted;

    /**
     * @param directions the method's static directions: while some is uncovered the search goes
     *     on to {@link #MAX_CANDIDATES}
     * @param pathOf the path a point takes, or null where the method does not evaluate there
     * @param draw the i-th varied point
     * @param exhausted whether the evaluation budget is spent
     */
    PathSearch(List<BranchSites.Direction> directions, Function<Point, Set<BranchSites.Direction>> pathOf,
               IntFunction<Point> draw, BooleanSupplier exhausted) {
        this.directions = directions;
        this.pathOf = pathOf;
        this.draw = draw;
        this.exhausted = exhausted;
    }

    /** The groups of points to verify at, by path, starting with {@code first}'s. */
    List<List<Candidate>> explore(Candidate first) {
        Map<Set<BranchSites.Direction>, List<Candidate>> byPath = new LinkedHashMap<>();
        List<Set<BranchSites.Direction>> widening = new ArrayList<>(); // paths that covered a new direction
        Set<BranchSites.Direction> covered = new HashSet<>(first.path());
        byPath.computeIfAbsent(first.path(), k -> new ArrayList<>()).add(first);
        widening.add(first.path());
        int stall = 0;
        for (int i = 0; i < MAX_CANDIDATES && (stall < STALL || !covered.containsAll(directions))
                && !exhausted.getAsBoolean(); i++) {
            Point p = draw.apply(i);
            Set<BranchSites.Direction> path = p == null ? null : pathOf.apply(p);
            if (path == null) {
                stall++;
                continue;
            }
            List<Candidate> group = byPath.get(path);
            if (group == null) {
                stall = 0;
                byPath.put(path, group = new ArrayList<>());
                if (covered.addAll(path)) {
                    widening.add(path);
                }
            } else {
                stall++;
            }
            if (group.size() < PER_PATH) {
                group.add(new Candidate(p, path));
            }
        }
        List<List<Candidate>> out = new ArrayList<>();
        widening.forEach(path -> out.add(byPath.get(path)));
        byPath.forEach((path, group) -> {
            if (!widening.contains(path)) {
                out.add(group);
            }
        });
        return out.subList(0, Math.min(out.size(), MAX_PATHS));
    }
}
