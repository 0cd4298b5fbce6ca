package dev.fluxion.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import com.sun.source.util.Trees;
import dev.fluxion.annotation.Differentiable;
import dev.fluxion.processor.check.BodyChecker;
import dev.fluxion.processor.check.HiddenMethods;
import dev.fluxion.processor.check.RecursionChecker;
import dev.fluxion.processor.check.RuleCalls;
import dev.fluxion.processor.check.SignatureChecker;
import dev.fluxion.processor.diff.Differentiator;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.LayerSource;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.InputSpec;
import dev.fluxion.processor.model.Messages;
import dev.fluxion.processor.model.Names;
import dev.fluxion.processor.parse.LayerSources;
import dev.fluxion.processor.parse.MethodParser;
import dev.fluxion.processor.verify.VerificationPhase;
import dev.fluxion.processor.write.CodeTooLargeException;
import dev.fluxion.processor.write.GradClassWriter;
import dev.fluxion.processor.model.TangentMethod;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic.Kind;

/**
 * Differentiates {@code @Differentiable} methods at compile time: parse → check → diff → opt →
 * write, one package per phase, each a function from one value to the next. All problems of a
 * round are reported together, each on the expression it is about. The processor never lets an
 * exception reach javac: an unexpected one becomes a single error saying it is a Fluxion bug.
 */
@AutoService(Processor.class)
public final class FluxionProcessor extends AbstractProcessor {
    /** The option that sets compile-time gradient verification: {@code off}, {@code on}, {@code strict}. */
    public static final String VERIFY_OPTION = "fluxion.verify";
    /** The option that turns the opt passes (elementwise fusion, matmul epilogues, gradients into {@code .grad}) off: {@code -Afluxion.fuse=false} (on by default). */
    public static final String FUSE_OPTION = "fluxion.fuse";

    /** Runs after each method is parsed; tests use it to simulate a processor bug. */
    private final Consumer<MethodIr> afterParse;
    /** Compile-time gradient verification of the round's derived methods (package verify). */
    private final VerificationPhase verification = new VerificationPhase();
    /** Inputs for verification with a {@code verifyWith} sample, by method. */
    private final Map<ExecutableElement, InputSpec> specs = new java.util.HashMap<>();
    /** The round's {@code @Derivative} rules (package diff). */
    private final dev.fluxion.processor.rules.CustomRuleRound customRules = new dev.fluxion.processor.rules.CustomRuleRound();

    /** The processor javac instantiates. */
    public FluxionProcessor() {
        this(ir -> { });
    }

    FluxionProcessor(Consumer<MethodIr> afterParse) {
        this.afterParse = afterParse;
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
        return Set.of(Differentiable.class.getName(), "dev.fluxion.annotation.Derivative");
    }

