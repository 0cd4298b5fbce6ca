package dev.fluxion.processor.ir;

import java.util.ArrayList;
import java.util.List;

/** Which subexpressions of a node a gradient flows through: the node's differentiable slots. */
public final class Activity {
    private Activity() {}

    /**
     * The children of {@code e} through which the derivative of {@code e} depends on its inputs.
     * Conditions, indices, masks, shapes and detached operands are not among them.
     */
    public static List<Expr> differentiableChildren(Expr e) {
        return switch (e) {
            case Expr.Binary b -> b.op().isPredicate() || b.op() == Expr.BinOp.REMAINDER || b.op().isBitwise()
                    ? List.of() : List.of(b.left(), b.right());
            case Expr.Unary u -> u.op() == Expr.UnOp.NOT || u.op() == Expr.UnOp.COMPLEMENT ? List.of()
                    : List.of(u.operand());
            case Expr.Conditional c -> List.of(c.whenTrue(), c.whenFalse());
            case Expr.Cast c -> c.type().isFloatingScalar() ? List.of(c.operand()) : List.of();
            case Expr.ArrayRead a -> List.of(a.array());
            case Expr.Call c -> callSlots(c);
            default -> List.of();
        };
    }

    /** The children that would carry a gradient if the operation had a derivative. */
    public static List<Expr> valueChildren(Expr e) {
        return switch (e) {
            case Expr.Binary b -> b.op() == Expr.BinOp.AND || b.op() == Expr.BinOp.OR
                    ? List.of() : List.of(b.left(), b.right());
            case Expr.Cast c -> List.of(c.operand());
            case Expr.Call c when c.callee() instanceof Callee.Known k
                    && k.op().kind() == Op.Kind.NON_DIFFERENTIABLE -> c.args();
            default -> differentiableChildren(e);
        };
    }

    private static List<Expr> callSlots(Expr.Call c) {
        List<Expr> out = new ArrayList<>();
        switch (c.callee()) {
            case Callee.Known k -> {
                if (k.op().kind() != Op.Kind.DIFFERENTIABLE) {
                    return List.of();
                }
                String sig = k.op().signature();
                for (int i = 0; i < c.args().size(); i++) {
                    char letter = sig.charAt(Math.min(i, sig.length() - 1));
                    boolean slot = letter == 'T' || letter == 'V' || letter == 'D';
                    if (k.op() == Op.WHERE && i == 0) {
                        slot = false; // the mask
                    }
                    if (isTargetSlot(k.op(), i)) {
                        slot = false;
                    }
                    if (slot && c.args().get(i).type().isDifferentiable()) {
                        out.add(c.args().get(i));
                    }
                }
            }
            case Callee.User u -> {
                for (int i = 0; i < c.args().size(); i++) {
                    if (u.method().differentiable().get(i)) {
                        out.add(c.args().get(i));
                    }
                }
            }
            default -> {
                return List.of();
            }
        }
        return out;
    }

    /** Class-index targets of losses and gather indices carry no gradient. */
    private static boolean isTargetSlot(Op op, int i) {
        return switch (op) {
            case CROSS_ENTROPY, CROSS_ENTROPY_R, NLL_LOSS, NLL_LOSS_R, BCE, BCE_R, BCE_WITH_LOGITS,
                 BCE_WITH_LOGITS_R -> i == 1;
            case GATHER -> i == 2;
            default -> false;
        };
    }

    /**
     * Whether a user call is varied even with constant arguments: a Module method reads
     * Parameters (on a field, or on an element of a list of modules), and so does a runtime layer's forward.
     */
    public static boolean readsParameters(Expr e) {
        return e instanceof Expr.Call c && c.callee() instanceof Callee.User u
                && (!u.method().isStatic() || Callee.isLayerForward(u.method()) || Callee.isOnElement(u.method()));
    }
}
