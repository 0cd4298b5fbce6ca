package dev.fluxion.processor.parse;

import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.ArrayTypeTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.VariableTree;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Expr.Reason;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * 2-D local arrays, flattened as a numerical programmer flattens them by hand:
 * {@code double[][] a = new double[n][m]} becomes the int locals {@code a_rows = n},
 * {@code a_cols = m} and one array {@code double[] a = new double[a_rows * a_cols]}; {@code a[i][j]}
 * is {@code a[i * a_cols + j]}, {@code a.length} is {@code a_rows}, {@code a[i].length} is
 * {@code a_cols} ({@link ExprParser}). Every row has one length, no row is shared with another
 * array, and the reverse and forward transforms see an ordinary local array, written element by
 * element. What the flat form cannot express (a row used as a value or assigned, the array used as
 * a whole, rows of different lengths, a 2-D array not created in its declaration) is a
 * {@link Reason#MATRIX} error on the expression.
 */
final class Matrices {
    private Matrices() {}

    /** {@code T[][] a = init;} as the statements of its flat form, or one unsupported statement. */
    static List<Stmt> local(VariableTree v, ExprParser exprs, ParseContext cx) {
        String name = v.getName().toString();
        Pos pos = cx.pos(v);
        ArrayTypeTree outer = (ArrayTypeTree) v.getType();
        Type element = exprs.typeOf(((ArrayTypeTree) outer.getType()).getType());
        if (!(element instanceof Type.Prim p) || !p.isNumeric()) {
            return List.of(new Stmt.Unsupported(Reason.TYPE, v.getType() + " " + name, pos));
        }
        Type.ArrayOf flat = new Type.ArrayOf(p);
        ExpressionTree init = v.getInitializer();
        Expr rows;
        Expr cols;
        Expr array;
        if (init instanceof NewArrayTree n && n.getInitializers() == null && n.getDimensions().size() == 2) {
            rows = exprs.parse(n.getDimensions().get(0));
            cols = exprs.parse(n.getDimensions().get(1));
            array = null;
        } else if (init instanceof NewArrayTree n && n.getInitializers() != null) {
            List<Expr> elements = new ArrayList<>();
            int length = -1;
            for (ExpressionTree row : n.getInitializers()) {
                if (!(row instanceof NewArrayTree r) || r.getInitializers() == null) {
                    return List.of(unsupported("the row `" + cx.rawText(row) + "` of a 2-D array literal (write each row as {...})",
                            cx.pos(row)));
                }
                if (length >= 0 && r.getInitializers().size() != length) {
                    return List.of(unsupported("rows of different lengths in `" + cx.rawText(init) + "`", cx.pos(init)));
                }
                length = r.getInitializers().size();
                for (ExpressionTree e : r.getInitializers()) {
                    Expr x = exprs.parse(e);
                    if (x instanceof Expr.Unsupported) {
                        return List.of(new Stmt.ExprStmt(x, pos));
                    }
                    if (!x.type().equals(p) && x.type().isNumeric()) {
                        x = new Expr.Cast(p, x, x.pos());
                    }
                    elements.add(x);
                }
            }
            rows = intLiteral(n.getInitializers().size(), pos);
            cols = intLiteral(Math.max(length, 0), pos);
            array = new Expr.NewArray(flat, elements, null, cx.pos(init));
        } else {
            String text = init == null ? "a 2-D array declared without a value"
                    : init instanceof IdentifierTree other && cx.matrixOf(other.getName().toString()).isPresent()
                    ? "sharing the 2-D array `" + other.getName() + "` with `" + name + "` (rows cannot be shared: create "
                            + name + " with new " + p.javaName() + "[n][m] and copy the elements)"
                    : "`" + v.getType() + " " + name + " = " + cx.rawText(init)
                            + "` (a 2-D array must be created where it is declared: new " + p.javaName()
                            + "[n][m] or {{...}, {...}})";
            declare(name, flat, cx, -1); // its later uses are read as a 2-D local's: one error, here
            return List.of(unsupported(text, init == null ? pos : cx.pos(init)));
        }
        for (Expr e : List.of(rows, cols)) {
            if (e instanceof Expr.Unsupported) {
                return List.of(new Stmt.ExprStmt(e, pos));
            }
            if (!e.type().isIntegral() || e.type() == Type.Prim.LONG) {
                return List.of(unsupported("a 2-D array length of type " + e.type().javaName(), e.pos()));
            }
        }
        ParseContext.Matrix m = declare(name, flat, cx, constant(cols));
        String rowsName = m.rows();
        String colsName = m.cols();
        if (array == null) {
            Expr product = new Expr.Binary(Expr.BinOp.TIMES, new Expr.Var(rowsName, Type.Prim.INT, pos),
                    new Expr.Var(colsName, Type.Prim.INT, pos), Type.Prim.INT, pos);
            array = new Expr.NewArray(flat, List.of(), product, cx.pos(init));
        }
        return List.of(new Stmt.Let(rowsName, Type.Prim.INT, rows, pos),
                new Stmt.Let(colsName, Type.Prim.INT, cols, pos),
                new Stmt.Let(cx.irName(name), flat, array, pos));
    }

    /** Declares {@code name} as a flattened 2-D local, with fresh names for its row count and length. */
    private static ParseContext.Matrix declare(String name, Type.ArrayOf flat, ParseContext cx, int knownCols) {
        String rowsName = cx.irName(cx.unusedName(name + "_rows"));
        String colsName = cx.irName(cx.unusedName(name + "_cols"));
        cx.declare(rowsName, Type.Prim.INT);
        cx.declare(colsName, Type.Prim.INT);
        cx.declare(name, flat);
        ParseContext.Matrix m = new ParseContext.Matrix(rowsName, colsName, knownCols);
        cx.declareMatrix(name, m);
        return m;
    }

    /**
     * The name of the flattened 2-D local that {@code target} is, or whose row it is
     * ({@code a}, {@code a[i]}); null for anything else (an element {@code a[i][j]} included).
     */
    static String wholeOrRow(ExpressionTree target, ParseContext cx) {
        ExpressionTree t = target instanceof ArrayAccessTree row ? row.getExpression() : target;
        return t instanceof IdentifierTree id && cx.matrixOf(id.getName().toString()).isPresent()
                ? id.getName().toString() : null;
    }

    /** The value of an int literal ({@code 3}), else −1. */
    static int constant(Expr e) {
        if (e instanceof Expr.Literal l && l.type() == Type.Prim.INT) {
            try {
                return Integer.parseInt(l.text());
            } catch (NumberFormatException notDecimal) {
                return -1;
            }
        }
        return -1;
    }

    private static Stmt unsupported(String what, Pos pos) {
        return new Stmt.Unsupported(Reason.MATRIX, what, pos);
    }

    private static Expr intLiteral(int value, Pos pos) {
        return new Expr.Literal(Integer.toString(value), Type.Prim.INT, pos);
    }
}
