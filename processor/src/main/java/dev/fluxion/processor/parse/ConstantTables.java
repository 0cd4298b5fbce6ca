package dev.fluxion.processor.parse;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.VariableElement;

/**
 * {@code static final double[] W = {0.5, -1.25, ...};} read in a {@code @Differentiable} method: a
 * constant table. The method gets a local copy of the table's literal ({@code double[] W_table =
 * {0.5, -1.25, ...};} at its start), so that the derivation, the generated code and the
 * compile-time verifier all see the same constant values; reads of {@code W} read the copy, and
 * writes into it stay refused (the name is not a local). Only a field of the method's own source
 * file whose initializer is an array literal of number constants is such a table.
 */
final class ConstantTables {
    private final ParseContext cx;
    private final ExprParser exprs;
    /** The copies made so far, by field: owner and name. */
    private final Map<String, Stmt.Let> copies = new LinkedHashMap<>();

    ConstantTables(ParseContext cx, ExprParser exprs) {
        this.cx = cx;
        this.exprs = exprs;
    }

    /** The read of the table {@code field}, or null where it is not a constant table. */
    Expr read(VariableElement field, Pos pos) {
        if (!field.getModifiers().contains(Modifier.STATIC) || !field.getModifiers().contains(Modifier.FINAL)
                || !(TypeMapper.map(field.asType()) instanceof Type.ArrayOf type)) {
            return null;
        }
        String key = field.getEnclosingElement() + "." + field.getSimpleName();
        Stmt.Let copy = copies.get(key);
        if (copy == null) {
            List<Expr> elements = literal(field, type);
            if (elements == null) {
                return null;
            }
            String name = cx.irName(field.getSimpleName() + "_table" + (copies.isEmpty() ? "" : copies.size()));
            copy = new Stmt.Let(name, type, new Expr.NewArray(type, elements, null, pos), pos);
            copies.put(key, copy);
        }
        return new Expr.Var(copy.name(), type, pos);
    }

    /** The local copies to declare at the start of the method, in the order first read. */
    List<Stmt> copies() {
        return List.copyOf(copies.values());
    }

    /** The table's elements as constants, or null where its initializer is not a literal of constants here. */
    private List<Expr> literal(VariableElement field, Type.ArrayOf type) {
        TreePath path = cx.trees.getPath(field);
        if (path == null || path.getCompilationUnit() != cx.unit || !(path.getLeaf() instanceof VariableTree v)
                || !(v.getInitializer() instanceof NewArrayTree literal) || literal.getInitializers() == null) {
            return null;
        }
        List<Expr> out = new ArrayList<>();
        for (ExpressionTree e : literal.getInitializers()) {
            Expr x = exprs.parse(e);
            boolean constant = x instanceof Expr.Literal
                    || x instanceof Expr.Unary u && u.operand() instanceof Expr.Literal && e.getKind() != Tree.Kind.LOGICAL_COMPLEMENT;
            if (!constant || !x.type().isNumeric()) {
                return null;
            }
            if (!x.type().equals(type.element())) {
                x = new Expr.Cast(type.element(), x, x.pos());
            }
            out.add(x);
        }
        return out;
    }
}
