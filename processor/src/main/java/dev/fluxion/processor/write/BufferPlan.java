package dev.fluxion.processor.write;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.DerivedMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Buffers planned at compile time for a Module method's {@code fBackward} written in one body (the
 * forward statements, the seed, the backward statements): each temporary that never leaves the
 * call gets a slot (and {@code F.mse}, for its per-element squares, and the seed cotangent), and its operation becomes the {@code dev.fluxion.Planned} call that writes into
 * this thread's buffer for that slot ({@code Planned.sigmoidGrad(tapes, 3, g, x, out)}), reused by
 * the next call. {@code fBackward} returns only the value and lets no pullback escape, so its
 * temporaries die with the call; the value, and anything that may share its storage, never gets a
 * buffer.
 *
 * <p>The ownership rule (docs/processor.md, "Buffer planning"): a local gets a slot only where it
 * is declared once, at the top level of the body, by one of the planned operations; and neither
 * it nor any local that may share its storage (one defined from it by anything but an operation
 * known to make a new tensor) is the result, returned, assigned, stored into an array, passed to
 * a user's method or a layer, or read by a statement other than a declaration or a gradient's
 * accumulation into a Parameter (which copies or adds). Everything else is written as before.
 */
final class BufferPlan {
    private static final String DERIVATIVES = "dev.fluxion.Derivatives";
    private static final String EPILOGUES = "dev.fluxion.Epilogues";
    static final String PLANNED = "dev.fluxion.Planned";

    /** The Derivatives rules with a planned form (all return a new tensor). */
    private static final Set<String> PLANNED_RULES = Set.of("sigmoidGrad", "tanhGrad", "reluGrad", "bceGrad", "mseGradA",
            "matmulGradA");
    /** The epilogues with a planned form. */
    private static final Set<String> PLANNED_EPILOGUES = Set.of("linear", "linearSigmoid", "linearTanh", "linearRelu");
    /** Calls whose result is a new tensor, never a view of an argument. */
    private static final Set<String> FRESH_RULES = Set.of("sigmoidGrad", "tanhGrad", "reluGrad", "bceGrad", "mseGradA",
            "mseGradB", "matmulGradA", "matmulGradB", "expGrad", "logGrad");
    private static final Set<Op> FRESH_OPS = Set.of(Op.MATMUL, Op.PLUS, Op.MINUS, Op.TIMES, Op.DIV, Op.SIGMOID, Op.TANH,
            Op.RELU, Op.EXP, Op.LOG, Op.SQUARE, Op.LINEAR, Op.MSE, Op.MSE_R, Op.BCE, Op.BCE_R, Op.BCE_WITH_LOGITS,
            Op.BCE_WITH_LOGITS_R);
    /** Parameter methods that read their tensor argument and keep none of it. */
    private static final Set<String> SAFE_READERS = Set.of("accumulateGrad", "accumulateMatmulGradB",
            "accumulateSumGrad");

    private BufferPlan() {}

    /**
     * The forward and backward statements of {@code d} with their planned temporaries written
     * into {@code tapes}' buffers, or null where {@code d} is not written in one body or nothing
     * gets a buffer.
     */
    static Planned plan(DerivedMethod d, String tapes) {
        List<Stmt> all = new ArrayList<>(d.forward());
        all.addAll(d.backward());
        if (!d.method().takesModel() || !d.method().returnType().isTensor() || !(d.result() instanceof Expr.Var result)
                || TapeSource.creates(d.forward()) || Parts.needed(all) || !straightLine(all) || !disjoint(d)) {
            return null;
        }
        Map<String, Integer> slots = new LinkedHashMap<>();
        Map<String, Integer> defs = new HashMap<>();
        for (Stmt s : all) {
            countDefs(s, defs);
        }
        for (Stmt s : all) {
            if (s instanceof Stmt.Let l && l.init() instanceof Expr.Call c && defs.get(l.name()) == 1
                    && (loss(c) || plannable(c) && !l.name().equals(result.name()) && !escapes(l.name(), all, result.name()))) {
                slots.put(l.name(), slots.size());
            }
        }
        if (slots.isEmpty()) {
            return null;
        }
        // The seed cotangent (ones), by the same rule: a slot unless it or an alias leaves the call.
        int seed = escapes(d.cotangent(), all, result.name()) ? -1 : slots.size();
        return new Planned(rewrite(d.forward(), slots, tapes), rewrite(d.backward(), slots, tapes), seed);
    }

    /**
     * The rewritten statements, and the slot of the seed cotangent ({@code Planned.onesLike}), or
     * -1 where it is a new tensor ({@code Tensor.onesLike}).
     */
    record Planned(List<Stmt> forward, List<Stmt> backward, int seedSlot) {}

