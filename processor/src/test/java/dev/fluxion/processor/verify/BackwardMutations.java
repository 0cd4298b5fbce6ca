package dev.fluxion.processor.verify;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.DerivedMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Test support: plants one bug in a derived method's backward pass, the kind a reverse-mode
 * engine makes in control flow: a branch of the backward pass taken the wrong way (a flag popped
 * out of order), or one adjoint contribution negated or dropped inside one branch direction only.
 * Each mutant leaves the forward pass and the value alone, and drops the one-pass {@code fGrad}
 * (so that only the gradient check can see the bug).
 */
final class BackwardMutations {
    private BackwardMutations() {}

    /** A broken derivation and what was broken. */
    record Mutant(String description, DerivedMethod derived) {
        @Override
        public String toString() {
            return description;
        }
    }

    /** Every mutant of {@code d}: each backward {@code if} flipped, each adjoint assignment in a branch negated or dropped. */
    static List<Mutant> all(DerivedMethod guarded) {
        // Planted with the zero-cotangent guards inlined, so that each adjoint assignment sits
        // directly in its branch (a guard changes nothing where no value overflows).
        DerivedMethod d = unguarded(guarded).derived();
        List<Mutant> out = new ArrayList<>();
        int ifs = countIfs(d.backward());
        for (int k = 0; k < ifs; k++) {
            int target = k;
            If found = nthIf(d.backward(), k);
            if (!found.stmt().then().stmts().equals(found.stmt().otherwise().stmts())) {
                out.add(mutant(d, "backward if #" + k + " flipped", target, i -> new Stmt.If(
                        new Expr.Unary(Expr.UnOp.NOT, i.condition(), Type.Prim.BOOLEAN, i.pos()), i.then(), i.otherwise(),
                        i.pos())));
            }
            for (boolean then : new boolean[] {true, false}) {
                List<Stmt> block = then ? found.stmt().then().stmts() : found.stmt().otherwise().stmts();
                for (int s = 0; s < block.size(); s++) {
                    if (!(block.get(s) instanceof Stmt.Assign a) || !a.name().endsWith("_adj")
                            || a.value() instanceof Expr.Literal) {
                        continue;
                    }
                    int index = s;
                    String where = (then ? "then" : "else") + "-branch of backward if #" + k + ": `" + a.name() + " = "
                            + IrText.expr(a.value()) + "`";
                    out.add(mutant(d, "negated in the " + where, target, i -> replace(i, then, index, negate(a))));
                    out.add(mutant(d, "dropped from the " + where, target, i -> replace(i, then, index, null)));
                }
            }
        }
        return out;
    }

    /**
     * {@code d} with every {@code if (g != 0.0) { … }} of the backward pass replaced by its body:
     * the engine's bug before it skipped zero cotangents, which turns the gradient into NaN where a
     * value overflows and is then left behind at run time (issue 10's reproducer 5, in the class
     * the fuzzer found it: {@code FuzzFindingsRegressionTest}).
     */
    static Mutant unguarded(DerivedMethod d) {
        List<Stmt> backward = inlineGuards(d.backward());
        return new Mutant("zero-cotangent guards removed", new DerivedMethod(d.method(), d.forward(), d.result(),
                d.cotangent(), backward, d.gradients(), d.saved(), d.steps(), List.of()));
    }

    private static List<Stmt> inlineGuards(List<Stmt> stmts) {
        List<Stmt> out = new ArrayList<>();
        for (Stmt s : stmts) {
            switch (s) {
                case Stmt.If i when isZeroGuard(i) -> out.addAll(inlineGuards(i.then().stmts()));
                case Stmt.If i -> out.add(new Stmt.If(i.condition(), inlined(i.then()), inlined(i.otherwise()), i.pos()));
                case Stmt.Block b -> out.add(inlined(b));
                case Stmt.While w -> out.add(new Stmt.While(w.condition(), inlined(w.body()), w.pos()));
                case Stmt.DoWhile w -> out.add(new Stmt.DoWhile(inlined(w.body()), w.condition(), w.pos()));
                case Stmt.For f -> out.add(new Stmt.For(f.init(), f.condition(), f.update(), inlined(f.body()), f.pos()));
                default -> out.add(s);
            }
        }
        return out;
    }

    private static Stmt.Block inlined(Stmt.Block b) {
        return new Stmt.Block(inlineGuards(b.stmts()), b.pos());
    }

