package dev.fluxion.processor.opt;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
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
import java.util.TreeSet;

/**
 * Elementwise fusion, on the forward, backward and one-pass statements alike: a maximal tree of
 * elementwise tensor ops (with scalar, row and column broadcasting) and a trailing {@code sum()},
 * {@code mean()} or {@code unbroadcast}, whose intermediate values nothing else reads, becomes one
 * call {@code Fused.map("sigmoid(t0 * t1 + t2)", x, w, b)} that computes the group in one pass over
 * its output, with no intermediate tensor (see {@code dev.fluxion.Fused}).
 *
 * <p>A statement {@code v = op(...)} joins the op that reads it where {@code v} is assigned once,
 * read once, by a later statement of the same block, not saved for the backward pass nor read
 * after the statements, and nothing it reads is assigned in between. A group of one op is left as
 * it is. The fused call's expression literal carries, as its position's source, the comment the
 * writer prints above it: the ops it fuses and their source lines.
 */
public final class ElementwiseFusion {
    /** The runtime class the fused code calls. */
    public static final String FUSED = "dev.fluxion.Fused";
    private static final Type STRING = new Type.Declared("java.lang.String");

    private final UseCounts uses;
    private final Set<String> readAfter;

    private ElementwiseFusion(List<Stmt> stmts, Set<String> readAfter) {
        this.readAfter = readAfter;
        this.uses = new UseCounts(stmts);
    }

    /** {@code d} with its forward, backward and one-pass statements fused. */
    public static DerivedMethod apply(DerivedMethod d) {
        // First what the backward pass reads only for a shape: what it no longer reads is not saved.
        List<Stmt> backward = ShapeOnlyReads.apply(d.backward());
        List<Stmt> oneRun = ShapeOnlyReads.apply(d.fusedGrad());
        Set<String> afterBackward = new HashSet<>();
        d.gradients().forEach(g -> afterBackward.addAll(Exprs.vars(g.value())));
        Set<String> readBackward = new HashSet<>(afterBackward);
        backward.forEach(s -> readBackward.addAll(Exprs.vars(s)));
        List<Expr.Var> saved = d.saved().stream().filter(v -> readBackward.contains(v.name())).toList();
        Set<String> afterForward = new HashSet<>();
        saved.forEach(v -> afterForward.add(v.name()));
        afterForward.addAll(Exprs.vars(d.result()));
        Set<String> afterFused = new HashSet<>(afterBackward);
        afterFused.addAll(Exprs.vars(d.result()));
        return new DerivedMethod(d.method(), fuse(d.forward(), afterForward), d.result(), d.cotangent(),
                fuse(backward, afterBackward), d.gradients(), saved, d.steps(), fuse(oneRun, afterFused));
    }

    /** {@code stmts} with their elementwise groups fused; {@code readAfter} are the locals read after them. */
    public static List<Stmt> fuse(List<Stmt> stmts, Set<String> readAfter) {
        return new ElementwiseFusion(stmts, readAfter).block(stmts);
    }

    // ------------------------------------------------------------------ fusing one block

    /** A statement {@code name = value} of a block. */
    record Def(String name, Expr value, Stmt stmt) {}

