package dev.fluxion.processor.verify;

import dev.fluxion.Tensor;
import dev.fluxion.processor.ir.Type;

/**
 * The interpreter's value model. Every floating-point value is a {@code Double} (float64, also for
 * {@code float} locals: verification follows float64 practice), integers are {@code Integer} or
 * {@code Long}, floating arrays are {@code double[]}, tensors are float64 {@link Tensor}s.
 */
final class Values {
    private Values() {}

    /** {@code v} converted to the representation of {@code t} (Java's casts, floats kept in double). */
    static Object coerce(Object v, Type t) {
        if (!(t instanceof Type.Prim p) || !(v instanceof Number n)) {
            return v;
        }
        return switch (p) {
            case DOUBLE, FLOAT -> n.doubleValue();
            case INT -> n instanceof Double d ? (int) d.doubleValue() : n.intValue();
            case SHORT -> (int) (short) n.intValue();
            case BYTE -> (int) (byte) n.intValue();
            case LONG -> n instanceof Double d ? (long) d.doubleValue() : n.longValue();
            default -> v;
        };
    }

    static double toDouble(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof Character c) {
            return c;
        }
        throw new EvalException("expected a number, got " + describe(v));
    }

    static int toInt(Object v) {
        if (v instanceof Number n) {
            return n.intValue();
        }
        throw new EvalException("expected an int, got " + describe(v));
    }

    static boolean toBoolean(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw new EvalException("expected a boolean, got " + describe(v));
    }

    static Tensor toTensor(Object v) {
        if (v instanceof Tensor t) {
            return t;
        }
        if (v instanceof Number n) {
            return Tensor.scalar(n.doubleValue());
        }
        throw new EvalException("expected a Tensor, got " + describe(v));
    }

    /** The value of a Java literal as the IR spells it ({@code 2}, {@code 0.6}, {@code 1f}, {@code 10L}). */
    static Object literal(String text, Type type) {
        String s = text.replace("_", "");
        if (s.equals("null")) {
            return null;
        }
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        if (s.startsWith("\"")) {
            return text.substring(1, text.length() - 1); // a fused group's expression (no escapes in it)
        }
        if (s.startsWith("'")) {
            return (int) s.charAt(1);
        }
        if (type == Type.Prim.INT || type == Type.Prim.SHORT || type == Type.Prim.BYTE) {
            return Integer.decode(s);
        }
        if (type == Type.Prim.LONG) {
            return Long.decode(s.endsWith("L") || s.endsWith("l") ? s.substring(0, s.length() - 1) : s);
        }
        return Double.parseDouble(s);
    }

    /** A copy of {@code v} where it is mutable (arrays), so evaluations cannot leak into each other. */
    static Object copy(Object v) {
        return switch (v) {
            case double[] a -> a.clone();
            case int[] a -> a.clone();
            case long[] a -> a.clone();
            case boolean[] a -> a.clone();
            case null, default -> v;
        };
    }

    static String describe(Object v) {
        return v == null ? "null" : v.getClass().getSimpleName();
    }

    /** Whether {@code v} holds no infinity or NaN (non-floating values are finite). */
    static boolean finite(Object v) {
        return switch (v) {
            case Double d -> Double.isFinite(d);
            case Tensor t -> {
                for (double x : t.toDoubleArray()) {
                    if (!Double.isFinite(x)) {
                        yield false;
                    }
                }
                yield true;
            }
            case null, default -> true;
        };
    }
}
