package dev.fluxion.processor.verify;

import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.InputSpec;
import dev.fluxion.processor.model.Messages;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import javax.tools.Diagnostic.Kind;

/**
 * Compile-time gradient verification: evaluates a method and its derived backward pass in float64
 * on small random inputs (seeded by the method's name, so builds are reproducible) and compares
 * the derived gradient with finite differences ({@link FiniteDifferences}): for a scalar result
 * each input's partial derivatives, for a tensor result the vector-Jacobian product {@code vᵀJ}
 * for a random cotangent {@code v}.
 *
 * <p>Where the method branches or loops, one point is not enough: a wrong derivative on one branch
 * direction passes at points that take the other. So the verifier first explores: it draws varied
 * points ({@link ShapeSearch#varied}), records the path each takes ({@link PathRecorder}: branch
 * directions, loop exits, trip-count classes) and keeps drawing while coverage grows
 * ({@link PathSearch}); then it verifies at one point per distinct path, the paths that covered a
 * new direction first. A point where finite differences cannot be trusted (cancellation, overflow,
 * a kink within every step) is replaced by another point of the same path; such a point is never a
 * reason to fail. Last, where the method branches or loops, it checks one large point where an
 * intermediate value overflows and the result does not ({@link #probeOverflow}): a value left
 * behind there must not turn the gradient into NaN. Where {@code fGrad} runs in one pass ({@link DerivedMethod#fusedGrad}), its value
 * and gradients must equal the pullback's ({@link FusedGradCheck}). A pure function: a derived
 * method in, a report out.
 */
public final class Verifier {
    static final double ATOL = 1e-5;
    static final double RTOL = 1e-3;
    /** Points tried per path (the path's own, then fresh ones) before the path is given up. */
    private static final int TRIES_PER_PATH = 5;
    /** Statements the path search may evaluate, over all its points. */
    private static final long SEARCH_BUDGET = 2_000_000;
    /** Large points drawn to find one where an intermediate value overflows ({@link #probeOverflow}). */
    private static final int OVERFLOW_PROBES = 6;

    /**
     * How to verify: the seed of the random draws, and whether to explore paths (off: the first
     * point only, as the verifier before path coverage did; for tests that show the difference).
     */
    record Options(long seed, boolean coverage) {
        static Options of(MethodIr m) {
            return new Options(m.self().key().hashCode() * 0x9E3779B97F4A7C15L, true);
        }
    }

    private final DerivedMethod derived;
    private final MethodIr method;
    private final Registry registry;
    private final InputSpec spec;
    private final VerifyMode mode;
    private final Options options;
    private final List<Coordinate.Input> inputs = new ArrayList<>();
    private final String display;
    private final PointCheck check;
    private BranchSites sites;
    private long searchSteps;
    private String lastError = "";
    private VerificationReport.Coverage coverage = VerificationReport.Coverage.NONE;

    private Verifier(DerivedMethod derived, Registry registry, InputSpec spec, VerifyMode mode, String display,
                     Options options) {
        this.derived = derived;
        this.method = derived.method();
        this.registry = registry;
        this.spec = spec;
        this.mode = mode;
        this.display = display;
        this.options = options;
        this.check = new PointCheck(derived, registry, display, inputs);
    }

    /** Verifies {@code derived}; {@code registry} holds the methods it calls. */
    public static VerificationReport verify(DerivedMethod derived, Registry registry, InputSpec spec, VerifyMode mode) {
        return verify(derived, registry, spec, mode, derived.method().name());
    }

    /** As {@link #verify(DerivedMethod, Registry, InputSpec, VerifyMode)}, naming the method {@code display}. */
    public static VerificationReport verify(DerivedMethod derived, Registry registry, InputSpec spec, VerifyMode mode,
                                            String display) {
        return verify(derived, registry, spec, mode, display, Options.of(derived.method()));
    }

    static VerificationReport verify(DerivedMethod derived, Registry registry, InputSpec spec, VerifyMode mode,
                                     String display, Options options) {
        Verifier v = new Verifier(derived, registry, spec, mode, display, options);
        List<Diagnostic> out = mode == VerifyMode.OFF ? List.of() : v.run();
        return new VerificationReport(display, out, v.check.points(), v.check.coordinates(), v.check.largest(),
                v.coverage);
    }

