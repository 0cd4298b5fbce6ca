package dev.fluxion.processor.model;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Pos;

/**
 * A call of generated derivative code inside a {@code @Differentiable} method (nested
 * differentiation): {@code OtherGrad.gGrad(x, w).x()}, one component of another method's
 * gradient. The parser turns it into a call of {@code adapter}, a method of the caller's own
 * generated class whose value is that component and whose pullback is {@code g}'s
 * Hessian-vector product ({@code gHvp}), so the reverse engine differentiates through it as
 * through any call.
 *
 * @param adapter the method the call became: in the caller's class, named
 *     {@code gGrad_x} ({@link Names#nestedGradient}), with {@code g}'s parameters
 * @param callee {@code g}, the method whose gradient is read
 * @param component the index of the parameter of {@code g} whose gradient is read
 * @param pos the call, where an error about it is reported
 */
public record NestedCall(Callee.UserMethod adapter, Callee.UserMethod callee, int component, Pos pos) {
    /** The call as the user wrote it, for messages: {@code NGrad.gGrad(...).x()}. */
    public String display() {
        String owner = callee.ownerQualifiedName();
        return Names.gradClass(owner.substring(owner.lastIndexOf('.') + 1)) + "." + Names.gradMethod(callee.name())
                + "(...)." + callee.gradientNames().get(component) + "()";
    }
}
