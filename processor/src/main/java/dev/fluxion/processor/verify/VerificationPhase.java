package dev.fluxion.processor.verify;

import dev.fluxion.annotation.Differentiable;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.TangentMethod;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.InputSpec;
import dev.fluxion.processor.model.LayerSource;
import dev.fluxion.processor.model.Messages;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.tools.Diagnostic.Kind;

/**
 * The verification phase of one round: collects every derived method (so calls between them,
 * across classes, evaluate), then verifies each one whose {@code @Differentiable(verify)} and the
 * build's {@code -Afluxion.verify} allow, and hands each diagnostic to the processor's reporter.
 */
public final class VerificationPhase {
    /** One method to verify: its element (where to report), derivation and declared shapes. */
    private record Entry(Element element, DerivedMethod derived, InputSpec spec, boolean wanted, String display) {}

    /** Where a forward mode that comes from a {@code @Derivative} rule is reported, and under what name. */
    record RuleSite(String display, dev.fluxion.processor.ir.Pos pos) {}

    private final List<Entry> entries = new ArrayList<>();
    private final List<DerivedMethod> callable = new ArrayList<>();
    private final List<MethodIr> plain = new ArrayList<>();
    private final List<Entry> tangentEntries = new ArrayList<>();
    private final List<TangentMethod> tangents = new ArrayList<>();
    /** Per tangent entry, the derivation of its {@code fDirectional} where it has an {@code fHvp}, else null. */
    private final List<DerivedMethod> directionals = new ArrayList<>();
    /** Per tangent entry, the rule it comes from (null for a derived forward mode). */
    private final List<RuleSite> ruleSites = new ArrayList<>();

    /** Adds a method's forward mode ({@code fJvp}), checked against central differences of the method. */
    public void addTangent(ExecutableElement element, DerivedMethod derived, TangentMethod tangent, InputSpec spec) {
        Differentiable d = element.getAnnotation(Differentiable.class);
        tangentEntries.add(new Entry(element, derived, spec, d == null || d.verify(), derived.method().name()));
        tangents.add(tangent);
        directionals.add(null);
        ruleSites.add(null);
    }

    /**
     * Adds the forward mode a {@code @Derivative} rule gives its primal ({@code reverse} is the
     * primal's derived method), checked against central differences of the primal and reported at
     * {@code pos} of {@code rule} as {@code display}.
     */
    public void addRuleTangent(Element rule, DerivedMethod reverse, TangentMethod tangent, InputSpec spec,
                               boolean wanted, String display, dev.fluxion.processor.ir.Pos pos) {
        tangentEntries.add(new Entry(rule, reverse, spec, wanted, display));
        tangents.add(tangent);
        directionals.add(null);
        ruleSites.add(new RuleSite(display, pos));
    }

    /**
     * Adds the second order of a method added by {@link #addTangent}: {@code fHvp}, the gradient of
     * {@code directional}, checked against central differences of the method's gradient.
     */
    public void addHvp(TangentMethod tangent, DerivedMethod directional) {
        int i = tangents.indexOf(tangent);
        if (i >= 0) {
            directionals.set(i, directional);
        }
    }

    /**
     * Adds a {@code @Differentiable} method's derivation, verified on the inputs {@code spec} describes
     * (declared shapes, a {@code verifyWith} sample, how its class builds its layer fields).
     */
    public void add(ExecutableElement element, DerivedMethod derived, InputSpec spec) {
        Differentiable d = element.getAnnotation(Differentiable.class);
        entries.add(new Entry(element, derived, spec, d == null || d.verify(), derived.method().name()));
        callable.add(derived);
    }

    /** Adds a derivation that is checked under another name (a {@code @Derivative} rule's). */
    public void add(Element element, DerivedMethod derived, InputSpec spec, boolean wanted, String display) {
        entries.add(new Entry(element, derived, spec, wanted, display));
        callable.add(derived);
    }

    /**
     * Adds a derivation that other methods' checks call but that is not checked on its own: a
     * method's {@code fDirectional} (its gradient is {@code fHvp}) and a nested call's adapter.
     */
    public void addCallable(DerivedMethod derived) {
        callable.add(derived);
    }

