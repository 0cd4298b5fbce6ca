package dev.fluxion.processor.opt;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.model.DerivedMethod;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matmul epilogues, on the forward and one-pass statements: a linear layer whose only reader is its
 * activation, {@code z = F.linear(x, w, b); h = z.sigmoid()}, becomes one call
 * {@code h = Epilogues.linearSigmoid(x, w, b)} that adds the bias and applies the activation to
 * the product's output in place: one tensor instead of three, the same bits (see
 * {@code dev.fluxion.Epilogues}). Likewise {@code tanh} and {@code relu}, and the nested form
 * {@code F.linear(x, w, b).sigmoid()}.
 *
 * <p>Runs after {@link ElementwiseFusion}, whose {@code ShapeOnlyReads} has made the activations'
 * backward rules read the output rather than the pre-activation, so {@code z} is no longer saved.
 * A definition {@code z = F.linear(...)} is folded where {@code z} is assigned once, read once, by
 * the next statement of the same block that reads it, as that statement's whole value
 * {@code z.act()}, is not saved nor read after the statements, and nothing the linear call reads
 * is assigned in between. The backward pass is unchanged.
 */
public final class MatmulEpilogues {
    /** The runtime class the fused calls go to. */
    public static final String EPILOGUES = "dev.fluxion.Epilogues";
    /** The fused method for each activation. */
    private static final Map<Op, String> FUSED = Map.of(Op.SIGMOID, "linearSigmoid", Op.TANH, "linearTanh",
            Op.RELU, "linearRelu");

    private final UseCounts uses;
    private final Set<String> readAfter;

    private MatmulEpilogues(List<Stmt> stmts, Set<String> readAfter) {
        this.uses = new UseCounts(stmts);
        this.readAfter = readAfter;
    }

    /** {@code d} with its forward and one-pass statements' linear layers and activations fused. */
    public static DerivedMethod apply(DerivedMethod d) {
        Set<String> afterForward = new HashSet<>(Exprs.vars(d.result()));
        d.saved().forEach(v -> afterForward.add(v.name()));
        Set<String> afterFused = new HashSet<>(Exprs.vars(d.result()));
        d.gradients().forEach(g -> afterFused.addAll(Exprs.vars(g.value())));
        return new DerivedMethod(d.method(), fuse(d.forward(), afterForward), d.result(), d.cotangent(),
                d.backward(), d.gradients(), d.saved(), d.steps(), fuse(d.fusedGrad(), afterFused));
    }

    /** {@code stmts} with their linear layers and activations fused; {@code readAfter} are the locals read after them. */
    static List<Stmt> fuse(List<Stmt> stmts, Set<String> readAfter) {
        return new MatmulEpilogues(stmts, readAfter).block(StmtExprs.map(stmts, MatmulEpilogues::nested));
    }

    /** {@code act(F.linear(x, w, b))} as one call; any other expression as it is. */
    private static Expr nested(Expr e) {
        if (activation(e) instanceof String method && ((Expr.Call) e).args().getFirst() instanceof Expr.Call inner
                && isLinear(inner)) {
            return fusedCall(method, inner, (Expr.Call) e);
        }
        return e;
    }

    private List<Stmt> block(List<Stmt> stmts) {
        List<Stmt> out = new ArrayList<>(stmts);
        for (int i = 0; i < out.size(); i++) {
            ElementwiseFusion.Def z = ElementwiseFusion.def(out.get(i));
            if (z == null || !(z.value() instanceof Expr.Call linear) || !isLinear(linear)
                    || uses.reads(z.name()) != 1 || uses.defs(z.name()) != 1 || readAfter.contains(z.name())) {
                continue;
            }
            int j = i + 1;
            while (j < out.size() && !Exprs.vars(out.get(j)).contains(z.name())) {
                j++;
            }
            if (j == out.size() || ElementwiseFusion.assignsAny(out.subList(i + 1, j), Exprs.vars(linear))) {
                continue;
            }
            ElementwiseFusion.Def h = ElementwiseFusion.def(out.get(j));
            if (h == null || !(activation(h.value()) instanceof String method)
                    || !(((Expr.Call) h.value()).args().getFirst() instanceof Expr.Var read && read.name().equals(z.name()))) {
                continue;
            }
            Expr call = fusedCall(method, linear, (Expr.Call) h.value());
            out.set(j, switch (h.stmt()) {
                case Stmt.Let l -> new Stmt.Let(l.name(), l.type(), call, l.pos());
                case Stmt.Assign a -> new Stmt.Assign(a.name(), call, a.pos());
                default -> throw new IllegalStateException("not a definition: " + h.stmt());
            });
            out.remove(i);
            i--;
        }
        return out;
    }

    /** Whether {@code c} is {@code F.linear(x, w, b)} with a tensor result. */
    private static boolean isLinear(Expr.Call c) {
        return c.callee() instanceof Callee.Known k && k.op() == Op.LINEAR && c.args().size() == 3 && c.type().isTensor();
    }

    /** The fused method for {@code e} when it is {@code a.sigmoid()}, {@code a.tanh()} or {@code a.relu()}; else null. */
    private static String activation(Expr e) {
        return e instanceof Expr.Call c && c.callee() instanceof Callee.Known k && c.args().size() == 1
                && c.type().isTensor() ? FUSED.get(k.op()) : null;
    }

    private static Expr fusedCall(String method, Expr.Call linear, Expr.Call act) {
        return new Expr.Call(new Callee.Static(EPILOGUES, method), linear.args(), act.type(), act.pos());
    }
}
