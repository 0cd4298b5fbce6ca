package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every supported {@code Math.*} function, against float64 central differences. */
class MathFunctionsTest {
    private static final String[] UNARY = {"exp", "expm1", "log", "log1p", "log10", "sqrt", "cbrt", "sin", "cos",
        "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "abs"};
    private static final String[] BINARY = {"pow", "atan2", "hypot", "max", "min"};
    private static Generated g;

    @BeforeAll
    static void compile() {
        StringBuilder src = new StringBuilder("""
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Fns {
                """);
        for (String f : UNARY) {
            src.append("    @Differentiable static double ").append(f).append("(double x) { return 2 * Math.")
                    .append(f).append("(x); }\n");
        }
        for (String f : BINARY) {
            src.append("    @Differentiable static double ").append(f).append("(double x, double y) { return Math.")
                    .append(f).append("(x, y); }\n");
        }
        src.append("    @Differentiable static float f32(float x) { return x * x * 3f; }\n");
        src.append("    @Differentiable static double arr(double[] v) { return v[0] * v[1] + Math.exp(v[2]) - v[0]; }\n");
        g = Generated.compile("demo.Fns", src.append("}\n").toString());
    }

    @ParameterizedTest
    @CsvSource({"exp", "expm1", "log", "log1p", "log10", "sqrt", "cbrt", "sin", "cos", "tan", "asin", "acos",
        "atan", "sinh", "cosh", "tanh", "abs"})
    void unary(String f) {
        for (double x : new double[] {0.3, 0.7, f.equals("abs") ? -1.5 : 0.9}) {
            Object r = g.call("demo.FnsGrad", f + "Grad", x);
            double h = 1e-6;
            double fd = ((double) g.call("demo.FnsGrad", f, x + h) - (double) g.call("demo.FnsGrad", f, x - h)) / (2 * h);
            assertEquals(fd, (double) Generated.get(r, "x"), 1e-7, f + " at " + x);
        }
    }

    @ParameterizedTest
    @CsvSource({"pow", "atan2", "hypot", "max", "min"})
    void binary(String f) {
        DoubleBinaryOperator fn = (x, y) -> (double) g.call("demo.FnsGrad", f, x, y);
        for (double[] p : new double[][] {{1.3, 0.4}, {0.6, 2.1}}) {
            Object r = g.call("demo.FnsGrad", f + "Grad", p[0], p[1]);
            double h = 1e-6;
            assertEquals((fn.applyAsDouble(p[0] + h, p[1]) - fn.applyAsDouble(p[0] - h, p[1])) / (2 * h),
                    (double) Generated.get(r, "x"), 1e-7, f + " d/dx");
            assertEquals((fn.applyAsDouble(p[0], p[1] + h) - fn.applyAsDouble(p[0], p[1] - h)) / (2 * h),
                    (double) Generated.get(r, "y"), 1e-7, f + " d/dy");
        }
    }

    @Test
    void absHasZeroGradientAtZero() {
        assertEquals(0.0, (double) Generated.get(g.call("demo.FnsGrad", "absGrad", 0.0), "x"));
    }

    @Test
    void floatInFloatOut() {
        Object r = g.call("demo.FnsGrad", "f32Grad", 2f);
        assertEquals(12f, (float) Generated.get(r, "value"));
        assertEquals(12f, (float) Generated.get(r, "x"));
    }

    @Test
    void arrayInputGetsAnArrayGradient() {
        double[] v = {1.5, -2, 0.5, 9};
        double[] grad = (double[]) Generated.get(g.call("demo.FnsGrad", "arrGrad", (Object) v), "v");
        assertEquals(4, grad.length);
        assertEquals(-2 - 1, grad[0], 1e-12);
        assertEquals(1.5, grad[1], 1e-12);
        assertEquals(Math.exp(0.5), grad[2], 1e-12);
        assertEquals(0.0, grad[3]);
    }
}
