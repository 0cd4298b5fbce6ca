package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes into elements of local arrays ({@code a[i] = v}) and the assignments of such arrays
 * ({@code a = new double[n]}), reversed with the same invariant as scalar locals: at the backward
 * of a statement, every element the backward pass reads holds the value it had just after that
 * statement ran forward. So an element write pushes the old element and its backward pops it back,
 * after giving {@code v} the element's cotangent ({@code v_adj += a_adj[i]; a_adj[i] = 0}: the
 * element's old value did not reach the result through it). A reassigned array pushes the old array
 * (a reference), and its backward gets back a copy of it and a fresh zero cotangent of its length.
 * The backward pass only changes copies ({@code Derivatives.copyOfArray}), never the arrays the
 * forward pass left in the pullback, so it can run more than once.
 *
 * <p>{@code check} makes sure such an array never shares its storage with another variable: it is
 * assigned only new arrays, and assigned to nothing.
 */
final class ArrayWrites {
    static final String COPY = "copyOfArray";

    private final Set<String> written;
    private final Set<String> varied;
    private final Map<String, Type> types;
    private final Adjoints adjoints;
    private final TapePlan tapes;
    private final Set<String> recorded;

    ArrayWrites(Set<String> written, Set<String> varied, Map<String, Type> types, Adjoints adjoints, TapePlan tapes,
                Set<String> recorded) {
        this.written = written;
        this.varied = varied;
        this.types = types;
        this.adjoints = adjoints;
        this.tapes = tapes;
        this.recorded = recorded;
    }

    /** The arrays {@code stmts} write element by element, at any depth. */
    static Set<String> written(List<Stmt> stmts) {
        Set<String> out = new HashSet<>();
        collect(stmts, out);
        return out;
    }

