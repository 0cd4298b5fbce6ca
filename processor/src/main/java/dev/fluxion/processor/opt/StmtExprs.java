package dev.fluxion.processor.opt;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Exprs;
import dev.fluxion.processor.ir.Stmt;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Statements with every expression they compute rewritten bottom-up by one function
 * ({@link Exprs#map}), in nested blocks and loop bodies too; conditions and loop headers are left
 * as they are (the rewrites of the opt passes are tensor calls, which never appear there).
 */
final class StmtExprs {
    private StmtExprs() {}

    static List<Stmt> map(List<Stmt> stmts, UnaryOperator<Expr> f) {
        return stmts.stream().map(s -> stmt(s, f)).toList();
    }

    private static Stmt stmt(Stmt s, UnaryOperator<Expr> f) {
        return switch (s) {
            case Stmt.Let l -> l.init() == null ? l : new Stmt.Let(l.name(), l.type(), Exprs.map(l.init(), f), l.pos());
            case Stmt.Assign a -> new Stmt.Assign(a.name(), Exprs.map(a.value(), f), a.pos());
            case Stmt.ArrayAccumulate a -> new Stmt.ArrayAccumulate(a.array(), a.index(), Exprs.map(a.value(), f), a.pos());
            case Stmt.Return r -> new Stmt.Return(Exprs.map(r.value(), f), r.pos());
            case Stmt.ExprStmt x -> new Stmt.ExprStmt(Exprs.map(x.expr(), f), x.pos());
            case Stmt.Block b -> block(b, f);
            case Stmt.If i -> new Stmt.If(i.condition(), block(i.then(), f), block(i.otherwise(), f), i.pos());
            case Stmt.While w -> new Stmt.While(w.condition(), block(w.body(), f), w.pos());
            case Stmt.DoWhile d -> new Stmt.DoWhile(block(d.body(), f), d.condition(), d.pos());
            case Stmt.For x -> new Stmt.For(x.init(), x.condition(), x.update(), block(x.body(), f), x.pos());
            default -> s;
        };
    }

    private static Stmt.Block block(Stmt.Block b, UnaryOperator<Expr> f) {
        return new Stmt.Block(map(b.stmts(), f), b.pos());
    }
}
