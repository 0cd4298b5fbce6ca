package dev.fluxion.processor.check;

import dev.fluxion.processor.ir.Expr;
import java.util.function.Consumer;

/** Visits every subexpression of an expression, children before parents ({@code Stmts.expressionsOf} gives a statement's). */
final class IrWalker {
    private IrWalker() {}

    /** Calls {@code visitor} on {@code e} and every subexpression, children first. */
    static void postOrder(Expr e, Consumer<Expr> visitor) {
        for (Expr c : e.children()) {
            postOrder(c, visitor);
        }
        visitor.accept(e);
    }
}
