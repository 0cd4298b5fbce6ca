package dev.fluxion.processor.fuzz;

import dev.fluxion.Tensor;
import dev.fluxion.processor.fuzz.Ast.Kind;
import dev.fluxion.processor.fuzz.Ast.Param;
import dev.fluxion.processor.fuzz.Ast.Program;
import dev.fluxion.processor.fuzz.Failure.Category;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Judges one compiled program at a few seeded points, independently of the processor: the user's
 * own method (plain Java, compiled without change) is the reference for the value, and float64
 * central differences of it for the gradient.
 *
 * <p>Per input element the step is {@code h = 1e-6·max(1, |x|)}; differences with steps h and h/2
 * must agree (else a branch boundary or kink lies within a step: the element is skipped and
 * counted), and the gradient must match their Richardson extrapolation within
 * {@code 1e-5 + 1e-4·|d|} plus the rounding noise of the differences. A point where the function
 * overflows is skipped and counted.
 */
final class Oracle {
    static final int POINTS = 2;
    private static final double VJP_SEED = 0.7;

    /** Counts over every program judged. */
    static final class Stats {
        long points;
        long coordinates;
        long nonSmoothSkips;
        long overflowSkips;
        /** Points where fJvp was checked against the gradient; programs without an fJvp. */
        long jvpPoints;
        long jvpMissing;
        /** H·v elements checked against central differences of the gradient. */
        long hvpElements;

        synchronized void add(Stats o) {
            hvpElements += o.hvpElements;
            jvpPoints += o.jvpPoints;
            jvpMissing += o.jvpMissing;
            points += o.points;
            coordinates += o.coordinates;
            nonSmoothSkips += o.nonSmoothSkips;
            overflowSkips += o.overflowSkips;
        }

        @Override
        public String toString() {
            return points + " points, " + coordinates + " gradient elements checked, " + nonSmoothSkips
                    + " skipped as non-smooth, " + overflowSkips + " points skipped as non-finite, " + jvpPoints
                    + " fJvp points checked, " + jvpMissing + " programs without fJvp, " + hvpElements
                    + " fHvp elements checked";
        }
    }

    private final Program program;
    private final Method user;
    private final Method forward;
    private final Method grad;
    private final Method vjp;
    /** {@code fJvp(args, tangents)}, or null where forward mode does not support the program yet. */
    private final Method jvp;
    /** {@code fHvp(args, v)}, or null where the program has none (a tangent rule without a second order). */
    private final Method hvp;
    private final Stats stats;

    private Oracle(Program program, Harness.Loaded loaded, Stats stats) {
        this.program = program;
        this.stats = stats;
        String name = program.main().name();
        Class<?>[] types = program.main().params().stream().map(Oracle::javaType).toArray(Class<?>[]::new);
        try {
            user = loaded.user().getDeclaredMethod(name, types);
            user.setAccessible(true);
            forward = loaded.grad().getMethod(name, types);
            grad = loaded.grad().getMethod(name + "Grad", types);
            vjp = loaded.grad().getMethod(name + "Vjp", types);
            jvp = jvpMethod(loaded.grad(), name, types, "Jvp");
            hvp = jvpMethod(loaded.grad(), name, types, "Hvp");
            if (jvp == null) {
                stats.jvpMissing++;
            }
        } catch (NoSuchMethodException e) {
            throw new AssertionError("generated class lacks " + e.getMessage(), e);
        }
    }

    /** Null when the program passes at every point, else the first failure. */
    static Failure judge(Program program, Harness.Loaded loaded, Stats stats) {
        try {
            Oracle o = new Oracle(program, loaded, stats);
            for (int p = 0; p < POINTS; p++) {
                Failure f = o.point(Seeds.random(program.seed() * 31 + p));
                if (f != null) {
                    return f;
                }
            }
            return null;
        } catch (AssertionError e) {
            return new Failure(Category.GENERATED_CODE_INVALID, "missing method", e.getMessage());
        }
    }

