package dev.fluxion.cuda.codegen;

import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.UnaryOp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an {@link ElementwiseKernel} into readable CUDA C: a comment with the user's source line and
 * the formula, a {@code __host__ __device__} function computing one element (one line per op, in
 * SSA form), and a grid-stride kernel that finds each input's element through an
 * {@code FxGeometry} (broadcasting) and stores the result. The translation unit is
 * {@link #header()} followed by {@link #kernel}. Pure Java, no native code: the processor can call
 * it at compile time, and the output is deterministic (same kernel, same text, same cache entry).
 */
public final class CudaSourceGenerator {

    private static volatile String header;

    private CudaSourceGenerator() {
    }

    /** The complete translation unit for NVRTC or {@code nvcc}: the shared header, then the kernel. */
    public static String source(ElementwiseKernel k) {
        return header() + "\n" + kernel(k);
    }

    /** The shared definitions ({@code kernels/fused.cuh}): FxGeometry and the math helpers. */
    public static String header() {
        String h = header;
        if (h == null) {
            try (InputStream in = CudaSourceGenerator.class.getResourceAsStream("/dev/fluxion/cuda/kernels/fused.cuh")) {
                if (in == null) {
                    throw new IllegalStateException("resource dev/fluxion/cuda/kernels/fused.cuh is missing");
                }
                h = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            header = h;
        }
        return h;
    }

    /** The name of the per-element function of {@code k} ({@code fx_body_<name>}). */
    public static String bodyFunction(ElementwiseKernel k) {
        return "fx_body_" + k.name();
    }

    /** The kernel's own text (without the header): comment, element function, kernel. */
    public static String kernel(ElementwiseKernel k) {
        return elementFunction(k) + "\n" + launchKernel(k);
    }

    /** The comment and the {@code __host__ __device__} function computing one output element. */
    public static String elementFunction(ElementwiseKernel k) {
        String t = k.compute().c();
        StringBuilder sb = new StringBuilder();
        sb.append("// ").append(k.name()).append(": out = ").append(formula(k.body(), k)).append('\n');
        if (!k.sourceLine().isEmpty()) {
            sb.append("// ").append(k.sourceLine()).append('\n');
        }
        List<String> params = new ArrayList<>();
        for (int i = 0; i < k.inputs().size(); i++) {
            params.add(t + " " + k.inputName(i));
        }
        for (int i = 0; i < k.params(); i++) {
            params.add(t + " p" + i);
        }
        sb.append("FX_FN ").append(t).append(' ').append(bodyFunction(k)).append('(').append(String.join(", ", params))
                .append(") {\n");
        List<String> lines = new ArrayList<>();
        String result = emit(k.body(), k, t, lines);
        for (String line : lines) {
            sb.append("    ").append(line).append('\n');
        }
        sb.append("    return ").append(result).append(";\n}\n");
        return sb.toString();
    }

    private static String launchKernel(ElementwiseKernel k) {
        int n = k.inputs().size();
        String t = k.compute().c();
        List<String> params = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            params.add("const " + k.inputs().get(i).c() + "* " + k.inputName(i));
        }
        for (int i = 0; i < k.params(); i++) {
            params.add("const double p" + i);
        }
        params.add(k.output().c() + "* out");
        params.add("const FxGeometry geo");
        StringBuilder sb = new StringBuilder();
        sb.append("extern \"C\" __global__ void ").append(k.name()).append('(').append(String.join(", ", params))
                .append(") {\n");
        sb.append("    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < geo.n;\n")
                .append("         i += (long long) blockDim.x * gridDim.x) {\n");
        if (n > 0) {
            List<String> offsets = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                offsets.add("o" + j + " = geo.offset[" + j + "]");
            }
            sb.append("        long long ").append(String.join(", ", offsets)).append(";\n");
            sb.append("        if (geo.dense) {\n");
            for (int j = 0; j < n; j++) {
                sb.append("            o").append(j).append(" += i * geo.step[").append(j).append("];\n");
            }
            sb.append("        } else {\n");
            sb.append("            long long rest = i;\n");
            sb.append("            for (int d = geo.rank - 1; d >= 0; d--) {\n");
            sb.append("                const long long c = rest % geo.size[d];\n");
            sb.append("                rest /= geo.size[d];\n");
            for (int j = 0; j < n; j++) {
                sb.append("                o").append(j).append(" += c * geo.stride[").append(j).append("][d];\n");
            }
            sb.append("            }\n");
            sb.append("        }\n");
        }
        List<String> args = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            String load = k.inputName(j) + "[o" + j + "]";
            args.add(k.inputs().get(j) == k.compute() ? load : "(" + t + ") " + load);
        }
        for (int j = 0; j < k.params(); j++) {
            args.add(k.compute() == ScalarType.F64 ? "p" + j : "(" + t + ") p" + j);
        }
        String value = bodyFunction(k) + "(" + String.join(", ", args) + ")";
        sb.append("        out[i] = ").append(k.output() == k.compute() ? value : "(" + k.output().c() + ") " + value)
                .append(";\n");
        sb.append("    }\n}\n");
        return sb.toString();
    }

    /** Appends the lines computing {@code e} and returns the C expression naming its value. */
    private static String emit(Expr e, ElementwiseKernel k, String t, List<String> lines) {
        String value = switch (e) {
            case Expr.Input in -> k.inputName(in.index());
            case Expr.Param p -> "p" + p.index();
            case Expr.Constant c -> literal(c.value(), t);
            case Expr.Unary u -> unary(u, emit(u.x(), k, t, lines), t);
            case Expr.Binary b -> binary(b.op(), emit(b.a(), k, t, lines), emit(b.b(), k, t, lines), t);
            case Expr.Where w -> {
                String m = emit(w.mask(), k, t, lines), a = emit(w.a(), k, t, lines), b = emit(w.b(), k, t, lines);
                yield "(" + m + " != " + t + "(0) ? " + a + " : " + b + ")";
            }
            case Expr.Cast c -> cast(c, emit(c.x(), k, t, lines), t);
        };
        if (e instanceof Expr.Input || e instanceof Expr.Param || e instanceof Expr.Constant) {
            return value;
        }
        String name = "t" + lines.size();
        lines.add("const " + t + " " + name + " = " + value + ";  // " + opName(e));
        return name;
    }

    private static String unary(Expr.Unary u, String x, String t) {
        return switch (u.op()) {
            case NEG -> "-" + x;
            case ABS -> "fx_abs(" + x + ")";
            case SIGN -> "fx_sign(" + x + ")";
            case EXP -> "fx_exp(" + x + ")";
            case LOG -> "fx_log(" + x + ")";
            case LOG1P -> "fx_log1p(" + x + ")";
            case SQRT -> "fx_sqrt(" + x + ")";
            case SQUARE -> x + " * " + x;
            case SIGMOID -> "fx_sigmoid(" + x + ")";
            case TANH -> "fx_tanh(" + x + ")";
            case RELU -> "fx_relu(" + x + ")";
            case GELU -> "fx_gelu(" + x + ")";
            case SOFTPLUS -> "fx_softplus(" + x + ")";
            case SIN -> "fx_sin(" + x + ")";
            case COS -> "fx_cos(" + x + ")";
            case LEAKY_RELU -> "fx_leaky_relu(" + x + ", " + literal(u.p(), t) + ")";
            case CLAMP -> "fx_clamp(" + x + ", " + literal(u.p(), t) + ", " + literal(u.q(), t) + ")";
            case IDENTITY -> x;
            case GELU_DERIVATIVE -> "fx_gelu_derivative(" + x + ")";
        };
    }

    private static String binary(BinaryOp op, String a, String b, String t) {
        String zero = t + "(0)", one = t + "(1)";
        return switch (op) {
            case PLUS -> a + " + " + b;
            case MINUS -> a + " - " + b;
            case TIMES -> a + " * " + b;
            case DIV -> a + " / " + b;
            case POW -> "fx_pow(" + a + ", " + b + ")";
            case MAX -> "fx_max(" + a + ", " + b + ")";
            case MIN -> "fx_min(" + a + ", " + b + ")";
            case GT -> "(" + a + " > " + b + " ? " + one + " : " + zero + ")";
            case LT -> "(" + a + " < " + b + " ? " + one + " : " + zero + ")";
            case GE -> "(" + a + " >= " + b + " ? " + one + " : " + zero + ")";
            case LE -> "(" + a + " <= " + b + " ? " + one + " : " + zero + ")";
            case EQ -> "(" + a + " == " + b + " ? " + one + " : " + zero + ")";
            case NE -> "(" + a + " != " + b + " ? " + one + " : " + zero + ")";
            case RELU_BACKWARD -> "(" + b + " > " + zero + " ? " + a + " : " + zero + ")";
            case SIGMOID_BACKWARD -> a + " * " + b + " * (" + one + " - " + b + ")";
            case TANH_BACKWARD -> a + " * (" + one + " - " + b + " * " + b + ")";
            // Exactly 0 where the cotangent is 0, even where the local derivative is ∞ or NaN.
            case COTANGENT_DIV -> "(" + a + " == " + zero + " ? " + zero + " : " + a + " / " + b + ")";
            case COTANGENT_TIMES -> "(" + a + " == " + zero + " ? " + zero + " : " + a + " * " + b + ")";
        };
    }

    private static String cast(Expr.Cast c, String x, String t) {
        return switch (c.dtype()) {
            case BOOL -> "(" + x + " != " + t + "(0) ? " + t + "(1) : " + t + "(0))";
            case INT64 -> "fx_trunc(" + x + ")";
            case FLOAT32 -> t.equals("float") ? x : "(double) (float) " + x;
            case FLOAT64 -> x;
        };
    }

    /** A C literal of {@code v} in type {@code t}: float constants are rounded to float, as the CPU's scalar operand is. */
    static String literal(double v, String t) {
        boolean f = t.equals("float");
        if (Double.isNaN(v)) {
            return f ? "__builtin_nanf(\"\")" : "__builtin_nan(\"\")";
        }
        if (Double.isInfinite(v)) {
            String inf = f ? "__builtin_huge_valf()" : "__builtin_huge_val()";
            return v > 0 ? inf : "(-" + inf + ")";
        }
        String text = f ? Float.toString((float) v) + "f" : Double.toString(v);
        return v < 0 || (v == 0 && 1 / v < 0) ? "(" + text + ")" : text;
    }

    /** The expression in infix form with inputs {@code in0}, {@code in1}, …. */
    public static String formula(Expr e) {
        return formula(e, null);
    }

    /** The expression in infix form, for the kernel's comment (inputs by {@code k}'s names). */
    static String formula(Expr e, ElementwiseKernel k) {
        return switch (e) {
            case Expr.Input in -> k == null ? "in" + in.index() : k.inputName(in.index());
            case Expr.Param p -> "p" + p.index();
            case Expr.Constant c -> Double.toString(c.value());
            case Expr.Unary u -> switch (u.op()) {
                case LEAKY_RELU -> "leakyRelu(" + formula(u.x(), k) + ", " + u.p() + ")";
                case CLAMP -> "clamp(" + formula(u.x(), k) + ", " + u.p() + ", " + u.q() + ")";
                default -> name(u.op()) + "(" + formula(u.x(), k) + ")";
            };
            case Expr.Binary b -> switch (b.op()) {
                case PLUS -> "(" + formula(b.a(), k) + " + " + formula(b.b(), k) + ")";
                case MINUS -> "(" + formula(b.a(), k) + " - " + formula(b.b(), k) + ")";
                case TIMES -> "(" + formula(b.a(), k) + " * " + formula(b.b(), k) + ")";
                case DIV -> "(" + formula(b.a(), k) + " / " + formula(b.b(), k) + ")";
                default -> name(b.op()) + "(" + formula(b.a(), k) + ", " + formula(b.b(), k) + ")";
            };
            case Expr.Where w -> "where(" + formula(w.mask(), k) + ", " + formula(w.a(), k) + ", " + formula(w.b(), k) + ")";
            case Expr.Cast c -> "to" + c.dtype().name().charAt(0) + c.dtype().name().substring(1).toLowerCase()
                    + "(" + formula(c.x(), k) + ")";
        };
    }

    private static String opName(Expr e) {
        return switch (e) {
            case Expr.Unary u -> name(u.op());
            case Expr.Binary b -> name(b.op());
            case Expr.Where w -> "where";
            case Expr.Cast c -> "cast to " + c.dtype();
            default -> "";
        };
    }

    /** An op's name in camel case, as the Tensor method that runs it ({@code RELU_BACKWARD} → {@code reluBackward}). */
    static String name(Enum<?> op) {
        StringBuilder sb = new StringBuilder();
        boolean upper = false;
        for (char ch : op.name().toLowerCase().toCharArray()) {
            if (ch == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(ch) : ch);
                upper = false;
            }
        }
        return sb.toString();
    }
}
