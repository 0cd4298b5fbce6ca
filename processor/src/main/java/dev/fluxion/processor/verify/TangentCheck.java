package dev.fluxion.processor.verify;

import dev.fluxion.Tensor;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Stmt;
import dev.fluxion.processor.model.DerivedMethod;
import dev.fluxion.processor.model.Diagnostic;
import dev.fluxion.processor.model.InputSpec;
import dev.fluxion.processor.model.Messages;
import dev.fluxion.processor.model.TangentMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.tools.Diagnostic.Kind;

/**
 * The compile-time check of a method's forward mode: at random points (the reverse verifier's
 * input generator) and along a random direction {@code d}, the tangent {@code fJvp} computes must
 * equal the central difference {@code (f(x + h d) − f(x − h d)) / 2h} of the method itself,
 * evaluated in float64. A difference is trusted only where two steps ({@code h} = 1e-6 and 1e-5)
 * agree with each other (no kink, branch or cancellation within the step); a point where they do
 * not is replaced by another. Not yet checked: {@code Module} methods and methods whose forward
 * mode calls another method's {@code gJvp} (each callee is checked itself).
 */
final class TangentCheck {
    private static final double[] STEPS = {1e-6, 1e-5};
    private static final int POINTS = 6;
    private static final int WANTED = 2;

    private TangentCheck() {}

    static List<Diagnostic> check(TangentMethod t, DerivedMethod reverse, Registry registry, InputSpec spec) {
        return check(t, reverse, registry, spec, null);
    }

    /**
     * As {@link #check(TangentMethod, DerivedMethod, Registry, InputSpec)}; where {@code rule} is not
     * null the forward mode comes from a {@code @Derivative} rule (its body calls the primal and the
     * rule, plain methods the interpreter runs), and a mismatch is reported at the rule.
     */
    static List<Diagnostic> check(TangentMethod t, DerivedMethod reverse, Registry registry, InputSpec spec,
                                  VerificationPhase.RuleSite rule) {
        MethodIr m = t.method();
        if (m.takesModel() || rule == null && callsUserCode(t.body())) {
            return List.of();
        }
        Inputs gen = new Inputs(m, spec, List.of(), java.util.Map.of(), java.util.Map.of(),
                SliceShapes.of(m, key -> registry.derived(key).map(DerivedMethod::method)));
        long seed = m.self().key().hashCode() * 0x9E3779B97F4A7C15L + 101;
        ShapeSearch search = new ShapeSearch(gen, seed, p -> finite(value(m, registry, p)));
        List<Coordinate.Input> inputs = differentiableInputs(m);
        int checked = 0;
        for (int attempt = 0; attempt < POINTS && checked < WANTED; attempt++) {
            Point p = attempt == 0 ? search.next() : search.varied(attempt - 1);
            if (p == null) {
                continue;
            }
            Random rng = new Random(seed + 7919L * attempt);
            List<Object> direction = randomDirection(m, p, rng);
            double[] tangent;
            double[][] fd = new double[STEPS.length][];
            double[][] noise = new double[STEPS.length][];
            try {
                tangent = Point.flatten(tangent(t, registry, p, direction));
                for (int s = 0; s < STEPS.length; s++) {
                    double[] plus = Point.flatten(value(m, registry, moved(m, p, direction, STEPS[s])));
                    double[] minus = Point.flatten(value(m, registry, moved(m, p, direction, -STEPS[s])));
                    fd[s] = new double[plus.length];
                    noise[s] = new double[plus.length];
                    for (int k = 0; k < plus.length; k++) {
                        fd[s][k] = (plus[k] - minus[k]) / (2 * STEPS[s]);
                        // Rounding of the values themselves: 1e17 + x moves by nothing at any step.
                        noise[s][k] = 1e-13 * Math.max(Math.abs(plus[k]), Math.abs(minus[k])) / STEPS[s];
                    }
                }
            } catch (RuntimeException e) {
                continue; // the interpreter's limits: another point, or no check
            }
            if (tangent.length != fd[0].length) {
                continue;
            }
            if (!finite(box(tangent)) && overflows(m, registry, p)) {
                // An intermediate value overflows: forward mode's (1 − tanh²)·∞ is NaN where the
                // derivative is 0, as in PyTorch's forward AD; finite differences cannot judge it.
                continue;
            }
            boolean reliable = true;
            int wrong = -1;
            for (int k = 0; k < tangent.length; k++) {
                double a = fd[0][k];
                double b = fd[1][k];
                double rounding = Math.max(noise[0][k], noise[1][k]);
                if (!Double.isFinite(a) || !Double.isFinite(b) || Math.abs(a - b) > 1e-6 + 1e-4 * Math.abs(a) + rounding
                        || rounding > 1e-3 * Math.max(1, Math.abs(a))) {
                    reliable = false;
                    break;
                }
                if (!Verifier.close(tangent[k], a) && !Verifier.close(tangent[k], b)) {
                    wrong = k;
                }
            }
            if (!reliable) {
                continue;
            }
            if (wrong >= 0 && agreesWithReverse(reverse, registry, p, direction, tangent, rng)) {
                // Rounding inside the method hides the derivative from finite differences (1e17 + x);
                // forward and reverse mode, derived independently, agree.
                continue;
            }
            if (wrong >= 0 && rule != null) {
                return List.of(new Diagnostic(Kind.ERROR, Messages.FORWARD_RULE_MISMATCH, rule.pos(), List.of(
                        rule.display(), p.describe(inputs), Numbers.brief(box(tangent)), Numbers.brief(box(fd[0])),
                        m.name())));
            }
            if (wrong >= 0) {
                return List.of(new Diagnostic(Kind.ERROR, Messages.TANGENT_MISMATCH, m.pos(), List.of(m.name(),
                        p.describe(inputs), Numbers.brief(box(tangent)), Numbers.brief(box(fd[0])))));
            }
            checked++;
        }
        return List.of();
    }

