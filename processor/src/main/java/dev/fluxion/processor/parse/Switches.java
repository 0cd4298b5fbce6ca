package dev.fluxion.processor.parse;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.ConstantCaseLabelTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DefaultCaseLabelTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreeScanner;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Expr.Reason;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * {@code switch} on an int, as the {@code if}/{@code else} chain it means: a statement
 * ({@code case 1: ...; break;}, fall-through included, or {@code case 1, 2 -> ...}) becomes
 * {@code if (k == 1) ... else if (k == 2 || k == 3) ... else default}; a switch expression whose
 * cases are expressions ({@code case 0 -> 1.0;}) becomes nested {@code ?:}. A selector that is not a
 * variable is evaluated once, into a local. A {@code break} that leaves the switch from inside a case
 * (not its last statement), {@code yield}, and labels other than int constants stay refused.
 */
final class Switches {
    private Switches() {}

    /** One case: the constants it matches (none: {@code default}) and the statements it runs. */
    private record Arm(List<Expr> labels, List<? extends StatementTree> body) {}

    /**
     * The statement {@code s} as statements; {@code block} translates a case's statements in a
     * scope of their own.
     */
    static List<Stmt> statement(SwitchTree s, ExprParser exprs, ParseContext cx,
                                BiFunction<List<? extends StatementTree>, Pos, Stmt.Block> block, Pos pos) {
        Expr selector = exprs.parse(s.getExpression());
        if (selector instanceof Expr.Unsupported u) {
            return List.of(new Stmt.ExprStmt(u, pos));
        }
        if (!intLike(selector.type())) {
            return refused("a switch on " + selector.type().javaName() + " (only on int values)", pos);
        }
        List<Stmt> out = new ArrayList<>();
        if (!(selector instanceof Expr.Var) && !(selector instanceof Expr.Literal)) {
            String name = temporary(cx, pos);
            cx.declare(name, selector.type());
            out.add(new Stmt.Let(cx.irName(name), selector.type(), selector, pos));
            selector = new Expr.Var(cx.irName(name), selector.type(), pos);
        }
        List<Arm> arms = new ArrayList<>();
        List<? extends CaseTree> cases = s.getCases();
        for (int i = 0; i < cases.size(); i++) {
            CaseTree c = cases.get(i);
            List<Expr> labels = labels(c, exprs);
            if (labels == null) {
                return refused("the case `" + cx.rawText(c).lines().findFirst().orElse("") + "` (only int constants)", pos);
            }
            List<StatementTree> body = new ArrayList<>();
            if (c.getCaseKind() == CaseTree.CaseKind.RULE) {
                body.addAll(c.getBody() instanceof BlockTree b ? b.getStatements()
                        : c.getBody() instanceof StatementTree st ? List.of(st) : List.of());
            } else {
                // fall-through: a case runs the statements of the cases after it up to a jump
                for (int j = i; j < cases.size(); j++) {
                    body.addAll(cases.get(j).getStatements());
                    if (!body.isEmpty() && jumps(body.getLast())) {
                        break;
                    }
                }
            }
            if (!body.isEmpty() && body.getLast() instanceof BreakTree b && b.getLabel() == null) {
                body.removeLast();
            }
            BreakTree inner = breakOutOf(body);
            if (inner != null) {
                return refused("a `break` out of the middle of a switch case (make it the case's last statement, or use if/else)",
                        cx.pos(inner));
            }
            arms.add(new Arm(labels, body));
        }
        Stmt.Block otherwise = new Stmt.Block(List.of(), pos);
        for (Arm a : arms) {
            if (a.labels().isEmpty()) {
                otherwise = block.apply(a.body(), pos);
            }
        }
        for (Arm a : arms.reversed()) {
            if (!a.labels().isEmpty()) {
                Stmt.If chain = new Stmt.If(matches(selector, a.labels(), pos), block.apply(a.body(), pos), otherwise, pos);
                otherwise = new Stmt.Block(List.of(chain), pos);
            }
        }
        boolean chained = arms.stream().anyMatch(a -> !a.labels().isEmpty());
        if (chained) {
            out.addAll(otherwise.stmts()); // the one if statement
        } else {
            out.add(otherwise); // only default: its block, whose locals stay inside
        }
        return out;
    }

