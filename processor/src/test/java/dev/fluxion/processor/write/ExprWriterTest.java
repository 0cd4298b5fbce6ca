package dev.fluxion.processor.write;

import static dev.fluxion.processor.IrFixtures.bin;
import static dev.fluxion.processor.IrFixtures.v;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fluxion.processor.IrFixtures;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Pos;
import org.junit.jupiter.api.Test;

class ExprWriterTest {
    @Test
    void parenthesesOnlyWherePrecedenceOrOrderNeedsThem() {
        assertEquals("a - (b - c)", ExprWriter.write(bin(Expr.BinOp.MINUS, v("a"), bin(Expr.BinOp.MINUS, v("b"), v("c"))))
                .toString());
        assertEquals("a - b - c", ExprWriter.write(bin(Expr.BinOp.MINUS, bin(Expr.BinOp.MINUS, v("a"), v("b")), v("c")))
                .toString());
        assertEquals("(a + b) * c", ExprWriter.write(bin(Expr.BinOp.TIMES, bin(Expr.BinOp.PLUS, v("a"), v("b")), v("c")))
                .toString());
        Expr negNeg = new Expr.Unary(Expr.UnOp.NEG, new Expr.Unary(Expr.UnOp.NEG, v("x"), IrFixtures.D, Pos.NONE),
                IrFixtures.D, Pos.NONE);
        assertEquals("-(-x)", ExprWriter.write(negNeg).toString());
    }

    @Test
    void knownOpsPrintInTheirJavaSpelling() {
        assertEquals("java.lang.Math.exp(x)", ExprWriter.write(IrFixtures.math(Op.MATH_EXP, v("x"))).toString());
    }
}
