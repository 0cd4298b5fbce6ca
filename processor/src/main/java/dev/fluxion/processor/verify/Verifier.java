package dev.fluxion.processor.verify;

import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.processor.Messages;
import dev.fluxion.processor.check.Diagnostic;
import dev.fluxion.processor.diff.DerivedMethod;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import javax.tools.Diagnostic.Kind;

/**
 * Compile-time gradient verification: evaluates a method and its derived backward pass in float64
 * on small random inputs (seeded by the method's name, so builds are reproducible) and compares
 * the vector-Jacobian product {@code vᵀJ} for a random cotangent {@code v} with central finite
 * differences of {@code x ↦ ⟨v, f(x)⟩}, element by element (for a scalar result this is the
 * gradient itself).
 *
 * <p>Tolerances follow PyTorch's {@code gradcheck} for float64: step 1e-6, |derived − numerical| ≤
 * 1e-5 + 1e-3·|numerical|. Inputs stay away from 0, where relu, abs and max have kinks; where the
 * forward and backward one-sided differences still disagree (a kink or branch boundary is within
 * a step) the derived value may match either one, and a point where neither holds is dropped for
 * another. Where {@code fGrad} runs in one pass ({@link DerivedMethod#fusedGrad}), its value and
 * gradients must equal the pullback's for the seed 1 ({@link FusedGradCheck}). A pure function: a
 * derived method in, a report out.
 */
public final class Verifier {
    static final double EPS = 1e-6;
    static final double ATOL = 1e-5;
    static final double RTOL = 1e-3;
    /** Points tried when finite differences are unstable before the check is given up. */
    private static final int POINTS = 3;
    /** Input shape/value combinations tried when looking for a point the method accepts. */
    private static final int SEARCH = 200;
    /** Elements compared per input at most (a subset, chosen by the seed, beyond that). */
    private static final int MAX_ELEMENTS = 48;

    private final DerivedMethod derived;
    private final MethodIr method;
    private final Registry registry;
    private final InputSpec spec;
    private final VerifyMode mode;
    private final long seed;
    private final List<Coordinate.Input> inputs = new ArrayList<>();
    private final String display;
    private int points;
    private int coordinates;
    private double largest;

    private Verifier(DerivedMethod derived, Registry registry, InputSpec spec, VerifyMode mode, String display) {
        this.derived = derived;
        this.method = derived.method();
        this.registry = registry;
        this.spec = spec;
        this.mode = mode;
        this.display = display;
        this.seed = method.self().key().hashCode() * 0x9E3779B97F4A7C15L;
    }

    /** Verifies {@code derived}; {@code registry} holds the methods it calls. */
    public static VerificationReport verify(DerivedMethod derived, Registry registry, InputSpec spec, VerifyMode mode) {
        return verify(derived, registry, spec, mode, derived.method().name());
    }

    /** As {@link #verify(DerivedMethod, Registry, InputSpec, VerifyMode)}, naming the method {@code display}. */
    public static VerificationReport verify(DerivedMethod derived, Registry registry, InputSpec spec, VerifyMode mode,
                                            String display) {
        Verifier v = new Verifier(derived, registry, spec, mode, display);
        List<Diagnostic> out = mode == VerifyMode.OFF ? List.of() : v.run();
        return new VerificationReport(display, out, v.points, v.coordinates, v.largest);
    }

    private List<Diagnostic> run() {
        List<Expr.FieldRead> fields;
        Inputs gen;
        try {
            fields = FieldScan.of(method, registry);
            gen = new Inputs(method, spec, fields);
        } catch (EvalException e) {
            return skipped(e.getMessage());
        }
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
        if (inputs.isEmpty()) {
            return List.of();
        }
        Search search = new Search(gen);
        String lastProblem = "no point found";
        for (int attempt = 0; attempt < POINTS; attempt++) {
            Point point;
            try {
                point = search.next();
            } catch (EvalException e) {
                return skipped(e.getMessage());
            }
            if (point == null) {
                return skipped("no inputs found on which it evaluates (" + search.lastError + ")"
                        + (gen.unknown().isEmpty() ? "" : "; shapes inferred for " + String.join(", ", gen.unknown())));
            }
            points++;
            Outcome o;
            try {
                o = checkAt(point, new Random(seed + 7919L * attempt));
            } catch (EvalException e) {
                if (Boolean.getBoolean("fluxion.verify.debug")) {
                    System.err.println("fluxion verify: " + derived);
                }
                return skipped("evaluating its derived backward pass failed: " + e.getMessage());
            }
            if (o.failure != null) {
                return List.of(o.failure);
            }
            if (o.unstable == null) {
                return List.of();
            }
            lastProblem = o.unstable;
        }
        return skipped("finite differences were unstable at " + POINTS + " points (" + lastProblem + ")");
    }

