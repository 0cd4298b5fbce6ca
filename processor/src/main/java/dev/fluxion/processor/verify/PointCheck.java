package dev.fluxion.processor.verify;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Stmts;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.Messages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import javax.tools.Diagnostic.Kind;

/**
 * The check at one point: the derived forward pass must give the method's value, and the derived
 * backward pass, for the result's cotangent (1 for a scalar result, a random {@code v} for a
 * tensor one), the gradient that {@link FiniteDifferences} estimate. Elements whose estimate
 * cannot be trusted, and infinite derived values where an intermediate value of the method
 * overflows, make the point unreliable (the caller tries another), never a failure; so do NaN
 * derived values there in straight-line code, as PyTorch's ({@code 0 × ∞} of a rounded-away
 * derivative), but not in code that branches or loops, whose backward skips zero cotangents.
 */
final class PointCheck {
    /** Elements compared per input at most (a subset, chosen by the seed, beyond that). */
    private static final int MAX_ELEMENTS = 48;

    /**
     * What one point showed: a failure, or why it could not be checked (numerically, or because
     * evaluating the derived passes failed), or neither (passed).
     */
    record Outcome(Diagnostic failure, String unreliable, boolean evaluationFailed) {
        Outcome(Diagnostic failure, String unreliable) {
            this(failure, unreliable, false);
        }
    }

    /** One input's worst element: its index and its derived and numerical partial derivative. */
    private record Element(Coordinate.Input input, int index, double derived, double numerical, double error) {}

    private final DerivedMethod derived;
    private final MethodIr method;
    private final Registry registry;
    private final String display;
    private final List<Coordinate.Input> inputs;
    private int points;
    private int coordinates;
    private double largest;

    private BranchSites sites;
    /**
     * Whether the derived backward skips zero cotangents ({@link Stmts#branchesOrLoops}): there a
     * NaN gradient cannot come from a value the result does not read, however much overflows, so
     * a NaN where finite differences measure a derivative is the derived code's fault.
     */
    private final boolean zeroCotangentsSkipped;

    PointCheck(DerivedMethod derived, Registry registry, String display, List<Coordinate.Input> inputs) {
        this.derived = derived;
        this.method = derived.method();
        this.zeroCotangentsSkipped = Stmts.branchesOrLoops(method.body().stmts());
        this.registry = registry;
        this.display = display;
        this.inputs = inputs;
    }

    int points() {
        return points;
    }

    int coordinates() {
        return coordinates;
    }

    double largest() {
        return largest;
    }

    /** Whether the derived backward skips zero cotangents, so that a NaN gradient is never excused. */
    boolean skipsZeroCotangents() {
        return zeroCotangentsSkipped;
    }

