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
 * <p>Folded where the adjoint is declared once, read once (by the accumulation, whose condition
 * does not read it), both statements are in straight-line code of the same list (a block of
 * backward statements printed in place counts as straight-line), the operands are locals or
 * {@code .t()} of one, and nothing between the two statements assigns an operand.
 */
public final class GradientsInPlace {
    private static final String DERIVATIVES = "dev.fluxion.Derivatives";
    /** The {@code Parameter} method the folded accumulation calls. */
    public static final String ACCUMULATE_PRODUCT = "accumulateMatmulGradB";

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
                    || uses.reads(let.name()) != 1 || !(product(let.init()) instanceof Product p)) {
                continue;
            }
            for (int j = i + 1; j < order.size(); j++) {
                Stmt t = replaced.getOrDefault(order.get(j), get(stmts, order.get(j)));
                if (accumulation(t, let.name()) instanceof Stmt.If acc) {
                    Set<String> operands = new HashSet<>();
                    p.operands().forEach(e -> operands.addAll(Exprs.vars(e)));
                    List<Stmt> between = new ArrayList<>();
                    for (int k = i + 1; k < j; k++) {
                        between.add(get(stmts, order.get(k)));
                    }
                    if (!ElementwiseFusion.assignsAny(between, operands)) {
                        replaced.put(order.get(j), inPlace(acc, p));
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

    /** {@code matmulGradB(g, a, b)} or {@code matmulGradB(g, a, b).t()} with local operands. */
    private record Product(Expr g, Expr a, Expr b, boolean transposed) {
        List<Expr> operands() {
            return List.of(g, a, b);
        }
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

    /** {@code t} when it is {@code if (cond) { field.accumulateGrad(adj); }} with cond not reading adj; else null. */
    private static Stmt.If accumulation(Stmt t, String adj) {
        if (t instanceof Stmt.If i && i.otherwise().stmts().isEmpty() && i.then().stmts().size() == 1
                && i.then().stmts().getFirst() instanceof Stmt.ExprStmt x && x.expr() instanceof Expr.Call c
                && c.callee() instanceof Callee.Instance in && in.name().equals("accumulateGrad") && c.args().size() == 2
                && c.args().get(1) instanceof Expr.Var v && v.name().equals(adj)
                && !Exprs.vars(i.condition()).contains(adj)) {
            return i;
        }
        return null;
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