    /** The gradient record component of a parameter input ({@code valueGrad} for a parameter {@code value}). */
    private String component(Coordinate.Input in) {
        return dev.fluxion.processor.Names.gradientComponents(method.params().stream().map(Param::name).toList())
                .get(in.index());
    }

    private List<Diagnostic> skipped(String why) {
        Kind kind = mode == VerifyMode.STRICT ? Kind.ERROR : Kind.NOTE;
        return List.of(new Diagnostic(kind, Messages.GRADIENT_NOT_VERIFIED, method.pos(), List.of(display, why)));
    }

    /** Finds points the method evaluates to a finite value on, trying shapes and value styles. */
    private final class Search {
        private static final InputStyle[][] STYLES = {
            {InputStyle.SIGNED, InputStyle.SIGNED}, {InputStyle.SIGNED, InputStyle.INDEX},
            {InputStyle.POSITIVE, InputStyle.POSITIVE}, {InputStyle.SIGNED, InputStyle.UNIT},
            {InputStyle.UNIT, InputStyle.UNIT}, {InputStyle.POSITIVE, InputStyle.INDEX},
            {InputStyle.UNIT, InputStyle.INDEX},
        };
        private final Inputs gen;
        private final List<Map<String, int[]>> shapes;
        private int style;
        private int shape;
        private int tried;
        private String lastError = "";
        private Map<String, int[]> found;
        private InputStyle[] foundStyle;

        Search(Inputs gen) {
            this.gen = gen;
            this.shapes = gen.assignments(SEARCH);
        }

        /** The next point: the first that evaluates, then fresh values with that shape and style. */
        Point next() {
            if (found != null) {
                Point p = gen.draw(found, foundStyle[0], foundStyle[1], new Random(seed + 31L * ++tried));
                return evaluates(p) ? p : null;
            }
            for (; style < STYLES.length; style++, shape = 0) {
                for (; shape < shapes.size() && tried < SEARCH; shape++) {
                    Point p = gen.draw(shapes.get(shape), STYLES[style][0], STYLES[style][1],
                            new Random(seed + 31L * ++tried));
                    if (evaluates(p)) {
                        found = shapes.get(shape);
                        foundStyle = STYLES[style];
                        return p;
                    }
                }
            }
            return null;
        }

        private boolean evaluates(Point p) {
            try {
                Object v = primal(p);
                for (double d : Point.flatten(v)) {
                    if (!Double.isFinite(d)) {
                        lastError = "the result is not finite";
                        return false;
                    }
                }
                return true;
            } catch (EvalException | ArithmeticException | IndexOutOfBoundsException e) {
                lastError = e.getMessage();
                return false;
            }
        }
    }

    private Object primal(Point p) {
        return new Interpreter(registry, fieldsOf(p.fields())).call(method, p.args());
    }

    private static Function<List<String>, Object> fieldsOf(Map<List<String>, Object> values) {
        return path -> {
            if (!values.containsKey(path)) {
                throw new EvalException("no value for field " + String.join(".", path));
            }
            return values.get(path);
        };
    }

    /** What one point showed: a failure, or instability (why), or neither (passed). */
    private record Outcome(Diagnostic failure, String unstable) {}

