package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Generated code reads as a person would write it: literals and constants included (issue 10). */
class CleanGeneratedCodeTest {
    @Test
    void constantsAreWrittenAsJavaSpellsThemAndKeepTheirValues() {
        Generated g = Generated.compile("demo.Consts", """
                package demo;

                import dev.fluxion.annotation.Differentiable;

                class Consts {
                    @Differentiable
                    static double f(double x) {
                        double s = 0;
                        double low = Double.NEGATIVE_INFINITY;
                        double y = x + 1 / Double.POSITIVE_INFINITY;
                        return Math.max(low, y * y) + s;
                    }

                    @Differentiable
                    static float g(float x) {
                        float t = 2;
                        return t * x + Float.MAX_VALUE * 0;
                    }
                }
                """);
        String source = g.source("demo.ConstsGrad");
        assertFalse(source.contains("(double) 0"), source);
        assertFalse(source.contains("1.0/0.0"), source);
        assertFalse(source.contains("(float) 2"), source);
        assertTrue(source.contains("double s = 0.0;"), source);
        assertTrue(source.contains("double low = Double.NEGATIVE_INFINITY;"), source);
        assertTrue(source.contains("x + 1 / Double.POSITIVE_INFINITY"), source);
        assertTrue(source.contains("float t = 2.0f;"), source);
        // f(x) = x², f'(x) = 2x (1 / ∞ = 0; max with -∞ is the square)
        double x = -1.5;
        assertEquals(x * x, (double) g.call("demo.ConstsGrad", "f", x), 0.0);
        Object r = g.call("demo.ConstsGrad", "fGrad", x);
        assertEquals(x * x, (double) Generated.get(r, "value"), 0.0);
        assertEquals(2 * x, (double) Generated.get(r, "x"), 1e-15);
        Object q = g.call("demo.ConstsGrad", "gGrad", 0.75f);
        assertEquals(1.5f, (float) Generated.get(q, "value"), 0f);
        assertEquals(2f, (float) Generated.get(q, "x"), 0f);
    }
}
