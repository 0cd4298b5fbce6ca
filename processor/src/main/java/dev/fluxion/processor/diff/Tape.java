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
 * back to its type; every primitive has a stack of its own type (no boxing, no widening), short,
 * byte and char excepted, which go on the int stack.
 */
enum Tape {
    DOUBLES("DoubleStack", "doubles", "double"),
    FLOATS("FloatStack", "floats", "float"),
    INTS("IntStack", "ints", "int"),
    LONGS("LongStack", "longs", "long"),
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
        if (t == Type.Prim.DOUBLE) {
            return DOUBLES;
        }
        if (t == Type.Prim.FLOAT) {
            return FLOATS;
        }
        if (t == Type.Prim.LONG) {
            return LONGS;
        }
        if (t == Type.Prim.INT || t == Type.Prim.SHORT || t == Type.Prim.BYTE || t == Type.Prim.CHAR) {
            return INTS;
        }
        return OBJECTS;
    }

    /**
     * {@code DoubleStack.create(capacity)}, or {@code create()} (the default capacity) where
     * {@code capacity} is null. The writer takes these from a {@code Tapes} instead
     * ({@code tapes.doubleStack(capacity)}), so a two-pass {@code fGrad} can reuse them.
     */
    Expr create(Expr capacity) {
        return new Expr.Call(new Callee.Static(PACKAGE + className, "create"),
                capacity == null ? java.util.List.of() : java.util.List.of(capacity), type(), Pos.NONE);
    }

    Stmt push(String stack, Expr value, Pos pos) {
        return new Stmt.ExprStmt(new Expr.Call(new Callee.Instance("push"),
                java.util.List.of(new Expr.Var(stack, type(), Pos.NONE), value), Type.Prim.VOID, Pos.NONE), pos);
    }

    /** {@code reader.pop()} as a value of {@code t} (cast where the stack's element type differs). */
    Expr pop(String reader, Type t) {
        Type raw = switch (this) {
            case DOUBLES -> Type.Prim.DOUBLE;
            case FLOATS -> Type.Prim.FLOAT;
            case INTS -> Type.Prim.INT;
            case LONGS -> Type.Prim.LONG;
            case BITS -> Type.Prim.BOOLEAN;
            case OBJECTS -> new Type.Declared("java.lang.Object");
        };
        Expr pop = new Expr.Call(new Callee.Instance("pop"), java.util.List.of(new Expr.Var(reader, readerType(), Pos.NONE)),
                raw, Pos.NONE);
        return raw.equals(t) ? pop : new Expr.Cast(t, pop, Pos.NONE);
    }
}
