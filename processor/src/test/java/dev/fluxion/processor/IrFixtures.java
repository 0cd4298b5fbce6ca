package dev.fluxion.processor;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.List;

/** Hand-built IR for phase unit tests that need no javac. */
public final class IrFixtures {
    public static final Type D = Type.Prim.DOUBLE;

    private IrFixtures() {}

    public static Pos at(int line, String source) {
        return new Pos("T.java", line, source, null);
    }

    public static Expr.Var v(String name) {
        return new Expr.Var(name, D, Pos.NONE);
    }

    public static Expr lit(String text) {
        return new Expr.Literal(text, text.contains(".") ? D : Type.Prim.INT, Pos.NONE);
    }

    public static Expr bin(Expr.BinOp op, Expr a, Expr b) {
        return new Expr.Binary(op, a, b, D, Pos.NONE);
    }

    public static Expr math(Op op, Expr... args) {
        return new Expr.Call(new Callee.Known(op), List.of(args), D, at(3, op.javaName()));
    }

    /** A static double method with the given double parameters (all differentiable unless in noGrad). */
    public static MethodIr method(List<String> params, List<String> noGrad, Stmt... body) {
        List<Param> ps = params.stream().map(p -> new Param(p, D, !noGrad.contains(p), Pos.NONE)).toList();
        Callee.UserMethod self = new Callee.UserMethod("demo.T", "f", true, params,
                params.stream().map(p -> (Type) D).toList(), ps.stream().map(Param::differentiable).toList(), D);
        return new MethodIr(self, "demo", "T", false, ps, new Stmt.Block(List.of(body), Pos.NONE), Pos.NONE);
    }
}
