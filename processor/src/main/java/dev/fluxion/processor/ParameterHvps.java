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
 * The forward mode and second order of a {@code Module} method with respect to its Parameters,
 * {@code fParametersJvp(model, args, w_dot, ...)} and {@code fHvp(model, args, w_dot, ...)}: its
 * parameter form ({@link ParameterForm}) through the forward mode and {@link Directional}, as any
 * method's {@code fJvp} and {@code fHvp}. A method whose parameter form the forward mode does not
 * support has neither; one whose tangent program {@link Directional} does not support has no {@code fHvp}.
 */
final class ParameterHvps {
    private ParameterHvps() {}

    /**
     * What one method's parameter {@code fParametersJvp} and {@code fHvp} are made of.
     *
     * @param form the method with its Parameters as inputs
     * @param reverse the parameter form's reverse derivation (what the compile-time checks compare with)
     * @param tangent the parameter form's forward mode ({@code fParametersJvp})
     * @param directional the derivation of its directional derivative, whose gradient is {@code H·v};
     *     empty where the method has no parameter {@code fHvp}
     */
    record SecondOrder(ParameterForm form, DerivedMethod reverse, TangentMethod tangent,
                       Optional<DerivedMethod> directional) {}

    /**
     * {@code fParametersJvp(model, ...)} and {@code fHvp(model, ...)} of the Module method {@code ir},
     * or empty where its parameter form has no forward mode, or where its generated names would clash
     * with {@code ownNames} (the class's own methods).
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
        if (ownNames.contains(p.name()) || ownNames.contains(Directional.name(p.name()))
                || ownNames.contains(dev.fluxion.processor.model.Names.jvpMethod(p.name()))) {
            return Optional.empty();
        }
        try {
            Optional<TangentMethod> tangent = ForwardMode.derive(p, callee -> false);
            if (tangent.isEmpty() || !GradClassWriter.fits(tangent.get())) {
                return Optional.empty();
            }
            DerivedMethod reverse = Differentiator.derive(p, note -> { });
            return Optional.of(new SecondOrder(form.get(), reverse, tangent.get(), directional(tangent.get(), naming)));
        } catch (RuntimeException | StackOverflowError e) {
            return Optional.empty(); // forward mode is not supported for this method's parameter form yet
        }
    }

    /** The derivation of the parameter form's directional derivative, or empty where second order does not support it. */
    private static Optional<DerivedMethod> directional(TangentMethod tangent, UnaryOperator<DerivedMethod> naming) {
        try {
            return Directional.of(tangent).map(d -> naming.apply(Differentiator.derive(d, note -> { })));
        } catch (RuntimeException | StackOverflowError e) {
            return Optional.empty(); // second order is not supported for this method yet
        }
    }
}