    private static Class<?> javaType(Param p) {
        return switch (p.kind()) {
            case DOUBLE, NOGRAD_DOUBLE -> double.class;
            case ARRAY -> double[].class;
            case TENSOR, NOGRAD_TENSOR -> Tensor.class;
        };
    }

    private Object[] sample(Random rnd) {
        return sample(program, rnd);
    }

    /** The parameter types of {@code program}'s method. */
    static Class<?>[] types(Program program) {
        return program.main().params().stream().map(Oracle::javaType).toArray(Class<?>[]::new);
    }

    /** Arguments for {@code program} at a seeded point. */
    static Object[] sample(Program program, Random rnd) {
        List<Param> ps = program.main().params();
        Object[] args = new Object[ps.size()];
        for (int i = 0; i < args.length; i++) {
            Param p = ps.get(i);
            args[i] = switch (p.kind()) {
                case DOUBLE, NOGRAD_DOUBLE -> uniform(rnd);
                case ARRAY -> {
                    double[] a = new double[program.arrayLength()];
                    for (int j = 0; j < a.length; j++) {
                        a[j] = uniform(rnd);
                    }
                    yield a;
                }
                case TENSOR, NOGRAD_TENSOR -> {
                    int n = p.shape().stream().reduce(1, (x, y) -> x * y);
                    double[] a = new double[n];
                    for (int j = 0; j < n; j++) {
                        a[j] = uniform(rnd) * 0.75;
                    }
                    yield Tensor.fromArray(a, p.shape().stream().mapToInt(Integer::intValue).toArray());
                }
            };
        }
        return args;
    }

    private static double uniform(Random rnd) {
        return Math.round((rnd.nextDouble() * 4 - 2) * 1e4) / 1e4;
    }

