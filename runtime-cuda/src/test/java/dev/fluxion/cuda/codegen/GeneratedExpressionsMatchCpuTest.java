package dev.fluxion.cuda.codegen;

import dev.fluxion.DType;
import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.UnaryOp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generated per-element functions compute what the runtime's scalar references compute: each
 * {@link UnaryOp}, {@link BinaryOp}, cast and {@code where}, in float and double, is compiled on the
 * host (the functions are {@code __host__ __device__}; here {@code g++} with the same header) and
 * evaluated on values that include 0, −0, NaN and ±∞, then compared with {@code UnaryOp.apply} /
 * {@code BinaryOp.apply} (float32 tolerances for float, 1e−12 relative for double). So a GPU run
 * does not have to be the first place a wrong formula shows. Skipped visibly without a C++ compiler.
 */
class GeneratedExpressionsMatchCpuTest {

    static final double[] XS = {-3.5, -1, -0.25, -0.0, 0, 0.5, 1, 2.75, 10, Double.NaN,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    static final double[] YS = {-2, -0.5, 0, 0.5, 3, Double.NaN, Double.POSITIVE_INFINITY};
    static final double P = 0.01, Q = 6;

    /** One check: a kernel, the values it is called with, and the reference. */
    record Case(ElementwiseKernel kernel, double[][] args, java.util.function.Function<double[], Double> reference) {
    }

    @Test
    void everyOpMatchesTheRuntimeScalarReference(@TempDir Path dir) throws Exception {
        Path cxx = cxx();
        Assumptions.assumeTrue(cxx != null, "no C++ compiler (g++, c++, clang++): host evaluation of generated kernels skipped");
        List<Case> cases = cases();
        StringBuilder program = new StringBuilder("#include <cmath>\n#include <cstdio>\nusing namespace std;\n#define FX_FN inline\n");
        program.append(CudaSourceGenerator.header()).append('\n');
        for (Case c : cases) {
            program.append(CudaSourceGenerator.elementFunction(c.kernel())).append('\n');
        }
        program.append("int main() {\n");
        for (Case c : cases) {
            String t = c.kernel().compute().c();
            for (double[] a : c.args()) {
                List<String> args = new ArrayList<>();
                for (double v : a) {
                    args.add("(" + t + ") " + cLiteral(v));
                }
                program.append("    printf(\"%.17g\\n\", (double) ").append(CudaSourceGenerator.bodyFunction(c.kernel()))
                        .append('(').append(String.join(", ", args)).append("));\n");
            }
        }
        program.append("    return 0;\n}\n");
        Path src = dir.resolve("eval.cpp");
        Files.writeString(src, program);
        Path exe = dir.resolve("eval");
        String out = run(List.of(cxx.toString(), "-O0", "-std=c++17", "-Wall", "-Werror", "-Wno-unused-function",
                "-o", exe.toString(), src.toString()));
        String values = run(List.of(exe.toString()));
        String[] lines = values.strip().split("\n");
        int line = 0;
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            boolean f32 = c.kernel().compute() == ScalarType.F32;
            for (double[] a : c.args()) {
                double got = parse(lines[line++]);
                double[] in = a.clone();
                if (f32) {
                    for (int i = 0; i < in.length; i++) {
                        in[i] = (float) in[i];
                    }
                }
                double want = c.reference().apply(in);
                if (f32) {
                    want = (float) want;
                }
                if (!close(got, want, f32)) {
                    failures.add(c.kernel().name() + java.util.Arrays.toString(a) + ": generated " + got + ", runtime " + want);
                }
            }
        }
        assertEquals(line, lines.length, "one output line per evaluation" + out);
        assertTrue(failures.isEmpty(), () -> failures.size() + " mismatches:\n" + String.join("\n", failures));
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (ScalarType t : ScalarType.values()) {
            for (UnaryOp op : UnaryOp.values()) {
                ElementwiseKernel k = ElementwiseKernel.of("u_" + op.name().toLowerCase() + "_" + t.c(), 1, t,
                        new Expr.Unary(op, Expr.input(0), P, Q), "");
                cases.add(new Case(k, column(XS), a -> op.apply(a[0], t == ScalarType.F32 ? (float) P : P, Q)));
            }
            for (BinaryOp op : BinaryOp.values()) {
                ElementwiseKernel k = ElementwiseKernel.of("b_" + op.name().toLowerCase() + "_" + t.c(), 2, t,
                        Expr.binary(op, Expr.input(0), Expr.input(1)), "");
                cases.add(new Case(k, pairs(), a -> op.apply(a[0], a[1])));
            }
            for (DType d : DType.values()) {
                ElementwiseKernel k = ElementwiseKernel.of("cast_" + d.name().toLowerCase() + "_" + t.c(), 1, t,
                        new Expr.Cast(d, Expr.input(0)), "");
                DoubleUnaryOperator ref = switch (d) {
                    case BOOL -> x -> x != 0 ? 1 : 0;
                    case INT64 -> x -> Double.isNaN(x) || Double.isInfinite(x) ? Double.NaN : (double) (long) x;
                    case FLOAT32 -> x -> (float) x;
                    case FLOAT64 -> x -> x;
                };
                double[] finite = {-3.5, -1, -0.25, 0, 0.5, 2.75, 10, 1e10};
                cases.add(new Case(k, column(finite), a -> ref.applyAsDouble(a[0])));
            }
            ElementwiseKernel where = ElementwiseKernel.of("where_" + t.c(), 3, t,
                    new Expr.Where(Expr.input(0), Expr.input(1), Expr.input(2)), "");
            cases.add(new Case(where, new double[][] {{1, 2, 3}, {0, 2, 3}, {1, Double.NaN, 3}, {0, Double.NaN, 3}},
                    a -> a[0] != 0 ? a[1] : a[2]));
            // A fused group with a scalar argument and constants: (x · p0 − 0.5)² clamped to [−1, 1].
            ElementwiseKernel fused = ElementwiseKernel.of("fused_" + t.c(), 1, t, new Expr.Unary(UnaryOp.CLAMP,
                    Expr.unary(UnaryOp.SQUARE, Expr.binary(BinaryOp.MINUS,
                            Expr.binary(BinaryOp.TIMES, Expr.input(0), Expr.param(0)), Expr.constant(0.5))), -1, 1), "");
            cases.add(new Case(fused, new double[][] {{0.25, 3}, {2, 3}, {-1, 0.5}},
                    a -> Math.min(Math.max(Math.pow(a[0] * a[1] - 0.5, 2), -1), 1)));
        }
        return cases;
    }

