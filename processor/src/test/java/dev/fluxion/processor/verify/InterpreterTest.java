package dev.fluxion.processor.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fluxion.Tensor;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Expr.BinOp;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The IR interpreter: every statement kind, known ops through the runtime, runaway loops. */
class InterpreterTest {
    private static final Type D = Type.Prim.DOUBLE;
    private static final Type I = Type.Prim.INT;
    private static final Pos P = Pos.NONE;

    private static Expr v(String n, Type t) {
        return new Expr.Var(n, t, P);
    }

    private static Expr lit(String s, Type t) {
        return new Expr.Literal(s, t, P);
    }

    private static Expr bin(BinOp op, Expr a, Expr b, Type t) {
        return new Expr.Binary(op, a, b, t, P);
    }

    private static Stmt.Block block(Stmt... s) {
        return new Stmt.Block(List.of(s), P);
    }

    private static MethodIr method(List<Param> params, Type result, Stmt.Block body) {
        var self = new Callee.UserMethod("demo.X", "f", true, params.stream().map(Param::name).toList(),
                params.stream().map(Param::type).toList(), params.stream().map(Param::differentiable).toList(), result);
        return new MethodIr(self, "demo", "X", false, params, body, P);
    }

    private static Object run(MethodIr m, Object... args) {
        return new Interpreter(new Registry(List.of()), path -> null).call(m, List.of(args));
    }

    @Test
    void loopsBranchesBreakContinue() {
        // double s = 0; for (int i = 0; i < n; i++) { if (i == 1) continue; s = s + x * i; if (i >= 3) break; }
        // int j = 0; while (j < 2) { s = s * x; j = j + 1; } do { s = s - 1; } while (false); return s;
        Expr x = v("x", D);
        Expr s = v("s", D);
        Expr i = v("i", I);
        Expr j = v("j", I);
        Stmt loop = new Stmt.For(List.of(new Stmt.Let("i", I, lit("0", I), P)), bin(BinOp.LT, i, v("n", I), Type.Prim.BOOLEAN),
                List.of(new Stmt.Assign("i", bin(BinOp.PLUS, i, lit("1", I), I), P)),
                block(new Stmt.If(bin(BinOp.EQ, i, lit("1", I), Type.Prim.BOOLEAN), block(new Stmt.Continue(P)), block(), P),
                        new Stmt.Assign("s", bin(BinOp.PLUS, s, bin(BinOp.TIMES, x, i, D), D), P),
                        new Stmt.If(bin(BinOp.GE, i, lit("3", I), Type.Prim.BOOLEAN), block(new Stmt.Break(P)), block(), P)), P);
        Stmt whileLoop = new Stmt.While(bin(BinOp.LT, j, lit("2", I), Type.Prim.BOOLEAN),
                block(new Stmt.Assign("s", bin(BinOp.TIMES, s, x, D), P),
                        new Stmt.Assign("j", bin(BinOp.PLUS, j, lit("1", I), I), P)), P);
        Stmt doWhile = new Stmt.DoWhile(block(new Stmt.Assign("s", bin(BinOp.MINUS, s, lit("1", I), D), P)),
                lit("false", Type.Prim.BOOLEAN), P);
        MethodIr m = method(List.of(new Param("x", D, true, P), new Param("n", I, false, P)), D,
                block(new Stmt.Let("s", D, lit("0", I), P), loop, new Stmt.Let("j", I, lit("0", I), P), whileLoop,
                        doWhile, new Stmt.Return(s, P)));
        assertEquals(-0.375, (double) run(m, 0.5, 5), 0.0);
        // With n = 2 the loop ends by its condition: s = 0, then 0·x·x − 1.
        assertEquals(-1.0, (double) run(m, 0.5, 2), 0.0);
    }

    @Test
    void arraysIntegerArithmeticAndTensorOps() {
        // double[] a = new double[3]; a[1] += x; a[2] += 7 / 2; return Tensor.scalar(a[1] + a[2]).exp().sum();
        Type arr = new Type.ArrayOf(Type.Prim.DOUBLE);
        Expr a = v("a", arr);
        Expr sum = bin(BinOp.PLUS, new Expr.ArrayRead(a, lit("1", I), D, P), new Expr.ArrayRead(a, lit("2", I), D, P), D);
        Expr scalar = new Expr.Call(new Callee.Known(Op.SCALAR), List.of(sum), Type.TENSOR, P);
        Expr exp = new Expr.Call(new Callee.Known(Op.EXP), List.of(scalar), Type.TENSOR, P);
        Expr total = new Expr.Call(new Callee.Known(Op.SUM), List.of(exp), Type.TENSOR, P);
        MethodIr m = method(List.of(new Param("x", D, true, P)), Type.TENSOR, block(
                new Stmt.Let("a", arr, new Expr.NewArray((Type.ArrayOf) arr, List.of(), lit("3", I), P), P),
                new Stmt.ArrayAccumulate("a", lit("1", I), v("x", D), P),
                new Stmt.ArrayAccumulate("a", lit("2", I), bin(BinOp.DIVIDE, lit("7", I), lit("2", I), I), P),
                new Stmt.Return(total, P)));
        Tensor out = (Tensor) run(m, 0.25);
        assertEquals(Math.exp(0.25 + 3), out.item(), 1e-12); // 7 / 2 is int division
        // Static runtime calls by name: Derivatives.timesGradA(g, a, b) = g·b.
        Object g = OpCalls.callStatic("dev.fluxion.Derivatives", "timesGradA",
                List.of(Tensor.of(1.0, 2.0), Tensor.of(3.0, 4.0), Tensor.of(5.0, 6.0)));
        assertArrayEquals(new double[] {5, 12}, ((Tensor) g).toDoubleArray(), 0.0);
    }

    @Test
    void runawayLoopIsAnEvalErrorNotAHang() {
        MethodIr m = method(List.of(new Param("x", D, true, P)), D, block(
                new Stmt.While(lit("true", Type.Prim.BOOLEAN), block(), P), new Stmt.Return(v("x", D), P)));
        assertThrows(EvalException.class, () -> run(m, 1.0));
    }
}
