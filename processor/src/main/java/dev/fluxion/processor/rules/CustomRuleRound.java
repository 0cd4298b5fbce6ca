package dev.fluxion.processor.rules;

import dev.fluxion.annotation.Derivative;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.InputSpec;
import dev.fluxion.processor.model.Messages;
import dev.fluxion.processor.model.TangentMethod;
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
 * handed to verification, which checks the rule's mathematics against finite differences. A
 * forward rule ({@code mode = FORWARD}) becomes the primal's forward mode ({@code fJvp}), checked
 * against central differences of the primal; a primal of scalars without one gets its forward mode
 * from its reverse rule ({@link CustomRules#forwardFromReverse}).
 */
public final class CustomRuleRound {
    private final Map<TypeElement, List<DerivedMethod>> byOwner = new LinkedHashMap<>();
    private final Set<String> invalid = new java.util.HashSet<>();
    private final Map<TypeElement, Map<String, TangentMethod>> tangentsByOwner = new LinkedHashMap<>();

    /**
     * Collects {@code rules}; reports signature problems; adds each good rule's owner to
     * {@code byClass} so that its {@code Grad} class is written.
     */
    public void collect(Set<? extends Element> rules, MethodParser parser, BiConsumer<Diagnostic, Element> report,
                        Map<TypeElement, List<ExecutableElement>> byClass, VerificationPhase verification) {
        byOwner.clear();
        invalid.clear();
        tangentsByOwner.clear();
        Map<String, DerivedMethod> reverseByPrimal = new LinkedHashMap<>();
        List<ExecutableElement> forwardRules = new ArrayList<>();
        for (ExecutableElement rule : ElementFilter.methodsIn(rules)) {
            if (DerivativeAnnotations.isForward(rule)) {
                forwardRules.add(rule);
                continue;
            }
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
            boolean wanted = rule.getAnnotation(Derivative.class).verify();
            verification.add(rule, d, InputSpec.of(primal.get()), wanted, display);
            verification.addPlain(primalIr);
            verification.addPlain(ruleIr);
            reverseByPrimal.put(d.method().self().key(), d);
            if (DerivativeAnnotations.forwardRuleOf(primal.get()).isEmpty()) {
                CustomRules.forwardFromReverse(d, rule, ruleIr.pos()).ifPresent(t -> {
                    tangentsByOwner.computeIfAbsent(owner, k -> new LinkedHashMap<>()).put(d.method().name(), t);
                    verification.addRuleTangent(rule, d, t, InputSpec.of(primal.get()), wanted,
                            primal.get().getSimpleName() + " (the forward mode its @Derivative rule "
                                    + rule.getSimpleName() + " gives)", ruleIr.pos());
                });
            }
        }
        for (ExecutableElement rule : forwardRules) {
            MethodIr ruleIr = parser.parse(rule);
            Optional<ExecutableElement> primal = DerivativeAnnotations.primalOf(rule);
            if (primal.isEmpty()) {
                report.accept(Diagnostic.error(Messages.DERIVATIVE_NO_PRIMAL, ruleIr.pos(),
                        rule.getAnnotation(Derivative.class).of()), rule);
                continue;
            }
            List<Diagnostic> problems = CustomRules.checkForward(rule, primal.get(), ruleIr.pos());
            problems.forEach(d -> report.accept(d, rule));
            DerivedMethod reverse = reverseByPrimal.get(Signatures.userMethod(primal.get()).key());
            if (!problems.isEmpty() || reverse == null) {
                continue; // a reverse rule with errors has reported them
            }
            TypeElement owner = (TypeElement) rule.getEnclosingElement();
            TangentMethod t = CustomRules.deriveForward(reverse, rule, ruleIr.pos());
            tangentsByOwner.computeIfAbsent(owner, k -> new LinkedHashMap<>()).put(reverse.method().name(), t);
            verification.addPlain(ruleIr);
            verification.addRuleTangent(rule, reverse, t, InputSpec.of(primal.get()),
                    rule.getAnnotation(Derivative.class).verify(),
                    primal.get().getSimpleName() + " (its @Derivative forward rule " + rule.getSimpleName() + ")",
                    ruleIr.pos());
        }
    }

    /** The forward modes ({@code fJvp}) of {@code owner}'s rule primals, by the primal's name. */
    public Map<String, TangentMethod> tangentsFor(TypeElement owner) {
        return tangentsByOwner.getOrDefault(owner, Map.of());
    }

    /**
     * The forward modes of the round's rule primals in the form second order needs
     * ({@link CustomRules#secondOrderForm}), by the primal's key ({@code pkg.Owner#name}).
     *
     * @param differentiable the round's {@code @Differentiable} methods, by key
     */
    public Map<String, TangentMethod> secondOrderTangents(Map<String, dev.fluxion.processor.ir.Callee.UserMethod> differentiable) {
        Map<String, TangentMethod> out = new LinkedHashMap<>();
        tangentsByOwner.values().forEach(m -> m.values().forEach(t -> out.put(t.method().self().key(),
                CustomRules.secondOrderForm(t, differentiable))));
        return out;
    }

    /** The primals ({@code pkg.Owner#name}, simple name) of this round whose rules give no forward mode. */
    public Map<String, String> primalsWithoutForwardMode() {
        Set<String> with = primalsWithForwardMode();
        Map<String, String> out = new LinkedHashMap<>();
        byOwner.values().forEach(ds -> ds.forEach(d -> {
            if (!with.contains(d.method().self().key())) {
                out.put(d.method().self().key(), d.method().name());
            }
        }));
        return out;
    }

    /** The primals ({@code pkg.Owner#name}) of this round that have a forward mode, from a forward rule or their reverse rule. */
    public Set<String> primalsWithForwardMode() {
        Set<String> out = new java.util.HashSet<>();
        tangentsByOwner.values().forEach(m -> m.values().forEach(t -> out.add(t.method().self().key())));
        return out;
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
