package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Type;
import java.util.List;

/** Small constructors for the expressions derivative rules are written in. */
final class Build {
    static final String DERIVATIVES = "dev.fluxion.Derivatives";
    static final Type D = Type.Prim.DOUBLE;

    private Build() {}

    /**
     * The model a call to a {@code Module} method runs on, its generated methods' first argument:
     * {@code model} for a method of the caller's class, {@code model.b1} for a method of its
     * {@code Module} field {@code b1}.
     */
    static Expr modelOf(Callee.User call, String callerOwner) {
        return call.receiver().isEmpty()
                ? new Expr.Var(dev.fluxion.processor.model.Names.MODEL, new Type.Declared(callerOwner), Pos.NONE)
                : new Expr.FieldRead(call.receiver(), new Type.Declared(call.method().ownerQualifiedName()), false,
                        Pos.NONE);
    }

    static Expr num(double v) {
        return Expr.Literal.ofDouble(v);
    }

    static Expr mul(Expr a, Expr b) {
        return new Expr.Binary(Expr.BinOp.TIMES, a, b, D, Pos.NONE);
    }

    static Expr div(Expr a, Expr b) {
        return new Expr.Binary(Expr.BinOp.DIVIDE, a, b, D, Pos.NONE);
    }

    static Expr add(Expr a, Expr b) {
        return new Expr.Binary(Expr.BinOp.PLUS, a, b, D, Pos.NONE);
    }

    static Expr sub(Expr a, Expr b) {
        return new Expr.Binary(Expr.BinOp.MINUS, a, b, D, Pos.NONE);
    }

    static Expr neg(Expr a) {
        return new Expr.Unary(Expr.UnOp.NEG, a, a.type().isTensor() ? a.type() : D, Pos.NONE);
    }

    static Expr cmp(Expr.BinOp op, Expr a, Expr b) {
        return new Expr.Binary(op, a, b, Type.Prim.BOOLEAN, Pos.NONE);
    }

    static Expr choose(Expr cond, Expr a, Expr b) {
        return new Expr.Conditional(cond, a, b, a.type(), Pos.NONE);
    }

    static Expr math(Op op, Expr... args) {
        return new Expr.Call(new Callee.Known(op), List.of(args), D, Pos.NONE);
    }

    static Expr op(Op op, Type type, Expr... args) {
        return new Expr.Call(new Callee.Known(op), List.of(args), type, Pos.NONE);
    }

    /** {@code Derivatives.name(args)} returning a tensor. */
    static Expr rule(String name, Expr... args) {
        return rule(name, List.of(args));
    }

    static Expr rule(String name, List<Expr> args) {
        return new Expr.Call(new Callee.Static(DERIVATIVES, name), args, Type.TENSOR, Pos.NONE);
    }

    /** {@code Derivatives.name(args)} returning the double gradient of a scalar operand. */
    static Expr scalarRule(String name, Expr... args) {
        return new Expr.Call(new Callee.Static(DERIVATIVES, name), List.of(args), D, Pos.NONE);
    }

    static Expr intArray(Expr... elements) {
        return new Expr.NewArray(new Type.ArrayOf(Type.Prim.INT), List.of(elements), null, Pos.NONE);
    }

    static Expr bool(boolean b) {
        return new Expr.Literal(Boolean.toString(b), Type.Prim.BOOLEAN, Pos.NONE);
    }

    static Expr meanReduction() {
        return new Expr.EnumConst("dev.fluxion.Reduction", "MEAN", Pos.NONE);
    }
}
