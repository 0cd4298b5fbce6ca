package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import org.junit.jupiter.api.Test;

/**
 * Nested differentiation: a {@code @Differentiable} method reading another method's gradient
 * ({@code RGrad.fGrad(x, w).x()}) is differentiated through it (the pullback of a gradient is the
 * Hessian-vector product), checked against float64 central differences of the method as written;
 * the forms that cannot be differentiated are errors on the call.
 */
class NestedDifferentiationTest {
    private static final String METHODS = """
                @Differentiable
                static double f(double x, double[] w, @NoGrad double c) { return x * x * w[0] + c * Math.sin(w[1] * x); }

                @Differentiable
                static double penalty(double x, double[] w) {
                    double gx = RGrad.fGrad(x, w, 2.0).x();
                    double[] gw = RGrad.fGrad(x, w, 2.0).w();
                    return RGrad.fGrad(x, w, 2.0).value() + gx * gx + gw[0] * gw[1];
                }

                /** Gaussian wells at (c[0], c[1]), (c[2], c[3]), ... */
                @Differentiable
                static double potential(double[] c, double[] p) {
                    double a = 0;
                    int k = 0;
                    while (k < c.length) {
                        a -= Math.exp(-0.01 * ((c[k] - p[0]) * (c[k] - p[0]) + (c[k + 1] - p[1]) * (c[k + 1] - p[1])));
                        k += 2;
                    }
                    return a;
                }

                @Differentiable
                static double orbit(double w, @NoGrad int steps) {
                    double[] c = {10, 10 - w, 10, 0};
                    double x = 0;
                    double y = 8;
                    double vx = 0.75;
                    double vy = 0;
                    for (int k = 0; k < steps; k++) {
                        double[] p = {x, y};
                        double[] force = RGrad.potentialGrad(c, p).p();
                        x += 0.1 * vx;
                        y += 0.1 * vy;
                        vx -= 0.1 * force[0];
                        vy -= 0.1 * force[1];
                    }
                    return x * y;
                }

                @Differentiable
                static double branchy(double a, double b) {
                    double s = 0;
                    if (a > 0) {
                        s = a * RGrad.fGrad(a, new double[] {1.5, -0.5}, 3.0).x();
                    } else {
                        double[] wb = {b, 2};
                        s = RGrad.f(b, wb, 1.0);
                    }
                    return s * b;
                }
            """;

    @Test
    void aGradientComponentIsDifferentiatedByTheHessianVectorProduct() {
        Generated g = GradientCheck.compile(METHODS);
        GradientCheck.checkAgainstMethod(g, "penalty", "x,w", 0.7, new double[] {1.3, -0.4});
        GradientCheck.checkAgainstMethod(g, "penalty", "x,w", -1.1, new double[] {0.2, 2.5});
    }

    @Test
    void anArrayGradientReadInALoopFeedsItsPullbackIntoEveryInput() {
        Generated g = GradientCheck.compile(METHODS);
        for (double w : new double[] {0.3, -0.2, 1.1}) {
            GradientCheck.checkAgainstMethod(g, "orbit", "w,null", w, 20);
        }
    }

    @Test
    void aNestedCallInABranchAndAPlainForwardCallOfTheGeneratedClass() {
        Generated g = GradientCheck.compile(METHODS);
        GradientCheck.checkAgainstMethod(g, "branchy", "a,b", 0.8, 1.7);
        GradientCheck.checkAgainstMethod(g, "branchy", "a,b", -0.8, 1.7);
    }

    @Test
    void theAdapterIsAMethodOfTheCallersClassWhosePullbackIsTheHvp() {
        Generated g = GradientCheck.compile(METHODS);
        double x = 0.7;
        double[] w = {1.3, -0.4};
        double gx = (double) Generated.get(g.call("demo.RGrad", "fGrad", x, w, 2.0), "x");
        assertEquals(gx, (double) g.call("demo.RGrad", "fGrad_x", x, w, 2.0), 0);
        Object pullback = g.call("demo.RGrad", "fGrad_xVjp", x, w, 2.0);
        Object back = Generated.invoke(pullback, "backward", 0.5);
        Object hvp = g.call("demo.RGrad", "fHvp", x, w, 2.0, 0.5, new double[2]);
        assertEquals((double) Generated.get(hvp, "x"), (double) Generated.get(back, "x"), 0);
        assertEquals(((double[]) Generated.get(hvp, "w"))[1], ((double[]) Generated.get(back, "w"))[1], 0);
    }