    @Override
    public Set<String> getSupportedOptions() {
        return Set.of(VERIFY_OPTION, FUSE_OPTION);
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        if (annotations.isEmpty()) {
            return false;
        }
        Trees trees = Trees.instance(processingEnv);
        DiagnosticReporter reporter = new DiagnosticReporter(trees, processingEnv.getMessager());
        MethodParser parser = new MethodParser(trees, processingEnv.getElementUtils());
        Map<TypeElement, List<ExecutableElement>> byClass = new LinkedHashMap<>();
        for (ExecutableElement m : ElementFilter.methodsIn(round.getElementsAnnotatedWith(Differentiable.class))) {
            Element owner = m.getEnclosingElement();
            if (owner instanceof TypeElement t) {
                byClass.computeIfAbsent(t, k -> new ArrayList<>()).add(m);
            }
        }
        reportHiddenMethods(round, trees);
        Element anchor = byClass.isEmpty() ? null : byClass.keySet().iterator().next();
        guard(anchor, reporter, () -> customRules.collect(
                round.getElementsAnnotatedWith(dev.fluxion.annotation.Derivative.class), parser, reporter::report,
                byClass, verification));
        Map<ExecutableElement, MethodIr> parsed = new LinkedHashMap<>();
        Map<TypeElement, Boolean> failed = new LinkedHashMap<>();
        for (var entry : byClass.entrySet()) {
            Map<ExecutableElement, Diagnostic> clashes = SignatureChecker.clashes(entry.getValue(), trees);
            for (ExecutableElement m : entry.getValue()) {
                guard(m, reporter, () -> {
                    List<Diagnostic> problems = new ArrayList<>(SignatureChecker.check(m, trees));
                    if (clashes.containsKey(m)) {
                        problems.add(clashes.get(m));
                    }
                    if (problems.stream().noneMatch(Diagnostic::isError)) {
                        MethodIr ir = parser.parse(m);
                        afterParse.accept(ir);
                        problems.addAll(sample(parser, m, ir));
                        problems.addAll(BodyChecker.check(ir));
                        problems.addAll(RuleCalls.check(ir, customRules.invalidPrimals()));
                        problems.addAll(dev.fluxion.processor.check.ShapeChecker.check(ir, m));
                        parsed.put(m, ir);
                    }
                    problems.forEach(d -> reporter.report(d, m));
                    if (problems.stream().anyMatch(Diagnostic::isError)) {
                        failed.put(entry.getKey(), true);
                        parsed.remove(m);
                    }
                });
            }
        }
        guard(anchor, reporter, () -> parser.helpersCalled().forEach(verification::addPlain));
        List<MethodIr> all = List.copyOf(parsed.values());
        Set<String> recursive = RecursionChecker.recursiveMethods(all);
        for (var e : List.copyOf(parsed.entrySet())) {
            if (recursive.contains(e.getValue().self().key())) {
                RecursionChecker.check(e.getValue(), all).forEach(d -> reporter.report(d, e.getKey()));
                failed.put((TypeElement) e.getKey().getEnclosingElement(), true);
                parsed.remove(e.getKey());
            }
        }
        Map<String, TangentMethod> tangents = new LinkedHashMap<>();
        guard(anchor, reporter, () -> tangents.putAll(ForwardModes.of(parsed.values(), processingEnv.getElementUtils(),
                customRules.primalsWithForwardMode(), parser.nestedCalls())));
        guard(anchor, reporter, () -> parsed.forEach((m, ir) -> ForwardModes.forwardRuleNotes(ir, tangents,
                customRules.primalsWithoutForwardMode()).forEach(d -> reporter.report(d, m))));
        // What fHvp inlines: the forward modes of the round's methods and @Derivative primals.
        Map<String, TangentMethod> callees = new LinkedHashMap<>(tangents);
        Map<String, dev.fluxion.processor.ir.Callee.UserMethod> differentiable = new LinkedHashMap<>();
        parsed.values().forEach(ir -> differentiable.put(ir.self().key(), ir.self()));
        guard(anchor, reporter, () -> customRules.secondOrderTangents(differentiable).forEach(callees::putIfAbsent));
        Map<String, List<DerivedMethod>> adapters = new LinkedHashMap<>();
        guard(anchor, reporter, () -> adapters.putAll(NestedAdapters.of(parser.nestedCalls(), parsed.values(), callees,
                processingEnv.getElementUtils(), (d, caller) -> {
                    TypeElement owner = processingEnv.getElementUtils().getTypeElement(caller);
                    reporter.report(d, owner);
                    failed.put(owner, true);
                })));
        for (var entry : byClass.entrySet()) {
            TypeElement owner = entry.getKey();
            if (failed.containsKey(owner)) {
                continue; // its errors are reported; a partial class would only add confusing ones
            }
            List<DerivedMethod> ownAdapters = adapters.getOrDefault(owner.getQualifiedName().toString(), List.of());
            guard(owner, reporter, () -> generate(owner, entry.getValue(), parsed, tangents, ownAdapters,
                    NestedAdapters.tangentsOf(ownAdapters, parser.nestedCalls()), callees));
        }
        guard(anchor, reporter, () -> verification.run(processingEnv.getOptions().get(VERIFY_OPTION), reporter::report));
        return false;
    }

    /**
     * Parses the example arguments of {@code @Differentiable(verifyWith = ...)} on {@code m} into
     * {@link #specs}; an error where the sample method cannot give them.
     */
    private List<Diagnostic> sample(MethodParser parser, ExecutableElement m, MethodIr ir) {
        Differentiable d = m.getAnnotation(Differentiable.class);
        if (d == null || d.verifyWith().isEmpty()) {
            return List.of();
        }
        MethodParser.Sample s = parser.parseSample(m, d.verifyWith());
        if (s.problem() != null) {
            return List.of(Diagnostic.error(Messages.VERIFY_WITH, ir.pos(), d.verifyWith(), s.problem()));
        }
        specs.put(m, InputSpec.of(m).withSample(s.values()));
        return List.of();
    }

