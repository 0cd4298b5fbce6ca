package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Calls between {@code @Differentiable} methods, in one class and across classes. */
class CallsTest {
    @Test
    void chainRuleThroughOtherMethods() {
        Generated g = Generated.compileAll("demo.Calls", """
                package demo;

                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;

                class Calls {
                    @Differentiable
                    static double sq(double u) { return u * u; }

                    @Differentiable
                    static double scaled(double u, @NoGrad double k) { return k * u; }

                    @Differentiable
                    static double f(double a, double b) {
                        double s = sq(a + b);
                        return s * Other.h(b) + scaled(a, 3);
                    }
                }
                """, "demo.Other", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Other {
                    @Differentiable
                    static double h(double z) { return Math.sin(z); }
                }
                """);
        double a = 0.3;
        double b = -1.2;
        Object r = g.call("demo.CallsGrad", "fGrad", a, b);
        double s = (a + b) * (a + b);
        assertEquals(s * Math.sin(b) + 3 * a, (double) Generated.get(r, "value"), 1e-12);
        assertEquals(2 * (a + b) * Math.sin(b) + 3, (double) Generated.get(r, "a"), 1e-12);
        assertEquals(2 * (a + b) * Math.sin(b) + s * Math.cos(b), (double) Generated.get(r, "b"), 1e-12);
    }
}
