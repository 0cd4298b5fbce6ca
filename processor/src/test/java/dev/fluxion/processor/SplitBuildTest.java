package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.fluxion.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Split (incremental, Gradle-style) builds: the callee's class was compiled by an earlier javac
 * run, without {@code -parameters} or {@code -g}, so its parameters read {@code arg0, arg1, ...}.
 * The caller's generated code must read the callee's gradient record by its real component names,
 * and verification must not silently skip what it cannot see (issue 10, reproducers 8 and 10).
 */
class SplitBuildTest {
    private static final String CALLEE = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class Callee {
                @Differentiable
                static double h(double value, @NoGrad double k, double z) { return value * value * k + Math.sin(z); }
            }
            """;

    @Test
    void callerReadsGradientNamesFromTheGeneratedRecordNotDebugInfo(@TempDir Path earlier) {
        Generated first = Generated.compileWith(List.of("-g:none"), "demo.Callee", CALLEE);
        first.writeClassesTo(earlier);
        Generated g = Generated.compileAgainst(earlier, List.of(), "demo.Caller", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Caller {
                    @Differentiable
                    static double f(double a) { return Callee.h(a * 2, 3.0, a); }
                }
                """);
        String source = g.source("demo.CallerGrad");
        org.junit.jupiter.api.Assertions.assertFalse(source.contains("arg0"), source);
        double a = 0.6;
        // f(a) = 12 a² + sin a, f'(a) = 24 a + cos a
        Object r = g.call("demo.CallerGrad", "fGrad", a);
        assertEquals(12 * a * a + Math.sin(a), (double) Generated.get(r, "value"), 1e-12);
        assertEquals(24 * a + Math.cos(a), (double) Generated.get(r, "a"), 1e-12);
    }

    @Test
    void wrtThatLeavesOutAParameterOfACalleeWithoutNamesIsAClearError(@TempDir Path earlier) {
        Generated.compileWith(List.of("-g:none"), "demo.Wrt", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Wrt {
                    @Differentiable(wrt = "z")
                    static double h(double y, double z) { return y * z; }
                }
                """).writeClassesTo(earlier);
        Compilation c = Generated.compileAgainstRaw(earlier, List.of(), "demo.Caller", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Caller {
                    @Differentiable
                    static double f(double a) { return Wrt.h(2.0, a); }
                }
                """);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("Wrt.h was compiled without parameter names, and its generated gradient record "
                + "does not say which parameter each gradient belongs to");
        assertThat(c).hadErrorContaining("-parameters");
    }

    @Test
    void wrtNamingEveryParameterOfACalleeWithoutNamesPlacesTheGradients(@TempDir Path earlier) {
        Generated.compileWith(List.of("-g:none"), "demo.Wrt", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Wrt {
                    @Differentiable(wrt = {"y", "z"})
                    static double h(double y, double z, int n) { return y * z * n; }
                }
                """).writeClassesTo(earlier);
        Generated g = Generated.compileAgainst(earlier, List.of(), "demo.Caller", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Caller {
                    @Differentiable
                    static double f(double a, double b) { return Wrt.h(a, b * b, 3); }
                }
                """);
        Object r = g.call("demo.CallerGrad", "fGrad", 0.5, 2.0);
        assertEquals(6.0, (double) Generated.get(r, "value"), 1e-12);
        assertEquals(12.0, (double) Generated.get(r, "a"), 1e-12); // 3 b²
        assertEquals(6.0, (double) Generated.get(r, "b"), 1e-12); // 6 a b
    }

    private static final String BLOCK = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.Parameter;
            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.nn.Module;

            public class Block extends Module {
                public final Parameter w = param(Tensor.of(new double[] {0.5, -1.5}));

                @Differentiable
                public Tensor forward(Tensor x) { return tanh(x.times(w)); }
            }
            """;
    private static final String NET = """
            package demo;

            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;
            import dev.fluxion.nn.Module;

            class Net extends Module {
                final Block b1 = new Block();

                @Differentiable
                Tensor loss(@NoGrad Tensor x) { return b1.forward(x).sum(); }
            }
            """;

    @Test
    void moduleMethodOverACalleeCompiledEarlierIsAnErrorUnderStrict(@TempDir Path earlier) {
        Generated.compileWith(List.of("-g:none"), "demo.Block", BLOCK).writeClassesTo(earlier);
        Compilation strict = Generated.compileAgainstRaw(earlier, List.of("-Afluxion.verify=strict"), "demo.Net", NET);
        assertThat(strict).failed();
        assertThat(strict).hadErrorContaining("gradient of loss not verified at compile time: it calls forward of "
                + "demo.Block, whose body the verifier does not have");
    }

    @Test
    void moduleMethodOverACalleeCompiledEarlierGetsANoteAndRightGradients(@TempDir Path earlier) throws Exception {
        Generated.compileWith(List.of("-g:none"), "demo.Block", BLOCK).writeClassesTo(earlier);
        Compilation on = Generated.compileAgainstRaw(earlier, List.of("-Afluxion.verify=on"), "demo.Net", NET);
        assertThat(on).succeeded();
        assertThat(on).hadNoteContaining("gradient of loss not verified at compile time: it calls forward of demo.Block");
        Generated g = Generated.compileAgainst(earlier, List.of(), "demo.Net", NET);
        Object net = g.instance("demo.Net");
        Tensor x = Tensor.of(new double[] {2.0, 0.25});
        Object value = g.call("demo.NetGrad", "lossBackward", net, x);
        double[] w = {0.5, -1.5};
        double expected = Math.tanh(2.0 * w[0]) + Math.tanh(0.25 * w[1]);
        assertEquals(expected, ((Tensor) value).item(), 1e-12);
        Object block = Generated.field(net, "b1");
        Tensor grad = ((dev.fluxion.Parameter) Generated.field(block, "w")).grad();
        // d/dw_i tanh(x_i w_i) = x_i (1 - tanh²(x_i w_i))
        double t0 = Math.tanh(2.0 * w[0]);
        double t1 = Math.tanh(0.25 * w[1]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {2.0 * (1 - t0 * t0), 0.25 * (1 - t1 * t1)},
                grad.toDoubleArray(), 1e-12);
        Files.walk(earlier).count();
    }
}