    /** Errors on {@code @Differentiable} methods of anonymous and local classes, which javac hides from processors. */
    private void reportHiddenMethods(RoundEnvironment round, Trees trees) {
        Set<com.sun.source.tree.CompilationUnitTree> units = new java.util.LinkedHashSet<>();
        for (Element root : round.getRootElements()) {
            var path = trees.getPath(root);
            if (path != null) {
                units.add(path.getCompilationUnit());
            }
        }
        for (var unit : units) {
            try {
                for (HiddenMethods.Hidden h : HiddenMethods.in(unit)) {
                    trees.printMessage(Kind.ERROR, Messages.HIDDEN_METHOD.format(h.anonymous() ? "an anonymous" : "a local"),
                            h.method(), h.unit());
                }
            } catch (RuntimeException | StackOverflowError e) {
                // Only a search for misplaced annotations: a failure here must not stop the real work.
            }
        }
    }

    private void generate(TypeElement owner, List<ExecutableElement> methods, Map<ExecutableElement, MethodIr> parsed,
                          Map<String, TangentMethod> tangents, List<DerivedMethod> adapters,
                          Map<String, TangentMethod> adapterTangents, Map<String, TangentMethod> callees)
            throws IOException {
        Map<String, TangentMethod> ownTangents = new LinkedHashMap<>();
        List<DerivedMethod> derived = new ArrayList<>();
        MethodIr first = null;
        LayerSource.Fields layers = LayerSources.of(owner, Trees.instance(processingEnv), processingEnv.getElementUtils(),
                processingEnv.getTypeUtils());
        for (ExecutableElement m : methods) {
            MethodIr ir = parsed.get(m);
            if (ir == null) {
                return;
            }
            first = ir;
            if (tangents.containsKey(ir.self().key())) {
                ownTangents.put(ir.name(), tangents.get(ir.self().key()));
            }
            DiagnosticReporter notes = new DiagnosticReporter(Trees.instance(processingEnv), processingEnv.getMessager());
            DerivedMethod d = withComponentNames(Differentiator.derive(ir,
                    RecursionChecker.checkpointedCallees(ir, List.copyOf(parsed.values())), note -> notes.report(note, m)));
            derived.add(fuses() ? optimised(d) : d);
            InputSpec spec = specs.getOrDefault(m, InputSpec.of(m)).withLayers(layers);
            verification.add(m, derived.getLast(), spec);
            if (tangents.containsKey(ir.self().key())) {
                verification.addTangent(m, derived.getLast(), tangents.get(ir.self().key()), spec);
            }
        }
        Map<String, String> directional = new LinkedHashMap<>();
        Set<String> ownNames = new java.util.HashSet<>();
        methods.forEach(m -> ownNames.add(m.getSimpleName().toString()));
        for (TangentMethod t : ownTangents.values()) {
            String name = dev.fluxion.processor.fwd.Directional.name(t.method().name());
            if (ownNames.contains(name) || ownNames.contains(Names.hvpMethod(t.method().name()))
                    || ownNames.contains(Names.hessianMethod(t.method().name()))) {
                continue;
            }
            try {
                var ir = ForwardModes.directional(t, callees);
                if (ir.isPresent()) {
                    derived.add(withComponentNames(Differentiator.derive(ir.get(), note -> { })));
                    verification.addCallable(derived.getLast());
                    directional.put(t.method().name(), name);
                    verification.addHvp(t, derived.getLast());
                }
            } catch (RuntimeException | StackOverflowError e) {
                // Second order is not supported for this method yet: it simply has no fHvp.
            }
        }
        Map<String, dev.fluxion.processor.model.ParameterHvp> parameterHvps = new LinkedHashMap<>();
        Map<String, dev.fluxion.processor.model.ParameterJvp> parameterJvps = new LinkedHashMap<>();
        for (ExecutableElement m : methods) {
            MethodIr ir = parsed.get(m);
            if (ir.takesModel()) {
                InputSpec spec = specs.getOrDefault(m, InputSpec.of(m)).withLayers(layers);
                ParameterHvps.of(ir, ownNames, FluxionProcessor::withComponentNames).ifPresent(h -> {
                    verification.addTangent(m, h.reverse(), h.tangent(), spec);
                    parameterJvps.put(ir.name(), new dev.fluxion.processor.model.ParameterJvp(h.tangent(),
                            h.form().paths()));
                    h.directional().filter(d -> !ownNames.contains(Names.hvpMethod(ir.name()))).ifPresent(d -> {
                        derived.add(d);
                        verification.addCallable(d);
                        verification.addHvp(h.tangent(), d);
                        parameterHvps.put(ir.name(), new dev.fluxion.processor.model.ParameterHvp(
                                d.method().name(), h.form().paths(), h.tangent().tangents()));
                    });
                });
            }
        }
        for (DerivedMethod adapter : adapters) {
            derived.add(withComponentNames(adapter));
            verification.addCallable(derived.getLast());
        }
        for (DerivedMethod custom : customRules.derivedFor(owner)) {
            derived.add(withComponentNames(custom));
            first = first == null ? custom.method() : first;
        }
        customRules.tangentsFor(owner).forEach(ownTangents::putIfAbsent);
        adapterTangents.forEach(ownTangents::putIfAbsent);
        JavaFile file;
        try {
            file = GradClassWriter.write(first.packageName(), first.ownerSimpleName(), derived, ownTangents,
                    directional, parameterHvps, parameterJvps, fuses());
        } catch (CodeTooLargeException e) {
            Element at = methods.stream().filter(m -> m.getSimpleName().contentEquals(e.method())).findFirst()
                    .map(Element.class::cast).orElse(owner);
            processingEnv.getMessager().printMessage(Kind.ERROR, Messages.CODE_TOO_LARGE.format(e.method(),
                    e.getMessage()), at);
            return;
        }
        String generated = file.packageName().isEmpty() ? file.typeSpec().name()
                : file.packageName() + "." + file.typeSpec().name();
        TypeElement existing = processingEnv.getElementUtils().getTypeElement(generated);
        if (existing != null && Trees.instance(processingEnv).getPath(existing) != null) {
            reportExisting(generated, owner);
            return;
        }
        TypeSpec withOrigin = file.typeSpec().toBuilder().addOriginatingElement(owner).build();
        try {
            JavaFile.builder(file.packageName(), withOrigin).skipJavaLangImports(true).indent("    ").build()
                    .writeTo(processingEnv.getFiler());
        } catch (FilerException e) {
            reportExisting(generated, owner);
        }
    }