    /**
     * The path the method takes at {@code point} where it evaluates to a finite value while some
     * intermediate value overflows; null elsewhere.
     */
    Set<BranchSites.Direction> overflowingPath(Point point) {
        PathRecorder recorder = new PathRecorder(sites);
        Interpreter primal = new Interpreter(registry, Verifier.fieldsOf(point.fields())).watchingOverflow()
                .recording(recorder);
        try {
            for (double d : Point.flatten(primal.call(method, point.args()))) {
                if (!Double.isFinite(d)) {
                    return null;
                }
            }
            return primal.overflowed() ? recorder.path() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The method's forks: finite differences must not cross them. */
    void sites(BranchSites s) {
        this.sites = s;
    }

    /** The check at {@code point}; {@code path} describes its path for messages ({@link BranchSites#describe}). */
    Outcome at(Point point, String path, Random rng) {
        points++;
        PathRecorder recorder = new PathRecorder(sites);
        Interpreter primal = new Interpreter(registry, Verifier.fieldsOf(point.fields())).watchingOverflow()
                .recording(recorder);
        Object value = primal.call(method, point.args());
        boolean scalar = Point.flatten(value).length == 1;
        Object cotangent = scalar ? onesLike(value) : randomLike(value, rng);
        // Derived: forward, then backward with the cotangent, Parameters collecting field gradients.
        Map<List<String>, Object> params = new LinkedHashMap<>();
        Map<List<String>, Parameter> leaves = new HashMap<>();
        point.fields().forEach((field, v) -> {
            if (v instanceof LayerFields.Template t) {
                // A live layer: its own parameters collect the gradients its pullback accumulates.
                Object layer = t.build(name -> point.fields().get(LayerFields.parameterPath(field, name)));
                params.put(field, layer);
                LayerFields.Template.parameters(layer).forEach((name, p) -> {
                    params.put(LayerFields.parameterPath(field, name), p);
                    leaves.put(LayerFields.parameterPath(field, name), p);
                });
            }
        });
        point.fields().forEach((field, v) -> {
            if (params.containsKey(field)) {
                return;
            }
            if (v instanceof Tensor t) {
                Parameter p = Parameter.of(t);
                params.put(field, p);
                leaves.put(field, p);
            } else {
                params.put(field, v);
            }
        });
        Interpreter interp = new Interpreter(registry, Verifier.fieldsOf(params));
        Pullback pb;
        GradientValues g;
        try {
            pb = interp.forward(derived, point.args());
            g = interp.backward(pb, cotangent);
        } catch (RuntimeException e) {
            Throwable cause = e instanceof EvalException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof IndexOutOfBoundsException) {
                // The method evaluates here, its derivation reads past a tape or an array: the
                // generated code would fail the same way.
                return new Outcome(new Diagnostic(Kind.ERROR, Messages.DERIVED_PASS_FAILED, method.pos(),
                        List.of(display, point.describe(inputs), cause.toString())), null);
            }
            // Possibly a limit of the interpreter: another point may still check the method.
            return new Outcome(null, "evaluating its derived backward pass failed at " + point.describe(inputs)
                    + ": " + e.getMessage(), true);
        }
        double[] fv = Point.flatten(value);
        double[] dv = Point.flatten(pb.value());
        for (int i = 0; i < fv.length; i++) {
            if (dv.length != fv.length || !Verifier.closeValue(dv[i], fv[i])) {
                return new Outcome(new Diagnostic(Kind.ERROR, Messages.VALUE_MISMATCH, method.pos(),
                        List.of(display, Numbers.brief(pb.value()), Numbers.brief(value), point.describe(inputs))), null);
            }
        }
        if (!derived.fusedGrad().isEmpty()) {
            Diagnostic fused = FusedGradCheck.check(derived, display, interp, pb, point, inputs);
            if (fused != null) {
                return new Outcome(fused, null);
            }
        }
        FiniteDifferences fd = new FiniteDifferences(p -> sample(p, cotangent));
        FiniteDifferences.Sample here = sample(value, cotangent, recorder.path());
        String unreliable = null;
        Element worst = null;
        List<Element> perInput = new ArrayList<>();
        Map<Coordinate.Input, double[][]> all = new LinkedHashMap<>();
        for (Coordinate.Input in : inputs) {
            double[] derivedGrad = in.field() == null ? Point.flatten(g.components().get(component(in)))
                    : fieldGrad(leaves.get(in.field()), point.flat(in).length);
            int n = point.flat(in).length;
            if (derivedGrad.length != n) {
                throw new EvalException("the gradient of `" + in.name() + "` has " + derivedGrad.length
                        + " elements, the input " + n);
            }
            double[] numerical = new double[n];
            java.util.Arrays.fill(numerical, Double.NaN);
            all.put(in, new double[][] {derivedGrad, numerical});
            Element shown = null;
            for (int k : elements(n, rng)) {
                coordinates++;
                FiniteDifferences.Estimate e = fd.estimate(point, in, k, here);
                if (!e.reliable()) {
                    unreliable = "`" + in.name() + "`" + (n > 1 ? " element " + k : "") + ": " + e.unreliable();
                    continue;
                }
                numerical[k] = e.value();
                double d = derivedGrad[k];
                if (!Double.isFinite(d) && primal.overflowed() && !(Double.isNaN(d) && zeroCotangentsSkipped)) {
                    unreliable = "an intermediate value overflows at " + point.describe(inputs)
                            + ", and the derived ∂/∂" + in.name() + " is " + Numbers.num(d);
                    continue;
                }
                double err = Math.abs(d - e.value());
                double errOrInf = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
                largest = Math.max(largest, errOrInf);
                boolean agrees = e.accepts(d);
                String blind = agrees ? null : blindSpot(point, in, k, e.step());
                if (blind != null) {
                    unreliable = "at " + point.describe(inputs) + " finite differences in `" + in.name() + "`"
                            + (n > 1 ? " element " + k : "") + " cannot see the derivative: " + blind;
                    continue;
                }
                Element el = new Element(in, k, d, e.value(), agrees ? 0 : errOrInf);
                if (shown == null || el.error() > shown.error()) {
                    shown = el;
                }
                if (el.error() > 0 && (worst == null || el.error() > worst.error())) {
                    worst = el;
                }
            }
            if (shown != null) {
                perInput.add(shown);
            }
        }
        if (worst == null) {
            return new Outcome(null, unreliable);
        }
        return new Outcome(scalar ? scalarMismatch(point, path, worst, perInput)
                : tensorMismatch(point, path, worst, all), null);
    }

    /**
     * Why finite differences cannot see the derivative along element {@code k} of {@code in}
     * ({@link RoundingTrace}: rounding swallows or coarsens the step, or some operation is not
     * linear over it), or null where they can and a disagreement is the derived value's.
     */
    private String blindSpot(Point point, Coordinate.Input in, int k, double step) {
        try {
            RoundingTrace[] traces = new RoundingTrace[3];
            for (int i = 0; i < 3; i++) {
                Point p = i == 0 ? point : point.moved(in, k, i * step);
                traces[i] = new RoundingTrace();
                new Interpreter(registry, Verifier.fieldsOf(p.fields())).tracing(traces[i]).call(method, p.args());
            }
            return traces[0].blindSpot(traces[1], traces[2]);
        } catch (EvalException | ArithmeticException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** For a scalar result: each input's partial derivative, derived and numerical, the wrong one first. */
    private Diagnostic scalarMismatch(Point point, String path, Element worst, List<Element> perInput) {
        StringBuilder b = new StringBuilder(partial(point, worst));
        for (Element e : perInput) {
            if (e.input() != worst.input()) {
                b.append("; ").append(partial(point, e)).append(e.error() > 0 ? "" : " (agree)");
            }
        }
        return new Diagnostic(Kind.ERROR, Messages.GRADIENT_MISMATCH_SCALAR, method.pos(), List.of(display,
                worst.input().name(), point.describe(inputs) + path, b.toString(), Numbers.num(worst.error())));
    }

    private String partial(Point point, Element e) {
        String element = point.flat(e.input()).length > 1 ? "[" + e.index() + "]" : "";
        return "∂" + method.name() + "/∂" + e.input().name() + element + " derived " + Numbers.num(e.derived())
                + ", numerical " + Numbers.num(e.numerical());
    }

    /** For a tensor result: vᵀJ for the random cotangent v, as arrays shaped like the input. */
    private Diagnostic tensorMismatch(Point point, String path, Element worst, Map<Coordinate.Input, double[][]> all) {
        double[][] values = all.get(worst.input());
        Object input = point.get(worst.input());
        return new Diagnostic(Kind.ERROR, Messages.GRADIENT_MISMATCH, method.pos(), List.of(display,
                worst.input().name(), point.describe(inputs) + path, Numbers.brief(shapeLike(input, values[0])),
                Numbers.brief(shapeLike(input, values[1])), Numbers.num(worst.error()), Integer.toString(worst.index())));
    }

    private static Object shapeLike(Object input, double[] values) {
        return switch (input) {
            case Double d -> values[0];
            case Tensor t -> Tensor.fromArray(values, t.shape());
            default -> values;
        };
    }

    private static double[] fieldGrad(Parameter p, int n) {
        Tensor g = p == null ? null : p.grad();
        return g == null ? new double[n] : g.toDoubleArray();
    }

    /** ⟨v, f(p)⟩ and Σ|vᵢ·fᵢ|; a non-finite sample where the method does not evaluate at {@code p}. */
    private FiniteDifferences.Sample sample(Point p, Object cotangent) {
        try {
            PathRecorder recorder = new PathRecorder(sites);
            Object value = new Interpreter(registry, Verifier.fieldsOf(p.fields())).recording(recorder)
                    .call(method, p.args());
            return sample(value, cotangent, recorder.path());
        } catch (EvalException | ArithmeticException | IndexOutOfBoundsException e) {
            return new FiniteDifferences.Sample(Double.NaN, Double.NaN);
        }
    }

    private static FiniteDifferences.Sample sample(Object value, Object cotangent, Object path) {
        double[] f = Point.flatten(value);
        double[] v = Point.flatten(cotangent);
        double s = 0;
        double magnitude = 0;
        for (int i = 0; i < f.length; i++) {
            s += v[i] * f[i];
            magnitude += Math.abs(v[i] * f[i]);
        }
        return new FiniteDifferences.Sample(s, magnitude, path);
    }

    private static Object onesLike(Object value) {
        return switch (value) {
            case Tensor t -> Tensor.fromArray(new double[] {1.0}, t.shape());
            case double[] a -> new double[] {1.0};
            default -> 1.0;
        };
    }

    private static Object randomLike(Object value, Random rng) {
        return switch (value) {
            case Double d -> InputStyle.SIGNED.draw(rng);
            case Tensor t -> {
                double[] data = new double[t.numel()];
                for (int i = 0; i < data.length; i++) {
                    data[i] = InputStyle.SIGNED.draw(rng);
                }
                yield Tensor.fromArray(data, t.shape());
            }
            case double[] a -> {
                double[] data = new double[a.length];
                for (int i = 0; i < data.length; i++) {
                    data[i] = InputStyle.SIGNED.draw(rng);
                }
                yield data;
            }
            default -> throw new EvalException("cannot differentiate a result of type " + Values.describe(value));
        };
    }

    private static int[] elements(int n, Random rng) {
        if (n <= MAX_ELEMENTS) {
            return IntStream.range(0, n).toArray();
        }
        return rng.ints(0, n).distinct().limit(MAX_ELEMENTS).sorted().toArray();
    }

    /** The gradient record component of a parameter input ({@code valueGrad} for a parameter {@code value}). */
    private String component(Coordinate.Input in) {
        return dev.fluxion.processor.model.Names.gradientComponents(
                method.params().stream().map(dev.fluxion.processor.ir.Param::name).toList()).get(in.index());
    }
}
