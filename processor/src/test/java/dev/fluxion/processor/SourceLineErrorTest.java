package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * Run-time errors in generated code name the user's source line: the runtime's message, then
 * {@code at Shapes.java:N: source} (forward) or {@code in the backward pass of Shapes.java:N: ...}.
 */
class SourceLineErrorTest {
    private static final String SOURCE = """
            package demo;

            import static dev.fluxion.F.*;

            import dev.fluxion.Tensor;
            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class Shapes {
                @Differentiable
                static Tensor logistic(@NoGrad Tensor x, Tensor w, Tensor b) {
                    Tensor h = x.times(2);
                    Tensor p = sigmoid(h.matmul(w).plus(b));
                    return p.sum();
                }

                @Differentiable
                static Tensor outer(@NoGrad Tensor x, Tensor w) {
                    Tensor y = x.tanh();
                    Tensor z = logistic(y, w, w);
                    return z;
                }

                @Differentiable
                static double scalar(double[] x) {
                    double s = 0;
                    for (int i = 0; i < x.length; i++) {
                        s += Math.sin(x[i]);
                    }
                    return s;
                }
            }
            """;
    private static final String MATMUL_LINE = "Shapes.java:13: Tensor p = sigmoid(h.matmul(w).plus(b));";
    private static final Generated GEN = Generated.compile("demo.Shapes", SOURCE);

    private static Tensor ones(int... shape) {
        return Tensor.ones(shape);
    }

    /** Calls {@code demo.ShapesGrad.name(args)} and returns what it threw. */
    private static FluxionException thrownBy(Object target, String name, Object... args) {
        Class<?> c = target == null ? GEN.load("demo.ShapesGrad") : target.getClass();
        for (Method m : c.getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> {
                    m.setAccessible(true);
                    m.invoke(target, args);
                });
                return assertInstanceOf(FluxionException.class, e.getCause());
            }
        }
        throw new AssertionError("no method " + name);
    }

    private static void assertMatmulMessage(String message) {
        assertTrue(message.startsWith("matmul: shapes [2, 3] and [4, 5] are not compatible (inner dims 3 ≠ 4)"),
                message);
    }

    @Test
    void forwardOnlyNamesTheLine() {
        FluxionException e = thrownBy(null, "logistic", ones(2, 3), ones(4, 5), ones(5));
        assertMatmulMessage(e.getMessage());
        assertTrue(e.getMessage().endsWith("\n  at " + MATMUL_LINE), e.getMessage());
        assertInstanceOf(FluxionException.class, e.getCause(), "the runtime's error is the cause");
        assertEquals(e.getCause().getMessage() + "\n  at " + MATMUL_LINE, e.getMessage());
    }

    @Test
    void vjpAndGradNameTheLine() {
        for (String method : new String[] {"logisticVjp", "logisticGrad"}) {
            FluxionException e = thrownBy(null, method, ones(2, 3), ones(4, 5), ones(5));
            assertMatmulMessage(e.getMessage());
            assertTrue(e.getMessage().endsWith("\n  at " + MATMUL_LINE), method + ": " + e.getMessage());
        }
    }

    @Test
    void backwardRefusesACotangentOfTheWrongShapeNamingTheMethod() {
        // A cotangent of the wrong shape for the sum's [] value: refused before any step runs, as
        // PyTorch's backward(v) does (the backward steps name their lines: InjectedBackwardBugTest).
        Object pullback = GEN.call("demo.ShapesGrad", "logisticVjp", ones(2, 3), ones(3, 5), ones(5));
        FluxionException e = thrownBy(pullback, "backward", ones(7, 2));
        assertTrue(e.getMessage().startsWith("logisticVjp(...).backward: Mismatch in shape: the cotangent has a shape of"
                + " [7, 2] and logistic's value has a shape of []\n  at Shapes.java:10: "), e.getMessage());
    }

    @Test
    void nestedCallsAddOneLinePerMethod() {
        FluxionException e = thrownBy(null, "outer", ones(2, 3), ones(4, 5));
        assertMatmulMessage(e.getMessage());
        assertTrue(e.getMessage().endsWith("\n  at " + MATMUL_LINE + "\n  at Shapes.java:20: Tensor z = logistic(y, w, w);"),
                e.getMessage());
    }

    @Test
    void rightShapesStillComputeAndScalarLoopsPayNothing() {
        Object v = GEN.call("demo.ShapesGrad", "logistic", ones(2, 3), ones(3, 5), ones(5));
        // h = 2, h·w = 6 per element, p = sigmoid(7), 10 elements
        assertEquals(10 / (1 + Math.exp(-7)), ((Tensor) v).item(), 1e-5);
        String source = GEN.source("demo.ShapesGrad");
        String scalar = source.substring(source.indexOf("public static double scalar("));
        scalar = scalar.substring(0, scalar.indexOf("\n    }\n"));
        assertFalse(scalar.contains("site"), scalar);
        assertTrue(source.contains("site = "), source);
    }
}
