package dev.fluxion.processor;

import dev.fluxion.processor.diff.Differentiator;
import dev.fluxion.processor.fwd.Directional;
import dev.fluxion.processor.fwd.ForwardMode;
import dev.fluxion.processor.fwd.ParameterForm;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.TangentMethod;
import dev.fluxion.processor.write.GradClassWriter;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The second order of a {@code Module} method with respect to its Parameters,
 * {@code fHvp(model, args, w_dot, ...)}: its parameter form ({@link ParameterForm}) through the
 * forward mode and {@link Directional}, as any method's {@code fHvp}. A method whose parameter form
 * any of these does not support simply has no {@code fHvp}.
 */
final class ParameterHvps {
    private ParameterHvps() {}

    /**
     * What one method's parameter {@code fHvp} is made of.
     *
     * @param form the method with its Parameters as inputs
     * @param reverse the parameter form's reverse derivation (what the compile-time checks compare with)
     * @param tangent the parameter form's forward mode
     * @param directional the derivation of its directional derivative, whose gradient is {@code H·v}
     */
    record SecondOrder(ParameterForm form, DerivedMethod reverse, TangentMethod tangent, DerivedMethod directional) {}

    /**
     * {@code fHvp(model, ...)} of the Module method {@code ir}, or empty where its parameter form has
     * no forward mode or directional derivative, or where its generated names would clash with
     * {@code ownNames} (the class's own methods).
     *
     * @param naming gives a derivation its gradient record's component names
     */
    static Optional<SecondOrder> of(MethodIr ir, Set<String> ownNames, UnaryOperator<DerivedMethod> naming) {
        Optional<ParameterForm> form = ParameterForm.of(ir);
        if (form.isEmpty() || ForwardModes.size(form.get().method().body().stmts(), ForwardModes.MAX_NODES)
                > ForwardModes.MAX_NODES) {
            return Optional.empty();
        }
        MethodIr p = form.get().method();
        if (ownNames.contains(p.name()) || ownNames.contains(Directional.name(p.name()))) {
            return Optional.empty();
        }
        try {
            Optional<TangentMethod> tangent = ForwardMode.derive(p, callee -> false);
            if (tangent.isEmpty() || !GradClassWriter.fits(tangent.get())) {
                return Optional.empty();
            }
            Optional<MethodIr> directional = Directional.of(tangent.get());
            if (directional.isEmpty()) {
                return Optional.empty();
            }
            DerivedMethod reverse = Differentiator.derive(p, note -> { });
            DerivedMethod d = naming.apply(Differentiator.derive(directional.get(), note -> { }));
            return Optional.of(new SecondOrder(form.get(), reverse, tangent.get(), d));
        } catch (RuntimeException | StackOverflowError e) {
            return Optional.empty(); // second order is not supported for this method yet
        }
    }
}
