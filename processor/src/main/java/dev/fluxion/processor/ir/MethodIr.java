package dev.fluxion.processor.ir;

import java.util.List;

/**
 * A parsed {@code @Differentiable} method.
 *
 * @param self the reference other methods use to call this one
 * @param packageName the package of the declaring class ("" for the unnamed package)
 * @param ownerSimpleName the declaring class's name within its package ({@code Outer.Inner})
 * @param ownerIsModule whether the declaring class extends {@code dev.fluxion.nn.Module}
 * @param params the parameters, in order
 * @param body the method body
 * @param pos the method's declaration
 */
public record MethodIr(Callee.UserMethod self, String packageName, String ownerSimpleName,
                       boolean ownerIsModule, List<Param> params, Stmt.Block body, Pos pos) {
    public MethodIr {
        params = List.copyOf(params);
    }

    /** The method's name. */
    public String name() {
        return self.name();
    }

    /** The result type. */
    public Type returnType() {
        return self.returnType();
    }

    /** Whether the generated methods take the model as their first argument. */
    public boolean takesModel() {
        return !self.isStatic();
    }

    /** The parameters with a gradient. */
    public List<Param> differentiableParams() {
        return params.stream().filter(Param::differentiable).toList();
    }
}
