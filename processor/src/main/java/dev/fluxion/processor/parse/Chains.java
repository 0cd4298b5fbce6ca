package dev.fluxion.processor.parse;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.Tree;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Long sums and products as shallow trees. javac parses {@code x1 + x2 + ... + x1000} as a
 * left-leaning tree 1,000 deep, and every recursive pass over it (parse, check, differentiate,
 * write, verify) would need a frame per level: at javac's default stack that overflows. A chain of
 * more than {@value #LONGEST} numeric operands is read without recursion and rebuilt as groups
 * of at most {@value #GROUP} consecutive operands, summed left to right, whose sums are summed the
 * same way (depth about {@value #GROUP} · log<sub>{@value #GROUP}</sub> n). Only such long chains
 * are regrouped: for doubles the sum may then differ in its last bits from strict left-to-right
 * order (as with any reassociation); shorter chains keep Java's order exactly. Operands before the
 * one where the running type reaches the chain's type (an int prefix of a double sum) keep Java's
 * order and types too.
 */
final class Chains {
    /** The longest chain kept as Java groups it. */
    static final int LONGEST = 32;
    /** How many operands one group sums. */
    static final int GROUP = 16;

    private Chains() {}

    /** The family a chain of {@code kind} belongs to: + and − chain together, × alone; null for others. */
    static Tree.Kind family(Tree.Kind kind) {
        return switch (kind) {
            case PLUS, MINUS -> Tree.Kind.PLUS;
            case MULTIPLY -> Tree.Kind.MULTIPLY;
            default -> null;
        };
    }

    /**
     * {@code top} as a balanced IR tree, or null where it is not a long chain of operands of one
     * numeric type (then the ordinary recursive translation applies).
     */
    static Expr balanced(BinaryTree top, ExprParser exprs) {
        Tree.Kind family = family(top.getKind());
        List<BinaryTree> spine = new ArrayList<>();
        ExpressionTree t = top;
        while (t instanceof BinaryTree b && family(b.getKind()) == family) {
            spine.add(b);
            t = b.getLeftOperand();
        }
        if (spine.size() < LONGEST) {
            return null;
        }
        Collections.reverse(spine); // spine.get(i - 1) joins operand i to those before it
        List<Expr> operands = new ArrayList<>();
        List<Boolean> negated = new ArrayList<>();
        operands.add(exprs.parse(t));
        negated.add(false);
        for (BinaryTree b : spine) {
            operands.add(exprs.parse(b.getRightOperand()));
            negated.add(b.getKind() == Tree.Kind.MINUS);
        }
        for (Expr e : operands) {
            if (e instanceof Expr.Unsupported) {
                return e;
            }
        }
        if (operands.stream().anyMatch(e -> !e.type().isNumeric())) {
            return null; // reported by the ordinary translation (`+` on a String, ...)
        }
        // Java adds left to right, each step in the wider type so far: up to the operand where the
        // running type reaches the chain's type, keep that order exactly (int sums stay int sums);
        // after it, every addition is in the chain's type, so the rest may be regrouped, each
        // narrower operand converted first as Java would.
        Type type = operands.get(0).type();
        for (Expr e : operands) {
            type = Type.promote(type, e.type());
        }
        Type running = operands.get(0).type();
        int exact = 0;
        while (!running.equals(type)) {
            exact++;
            running = Type.promote(running, operands.get(exact).type());
        }
        List<Expr> widened = new ArrayList<>(operands);
        for (int i = exact + 1; i < widened.size(); i++) {
            Expr e = widened.get(i);
            if (!e.type().equals(type)) {
                widened.set(i, new Expr.Cast(type, e, e.pos()));
            }
        }
        Builder builder = new Builder(widened, negated, spine);
        Expr head = builder.leftToRight(0, exact + 1);
        if (exact + 1 == widened.size()) {
            return head;
        }
        Expr rest = builder.group(exact + 1, widened.size());
        Expr.BinOp op = builder.join(exact + 1, 0);
        return new Expr.Binary(op, head, rest, type, widened.get(exact + 1).pos());
    }

    private record Builder(List<Expr> operands, List<Boolean> negated, List<BinaryTree> spine) {
        /**
         * Operands {@code [lo, hi)}, signed relative to operand {@code lo}: the sum of
         * {@code ±x_i}, + where x_i has the same sign as x_lo in the whole chain.
         */
        Expr group(int lo, int hi) {
            int size = hi - lo;
            int step = size <= GROUP ? 1 : (size + GROUP - 1) / GROUP;
            Expr e = step == 1 ? operands.get(lo) : group(lo, Math.min(hi, lo + step));
            for (int start = lo + step; start < hi; start += step) {
                int end = Math.min(hi, start + step);
                Expr next = step == 1 ? operands.get(start) : group(start, end);
                // Positioned at the operand it adds: a chain's own text is as long as the chain.
                e = new Expr.Binary(join(start, lo), e, next, e.type(), operands.get(start).pos());
            }
            return e;
        }

        /** Operands {@code [lo, hi)} in Java's own order and types (the chain's first operands). */
        Expr leftToRight(int lo, int hi) {
            Expr e = operands.get(lo);
            for (int i = lo + 1; i < hi; i++) {
                Expr next = operands.get(i);
                e = new Expr.Binary(join(i, lo), e, next, Type.promote(e.type(), next.type()), next.pos());
            }
            return e;
        }

        /** The operator adding operand {@code i} to a sum signed relative to operand {@code lo}. */
        Expr.BinOp join(int i, int lo) {
            return spine.get(i - 1).getKind() == Tree.Kind.MULTIPLY ? Expr.BinOp.TIMES
                    : negated.get(i) == negated.get(lo) ? Expr.BinOp.PLUS : Expr.BinOp.MINUS;
        }
    }
}
