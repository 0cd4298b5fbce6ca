package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Nested differentiation of tensor methods: a {@code @Differentiable} method reading the gradient
 * of a Tensor method ({@code TNGrad.energyGrad(x, w).x()}), differentiated through it in reverse
 * ({@code energyHvp} in the pullback) and in forward mode ({@code energyHvp} along the tangents),
 * against float64 central differences of the method as written; the compile-time check of the
 * gradient passes on it.
 */
class TensorNestedDifferentiationTest {
    private static final String SOURCE = """
            package demo;

            import static dev.fluxion.F.*;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class TN {
                @Differentiable
                static Tensor energy(Tensor x, Tensor w) {
                    return tanh(x.matmul(w)).square().sum().plus(x.square().sum().times(0.1));
                }

                /** The energy plus ½‖∇ₓ energy‖², a gradient penalty on tensors. */
                @Differentiable
                static Tensor penalty(Tensor w, @NoGrad Tensor x) {
                    Tensor gx = TNGrad.energyGrad(x, w).x();
                    return energy(x, w).plus(gx.square().sum().times(0.5));
                }

                /** A force read as a gradient, with both inputs varied. */
                @Differentiable
                static Tensor work(Tensor x, Tensor w) {
                    Tensor fw = TNGrad.energyGrad(x, w).w();
                    return fw.times(w).sum().plus(x.sum());
                }
            }
            """;

    private static final double H = 1e-6;

    @Test
    void reverseThroughATensorGradientMatchesCentralDifferences() {
        Compilation c = Generated.javac().withOptions("--add-modules=jdk.incubator.vector", "-Xlint:-incubating",
                "-Afluxion.verify=on").compile(JavaFileObjects.forSourceString("demo.TN", SOURCE));
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("gradient of penalty verified");
        Generated g = Generated.compile("demo.TN", SOURCE);
        Random rnd = new Random(4);
        Tensor x = Tensor.randn(rnd, 3, 2).toDouble();
        Tensor w = Tensor.randn(rnd, 2, 2).toDouble();
        Tensor gw = (Tensor) Generated.get(g.call("demo.TNGrad", "penaltyGrad", w, x), "w");
        double[] wd = w.toDoubleArray();
        double[] got = gw.toDoubleArray();
        for (int k = 0; k < wd.length; k++) {
            double[] plus = wd.clone();
            double[] minus = wd.clone();
            plus[k] += H;
            minus[k] -= H;
            double fd = (((Tensor) g.call("demo.TNGrad", "penalty", Tensor.fromArray(plus, 2, 2), x)).item()
                    - ((Tensor) g.call("demo.TNGrad", "penalty", Tensor.fromArray(minus, 2, 2), x)).item()) / (2 * H);
            assertEquals(fd, got[k], 1e-7 * Math.max(1, Math.abs(fd)), "w[" + k + "]");
        }
    }

    @Test
    void forwardThroughATensorGradientMatchesCentralDifferences() {
        Generated g = Generated.compile("demo.TN", SOURCE);
        Random rnd = new Random(11);
        for (String method : List.of("penalty", "work")) {
            Tensor x = Tensor.randn(rnd, 3, 2).toDouble();
            Tensor w = Tensor.randn(rnd, 2, 2).toDouble();
            Tensor dw = Tensor.randn(rnd, 2, 2).toDouble();
            Tensor dx = Tensor.randn(rnd, 3, 2).toDouble();
            double tangent;
            double fd;
            if (method.equals("penalty")) {
                tangent = ((Tensor) Generated.get(g.call("demo.TNGrad", "penaltyJvp", w, x, dw), "tangent")).item();
                fd = (((Tensor) g.call("demo.TNGrad", "penalty", w.plus(dw.times(H)), x)).item()
                        - ((Tensor) g.call("demo.TNGrad", "penalty", w.minus(dw.times(H)), x)).item()) / (2 * H);
            } else {
                tangent = ((Tensor) Generated.get(g.call("demo.TNGrad", "workJvp", x, w, dx, dw), "tangent")).item();
                fd = (((Tensor) g.call("demo.TNGrad", "work", x.plus(dx.times(H)), w.plus(dw.times(H)))).item()
                        - ((Tensor) g.call("demo.TNGrad", "work", x.minus(dx.times(H)), w.minus(dw.times(H)))).item())
                        / (2 * H);
            }
            assertEquals(fd, tangent, 1e-7 * Math.max(1, Math.abs(fd)), method);
        }
    }
}
