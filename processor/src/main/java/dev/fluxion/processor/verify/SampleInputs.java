package dev.fluxion.processor.verify;

import dev.fluxion.Tensor;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.SampleArgument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The points of {@code @Differentiable(verifyWith = ...)}: the sample method's arguments, evaluated
 * by the interpreter, and copies whose differentiable floating-point values are moved by a few
 * percent (ints, lengths and shapes stay as given), so that a point where finite differences cannot
 * be trusted has neighbours to be replaced by.
 */
final class SampleInputs {
    private SampleInputs() {}

    /** The sample point of {@code method} from {@code sample} (one method per argument). */
    static Point point(MethodIr method, List<SampleArgument> sample, Registry registry) {
        List<Object> args = new ArrayList<>();
        for (int i = 0; i < sample.size(); i++) {
            SampleArgument a = sample.get(i);
            Object v = evaluate(a.value(), registry);
            if (a.rowLength() != null) {
                Param p = method.params().get(i);
                if (Type.rowOf(p.type()) == null) {
                    throw new EvalException("the sample gives a 2-D array for `" + p.name() + "` of type "
                            + p.type().javaName());
                }
                v = rows(v, Values.toInt(evaluate(a.rowLength(), registry)));
            }
            args.add(as(method.params().get(i), v));
        }
        return new Point(args, Map.of());
    }

    private static Object evaluate(MethodIr value, Registry registry) {
        return new Interpreter(registry, Verifier.fieldsOf(Map.of())).call(value, List.of());
    }

    /** The flat array of a 2-D local of the sample cut into rows of {@code length}, as the interpreter reads 2-D data. */
    private static Object[] rows(Object flat, int length) {
        int total = java.lang.reflect.Array.getLength(flat);
        int count = length == 0 ? 0 : total / length;
        Object[] out = (Object[]) java.lang.reflect.Array.newInstance(flat.getClass(), count);
        for (int r = 0; r < count; r++) {
            Object row = java.lang.reflect.Array.newInstance(flat.getClass().getComponentType(), length);
            System.arraycopy(flat, r * length, row, 0, length);
            out[r] = row;
        }
        return out;
    }

    /** {@code p} with each differentiable floating-point value of {@code method} scaled by 1 ± a few percent. */
    static Point perturbed(MethodIr method, Point p, Random rng) {
        List<Object> args = new ArrayList<>(p.args());
        for (int i = 0; i < args.size(); i++) {
            if (method.params().get(i).differentiable()) {
                args.set(i, jittered(args.get(i), rng));
            }
        }
        return new Point(args, p.fields());
    }

    private static Object jittered(Object v, Random rng) {
        return switch (v) {
            case Double d -> d * factor(rng);
            case double[] a -> {
                double[] c = a.clone();
                for (int i = 0; i < c.length; i++) {
                    c[i] *= factor(rng);
                }
                yield c;
            }
            case Tensor t -> {
                double[] c = t.toDoubleArray();
                for (int i = 0; i < c.length; i++) {
                    c[i] *= factor(rng);
                }
                yield Tensor.fromArray(c, t.shape());
            }
            default -> v;
        };
    }

    private static double factor(Random rng) {
        return 1 + 0.05 * (2 * rng.nextDouble() - 1);
    }

    /** The value {@code v} as the interpreter passes an argument of {@code p}'s type. */
    private static Object as(Param p, Object v) {
        Type t = p.type();
        if (v instanceof Number n && t instanceof Type.Prim prim) {
            return switch (prim) {
                case DOUBLE, FLOAT -> n.doubleValue();
                case LONG -> n.longValue();
                case INT, SHORT, BYTE, CHAR -> n.intValue();
                default -> v;
            };
        }
        if (v instanceof Tensor tensor && t.isTensor()) {
            return tensor.toDouble();
        }
        if (v instanceof Number || v instanceof Tensor || v instanceof double[] || v instanceof int[]
                || v instanceof long[] || v instanceof boolean[] || v instanceof Boolean
                || v instanceof Object[] && Type.rowOf(t) != null) {
            return v;
        }
        throw new EvalException("the sample gives " + Values.describe(v) + " for `" + p.name() + "`");
    }
}
