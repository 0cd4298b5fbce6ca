package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.processor.model.Names;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, reproducer 8: user code whose generated code did not compile. Each compiles now, and
 * its gradient is checked against the closed form.
 */
class GeneratedCodeCompilesTest {

    @Test
    void parametersNamedLikeGeneratedMembersKeepTheirGradients() {
        Generated g = Generated.compile("demo.Names", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Names {
                    @Differentiable
                    static double f(double value, double pullback, double tapes, double site, double e) {
                        double s = 0;
                        for (int i = 0; i < 3; i++) {
                            s = s * Math.sin(value) + pullback * tapes;
                        }
                        return s + site * e + value;
                    }
                }
                """);
        double v = 0.7;
        double p = -1.3;
        double t = 0.4;
        double si = 2.0;
        double e = 0.5;
        Object r = g.call("demo.NamesGrad", "fGrad", v, p, t, si, e);
        double sn = Math.sin(v);
        double cs = Math.cos(v);
        // s3 = pt (sn^2 + sn + 1)
        assertEquals(p * t * (sn * sn + sn + 1) + si * e + v, (double) Generated.get(r, "value"), 1e-12);
        assertEquals(p * t * (2 * sn + 1) * cs + 1, (double) Generated.get(r, "valueGrad"), 1e-12);
        assertEquals(t * (sn * sn + sn + 1), (double) Generated.get(r, "pullback"), 1e-12);
        assertEquals(p * (sn * sn + sn + 1), (double) Generated.get(r, "tapes"), 1e-12);
        assertEquals(e, (double) Generated.get(r, "site"), 1e-12);
        assertEquals(si, (double) Generated.get(r, "e"), 1e-12);
    }

    @Test
    void parameterNamedValueIsVerifiedUnderStrict() {
        Generated g = Generated.compileWith(List.of("-Afluxion.verify=strict"), "demo.Strict", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Strict {
                    @Differentiable
                    static double h(double value, double toString) { return value * Math.sin(toString); }

                    @Differentiable
                    static double f(double value) { return h(value * value, value); }
                }
                """);
        double v = 0.9;
        Object r = g.call("demo.StrictGrad", "fGrad", v);
        // f(v) = v² sin v, f'(v) = 2 v sin v + v² cos v
        assertEquals(2 * v * Math.sin(v) + v * v * Math.cos(v), (double) Generated.get(r, "valueGrad"), 1e-12);
        org.junit.jupiter.api.Assertions.assertTrue(g.compilation().diagnostics().stream()
                .noneMatch(d -> d.getMessage(null).contains("not verified")), () -> g.compilation().diagnostics().toString());
    }

    @Test
    void tensorParametersNamedLikeGeneratedLocalsKeepTheirGradients() {
        Generated g = Generated.compile("demo.TensorNames", """
                package demo;

                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;

                class TensorNames {
                    @Differentiable
                    static Tensor f(Tensor site, Tensor e, Tensor tapes, double parts) {
                        Tensor h = site;
                        for (int i = 0; i < 2; i++) {
                            h = h.times(e).plus(tapes);
                        }
                        return h.times(parts).sum();
                    }
                }
                """);
        dev.fluxion.Tensor s = dev.fluxion.Tensor.of(new double[] {0.5, -1.0});
        dev.fluxion.Tensor e = dev.fluxion.Tensor.of(new double[] {2.0, 0.25});
        dev.fluxion.Tensor t = dev.fluxion.Tensor.of(new double[] {-0.5, 1.5});
        double p = 3.0;
        Object r = g.call("demo.TensorNamesGrad", "fGrad", s, e, t, p);
        // h2 = s e² + t e + t; value = p Σ h2; d/ds = p e², d/de = p (2 s e + t), d/dt = p (e + 1), d/dp = Σ h2
        double[] h2 = new double[2];
        double[] sv = {0.5, -1.0};
        double[] ev = {2.0, 0.25};
        double[] tv = {-0.5, 1.5};
        for (int i = 0; i < 2; i++) {
            h2[i] = sv[i] * ev[i] * ev[i] + tv[i] * ev[i] + tv[i];
        }
        assertEquals(p * (h2[0] + h2[1]), ((dev.fluxion.Tensor) Generated.get(r, "value")).item(), 1e-12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {p * 4.0, p * 0.0625},
                ((dev.fluxion.Tensor) Generated.get(r, "site")).toDoubleArray(), 1e-12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {p * (2 * 0.5 * 2.0 - 0.5),
                p * (2 * -1.0 * 0.25 + 1.5)}, ((dev.fluxion.Tensor) Generated.get(r, "e")).toDoubleArray(), 1e-12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {p * 3.0, p * 1.25},
                ((dev.fluxion.Tensor) Generated.get(r, "tapes")).toDoubleArray(), 1e-12);
        assertEquals(h2[0] + h2[1], (double) Generated.get(r, "parts"), 1e-12);
    }

    @Test
    void moduleMethodParameterNamedModelIsNotTheGeneratedModel() {
        Generated g = Generated.compile("demo.Net", """
                package demo;

                import dev.fluxion.Parameter;
                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.nn.Module;

                class Net extends Module {
                    final Parameter w = param(Tensor.of(new double[] {0.5, -2.0}));

                    @Differentiable
                    Tensor loss(Tensor model, Tensor pullback) {
                        Tensor value = model.times(w).plus(pullback);
                        return value.times(value).sum();
                    }
                }
                """);
        Object net = g.instance("demo.Net");
        dev.fluxion.Tensor x = dev.fluxion.Tensor.of(new double[] {1.5, 0.25});
        dev.fluxion.Tensor b = dev.fluxion.Tensor.of(new double[] {-1.0, 3.0});
        Object r = g.call("demo.NetGrad", "lossGrad", net, x, b);
        // value_i = x_i w_i + b_i: (-0.25, 2.5); loss = 0.0625 + 6.25; d/dx_i = 2 value_i w_i, d/db_i = 2 value_i
        assertEquals(6.3125, ((dev.fluxion.Tensor) Generated.get(r, "value")).item(), 1e-12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {-0.25, -10.0},
                ((dev.fluxion.Tensor) Generated.get(r, "model_")).toDoubleArray(), 1e-12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {-0.5, 5.0},
                ((dev.fluxion.Tensor) Generated.get(r, "pullback")).toDoubleArray(), 1e-12);
    }

