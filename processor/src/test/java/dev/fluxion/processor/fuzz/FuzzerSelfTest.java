package dev.fluxion.processor.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.processor.fuzz.Ast.*;
import dev.fluxion.processor.fuzz.Failure.Category;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The fuzzer's own parts, without the processor: generated programs are valid and reproducible and
 * keep to their features; the oracle rejects a wrong gradient, a wrong value and a wrong pullback
 * (hand-written "generated" classes); the shrinker reaches a minimal program.
 */
class FuzzerSelfTest {
    @Test
    void generatedProgramsAreValidAndReproducible() {
        for (int i = 0; i < 400; i++) {
            Program p = FuzzRun.program(3, i, Feature.all(), 0.3);
            assertNull(Validator.check(p), () -> Printer.programSource(p));
            assertEquals(Printer.programSource(p), Printer.programSource(FuzzRun.program(3, i, Feature.all(), 0.3)));
        }
    }

    @Test
    void everyConstructAppearsWithAllFeaturesAndNoneWhenItsFeatureIsOff() {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            all.append(Printer.programSource(FuzzRun.program(4, i, Feature.all(), 0.3)));
        }
        for (String construct : List.of("for (", "while (", "do {", " && k", "break;", "continue;", "? ", "+=", "-=",
                "*=", "Math.exp", "Math.log", "Math.pow", "Math.max", "x[", "@NoGrad double", "Tensor ",
                ".matmul(", ".sum(1", ".mean()", "sigmoid(", "relu(", ".times(s)", "sigmoid(linear(", "linear(")) {
            assertTrue(all.toString().contains(construct), construct);
        }
        Set<Feature> noJumps = Feature.all();
        noJumps.removeAll(EnumSet.of(Feature.BREAK, Feature.CONTINUE, Feature.TERNARY, Feature.TERNARY_IN_LOOP,
                Feature.TENSOR));
        for (int i = 0; i < 300; i++) {
            String s = Printer.programSource(FuzzRun.program(4, i, noJumps, 0.3));
            assertTrue(!s.contains("break;") && !s.contains("continue;") && !s.contains(" ? ") && !s.contains("Tensor"), s);
        }
    }

    @Test
    void spellingsPrintSwitchesAndIncrementsOnlyWhenAsked() {
        StringBuilder spelled = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            Program p = FuzzRun.program(5, i, Feature.all(), 0.3);
            String plain = Printer.programSource(p);
            assertTrue(!plain.contains("switch (") && !plain.contains("_p++]") && !plain.contains("[--"), plain);
            spelled.append(Printer.programSource(p, true));
            assertEquals(Printer.programSource(p, true), Printer.programSource(p, true));
        }
        for (String construct : List.of("switch ((", "case 1 -> {", "default -> {", "_p++] ", "[--")) {
            assertTrue(spelled.toString().contains(construct), construct);
        }
    }

    private static final String USER = """
            package demo;
            class Fake {
                static double m0(double a, double b) {
                    return a * a * b;
                }
            }
            """;

    /** A hand-written stand-in for the generated class, with {@code grad} as d/da. */
    private static String fakeGrad(String value, String gradA) {
        return """
                package demo;
                public final class FakeGrad {
                    public record M0Gradient(double value, double a, double b) {
                    }
                    public static final class M0Pullback {
                        final double a, b;
                        M0Pullback(double a, double b) { this.a = a; this.b = b; }
                        public M0Gradient backward(double g) {
                            return new M0Gradient(%s, g * (%s), g * a * a);
                        }
                    }
                    public static double m0(double a, double b) { return a * a * b; }
                    public static M0Gradient m0Grad(double a, double b) { return m0Vjp(a, b).backward(1.0); }
                    public static M0Pullback m0Vjp(double a, double b) { return new M0Pullback(a, b); }
                }
                """.formatted(value, gradA);
    }

    private static Failure judgeFake(String value, String gradA) {
        Compilation c = Compiler.javac().compile(JavaFileObjects.forSourceString("demo.Fake", USER),
                JavaFileObjects.forSourceString("demo.FakeGrad", fakeGrad(value, gradA)));
        assertEquals(Compilation.Status.SUCCESS, c.status(), c.diagnostics().toString());
        Harness.Loaded loaded = Harness.load(c, "Fake");
        Program p = new Program(new Method("m0", List.of(new Param("a", Kind.DOUBLE, List.of()),
                new Param("b", Kind.DOUBLE, List.of())), false, List.of(new Return(new Num(0)))), List.of(), 4, 1);
        return Oracle.judge(p, loaded, new Oracle.Stats());
    }

    @Test
    void oracleAcceptsTheRightGradientAndRejectsWrongOnes() {
        assertNull(judgeFake("a * a * b", "2 * a * b"));
        assertEquals(Category.GRADIENT_MISMATCH, judgeFake("a * a * b", "2.001 * a * b").category());
        assertEquals(Category.VALUE_MISMATCH, judgeFake("a * a * b + 1e-6", "2 * a * b").category());
        assertEquals(Category.VJP_MISMATCH, judgeFake("a * a * b", "g == 1.0 ? 2 * a * b : 2 * a * b * 1.01").category());
        assertEquals(Category.NONFINITE_GRADIENT, judgeFake("a * a * b", "0.0 / 0.0").category());
    }

    @Test
    void shrinkerReachesAMinimalProgram() {
        Program p = null;
        for (int i = 0; p == null; i++) {
            Program candidate = FuzzRun.program(5, i, Feature.all(), 0.0);
            if (Printer.programSource(candidate).contains("Math.sin(") && Rewrite.size(candidate) > 30) {
                p = candidate;
            }
        }
        Failure sinFailure = new Failure(Category.GRADIENT_MISMATCH, "sin", "");
        List<Integer> batches = new ArrayList<>();
        Program small = Shrinker.shrink(p, sinFailure, batch -> {
            batches.add(batch.size());
            return batch.stream().map(q -> Printer.programSource(q).contains("Math.sin(") ? sinFailure : null).toList();
        });
        String text = Printer.programSource(small);
        assertTrue(text.contains("Math.sin("), text);
        assertNotNull(small);
        assertTrue(Rewrite.size(small) <= 8, "not minimal: " + text);
        assertTrue(small.helpers().isEmpty() || !Printer.programSource(small.withHelpers(List.of())).contains("sin"),
                text);
    }
}
