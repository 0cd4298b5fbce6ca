package dev.fluxion.processor.parse;

import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.Tree;
import dev.fluxion.processor.ir.Expr;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Long sums and products as shallow trees. javac parses {@code x1 + x2 + ... + x1000} as a
 * left-leaning tree 1,000 deep, and every recursive pass over it (parse, check, differentiate,
 * write, verify) would need a frame per level: at javac's default stack that overflows. A chain of
 * more than {@value #LONGEST} operands of one type is read without recursion and rebuilt as groups
 * of at most {@value #GROUP} consecutive operands, summed left to right, whose sums are summed the
 * same way (depth about {@value #GROUP} · log<sub>{@value #GROUP}</sub> n). Only such long chains
 * are regrouped: for doubles the sum may then differ in its last bits from strict left-to-right
 * order (as with any reassociation); shorter chains keep Java's order exactly.
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
        var type = operands.get(0).type();
        if (!type.isNumeric() || operands.stream().anyMatch(e -> !e.type().equals(type))) {
            return null;
        }
        return new Builder(operands, negated, spine).group(0, operands.size());
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
                Expr.BinOp op = spine.get(start - 1).getKind() == Tree.Kind.MULTIPLY ? Expr.BinOp.TIMES
                        : negated.get(start) == negated.get(lo) ? Expr.BinOp.PLUS : Expr.BinOp.MINUS;
                // Positioned at the operand it adds: a chain's own text is as long as the chain.
                e = new Expr.Binary(op, e, next, e.type(), operands.get(start).pos());
            }
            return e;
        }
    }
}
