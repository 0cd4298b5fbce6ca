package dev.fluxion.cuda;

import dev.fluxion.DeviceBackend.InPlaceUpdate;
import dev.fluxion.cuda.codegen.ElementwiseKernel;
import dev.fluxion.cuda.codegen.Expr;
import dev.fluxion.cuda.codegen.ScalarType;
import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.UnaryOp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The generated kernels behind the backend's single ops: one {@link ElementwiseKernel} per op and
 * storage types, made once. A CPU 0-dim operand becomes a scalar argument ({@link Expr.Param}), so
 * {@code x * lr} with a new {@code lr} every step reuses one compiled kernel.
 */
final class OpKernels {

    /** An operand of a single op: a device tensor's storage type, or a scalar argument. */
    sealed interface Operand permits Stored, Scalar {
    }

    record Stored(ScalarType type) implements Operand {
    }

    record Scalar() implements Operand {
    }

    private static final Map<Object, ElementwiseKernel> CACHE = new ConcurrentHashMap<>();

    private OpKernels() {
    }

    /** {@code op(in0)} (with the op's constants p, q written into the source). */
    static ElementwiseKernel unary(UnaryOp op, double p, double q, ScalarType in, ScalarType compute, ScalarType out) {
        List<Object> key = List.of("unary", op, p, q, in, compute, out);
        return CACHE.computeIfAbsent(key, k -> {
            String name = "fx_" + lower(op) + suffix(op == UnaryOp.LEAKY_RELU || op == UnaryOp.CLAMP ? p + "_" + q : "")
                    + "_" + in.c() + "_to_" + out.c();
            return new ElementwiseKernel(name, List.of(in), 0, compute, out, new Expr.Unary(op, Expr.input(0), p, q), "");
        });
    }

    /** {@code a op b}, each a stored input or a scalar argument. */
    static ElementwiseKernel binary(BinaryOp op, Operand a, Operand b, ScalarType compute, ScalarType out) {
        List<Object> key = List.of("binary", op, a, b, compute, out);
        return CACHE.computeIfAbsent(key, k -> {
            Build build = new Build();
            Expr body = Expr.binary(op, build.operand(a), build.operand(b));
            return build.kernel("fx_" + lower(op), compute, out, body);
        });
    }

    /** {@code mask ? a : b}. */
    static ElementwiseKernel where(Operand mask, Operand a, Operand b, ScalarType compute, ScalarType out) {
        List<Object> key = List.of("where", mask, a, b, compute, out);
        return CACHE.computeIfAbsent(key, k -> {
            Build build = new Build();
            Expr m = build.operand(mask), x = build.operand(a), y = build.operand(b);
            return build.kernel("fx_where", compute, out, new Expr.Where(m, x, y));
        });
    }

    /**
     * An optimizer's in-place update of a tensor stored as {@code type}: input 0 is the target
     * (when the update reads it), then the operands, all stored as given; p0 is alpha.
     */
    static ElementwiseKernel inPlace(InPlaceUpdate update, ScalarType type, List<ScalarType> operands) {
        List<Object> key = List.of("inPlace", update, type, operands);
        return CACHE.computeIfAbsent(key, k -> {
            Expr dst = Expr.input(0), a = Expr.input(1), b = Expr.input(2), alpha = Expr.param(0);
            List<ScalarType> inputs = new ArrayList<>();
            if (update != InPlaceUpdate.COPY && update != InPlaceUpdate.FILL) {
                inputs.add(type);
            }
            inputs.addAll(operands);
            Expr body = switch (update) {
                case ADD -> Expr.binary(BinaryOp.PLUS, dst, Expr.binary(BinaryOp.TIMES, alpha, a));
                case SCALE -> Expr.binary(BinaryOp.TIMES, dst, alpha);
                case COPY -> Expr.input(0);
                case FILL -> alpha;
                case ADD_PRODUCT -> Expr.binary(BinaryOp.PLUS, dst,
                        Expr.binary(BinaryOp.TIMES, alpha, Expr.binary(BinaryOp.TIMES, a, b)));
                case ADD_QUOTIENT -> Expr.binary(BinaryOp.PLUS, dst,
                        Expr.binary(BinaryOp.TIMES, alpha, Expr.binary(BinaryOp.DIV, a, b)));
            };
            int params = update == InPlaceUpdate.COPY ? 0 : 1;
            String name = "fx_inplace_" + lower(update) + "_" + type.c()
                    + (operands.isEmpty() ? "" : "_" + String.join("_", operands.stream().map(ScalarType::c).toList()));
            return new ElementwiseKernel(name, inputs, params, type, type, body, "");
        });
    }

    /** Numbers the inputs and scalar arguments of a kernel as its operands appear. */
    private static final class Build {
        final List<ScalarType> inputs = new ArrayList<>();
        int params;
        final StringBuilder types = new StringBuilder();

        Expr operand(Operand o) {
            return switch (o) {
                case Stored s -> {
                    types.append('_').append(s.type().c());
                    inputs.add(s.type());
                    yield Expr.input(inputs.size() - 1);
                }
                case Scalar s -> {
                    types.append("_scalar");
                    yield Expr.param(params++);
                }
            };
        }

        ElementwiseKernel kernel(String prefix, ScalarType compute, ScalarType out, Expr body) {
            return new ElementwiseKernel(prefix + types + "_to_" + out.c(), inputs, params, compute, out, body, "");
        }
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** A C-identifier-safe suffix for constants written into a kernel's name. */
    private static String suffix(String constants) {
        return constants.isEmpty() ? "" : "_" + constants.replace('-', 'm').replace('.', 'p').replace("Infinity", "inf")
                .replace("NaN", "nan");
    }
}
