package dev.fluxion.processor.parse;

import dev.fluxion.annotation.Derivative;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;

/** Which methods a {@code @Derivative} rule belongs to, read from the annotations alone. */
public final class DerivativeAnnotations {
    private DerivativeAnnotations() {}

    /** The primal {@code rule} names, or an error at the rule. */
    public static Optional<ExecutableElement> primalOf(ExecutableElement rule) {
        String of = rule.getAnnotation(Derivative.class).of();
        for (Element e : rule.getEnclosingElement().getEnclosedElements()) {
            if (e.getKind() == ElementKind.METHOD && e.getSimpleName().contentEquals(of) && !e.equals(rule)
                    && ((ExecutableElement) e).getParameters().size() + 1 == rule.getParameters().size()) {
                return Optional.of((ExecutableElement) e);
            }
        }
        return Optional.empty();
    }

    /** Whether a {@code @Derivative} rule in the same class supplies {@code m}'s backward pass. */
    public static boolean hasRule(ExecutableElement m) {
        return ruleOf(m).isPresent();
    }

    /** The {@code @Derivative} rule of {@code m}, if its class declares one. */
    public static Optional<ExecutableElement> ruleOf(ExecutableElement m) {
        for (Element e : m.getEnclosingElement().getEnclosedElements()) {
            Derivative d = e.getAnnotation(Derivative.class);
            if (d != null && e.getKind() == ElementKind.METHOD && d.of().contentEquals(m.getSimpleName())
                    && ((ExecutableElement) e).getParameters().size() == m.getParameters().size() + 1) {
                return Optional.of((ExecutableElement) e);
            }
        }
        return Optional.empty();
    }
}
