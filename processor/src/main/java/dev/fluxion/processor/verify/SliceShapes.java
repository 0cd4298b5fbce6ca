package dev.fluxion.processor.verify;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Stmts;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What the slices of a method (and of the {@code @Differentiable} methods it calls) say about the
 * sizes of its tensor inputs, for {@link Inputs}' candidate shapes: a slice whose end is a constant
 * {@code L} ({@code x.slice(0, 1, 4)}) wants a dimension of at least {@code L}; a slice whose bounds
 * read an int ({@code x.slice(0, 1, n)}, {@code y.slice(0, 0, n - 1)}) ties the size to the int
 * parameters, whose value the verifier chooses ({@code cat} of such slices then has a length the
 * method's other tensors share). Without this, a method like GradBench's ode right-hand side
 * ({@code cat(0, x.slice(0, 0, 1), x.slice(0, 1, n).times(y.slice(0, 0, n - 1)))}) needed
 * {@code verifyWith}.
 *
 * @param constantEnds the constant slice ends met, each a candidate size
 * @param tiedToInts whether some slice's bounds read a variable (an int parameter, directly or
 *     through a called method's parameter)
 */
record SliceShapes(Set<Integer> constantEnds, boolean tiedToInts) {
    /** How deep calls are followed. */
    private static final int DEPTH = 4;
    /** Constant ends above this are no candidate (a dimension the verifier would not draw). */
    private static final int LARGEST = 16;

    static final SliceShapes NONE = new SliceShapes(Set.of(), false);

    /** The slices of {@code m}'s body and, through {@code bodies} (by method key), of its callees. */
    static SliceShapes of(MethodIr m, Function<String, Optional<MethodIr>> bodies) {
        Set<Integer> ends = new LinkedHashSet<>();
        boolean[] tied = {false};
        scan(m.body().stmts(), bodies, ends, tied, new HashSet<>(Set.of(m.self().key())), 0);
        return new SliceShapes(ends, tied[0]);
    }

    private static void scan(List<Stmt> stmts, Function<String, Optional<MethodIr>> bodies, Set<Integer> ends,
                             boolean[] tied, Set<String> seen, int depth) {
        for (Stmt s : stmts) {
            for (Expr e : Stmts.expressionsOf(s)) {
                scan(e, bodies, ends, tied, seen, depth);
            }
            List<Stmt> nested = switch (s) {
                case Stmt.Block b -> b.stmts();
                case Stmt.If i -> concat(i.then().stmts(), i.otherwise().stmts());
                case Stmt.While w -> w.body().stmts();
                case Stmt.DoWhile d -> d.body().stmts();
                case Stmt.For f -> concat(concat(f.init(), f.update()), f.body().stmts());
                default -> List.of();
            };
            scan(nested, bodies, ends, tied, seen, depth);
        }
    }

    private static void scan(Expr e, Function<String, Optional<MethodIr>> bodies, Set<Integer> ends, boolean[] tied,
                             Set<String> seen, int depth) {
        if (e instanceof Expr.Call c) {
            if (c.callee() instanceof Callee.Known k && (k.op() == Op.SLICE || k.op() == Op.SLICE_STEP)) {
                for (Expr bound : c.args().subList(2, Math.min(4, c.args().size()))) {
                    if (bound instanceof Expr.Literal l) {
                        try {
                            int v = Integer.parseInt(l.text());
                            if (v > 0 && v <= LARGEST && bound == c.args().get(3)) {
                                ends.add(v);
                            }
                        } catch (NumberFormatException ignored) {
                            // not an int literal: no candidate
                        }
                    } else {
                        tied[0] = true;
                    }
                }
            }
            if (c.callee() instanceof Callee.User u && depth < DEPTH && seen.add(u.method().key())) {
                bodies.apply(u.method().key()).ifPresent(callee ->
                        scan(callee.body().stmts(), bodies, ends, tied, seen, depth + 1));
            }
        }
        for (Expr child : e.children()) {
            scan(child, bodies, ends, tied, seen, depth);
        }
    }

    private static <T> List<T> concat(List<? extends T> a, List<? extends T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