    /** {@code d} after the opt passes: elementwise fusion, matmul epilogues, weight gradients into {@code .grad}. */
    private static DerivedMethod optimised(DerivedMethod d) {
        return dev.fluxion.processor.opt.GradientsInPlace.apply(
                dev.fluxion.processor.opt.MatmulEpilogues.apply(dev.fluxion.processor.opt.ElementwiseFusion.apply(d)));
    }

    /** Whether fusion (elementwise groups, matmul epilogues, gradients into {@code .grad}) is on ({@link #FUSE_OPTION}): anything but {@code false} keeps it on. */
    private boolean fuses() {
        return !"false".equalsIgnoreCase(processingEnv.getOptions().getOrDefault(FUSE_OPTION, "true").trim());
    }

    private void reportExisting(String generated, TypeElement owner) {
        processingEnv.getMessager().printMessage(Kind.ERROR,
                Messages.GENERATED_CLASS_EXISTS.format(generated, owner.getSimpleName()), owner);
    }

    /**
     * {@code d} with each gradient named by its gradient record component ({@link Names#gradientComponents}):
     * a parameter named {@code value} has the component {@code valueGrad}, which callers read.
     */
    private static DerivedMethod withComponentNames(DerivedMethod d) {
        List<String> params = d.method().params().stream().map(dev.fluxion.processor.ir.Param::name).toList();
        List<String> components = Names.gradientComponents(params);
        List<DerivedMethod.Gradient> renamed = d.gradients().stream()
                .map(g -> params.contains(g.name())
                        ? new DerivedMethod.Gradient(components.get(params.indexOf(g.name())), g.type(), g.value()) : g)
                .toList();
        return renamed.equals(d.gradients()) ? d : new DerivedMethod(d.method(), d.forward(), d.result(), d.cotangent(),
                d.backward(), renamed, d.saved(), d.steps(), d.fusedGrad());
    }

    /**
     * Runs {@code body}; an unexpected exception becomes one error at {@code element} (or on no
     * element, where null), carrying its stack trace for the bug report, as AutoValue's does.
     */
    private void guard(Element element, DiagnosticReporter reporter, Body body) {
        try {
            body.run();
        } catch (StackOverflowError e) {
            if (System.getenv("FLUXION_DEBUG_SOE") != null) { StackTraceElement[] st = e.getStackTrace(); for (int i = Math.max(0, st.length - 40); i < st.length; i++) System.err.println("SOE " + st[i]); }
            String what = element == null ? "this round" : element.getSimpleName().toString();
            processingEnv.getMessager().printMessage(Kind.ERROR, Messages.TOO_DEEP.format(what), element);
        } catch (Exception | LinkageError | AssertionError e) {
            String what = element == null ? "this round" : element.getSimpleName().toString();
            java.io.StringWriter trace = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(trace));
            processingEnv.getMessager().printMessage(Kind.ERROR,
                    Messages.PROCESSOR_BUG.format(what, e.getClass().getSimpleName() + ": " + e.getMessage())
                            + "\n" + trace, element);
        }
    }

    @FunctionalInterface
    private interface Body {
        void run() throws Exception;
    }
}

