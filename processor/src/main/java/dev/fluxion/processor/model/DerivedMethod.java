package dev.fluxion.processor.model;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.ir.Type;
import java.util.List;

/**
 * A method with its derived backward pass, as IR values: what the writer prints and what a
 * compile-time verifier can evaluate.
 *
 * @param method the parsed method (its body is the forward-only pass)
 * @param forward the forward statements that save what the backward pass reads
 * @param result the forward value, an atom of {@code forward}
 * @param cotangent the name of the backward pass's parameter, the result's cotangent
 * @param backward the backward statements (they read forward locals and {@code cotangent})
 * @param gradients one component per differentiable parameter, in parameter order
 * @param saved the forward locals and parameters the backward pass reads, in definition order
 * @param steps the backward steps in execution order, for the pullback's {@code toString()}
 * @param fusedGrad empty, or the body of {@code fGrad} (seed 1) in one pass: it declares
 *     {@code cotangent} and every adjoint, leaves the value in {@code result} and the gradients in
 *     {@code gradients}' variables; a {@link Stmt.Block} in it is backward statements
 */
public record DerivedMethod(MethodIr method, List<Stmt> forward, Expr result, String cotangent, List<Stmt> backward,
                            List<Gradient> gradients, List<Expr.Var> saved, List<String> steps,
                            List<Stmt> fusedGrad) {
    /** A method whose {@code fGrad} runs its pullback. */
    public DerivedMethod(MethodIr method, List<Stmt> forward, Expr result, String cotangent, List<Stmt> backward,
                         List<Gradient> gradients, List<Expr.Var> saved, List<String> steps) {
        this(method, forward, result, cotangent, backward, gradients, saved, steps, List.of());
    }

    public DerivedMethod {
        fusedGrad = List.copyOf(fusedGrad);
        forward = List.copyOf(forward);
        backward = List.copyOf(backward);
        gradients = List.copyOf(gradients);
        saved = List.copyOf(saved);
        steps = List.copyOf(steps);
    }

    /** A gradient record component: the parameter's name, its gradient's type and value. */
    public record Gradient(String name, Type type, Expr value) {}
}
