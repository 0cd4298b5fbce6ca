package dev.fluxion.processor.rules;

import dev.fluxion.annotation.Derivative;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.InputSpec;
import dev.fluxion.processor.model.Messages;
import dev.fluxion.processor.parse.DerivativeAnnotations;
import dev.fluxion.processor.parse.MethodParser;
import dev.fluxion.processor.parse.Signatures;
import dev.fluxion.processor.verify.VerificationPhase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * The {@code @Derivative} rules of one round: each checked against its primal, turned into the
 * primal's derived method (generated into the owner's {@code Grad} class like any other), and
 * handed to verification, which checks the rule's mathematics against finite differences.
 */
public final class CustomRuleRound {
    private final Map<TypeElement, List<DerivedMethod>> byOwner = new LinkedHashMap<>();
    private final Set<String> invalid = new java.util.HashSet<>();

    /**
     * Collects {@code rules}; reports signature problems; adds each good rule's owner to
     * {@code byClass} so that its {@code Grad} class is written.
     */
    public void collect(Set<? extends Element> rules, MethodParser parser, BiConsumer<Diagnostic, Element> report,
                        Map<TypeElement, List<ExecutableElement>> byClass, VerificationPhase verification) {
        byOwner.clear();
        invalid.clear();
        for (ExecutableElement rule : ElementFilter.methodsIn(rules)) {
            MethodIr ruleIr = parser.parse(rule);
            Optional<ExecutableElement> primal = DerivativeAnnotations.primalOf(rule);
            List<Diagnostic> problems = new ArrayList<>(CustomRules.check(rule, primal, ruleIr.pos()));
            if (primal.isPresent() && primal.get().getAnnotation(Differentiable.class) != null) {
                problems.add(Diagnostic.error(Messages.DERIVATIVE_SIGNATURE, ruleIr.pos(), rule.getSimpleName(),
                        primal.get().getSimpleName(), "the primal is also @Differentiable",
                        "remove @Differentiable from " + primal.get().getSimpleName()));
            }
            problems.forEach(d -> report.accept(d, rule));
            if (!problems.isEmpty()) {
                primal.ifPresent(p -> invalid.add(Signatures.userMethod(p).key()));
                continue;
            }
            TypeElement owner = (TypeElement) rule.getEnclosingElement();
            MethodIr primalIr = parser.parse(primal.get());
            DerivedMethod d = CustomRules.derive(primal.get(), rule, primalIr.packageName(), primalIr.ownerSimpleName(),
                    ruleIr.pos());
            byOwner.computeIfAbsent(owner, k -> new ArrayList<>()).add(d);
            byClass.computeIfAbsent(owner, k -> new ArrayList<>());
            String display = primal.get().getSimpleName() + " (its @Derivative rule " + rule.getSimpleName() + ")";
            verification.add(rule, d, InputSpec.of(primal.get()), rule.getAnnotation(Derivative.class).verify(), display);
            verification.addPlain(primalIr);
            verification.addPlain(ruleIr);
        }
    }

    /** The methods ({@code pkg.Owner#name}) whose rule has errors: calls to them cannot be generated. */
    public Set<String> invalidPrimals() {
        return Set.copyOf(invalid);
    }

    /** The derived methods of {@code owner}'s rules, to be written into its {@code Grad} class. */
    public List<DerivedMethod> derivedFor(TypeElement owner) {
        return byOwner.getOrDefault(owner, List.of());
    }
}