    /** A switch expression whose cases are all {@code case ... -> expression;}: nested {@code ?:}. */
    static Expr expression(SwitchExpressionTree s, ExprParser exprs, ParseContext cx, Pos pos) {
        Expr selector = exprs.parse(s.getExpression());
        if (selector instanceof Expr.Unsupported) {
            return selector;
        }
        if (!intLike(selector.type())) {
            return new Expr.Unsupported(Reason.CONSTRUCT, "a switch on " + selector.type().javaName()
                    + " (only on int values)", pos);
        }
        Expr otherwise = null;
        List<Expr[]> arms = new ArrayList<>();
        for (CaseTree c : s.getCases()) {
            List<Expr> labels = labels(c, exprs);
            if (labels == null || c.getCaseKind() != CaseTree.CaseKind.RULE || !(c.getBody() instanceof ExpressionTree e)) {
                return new Expr.Unsupported(Reason.CONSTRUCT, "a switch expression with the case `"
                        + cx.rawText(c).lines().findFirst().orElse("")
                        + "` (only `case <int constants> -> <expression>;` and `default -> <expression>;`)", pos);
            }
            Expr value = exprs.guarded(e);
            if (value instanceof Expr.Unsupported) {
                return value;
            }
            if (labels.isEmpty()) {
                otherwise = value;
            } else {
                arms.add(new Expr[] {matches(selector, labels, pos), value});
            }
        }
        if (otherwise == null) {
            return new Expr.Unsupported(Reason.CONSTRUCT, "a switch expression without `default`", pos);
        }
        Expr out = otherwise;
        for (Expr[] arm : arms.reversed()) {
            Type type = arm[1].type().isNumeric() && out.type().isNumeric() ? Type.promote(arm[1].type(), out.type())
                    : arm[1].type();
            out = new Expr.Conditional(arm[0], arm[1], out, type, pos);
        }
        return out;
    }

    private static boolean intLike(Type t) {
        return t == Type.Prim.INT || t == Type.Prim.SHORT || t == Type.Prim.BYTE || t == Type.Prim.CHAR;
    }

    /** The constants a case matches, empty for {@code default}; null where one is not an int constant. */
    private static List<Expr> labels(CaseTree c, ExprParser exprs) {
        List<Expr> out = new ArrayList<>();
        for (Tree label : c.getLabels()) {
            if (label instanceof DefaultCaseLabelTree) {
                continue;
            }
            if (!(label instanceof ConstantCaseLabelTree k) || !(exprs.parse(k.getConstantExpression()) instanceof Expr e)
                    || !constant(e) || !intLike(e.type())) {
                return null;
            }
            out.add(e);
        }
        return out;
    }

    private static boolean constant(Expr e) {
        return e instanceof Expr.Literal
                || e instanceof Expr.Unary u && u.op() == Expr.UnOp.NEG && u.operand() instanceof Expr.Literal;
    }

    private static Expr matches(Expr selector, List<Expr> labels, Pos pos) {
        Expr out = null;
        for (Expr label : labels) {
            Expr eq = new Expr.Binary(Expr.BinOp.EQ, selector, label, Type.Prim.BOOLEAN, pos);
            out = out == null ? eq : new Expr.Binary(Expr.BinOp.OR, out, eq, Type.Prim.BOOLEAN, pos);
        }
        return out;
    }

    private static boolean jumps(StatementTree s) {
        return s instanceof BreakTree || s instanceof ReturnTree || s instanceof ContinueTree || s instanceof ThrowTree;
    }

    /** An unlabeled {@code break} in {@code body} that leaves the switch (not one of a nested loop or switch). */
    private static BreakTree breakOutOf(List<? extends StatementTree> body) {
        BreakTree[] found = {null};
        TreeScanner<Void, Void> scanner = new TreeScanner<>() {
            @Override
            public Void visitBreak(BreakTree node, Void unused) {
                if (node.getLabel() == null && found[0] == null) {
                    found[0] = node;
                }
                return null;
            }

            @Override
            public Void visitForLoop(ForLoopTree node, Void unused) {
                return null;
            }

            @Override
            public Void visitEnhancedForLoop(EnhancedForLoopTree node, Void unused) {
                return null;
            }

            @Override
            public Void visitWhileLoop(WhileLoopTree node, Void unused) {
                return null;
            }

            @Override
            public Void visitDoWhileLoop(DoWhileLoopTree node, Void unused) {
                return null;
            }

            @Override
            public Void visitSwitch(SwitchTree node, Void unused) {
                return null;
            }
        };
        body.forEach(s -> scanner.scan(s, null));
        return found[0];
    }

    /** A local name for the selector, used by nothing in scope. */
    private static String temporary(ParseContext cx, Pos pos) {
        String name = "switch_line" + pos.line();
        while (cx.inScope(name)) {
            name = name + "_";
        }
        return name;
    }

    private static List<Stmt> refused(String what, Pos pos) {
        return List.of(new Stmt.Unsupported(Reason.CONSTRUCT, what, pos));
    }
}
