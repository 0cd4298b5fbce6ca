package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.Tensor;
import dev.fluxion.processor.fwd.CallInlining;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Pos;
import dev.fluxion.processor.ir.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code fHvp} of methods that call other methods: another {@code @Differentiable} method (twice,
 * through a chain, in a loop, with an early return in the callee) and a {@code @Derivative} primal
 * whose forward rule is itself {@code @Differentiable}, each against float64 central differences of
 * the caller's gradient along the direction; the compile-time check covers the calls (a tangent
 * planted wrong in an inlined callee fails the build).
 */
class HvpThroughCallsTest {
    static final String SOURCE = """
            package demo;

            import static dev.fluxion.F.*;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Derivative;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class Calls {
                @Differentiable
                static Tensor layer(Tensor w, Tensor b, Tensor x) {
                    return tanh(linear(x, w, b));
                }

                @Differentiable
                static Tensor energy(Tensor w) {
                    return w.square().sum().log1p().times(0.1);
                }

                // The same method twice, the second on the first's result, and a scalar helper.
                @Differentiable
                static Tensor net(Tensor w1, Tensor b1, Tensor w2, Tensor b2, @NoGrad Tensor x, @NoGrad Tensor y) {
                    Tensor h = layer(w1, b1, x);
                    return mse(layer(w2, b2, h), y).plus(energy(w1));
                }

                @Differentiable
                static Tensor step(Tensor h) {
                    if (h.sum().item() > 0) {
                        return h.sin().times(h);
                    }
                    return h.times(0.5).exp();
                }

                // A call in a loop, of a callee with an early return, through a chain (twice calls step).
                @Differentiable
                static Tensor twice(Tensor h) {
                    return step(step(h));
                }

                @Differentiable
                static Tensor repeated(Tensor x, int n) {
                    Tensor h = x;
                    for (int i = 0; i < n; i++) {
                        h = twice(h).plus(x.times(0.1));
                    }
                    return h.square().sum();
                }

                @Differentiable
                static double pair(double a, double b) {
                    return a * a * b + Math.sin(a);
                }

                @Differentiable
                static double chain(double[] x) {
                    double s = 0;
                    for (int i = 0; i + 1 < x.length; i++) {
                        s += pair(x[i], x[i + 1]);
                    }
                    return s * s;
                }

                // A nested gradient of a method with a call: its pullback is chainHvp.
                @Differentiable
                static double penalty(double[] x) {
                    double[] g = CallsGrad.chainGrad(x).x();
                    double s = 0;
                    for (int i = 0; i < g.length; i++) {
                        s += g[i] * g[i];
                    }
                    return s;
                }

                static Tensor softsign(Tensor x) { return x.div(x.abs().plus(1.0)); }

                @Derivative(of = "softsign")
                static Tensor softsignBackward(Tensor x, Tensor g) {
                    Tensor d = x.abs().plus(1.0);
                    return g.div(d.times(d));
                }

                @Differentiable
                @Derivative(of = "softsign", mode = Derivative.Mode.FORWARD)
                static Tensor softsignForward(Tensor x, Tensor x_dot) {
                    Tensor d = x.abs().plus(1.0);
                    return x_dot.div(d.times(d));
                }

                // A @Derivative primal: second order through its reverse rule and its differentiable forward rule.
                @Differentiable
                static Tensor ruled(Tensor x, Tensor w) {
                    return softsign(x.matmul(w)).square().sum().plus(x.sin().sum());
                }
            }
            """;

    private static final double H = 1e-5;

    @Test
    void everyCallerHasAnHvp() {
        Generated g = Generated.compile("demo.Calls", SOURCE);
        List<String> names = Arrays.stream(g.load("demo.CallsGrad").getMethods()).map(java.lang.reflect.Method::getName)
                .toList();
        for (String m : List.of("netHvp", "repeatedHvp", "chainHvp", "ruledHvp", "twiceHvp", "penaltyGrad")) {
            assertTrue(names.contains(m), m + " in " + names);
        }
    }

    @Test
    void hvpThroughTwoCallsOfTheSameMethod() {
        Generated g = Generated.compile("demo.Calls", SOURCE);
        Random rnd = new Random(5);
        List<Object> at = List.of(randn(rnd, 4, 3), randn(rnd, 4), randn(rnd, 2, 4), randn(rnd, 2));
        List<Object> fixed = List.of(randn(rnd, 6, 3), randn(rnd, 6, 2));
        checkTensorHvp(g, "net", at, fixed, rnd, List.of("w1", "b1", "w2", "b2"));
    }

