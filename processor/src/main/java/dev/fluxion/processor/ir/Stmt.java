package dev.fluxion.processor.ir;

import java.util.List;

/**
 * A statement. Control flow stays structured ({@link If}, {@link While}, {@link For}) so that the
 * reverse transform can walk it as a tree and emit the mirrored structure.
 */
public sealed interface Stmt {

    /** Where it came from. */
    Pos pos();

    /** {@code type name = init;} ({@code init} is null for a bare declaration). */
    record Let(String name, Type type, Expr init, Pos pos) implements Stmt {}

    /** {@code name = value;} (compound assignments are lowered to this). */
    record Assign(String name, Expr value, Pos pos) implements Stmt {}

    /** {@code array[index] += value;}: how the backward pass accumulates into array gradients. */
    record ArrayAccumulate(String array, Expr index, Expr value, Pos pos) implements Stmt {}

    /**
     * {@code array[index] = value;}: a write into an element of a local array (compound writes
     * are lowered to this, {@code a[i] += v} to {@code a[i] = a[i] + v}).
     */
    record ArrayStore(String array, Expr index, Expr value, Pos pos) implements Stmt {}

    /** {@code return value;}. */
    record Return(Expr value, Pos pos) implements Stmt {}

    /** An expression evaluated for its effect (a call in generated code). */
    record ExprStmt(Expr expr, Pos pos) implements Stmt {}

    /** {@code { stmts }}. */
    record Block(List<Stmt> stmts, Pos pos) implements Stmt {
        public Block {
            stmts = List.copyOf(stmts);
        }
    }

    /** {@code if (condition) then else otherwise} ({@code otherwise} may be empty). */
    record If(Expr condition, Block then, Block otherwise, Pos pos) implements Stmt {}

    /** {@code while (condition) body}. */
    record While(Expr condition, Block body, Pos pos) implements Stmt {}

    /** {@code do body while (condition);}. */
    record DoWhile(Block body, Expr condition, Pos pos) implements Stmt {}

    /** {@code for (init; condition; update) body}; a missing condition is {@code true}. */
    record For(List<Stmt> init, Expr condition, List<Stmt> update, Block body, Pos pos) implements Stmt {
        public For {
            init = List.copyOf(init);
            update = List.copyOf(update);
        }
    }

    /** {@code break;}. */
    record Break(Pos pos) implements Stmt {}

    /** {@code continue;}. */
    record Continue(Pos pos) implements Stmt {}

    /** A statement the processor does not support; {@code check} reports it. */
    record Unsupported(Expr.Reason reason, String what, Pos pos) implements Stmt {}
}
