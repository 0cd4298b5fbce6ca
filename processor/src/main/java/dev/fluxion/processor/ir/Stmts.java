package dev.fluxion.processor.ir;

import java.util.List;

/** Questions about statement lists that several phases ask. */
public final class Stmts {
    private Stmts() {}

    /** Whether {@code stmts} contain a {@code return} anywhere, in nested blocks, branches and loops included. */
    public static boolean returns(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            boolean found = switch (s) {
                case Stmt.Return r -> true;
                case Stmt.Block b -> returns(b.stmts());
                case Stmt.If i -> returns(i.then().stmts()) || returns(i.otherwise().stmts());
                case Stmt.While w -> returns(w.body().stmts());
                case Stmt.DoWhile d -> returns(d.body().stmts());
                case Stmt.For f -> returns(f.body().stmts());
                default -> false;
            };
            if (found) {
                return true;
            }
        }
        return false;
    }
}