    @Test
    void hvpThroughACallInALoopAndAChain() {
        Generated g = Generated.compile("demo.Calls", SOURCE);
        Random rnd = new Random(6);
        for (int trial = 0; trial < 4; trial++) {
            checkTensorHvp(g, "repeated", List.of(randn(rnd, 3, 2).times(0.5)), List.of(3), rnd, List.of("x"));
        }
    }

    @Test
    void hvpThroughADerivativeRule() {
        Generated g = Generated.compile("demo.Calls", SOURCE);
        Random rnd = new Random(7);
        checkTensorHvp(g, "ruled", List.of(randn(rnd, 3, 4), randn(rnd, 4, 2)), List.of(), rnd, List.of("x", "w"));
    }

    @Test
    void hvpOfScalarCodeThroughACallInALoop() {
        Generated g = Generated.compile("demo.Calls", SOURCE);
        double[] x = {0.3, -0.7, 1.1, 0.4};
        double[] v = {0.5, 0.2, -0.9, 1.3};
        Object hvp = g.call("demo.CallsGrad", "chainHvp", x, v);
        double[] plus = (double[]) Generated.get(g.call("demo.CallsGrad", "chainGrad", axpy(x, v, H)), "x");
        double[] minus = (double[]) Generated.get(g.call("demo.CallsGrad", "chainGrad", axpy(x, v, -H)), "x");
        double[] got = (double[]) Generated.get(hvp, "x");
        for (int k = 0; k < x.length; k++) {
            double fd = (plus[k] - minus[k]) / (2 * H);
            assertEquals(fd, got[k], 1e-6 * Math.max(1, Math.abs(fd)), "x[" + k + "]");
        }
    }

    /**
     * Regression: a nested gradient of a method calling another ({@code chainGrad(x).x()}) was refused
     * at compile time ("has no chainHvp") once that method had no fHvp; its gradient, through
     * {@code chainHvp}, against central differences of the method.
     */
    @Test
    void nestedGradientOfAMethodWithACall() {
        Generated g = Generated.compile("demo.Calls", SOURCE);
        double[] x = {0.3, -0.7, 1.1, 0.4};
        double[] got = (double[]) Generated.get(g.call("demo.CallsGrad", "penaltyGrad", x), "x");
        for (int k = 0; k < x.length; k++) {
            double[] e = new double[x.length];
            e[k] = 1;
            double fd = ((double) g.call("demo.CallsGrad", "penalty", axpy(x, e, H))
                    - (double) g.call("demo.CallsGrad", "penalty", axpy(x, e, -H))) / (2 * H);
            assertEquals(fd, got[k], 1e-6 * Math.max(1, Math.abs(fd)), "x[" + k + "]");
        }
    }

    /**
     * A callee of another class of the package is inlined; one of another package stays a call (its
     * statements may call helpers only its package sees), so that caller has {@code fJvp} but no
     * {@code fHvp}.
     */
    @Test
    void calleesOfAnotherClassOfThePackageAreInlinedThoseOfAnotherPackageAreNot() {
        String helpers = """
                package %s;

                import static dev.fluxion.F.*;
                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;

                public class Helpers {
                    @Differentiable
                    public static Tensor bump(Tensor x) {
                        return x.sin().times(x).plus(x.square().exp().times(0.1));
                    }
                }
                """;
        String caller = """
                package demo;

                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;

                class Caller {
                    @Differentiable
                    static Tensor near(Tensor x) { return demo.Helpers.bump(x.times(0.5)).sum(); }

                    @Differentiable
                    static Tensor far(Tensor x) { return other.Helpers.bump(x.times(0.5)).sum(); }
                }
                """;
        Generated g = Generated.compileAll("demo.Helpers", helpers.formatted("demo"), "other.Helpers",
                helpers.formatted("other"), "demo.Caller", caller);
        List<String> names = Arrays.stream(g.load("demo.CallerGrad").getMethods())
                .map(java.lang.reflect.Method::getName).toList();
        assertTrue(names.contains("farJvp") && !names.contains("farHvp"), names.toString());
        Random rnd = new Random(11);
        Tensor x = randn(rnd, 2, 3);
        Tensor v = randn(rnd, 2, 3);
        double[] got = ((Tensor) Generated.get(g.call("demo.CallerGrad", "nearHvp", x, v), "x")).toDoubleArray();
        double[] fd = ((Tensor) Generated.get(g.call("demo.CallerGrad", "nearGrad", x.plus(v.times(H))), "x"))
                .minus((Tensor) Generated.get(g.call("demo.CallerGrad", "nearGrad", x.minus(v.times(H))), "x"))
                .div(2 * H).toDoubleArray();
        for (int k = 0; k < fd.length; k++) {
            assertEquals(fd[k], got[k], 1e-6 * Math.max(1, Math.abs(fd[k])), "x[" + k + "]");
        }
    }