    @Test
    void callerReadsTheComponentOfACalleeParameterNamedValue() {
        Generated g = Generated.compileAll("demo.Callee", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Callee {
                    @Differentiable
                    static double h(double value, double hashCode) { return value * value * hashCode; }
                }
                """, "demo.Caller", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Caller {
                    @Differentiable
                    static double f(double a) { return Callee.h(Math.sin(a), a); }
                }
                """);
        double a = 0.8;
        Object r = g.call("demo.CallerGrad", "fGrad", a);
        double s = Math.sin(a);
        assertEquals(s * s * a, (double) Generated.get(r, "value"), 1e-12);
        assertEquals(2 * s * Math.cos(a) * a + s * s, (double) Generated.get(r, "a"), 1e-12);
        Object h = g.call("demo.CalleeGrad", "hGrad", 2.0, 3.0);
        assertEquals(12.0, (double) Generated.get(h, "valueGrad"), 1e-12);
        assertEquals(4.0, (double) Generated.get(h, "hashCodeGrad"), 1e-12);
    }

    /** {@code x * sin(x + 1) + x * sin(x + 2) + ...}: the backward pass reads every sine. */
    private static String manyTermSum(int terms) {
        StringBuilder sum = new StringBuilder();
        for (int k = 1; k <= terms; k++) {
            sum.append(k == 1 ? "" : "\n                + ").append("x * Math.sin(x + ").append(k).append(")");
        }
        return sum.toString();
    }

    @Test
    void threeHundredSavedValuesFitThePullback() {
        Generated g = Generated.compile("demo.Wide", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Wide {
                    @Differentiable
                    static double f(double x) {
                        return %s;
                    }
                }
                """.formatted(manyTermSum(300)));
        double x = 0.3;
        double value = 0;
        double derivative = 0;
        for (int k = 1; k <= 300; k++) {
            value += x * Math.sin(x + k);
            derivative += Math.sin(x + k) + x * Math.cos(x + k);
        }
        Object r = g.call("demo.WideGrad", "fGrad", x);
        assertEquals(value, (double) Generated.get(r, "value"), 1e-9);
        assertEquals(derivative, (double) Generated.get(r, "x"), 1e-9);
        Object pullback = g.call("demo.WideGrad", "fVjp", x);
        assertEquals(2 * derivative, (double) Generated.get(Generated.invoke(pullback, "backward", 2.0), "x"), 1e-9);
    }

    @Test
    void twoThousandStatementsAreWrittenInPartsBelowTheMethodSizeLimit() {
        StringBuilder body = new StringBuilder();
        body.append("double s0 = x;\n");
        for (int k = 1; k <= 2000; k++) {
            body.append("        double s").append(k).append(" = s").append(k - 1).append(" * 0.999 + Math.sin(x * ")
                    .append(k % 7).append(");\n");
        }
        Generated g = Generated.compile("demo.Long", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Long {
                    @Differentiable
                    static double f(double x) {
                        %s
                        return s2000;
                    }
                }
                """.formatted(body));
        double x = 0.4;
        double s = x;
        double ds = 1;
        for (int k = 1; k <= 2000; k++) {
            ds = ds * 0.999 + (k % 7) * Math.cos(x * (k % 7));
            s = s * 0.999 + Math.sin(x * (k % 7));
        }
        String source = g.source("demo.LongGrad");
        org.junit.jupiter.api.Assertions.assertTrue(source.contains("private final class BackwardParts"), "split");
        Object r = g.call("demo.LongGrad", "fGrad", x);
        assertEquals(s, (double) Generated.get(r, "value"), 1e-9);
        assertEquals(ds, (double) Generated.get(r, "x"), 1e-9);
    }

    @Test
    void varargsParameterIsAnArray() {
        Generated g = Generated.compile("demo.Var", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Var {
                    @Differentiable
                    static double f(double... x) {
                        double s = 0;
                        for (int i = 0; i < x.length; i++) {
                            s += x[i] * x[i] * (i + 1);
                        }
                        return s;
                    }
                }
                """);
        Object r = g.call("demo.VarGrad", "fGrad", (Object) new double[] {1.0, -2.0, 0.5});
        assertEquals(1 + 8 + 0.75, (double) Generated.get(r, "value"), 1e-12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {2.0, -8.0, 3.0},
                (double[]) Generated.get(r, "x"), 1e-12);
    }

    @Test
    void varargsCallWithSeparateArgumentsAndArraysOfDifferentiableValuesAreErrors() {
        var src = JavaFileObjects.forSourceString("demo.Va", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Va {
                    @Differentiable
                    static double s(double... x) { return x[0] * x[1]; }

                    @Differentiable
                    static double f(double a, double b) { return s(a, b); }

                    @Differentiable
                    static double g(double a, double b) { return s(new double[] {a, b}); }
                }
                """);
        Compilation c = Generated.javac().compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("calling the varargs method Va.s(...) with separate arguments is not supported")
                .inFile(src).onLine(10);
        assertThat(c).hadErrorContaining("not differentiable with respect to `a`: the array new double[] {a, b} is "
                + "built from it, and an array element carries no gradient").inFile(src).onLine(13);
    }
}