    private static void collect(List<Stmt> stmts, Set<String> out) {
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.ArrayStore a -> out.add(a.array());
                case Stmt.If i -> {
                    collect(i.then().stmts(), out);
                    collect(i.otherwise().stmts(), out);
                }
                case Stmt.While w -> collect(w.body().stmts(), out);
                default -> { }
            }
        }
    }

    /**
     * The arrays written element by element inside more loops than the body of {@code loop} is
     * in. A loop-local of {@code loop} read from such an array is saved, not recomputed: recomputing
     * makes the backward pass read the array, so every one of its (more frequent) writes would
     * push the old element (gmm's {@code qx[j] += l[li] * xc[i]}, d² writes against d reads).
     */
    static Set<String> writtenDeeperThan(List<Stmt> body, Stmt.While loop) {
        int[] readDepth = {-1};
        java.util.Map<String, Integer> storeDepth = new java.util.HashMap<>();
        depths(body, 0, loop, readDepth, storeDepth);
        Set<String> out = new HashSet<>();
        storeDepth.forEach((array, depth) -> {
            if (depth > readDepth[0]) {
                out.add(array);
            }
        });
        return out;
    }

    private static void depths(List<Stmt> stmts, int depth, Stmt.While loop, int[] readDepth,
                               java.util.Map<String, Integer> storeDepth) {
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.ArrayStore a -> storeDepth.merge(a.array(), depth, Math::max);
                case Stmt.If i -> {
                    depths(i.then().stmts(), depth, loop, readDepth, storeDepth);
                    depths(i.otherwise().stmts(), depth, loop, readDepth, storeDepth);
                }
                case Stmt.While w -> {
                    if (w == loop) {
                        readDepth[0] = depth + 1;
                    }
                    depths(w.body().stmts(), depth + 1, loop, readDepth, storeDepth);
                }
                default -> { }
            }
        }
    }

    /**
     * For the to-be-recorded analysis: the index of a write into a varied array (its cotangent's
     * element) or one whose elements the backward pass reads (restored) is read backward. Returns
     * whether {@code reads} grew.
     */
    static boolean recorded(List<Stmt.ArrayStore> stores, Set<String> varied, Set<String> reads) {
        boolean changed = false;
        for (Stmt.ArrayStore s : stores) {
            if (varied.contains(s.array()) || reads.contains(s.array())) {
                changed |= reads.addAll(Exprs.vars(s.index()));
            }
        }
        return changed;
    }

    /** Whether {@code name} is an array written element by element. */
    boolean isWritten(String name) {
        return written.contains(name);
    }

    /** Emits the forward statements of {@code s} into {@code fwd}; returns its backward. */
    List<Stmt> store(Stmt.ArrayStore s, List<Stmt> fwd) {
        String a = s.array();
        Type.ArrayOf type = (Type.ArrayOf) types.get(a);
        Type element = type.element();
        Pos at = s.pos();
        boolean restores = recorded.contains(a);
        Tape tape = Tape.of(element);
        if (restores) {
            fwd.add(tapes.push(tape, new Expr.ArrayRead(var(a), s.index(), element, Pos.NONE), element, at));
        }
        fwd.add(s);
        List<Stmt> out = new ArrayList<>();
        if (varied.contains(a)) {
            String adj = adjoints.of(a);
            Type adjType = Adjoints.adjointType(type);
            Type.Prim adjElement = ((Type.ArrayOf) adjType).element();
            adjoints.step("CopySlices");
            adjoints.contribute(s.value(), new Expr.ArrayRead(new Expr.Var(adj, adjType, Pos.NONE), s.index(),
                    adjElement, Pos.NONE), out, at);
            out.add(new Stmt.ArrayStore(adj, s.index(), Adjoints.zeroOf(adjElement), at));
        }
        if (restores) {
            out.add(new Stmt.ArrayStore(a, s.index(), tapes.pop(tape, element), at));
        }
        return out;
    }

    /**
     * Emits the forward statements of {@code a}, an assignment of an array written element by
     * element, into {@code fwd}; returns its backward.
     *
     * @param first whether it is the first assignment of its local (nothing to save)
     */
    List<Stmt> assignment(Stmt.Assign a, boolean first, List<Stmt> fwd) {
        String v = a.name();
        Type t = types.get(v);
        Pos at = a.pos();
        // The old array comes back where the backward pass reads its elements, or sizes its
        // cotangent from it; a copy where the backward pass restores its elements.
        boolean restores = !first && (recorded.contains(v) || varied.contains(v));
        if (restores) {
            fwd.add(tapes.push(Tape.OBJECTS, var(v), t, at));
        }
        fwd.add(a);
        List<Stmt> out = new ArrayList<>();
        if (restores) {
            out.add(new Stmt.Assign(v, recorded.contains(v)
                    ? copy(tapes.pop(Tape.OBJECTS, new Type.Declared("java.lang.Object")), t)
                    : tapes.pop(Tape.OBJECTS, t), at));
        }
        if (varied.contains(v) && !first) {
            // The array before this statement is another one: its cotangent starts at zero.
            out.add(new Stmt.Assign(adjoints.of(v), zerosLike(var(v), (Type.ArrayOf) t), at));
        }
        return out;
    }

    /**
     * The arguments of a call whose pullback is kept: an array written element by element is
     * passed as a copy, since the pullback keeps what it was given and later writes must not
     * reach it.
     */
    static List<Expr> snapshots(List<Expr> args, Set<String> written) {
        return args.stream().map(a -> a instanceof Expr.Var v && written.contains(v.name()) ? copy(a, a.type()) : a)
                .toList();
    }

    /** {@code (double[]) Derivatives.copyOfArray(array)}: a copy, or null for null. */
    static Expr copy(Expr array, Type t) {
        return new Expr.Cast(t, new Expr.Call(new Callee.Static(Build.DERIVATIVES, COPY), List.of(array),
                new Type.Declared("java.lang.Object"), Pos.NONE), Pos.NONE);
    }

    /** {@code a == null ? null : new double[a.length]}. */
    static Expr zerosLike(Expr.Var a, Type.ArrayOf t) {
        Type.ArrayOf adjType = (Type.ArrayOf) Adjoints.adjointType(t);
        return new Expr.Conditional(Build.cmp(Expr.BinOp.EQ, a, Adjoints.nullOf(t)), Adjoints.nullOf(adjType),
                new Expr.NewArray(adjType, List.of(), new Expr.ArrayLength(a, Pos.NONE), Pos.NONE), adjType, Pos.NONE);
    }

    /**
     * The backward pass's declarations with each written array's cotangent null-safe: such an
     * array may never have been assigned (a loop that did not run).
     */
    static List<Stmt> nullSafe(List<Stmt> declarations, Set<String> written, Map<String, String> adjointNames,
                               Map<String, Type> types) {
        Map<String, String> arrayOf = new java.util.HashMap<>();
        adjointNames.forEach((n, adj) -> {
            if (written.contains(n)) {
                arrayOf.put(adj, n);
            }
        });
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : declarations) {
            if (s instanceof Stmt.Let l && arrayOf.containsKey(l.name())) {
                String n = arrayOf.get(l.name());
                Type.ArrayOf t = (Type.ArrayOf) types.get(n);
                out.add(new Stmt.Let(l.name(), l.type(), zerosLike(new Expr.Var(n, t, Pos.NONE), t), l.pos()));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    private Expr.Var var(String name) {
        return new Expr.Var(name, types.get(name), Pos.NONE);
    }
}
