package dev.fluxion.processor.opt;

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
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Weight gradients written straight into {@code .grad}, on the backward and one-pass statements: a
 * parameter whose whole gradient is one product,
 * <pre>
 * Tensor w_adj = Derivatives.matmulGradB(g, x, w);            // or matmulGradB(g, x, w.t()).t()
 * ...
 * if (model.w.requiresGrad()) { model.w.accumulateGrad(w_adj); }
 * </pre>
 * becomes one call at the accumulation, {@code model.w.accumulateMatmulGradB(g, x, w, false)}
 * ({@code true} for the {@code .t()} form of {@code F.linear}'s weight), which runs the matrix
 * kernel with accumulation on, into the gradient buffer: no product tensor, no addition pass, and
 * no product at all for a frozen parameter. The same bits as the two calls (see
 * {@code Parameter.accumulateMatmulGradB}).
 *
 * <p>A bias, whose whole gradient is the cotangent summed to its shape,
 * <pre>
 * Tensor b_adj = Derivatives.plusGradB(g, xw, b);            // or unbroadcast(g, b), plusGradA, minusGradA
 * Tensor l1_bias_adj = l1_bias == null ? null : Derivatives.unbroadcast(g, l1_bias);   // F.linear's
 * ...
 * if (l1_bias_adj != null &amp;&amp; (model.l1.bias != null &amp;&amp; model.l1.bias.requiresGrad())) { model.l1.bias.accumulateGrad(l1_bias_adj); }
 * </pre>
 * becomes {@code model.b.accumulateSumGrad(g, b)} under the same condition (with
 * {@code l1_bias != null} for {@code l1_bias_adj != null}): the sum is written into the gradient
 * buffer, with no tensor for it (see {@code Parameter.accumulateSumGrad}, the same bits).
 *
 * <p>Folded where the adjoint is declared once, read once (by the accumulation, whose condition
 * does not read it, or only tests it against null first), both statements are in straight-line code of the same list (a block of
 * backward statements printed in place counts as straight-line), the operands are locals or
 * {@code .t()} of one, and nothing between the two statements assigns an operand.
 */
public final class GradientsInPlace {
    private static final String DERIVATIVES = "dev.fluxion.Derivatives";
    /** The {@code Parameter} method the folded accumulation calls. */
    public static final String ACCUMULATE_PRODUCT = "accumulateMatmulGradB";
    /** The {@code Parameter} method a folded bias sum calls. */
    public static final String ACCUMULATE_SUM = "accumulateSumGrad";

    private GradientsInPlace() {}

    /** {@code d} with its parameters' product gradients accumulated in place. */
    public static DerivedMethod apply(DerivedMethod d) {
        return new DerivedMethod(d.method(), d.forward(), d.result(), d.cotangent(), fold(d.backward(), false),
                d.gradients(), d.saved(), d.steps(), fold(d.fusedGrad(), true));
    }

    /** A statement's place: index in the top list, and in a top-level block printed in place (or -1). */
    private record At(int top, int inner) {}

    /**
     * {@code stmts} with each foldable product accumulated in place.
     *
     * @param blocksInPlace whether a top-level block is backward statements printed in place
     */
    static List<Stmt> fold(List<Stmt> stmts, boolean blocksInPlace) {
        List<At> order = flatOrder(stmts, blocksInPlace);
        UseCounts uses = new UseCounts(stmts);
        Map<At, Stmt> replaced = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            Stmt s = get(stmts, order.get(i));
            if (!(s instanceof Stmt.Let let) || let.init() == null || uses.defs(let.name()) != 1
                    || !(foldable(let.init()) instanceof Foldable p)) {
                continue;
            }
            for (int j = i + 1; j < order.size(); j++) {
                Stmt t = replaced.getOrDefault(order.get(j), get(stmts, order.get(j)));
                // Every read of the adjoint is the accumulation's: its argument, and its null test if guarded.
                if (accumulation(t, let.name(), p) instanceof Stmt.If acc
                        && uses.reads(let.name()) == (guardRest(acc.condition(), let.name()) != null ? 2 : 1)) {
                    Set<String> operands = new HashSet<>();
                    p.operands().forEach(e -> operands.addAll(Exprs.vars(e)));
                    List<Stmt> between = new ArrayList<>();
                    for (int k = i + 1; k < j; k++) {
                        between.add(get(stmts, order.get(k)));
                    }
                    if (!ElementwiseFusion.assignsAny(between, operands)) {
                        replaced.put(order.get(j), p instanceof Product product ? inPlace(acc, product)
                                : inPlace(acc, let.name(), (Sum) p));
                        replaced.put(order.get(i), REMOVED);
                    }
                    break;
                }
                if (Exprs.vars(t).contains(let.name())) {
                    break; // read elsewhere (inside a loop or a nested block): left as it is
                }
            }
        }
        return replaced.isEmpty() ? stmts : rebuild(stmts, replaced);
    }

    /** Marks a statement removed. */
    private static final Stmt REMOVED = new Stmt.Block(List.of(), Pos.NONE);

    /** An adjoint whose accumulation can be written into {@code .grad}. */
    private sealed interface Foldable permits Product, Sum {
        /** The locals the folded call reads. */
        List<Expr> operands();
    }

    /** {@code matmulGradB(g, a, b)} or {@code matmulGradB(g, a, b).t()} with local operands. */
    private record Product(Expr g, Expr a, Expr b, boolean transposed) implements Foldable {
        public List<Expr> operands() {
            return List.of(g, a, b);
        }
    }

    /**
     * {@code unbroadcast(g, target)} (or a rule that is one) with local operands; {@code optional}:
     * written {@code target == null ? null : unbroadcast(g, target)} (a layer's optional bias).
     */
    private record Sum(Expr g, Expr target, boolean optional) implements Foldable {
        public List<Expr> operands() {
            return List.of(g, target);
        }
    }

    private static Foldable foldable(Expr e) {
        Product p = product(e);
        return p != null ? p : sum(e);
    }

    /** {@code unbroadcast(g, t)}, {@code plusGradB(g, a, t)}, {@code plusGradA(g, t, b)}, {@code minusGradA(g, t, b)}, or the optional form. */
    private static Sum sum(Expr e) {
        if (e instanceof Expr.Conditional c && c.condition() instanceof Expr.Binary eq && eq.op() == Expr.BinOp.EQ
                && isNull(eq.right()) && isNull(c.whenTrue()) && eq.left() instanceof Expr.Var t
                && sum(c.whenFalse()) instanceof Sum s && !s.optional() && s.target() instanceof Expr.Var st
                && st.name().equals(t.name())) {
            return new Sum(s.g(), s.target(), true);
        }
        if (!(e instanceof Expr.Call c) || !(c.callee() instanceof Callee.Static s) || !s.ownerQualifiedName().equals(DERIVATIVES)
                || !c.args().stream().allMatch(a -> a instanceof Expr.Var)) {
            return null;
        }
        List<Expr> a = c.args();
        return switch (s.name()) {
            case "unbroadcast" -> a.size() == 2 ? new Sum(a.get(0), a.get(1), false) : null;
            case "plusGradB" -> a.size() == 3 ? new Sum(a.get(0), a.get(2), false) : null;
            case "plusGradA", "minusGradA" -> a.size() == 3 ? new Sum(a.get(0), a.get(1), false) : null;
            default -> null;
        };
    }

    private static boolean isNull(Expr e) {
        return e instanceof Expr.Literal l && l.text().equals("null");
    }

    private static Product product(Expr e) {
        boolean transposed = false;
        Expr inner = e;
        if (e instanceof Expr.Call c && c.callee() instanceof Callee.Known k && k.op() == Op.T && c.args().size() == 1) {
            transposed = true;
            inner = c.args().getFirst();
        }
        if (!(inner instanceof Expr.Call c) || !(c.callee() instanceof Callee.Static s)
                || !s.ownerQualifiedName().equals(DERIVATIVES) || !s.name().equals("matmulGradB") || c.args().size() != 3
                || !c.args().stream().allMatch(GradientsInPlace::local)) {
            return null;
        }
        // The transposed form reads b = Wᵀ: matmulGradB(g, x, w.t()).t() is W's gradient.
        boolean bIsT = c.args().get(2) instanceof Expr.Call t && t.callee() instanceof Callee.Known k && k.op() == Op.T;
        if (transposed != bIsT) {
            return null;
        }
        return new Product(c.args().get(0), c.args().get(1), c.args().get(2), transposed);
    }

    /** A local, or {@code .t()} of one. */
    private static boolean local(Expr e) {
        return e instanceof Expr.Var || (e instanceof Expr.Call c && c.callee() instanceof Callee.Known k
                && k.op() == Op.T && c.args().size() == 1 && c.args().getFirst() instanceof Expr.Var);
    }

    /**
     * {@code t} when it is {@code if (cond) { field.accumulateGrad(adj); }} with cond not reading adj
     * (for a sum, also {@code adj != null && rest} with rest not reading it; an optional sum only so);
     * else null.
     */
    private static Stmt.If accumulation(Stmt t, String adj, Foldable f) {
        if (t instanceof Stmt.If i && i.otherwise().stmts().isEmpty() && i.then().stmts().size() == 1
                && i.then().stmts().getFirst() instanceof Stmt.ExprStmt x && x.expr() instanceof Expr.Call c
                && c.callee() instanceof Callee.Instance in && in.name().equals("accumulateGrad") && c.args().size() == 2
                && c.args().get(1) instanceof Expr.Var v && v.name().equals(adj)) {
            boolean unguarded = !Exprs.vars(i.condition()).contains(adj);
            if (f instanceof Product || f instanceof Sum s && !s.optional()) {
                return unguarded || f instanceof Sum && guardRest(i.condition(), adj) != null ? i : null;
            }
            return guardRest(i.condition(), adj) != null ? i : null;
        }
        return null;
    }

    /** {@code rest} where {@code cond} is {@code adj != null && rest} and rest does not read adj; else null. */
    private static Expr guardRest(Expr cond, String adj) {
        if (cond instanceof Expr.Binary and && and.op() == Expr.BinOp.AND && and.left() instanceof Expr.Binary ne
                && ne.op() == Expr.BinOp.NE && ne.left() instanceof Expr.Var v && v.name().equals(adj) && isNull(ne.right())
                && !Exprs.vars(and.right()).contains(adj)) {
            return and.right();
        }
        return null;
    }

    /**
     * The accumulation calling {@code accumulateSumGrad(g, target)}; its condition without the
     * adjoint's null test ({@code target != null} in its place for an optional sum).
     */
    private static Stmt inPlace(Stmt.If acc, String adj, Sum s) {
        Stmt.ExprStmt x = (Stmt.ExprStmt) acc.then().stmts().getFirst();
        Expr.Call c = (Expr.Call) x.expr();
        Expr call = new Expr.Call(new Callee.Instance(ACCUMULATE_SUM), List.of(c.args().getFirst(), s.g(), s.target()),
                Type.Prim.VOID, c.pos());
        Expr rest = guardRest(acc.condition(), adj);
        Expr condition = rest == null ? acc.condition() : !s.optional() ? rest
                : new Expr.Binary(Expr.BinOp.AND, new Expr.Binary(Expr.BinOp.NE, s.target(),
                        new Expr.Literal("null", Type.TENSOR, Pos.NONE), Type.Prim.BOOLEAN, Pos.NONE), rest,
                        Type.Prim.BOOLEAN, Pos.NONE);
        return new Stmt.If(condition, new Stmt.Block(List.of(new Stmt.ExprStmt(call, x.pos())), acc.then().pos()),
                acc.otherwise(), acc.pos());
    }

    private static Stmt inPlace(Stmt.If acc, Product p) {
        Stmt.ExprStmt x = (Stmt.ExprStmt) acc.then().stmts().getFirst();
        Expr.Call c = (Expr.Call) x.expr();
        Expr call = new Expr.Call(new Callee.Instance(ACCUMULATE_PRODUCT), List.of(c.args().getFirst(), p.g(), p.a(),
                p.b(), new Expr.Literal(Boolean.toString(p.transposed()), Type.Prim.BOOLEAN, Pos.NONE)),
                Type.Prim.VOID, c.pos());
        return new Stmt.If(acc.condition(), new Stmt.Block(List.of(new Stmt.ExprStmt(call, x.pos())), acc.then().pos()),
                acc.otherwise(), acc.pos());
    }

    private static List<At> flatOrder(List<Stmt> stmts, boolean blocksInPlace) {
        List<At> order = new ArrayList<>();
        for (int i = 0; i < stmts.size(); i++) {
            if (blocksInPlace && stmts.get(i) instanceof Stmt.Block b) {
                for (int j = 0; j < b.stmts().size(); j++) {
                    order.add(new At(i, j));
                }
            } else {
                order.add(new At(i, -1));
            }
        }
        return order;
    }

    private static Stmt get(List<Stmt> stmts, At at) {
        Stmt s = stmts.get(at.top());
        return at.inner() < 0 ? s : ((Stmt.Block) s).stmts().get(at.inner());
    }

    private static List<Stmt> rebuild(List<Stmt> stmts, Map<At, Stmt> replaced) {
        List<Stmt> out = new ArrayList<>();
        for (int i = 0; i < stmts.size(); i++) {
            Stmt s = stmts.get(i);
            int top = i;
            Stmt r = replaced.get(new At(i, -1));
            if (r == REMOVED) {
                continue;
            }
            if (r != null) {
                out.add(r);
            } else if (s instanceof Stmt.Block b && replaced.keySet().stream().anyMatch(a -> a.top() == top)) {
                List<Stmt> inner = new ArrayList<>();
                for (int j = 0; j < b.stmts().size(); j++) {
                    Stmt x = replaced.getOrDefault(new At(i, j), b.stmts().get(j));
                    if (x != REMOVED) {
                        inner.add(x);
                    }
                }
                out.add(new Stmt.Block(inner, b.pos()));
            } else {
                out.add(s);
            }
        }
        return out;
    }
}
