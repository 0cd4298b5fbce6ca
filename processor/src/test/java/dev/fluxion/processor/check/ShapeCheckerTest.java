package dev.fluxion.processor.check;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.processor.Generated;
import org.junit.jupiter.api.Test;

/** {@code @Shape} mismatches are compile errors on the expression, with both shapes. */
class ShapeCheckerTest {
    private static Compilation compile(String body) {
        return Generated.javac().compile(JavaFileObjects.forSourceString("demo.Sh", """
                package demo;

                import static dev.fluxion.F.*;

                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;
                import dev.fluxion.annotation.Shape;

                class Sh {
                %s
                }
                """.formatted(body)));
    }

    @Test
    void matmulInnerDimensions() {
        Compilation c = compile("""
                    @Differentiable
                    static Tensor f(@Shape("n,k") Tensor x, @Shape("m,2") Tensor w) {
                        Tensor h = x.tanh();
                        return h.matmul(w).sum();
                    }
                """);
        assertThat(c).hadErrorContaining("shape mismatch in matmul: [n, k] and [m, 2]").inFile(c.sourceFiles().getFirst())
                .onLine(14);
        assertThat(c).hadErrorContaining("the inner dimensions k and m differ");
        assertThat(c).hadErrorCount(1);
    }

    @Test
    void broadcastingThroughSeveralOperations() {
        Compilation c = compile("""
                    @Differentiable
                    static Tensor f(@Shape("n,3") Tensor x, @Shape("3,2") Tensor w, @Shape("3") Tensor b) {
                        Tensor y = x.matmul(w).sigmoid();
                        Tensor z = y.sum(0);
                        return y.plus(b).sum().plus(z.sum());
                    }
                """);
        assertThat(c).hadErrorContaining("shape mismatch in plus: [n, 2] and [3]").inFile(c.sourceFiles().getFirst())
                .onLine(15);
    }

    @Test
    void declaredResultShape() {
        Compilation c = compile("""
                    @Differentiable
                    @Shape("n")
                    static Tensor f(@Shape("n,k") Tensor x) {
                        return x.sum(1, true);
                    }
                """);
        assertThat(c).hadErrorContaining("shape mismatch in the returned value: [n, 1] and [n]");
    }

    @Test
    void consistentShapesCompile() {
        Compilation c = compile("""
                    @Differentiable
                    static Tensor f(@Shape("n,k") Tensor x, @Shape("k,m") Tensor w, @Shape("m") Tensor b,
                                    @NoGrad @Shape("n,m") Tensor y) {
                        Tensor p = x.matmul(w).plus(b);
                        return mse(p, y).plus(p.t().matmul(x).sum());
                    }
                """);
        assertThat(c).succeeded();
    }

    @Test
    void badShapeText() {
        Compilation c = compile("""
                    @Differentiable
                    static Tensor f(@Shape("n,,2") Tensor x) { return x.sum(); }
                """);
        assertThat(c).hadErrorContaining("@Shape(\"n,,2\") on `x`");
    }
}
