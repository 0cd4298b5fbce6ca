package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.fluxion.processor.GradientCheck.args;
import static dev.fluxion.processor.GradientCheck.check;
import static dev.fluxion.processor.GradientCheck.checkAgainstMethod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Bitwise operators and shifts on ints and longs ({@code & | ^ ~ << >> >>>} and their compound
 * assignments): index arithmetic, as GradBench's det writes its set of used columns, with Java's
 * precedence and types; on floating values or booleans a compile error with a hint.
 */
class BitwiseOperatorsTest {
    /** det by minors with the used columns as the bits of an int, as a C programmer writes it. */
    private static final String DET = """
            @Differentiable
            static double detOfMinor(double[] a, @NoGrad int n, @NoGrad int row, @NoGrad int usedColumns) {
                if (row == n) return 1;
                double sum = 0;
                int sign = 1;
                for (int j = 0; j < n; j++) {
                    if ((usedColumns & (1 << j)) == 0) {
                        sum += sign * a[row * n + j] * detOfMinor(a, n, row + 1, usedColumns | 1 << j);
                        sign = -sign;
                    }
                }
                return sum;
            }

            @Differentiable
            static double det(double[] a, @NoGrad int n) {
                return detOfMinor(a, n, 0, 0);
            }
            """;

    @Test
    void determinantWithColumnsAsBitsHasTheCofactorsAsGradient() {
        Generated g = GradientCheck.compile(DET);
        check(g, "det", "a,null", args(RecursionTest.A3, 3), RecursionTest.DET3, RecursionTest.COFACTORS3);
        double[] b = {1.2, -0.4, 0.7, 2.0, 0.3, 1.1, -1.5, 0.6, -0.8, 0.9, 0.4, -1.2, 1.7, -0.2, 0.5, 0.8};
        checkAgainstMethod(g, "det", "a,null", b, 4);
    }

    @Test
    void everyOperatorHasJavasValueTypeAndPrecedence() {
        // k picks elements by bit tricks; each index is what Java computes for the same ints
        Generated g = GradientCheck.compile("""
                @Differentiable
                static double pick(double[] x, @NoGrad int k, @NoGrad long m) {
                    int i = k & 3 | 4;          // (k & 3) | 4
                    int j = k ^ 1 << 1;         // k ^ (1 << 1)
                    int s = -k >> 1;            // arithmetic shift
                    int u = -k >>> 29;          // logical shift: a large positive int, reduced below
                    int c = ~k & 7;
                    int w = (int) (m >>> 33 & 3L);
                    int v = k;
                    v <<= 2;
                    v |= 1;
                    v ^= 8;
                    v &= 15;
                    v >>= 1;
                    return x[i] * x[j % 8] + x[-s % 8] * x[u % 8] + x[c] * x[c] * x[w] + x[v % 8];
                }
                """);
        int k = 5;
        long m = 0xA_0000_0000L | (2L << 33);
        int i = k & 3 | 4;
        int j = k ^ 1 << 1;
        int s = -k >> 1;
        int u = -k >>> 29;
        int c = ~k & 7;
        int w = (int) (m >>> 33 & 3L);
        int v = ((((k << 2) | 1) ^ 8) & 15) >> 1;
        double[] x = {0.5, -1.25, 2.0, 0.75, -0.3, 1.1, 0.9, -2.2};
        double value = x[i] * x[j % 8] + x[-s % 8] * x[u % 8] + x[c] * x[c] * x[w] + x[v % 8];
        double[] grad = new double[8];
        grad[i] += x[j % 8];
        grad[j % 8] += x[i];
        grad[-s % 8] += x[u % 8];
        grad[u % 8] += x[-s % 8];
        grad[c] += 2 * x[c] * x[w];
        grad[w] += x[c] * x[c];
        grad[v % 8] += 1;
        check(g, "pick", "x,null,null", args(x, k, m), value, grad);
    }

    @Test
    void bitwiseDeterminantPassesTheStrictCompileTimeCheck() {
        Generated g = Generated.compileWith(List.of("-Afluxion.verify=strict"), "demo.R",
                GradientCheck.HEADER + DET + "}\n");
        Object grad = g.call("demo.RGrad", "detGrad", new double[] {1, 2, 3, 4}, 2);
        assertEquals(-2.0, (double) Generated.get(grad, "value"), 1e-12);
    }

    @Test
    void bitwiseOperatorsOnDoublesOrBooleansAreRefusedWithAHint() {
        JavaFileObject src = JavaFileObjects.forSourceString("demo.Bad", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Bad {
                    @Differentiable
                    static double f(double x, boolean p, boolean q) {
                        if (p & q) {
                            return x;
                        }
                        return x * 2;
                    }
                }
                """);
        Compilation c = Generated.javac().compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("`&` on boolean and boolean (write && for booleans)").inFile(src).onLine(8);
        assertThat(c).hadErrorCount(1);
    }
}