    /** Adds a method that is only evaluated (a {@code @Derivative} rule and its primal). */
    public void addPlain(MethodIr m) {
        plain.add(m);
    }

    /** What tests may observe of a run: each method's derivation, with what verifying it needs. */
    record Captured(DerivedMethod derived, Registry registry, InputSpec spec, String display) {}

    private static volatile Consumer<Captured> capture;

    /** Hands each method this phase verifies to {@code observer} until closed; for tests. */
    static AutoCloseable captureForTesting(Consumer<Captured> observer) {
        capture = observer;
        return () -> capture = null;
    }

    /**
     * Verifies everything added since the last run, reporting through {@code report}; returns the
     * reports. An explicit {@code -Afluxion.verify=on} or {@code strict} adds a note per verified
     * method saying which paths were checked; {@code strict} also a note naming the branch
     * directions and loop exits no verified point took.
     */
    public List<VerificationReport> run(String option, BiConsumer<Diagnostic, Element> report) {
        VerifyMode mode = VerifyMode.parse(option);
        boolean explicit = option != null && !option.isBlank();
        List<VerificationReport> out = new ArrayList<>();
        try {
            if (mode == VerifyMode.OFF) {
                return out;
            }
            Registry registry = new Registry(callable);
            plain.forEach(registry::addPlain);
            for (Entry e : entries) {
                if (!e.wanted()) {
                    continue;
                }
                VerificationReport r;
                Consumer<Captured> observer = capture;
                if (observer != null) {
                    observer.accept(new Captured(e.derived(), registry, e.spec(), e.display()));
                }
                try {
                    r = Verifier.verify(e.derived(), registry, e.spec(), mode, e.display());
                } catch (RuntimeException | StackOverflowError | LinkageError ex) {
                    // The verifier's own limits must never break a build that is otherwise fine.
                    Diagnostic d = new Diagnostic(mode == VerifyMode.STRICT ? Kind.ERROR : Kind.NOTE,
                            Messages.GRADIENT_NOT_VERIFIED, e.derived().method().pos(),
                            List.of(e.display(), "its evaluation failed (" + ex + ")"));
                    r = new VerificationReport(e.display(), List.of(d), 0, 0, 0);
                }
                r.diagnostics().forEach(d -> report.accept(d, e.element()));
                VerificationReport.Coverage cov = r.coverage();
                if (explicit && cov.points() > 0) {
                    Diagnostic note = new Diagnostic(Kind.NOTE, Messages.GRADIENT_VERIFIED, e.derived().method().pos(),
                            List.of(e.display(), cov.describe()));
                    report.accept(note, e.element());
                    if (mode == VerifyMode.STRICT && !cov.unreached().isEmpty()) {
                        report.accept(new Diagnostic(Kind.NOTE, Messages.GRADIENT_PATHS_UNCHECKED,
                                e.derived().method().pos(), List.of(e.display(), String.join(", ", cov.unreached()))),
                                e.element());
                    }
                }
                out.add(r);
            }
            for (int i = 0; i < tangentEntries.size(); i++) {
                Entry e = tangentEntries.get(i);
                if (!e.wanted()) {
                    continue;
                }
                try {
                    List<Diagnostic> first = TangentCheck.check(tangents.get(i), e.derived(), registry, e.spec(),
                            ruleSites.get(i));
                    first.forEach(d -> report.accept(d, e.element()));
                    if (first.isEmpty()) {
                        first = VectorCheck.check(tangents.get(i), registry, e.spec());
                        first.forEach(d -> report.accept(d, e.element()));
                    }
                    // A wrong tangent rule is one error: fHvp, built on the same rules, is then not checked.
                    if (directionals.get(i) != null && first.isEmpty()) {
                        HvpCheck.check(tangents.get(i), e.derived(), directionals.get(i), registry, e.spec())
                                .forEach(d -> report.accept(d, e.element()));
                    }
                } catch (RuntimeException | StackOverflowError | LinkageError ex) {
                    // The reverse check already reported on this method; the verifier's limits never break a build.
                }
            }
            return out;
        } finally {
            tangentEntries.clear();
            tangents.clear();
            directionals.clear();
            ruleSites.clear();
            entries.clear();
            callable.clear();
            plain.clear();
        }
    }
}