    private Outcome checkAt(Point point, Random rng) {
        Object value = primal(point);
        Object cotangent = randomLike(value, rng);
        // Derived: forward, then backward with the cotangent, Parameters collecting field gradients.
        Map<List<String>, Object> params = new LinkedHashMap<>();
        Map<List<String>, Parameter> leaves = new java.util.HashMap<>();
        point.fields().forEach((path, v) -> {
            if (v instanceof Tensor t) {
                Parameter p = Parameter.of(t);
                params.put(path, p);
                leaves.put(path, p);
            } else {
                params.put(path, v);
            }
        });
        Interpreter interp = new Interpreter(registry, fieldsOf(params));
        Pullback pb = interp.forward(derived, point.args());
        double[] fv = Point.flatten(value);
        double[] dv = Point.flatten(pb.value());
        for (int i = 0; i < fv.length; i++) {
            if (dv.length != fv.length || !close(dv[i], fv[i])) {
                return new Outcome(new Diagnostic(Kind.ERROR, Messages.VALUE_MISMATCH, method.pos(),
                        List.of(display, Numbers.brief(pb.value()), Numbers.brief(value), point.describe(inputs))), null);
            }
        }
        GradientValues g = interp.backward(pb, cotangent);
        if (!derived.fusedGrad().isEmpty()) {
            Diagnostic fused = FusedGradCheck.check(derived, display, interp, pb, point, inputs);
            if (fused != null) {
                return new Outcome(fused, null);
            }
        }
        String unstable = null;
        Mismatch worst = null;
        for (Coordinate.Input in : inputs) {
            double[] derivedGrad = in.field() == null ? Point.flatten(g.components().get(component(in)))
                    : fieldGrad(leaves.get(in.field()), point.flat(in).length);
            double[] numerical = new double[derivedGrad.length];
            int n = point.flat(in).length;
            if (derivedGrad.length != n) {
                throw new EvalException("the gradient of `" + in.name() + "` has " + derivedGrad.length
                        + " elements, the input " + n);
            }
            for (int k : elements(n, rng)) {
                coordinates++;
                double plus = loss(point.moved(in, k, EPS), cotangent);
                double minus = loss(point.moved(in, k, -EPS), cotangent);
                double here = loss(point, cotangent);
                double central = (plus - minus) / (2 * EPS);
                double forward = (plus - here) / EPS;
                double backward = (here - minus) / EPS;
                numerical[k] = central;
                double err = Math.abs(derivedGrad[k] - central);
                largest = Math.max(largest, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
                if (close(derivedGrad[k], central)) {
                    continue;
                }
                boolean stable = close(forward, central) && close(backward, central);
                if (!stable) {
                    if (close(derivedGrad[k], forward) || close(derivedGrad[k], backward)) {
                        continue; // at a kink: the derived value is one of the one-sided derivatives
                    }
                    unstable = "`" + in.name() + "` element " + k + ": one-sided differences "
                            + Numbers.num(forward) + " and " + Numbers.num(backward);
                    continue;
                }
                if (worst == null || err > worst.error) {
                    worst = new Mismatch(in, k, err, derivedGrad, numerical);
                }
            }
        }
        if (worst != null) {
            return new Outcome(new Diagnostic(Kind.ERROR, Messages.GRADIENT_MISMATCH, method.pos(), List.of(display,
                    worst.input.name(), point.describe(inputs), Numbers.brief(shapeLike(point.get(worst.input),
                    worst.derived)), Numbers.brief(shapeLike(point.get(worst.input), worst.numerical)),
                    Numbers.num(worst.error), Integer.toString(worst.element))), null);
        }
        return new Outcome(null, unstable);
    }

    private record Mismatch(Coordinate.Input input, int element, double error, double[] derived, double[] numerical) {}

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

    private double loss(Point p, Object cotangent) {
        double[] f = Point.flatten(primal(p));
        double[] v = Point.flatten(cotangent);
        double s = 0;
        for (int i = 0; i < f.length; i++) {
            s += v[i] * f[i];
        }
        return s;
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
            default -> throw new EvalException("cannot differentiate a result of type " + Values.describe(value));
        };
    }

    private static int[] elements(int n, Random rng) {
        if (n <= MAX_ELEMENTS) {
            return java.util.stream.IntStream.range(0, n).toArray();
        }
        return rng.ints(0, n).distinct().limit(MAX_ELEMENTS).sorted().toArray();
    }

    static boolean close(double a, double b) {
        return Math.abs(a - b) <= ATOL + RTOL * Math.abs(b);
    }
}
