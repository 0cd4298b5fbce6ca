package dev.fluxion.processor.diff;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Stmt;
import java.util.List;
import java.util.Set;

/**
 * A method's forward pass in the form the reverse transform reads: every value the backward pass
 * needs is bound to a named local, each local is assigned once, and operands are atoms.
 *
 * @param method the parsed method
 * @param leaves the {@code Parameter} fields read, each cached in a local first
 * @param stmts the forward statements ({@link Stmt.Let} for now; structured control flow later)
 * @param result the returned atom
 * @param varied the locals that depend on a differentiable input
 */
public record Primal(MethodIr method, List<Leaf> leaves, List<Stmt> stmts, Expr result, Set<String> varied) {
    public Primal {
        leaves = List.copyOf(leaves);
        stmts = List.copyOf(stmts);
        varied = Set.copyOf(varied);
    }

    /** A {@code Parameter} field, read into {@code local} at the start: a differentiable leaf. */
    public record Leaf(String local, Expr.FieldRead field) {}
}
