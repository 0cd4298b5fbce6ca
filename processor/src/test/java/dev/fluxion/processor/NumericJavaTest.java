package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.fluxion.processor.GradientCheck.args;
import static dev.fluxion.processor.GradientCheck.check;
import static dev.fluxion.processor.GradientCheck.checkAgainstMethod;
import static dev.fluxion.processor.GradientCheck.compile;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.List;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Constructs natural numeric Java uses (issue 13): {@code x[k++]} and {@code x[--k]}, {@code switch}
 * on ints (statements, fall-through, arrow forms, switch expressions) and {@code static final}
 * constant tables. Each gradient is checked against float64 central differences of the user's own
 * method (and a closed form where short); each method also compiles with strict compile-time
 * verification, which must find nothing to skip.
 */
class NumericJavaTest {

    /** Compiles {@code methods} in {@code demo.R} with {@code -Afluxion.verify=strict}: no error, no skip note. */
    private static void verifiesStrictly(String methods) {
        JavaFileObject src = JavaFileObjects.forSourceString("demo.R", GradientCheck.HEADER + methods + "\n}\n");
        Compilation c = Generated.javac().withOptions("--add-modules=jdk.incubator.vector", "-Xlint:-incubating",
                "-Afluxion.verify=strict").compile(src);
        assertThat(c).succeeded();
        for (Diagnostic<? extends JavaFileObject> d : c.diagnostics()) {
            String m = d.getMessage(null);
            if (m.contains("not verified") || m.contains("could not be checked")) {
                throw new AssertionError(m);
            }
        }
    }

    static final String PACKED = """
            @Differentiable static double f(double[] x, @NoGrad int n) {
                double[] packed = new double[2 * n];
                int k = 0;
                for (int i = 0; i < n; i++) {
                    packed[k++] = x[i] * x[i];
                    packed[k++] = Math.sin(x[i]);
                }
                double s = 0;
                while (k > 0) {
                    s = s * 0.5 + packed[--k];
                }
                int j = 0;
                double t = x[j++] * 3;
                t += x[j++] * 2;
                t += x[++j] * 0.5;
                return s + t;
            }
            """;

    @Test
    void incrementsInsideIndexExpressions() {
        Generated g = compile(PACKED);
        checkAgainstMethod(g, "f", "x,null", new double[] {0.7, -1.3, 0.4, 2.0}, 4);
        verifiesStrictly(PACKED);
    }

    @Test
    void incrementsThatJavaWouldOrderDifferentlyAreRefused() {
        for (String body : List.of("return x[k++] + x[k];", "return k > 0 ? x[k--] : 0;", "return x[k] * x[k++];")) {
            JavaFileObject src = JavaFileObjects.forSourceString("demo.Bad", """
                    package demo;

                    import dev.fluxion.annotation.Differentiable;

                    class Bad {
                        @Differentiable
                        static double f(double[] x) {
                            int k = 0;
                            %s
                        }
                    }
                    """.formatted(body));
            Compilation c = Generated.javac().compile(src);
            assertThat(c).failed();
            assertThat(c).hadErrorContaining("changes a variable inside an expression").inFile(src).onLine(9);
        }
    }

    static final String SWITCHES = """
            @Differentiable static double f(double[] x, @NoGrad int n) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    switch (i % 4) {
                        case 0:
                            s += x[i] * x[i];
                            break;
                        case 1:
                            s += 2 * x[i];            // falls through into case 2
                        case 2:
                            s += Math.exp(0.1 * x[i]);
                            break;
                        default:
                            s -= x[i] / (1 + x[i] * x[i]);
                    }
                    switch (i) {
                        case 0, 5 -> s *= 1.5;
                        case 3 -> {
                            double t = Math.sin(x[i]);
                            s += t * t;
                        }
                        default -> s += 0.25 * x[i];
                    }
                    double w = switch (i % 3) {
                        case 0 -> 1.0;
                        case 1 -> x[i];
                        default -> 2 * x[0];
                    };
                    s += w * x[n - 1 - i];
                }
                return s;
            }
            """;

    @Test
    void switchStatementsAndExpressionsOnInts() {
        Generated g = compile(SWITCHES);
        checkAgainstMethod(g, "f", "x,null", new double[] {0.3, -0.8, 1.1, 0.5, -1.7, 0.9, 0.2}, 7);
        verifiesStrictly(SWITCHES);
    }