    /** Arguments printed as Java, for a failure message. */
    static String describe(Object[] args, List<Param> ps) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            out.add(ps.get(i).name() + " = " + show(args[i]));
        }
        return String.join(", ", out);
    }

    private static String show(Object v) {
        if (v instanceof double[] a) {
            return java.util.Arrays.toString(a);
        }
        if (v instanceof Tensor t) {
            return java.util.Arrays.toString(t.toDoubleArray()) + " shape " + java.util.Arrays.toString(t.shape());
        }
        return String.valueOf(v);
    }

    private static double scalar(Object v) {
        return v instanceof Tensor t ? t.item() : (Double) v;
    }

    private Object call(Method m, Object target, Object... args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private double userValue(Object[] args) {
        try {
            return scalar(call(user, null, copy(args)));
        } catch (Throwable t) {
            throw new GeneratorFault(t);
        }
    }

    /** The user's own method threw: the generator made a bad program. */
    private static final class GeneratorFault extends RuntimeException {
        GeneratorFault(Throwable cause) {
            super(cause);
        }
    }

    static Object[] copy(Object[] args) {
        Object[] c = args.clone();
        for (int i = 0; i < c.length; i++) {
            if (c[i] instanceof double[] a) {
                c[i] = a.clone();
            }
        }
        return c;
    }

    private Failure fail(Category c, String key, String what, Object[] args) {
        return new Failure(c, key, what + "\n    at " + describe(args, program.main().params()));
    }

    private static boolean close(double expected, double got, double atol, double rtol) {
        if (Double.isNaN(expected) && Double.isNaN(got)) {
            return true;
        }
        return Math.abs(expected - got) <= atol + rtol * Math.abs(expected);
    }

    private Failure point(Random rnd) {
        Object[] args = sample(rnd);
        double expected;
        try {
            expected = userValue(args);
        } catch (GeneratorFault e) {
            return fail(Category.GENERATOR_BUG, e.getCause().getClass().getSimpleName(),
                    "the user's method threw " + e.getCause(), args);
        }
        if (!Double.isFinite(expected) || Math.abs(expected) > 1e12) {
            stats.overflowSkips++;
            return null;
        }
        stats.points++;
        Object gradient;
        Object pullbackGradient;
        double fwd;
        try {
            fwd = scalar(call(forward, null, copy(args)));
            gradient = call(grad, null, copy(args));
            Object pullback = call(vjp, null, copy(args));
            Object seed = program.main().returnsTensor() ? Tensor.scalar(VJP_SEED) : (Object) VJP_SEED;
            Method backward = null;
            for (Method m : pullback.getClass().getMethods()) {
                if (m.getName().equals("backward") && m.getParameterCount() == 1) {
                    backward = m;
                }
            }
            pullbackGradient = call(backward, pullback, seed);
        } catch (Throwable t) {
            return fail(Category.GENERATED_CODE_THREW, t.getClass().getSimpleName(),
                    "generated code threw " + t, args);
        }
        if (!close(expected, fwd, 1e-12, 1e-9)) {
            return fail(Category.FORWARD_MISMATCH, "forward", "f: expected " + expected + ", generated " + fwd, args);
        }
        double value = scalar(component(gradient, "value"));
        if (!close(expected, value, 1e-12, 1e-9)) {
            return fail(Category.VALUE_MISMATCH, "fGrad value", "fGrad value: expected " + expected + ", got " + value, args);
        }
        List<Param> ps = program.main().params();
        for (int i = 0; i < ps.size(); i++) {
            Param p = ps.get(i);
            if (!p.differentiable()) {
                continue;
            }
            double[] g = elements(component(gradient, p.name()), args[i]);
            double[] gv = elements(component(pullbackGradient, p.name()), args[i]);
            int size = elements(null, args[i]).length;
            if (g.length != size || gv.length != size) {
                return fail(Category.GRADIENT_MISMATCH, "gradient shape", "d/d" + p.name() + " has " + g.length
                        + " elements (pullback " + gv.length + "), the input " + size, args);
            }
            for (int j = 0; j < g.length; j++) {
                Failure f = element(args, i, j, g[j], p.name() + (args[i] instanceof Double ? "" : "[" + j + "]"));
                if (f != null) {
                    return f;
                }
                if (!close(VJP_SEED * g[j], gv[j], 1e-12, 1e-9)) {
                    return fail(Category.VJP_MISMATCH, "vjp", "d/d" + p.name() + "[" + j + "]: fVjp.backward(" + VJP_SEED
                            + ") gives " + gv[j] + ", " + VJP_SEED + " × fGrad is " + VJP_SEED * g[j], args);
                }
            }
        }
        return jvp == null ? null : jvp(args, gradient, expected, rnd);
    }

    private Method jvpMethod(Class<?> grad, String name, Class<?>[] types, String suffix) {
        List<Class<?>> all = new ArrayList<>(List.of(types));
        List<Param> ps = program.main().params();
        for (int i = 0; i < ps.size(); i++) {
            if (ps.get(i).differentiable()) {
                all.add(types[i]);
            }
        }
        try {
            return grad.getMethod(name + suffix, all.toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /**
     * {@code fJvp(args, v)} for a random direction {@code v}: its value must be f's and its tangent
     * the (checked) gradient's dot product with {@code v}, ⟨∇f, v⟩, up to rounding.
     */
    private Failure jvp(Object[] args, Object gradient, double expected, Random rnd) {
        List<Param> ps = program.main().params();
        List<Object> all = new ArrayList<>(List.of(copy(args)));
        double dot = 0;
        double scale = 0;
        for (int i = 0; i < ps.size(); i++) {
            Param p = ps.get(i);
            if (!p.differentiable()) {
                continue;
            }
            double[] g = elements(component(gradient, p.name()), args[i]);
            double[] v = new double[g.length];
            for (int j = 0; j < v.length; j++) {
                v[j] = uniform(rnd);
                dot += g[j] * v[j];
                scale += Math.abs(g[j] * v[j]);
            }
            all.add(switch (args[i]) {
                case Double d -> v[0];
                case double[] a -> v;
                case Tensor t -> Tensor.fromArray(v, t.shape());
                default -> throw new IllegalArgumentException(String.valueOf(args[i]));
            });
        }
        if (!Double.isFinite(dot) || !Double.isFinite(scale)) {
            return null;
        }
        Object r;
        try {
            r = call(jvp, null, all.toArray());
        } catch (Throwable t) {
            return fail(Category.GENERATED_CODE_THREW, t.getClass().getSimpleName(), "fJvp threw " + t, args);
        }
        stats.jvpPoints++;
        double value = scalar(component(r, "value"));
        if (!close(expected, value, 1e-12, 1e-9)) {
            return fail(Category.JVP_MISMATCH, "fJvp value", "fJvp value: expected " + expected + ", got " + value, args);
        }
        double tangent = scalar(component(r, "tangent"));
        if (!(Math.abs(tangent - dot) <= 1e-10 + 1e-8 * scale)) {
            return fail(Category.JVP_MISMATCH, "fJvp tangent", "fJvp tangent " + tangent + ", <grad, v> = " + dot, args);
        }
        return hvp == null ? null : hvp(args, all.subList(args.length, all.size()).toArray());
    }

    /**
     * {@code fHvp(args, v)}: each element of H·v against the Richardson extrapolation of central
     * differences of {@code fGrad} along {@code v}, skipped where two steps disagree (a kink or branch).
     */
    private Failure hvp(Object[] args, Object[] v) {
        List<Object> all = new ArrayList<>(List.of(copy(args)));
        all.addAll(List.of(v));
        Object r;
        try {
            r = call(hvp, null, all.toArray());
        } catch (Throwable t) {
            return fail(Category.GENERATED_CODE_THREW, t.getClass().getSimpleName(), "fHvp threw " + t, args);
        }
        double h = 1e-5;
        Object gp = gradient(args, v, h);
        Object gm = gradient(args, v, -h);
        Object gp2 = gradient(args, v, h / 2);
        Object gm2 = gradient(args, v, -h / 2);
        if (gp == null || gm == null || gp2 == null || gm2 == null) {
            return null;
        }
        List<Param> ps = program.main().params();
        for (int i = 0; i < ps.size(); i++) {
            Param p = ps.get(i);
            if (!p.differentiable()) {
                continue;
            }
            double[] hv = elements(component(r, p.name()), args[i]);
            double[] a = elements(component(gp, p.name()), args[i]);
            double[] b = elements(component(gm, p.name()), args[i]);
            double[] a2 = elements(component(gp2, p.name()), args[i]);
            double[] b2 = elements(component(gm2, p.name()), args[i]);
            for (int j = 0; j < hv.length; j++) {
                double d1 = (a[j] - b[j]) / (2 * h);
                double d2 = (a2[j] - b2[j]) / h;
                double mag = Math.max(Math.abs(a[j]), Math.abs(b[j]));
                double noise = 1e-13 * mag / h;
                if (!Double.isFinite(d1) || !Double.isFinite(d2) || Math.abs(d1 - d2) > 1e-5 + 1e-4 * Math.abs(d2) + noise) {
                    continue;
                }
                double d = (4 * d2 - d1) / 3;
                stats.hvpElements++;
                if (!(Math.abs(hv[j] - d) <= 1e-4 + 1e-3 * Math.abs(d) + noise)) {
                    return fail(Category.HVP_MISMATCH, "fHvp", "(H v) of " + p.name() + "[" + j + "]: fHvp " + hv[j]
                            + ", central differences of fGrad " + d, args);
                }
            }
        }
        return null;
    }

    /** fGrad at args + h v (v for the differentiable parameters, in order), or null where it throws. */
    private Object gradient(Object[] args, Object[] v, double h) {
        Object[] moved = copy(args);
        List<Param> ps = program.main().params();
        int k = 0;
        for (int i = 0; i < ps.size(); i++) {
            if (!ps.get(i).differentiable()) {
                continue;
            }
            Object d = v[k++];
            moved[i] = switch (moved[i]) {
                case Double x -> x + h * (Double) d;
                case double[] x -> {
                    double[] out = x.clone();
                    for (int j = 0; j < out.length; j++) {
                        out[j] += h * ((double[]) d)[j];
                    }
                    yield out;
                }
                case Tensor x -> x.plus(((Tensor) d).times(h));
                default -> throw new IllegalArgumentException(String.valueOf(moved[i]));
            };
        }
        try {
            return call(grad, null, moved);
        } catch (Throwable t) {
            return null;
        }
    }

    /** Checks one gradient element against central differences with two steps. */
    private Failure element(Object[] args, int param, int index, double derived, String name) {
        double x = get(args[param], index);
        double h = 1e-6 * Math.max(1, Math.abs(x));
        double fp = at(args, param, index, x + h);
        double fm = at(args, param, index, x - h);
        double fp2 = at(args, param, index, x + h / 2);
        double fm2 = at(args, param, index, x - h / 2);
        double mag = Math.max(Math.max(Math.abs(fp), Math.abs(fm)), Math.max(Math.abs(fp2), Math.abs(fm2)));
        if (!Double.isFinite(mag)) {
            stats.nonSmoothSkips++;
            return null;
        }
        double d1 = (fp - fm) / (2 * h);
        double d2 = (fp2 - fm2) / h;
        double noise = 1e-13 * mag / h;
        if (Math.abs(d1 - d2) > 1e-6 + 1e-5 * Math.abs(d2) + noise) {
            stats.nonSmoothSkips++;
            return null;
        }
        stats.coordinates++;
        double d = (4 * d2 - d1) / 3;
        if (!Double.isFinite(derived)) {
            return fail(Category.NONFINITE_GRADIENT, "nonfinite",
                    "d/d" + name + ": derived " + derived + ", numerical " + d, args);
        }
        if (Math.abs(derived - d) > 1e-5 + 1e-4 * Math.abs(d) + noise) {
            return fail(Category.GRADIENT_MISMATCH, "gradient",
                    "d/d" + name + ": derived " + derived + ", numerical " + d, args);
        }
        return null;
    }

    private static double get(Object arg, int index) {
        return switch (arg) {
            case Double d -> d;
            case double[] a -> a[index];
            case Tensor t -> t.toDoubleArray()[index];
            default -> throw new IllegalArgumentException(String.valueOf(arg));
        };
    }

    private double at(Object[] args, int param, int index, double value) {
        Object[] c = copy(args);
        c[param] = switch (args[param]) {
            case Double d -> value;
            case double[] a -> {
                double[] b = a.clone();
                b[index] = value;
                yield b;
            }
            case Tensor t -> {
                double[] b = t.toDoubleArray();
                b[index] = value;
                yield Tensor.fromArray(b, t.shape());
            }
            default -> throw new IllegalArgumentException();
        };
        try {
            return userValue(c);
        } catch (GeneratorFault e) {
            return Double.NaN;
        }
    }

    /** A record component by name; null when the record has none (a parameter it dropped). */
    private static Object component(Object record, String name) {
        try {
            Method m = record.getClass().getMethod(name);
            m.setAccessible(true);
            return m.invoke(record);
        } catch (NoSuchMethodException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A gradient's elements (zeros where it is missing, shaped like the argument). */
    private static double[] elements(Object gradient, Object arg) {
        return switch (gradient) {
            case null -> new double[arg instanceof Double ? 1 : arg instanceof double[] a ? a.length
                    : ((Tensor) arg).numel()];
            case Double d -> new double[] {d};
            case double[] a -> a;
            case Tensor t -> t.toDoubleArray();
            default -> throw new IllegalArgumentException(String.valueOf(gradient));
        };
    }
}