    /**
     * Regression: a callee taking a {@code double[]} was inlined with a local holding the caller's
     * array, and the pullback of the caller's {@code fDirectional} read that local where it does not
     * exist (generated code that did not compile, {@code ArrayArgumentCallTest}); such a callee now
     * stays a call, and its caller has {@code fJvp} but no {@code fHvp}.
     */
    @Test
    void aCalleeTakingAnArrayIsNotInlined() {
        Generated g = Generated.compile("demo.R", """
                package demo;

                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;

                class R {
                    @Differentiable
                    static double lse(double[] x) {
                        double m = x[0];
                        for (int i = 1; i < x.length; i++) m = Math.max(m, x[i]);
                        double s = 0;
                        for (int i = 0; i < x.length; i++) s += Math.exp(x[i] - m);
                        return m + Math.log(s);
                    }

                    @Differentiable
                    static double f(double[] a, @NoGrad int n) {
                        double s = 0;
                        for (int k = 0; k < n; k++) s += (k + 1) * lse(a);
                        return s;
                    }
                }
                """);
        List<String> names = Arrays.stream(g.load("demo.RGrad").getMethods()).map(java.lang.reflect.Method::getName)
                .toList();
        assertTrue(names.contains("lseHvp") && names.contains("fJvp") && !names.contains("fHvp"), names.toString());
    }

    /** Regression guard of the verification: a callee's tangent planted wrong (doubled) inside a caller's fHvp fails the build. */
    @Test
    void aWrongTangentInACalleeFailsTheBuild() throws Exception {
        try (AutoCloseable ignored = CallInlining.plantForTesting(t -> t.type().isTensor()
                ? new Expr.Call(new dev.fluxion.processor.ir.Callee.Known(dev.fluxion.processor.ir.Op.PLUS),
                        List.of(t, t), Type.TENSOR, Pos.NONE)
                : t)) {
            Compilation c = Generated.javac().compile(JavaFileObjects.forSourceString("demo.Calls", SOURCE));
            assertThat(c).hadErrorContaining("second-order check failed for net");
        }
    }

    /**
     * {@code fHvp} of a tensor method at {@code at} (its differentiable inputs) and {@code fixed} (the
     * others, after them), along a random direction, against central differences of {@code fGrad}.
     */
    private static void checkTensorHvp(Generated g, String method, List<Object> at, List<Object> fixed, Random rnd,
                                       List<String> components) {
        List<Object> v = new ArrayList<>();
        at.forEach(a -> v.add(randn(rnd, ((Tensor) a).shape())));
        List<Object> args = new ArrayList<>(at);
        args.addAll(fixed);
        args.addAll(v);
        Object hvp = g.call("demo.CallsGrad", method + "Hvp", args.toArray());
        Object plus = g.call("demo.CallsGrad", method + "Grad", moved(at, v, fixed, H));
        Object minus = g.call("demo.CallsGrad", method + "Grad", moved(at, v, fixed, -H));
        for (String c : components) {
            double[] fd = ((Tensor) Generated.get(plus, c)).minus((Tensor) Generated.get(minus, c)).div(2 * H)
                    .toDoubleArray();
            double[] got = ((Tensor) Generated.get(hvp, c)).toDoubleArray();
            for (int k = 0; k < fd.length; k++) {
                assertEquals(fd[k], got[k], 1e-6 * Math.max(1, Math.abs(fd[k])), method + ": " + c + "[" + k + "]");
            }
        }
    }

    private static Object[] moved(List<Object> at, List<Object> v, List<Object> fixed, double h) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < at.size(); i++) {
            out.add(((Tensor) at.get(i)).plus(((Tensor) v.get(i)).times(h)));
        }
        out.addAll(fixed);
        return out.toArray();
    }

    private static double[] axpy(double[] x, double[] v, double h) {
        double[] out = x.clone();
        for (int i = 0; i < x.length; i++) {
            out[i] += h * v[i];
        }
        return out;
    }

    private static Tensor randn(Random rnd, int... shape) {
        return Tensor.randn(rnd, shape).toDouble();
    }
}