    private static List<Stmt> rewrite(List<Stmt> stmts, Map<String, Integer> slots, String tapes) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : stmts) {
            if (s instanceof Stmt.Let l && slots.containsKey(l.name())) {
                Expr.Call c = (Expr.Call) l.init();
                List<Expr> args = new ArrayList<>();
                args.add(new Expr.Var(tapes, new Type.Declared("dev.fluxion.tape.Tapes"), Pos.NONE));
                args.add(new Expr.Literal(Integer.toString(slots.get(l.name())), Type.Prim.INT, Pos.NONE));
                args.addAll(c.args());
                String name = c.callee() instanceof Callee.Static st ? st.name() : ((Callee.Known) c.callee()).op().javaName();
                out.add(new Stmt.Let(l.name(), l.type(), new Expr.Call(new Callee.Static(PLANNED, name), args, c.type(),
                        c.pos()), l.pos()));
            } else {
                out.add(s);
            }
        }
        return out;
    }

    private static boolean plannable(Expr.Call c) {
        return switch (c.callee()) {
            case Callee.Static s -> s.ownerQualifiedName().equals(DERIVATIVES) && PLANNED_RULES.contains(s.name())
                    || s.ownerQualifiedName().equals(EPILOGUES) && PLANNED_EPILOGUES.contains(s.name()) && c.args().size() == 3;
            case Callee.Known k -> (k.op() == Op.MATMUL || k.op() == Op.PLUS) && c.args().size() == 2 && c.type().isTensor()
                    && c.args().stream().allMatch(a -> a.type().isTensor());
            default -> false;
        };
    }

    /**
     * {@code F.mse(pred, target[, reduction])}: its planned form keeps only its per-element
     * squares in the buffer and returns a new tensor, so it is planned even as the result.
     */
    private static boolean loss(Expr.Call c) {
        return c.callee() instanceof Callee.Known k && (k.op() == Op.MSE || k.op() == Op.MSE_R) && c.type().isTensor();
    }

    private static boolean fresh(Expr e) {
        return e instanceof Expr.Call c && switch (c.callee()) {
            case Callee.Static s -> s.ownerQualifiedName().equals(DERIVATIVES) && FRESH_RULES.contains(s.name())
                    || s.ownerQualifiedName().equals(EPILOGUES) || s.ownerQualifiedName().equals(PLANNED)
                    || s.ownerQualifiedName().equals("dev.fluxion.Fused");
            case Callee.Known k -> FRESH_OPS.contains(k.op());
            default -> false;
        };
    }

    /** Whether {@code name}, or a local that may share its storage, leaves the call or is kept. */
    private static boolean escapes(String name, List<Stmt> stmts, String result) {
        Set<String> aliases = new HashSet<>(Set.of(name));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Stmt s : stmts) {
                if (s instanceof Stmt.Let l && l.init() != null && !aliases.contains(l.name()) && !fresh(l.init())
                        && readsAny(l.init(), aliases)) {
                    aliases.add(l.name());
                    grew = true;
                }
            }
        }
        if (aliases.contains(result)) {
            return true;
        }
        for (Stmt s : stmts) {
            boolean ok = switch (s) {
                case Stmt.Let l -> l.init() == null || !userCall(l.init(), aliases);
                case Stmt.If i -> i.then().stmts().stream().allMatch(t -> safeReader(t, aliases))
                        && i.otherwise().stmts().stream().allMatch(t -> safeReader(t, aliases));
                default -> safeReader(s, aliases);
            };
            if (!ok) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code s} reads none of {@code names}, or only passes them to a Parameter's accumulation. */
    private static boolean safeReader(Stmt s, Set<String> names) {
        if (s instanceof Stmt.ExprStmt x && x.expr() instanceof Expr.Call c && c.callee() instanceof Callee.Instance in
                && SAFE_READERS.contains(in.name())) {
            return c.args().stream().noneMatch(a -> userCall(a, names))
                    && !readsAny(c.args().getFirst(), names);
        }
        return s instanceof Stmt.Let l ? l.init() == null || !userCall(l.init(), names)
                : Exprs.vars(s).stream().noneMatch(names::contains);
    }

    /** Whether {@code e} passes one of {@code names} to a call that is not a runtime operation. */
    private static boolean userCall(Expr e, Set<String> names) {
        if (e instanceof Expr.Call c && (c.callee() instanceof Callee.User || c.callee() instanceof Callee.Instance)
                && c.args().stream().anyMatch(a -> readsAny(a, names))) {
            return true;
        }
        return e.children().stream().anyMatch(x -> userCall(x, names));
    }

    private static boolean readsAny(Expr e, Set<String> names) {
        return Exprs.vars(e).stream().anyMatch(names::contains);
    }

    /** Whether every statement is a declaration, an expression statement or an if of them (no loops, no returns). */
    private static boolean straightLine(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            boolean ok = switch (s) {
                case Stmt.Let l -> true;
                case Stmt.Assign a -> true;
                case Stmt.ExprStmt x -> true;
                case Stmt.If i -> straightLine(i.then().stmts()) && straightLine(i.otherwise().stmts());
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Whether the forward and the backward statements declare different names (one body holds both). */
    private static boolean disjoint(DerivedMethod d) {
        Set<String> forward = new HashSet<>();
        d.forward().forEach(s -> declared(s, forward));
        Set<String> backward = new HashSet<>();
        d.backward().forEach(s -> declared(s, backward));
        backward.add(d.cotangent());
        return backward.stream().noneMatch(forward::contains);
    }

    private static void declared(Stmt s, Set<String> out) {
        switch (s) {
            case Stmt.Let l -> out.add(l.name());
            case Stmt.If i -> {
                i.then().stmts().forEach(x -> declared(x, out));
                i.otherwise().stmts().forEach(x -> declared(x, out));
            }
            default -> { }
        }
    }

    private static void countDefs(Stmt s, Map<String, Integer> defs) {
        switch (s) {
            case Stmt.Let l -> defs.merge(l.name(), 1, Integer::sum);
            case Stmt.Assign a -> defs.merge(a.name(), 1, Integer::sum);
            case Stmt.If i -> {
                i.then().stmts().forEach(x -> countDefs(x, defs));
                i.otherwise().stmts().forEach(x -> countDefs(x, defs));
            }
            default -> { }
        }
    }
}
