package dev.fluxion.processor.parse;

import dev.fluxion.annotation.Derivative;
import java.util.Optional;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;

/** Which methods a {@code @Derivative} rule belongs to, read from the annotations alone. */
public final class DerivativeAnnotations {
    private DerivativeAnnotations() {}

    /** Whether {@code rule} is a forward (tangent) rule, {@code @Derivative(mode = FORWARD)}. */
    public static boolean isForward(ExecutableElement rule) {
        return rule.getAnnotation(Derivative.class).mode() == Derivative.Mode.FORWARD;
    }

    /** The primal {@code rule} names, or an error at the rule. */
    public static Optional<ExecutableElement> primalOf(ExecutableElement rule) {
        String of = rule.getAnnotation(Derivative.class).of();
        boolean forward = isForward(rule);
        for (Element e : rule.getEnclosingElement().getEnclosedElements()) {
            if (e.getKind() == ElementKind.METHOD && e.getSimpleName().contentEquals(of) && !e.equals(rule)
                    && rule.getParameters().size() == expectedArity((ExecutableElement) e, forward)) {
                return Optional.of((ExecutableElement) e);
            }
        }
        if (forward) {
            // A forward rule with the wrong number of tangents: its signature check says what is wrong.
            for (Element e : rule.getEnclosingElement().getEnclosedElements()) {
                if (e.getKind() == ElementKind.METHOD && e.getSimpleName().contentEquals(of) && !e.equals(rule)
                        && e.getAnnotation(Derivative.class) == null) {
                    return Optional.of((ExecutableElement) e);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * How many parameters a rule of {@code primal} takes: the primal's and the result's cotangent
     * (reverse), or the primal's and one tangent per differentiable input (forward).
     */
    private static int expectedArity(ExecutableElement primal, boolean forward) {
        int n = primal.getParameters().size();
        if (!forward) {
            return n + 1;
        }
        return n + (int) Signatures.userMethod(primal).differentiable().stream().filter(b -> b).count();
    }

    /** Whether a {@code @Derivative} rule in the same class supplies {@code m}'s backward pass. */
    public static boolean hasRule(ExecutableElement m) {
        return ruleOf(m).isPresent();
    }

    /** The {@code @Derivative} reverse rule of {@code m}, if its class declares one. */
    public static Optional<ExecutableElement> ruleOf(ExecutableElement m) {
        return ruleOf(m, false);
    }

    /** The {@code @Derivative(mode = FORWARD)} rule of {@code m}, if its class declares one. */
    public static Optional<ExecutableElement> forwardRuleOf(ExecutableElement m) {
        return ruleOf(m, true);
    }

    private static Optional<ExecutableElement> ruleOf(ExecutableElement m, boolean forward) {
        for (Element e : m.getEnclosingElement().getEnclosedElements()) {
            Derivative d = e.getAnnotation(Derivative.class);
            if (d != null && e.getKind() == ElementKind.METHOD && d.of().contentEquals(m.getSimpleName())
                    && (d.mode() == Derivative.Mode.FORWARD) == forward
                    && ((ExecutableElement) e).getParameters().size() == expectedArity(m, forward)) {
                return Optional.of((ExecutableElement) e);
            }
        }
        return Optional.empty();
    }
}
