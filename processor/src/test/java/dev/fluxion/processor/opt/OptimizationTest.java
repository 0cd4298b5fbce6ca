package dev.fluxion.processor.opt;

import static dev.fluxion.processor.IrFixtures.D;
import static dev.fluxion.processor.IrFixtures.at;
import static dev.fluxion.processor.IrFixtures.bin;
import static dev.fluxion.processor.IrFixtures.lit;
import static dev.fluxion.processor.IrFixtures.method;
import static dev.fluxion.processor.IrFixtures.v;
import static org.junit.jupiter.api.Assertions.assertEquals;
import dev.fluxion.processor.diff.Differentiator;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.model.DerivedMethod;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptimizationTest {
    private static DerivedMethod derive(dev.fluxion.processor.ir.MethodIr m) {
        return Differentiator.derive(m, n -> { });
    }

    private static List<String> declared(List<Stmt> stmts) {
        return stmts.stream().filter(s -> s instanceof Stmt.Let).map(s -> ((Stmt.Let) s).name()).toList();
    }

    @Test
    void repeatedSubexpressionsAreComputedOnce() {
        // return (w - y) * (w - y);
        var diff = bin(Expr.BinOp.MINUS, v("w"), v("y"));
        var m = method(List.of("w", "y"), List.of("y"),
                new Stmt.Return(bin(Expr.BinOp.TIMES, diff, diff), at(1, "return (w - y) * (w - y);")));
        DerivedMethod d = derive(m);
        assertEquals(List.of("diff1", "result"), declared(d.forward()));
        assertEquals("diff1 * diff1", render(((Stmt.Let) d.forward().get(1)).init()));
    }

    @Test
    void deadForwardLocalsAreDropped() {
        var m = method(List.of("w"), List.of(),
                new Stmt.Let("unused", D, bin(Expr.BinOp.TIMES, v("w"), v("w")), at(1, "double unused = w * w;")),
                new Stmt.Return(bin(Expr.BinOp.PLUS, v("w"), v("w")), at(2, "return w + w;")));
        DerivedMethod d = derive(m);
        assertEquals(List.of("result"), declared(d.forward()));
        assertEquals(List.of(), d.saved(), "w + w needs nothing saved for its backward pass");
    }

    @Test
    void deadStoresInsideLoopsAndBranchesAreDropped() {
        // s = 1; while (i < 3) { s = 0.5 * s - w; i = i + 1; } if (w > 0) { t = w * s; } r = 2 * w
        Stmt loop = new Stmt.While(bin(Expr.BinOp.LT, v("i"), lit("3")), new Stmt.Block(List.of(
                new Stmt.Assign("s", bin(Expr.BinOp.MINUS, bin(Expr.BinOp.TIMES, lit("0.5"), v("s")), v("w")), Pos.NONE),
                new Stmt.Assign("i", bin(Expr.BinOp.PLUS, v("i"), lit("1")), Pos.NONE)), Pos.NONE), Pos.NONE);
        Stmt branch = new Stmt.If(bin(Expr.BinOp.GT, v("w"), lit("0")), new Stmt.Block(List.of(
                new Stmt.Assign("t", bin(Expr.BinOp.TIMES, v("w"), v("s")), Pos.NONE)), Pos.NONE),
                new Stmt.Block(List.of(), Pos.NONE), Pos.NONE);
        List<Stmt> body = List.of(new Stmt.Assign("s", lit("1.0"), Pos.NONE), new Stmt.Assign("i", lit("0"), Pos.NONE),
                loop, branch, new Stmt.Assign("r", bin(Expr.BinOp.TIMES, lit("2.0"), v("w")), Pos.NONE));
        assertEquals(List.of(body.get(4)), DeadStores.apply(body, Set.of("r"), new IdentityHashMap<>()));
        assertEquals(4, DeadStores.apply(body, Set.of("t"), new IdentityHashMap<>()).size(),
                "t needs the branch, s, and the loop with its counter");
    }

    @Test
    void tidyMergesDeclarationsDropsOverwrittenStoresAndDeadCopies() {
        List<Stmt> stmts = List.of(
                new Stmt.Let("a_adj", D, lit("0.0"), Pos.NONE),
                new Stmt.Let("copy", D, v("b"), Pos.NONE),
                new Stmt.Assign("a_adj", lit("0.0"), Pos.NONE),
                new Stmt.Assign("a_adj", bin(Expr.BinOp.TIMES, v("g"), v("b")), Pos.NONE));
        List<Stmt> tidy = Tidy.apply(stmts, Set.of("a_adj"));
        assertEquals(List.of(new Stmt.Let("a_adj", D, bin(Expr.BinOp.TIMES, v("g"), v("b")), Pos.NONE)), tidy);
    }

    private static String render(Expr e) {
        Expr.Binary b = (Expr.Binary) e;
        return ((Expr.Var) b.left()).name() + " " + b.op().symbol() + " " + ((Expr.Var) b.right()).name();
    }
}
