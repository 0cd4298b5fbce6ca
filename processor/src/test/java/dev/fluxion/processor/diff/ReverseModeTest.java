package dev.fluxion.processor.diff;

import static dev.fluxion.processor.IrFixtures.D;
import static dev.fluxion.processor.IrFixtures.at;
import static dev.fluxion.processor.IrFixtures.bin;
import static dev.fluxion.processor.IrFixtures.lit;
import static dev.fluxion.processor.IrFixtures.math;
import static dev.fluxion.processor.IrFixtures.method;
import static dev.fluxion.processor.IrFixtures.v;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.model.DerivedMethod;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one reverse transform on hand-built straight-line IR: its loop-free case. */
class ReverseModeTest {
    private static List<String> declared(List<Stmt> stmts) {
        return stmts.stream().filter(s -> s instanceof Stmt.Let).map(s -> ((Stmt.Let) s).name()).toList();
    }

    @Test
    void reassignedLocalsGetVersionsAndCompoundOperandsGetTemporaries() {
        // double y = x * 2; y = y * y; return Math.exp(y + 1);
        var m = method(List.of("x"), List.of(),
                new Stmt.Let("y", D, bin(Expr.BinOp.TIMES, v("x"), lit("2")), at(1, "double y = x * 2;")),
                new Stmt.Assign("y", bin(Expr.BinOp.TIMES, v("y"), v("y")), at(2, "y = y * y;")),
                new Stmt.Return(math(Op.MATH_EXP, bin(Expr.BinOp.PLUS, v("y"), lit("1"))), at(3, "return ...")));
        DerivedMethod d = ReverseMode.reverse(m).method();
        assertEquals(List.of("y", "y2", "sum1", "result"), declared(d.forward()));
        assertEquals("result", ((Expr.Var) d.result()).name());
        assertTrue(d.forward().stream().noneMatch(s -> s instanceof Stmt.ExprStmt), "nothing is taped");
    }

    @Test
    void adjointsAccumulateAndDeadOnesAreNotComputed() {
        // double u = a * b; double unused = Math.sin(b); return u + a;
        var m = method(List.of("a", "b"), List.of(),
                new Stmt.Let("u", D, bin(Expr.BinOp.TIMES, v("a"), v("b")), at(1, "double u = a * b;")),
                new Stmt.Let("unused", D, math(Op.MATH_SIN, v("b")), at(2, "double unused = Math.sin(b);")),
                new Stmt.Return(bin(Expr.BinOp.PLUS, v("u"), v("a")), at(3, "return u + a;")));
        DerivedMethod d = ReverseMode.reverse(m).method();
        List<String> defined = d.backward().stream().map(s -> switch (s) {
            case Stmt.Let l -> "let " + l.name();
            case Stmt.Assign a -> "add " + a.name();
            default -> s.toString();
        }).toList();
        assertEquals(List.of("let u_adj", "let a_adj", "add a_adj", "let b_adj"), defined);
        assertEquals(List.of("u", "result"), declared(d.forward()), "the unused sine is not computed");
        assertEquals(List.of("a", "b"), d.gradients().stream().map(DerivedMethod.Gradient::name).toList());
        assertEquals(List.of("AddBackward", "MulBackward"), d.steps());
    }

    @Test
    void anInputTheResultIgnoresGetsAZeroGradient() {
        var m = method(List.of("a", "b"), List.of(), new Stmt.Return(v("a"), at(1, "return a;")));
        DerivedMethod d = ReverseMode.reverse(m).method();
        assertEquals("a_adj", ((Expr.Var) d.gradients().get(0).value()).name());
        assertEquals("0.0", ((Expr.Literal) d.gradients().get(1).value()).text());
    }
}
