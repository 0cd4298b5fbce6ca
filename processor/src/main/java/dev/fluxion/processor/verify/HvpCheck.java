package dev.fluxion.processor.verify;

import dev.fluxion.Tensor;
import dev.fluxion.processor.ir.MethodIr;
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
 * The compile-time check of {@code fHvp}: at random points and along a random direction {@code v},
 * the Hessian-vector product (the gradient of {@code fDirectional}, as the generated code computes
 * it) against central differences of the method's gradient, {@code (∇f(x + hv) − ∇f(x − hv)) / 2h},
 * at two steps. A point where the two steps disagree (a kink, a branch flip), or where rounding or a
 * fast sine inside the tangent program hides the step from finite differences ({@link RoundingTrace}),
 * is skipped, as in {@link TangentCheck}.
 * <p>
 * Tensor methods only: there {@code fDirectional} calls the expanded tangent rules
 * ({@code ExpandedTangentRules}), which no other check covers, and, for a method with calls, the
 * callees' tangent statements written into the caller's ({@code CallInlining}), which neither
 * the callee's checks nor the caller's tangent check (skipped for a caller) cover. A scalar method's {@code fHvp} is
 * composed of the scalar rules that the gradient and tangent checks already verify, and on random
 * scalar methods with extreme constants ({@code cos(1e17 · tanh x)}) finite differences of the
 * gradient give false alarms (21 in 100 classes of {@code RandomProgramsTest}); the fuzzer's
 * Richardson oracle checks those instead.
 */
final class HvpCheck {
    private static final double[] STEPS = {1e-5, 1e-4};
    private static final int POINTS = 6;
    private static final int WANTED = 2;

    private HvpCheck() {}

    static List<Diagnostic> check(TangentMethod t, DerivedMethod reverse, DerivedMethod directional,
                                  Registry registry, InputSpec spec) {
        MethodIr m = t.method();
        boolean tensor = m.returnType().isTensor() || m.params().stream().anyMatch(p -> p.type().isTensor());
        if (!tensor || m.takesModel()) {
            return List.of();
        }
        Inputs gen = new Inputs(m, spec, List.of(), java.util.Map.of(), java.util.Map.of(),
                SliceShapes.of(m, key -> registry.derived(key).map(DerivedMethod::method)));
        long seed = m.self().key().hashCode() * 0x9E3779B97F4A7C15L + 211;
        ShapeSearch search = new ShapeSearch(gen, seed, p -> TangentCheck.finite(TangentCheck.value(m, registry, p)));
        List<Coordinate.Input> inputs = TangentCheck.differentiableInputs(m);
        int checked = 0;
        for (int attempt = 0; attempt < POINTS && checked < WANTED; attempt++) {
            Point p = attempt == 0 ? search.next() : search.varied(attempt - 1);
            if (p == null) {
                continue;
            }
            Random rng = new Random(seed + 7919L * attempt);
            List<Object> direction = TangentCheck.randomDirection(m, p, rng);
            double[] hvp;
            double[][] fd = new double[STEPS.length][];
            double[] noise;
            try {
                List<Object> args = new ArrayList<>(p.args());
                args.addAll(direction);
                hvp = gradient(directional, registry, new Point(args, p.fields()));
                noise = new double[hvp.length];
                for (int s = 0; s < STEPS.length; s++) {
                    double[] plus = gradient(reverse, registry, TangentCheck.moved(m, p, direction, STEPS[s]));
                    double[] minus = gradient(reverse, registry, TangentCheck.moved(m, p, direction, -STEPS[s]));
                    fd[s] = new double[plus.length];
                    for (int k = 0; k < plus.length; k++) {
                        fd[s][k] = (plus[k] - minus[k]) / (2 * STEPS[s]);
                        // Rounding of the gradients themselves: 1e17 + x moves by nothing at any step.
                        noise[k] = Math.max(noise[k], 1e-13 * Math.max(Math.abs(plus[k]), Math.abs(minus[k])) / STEPS[s]);
                    }
                }
            } catch (RuntimeException e) {
                continue; // the interpreter's limits: another point, or no check
            }
            if (hvp.length != fd[0].length || !reliable(fd, noise) || blind(directional, registry, p, direction)) {
                continue;
            }
            for (int k = 0; k < hvp.length; k++) {
                if (!Verifier.close(hvp[k], fd[0][k]) && !Verifier.close(hvp[k], fd[1][k])
                        && Math.abs(hvp[k] - fd[0][k]) > noise[k]) {
                    return List.of(new Diagnostic(Kind.ERROR, Messages.HVP_MISMATCH, m.pos(), List.of(m.name(),
                            p.describe(inputs), Numbers.brief(TangentCheck.box(hvp)),
                            Numbers.brief(TangentCheck.box(fd[0])))));
                }
            }
            checked++;
        }
        return List.of();
    }

    /** Whether the two steps' differences agree and rounding leaves them measurable: no kink or branch flip. */
    private static boolean reliable(double[][] fd, double[] noise) {
        for (int k = 0; k < fd[0].length; k++) {
            double a = fd[0][k];
            double b = fd[1][k];
            if (!Double.isFinite(a) || !Double.isFinite(b) || Math.abs(a - b) > 1e-5 + 1e-3 * Math.abs(a) + noise[k]
                    || noise[k] > 1e-3 * Math.max(1, Math.abs(a))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether finite differences along the direction are blind inside the tangent program (rounding
     * swallows the step, a sine's argument moves by whole periods): its traces at the point and one
     * and two steps away, as the gradient check's.
     */
    private static boolean blind(DerivedMethod directional, Registry registry, Point p, List<Object> direction) {
        MethodIr m = directional.method();
        int own = p.args().size();
        try {
            RoundingTrace[] traces = new RoundingTrace[3];
            for (int i = 0; i < 3; i++) {
                List<Object> args = new ArrayList<>(p.args());
                int k = 0;
                for (int j = 0; j < own; j++) {
                    if (m.params().get(j).differentiable()) {
                        args.set(j, TangentCheck.axpy(args.get(j), direction.get(k++), i * STEPS[0]));
                    }
                }
                args.addAll(direction);
                traces[i] = new RoundingTrace();
                new Interpreter(registry, Verifier.fieldsOf(p.fields())).tracing(traces[i]).call(m, args);
            }
            return traces[0].blindSpot(traces[1], traces[2]) != null;
        } catch (RuntimeException e) {
            return true; // cannot tell: no verdict at this point
        }
    }

    /** The gradient of {@code d}'s scalar result at {@code p}, all differentiable inputs flattened in order. */
    private static double[] gradient(DerivedMethod d, Registry registry, Point p) {
        Interpreter interp = new Interpreter(registry, Verifier.fieldsOf(p.fields()));
        Pullback pb = interp.forward(d, p.args());
        Object seed = pb.value() instanceof Tensor v ? Tensor.onesLike(v).toDouble() : (Object) 1.0;
        GradientValues g = interp.backward(pb, seed);
        List<Double> out = new ArrayList<>();
        for (DerivedMethod.Gradient gr : d.gradients()) {
            for (double x : Point.flatten(g.components().get(gr.name()))) {
                out.add(x);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