    private static boolean isZeroGuard(Stmt.If i) {
        return i.otherwise().stmts().isEmpty() && i.condition() instanceof Expr.Binary c && c.op() == Expr.BinOp.NE
                && c.left() instanceof Expr.Var && c.right() instanceof Expr.Literal l && l.text().equals("0.0");
    }

    private static Stmt.Assign negate(Stmt.Assign a) {
        Expr v = a.value();
        if (v instanceof Expr.Binary b && b.op() == Expr.BinOp.PLUS && b.left() instanceof Expr.Var x
                && x.name().equals(a.name())) {
            return new Stmt.Assign(a.name(), new Expr.Binary(Expr.BinOp.MINUS, b.left(), b.right(), b.type(), b.pos()),
                    a.pos());
        }
        return new Stmt.Assign(a.name(), new Expr.Unary(Expr.UnOp.NEG, v, v.type(), v.pos()), a.pos());
    }

    private static Stmt.If replace(Stmt.If i, boolean then, int index, Stmt with) {
        Stmt.Block block = then ? i.then() : i.otherwise();
        List<Stmt> stmts = new ArrayList<>(block.stmts());
        if (with == null) {
            stmts.remove(index);
        } else {
            stmts.set(index, with);
        }
        Stmt.Block changed = new Stmt.Block(stmts, block.pos());
        return then ? new Stmt.If(i.condition(), changed, i.otherwise(), i.pos())
                : new Stmt.If(i.condition(), i.then(), changed, i.pos());
    }

    private static Mutant mutant(DerivedMethod d, String description, int k, UnaryOperator<Stmt.If> change) {
        int[] counter = {0};
        List<Stmt> backward = d.backward().stream().map(s -> rewrite(s, k, counter, change)).toList();
        return new Mutant(description, new DerivedMethod(d.method(), d.forward(), d.result(), d.cotangent(), backward,
                d.gradients(), d.saved(), d.steps(), List.of()));
    }

    private record If(Stmt.If stmt) {}

    private static If nthIf(List<Stmt> stmts, int k) {
        List<Stmt.If> all = new ArrayList<>();
        stmts.forEach(s -> collect(s, all));
        return new If(all.get(k));
    }

    private static int countIfs(List<Stmt> stmts) {
        List<Stmt.If> all = new ArrayList<>();
        stmts.forEach(s -> collect(s, all));
        return all.size();
    }

    /** The ifs of {@code s} in depth-first, source order (the order {@link #rewrite} numbers them). */
    private static void collect(Stmt s, List<Stmt.If> out) {
        switch (s) {
            case Stmt.If i -> {
                out.add(i);
                i.then().stmts().forEach(x -> collect(x, out));
                i.otherwise().stmts().forEach(x -> collect(x, out));
            }
            case Stmt.Block b -> b.stmts().forEach(x -> collect(x, out));
            case Stmt.While w -> w.body().stmts().forEach(x -> collect(x, out));
            case Stmt.DoWhile w -> w.body().stmts().forEach(x -> collect(x, out));
            case Stmt.For f -> f.body().stmts().forEach(x -> collect(x, out));
            default -> { }
        }
    }

    private static Stmt rewrite(Stmt s, int k, int[] counter, UnaryOperator<Stmt.If> change) {
        return switch (s) {
            case Stmt.If i -> {
                boolean mine = counter[0]++ == k;
                Stmt.If inner = new Stmt.If(i.condition(), block(i.then(), k, counter, change),
                        block(i.otherwise(), k, counter, change), i.pos());
                // The change applies to the original branches (nested ifs in them are numbered after it).
                yield mine ? change.apply(i) : inner;
            }
            case Stmt.Block b -> block(b, k, counter, change);
            case Stmt.While w -> new Stmt.While(w.condition(), block(w.body(), k, counter, change), w.pos());
            case Stmt.DoWhile w -> new Stmt.DoWhile(block(w.body(), k, counter, change), w.condition(), w.pos());
            case Stmt.For f -> new Stmt.For(f.init(), f.condition(), f.update(), block(f.body(), k, counter, change),
                    f.pos());
            default -> s;
        };
    }

    private static Stmt.Block block(Stmt.Block b, int k, int[] counter, UnaryOperator<Stmt.If> change) {
        return new Stmt.Block(b.stmts().stream().map(s -> rewrite(s, k, counter, change)).toList(), b.pos());
    }
}
