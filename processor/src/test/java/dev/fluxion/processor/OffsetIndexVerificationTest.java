package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compile-time verification of methods that index arrays at offsets: the verifier finds array
 * lengths and int values on which they evaluate ({@code a[row * n + j]}, {@code cam[10]}), instead
 * of skipping them ("no inputs found ... Index 3 out of bounds"). Under {@code strict} a skipped
 * check is an error, so each compilation here passing means the method was verified.
 */
class OffsetIndexVerificationTest {
    private static Generated strict(String methods) {
        return Generated.compileWith(List.of("-Afluxion.verify=strict"), "demo.R",
                GradientCheck.HEADER + methods + "}\n");
    }

    @Test
    void methodReadingFixedOffsetsIsVerified() {
        // ba's camera: eleven parameters read at fixed offsets
        Generated g = strict("""
                @Differentiable
                static double project(double[] cam, double[] x) {
                    double px = cam[3] * x[0] - cam[4] * x[1] + cam[9];
                    double py = cam[5] * x[1] + cam[10] * x[2];
                    return px * px + Math.sin(py) * cam[6];
                }
                """);
        double[] cam = {0, 0, 0, 1.5, -0.5, 2.0, 0.7, 0, 0, 0.25, -1.0};
        double[] x = {0.3, -0.2, 0.9};
        Object grad = g.call("demo.RGrad", "projectGrad", cam, x);
        double px = 1.5 * 0.3 + 0.5 * -0.2 + 0.25;
        double py = 2.0 * -0.2 - 0.9;
        assertEquals(px * px + Math.sin(py) * 0.7, (double) Generated.get(grad, "value"), 1e-12);
        assertEquals(2 * px * 0.3, ((double[]) Generated.get(grad, "cam"))[3], 1e-12);
    }

    @Test
    void methodReadingRowMajorMatrixIsVerified() {
        Generated g = strict("""
                @Differentiable
                static double trace(double[] a, @NoGrad int n) {
                    double s = 0;
                    for (int i = 0; i < n; i++) s += a[i * n + i] * a[i * n + (n - 1 - i)];
                    return s;
                }
                """);
        Object grad = g.call("demo.RGrad", "traceGrad", new double[] {1, 2, 3, 4}, 2);
        // a0 a1 + a3 a2
        assertEquals(2 + 12, (double) Generated.get(grad, "value"), 1e-12);
    }
}