    private List<Diagnostic> run() {
        // A class whose layers are built from its constructor's parameters is tried with each
        // candidate value of them in turn (LayerFields.constructorValues); one binding otherwise.
        List<Map<String, Object>> bindings = LayerFields.constructorValues(spec);
        String why = null;
        for (Map<String, Object> binding : bindings) {
            List<Expr.FieldRead> fields;
            Inputs gen;
            try {
                FieldScan.Found found = FieldScan.of(method, registry, spec.layers(), binding);
                fields = found.fields();
                gen = new Inputs(method, spec, fields, found.layers(), found.lists(),
                        SliceShapes.of(method, key -> registry.derived(key).map(DerivedMethod::method)));
            } catch (EvalException e) {
                why = e.getMessage();
                continue;
            }
            if (sites == null) {
                collectInputs(fields);
                if (inputs.isEmpty()) {
                    return List.of();
                }
                sites = BranchSites.of(method);
                check.sites(sites);
            }
            if (!spec.sample().isEmpty()) {
                return verifyOnSample();
            }
            ShapeSearch search = new ShapeSearch(gen, options.seed(), p -> pathOf(p, false) != null);
            Point first;
            try {
                first = search.next();
            } catch (EvalException e) {
                why = e.getMessage();
                continue;
            }
            if (first == null) {
                why = "no inputs found on which it evaluates (" + lastError + ")"
                        + (gen.unknown().isEmpty() ? "" : "; shapes inferred for " + String.join(", ", gen.unknown()));
                continue;
            }
            return verifyFrom(first, search);
        }
        return skipped(why + (bindings.size() > 1 ? "; its layers are built from constructor parameters, tried with "
                + LayerFields.describe(bindings) : ""));
    }

    private List<Diagnostic> verifyFrom(Point first, ShapeSearch search) {
        List<List<PathSearch.Candidate>> groups;
        PathSearch.Candidate start = new PathSearch.Candidate(first, pathOf(first, false));
        if (sites.isEmpty() || !options.coverage()) {
            groups = List.of(List.of(start));
        } else {
            groups = new PathSearch(sites.directions(), p -> pathOf(p, true), search::varied, () -> searchSteps > SEARCH_BUDGET)
                    .explore(start);
        }
        return verifyAt(groups, search);
    }

