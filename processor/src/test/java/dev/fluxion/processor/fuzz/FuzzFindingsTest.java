package dev.fluxion.processor.fuzz;

import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import dev.fluxion.processor.FluxionProcessor;
import dev.fluxion.processor.fuzz.Ast.*;
import dev.fluxion.processor.fuzz.Failure.Category;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fuzzer's minimal failing programs (findings file {@code fuzz.md}, issue 10) as regression
 * tests: each is compiled with the processor and judged by the {@link Oracle} (value against the
 * method itself, gradient against central differences, pullback against fGrad) at two seeded
 * points. Each failed on the engine before the one reverse engine; all pass on it.
 */
class FuzzFindingsTest {
    /** Compiles {@code method} (helpers first, then the method named {@code name}) and judges it. */
    private static Failure judge(String name, String params, boolean tensor, String methods) {
        String source = """
                package demo;

                import static dev.fluxion.F.*;

                import dev.fluxion.Tensor;
                import dev.fluxion.annotation.Differentiable;
                import dev.fluxion.annotation.NoGrad;

                class Finding {
                %s
                }
                """.formatted(methods);
        Compilation c;
        try {
            c = Compiler.javac().withProcessors(new FluxionProcessor())
                    .withOptions("--add-modules=jdk.incubator.vector", "-Xlint:-incubating", "-Afluxion.verify=off")
                    .compile(JavaFileObjects.forSourceString("demo.Finding", source));
        } catch (RuntimeException e) {
            return new Failure(Category.PROCESSOR_CRASH, "exception", e.toString());
        }
        if (c.status() != Compilation.Status.SUCCESS) {
            return new Failure(Category.PROCESSOR_REFUSED, "error", c.errors().toString());
        }
        List<Param> ps = new ArrayList<>();
        for (String p : params.split(",")) {
            String[] kindAndName = p.trim().split(" ");
            String kind = kindAndName[0];
            ps.add(switch (kind) {
                case "double" -> new Param(kindAndName[1], Kind.DOUBLE, List.of());
                case "nograd" -> new Param(kindAndName[1], Kind.NOGRAD_DOUBLE, List.of());
                case "array" -> new Param(kindAndName[1], Kind.ARRAY, List.of());
                default -> new Param(kindAndName[1], Kind.TENSOR, List.of(Integer.parseInt(kind.substring(1))));
            });
        }
        Program p = new Program(new Method(name, ps, tensor, List.of()), List.of(), 4, 17);
        return Oracle.judge(p, Harness.load(c, "Finding"), new Oracle.Stats());
    }

    private static void passes(String name, String params, String methods) {
        Failure f = judge(name, params, false, methods);
        assertNull(f, () -> f + "\n" + methods);
    }

    @Test
    void accumulateInALoopWithABranchPasses() {
        passes("f", "double a, nograd p, array x", """
                @Differentiable
                static double f(double a, @NoGrad double p, double[] x) {
                    double s = a;
                    for (int i = 0; i < x.length; i++) {
                        if (i == p) {
                        }
                        s = s * 0.5 + x[i] * a;
                    }
                    return s * s;
                }
                """);
    }

    @Test
    void conditionalSidesDoNotShareATemporary() {
        passes("f", "double a, nograd p, array x", """
                @Differentiable
                static double f(double a, @NoGrad double p, double[] x) {
                    int k = 0;
                    while (k < 2) {
                        k++;
                    }
                    double v = (1.0 < 0.25 ? (p + x[k]) : (-x[k]));
                    return v + a;
                }
                """);
    }

    @Test
    void temporaryIsNotReusedAfterItsVariableIsReassigned() {
        passes("f", "double a, nograd p, array x", """
                @Differentiable
                static double f(double a, @NoGrad double p, double[] x) {
                    double s = p;
                    int k = 0;
                    while (k < 3) {
                        k++;
                        s = x[k];
                    }
                    s += (p - s);
                    return a + (p - s);
                }
                """);
    }

    @Test
    void emptyIfAfterAnAccumulationInALoopCompiles() {
        passes("f", "double a", """
                @Differentiable
                static double f(double a) {
                    double s = 0.75;
                    int k = 0;
                    while (k < 2) {
                        k++;
                        s += a;
                        if (a <= -1.75) {
                        }
                    }
                    return s;
                }
                """);
    }

    @Test
    void nestedIfInAForLoopKeepsTheGradientOfTheOuterBranch() {
        passes("f", "double a, array x", """
                @Differentiable
                static double f(double a, double[] x) {
                    double s = 0.75;
                    for (int i = 0; i < x.length; i++) {
                        if (i % 2 == 0) {
                            if (s >= 1.25) {
                                s += 1.0;
                            }
                            s += x[i];
                        }
                    }
                    return s + a;
                }
                """);
    }

    @Test
    void breakThenIfElseKeepsTheElseGradient() {
        passes("f", "double a, nograd p, array x", """
                @Differentiable
                static double f(double a, @NoGrad double p, double[] x) {
                    double s = 1.0;
                    int k = 0;
                    while (k < 1) {
                        k++;
                        if (1.0 + p <= -2.25) {
                            break;
                        }
                        if (1.0 <= 0.25) {
                        } else {
                            s = x[k] * a;
                        }
                    }
                    return s;
                }
                """);
    }

    @Test
    void returnInALoopAfterAnOverwriteHasNoGradient() {
        passes("f", "double a, double b", """
                @Differentiable
                static double f(double a, double b) {
                    double s = a;
                    for (int i = 0; i < 3; i++) {
                        if (i > 0) {
                            return s + b;
                        }
                        if (1.0 < 0.25) {
                        } else {
                            s = 1.0;
                        }
                    }
                    return 1.0;
                }
                """);
    }

    @Test
    void callBeforeContinueInALoopPullsBack() {
        passes("f", "double a, double b, array x", """
                @Differentiable
                static double g(double u, double w) {
                    return 1.0;
                }

                @Differentiable
                static double f(double a, double b, double[] x) {
                    int k4 = 0;
                    do {
                        k4++;
                        if (x[k4] > 0.25) {
                            double v5 = g(1.0, a);
                            continue;
                        }
                        if (k4 == 1) {
                        } else {
                            double v7 = x[k4];
                        }
                    } while (k4 < 2);
                    return 1.0;
                }
                """);
    }

    @Test
    void innerDoLoopCounterIsRestoredExactly() {
        passes("f", "double a, array x", """
                @Differentiable
                static double f(double a, double[] x) {
                    double s = a;
                    int k2 = 0;
                    while (k2 < 3) {
                        k2++;
                        if (k2 > 0) {
                            int k3 = 0;
                            do {
                                k3++;
                                s += (k2 == 1 ? x[0] : x[k3]);
                            } while (k3 < 3);
                        } else {
                            int k4 = 0;
                            do {
                                k4++;
                                double v = x[k4];
                            } while (k4 < 1);
                        }
                    }
                    return s;
                }
                """);
    }

    @Test
    void tensorTemporaryIsNotReusedAfterReassignment() {
        Failure f = judge("f", "t4 tb", true, """
                @Differentiable
                static Tensor f(Tensor tb) {
                    Tensor th = tb;
                    for (int i = 0; i < 3; i++) {
                    }
                    th = tanh(th.times(th));
                    Tensor out = th.times(th).plus(th);
                    return out.mean();
                }
                """);
        assertNull(f, () -> String.valueOf(f));
    }
}