    /**
     * The dot-product test: ⟨u, J·d⟩ from the tangent equals ⟨Jᵀ·u, d⟩ from the reverse pass, for
     * u = 1 (a scalar result) or a random u.
     */
    private static boolean agreesWithReverse(DerivedMethod reverse, Registry registry, Point p, List<Object> direction,
                                             double[] tangent, Random rng) {
        try {
            Interpreter interp = new Interpreter(registry, Verifier.fieldsOf(p.fields()));
            Pullback pb = interp.forward(reverse, p.args());
            double[] u = new double[tangent.length];
            Object cotangent;
            if (pb.value() instanceof Tensor v) {
                for (int k = 0; k < u.length; k++) {
                    u[k] = tangent.length == 1 ? 1 : rng.nextGaussian();
                }
                cotangent = Tensor.fromArray(u, v.shape());
            } else if (pb.value() instanceof double[]) {
                for (int k = 0; k < u.length; k++) {
                    u[k] = rng.nextGaussian();
                }
                cotangent = u;
            } else {
                u[0] = 1;
                cotangent = 1.0;
            }
            GradientValues g = interp.backward(pb, cotangent);
            double forward = 0;
            for (int k = 0; k < u.length; k++) {
                forward += u[k] * tangent[k];
            }
            double backward = 0;
            double scale = 0;
            for (int k = 0; k < reverse.gradients().size(); k++) {
                double[] gk = Point.flatten(g.components().get(reverse.gradients().get(k).name()));
                double[] dk = Point.flatten(direction.get(k));
                for (int j = 0; j < gk.length; j++) {
                    backward += gk[j] * dk[j];
                    scale += Math.abs(gk[j] * dk[j]);
                }
            }
            if (!Double.isFinite(forward) && !Double.isFinite(backward)) {
                return true; // an intermediate overflows (0 · ∞ in both modes): nothing to compare
            }
            return Math.abs(forward - backward) <= 1e-9 + 1e-7 * scale;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static Object box(double[] v) {
        return v.length == 1 ? (Object) v[0] : v;
    }

    static boolean finite(Object v) {
        for (double d : Point.flatten(v)) {
            if (!Double.isFinite(d)) {
                return false;
            }
        }
        return true;
    }

    /** Whether some intermediate value of {@code m} overflows at {@code p}. */
    private static boolean overflows(MethodIr m, Registry registry, Point p) {
        Interpreter primal = new Interpreter(registry, Verifier.fieldsOf(p.fields())).watchingOverflow();
        try {
            primal.call(m, p.args());
        } catch (RuntimeException e) {
            return false;
        }
        return primal.overflowed();
    }

    static Object value(MethodIr m, Registry registry, Point p) {
        try {
            return new Interpreter(registry, Verifier.fieldsOf(p.fields())).call(m, p.args());
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Runs the tangent statements on the point's arguments and {@code direction}; returns the tangent. */
    static Object tangent(TangentMethod t, Registry registry, Point p, List<Object> direction) {
        MethodIr m = t.method();
        List<Param> params = new ArrayList<>(m.params());
        params.addAll(t.tangents());
        MethodIr withTangents = new MethodIr(m.self(), m.packageName(), m.ownerSimpleName(), m.ownerIsModule(), params,
                m.body(), m.pos());
        DerivedMethod asForward = new DerivedMethod(withTangents, t.body(), t.tangent(), "", List.of(), List.of(),
                List.of(), List.of());
        List<Object> args = new ArrayList<>(p.args());
        args.addAll(direction);
        return new Interpreter(registry, Verifier.fieldsOf(p.fields())).forward(asForward, args).value();
    }

    static Point moved(MethodIr m, Point p, List<Object> direction, double h) {
        List<Object> args = new ArrayList<>(p.args());
        int k = 0;
        for (int i = 0; i < m.params().size(); i++) {
            if (m.params().get(i).differentiable()) {
                args.set(i, axpy(args.get(i), direction.get(k++), h));
            }
        }
        return new Point(args, p.fields());
    }

    static Object axpy(Object x, Object d, double h) {
        return switch (x) {
            case Double v -> v + h * (Double) d;
            case double[] a -> {
                double[] out = a.clone();
                double[] da = (double[]) d;
                for (int i = 0; i < out.length; i++) {
                    out[i] += h * da[i];
                }
                yield out;
            }
            case Tensor tx -> tx.plus(((Tensor) d).times(h));
            default -> throw new EvalException("cannot move " + Values.describe(x));
        };
    }

    static Object randomLike(Object x, Random rng) {
        return switch (x) {
            case Double v -> rng.nextGaussian();
            case double[] a -> {
                double[] out = new double[a.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = rng.nextGaussian();
                }
                yield out;
            }
            case Tensor tx -> Tensor.randn(rng, tx.shape()).toDouble();
            default -> throw new EvalException("cannot draw a direction like " + Values.describe(x));
        };
    }

    static boolean callsUserCode(List<Stmt> stmts) {
        for (Stmt s : stmts) {
            if (dev.fluxion.processor.ir.Exprs.vars(s) != null && mentionsUser(s)) {
                return true;
            }
        }
        return false;
    }

    private static boolean mentionsUser(Stmt s) {
        return switch (s) {
            case Stmt.Let l -> l.init() != null && user(l.init());
            case Stmt.Assign a -> user(a.value());
            case Stmt.If i -> user(i.condition()) || callsUserCode(i.then().stmts()) || callsUserCode(i.otherwise().stmts());
            case Stmt.While w -> user(w.condition()) || callsUserCode(w.body().stmts());
            case Stmt.Block b -> callsUserCode(b.stmts());
            default -> false;
        };
    }

    private static boolean user(Expr e) {
        if (e instanceof Expr.Call c && (c.callee() instanceof Callee.User
                || c.callee() instanceof Callee.Static st && !st.ownerQualifiedName().startsWith("dev.fluxion."))) {
            return true;
        }
        return e.children().stream().anyMatch(TangentCheck::user);
    }

    /** The method's differentiable parameters as inputs of a check, in order. */
    static List<Coordinate.Input> differentiableInputs(MethodIr m) {
        List<Coordinate.Input> inputs = new ArrayList<>();
        for (int i = 0; i < m.params().size(); i++) {
            if (m.params().get(i).differentiable()) {
                inputs.add(new Coordinate.Input(m.params().get(i).name(), i, null));
            }
        }
        return inputs;
    }

    /** A random direction at {@code p}: one value shaped like each differentiable argument. */
    static List<Object> randomDirection(MethodIr m, Point p, Random rng) {
        List<Object> direction = new ArrayList<>();
        for (int i = 0; i < m.params().size(); i++) {
            if (m.params().get(i).differentiable()) {
                direction.add(randomLike(p.args().get(i), rng));
            }
        }
        return direction;
    }
}
