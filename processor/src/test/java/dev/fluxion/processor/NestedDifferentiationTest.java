package dev.fluxion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import org.junit.jupiter.api.Test;

/** A @Differentiable method calling generated derivative code is refused on the call, with a hint. */
class NestedDifferentiationTest {
    @Test
    void callOfAGeneratedGradIsAClearErrorOnTheCall() {
        Compilation c = Generated.javac().compile(JavaFileObjects.forSourceString("demo.N", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class N {
                    @Differentiable
                    static double f(double x, double y) { return x * x * y; }

                    @Differentiable
                    static double penalty(double x, double y) {
                        double gx = NGrad.fGrad(x, y).x();
                        return f(x, y) + gx * gx;
                    }
                }
                """));
        assertThat(c).hadErrorContaining("cannot differentiate a call to NGrad...: nested differentiation")
                .inFile(c.sourceFiles().getFirst()).onLine(11);
        assertThat(c).hadErrorContaining("is not supported yet");
    }
}
