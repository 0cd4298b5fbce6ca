package dev.fluxion.processor.model;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Stmt;
import java.util.List;

/**
 * A method's forward-mode derivative, {@code fJvp}, as IR values: the primal statements with the
 * tangent statements interleaved (Tapenade's {@code _d} style), what the writer prints and what the
 * compile-time verifier evaluates.
 *
 * @param method the parsed method
 * @param body the statements; they read the method's parameters and {@code tangents}
 * @param value the value, read after {@code body}
 * @param tangent the value's tangent (the directional derivative), read after {@code body}
 * @param tangents one tangent parameter per differentiable parameter of {@code method}, in order,
 *     named {@code x_dot} after it and of its type
 */
public record TangentMethod(MethodIr method, List<Stmt> body, Expr value, Expr tangent, List<Param> tangents) {
    public TangentMethod {
        body = List.copyOf(body);
        tangents = List.copyOf(tangents);
    }
}
