package dev.fluxion.processor.verify;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Correct methods of every kind pass compile-time verification; kinks do not fail falsely. */
class GradientVerificationTest {
    @Test
    void scalarMethodsPass() {
        Verification.assertVerified(Verification.compile("demo.S", """
                package demo;

                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;

                class S {
                    @Differentiable
                    static double e(double a, double b) { return (a + b) * (b + 1); }

                    @Differentiable
                    static double trig(double x, double y) {
                        double r = Math.hypot(x, y);
                        return Math.sin(x) * Math.cos(y) / r + Math.atan2(y, x) + Math.exp(-x * x);
                    }

                    @Differentiable
                    static float mixed(float w, @NoGrad double x, @NoGrad int n) {
                        double t = w * x + n;
                        return (float) (Math.tanh(t) + Math.pow(w, 3) - 1 / w);
                    }

                    @Differentiable
                    static double arr(double[] v, @NoGrad double k) {
                        return v[0] * v[1] + k * v[2] * v[2];
                    }
                }
                """));
    }

    @Test
    void tensorMethodsPassWithDeclaredAndInferredShapes() {
        Verification.assertVerified(Verification.compile("demo.T", """
                package demo;

                import static dev.fluxion.F.*;

                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;
                import dev.fluxion.annotation.Shape;

                class T {
                    @Differentiable
                    static Tensor affine(@Shape("n,k") Tensor x, @Shape("k,m") Tensor w, @Shape("m") Tensor b) {
                        return x.matmul(w).plus(b).tanh().sum();
                    }

                    @Differentiable
                    static Tensor inferred(Tensor x, Tensor w) {
                        return softmax(x.matmul(w), 1).times(x.sum()).mean();
                    }

                    @Differentiable
                    static Tensor vectorValued(@Shape("n") Tensor x) {
                        return x.times(x).sigmoid().div(x.exp().plus(1));
                    }

                    @Differentiable
                    static Tensor loss(@Shape("n,c") Tensor logits, @NoGrad @Shape("n") Tensor target) {
                        return crossEntropy(logits, target);
                    }

                    @Differentiable
                    static Tensor scaled(Tensor x, double s) {
                        return x.times(s).pow(2).plus(s).logSumExp();
                    }
                }
                """));
    }

    @Test
    void callsAcrossClassesPass() {
        Verification.assertVerified(Verification.compile(List.of(), "demo.Calls", """
                package demo;

                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;

                class Calls {
                    @Differentiable
                    static double sq(double u) { return u * u; }

                    @Differentiable
                    static double f(double a, double b) {
                        double s = sq(a + b);
                        return s * Other.h(b) + sq(a);
                    }
                }
                """, "demo.Other", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Other {
                    @Differentiable
                    static double h(double z) { return Math.sin(z); }
                }
                """));
    }

    @Test
    void modulesPass() {
        Verification.assertVerified(Verification.compile("demo.TwoLayer", """
                package demo;

                import static dev.fluxion.F.*;

                import dev.fluxion.DType;
                import dev.fluxion.Parameter;
                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;
                import dev.fluxion.nn.Linear;
                import dev.fluxion.nn.Module;
                import java.util.Random;

                class TwoLayer extends Module {
                    final Linear fc1 = new Linear(2, 3, true, DType.FLOAT64, new Random(1));
                    final Linear fc2 = new Linear(3, 1, true, DType.FLOAT64, new Random(2));
                    final Parameter scale = param(Tensor.of(2.0));

                    @Differentiable
                    Tensor forward(@NoGrad Tensor x) {
                        return fc2.forward(sigmoid(fc1.forward(x))).times(scale);
                    }

                    @Differentiable
                    Tensor loss(@NoGrad Tensor x, @NoGrad Tensor y) {
                        return mse(forward(x), y, dev.fluxion.Reduction.SUM);
                    }
                }
                """));
    }

    @Test
    void kinksDoNotFailFalsely() {
        Verification.assertVerified(Verification.compile("demo.K", """
                package demo;

                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;

                class K {
                    @Differentiable
                    static Tensor relus(Tensor x, Tensor y) { return x.relu().plus(y.abs()).times(x.minus(y).relu()).sum(); }

                    @Differentiable
                    static double absMax(double a, double b) { return Math.abs(a) * Math.max(a, b) + Math.min(a - b, 0.25); }

                    @Differentiable
                    static Tensor clamped(Tensor x) { return x.clamp(-1, 1).max(); }

                    @Differentiable
                    static double branchy(double x) { return x > 0 ? x * x : -x; }
                }
                """));
    }

    @Test
    void verifyFalseAndOptionOffSkipSilently() {
        String src = """
                package demo;

                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;

                class V {
                    @Differentiable(verify = false)
                    static Tensor off(Tensor x) { return x.reshape(7, 5).sum(); }

                    @Differentiable
                    static Tensor on(Tensor x) { return x.reshape(7, 5).sum(); }
                }
                """;
        Compilation on = Verification.compile("demo.V", src);
        assertThat(on).succeeded();
        // The shape no candidate fits: a note for `on` only, never a silent skip.
        assertEquals(1, Verification.skipped(on).size(), on.diagnostics().toString());
        assertThat(on).hadNoteContaining("gradient of on not verified at compile time: no inputs found");
        Compilation off = Verification.compile(List.of("-Afluxion.verify=off"), "demo.V", src);
        assertThat(off).succeeded();
        assertEquals(List.of(), Verification.skipped(off));
        Compilation strict = Verification.compile(List.of("-Afluxion.verify=strict"), "demo.V", src);
        assertThat(strict).hadErrorContaining("gradient of on not verified at compile time");
        assertThat(strict).hadErrorCount(1);
    }
}
