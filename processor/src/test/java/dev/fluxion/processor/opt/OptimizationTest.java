package dev.fluxion.processor.opt;

import static dev.fluxion.processor.IrFixtures.D;
import static dev.fluxion.processor.IrFixtures.at;
import static dev.fluxion.processor.IrFixtures.bin;
import static dev.fluxion.processor.IrFixtures.method;
import static dev.fluxion.processor.IrFixtures.v;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fluxion.processor.diff.DerivedMethod;
import dev.fluxion.processor.diff.Linearizer;
import dev.fluxion.processor.diff.Primal;
import dev.fluxion.processor.diff.ReverseMode;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Stmt;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizationTest {
    @Test
    void repeatedSubexpressionsAreComputedOnce() {
        // return (w - y) * (w - y);
        var diff = bin(Expr.BinOp.MINUS, v("w"), v("y"));
        var m = method(List.of("w", "y"), List.of("y"),
                new Stmt.Return(bin(Expr.BinOp.TIMES, diff, diff), at(1, "return (w - y) * (w - y);")));
        Primal before = Linearizer.linearize(m);
        assertEquals(3, before.stmts().size());
        Primal after = CommonSubexpressions.apply(before);
        assertEquals(2, after.stmts().size());
        assertEquals("diff1 * diff1", render(((Stmt.Let) after.stmts().get(1)).init()));
    }

    @Test
    void deadForwardLocalsAreDropped() {
        var m = method(List.of("w"), List.of(),
                new Stmt.Let("unused", D, bin(Expr.BinOp.TIMES, v("w"), v("w")), at(1, "double unused = w * w;")),
                new Stmt.Return(bin(Expr.BinOp.PLUS, v("w"), v("w")), at(2, "return w + w;")));
        DerivedMethod d = DeadCode.apply(ReverseMode.reverse(Linearizer.linearize(m)));
        assertEquals(List.of("result"), d.forward().stream().map(s -> ((Stmt.Let) s).name()).toList());
        assertEquals(List.of(), d.saved(), "w + w needs nothing saved for its backward pass");
    }

    private static String render(Expr e) {
        Expr.Binary b = (Expr.Binary) e;
        return ((Expr.Var) b.left()).name() + " " + b.op().symbol() + " " + ((Expr.Var) b.right()).name();
    }
}
