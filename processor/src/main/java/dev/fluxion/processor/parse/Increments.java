package dev.fluxion.processor.parse;

import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.util.TreeScanner;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ++}/{@code --} on an int local inside one statement's expressions, as in {@code y[k++] = x[i]}
 * or {@code s += w[--k]}: the increment becomes a statement of its own, before the statement
 * ({@code ++k}, {@code --k}) or after it ({@code k++}, {@code k--}), and the expression reads the
 * variable. That is Java's meaning only where the variable occurs once in the statement and the
 * increment is evaluated unconditionally, so elsewhere (a second occurrence, a branch of {@code ?:},
 * the right side of {@code &&}/{@code ||}) it stays refused.
 */
final class Increments {
    private final ParseContext cx;
    private final Tree statement;
    private final List<Stmt> before = new ArrayList<>();
    private final List<Stmt> after = new ArrayList<>();
    /** Increments already lowered, by tree: a parse that translates an expression twice lowers it once. */
    private final Map<Tree, Expr> lowered = new IdentityHashMap<>();
    private int guarded;

    Increments(ParseContext cx, Tree statement) {
        this.cx = cx;
        this.statement = statement;
    }

    /** The statements to run before the statement. */
    List<Stmt> before() {
        return before;
    }

    /** The statements to run after it. */
    List<Stmt> after() {
        return after;
    }

    /** Marks the start of a subexpression that may not be evaluated (a branch of {@code ?:}). */
    void enterGuarded() {
        guarded++;
    }

    void exitGuarded() {
        guarded--;
    }

    /** The read {@code u} stands for, with its increment recorded; or the refusal. */
    Expr lower(UnaryTree u, Pos pos) {
        Expr done = lowered.get(u);
        if (done != null) {
            return done;
        }
        Expr out = translate(u, pos);
        lowered.put(u, out);
        return out;
    }

    private Expr translate(UnaryTree u, Pos pos) {
        Expr refused = new Expr.Unsupported(Expr.Reason.SIDE_EFFECT, cx.rawText(u), pos);
        if (guarded > 0 || !(u.getExpression() instanceof IdentifierTree id)) {
            return refused;
        }
        String name = id.getName().toString();
        Type type = cx.lookup(name).orElse(null);
        if (cx.aliasOf(name).isPresent() || (type != Type.Prim.INT && type != Type.Prim.LONG)
                || occurrences(name) != 1) {
            return refused;
        }
        Expr.Var variable = new Expr.Var(cx.irName(name), type, pos);
        boolean up = u.getKind() == Tree.Kind.POSTFIX_INCREMENT || u.getKind() == Tree.Kind.PREFIX_INCREMENT;
        boolean prefix = u.getKind() == Tree.Kind.PREFIX_INCREMENT || u.getKind() == Tree.Kind.PREFIX_DECREMENT;
        Stmt step = new Stmt.Assign(variable.name(), new Expr.Binary(up ? Expr.BinOp.PLUS : Expr.BinOp.MINUS,
                variable, new Expr.Literal("1", type, pos), type, pos), pos);
        (prefix ? before : after).add(step);
        return variable;
    }

    /** How often {@code name} occurs as an identifier in the statement. */
    private int occurrences(String name) {
        int[] n = {0};
        new TreeScanner<Void, Void>() {
            @Override
            public Void visitIdentifier(IdentifierTree node, Void unused) {
                if (node.getName().contentEquals(name)) {
                    n[0]++;
                }
                return null;
            }
        }.scan(statement, null);
        return n[0];
    }
}
