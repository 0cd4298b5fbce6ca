package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * {@code @Differentiable(verifyWith = "sample")}: compile-time verification at the arguments a static
 * method of the user's gives, for methods whose valid inputs the verifier cannot find itself.
 */
class VerifyWithTest {

    private static Compilation compile(String body, String option) {
        JavaFileObject src = JavaFileObjects.forSourceString("demo.S", """
                package demo;

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

    /** Evaluates only where n is exactly 5 and x holds n * n + 1 values: no random search finds that. */
    private static final String PICKY = """
                static Object[] sample() {
                    int n = 5;
                    double[] x = new double[n * n + 1];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = 0.1 * i - 0.9;
                    }
                    return new Object[] {x, n};
                }

                @Differentiable(verifyWith = "sample")
                static double f(double[] x, @NoGrad int n) {
                    double s = n == 5 ? 0 : Double.NaN;
                    for (int i = 0; i < n; i++) {
                        s += Math.sin(x[i * n + i]) * x[x.length - 1 - i];
                    }
                    return s;
                }
            """;

    @Test
    void sampleArgumentsAreVerifiedUnderStrict() {
        Compilation c = compile(PICKY, "strict");
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("gradient of f verified at");
    }

    @Test
    void withoutTheSampleTheSameMethodIsNotVerified() {
        Compilation c = compile(PICKY.replace("(verifyWith = \"sample\")", ""), "strict");
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("gradient of f not verified at compile time");
    }

    @Test
    void tensorSampleWithMatchingShapes() {
        Compilation c = compile("""
                    static Object[] shapes() {
                        return new Object[] {Tensor.fromArray(new double[] {1, 2, 3, 4, 5, 6}, 2, 3),
                                Tensor.of(0.5, -1.0, 2.0), 3};
                    }

                    @Differentiable(verifyWith = "shapes")
                    static Tensor f(Tensor a, Tensor v, @NoGrad int k) {
                        return a.matmul(v.reshape(k, 1)).sum();
                    }
                """, "strict");
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("gradient of f verified at");
    }

    @Test
    void aMissingOrMalformedSampleMethodIsAnError() {
        Compilation missing = compile("""
                    @Differentiable(verifyWith = "nothing")
                    static double f(double x) { return x * x; }
                """, "on");
        assertThat(missing).failed();
        assertThat(missing).hadErrorContaining("verifyWith = \"nothing\" cannot give the example arguments: "
                + "no static method nothing() with a body in S");
        Compilation arity = compile("""
                    static Object[] two() { return new Object[] {1.0, 2.0}; }

                    @Differentiable(verifyWith = "two")
                    static double f(double x) { return x * x; }
                """, "on");
        assertThat(arity).failed();
        assertThat(arity).hadErrorContaining("two() returns 2 values for 1 parameters");
        assertEquals(1, arity.errors().size());
    }

    /**
     * 2-D data from the sample: 2-D locals of the sample method (created in their declaration and
     * written element by element, or literals) become rows for {@code @NoGrad double[][]} and
     * {@code int[][]} parameters. Only that sample evaluates: row {@code picks[i]} must name a row of
     * {@code data} and rows must hold 3 values.
     */
    @Test
    void twoDimensionalSampleDataIsCutIntoRows() {
        Compilation c = compile("""
                    static Object[] rows() {
                        double[][] data = new double[4][3];
                        for (int i = 0; i < 4; i++) {
                            for (int j = 0; j < 3; j++) {
                                data[i][j] = 0.5 * i - 0.25 * j;
                            }
                        }
                        int[][] picks = {{3, 0}, {1, 2}};
                        return new Object[] {new double[] {0.3, -0.7, 1.1}, data, picks};
                    }

                    @Differentiable(verifyWith = "rows")
                    static double f(double[] w, @NoGrad double[][] data, @NoGrad int[][] picks) {
                        double s = data[0].length == 3 ? 0 : Double.NaN;
                        for (int p = 0; p < picks.length; p++) {
                            double r = 0;
                            for (int j = 0; j < 3; j++) {
                                r += data[picks[p][0]][j] * w[j] - data[picks[p][1]][j];
                            }
                            s += Math.sin(r) * r;
                        }
                        return s;
                    }
                """, "strict");
        assertThat(c).succeeded();
        assertThat(c).hadNoteContaining("gradient of f verified at");
    }

    @Test
    void aTwoDimensionalSampleForAFlatParameterIsNotVerified() {
        Compilation c = compile("""
                    static Object[] rows() {
                        double[][] data = {{1, 2}, {3, 4}};
                        return new Object[] {data};
                    }

                    @Differentiable(verifyWith = "rows")
                    static double f(double[] x) {
                        return x[0] * x[1];
                    }
                """, "strict");
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("the sample gives a 2-D array for `x` of type double[]");
    }
}
