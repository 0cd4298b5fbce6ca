package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;

/**
 * The runtime tapes ({@code dev.fluxion.tape}) as IR: the only new operations generated code for
 * loops and branches uses. Creation is a {@link Callee.Static} call ({@code DoubleStack.create()});
 * {@code push(value)} and {@code pop()} are {@link Callee.Instance} calls on the stack local, as a
 * {@link Stmt.ExprStmt} and an expression. The backward pass reads a tape through a reader it opens
 * first ({@code DoubleStack.Reader doubles_ = doubles.reader();}), whose {@code pop()} leaves the
 * tape as it is, so a pullback's backward pass can run more than once. A popped reference is cast
 * back to its type.
 */
enum Tape {
    DOUBLES("DoubleStack", "doubles", "double"),
    INTS("IntStack", "ints", "int"),
    BITS("BooleanStack", "bits", "boolean"),
    OBJECTS("ObjectStack", "objects", "reference");

    static final String PACKAGE = "dev.fluxion.tape.";

    final String className;
    final String local;
    final String noun;

    Tape(String className, String local, String noun) {
        this.className = className;
        this.local = local;
        this.noun = noun;
    }

    Type type() {
        return new Type.Declared(PACKAGE + className);
    }

    /** The type of the stack's reader, {@code DoubleStack.Reader}. */
    Type readerType() {
        return new Type.Declared(PACKAGE + className + ".Reader");
    }

    /** {@code stack.reader()}: opens a reader on the top of {@code stack}. */
    Expr reader(String stack) {
        return new Expr.Call(new Callee.Instance("reader"), java.util.List.of(new Expr.Var(stack, type(), Pos.NONE)),
                readerType(), Pos.NONE);
    }

    /** The stack that holds values of {@code t}. */
    static Tape of(Type t) {
        if (t == Type.Prim.BOOLEAN) {
            return BITS;
        }
        if (t == Type.Prim.DOUBLE || t == Type.Prim.FLOAT) {
            return DOUBLES;
        }
        if (t == Type.Prim.INT || t == Type.Prim.SHORT || t == Type.Prim.BYTE || t == Type.Prim.CHAR) {
            return INTS;
        }
        return OBJECTS;
    }

    Expr create() {
        return new Expr.Call(new Callee.Static(PACKAGE + className, "create"), java.util.List.of(), type(), Pos.NONE);
    }

    Stmt push(String stack, Expr value, Pos pos) {
        return new Stmt.ExprStmt(new Expr.Call(new Callee.Instance("push"),
                java.util.List.of(new Expr.Var(stack, type(), Pos.NONE), value), Type.Prim.VOID, Pos.NONE), pos);
    }

    /** {@code reader.pop()} as a value of {@code t} (cast where the stack's element type differs). */
    Expr pop(String reader, Type t) {
        Type raw = switch (this) {
            case DOUBLES -> Type.Prim.DOUBLE;
            case INTS -> Type.Prim.INT;
            case BITS -> Type.Prim.BOOLEAN;
            case OBJECTS -> new Type.Declared("java.lang.Object");
        };
        Expr pop = new Expr.Call(new Callee.Instance("pop"), java.util.List.of(new Expr.Var(reader, readerType(), Pos.NONE)),
                raw, Pos.NONE);
        return raw.equals(t) ? pop : new Expr.Cast(t, pop, Pos.NONE);
    }
}