    @Test
    void switchExpressionClosedForm() {
        // f = x^2 for k == 0, 3x for k in {1, 2}, else x: each arm's derivative
        Generated g = compile("""
                @Differentiable static double f(double x, @NoGrad int k) {
                    return switch (k) { case 0 -> x * x; case 1, 2 -> 3 * x; default -> x; };
                }
                """);
        double x = 1.7;
        check(g, "f", "x,null", args(x, 0), x * x, new double[] {2 * x});
        check(g, "f", "x,null", args(x, 2), 3 * x, new double[] {3});
        check(g, "f", "x,null", args(x, 9), x, new double[] {1});
    }

    @Test
    void breakOutOfTheMiddleOfACaseIsRefused() {
        JavaFileObject src = JavaFileObjects.forSourceString("demo.Bad", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Bad {
                    @Differentiable
                    static double f(double x, int k) {
                        double s = x;
                        switch (k) {
                            case 1:
                                if (x > 0) break;
                                s = s * x;
                                break;
                            default:
                                s = 2 * s;
                        }
                        return s;
                    }
                }
                """);
        Compilation c = Generated.javac().compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("a `break` out of the middle of a switch case").inFile(src).onLine(11);
    }

    static final String TABLES = """
            static final double[] WEIGHTS = {0.5, -1.25, 2.0, 0.125};
            static final int[] ORDER = {3, 1, 0, 2};

            @Differentiable static double f(double[] x) {
                double s = 0;
                for (int i = 0; i < WEIGHTS.length; i++) {
                    s += WEIGHTS[i] * x[ORDER[i]] * x[i];
                }
                return s + R.WEIGHTS[2] * x[0];
            }
            """;

    @Test
    void staticFinalConstantTables() {
        Generated g = compile(TABLES);
        double[] x = {0.4, -0.9, 1.3, 0.7};
        double[] w = {0.5, -1.25, 2.0, 0.125};
        int[] order = {3, 1, 0, 2};
        double value = 2.0 * x[0];
        double[] grad = new double[4];
        grad[0] = 2.0;
        for (int i = 0; i < 4; i++) {
            value += w[i] * x[order[i]] * x[i];
            grad[order[i]] += w[i] * x[i];
            grad[i] += w[i] * x[order[i]];
        }
        check(g, "f", "x", args((Object) x), value, grad);
        assertEquals(value, GradientCheck.plain(g, "f", (Object) x), 1e-12);
        verifiesStrictly(TABLES);
    }

    @Test
    void tensorFactoriesOnConstantData() {
        // f = sum(w * x * x) + sum(m * x) * sum(ones(2)): df/dx_i = 2 w_i x_i + 2 m_i
        String source = """
                package demo;

                import dev.fluxion.DType;
                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;

                class T {
                    static final double[] M = {1, -2, 0.5};

                    @Differentiable
                    static Tensor f(Tensor x) {
                        Tensor w = Tensor.of(0.5, -2.0, 1.5);
                        Tensor m = Tensor.fromArray(M, 3);
                        Tensor two = Tensor.ones(DType.FLOAT64, 2).sum();
                        return x.times(w).times(x).sum().plus(m.times(x).sum().times(two));
                    }
                }
                """;
        Generated g = Generated.compileWith(List.of("-Afluxion.verify=strict"), "demo.T", source);
        double[] x = {0.3, -1.2, 2.0};
        double[] w = {0.5, -2.0, 1.5};
        double[] m = {1, -2, 0.5};
        Object r = g.call("demo.TGrad", "fGrad", dev.fluxion.Tensor.of(x));
        double value = 0;
        double[] grad = new double[3];
        for (int i = 0; i < 3; i++) {
            value += w[i] * x[i] * x[i] + 2 * m[i] * x[i];
            grad[i] = 2 * w[i] * x[i] + 2 * m[i];
        }
        assertEquals(value, ((dev.fluxion.Tensor) Generated.get(r, "value")).item(), 1e-12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(grad,
                ((dev.fluxion.Tensor) Generated.get(r, "x")).toDoubleArray(), 1e-12);
    }

    @Test
    void tensorFactoryOnADifferentiableValueIsRefused() {
        JavaFileObject src = JavaFileObjects.forSourceString("demo.Bad", """
                package demo;

                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;

                class Bad {
                    @Differentiable
                    static Tensor f(double x) {
                        return Tensor.of(x, 2.0).sum();
                    }
                }
                """);
        Compilation c = Generated.javac().compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("not differentiable with respect to `x`: `Tensor.of(x, 2.0)` builds a constant "
                + "tensor from it").inFile(src).onLine(9);
    }
}
