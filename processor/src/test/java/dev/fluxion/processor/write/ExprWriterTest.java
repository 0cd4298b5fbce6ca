package dev.fluxion.processor.write;

import static dev.fluxion.processor.IrFixtures.bin;
import static dev.fluxion.processor.IrFixtures.v;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fluxion.processor.IrFixtures;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Type;
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

    private static String written(Expr e) {
        return ExprWriter.write(e).toString();
    }

    private static Expr literal(String text, Type type) {
        return new Expr.Literal(text, type, Pos.NONE);
    }

    @Test
    void widenedIntegerConstantsPrintAsDoubleAndFloatLiterals() {
        assertEquals("0.0", written(new Expr.Cast(Type.Prim.DOUBLE, literal("0", Type.Prim.INT), Pos.NONE)));
        assertEquals("3.0f", written(new Expr.Cast(Type.Prim.FLOAT, literal("3", Type.Prim.INT), Pos.NONE)));
        assertEquals("16.0", written(new Expr.Cast(Type.Prim.DOUBLE, literal("0x10", Type.Prim.INT), Pos.NONE)));
        assertEquals("1.0E10", written(new Expr.Cast(Type.Prim.DOUBLE, literal("10_000_000_000L", Type.Prim.LONG),
                Pos.NONE)));
        // 0.1f widened is not 0.1: the cast stays.
        assertEquals("(double) 0.1f", written(new Expr.Cast(Type.Prim.DOUBLE, literal("0.1f", Type.Prim.FLOAT),
                Pos.NONE)));
        assertEquals("(double) x", written(new Expr.Cast(Type.Prim.DOUBLE, new Expr.Var("x", Type.Prim.INT, Pos.NONE),
                Pos.NONE)));
    }

    @Test
    void floatConstantsCarryTheirSuffix() {
        assertEquals("0.5f", written(literal("0.5", Type.Prim.FLOAT)));
        assertEquals("2.5f", written(literal("2.5f", Type.Prim.FLOAT)));
        assertEquals("2.0", written(literal("2", Type.Prim.DOUBLE)));
    }

    @Test
    void infinitiesAndNanAreNamedConstants() {
        assertEquals("java.lang.Double.POSITIVE_INFINITY", written(literal("1.0/0.0", Type.Prim.DOUBLE)));
        assertEquals("java.lang.Double.NEGATIVE_INFINITY", written(literal("-1.0/0.0", Type.Prim.DOUBLE)));
        assertEquals("java.lang.Double.NEGATIVE_INFINITY", written(literal("-Infinity", Type.Prim.DOUBLE)));
        assertEquals("java.lang.Double.NaN", written(literal("0.0/0.0", Type.Prim.DOUBLE)));
        assertEquals("java.lang.Float.POSITIVE_INFINITY", written(literal("1.0f/0.0f", Type.Prim.FLOAT)));
        assertEquals("java.lang.Double.POSITIVE_INFINITY", written(Expr.Literal.ofDouble(Double.POSITIVE_INFINITY)));
    }

    @Test
    void anInfinityIsOneOperand() {
        // x + 1 / Double.POSITIVE_INFINITY, which once printed as x + 1 / 1.0/0.0 (= x + Infinity).
        Expr e = bin(Expr.BinOp.PLUS, v("x"), bin(Expr.BinOp.DIVIDE, IrFixtures.lit("1"),
                literal("Infinity", Type.Prim.DOUBLE)));
        assertEquals("x + 1 / java.lang.Double.POSITIVE_INFINITY", written(e));
        Expr neg = new Expr.Unary(Expr.UnOp.NEG, literal("-Infinity", Type.Prim.DOUBLE), IrFixtures.D, Pos.NONE);
        assertEquals("-java.lang.Double.NEGATIVE_INFINITY", written(neg));
    }
}
