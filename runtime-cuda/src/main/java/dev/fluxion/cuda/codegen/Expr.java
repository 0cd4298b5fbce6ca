package dev.fluxion.cuda.codegen;

import dev.fluxion.DType;
import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.UnaryOp;

/**
 * An elementwise expression over a kernel's inputs: the body of one fused group. Leaves are the
 * inputs (broadcast to the output's shape by the launch) and constants; inner nodes are the
 * runtime's own {@link UnaryOp}s and {@link BinaryOp}s (so a group means exactly what the
 * unfused ops mean), {@link Where} and {@link Cast}. Every node computes in the kernel's compute
 * type; comparisons give 1 or 0.
 */
public sealed interface Expr
        permits Expr.Input, Expr.Param, Expr.Constant, Expr.Unary, Expr.Binary, Expr.Where, Expr.Cast {

    /** The kernel's input number {@code index}, read at the element's broadcast position. */
    record Input(int index) implements Expr {
        public Input {
            if (index < 0) {
                throw new IllegalArgumentException("input index " + index + " is negative");
            }
        }
    }

    /**
     * The kernel's scalar argument number {@code index} (a {@code double} passed at launch): a value
     * that changes between calls (a learning rate, a step's scale) without compiling a new kernel.
     */
    record Param(int index) implements Expr {
        public Param {
            if (index < 0) {
                throw new IllegalArgumentException("parameter index " + index + " is negative");
            }
        }
    }

    /** A constant, written into the source (a literal of the user's code: {@code x * 2}). */
    record Constant(double value) implements Expr {
    }

    /** {@code op(x)}, with the op's constant parameters {@code p}, {@code q} (slope, bounds; else 0). */
    record Unary(UnaryOp op, Expr x, double p, double q) implements Expr {
    }

    /** {@code op(a, b)}. */
    record Binary(BinaryOp op, Expr a, Expr b) implements Expr {
    }

    /** {@code mask ≠ 0 ? a : b}. */
    record Where(Expr mask, Expr a, Expr b) implements Expr {
    }

    /**
     * A conversion as {@code Tensor.to(dtype)} does it: to BOOL gives 1 where x ≠ 0, to INT64
     * truncates toward zero, to a float type keeps the value (the store rounds).
     */
    record Cast(DType dtype, Expr x) implements Expr {
    }

    /** Scalar argument {@code index}. */
    static Expr param(int index) {
        return new Param(index);
    }

    /** Input {@code index}. */
    static Expr input(int index) {
        return new Input(index);
    }

    /** A constant. */
    static Expr constant(double value) {
        return new Constant(value);
    }

    /** {@code op(x)} for an op without parameters. */
    static Expr unary(UnaryOp op, Expr x) {
        return new Unary(op, x, 0, 0);
    }

    /** {@code op(a, b)}. */
    static Expr binary(BinaryOp op, Expr a, Expr b) {
        return new Binary(op, a, b);
    }

    /** The largest input index used, or −1 when there is none. */
    default int maxInput() {
        return switch (this) {
            case Input in -> in.index();
            case Param p -> -1;
            case Constant c -> -1;
            case Unary u -> u.x().maxInput();
            case Binary b -> Math.max(b.a().maxInput(), b.b().maxInput());
            case Where w -> Math.max(w.mask().maxInput(), Math.max(w.a().maxInput(), w.b().maxInput()));
            case Cast c -> c.x().maxInput();
        };
    }

    /** The largest scalar argument index used, or −1 when there is none. */
    default int maxParam() {
        return switch (this) {
            case Input in -> -1;
            case Param p -> p.index();
            case Constant c -> -1;
            case Unary u -> u.x().maxParam();
            case Binary b -> Math.max(b.a().maxParam(), b.b().maxParam());
            case Where w -> Math.max(w.mask().maxParam(), Math.max(w.a().maxParam(), w.b().maxParam()));
            case Cast c -> c.x().maxParam();
        };
    }
}