    @Test
    void gradientsOfTwoClassesMethodsOfOneNameGetAnAdapterEach() {
        Generated g = Generated.compileAll(
                "demo.A", "package demo;\nimport dev.fluxion.annotation.Differentiable;\n"
                        + "class A { @Differentiable static double f(double x) { return x * x * x; } }\n",
                "demo.B", "package demo;\nimport dev.fluxion.annotation.Differentiable;\n"
                        + "class B { @Differentiable static double f(double x) { return Math.sin(x); } }\n",
                "demo.C", "package demo;\nimport dev.fluxion.annotation.Differentiable;\n"
                        + "class C { @Differentiable static double both(double x) { return AGrad.fGrad(x).x() * BGrad.fGrad(x).x(); } }\n");
        double x = 0.9;
        // d/dx (3x² cos x) = 6x cos x − 3x² sin x
        assertEquals(6 * x * Math.cos(x) - 3 * x * x * Math.sin(x),
                (double) Generated.get(g.call("demo.CGrad", "bothGrad", x), "x"), 1e-12);
    }

    @Test
    void compileTimeVerificationCoversMethodsWithNestedCalls() {
        Compilation c = Generated.javac().withOptions("--add-modules=jdk.incubator.vector", "-Xlint:-incubating",
                "-Afluxion.verify=on").compile(JavaFileObjects.forSourceString("demo.R",
                "package demo;\nimport dev.fluxion.annotation.Differentiable;\nimport dev.fluxion.annotation.NoGrad;\n"
                        + "class R {\n" + METHODS + "\n}\n"));
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("gradient of penalty verified");
        assertThat(c).hadNoteContaining("gradient of branchy verified");
    }

    @Test
    void aCallOfGeneratedCodeOtherThanAGradientComponentIsAClearErrorOnTheCall() {
        assertErrorOnLine("demo.N", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class N {
                    @Differentiable
                    static double f(double x, double y) { return x * x * y; }

                    @Differentiable
                    static double curvature(double x, double y) {
                        double h = NGrad.fHvp(x, y, 1.0, 0.0).x();
                        return f(x, y) + h;
                    }
                }
                """,
                "cannot differentiate a call to NGrad.fHvp(...): of generated derivative code", 11);
    }

    @Test
    void theGradientOfATensorMethodWithoutAnHvpIsRefusedWithTheReason() {
        // A Tensor method's gradient is differentiated through its fHvp (TensorNestedDifferentiationTest);
        // one that calls a @Derivative primal whose forward rule is not @Differentiable has no fHvp
        // (a method calling another @Differentiable method has one: HvpThroughCallsTest).
        assertErrorOnLine("demo.T", """
                package demo;

                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Derivative;
                import dev.fluxion.annotation.Differentiable;

                class T {
                    static Tensor inner(Tensor w) { return w.times(w).sum(); }

                    @Derivative(of = "inner")
                    static Tensor innerBackward(Tensor w, Tensor g) { return w.times(g).times(2.0); }

                    @Derivative(of = "inner", mode = Derivative.Mode.FORWARD)
                    static Tensor innerForward(Tensor w, Tensor w_dot) { return w.times(w_dot).sum().times(2.0); }

                    @Differentiable
                    static Tensor loss(Tensor w) { return inner(w).times(2.0); }

                    @Differentiable
                    static Tensor penalty(Tensor w) {
                        Tensor g = TGrad.lossGrad(w).w();
                        return loss(w).plus(g.times(g).sum());
                    }
                }
                """,
                "cannot differentiate through TGrad.lossGrad(...).w(): loss has no Hessian-vector product lossHvp", 21);
    }

    @Test
    void anArrayLiteralFedBackThroughAChainOfStatementsInALoopIsRefused() {
        // Regression: the activity check walked a loop body twice, so x, varied only on the third
        // pass (through v and the call), was not seen in new double[] {x}, and its gradient was lost.
        assertErrorOnLine("demo.L", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class L {
                    @Differentiable
                    static double g(double[] c, double[] p) { return c[0] * p[0] * p[0]; }

                    @Differentiable
                    static double chain(double w) {
                        double[] c = {w};
                        double x = 1;
                        double v = 0;
                        for (int k = 0; k < 4; k++) {
                            double f = g(c, new double[] {x});
                            x += v;
                            v -= f;
                        }
                        return x;
                    }
                }
                """,
                "the array new double[] {x} is built from it", 15);
    }

    /** Compiles {@code source} as {@code className} and expects {@code message} as an error on {@code line}. */
    private static void assertErrorOnLine(String className, String source, String message, int line) {
        Compilation c = Generated.javac().compile(JavaFileObjects.forSourceString(className, source));
        assertThat(c).hadErrorContaining(message).inFile(c.sourceFiles().getFirst()).onLine(line);
    }
}