    /**
     * Verifies at the points of {@code @Differentiable(verifyWith = ...)}: the sample, then
     * perturbed copies of it where finite differences cannot be trusted there ({@link SampleInputs}).
     */
    private List<Diagnostic> verifyOnSample() {
        Point sample;
        try {
            sample = SampleInputs.point(method, spec.sample(), registry);
        } catch (EvalException | ArithmeticException | IndexOutOfBoundsException | NegativeArraySizeException
                 | ClassCastException e) {
            return skipped("evaluating the verifyWith sample failed (" + e.getMessage() + ")");
        }
        Random rng = new Random(options.seed());
        List<PathSearch.Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < TRIES_PER_PATH; i++) {
            Point p = i == 0 ? sample : SampleInputs.perturbed(method, sample, rng);
            Set<BranchSites.Direction> path = pathOf(p, false);
            if (path != null) {
                candidates.add(new PathSearch.Candidate(p, path));
            }
        }
        if (candidates.isEmpty()) {
            return skipped("the verifyWith sample does not evaluate (" + lastError + ")");
        }
        return verifyAt(List.of(candidates), null);
    }

    /**
     * Checks the gradient at one point per group of candidates (trying the group's next one, then
     * fresh points from {@code search} where it is not null, while a point is unreliable).
     */
    private List<Diagnostic> verifyAt(List<List<PathSearch.Candidate>> groups, ShapeSearch search) {
        Set<BranchSites.Direction> verified = new LinkedHashSet<>();
        int verifiedPoints = 0;
        int attempt = 0;
        int fresh = 0;
        List<String> problems = new ArrayList<>(); // finite differences could not be trusted
        List<String> failures = new ArrayList<>(); // evaluation failed
        for (List<PathSearch.Candidate> group : groups) {
            for (int t = 0; t < TRIES_PER_PATH; t++) {
                PathSearch.Candidate c = t < group.size() ? group.get(t)
                        : search == null ? null : freshCandidate(search, fresh++);
                if (c == null) {
                    continue;
                }
                PointCheck.Outcome o;
                try {
                    o = check.at(c.point(), sites.describe(c.path()), new Random(options.seed() + 7919L * attempt++));
                } catch (EvalException e) {
                    if (Boolean.getBoolean("fluxion.verify.debug")) {
                        System.err.println("fluxion verify: " + derived);
                    }
                    failures.add("evaluating it failed: " + e.getMessage());
                    continue;
                }
                if (o.failure() != null) {
                    return List.of(o.failure());
                }
                if (o.unreliable() == null) {
                    verifiedPoints++;
                    verified.addAll(c.path());
                    break;
                }
                (o.evaluationFailed() ? failures : problems).add(o.unreliable());
            }
            if (!options.coverage()) {
                break;
            }
        }
        if (verifiedPoints > 0 && check.skipsZeroCotangents() && options.coverage() && search != null) {
            Diagnostic overflow = probeOverflow(search);
            if (overflow != null) {
                return List.of(overflow);
            }
        }
        if (verifiedPoints == 0 && problems.isEmpty()) {
            return skipped(summary(failures));
        }
        if (verifiedPoints == 0) {
            return List.of(new Diagnostic(mode == VerifyMode.STRICT ? Kind.ERROR : Kind.NOTE,
                    Messages.GRADIENT_NOT_CHECKABLE, method.pos(), List.of(display,
                    Integer.toString(check.points()), summary(problems))));
        }
        coverage = VerificationReport.Coverage.of(sites, verified, verifiedPoints);
        return List.of();
    }

    /**
     * Checks the gradient at one large point where an intermediate value overflows but the result
     * does not (a failure or null): in a body with branches or loops, a value overwritten at run
     * time after it overflowed must leave no NaN in the gradient ({@link PointCheck#skipsZeroCotangents}).
     * Points that cannot be checked there are passed over; they say nothing of the derivation.
     */
    private Diagnostic probeOverflow(ShapeSearch search) {
        for (int i = 0; i < OVERFLOW_PROBES; i++) {
            Point p = search.large(i);
            Set<BranchSites.Direction> path = p == null ? null : check.overflowingPath(p);
            if (path == null) {
                continue;
            }
            PointCheck.Outcome o;
            try {
                o = check.at(p, sites.describe(path), new Random(options.seed() + 15485863L * i));
            } catch (EvalException e) {
                continue;
            }
            if (o.failure() != null) {
                return o.failure();
            }
            if (o.unreliable() == null) {
                return null;
            }
        }
        return null;
    }

    /** A fresh point to try where a path's own points were all unreliable: any evaluating point. */
    private PathSearch.Candidate freshCandidate(ShapeSearch search, int i) {
        Point p = i < 1 ? search.next() : search.rescaled(i - 1);
        if (p == null) {
            return null;
        }
        Set<BranchSites.Direction> path = pathOf(p, false);
        return path == null ? null : new PathSearch.Candidate(p, path);
    }

    private static String summary(List<String> problems) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(problems));
        String first = distinct.isEmpty() ? "no point evaluated" : distinct.getFirst();
        return distinct.size() <= 1 ? first : first + "; and " + (distinct.size() - 1) + " other reason"
                + (distinct.size() == 2 ? "" : "s") + " elsewhere";
    }

    private void collectInputs(List<Expr.FieldRead> fields) {
        for (int i = 0; i < method.params().size(); i++) {
            Param p = method.params().get(i);
            if (p.differentiable()) {
                inputs.add(new Coordinate.Input(p.name(), i, null));
            }
        }
        if (method.takesModel()) {
            for (Expr.FieldRead f : fields) {
                if (f.parameter()) {
                    inputs.add(new Coordinate.Input(String.join(".", f.path()), -1, f.path()));
                }
            }
        }
    }

    /** The path the method takes at {@code p}, or null where it does not evaluate to a finite value. */
    private Set<BranchSites.Direction> pathOf(Point p, boolean budgeted) {
        PathRecorder recorder = new PathRecorder(sites == null ? BranchSites.of(method) : sites);
        Interpreter interp = new Interpreter(registry, fieldsOf(p.fields())).recording(recorder);
        try {
            Object v = interp.call(method, p.args());
            for (double d : Point.flatten(v)) {
                if (!Double.isFinite(d)) {
                    lastError = "the result is not finite";
                    return null;
                }
            }
            return recorder.path();
        } catch (EvalException | ArithmeticException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            lastError = e.getMessage();
            return null;
        } finally {
            if (budgeted) {
                searchSteps += interp.steps();
            }
        }
    }

    private List<Diagnostic> skipped(String why) {
        Kind kind = mode == VerifyMode.STRICT ? Kind.ERROR : Kind.NOTE;
        return List.of(new Diagnostic(kind, Messages.GRADIENT_NOT_VERIFIED, method.pos(), List.of(display, why)));
    }

    /**
     * Reads fields from {@code values}; a layer field ({@link LayerFields.Template}) reads as a live
     * layer holding the values of its parameters' fields.
     */
    static Function<List<String>, Object> fieldsOf(Map<List<String>, Object> values) {
        return path -> {
            if (!values.containsKey(path)) {
                throw new EvalException("no value for field " + String.join(".", path));
            }
            Object v = values.get(path);
            return v instanceof LayerFields.Template t
                    ? t.build(name -> values.get(LayerFields.parameterPath(path, name))) : v;
        };
    }

    static boolean close(double a, double b) {
        return Math.abs(a - b) <= ATOL + RTOL * Math.abs(b);
    }

    /**
     * Whether the derived forward pass's value {@code a} is the method's value {@code b}. Both come
     * from the same float64 operations (but for regrouped long sums), so the absolute part of the
     * tolerance shrinks with the values: with a fixed 1e-5, a value of 1e-11 that was off by a
     * factor of 2 (a dropped {@code w = w * 2}) passed.
     */
    static boolean closeValue(double a, double b) {
        double magnitude = Math.max(Math.abs(a), Math.abs(b));
        return a == b || Math.abs(a - b) <= ATOL * Math.min(1, magnitude) + RTOL * magnitude;
    }
}
