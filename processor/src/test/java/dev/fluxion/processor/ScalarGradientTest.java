package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Scalar methods end to end: compile, load the generated class, compare with closed forms. */
class ScalarGradientTest {
    private static final String TUTORIAL = """
            package demo;

            import dev.fluxion.annotation.Differentiable;
            import dev.fluxion.annotation.NoGrad;

            class Tutorial {
                @Differentiable
                static double e(double a, double b) { return (a + b) * (b + 1); }

                @Differentiable
                static double loss(double w, @NoGrad double x, @NoGrad double y) {
                    double pred = x * w;
                    return (pred - y) * (pred - y);
                }
            }
            """;

    @Test
    void eMatchesClosedForm() {
        Generated g = Generated.compile("demo.Tutorial", TUTORIAL);
        for (double[] ab : new double[][] {{1, 2}, {-0.5, 3}, {0, 0}}) {
            double a = ab[0];
            double b = ab[1];
            Object r = g.call("demo.TutorialGrad", "eGrad", a, b);
            assertEquals((a + b) * (b + 1), (double) Generated.get(r, "value"), 1e-12);
            assertEquals(b + 1, (double) Generated.get(r, "a"), 1e-12);
            assertEquals(a + 2 * b + 1, (double) Generated.get(r, "b"), 1e-12);
            assertEquals((a + b) * (b + 1), (double) g.call("demo.TutorialGrad", "e", a, b), 1e-12);
        }
    }

    @Test
    void lossHasOneComponentAndTheRightSlope() {
        Generated g = Generated.compile("demo.Tutorial", TUTORIAL);
        double w = 0.7;
        double x = 2;
        double y = 4;
        Object r = g.call("demo.TutorialGrad", "lossGrad", w, x, y);
        assertEquals(2, r.getClass().getRecordComponents().length);
        assertEquals(2 * (x * w - y) * x, (double) Generated.get(r, "w"), 1e-12);
    }
}
