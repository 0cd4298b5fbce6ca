package dev.fluxion.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The one golden file: the generated source for the tutorial's scalar methods, kept as a
 * readability check (user names, adjoint names, source-line comments). Behaviour is tested
 * elsewhere; when this fails after an intended change, read the new source and update the file.
 */
class GoldenSourceTest {
    static final String TUTORIAL = """
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
    void tutorialGrad() throws IOException {
        String actual = Generated.compile("demo.Tutorial", TUTORIAL).source("demo.TutorialGrad");
        try (InputStream in = GoldenSourceTest.class.getResourceAsStream("/golden/TutorialGrad.java")) {
            String expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(expected, actual);
        }
    }
}
