package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How many values each tape will hold, where that is known cheaply when the tapes are created
 * (at the top of the forward pass), so they start at that size instead of growing from 16: a
 * top-level loop bounded by an expression of unchanged parameters ({@code i < x.length},
 * {@code i + 1 < n}) runs at most that many trips, each pushing what its body pushes (nested
 * loops' bodies counted once); pushes outside loops count once. A loop with any other bound
 * ({@code while (s < 10)}) adds nothing, and a tape whose every loop is such gets no hint (the
 * default capacity). A hint is only a size: a tape that needs more still grows.
 */
final class TapeCapacity {
    private final Set<String> unchangedParams = new HashSet<>();
    private final PushCounts pushes;
    private final Map<Tape, List<Expr>> terms = new EnumMap<>(Tape.class);
    private final Map<Tape, Integer> inLoops = new EnumMap<>(Tape.class);

    /** A top-level loop being reversed: the most trips it runs, or null if unknown. */
    record Trips(Expr bound) {}

    TapeCapacity(MethodIr method, Map<String, Integer> assignCount, PushCounts pushes) {
        this.pushes = pushes;
        for (Param p : method.params()) {
            if (assignCount.getOrDefault(p.name(), 0) == 0) {
                unchangedParams.add(p.name());
            }
        }
    }

    /** A top-level loop with {@code condition} starts. */
    Trips loopStarts(Expr condition) {
        return new Trips(bound(condition));
    }

    /** The top-level loop {@code trips} ends; {@code before} was marked as it started. */
    void loopEnds(Trips trips, PushCounts.Mark before) {
        for (Tape tape : Tape.values()) {
            int n = pushes.since(before, tape);
            if (n == 0) {
                continue;
            }
            inLoops.merge(tape, n, Integer::sum);
            if (trips.bound() != null) {
                terms.computeIfAbsent(tape, t -> new ArrayList<>()).add(n == 1 ? trips.bound()
                        : times(trips.bound(), n));
            }
        }
    }

    /** {@code x.length * 2 + 1}: the hint for {@code tape}, or null where no loop's bound is known. */
    Expr capacity(Tape tape) {
        List<Expr> loopTerms = terms.get(tape);
        if (loopTerms == null) {
            return null;
        }
        Expr sum = loopTerms.get(0);
        for (Expr t : loopTerms.subList(1, loopTerms.size())) {
            sum = new Expr.Binary(Expr.BinOp.PLUS, sum, t, Type.Prim.INT, Pos.NONE);
        }
        PushCounts.Mark none = new PushCounts().mark();
        int outside = pushes.since(none, tape) - inLoops.getOrDefault(tape, 0);
        return outside > 0 ? new Expr.Binary(Expr.BinOp.PLUS, sum, intLit(outside), Type.Prim.INT, Pos.NONE) : sum;
    }

    /**
     * The most trips of a loop with {@code condition}: {@code e} for a conjunct {@code v < e}
     * ({@code e + 1} for {@code v <= e}) where {@code e} reads only unchanged parameters and
     * {@code v} reads something else; else null.
     */
    private Expr bound(Expr condition) {
        if (!(condition instanceof Expr.Binary b)) {
            return null;
        }
        return switch (b.op()) {
            case AND -> {
                Expr left = bound(b.left());
                yield left != null ? left : bound(b.right());
            }
            case LT -> !stable(b.left()) && stable(b.right()) ? b.right() : null;
            case GT -> stable(b.left()) && !stable(b.right()) ? b.left() : null;
            case LE -> !stable(b.left()) && stable(b.right()) ? plusOne(b.right()) : null;
            case GE -> stable(b.left()) && !stable(b.right()) ? plusOne(b.left()) : null;
            default -> null;
        };
    }

    /** An int expression of literals, unchanged parameters and their array lengths, with + - *. */
    private boolean stable(Expr e) {
        return switch (e) {
            case Expr.Literal l -> l.type() == Type.Prim.INT;
            case Expr.Var v -> v.type() == Type.Prim.INT && unchangedParams.contains(v.name());
            case Expr.ArrayLength a -> a.array() instanceof Expr.Var v && unchangedParams.contains(v.name());
            case Expr.Binary b -> b.type() == Type.Prim.INT && (b.op() == Expr.BinOp.PLUS
                    || b.op() == Expr.BinOp.MINUS || b.op() == Expr.BinOp.TIMES) && stable(b.left()) && stable(b.right());
            default -> false;
        };
    }

    private static Expr plusOne(Expr e) {
        return new Expr.Binary(Expr.BinOp.PLUS, e, intLit(1), Type.Prim.INT, Pos.NONE);
    }

    private static Expr times(Expr e, int n) {
        return new Expr.Binary(Expr.BinOp.TIMES, e, intLit(n), Type.Prim.INT, Pos.NONE);
    }

    private static Expr intLit(int v) {
        return new Expr.Literal(Integer.toString(v), Type.Prim.INT, Pos.NONE);
    }
}
