package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * A local assigned an array literal of computed floating-point values ({@code double[] a = {x, 2 * y};})
 * is lowered to a new array and one element write per value ({@code a = new double[2]; a[0] = x;
 * a[1] = 2 * y;}), so each element carries its own gradient ({@link ArrayWrites}).
 */
final class ArrayLiterals {
    private ArrayLiterals() {}

    /** {@code name = value}, split into element writes where {@code value} is such a literal. */
    static List<Stmt> assign(String name, Expr value, Pos pos) {
        if (!isComputed(value)) {
            return List.of(new Stmt.Assign(name, value, pos));
        }
        Expr.NewArray literal = (Expr.NewArray) value;
        List<Stmt> out = new ArrayList<>();
        out.add(new Stmt.Assign(name, new Expr.NewArray(literal.type(), List.of(),
                AssignReversal.intLit(literal.elements().size()), literal.pos()), pos));
        for (int i = 0; i < literal.elements().size(); i++) {
            Expr element = literal.elements().get(i);
            if (!isZero(element)) { // the new array holds 0 already: no write, no tangent, no adjoint to clear
                out.add(new Stmt.ArrayStore(name, AssignReversal.intLit(i), element, pos));
            }
        }
        return out;
    }

    /** A literal positive zero ({@code 0}, {@code 0.0}, {@code 0d}), possibly widened: what a new array holds. */
    static boolean isZero(Expr e) {
        Expr inner = e instanceof Expr.Cast c ? c.operand() : e;
        if (!(inner instanceof Expr.Literal l) || !l.type().isNumeric() || l.text().startsWith("-")) {
            return false;
        }
        String text = l.text().replace("_", "");
        if (text.endsWith("d") || text.endsWith("D") || text.endsWith("f") || text.endsWith("F")
                || text.endsWith("l") || text.endsWith("L")) {
            text = text.substring(0, text.length() - 1);
        }
        try {
            double v = Double.parseDouble(text);
            return v == 0 && Double.doubleToRawLongBits(v) == 0;
        } catch (NumberFormatException notDecimal) {
            return false;
        }
    }

    /** A literal of a floating-point array with an element that is not a literal. */
    static boolean isComputed(Expr value) {
        return value instanceof Expr.NewArray n && n.length() == null && n.type().element().isFloatingScalar()
                && n.elements().stream().anyMatch(e -> !(e instanceof Expr.Literal));
    }
}
