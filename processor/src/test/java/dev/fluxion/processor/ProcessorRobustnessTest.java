package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, reproducer 9: inputs that crashed the processor ("Fluxion processor bug"). Each now
 * compiles, or gets a clear error on the right element.
 */
class ProcessorRobustnessTest {
    /** javac's default thread stack on 64-bit Linux (-Xss default). */
    private static final long JAVAC_STACK = 1024 * 1024;

    /** Runs {@code work} on a thread with javac's default stack, as a build tool would. */
    private static <T> T onJavacStack(Supplier<T> work) {
        return onStack(JAVAC_STACK, work);
    }

    /** Runs {@code work} on a thread with a stack of {@code bytes}. */
    private static <T> T onStack(long bytes, Supplier<T> work) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(work.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "javac", bytes);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        return result.get();
    }

    private static String sum(int terms, String term) {
        StringBuilder s = new StringBuilder();
        for (int k = 1; k <= terms; k++) {
            s.append(k == 1 ? "" : k % 3 == 0 ? "\n - " : "\n + ").append(term.replace("K", Integer.toString(k)));
        }
        return s.toString();
    }

    @Test
    void thousandTermSumCompilesOnJavacsDefaultStack() {
        String source = """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Deep {
                    @Differentiable
                    static double f(double x, double y) {
                        return %s;
                    }
                }
                """.formatted(sum(1000, "x * Math.sin(y + K)"));
        Generated g = onJavacStack(() -> Generated.compile("demo.Deep", source));
        double x = 0.7;
        double y = -0.4;
        double value = 0;
        double dx = 0;
        double dy = 0;
        for (int k = 1; k <= 1000; k++) {
            double sign = k > 1 && k % 3 == 0 ? -1 : 1;
            value += sign * x * Math.sin(y + k);
            dx += sign * Math.sin(y + k);
            dy += sign * x * Math.cos(y + k);
        }
        Object r = g.call("demo.DeepGrad", "fGrad", x, y);
        assertEquals(value, (double) Generated.get(r, "value"), 1e-9);
        assertEquals(dx, (double) Generated.get(r, "x"), 1e-9);
        assertEquals(dy, (double) Generated.get(r, "y"), 1e-9);
        assertEquals(value, (double) g.call("demo.DeepGrad", "f", x, y), 1e-9);
    }

    @Test
    void fiveThousandTermProductAndSumCompileOnTheStackJavacItselfNeeds() {
        String source = """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Deep {
                    @Differentiable
                    static double f(double[] x) {
                        return %s;
                    }

                    @Differentiable
                    static double g(double x) {
                        return %s;
                    }
                }
                """.formatted(sum(5000, "x[K % 4]"), String.join(" * ", java.util.Collections.nCopies(5000, "x")));
        // javac itself needs more than 2 MB of stack for this file (without any processor); 4 MB is enough.
        Generated g = onStack(4 * JAVAC_STACK, () -> Generated.compile("demo.Deep", source));
        double[] x = {0.5, -1.25, 2.0, 0.125};
        double[] expected = new double[4];
        double value = 0;
        for (int k = 1; k <= 5000; k++) {
            double sign = k > 1 && k % 3 == 0 ? -1 : 1;
            value += sign * x[k % 4];
            expected[k % 4] += sign;
        }
        Object r = g.call("demo.DeepGrad", "fGrad", (Object) x);
        assertEquals(value, (double) Generated.get(r, "value"), 1e-9);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, (double[]) Generated.get(r, "x"), 1e-9);
        // x^5000 at x = 1.0001: value e^(5000 ln 1.0001), derivative 5000 x^4999.
        double at = 1.0001;
        Object p = g.call("demo.DeepGrad", "gGrad", at);
        assertEquals(Math.pow(at, 5000), (double) Generated.get(p, "value"), 1e-9 * Math.pow(at, 5000));
        assertEquals(5000 * Math.pow(at, 4999), (double) Generated.get(p, "x"), 1e-9 * 5000 * Math.pow(at, 4999));
    }

    @Test
    void longMixedChainKeepsJavasIntArithmeticBeforeTheFirstDouble() {
        // k + k overflows as an int (as Java computes it) before the doubles join the sum.
        String terms = "k + k + " + String.join(" + ", java.util.Collections.nCopies(38, "x * 0.5"));
        Generated g = Generated.compile("demo.Mixed", """
                package demo;

                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;

                class Mixed {
                    @Differentiable
                    static double f(double x, @NoGrad int k) {
                        return %s;
                    }
                }
                """.formatted(terms));
        double x = 1.25;
        int k = Integer.MAX_VALUE;
        Object r = g.call("demo.MixedGrad", "fGrad", x, k);
        assertEquals((double) (k + k) + 19 * x, (double) Generated.get(r, "value"), 1e-12);
        assertEquals(19.0, (double) Generated.get(r, "x"), 1e-12);
    }

    @Test
    void anExistingClassWithTheGeneratedNameIsAClearError() {
        JavaFileObject foo = JavaFileObjects.forSourceString("demo.Foo", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Foo {
                    @Differentiable
                    static double f(double x) { return x * x; }
                }
                """);
        JavaFileObject clash = JavaFileObjects.forSourceString("demo.FooGrad", """
                package demo;

                class FooGrad {}
                """);
        Compilation c = Generated.javac().compile(foo, clash);
        assertThat(c).failed();
        assertThat(c).hadErrorContaining("cannot generate demo.FooGrad for the @Differentiable methods of Foo: "
                + "a type named demo.FooGrad already exists").inFile(foo).onLine(5);
        assertThat(c).hadErrorContaining("rename that type");
        for (var d : c.errors()) {
            org.junit.jupiter.api.Assertions.assertFalse(d.getMessage(null).contains("processor bug"), d.getMessage(null));
        }
    }

    @Test
    void processorBugCarriesItsStackTrace() {
        JavaFileObject src = JavaFileObjects.forSourceString("demo.Bug", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Bug {
                    @Differentiable
                    static double f(double w) { return w; }
                }
                """);
        Compilation c = com.google.testing.compile.Compiler.javac()
                .withProcessors(new FluxionProcessor(ir -> {
                    throw new IllegalStateException("boom");
                })).compile(src);
        assertThat(c).hadErrorCount(1);
        assertThat(c).hadErrorContaining("Fluxion processor bug while processing f: IllegalStateException: boom");
        assertThat(c).hadErrorContaining("at dev.fluxion.processor.ProcessorRobustnessTest");
        assertThat(c).hadErrorContaining("at dev.fluxion.processor.FluxionProcessor");
    }

    @Test
    void differentiableMethodsOfAnonymousAndLocalClassesAreErrors() {
        JavaFileObject src = JavaFileObjects.forSourceString("demo.Hidden", """
                package demo;

                import dev.fluxion.annotation.Differentiable;
                import java.util.function.DoubleUnaryOperator;

                class Hidden {
                    static DoubleUnaryOperator square() {
                        return new DoubleUnaryOperator() {
                            @Differentiable
                            public double applyAsDouble(double x) { return x * x; }
                        };
                    }

                    static double local(double y) {
                        class Cube {
                            @Differentiable
                            static double cube(double x) { return x * x * x; }
                        }
                        return Cube.cube(y);
                    }

                    @Differentiable
                    static double fine(double x) { return x * 2; }
                }
                """);
        Compilation c = Generated.javac().compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorCount(2);
        assertThat(c).hadErrorContaining("@Differentiable on a method of an anonymous class is not supported")
                .inFile(src).onLine(10);
        assertThat(c).hadErrorContaining("@Differentiable on a method of a local class is not supported")
                .inFile(src).onLine(17);
        assertThat(c).hadErrorContaining("move the method into a named top-level or member class");
    }

    @Test
    void abstractDerivativeRuleAndCallsToItsPrimalAreClearErrors() {
        // Once a NullPointerException in the custom-rule phase (outside the guard: javac crashed),
        // then javac's "cannot find symbol FPullback" in the caller's generated code.
        JavaFileObject src = JavaFileObjects.forSourceString("demo.Rule", """
                package demo;

                import dev.fluxion.annotation.Derivative;
                import dev.fluxion.annotation.Differentiable;

                abstract class Rule {
                    static double f(double x) { return x * x; }

                    @Derivative(of = "f")
                    abstract double fRule(double x, double g);

                    @Differentiable
                    static double h(double x) { return f(x) * 2; }
                }
                """);
        Compilation c = Generated.javac().compile(src);
        assertThat(c).failed();
        assertThat(c).hadErrorCount(2);
        assertThat(c).hadErrorContaining("@Derivative rule fRule does not match its primal f: both must be static")
                .inFile(src).onLine(10);
        assertThat(c).hadErrorContaining("cannot differentiate f(x): the @Derivative rule of f has errors")
                .inFile(src).onLine(13);
    }
}
