package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Every diagnostic: its message, its file, its line. */
class DiagnosticsTest {
    private static final String HEADER = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class Bad {
            """; // the class body starts on line 10

    private static JavaFileObject source(String body) {
        return JavaFileObjects.forSourceString("demo.Bad", HEADER + body + "}\n");
    }

    private static Compilation compile(JavaFileObject src) {
        return Generated.javac().compile(src);
    }

    private static void assertError(String body, String message, int line) {
        JavaFileObject src = source(body);
        Compilation c = compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining(message).inFile(src).onLine(line);
    }

    @Test
    void floorOfADifferentiableInput() {
        assertError("""
                @Differentiable
                static double f(double w) {
                    double k = Math.floor(w);
                    return k * w;
                }
                """, "not differentiable with respect to `w`: Math.floor(w) has no derivative", 12);
        assertError("""
                @Differentiable
                static double f(double w) {
                    return Math.floor(w) * w;
                }
                """, "wrap it in detach(...) or mark the parameter @NoGrad", 12);
    }

    @Test
    void intCast() {
        assertError("""
                @Differentiable
                static double f(double w) {
                    double pred = w * 2;
                    int k = (int) pred;
                    return k + w;
                }
                """, "not differentiable with respect to `w`: (int) pred has no derivative", 13);
    }

    @Test
    void argmax() {
        assertError("""
                @Differentiable
                static Tensor f(Tensor x) {
                    return x.plus(x.argmax());
                }
                """, "x.argmax() has no derivative", 12);
    }

    @Test
    void comparisonUsedAsValue() {
        assertError("""
                @Differentiable
                static Tensor f(Tensor x) {
                    return x.gt(0).times(x);
                }
                """, "the comparison x.gt(0) is used as a value", 12);
        assertError("""
                @Differentiable
                static Tensor f(Tensor x) {
                    Tensor m = x.gt(0);
                    Tensor h = x.times(2);
                    return h.times(m);
                }
                """, "not differentiable with respect to `x`: the comparison x.gt(0) (stored in `m`) is used as a value",
                14);
    }

    @Test
    void comparisonAsMaskIsFine() {
        assertThat(compile(source("""
                @Differentiable
                static Tensor f(Tensor x) {
                    return where(x.gt(0), x, x.times(0.1));
                }
                """))).succeeded();
        assertThat(compile(source("""
                @Differentiable
                static Tensor f(Tensor x, @NoGrad Tensor y) {
                    Tensor m = x.gt(0);
                    Tensor c = y.gt(0);
                    return where(m, x, x.times(0.1)).times(c);
                }
                """))).succeeded();
    }

    @Test
    void unknownMethod() {
        assertError("""
                static double helper(double v) { return v; }

                @Differentiable
                static double f(double w) {
                    return helper(w) * 2;
                }
                """, "not differentiable with respect to `w`: `helper(w)` passes it to Bad.helper, which is not "
                + "@Differentiable, so its gradient would be lost (hint: annotate Bad.helper with @Differentiable", 14);
        assertError("""
                static java.util.List<Double> helper(double v) { return java.util.List.of(v); }

                @Differentiable
                static double f(double w) {
                    return helper(w).size() * w;
                }
                """, "cannot differentiate a call to Bad.helper(...): it is neither @Differentiable nor a known operation",
                14);
    }

    @Test
    void unsupportedConstructs() {
        assertError("""
                @Differentiable
                static double f(double w) {
                    java.util.function.DoubleUnaryOperator op = v -> v * 2;
                    return w;
                }
                """, "a lambda is not supported", 12);
        assertError("""
                @Differentiable
                static double f(double w) {
                    Object o = new Object() { };
                    return w;
                }
                """, "an anonymous class is not supported", 12);
        assertError("""
                static double total;

                @Differentiable
                static double f(double w) {
                    total = w;
                    return w;
                }
                """, "a field write is not supported", 14);
        assertError("""
                @Differentiable
                static double f(double w) {
                    try {
                        return w;
                    } finally {
                    }
                }
                """, "try is not supported", 12);
        assertError("""
                @Differentiable
                static double f(double w) {
                    synchronized (Bad.class) {
                        return w;
                    }
                }
                """, "synchronized is not supported", 12);
        assertError("""
                @Differentiable
                static double f(double w) {
                    StringBuilder sb = new StringBuilder();
                    return w;
                }
                """, "`new StringBuilder(...)` is not supported", 12);
    }

    @Test
    void badSignatures() {
        assertError("""
                @Differentiable
                static void f(double w) { }
                """, "@Differentiable method returns void, which cannot be differentiated", 11);
        assertError("""
                @Differentiable
                static int f(double w) { return 1; }
                """, "returns int", 11);
        assertError("""
                @Differentiable
                static String f(double w) { return ""; }
                """, "returns java.lang.String", 11);
        JavaFileObject abs = JavaFileObjects.forSourceString("demo.Abs", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                abstract class Abs {
                    @Differentiable
                    abstract double f(double w);
                }
                """);
        Compilation c = compile(abs);
        assertThat(c).hadErrorContaining("@Differentiable cannot be used on an abstract method").inFile(abs).onLine(7);
    }

    @Test
    void overloadedDifferentiableMethods() {
        assertError("""
                @Differentiable
                static double f(double a) { return a * a; }

                @Differentiable
                static double f(double a, double b) { return a * b; }
                """, "@Differentiable method `f` clashes with the @Differentiable method `f` (line 11) of Bad: "
                + "both would generate `f`", 14);
        assertError("""
                @Differentiable
                static double f(double a) { return a * a; }

                @Differentiable
                static double f(float a) { return a * a; }
                """, "hint: rename one of them", 14);
        assertError("""
                @Differentiable
                static double f(double a) { return a * a; }

                @Differentiable
                static double fGrad(double a) { return a; }
                """, "@Differentiable method `fGrad` clashes with the @Differentiable method `f` (line 11) of Bad: "
                + "both would generate `fGrad`", 14);
    }

    @Test
    void wrtNamingAMissingParameter() {
        assertError("""
                @Differentiable(wrt = {"a", "c"})
                static double f(double a, double b) { return a * b; }
                """, "wrt names `c`, which is not a parameter of this method (hint: use one of: a, b)", 10);
    }

    @Test
    void recursionThroughAModuleMethod() {
        // static recursion is differentiated (RecursionTest); a cycle through a Module method is not
        JavaFileObject src = JavaFileObjects.forSourceString("demo.Bad", """
                package demo;

                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;

                class Bad extends dev.fluxion.nn.Module {
                    @Differentiable
                    double f(double w, @NoGrad int k) {
                        return k == 0 ? w : f(w, k - 1) * 2;
                    }
                }
                """);
        Compilation c = compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("recursive call to f").inFile(src).onLine(9);
    }

    @Test
    void writeIntoAnInputArray() {
        assertError("""
                @Differentiable
                static double f(double[] x) {
                    for (int i = 0; i < x.length; i++) {
                        x[i] = x[i] * 2;
                    }
                    return x[0];
                }
                """, "`x[...] = ...` writes into the input array `x`: a @Differentiable method cannot change its inputs "
                + "(hint: write into a local array instead: double[] y = new double[x.length]; then y[i] = ... in a "
                + "loop", 13);
    }

    @Test
    void writeWhoseIndexReadsTheArrayItWritesIsRefused() {
        assertError("""
                @Differentiable
                static double f(double w) {
                    int[] order = new int[3];
                    order[order[0]] = 2;
                    return w * order[0];
                }
                """, "an index that reads the array it writes into (`order[0]`) is not supported", 13);
    }

    @Test
    void arrayWrittenElementByElementSharesNoStorage() {
        assertError("""
                @Differentiable
                static double f(double w, double[] x) {
                    double[] buf = new double[3];
                    double[] other = buf;
                    buf[1] += w;
                    return other[1] + x[0];
                }
                """, "`buf` is written element by element, so it must hold a new array of its own: `buf` would make it "
                + "share the array of another variable (hint: create it with new double[n]", 13);
        assertError("""
                @Differentiable
                static double f(double w, double[] x) {
                    double[] buf = x;
                    buf[1] = w;
                    return buf[1] + x[0];
                }
                """, "`buf` is written element by element, so it must hold a new array of its own: `x` would make it "
                + "share the array of another variable", 12);
    }

    @Test
    void labeledBreakAndContinue() {
        String hint = "(hint: use a boolean flag instead of the label: set it and break out of the inner loop, then "
                + "test it in the outer loop";
        String body = """
                @Differentiable
                static double f(double[] x) {
                    double s = 0;
                    outer:
                    for (int i = 0; i < x.length; i++) {
                        for (int j = 0; j < x.length; j++) {
                            if (x[j] < 0) {
                                break outer;
                            }
                            if (x[j] > 5) {
                                continue outer;
                            }
                            s += x[i] * x[j];
                        }
                    }
                    return s;
                }
                """;
        assertError(body, "a labeled `break outer` is not supported in a @Differentiable method " + hint, 17);
        assertError(body, "a labeled `continue outer` is not supported in a @Differentiable method " + hint, 20);
    }

    @Test
    void conditionsThatAssign() {
        String hint = "(hint: make the assignment (or ++/--) a statement of its own: do it before the loop and again "
                + "at the end of its body, then test the variable in the condition)";
        assertError("""
                @Differentiable
                static double f(double x) {
                    double s = 0;
                    while ((s += x) < 10) {
                        x = x * 1.5;
                    }
                    return s;
                }
                """, "`s += x` changes a variable inside an expression, which is not supported in a @Differentiable "
                + "method: conditions and other expressions must not assign " + hint, 13);
        assertError("""
                @Differentiable
                static double f(double y) {
                    if (y++ > 2) {
                        return y;
                    }
                    return y * y;
                }
                """, "`y++` changes a variable inside an expression", 12);
        assertError("""
                @Differentiable
                static double f(double y) {
                    double z;
                    double w = (z = y * 2) + 1;
                    return w * z;
                }
                """, "`z = y * 2` changes a variable inside an expression", 13);
    }

    @Test
    void resultIndependentOfInputsWarns() {
        JavaFileObject src = source("""
                @Differentiable
                static double f(@NoGrad double w) {
                    return w * 2;
                }
                """);
        Compilation c = compile(src);
        assertThat(c).succeeded();
        assertThat(c).hadWarningContaining("does not depend on any differentiable input").inFile(src).onLine(12);
    }

    @Test
    void threeMistakesGiveThreeErrors() {
        JavaFileObject src = source("""
                @Differentiable
                static double f(double w) {
                    double a = Math.floor(w);
                    double b = Math.ceil(w);
                    double c = Math.rint(w);
                    return a + b + c;
                }
                """);
        Compilation c = compile(src);
        assertThat(c).hadErrorCount(3);
        assertThat(c).hadErrorContaining("Math.floor(w)").inFile(src).onLine(12);
        assertThat(c).hadErrorContaining("Math.ceil(w)").inFile(src).onLine(13);
        assertThat(c).hadErrorContaining("Math.rint(w)").inFile(src).onLine(14);
    }

    @Test
    void processorBugsBecomeOneError() {
        JavaFileObject src = source("""
                @Differentiable
                static double f(double w) { return w; }
                """);
        Compilation c = com.google.testing.compile.Compiler.javac()
                .withProcessors(new FluxionProcessor(ir -> {
                    throw new IllegalStateException("boom");
                })).compile(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("Fluxion processor bug while processing f: IllegalStateException: boom")
                .inFile(src).onLine(11);
    }
}