    private List<Stmt> block(List<Stmt> stmts) {
        List<Stmt> in = new ArrayList<>();
        for (Stmt s : stmts) {
            in.add(nested(s));
        }
        // Which statement each single-use elementwise value joins.
        Map<Integer, Integer> joins = new HashMap<>();
        for (int i = 0; i < in.size(); i++) {
            Def d = def(in.get(i));
            if (d == null || FusibleOps.of(d.value()) == null || !d.value().type().isTensor()
                    || uses.reads(d.name()) != 1 || uses.defs(d.name()) != 1
                    || readAfter.contains(d.name())) {
                continue;
            }
            for (int j = i + 1; j < in.size(); j++) {
                if (!Exprs.vars(in.get(j)).contains(d.name())) {
                    continue;
                }
                Def user = def(in.get(j));
                if (user != null && readsAsOperand(user.value(), d.name())) {
                    joins.put(i, j);
                }
                break;
            }
        }
        // A value joins only where nothing it reads is assigned before its group's root runs it.
        boolean changed = true;
        while (changed) {
            changed = false;
            for (var e : List.copyOf(joins.entrySet())) {
                int root = rootOf(e.getKey(), joins);
                Set<String> read = Exprs.vars(def(in.get(e.getKey())).value());
                if (assignsAny(in.subList(e.getKey() + 1, root), read)) {
                    joins.remove(e.getKey());
                    changed = true;
                }
            }
        }
        Map<String, Def> inlined = new HashMap<>();
        joins.keySet().forEach(i -> {
            Def d = def(in.get(i));
            inlined.put(d.name(), d);
        });
        List<Stmt> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            if (joins.containsKey(i)) {
                continue;
            }
            Def d = def(in.get(i));
            boolean groupRoot = d != null && joins.containsValue(i);
            out.add(groupRoot ? fused(d, inlined) : in.get(i));
        }
        return out;
    }

    private static int rootOf(int i, Map<Integer, Integer> joins) {
        int at = i;
        while (joins.containsKey(at)) {
            at = joins.get(at);
        }
        return at;
    }

    /** Whether {@code value}, an elementwise op or a reduction, reads {@code name} as an operand that may be computed. */
    private static boolean readsAsOperand(Expr value, String name) {
        FusibleOps.Form f = FusibleOps.of(value);
        if (f == null) {
            f = FusibleOps.reduction(value);
        }
        if (f == null) {
            return false;
        }
        int uses = 0;
        for (int k = 0; k < f.operands().size(); k++) {
            Expr o = f.operands().get(k);
            if (o instanceof Expr.Var v && v.name().equals(name)) {
                if (f.roles().get(k) != FusibleOps.Role.TENSOR) {
                    return false;
                }
                uses++;
            } else if (Exprs.vars(o).contains(name)) {
                return false;
            }
        }
        return uses == 1;
    }

    /** Whether any of {@code stmts} assigns one of {@code names}. */
    static boolean assignsAny(List<Stmt> stmts, Set<String> names) {
        Set<String> assigned = new HashSet<>();
        stmts.forEach(s -> assigned(s, assigned));
        assigned.retainAll(names);
        return !assigned.isEmpty();
    }

    private static void assigned(Stmt s, Set<String> out) {
        switch (s) {
            case Stmt.Let l -> out.add(l.name());
            case Stmt.Assign a -> out.add(a.name());
            case Stmt.ArrayAccumulate a -> out.add(a.array());
            case Stmt.Block b -> b.stmts().forEach(x -> assigned(x, out));
            case Stmt.If i -> {
                assigned(i.then(), out);
                assigned(i.otherwise(), out);
            }
            case Stmt.While w -> assigned(w.body(), out);
            case Stmt.DoWhile w -> assigned(w.body(), out);
            case Stmt.For f -> {
                f.init().forEach(x -> assigned(x, out));
                f.update().forEach(x -> assigned(x, out));
                assigned(f.body(), out);
            }
            default -> { }
        }
    }

    private Stmt nested(Stmt s) {
        return switch (s) {
            case Stmt.Block b -> new Stmt.Block(block(b.stmts()), b.pos());
            case Stmt.If i -> new Stmt.If(i.condition(), new Stmt.Block(block(i.then().stmts()), i.then().pos()),
                    new Stmt.Block(block(i.otherwise().stmts()), i.otherwise().pos()), i.pos());
            case Stmt.While w -> new Stmt.While(w.condition(), new Stmt.Block(block(w.body().stmts()), w.body().pos()),
                    w.pos());
            case Stmt.DoWhile w -> new Stmt.DoWhile(new Stmt.Block(block(w.body().stmts()), w.body().pos()),
                    w.condition(), w.pos());
            case Stmt.For f -> new Stmt.For(f.init(), f.condition(), f.update(),
                    new Stmt.Block(block(f.body().stmts()), f.body().pos()), f.pos());
            default -> s;
        };
    }

    /** {@code s} as a definition {@code name = value}, or null. */
    static Def def(Stmt s) {
        return switch (s) {
            case Stmt.Let l when l.init() != null -> new Def(l.name(), l.init(), s);
            case Stmt.Assign a -> new Def(a.name(), a.value(), s);
            default -> null;
        };
    }

    // ------------------------------------------------------------------ writing a group

    /** The operands of a group being written, and what it fuses. */
    private static final class Group {
        final Map<Expr, Integer> tensors = new LinkedHashMap<>();
        final Map<Expr, Integer> scalars = new LinkedHashMap<>();
        final List<String> ops = new ArrayList<>();
        final TreeSet<Long> lines = new TreeSet<>();
    }

    private Stmt fused(Def root, Map<String, Def> inlined) {
        Group g = new Group();
        FusibleOps.Form form = FusibleOps.of(root.value());
        if (form == null) {
            form = FusibleOps.reduction(root.value());
        }
        String text = write(form, root.stmt().pos(), inlined, g).text();
        List<Expr> args = new ArrayList<>();
        Pos pos = root.stmt().pos();
        String lines = g.lines.isEmpty() ? "" : g.lines.size() == 1 ? " (line " + g.lines.first() + ")"
                : " (lines " + String.join(", ", g.lines.stream().map(String::valueOf).toList()) + ")";
        Pos comment = new Pos(pos.file(), pos.line(), "fused " + String.join(", ", g.ops) + lines, null);
        args.add(new Expr.Literal("\"" + text + "\"", STRING, comment));
        if (!g.scalars.isEmpty()) {
            args.add(new Expr.NewArray(new Type.ArrayOf(Type.Prim.DOUBLE), List.copyOf(g.scalars.keySet()), null,
                    Pos.NONE));
        }
        args.addAll(g.tensors.keySet());
        Expr call = new Expr.Call(new Callee.Static(FUSED, "map"), args, Type.TENSOR, pos);
        return switch (root.stmt()) {
            case Stmt.Let l -> new Stmt.Let(l.name(), l.type(), call, l.pos());
            case Stmt.Assign a -> new Stmt.Assign(a.name(), call, a.pos());
            default -> throw new IllegalStateException("not a definition: " + root.stmt());
        };
    }

    private FusibleOps.Text write(FusibleOps.Form form, Pos pos, Map<String, Def> inlined, Group g) {
        List<FusibleOps.Text> operands = new ArrayList<>();
        for (int k = 0; k < form.operands().size(); k++) {
            Expr o = form.operands().get(k);
            FusibleOps.Role role = form.roles().get(k);
            if (role == FusibleOps.Role.IGNORED) {
                operands.add(FusibleOps.Text.atom("_"));
            } else if (role == FusibleOps.Role.TENSOR && o instanceof Expr.Var v && inlined.containsKey(v.name())) {
                Def d = inlined.get(v.name());
                operands.add(write(FusibleOps.of(d.value()), d.stmt().pos(), inlined, g));
            } else if (role == FusibleOps.Role.TENSOR || role == FusibleOps.Role.TARGET) {
                int index = g.tensors.computeIfAbsent(o, x -> g.tensors.size());
                operands.add(FusibleOps.Text.atom("t" + index));
            } else {
                Double literal = FusibleOps.literal(o);
                if (literal != null) {
                    operands.add(number(literal));
                } else {
                    int index = g.scalars.computeIfAbsent(o, x -> g.scalars.size());
                    operands.add(FusibleOps.Text.atom("s" + index));
                }
            }
        }
        g.ops.add(form.name());
        if (pos.known()) {
            g.lines.add(pos.line());
        }
        return form.write().apply(operands);
    }

    private static FusibleOps.Text number(double v) {
        String text = Double.toString(v);
        return new FusibleOps.Text(text, v < 0 || text.startsWith("-") ? 2 : 3);
    }
}
