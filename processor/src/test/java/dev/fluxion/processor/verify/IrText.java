package dev.fluxion.processor.verify;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Stmt;
import java.util.List;

/** Test support: IR as compact Java-like text, for failure messages. */
final class IrText {
    private IrText() {}

    static String of(List<Stmt> stmts) {
        StringBuilder b = new StringBuilder();
        stmts.forEach(s -> stmt(s, "", b));
        return b.toString();
    }

    private static void stmt(Stmt s, String indent, StringBuilder b) {
        switch (s) {
            case Stmt.Let l -> b.append(indent).append(l.type().javaName()).append(' ').append(l.name())
                    .append(l.init() == null ? "" : " = " + expr(l.init())).append(";\n");
            case Stmt.Assign a -> b.append(indent).append(a.name()).append(" = ").append(expr(a.value())).append(";\n");
            case Stmt.ArrayAccumulate a -> b.append(indent).append(a.array()).append('[').append(expr(a.index()))
                    .append("] += ").append(expr(a.value())).append(";\n");
            case Stmt.ArrayStore a -> b.append(indent).append(a.array()).append('[').append(expr(a.index()))
                    .append("] = ").append(expr(a.value())).append(";\n");
            case Stmt.Return r -> b.append(indent).append("return ").append(expr(r.value())).append(";\n");
            case Stmt.ExprStmt e -> b.append(indent).append(expr(e.expr())).append(";\n");
            case Stmt.Block bl -> {
                b.append(indent).append("{\n");
                bl.stmts().forEach(x -> stmt(x, indent + "  ", b));
                b.append(indent).append("}\n");
            }
            case Stmt.If i -> {
                b.append(indent).append("if (").append(expr(i.condition())).append(") {\n");
                i.then().stmts().forEach(x -> stmt(x, indent + "  ", b));
                b.append(indent).append("} else {\n");
                i.otherwise().stmts().forEach(x -> stmt(x, indent + "  ", b));
                b.append(indent).append("}\n");
            }
            case Stmt.While w -> {
                b.append(indent).append("while (").append(expr(w.condition())).append(") {\n");
                w.body().stmts().forEach(x -> stmt(x, indent + "  ", b));
                b.append(indent).append("}\n");
            }
            case Stmt.DoWhile d -> {
                b.append(indent).append("do {\n");
                d.body().stmts().forEach(x -> stmt(x, indent + "  ", b));
                b.append(indent).append("} while (").append(expr(d.condition())).append(");\n");
            }
            case Stmt.For f -> {
                b.append(indent).append("for (").append(f.init().size()).append(" inits; ")
                        .append(f.condition() == null ? "" : expr(f.condition())).append("; ...) {\n");
                f.body().stmts().forEach(x -> stmt(x, indent + "  ", b));
                b.append(indent).append("}\n");
            }
            case Stmt.Break x -> b.append(indent).append("break;\n");
            case Stmt.Continue x -> b.append(indent).append("continue;\n");
            case Stmt.Unsupported u -> b.append(indent).append("/* unsupported */\n");
        }
    }

    static String expr(Expr e) {
        return switch (e) {
            case Expr.Conditional c -> "(" + expr(c.condition()) + " ? " + expr(c.whenTrue()) + " : " + expr(c.whenFalse()) + ")";
            case Expr.Call c -> BranchSites.render(c).replace("(...)", "") + "(" + String.join(", ",
                    c.args().stream().map(IrText::expr).toList()) + ")";
            case Expr.Binary b -> "(" + expr(b.left()) + " " + b.op().symbol() + " " + expr(b.right()) + ")";
            case Expr.Unary u -> u.op().symbol() + expr(u.operand());
            default -> BranchSites.render(e);
        };
    }
}
