package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Compile-time verification finds the shapes of tensor inputs that are sliced with bounds read from
 * int parameters or constants, and concatenated: GradBench's ode written with {@code slice} and
 * {@code cat}, without {@code verifyWith}, verified under {@code strict} (which fails the build
 * where a check had to be skipped).
 */
class SliceShapesVerificationTest {

    private static Compilation compile(String body, String option) {
        JavaFileObject src = JavaFileObjects.forSourceString("demo.S", """
                package demo;

                import static dev.fluxion.F.cat;

                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;

                class S {
                %s
                }
                """.formatted(body));
        return Generated.javac().withOptions("--add-modules=jdk.incubator.vector", "-Xlint:-incubating",
                "-Afluxion.verify=" + option).compile(src);
    }

    private static final String ODE = """
                @Differentiable
                static Tensor rate(Tensor x, Tensor y, @NoGrad int n) {
                    return cat(0, x.slice(0, 0, 1), x.slice(0, 1, n).times(y.slice(0, 0, n - 1)));
                }

                @Differentiable
                static Tensor solve(Tensor x, @NoGrad int n, @NoGrad int s) {
                    double h = 2.0 / s;
                    Tensor y = x.times(0.0);
                    for (int step = 0; step < s; step++) {
                        Tensor k1 = rate(x, y, n);
                        Tensor k2 = rate(x, y.plus(k1.times(h / 2)), n);
                        Tensor k3 = rate(x, y.plus(k2.times(h / 2)), n);
                        Tensor k4 = rate(x, y.plus(k3.times(h)), n);
                        y = y.plus(k1.plus(k2.times(2.0)).plus(k3.times(2.0)).plus(k4).times(h / 6));
                    }
                    return y;
                }

                @Differentiable
                static Tensor last(Tensor x, @NoGrad int n, @NoGrad int s) {
                    return solve(x, n, s).slice(0, n - 1, n).sum();
                }
            """;

    @Test
    void odeWithSlicesBoundedByAnIntIsVerifiedWithoutASample() {
        Compilation c = compile(ODE, "strict");
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("gradient of solve verified at");
        assertThat(c).hadNoteContaining("gradient of last verified at");
    }

    @Test
    void constantSliceEndsAreVerified() {
        // slices past the default size 3 (the runtime clamps an end as PyTorch does; the constant
        // ends 5 and 6 are also candidate sizes)
        Compilation c = compile("""
                @Differentiable
                static Tensor window(Tensor x) {
                    return x.slice(0, 2, 5).exp().sum().plus(x.slice(0, 0, 1).square().sum());
                }

                @Differentiable
                static Tensor columns(Tensor w) {
                    return w.slice(1, 4, 6).tanh().sum();
                }
            """, "strict");
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("gradient of window verified at");
        assertThat(c).hadNoteContaining("gradient of columns verified at");
    }
}