    private static double[][] column(double[] xs) {
        double[][] out = new double[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            out[i] = new double[] {xs[i]};
        }
        return out;
    }

    private static double[][] pairs() {
        List<double[]> out = new ArrayList<>();
        for (double x : XS) {
            for (double y : YS) {
                out.add(new double[] {x, y});
            }
        }
        return out.toArray(double[][]::new);
    }

    static boolean close(double got, double want, boolean f32) {
        if (Double.isNaN(want) || Double.isNaN(got)) {
            return Double.isNaN(want) && Double.isNaN(got);
        }
        if (Double.isInfinite(want) || Double.isInfinite(got)) {
            return got == want;
        }
        double rtol = f32 ? 2e-6 : 1e-12, atol = f32 ? 1e-6 : 1e-14;
        return Math.abs(got - want) <= atol + rtol * Math.abs(want);
    }

    private static String cLiteral(double v) {
        if (Double.isNaN(v)) {
            return "NAN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "INFINITY" : "-INFINITY";
        }
        return v == 0 && 1 / v < 0 ? "-0.0" : Double.toString(v);
    }

    private static double parse(String s) {
        return switch (s.strip()) {
            case "nan", "-nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s.strip());
        };
    }

    static Path cxx() {
        for (String c : List.of("/usr/bin/g++", "/usr/bin/c++", "/usr/bin/clang++", "/usr/local/bin/g++")) {
            if (Files.isExecutable(Path.of(c))) {
                return Path.of(c);
            }
        }
        return null;
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), command.get(0) + " timed out");
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed:\n" + out);
        return out;
    }

}
