package dev.fluxion.processor.model;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Stmt;
import java.util.List;
import java.util.Map;

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
 * @param tangentOf each local or parameter that carries a tangent, and the local (or tangent
 *     parameter) holding it: what {@code fwd/VectorMode} widens to one tangent per direction
 */
public record TangentMethod(MethodIr method, List<Stmt> body, Expr value, Expr tangent, List<Param> tangents,
                            Map<String, String> tangentOf) {
    public TangentMethod {
        body = List.copyOf(body);
        tangents = List.copyOf(tangents);
        tangentOf = Map.copyOf(tangentOf);
    }

    /** A forward mode whose tangent locals are not listed (no vector mode is derived from it). */
    public TangentMethod(MethodIr method, List<Stmt> body, Expr value, Expr tangent, List<Param> tangents) {
        this(method, body, value, tangent, tangents, Map.of());
    }
}
