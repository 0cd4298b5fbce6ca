package dev.fluxion.processor.verify;

import dev.fluxion.F;
import dev.fluxion.Reduction;
import dev.fluxion.Tensor;
import dev.fluxion.processor.ir.Op;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Calls the runtime for the interpreter: a known {@link Op} through the very {@code Tensor}/{@code
 * F}/{@code Math} method the generated code calls (found once by its signature letters), and a
 * static such as {@code Derivatives.timesGradA} by name, matching the arguments' runtime types.
 */
final class OpCalls {
    private static final Map<Op, Method> KNOWN = new EnumMap<>(Op.class);
    private static final Map<String, List<Method>> STATICS = new ConcurrentHashMap<>();

    private OpCalls() {}

    /** {@code op(args)}; a tensor method takes its receiver as {@code args[0]}. */
    static Object known(Op op, List<Object> args) {
        Method m = knownMethod(op);
        String sig = op.signature();
        boolean method = op.style() == Op.Style.METHOD;
        List<Object> packed = pack(sig, args);
        Object receiver = method ? packed.get(0) : null;
        Object[] rest = (method ? packed.subList(1, packed.size()) : packed).toArray();
        if (method && !(receiver instanceof Tensor)) {
            receiver = Values.toTensor(receiver);
        }
        return invoke(m, receiver, rest, op.javaName());
    }

    /** The static method {@code owner.name(args)} of a runtime class ({@code Derivatives}, {@code F}, ...). */
    static Object callStatic(String owner, String name, List<Object> args) {
        List<Method> candidates = STATICS.computeIfAbsent(owner + "#" + name, k -> staticsNamed(owner, name));
        for (Method m : candidates) {
            Object[] converted = convert(m, args);
            if (converted != null) {
                return invoke(m, null, converted, owner.substring(owner.lastIndexOf('.') + 1) + "." + name);
            }
        }
        throw new EvalException("cannot evaluate " + name + " with arguments "
                + args.stream().map(Values::describe).toList());
    }

    /** An instance method of a runtime object ({@code Parameter.accumulateGrad}, ...). */
    static Object callInstance(Object receiver, String name, List<Object> args) {
        if (receiver == null) {
            throw new EvalException("call of " + name + " on null");
        }
        for (Method m : receiver.getClass().getMethods()) {
            if (m.getName().equals(name) && !Modifier.isStatic(m.getModifiers())) {
                Object[] converted = convert(m, args);
                if (converted != null) {
                    return invoke(m, receiver, converted, name);
                }
            }
        }
        throw new EvalException("cannot evaluate " + Values.describe(receiver) + "." + name);
    }

    private static Object invoke(Method m, Object receiver, Object[] args, String what) {
        try {
            return m.invoke(receiver, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new EvalException(what + ": " + cause.getMessage(), cause);
        } catch (IllegalAccessException | IllegalArgumentException e) {
            throw new EvalException(what + ": " + e.getMessage(), e);
        }
    }

    private static synchronized Method knownMethod(Op op) {
        Method cached = KNOWN.get(op);
        if (cached != null) {
            return cached;
        }
        Class<?> owner = switch (op.style()) {
            case METHOD -> Tensor.class;
            case F_ONLY -> F.class;
            case TENSOR_STATIC -> Tensor.class;
            case MATH -> Math.class;
        };
        String sig = op.style() == Op.Style.METHOD ? op.signature().substring(1) : op.signature();
        Class<?>[] types = new Class<?>[sig.length()];
        for (int i = 0; i < sig.length(); i++) {
            types[i] = switch (sig.charAt(i)) {
                case 'T' -> Tensor.class;
                case 'D' -> double.class;
                case 'I' -> int.class;
                case 'B' -> boolean.class;
                case 'A' -> int[].class;
                case 'V' -> Tensor[].class;
                case 'R' -> Reduction.class;
                default -> throw new IllegalStateException("signature letter " + sig.charAt(i));
            };
        }
        // Verification runs in float64: a cast to float32 would only add rounding noise to the
        // finite differences, and its derivative (castGrad) is the identity on values.
        String name = switch (op) {
            case UNARY_MINUS -> "neg";
            case TO_FLOAT -> "toDouble";
            default -> op.javaName();
        };
        try {
            Method m = owner.getMethod(name, types);
            KNOWN.put(op, m);
            return m;
        } catch (NoSuchMethodException e) {
            throw new EvalException("the runtime has no " + owner.getSimpleName() + "." + name
                    + Arrays.toString(types));
        }
    }

    /** Groups trailing int or tensor arguments into the array a varargs letter stands for. */
    private static List<Object> pack(String sig, List<Object> args) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < sig.length(); i++) {
            char letter = sig.charAt(i);
            boolean last = i == sig.length() - 1;
            if (letter == 'A' && last && !(i < args.size() && args.get(i) instanceof int[] && args.size() == i + 1)) {
                int[] values = new int[args.size() - i];
                for (int k = i; k < args.size(); k++) {
                    values[k - i] = Values.toInt(args.get(k));
                }
                out.add(values);
            } else if (letter == 'V' && last && !(args.size() == i + 1 && args.get(i) instanceof Tensor[])) {
                Tensor[] values = new Tensor[args.size() - i];
                for (int k = i; k < args.size(); k++) {
                    values[k - i] = Values.toTensor(args.get(k));
                }
                out.add(values);
            } else {
                Object a = args.get(i);
                out.add(switch (letter) {
                    case 'D' -> Values.toDouble(a);
                    case 'I' -> Values.toInt(a);
                    case 'T' -> a == null ? null : Values.toTensor(a);
                    default -> a;
                });
            }
        }
        return out;
    }

    private static List<Method> staticsNamed(String owner, String name) {
        Class<?> c;
        try {
            c = Class.forName(owner, true, OpCalls.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new EvalException("cannot load " + owner + " at compile time");
        }
        List<Method> out = new ArrayList<>();
        for (Method m : c.getMethods()) {
            if (m.getName().equals(name) && Modifier.isStatic(m.getModifiers())) {
                out.add(m);
            }
        }
        // Exact arities before varargs, so sumGrad(g, x) is not taken for sumGrad(g).
        out.sort((a, b) -> Boolean.compare(a.isVarArgs(), b.isVarArgs()));
        return out;
    }

    /** The arguments converted to {@code m}'s parameter types, or null if they do not fit. */
    /** A new instance of the runtime class {@code owner} ({@code new Conv2d(1, 2, 3, rng)}), the first constructor that fits. */
    static Object construct(String owner, List<Object> args) {
        Class<?> c;
        try {
            c = Class.forName(owner, true, OpCalls.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new EvalException("cannot load " + owner + " at compile time");
        }
        for (java.lang.reflect.Constructor<?> k : c.getConstructors()) {
            Object[] converted = convert(k, args);
            if (converted != null) {
                try {
                    return k.newInstance(converted);
                } catch (InvocationTargetException e) {
                    throw new EvalException("new " + c.getSimpleName() + ": " + e.getCause().getMessage(), e.getCause());
                } catch (ReflectiveOperationException | IllegalArgumentException e) {
                    throw new EvalException("new " + c.getSimpleName() + ": " + e.getMessage(), e);
                }
            }
        }
        throw new EvalException("no constructor of " + c.getSimpleName() + " takes "
                + args.stream().map(Values::describe).toList());
    }

    private static Object[] convert(java.lang.reflect.Executable m, List<Object> args) {
        Class<?>[] p = m.getParameterTypes();
        int fixed = m.isVarArgs() ? p.length - 1 : p.length;
        if (m.isVarArgs() ? args.size() < fixed : args.size() != p.length) {
            return null;
        }
        Object[] out = new Object[p.length];
        for (int i = 0; i < fixed; i++) {
            Object v = fit(p[i], args.get(i));
            if (v == NO_FIT) {
                return null;
            }
            out[i] = v;
        }
        if (m.isVarArgs()) {
            Class<?> arrayType = p[p.length - 1];
            if (args.size() == p.length && arrayType.isInstance(args.get(fixed))) {
                out[fixed] = args.get(fixed);
                return out;
            }
            Class<?> element = arrayType.getComponentType();
            Object array = java.lang.reflect.Array.newInstance(element, args.size() - fixed);
            for (int i = fixed; i < args.size(); i++) {
                Object v = fit(element, args.get(i));
                if (v == NO_FIT) {
                    return null;
                }
                java.lang.reflect.Array.set(array, i - fixed, v);
            }
            out[fixed] = array;
        }
        return out;
    }

    private static final Object NO_FIT = new Object();

    private static Object fit(Class<?> type, Object v) {
        if (type == double.class) {
            return v instanceof Number n ? (Object) n.doubleValue() : NO_FIT;
        }
        if (type == float.class) {
            // reflection widens a Float to double but never narrows a Double (FloatStack.push(float))
            return v instanceof Number n ? (Object) n.floatValue() : NO_FIT;
        }
        if (type == int.class) {
            return v instanceof Integer ? v : NO_FIT;
        }
        if (type == long.class) {
            return v instanceof Integer || v instanceof Long ? (Object) ((Number) v).longValue() : NO_FIT;
        }
        if (type == boolean.class) {
            return v instanceof Boolean ? v : NO_FIT;
        }
        if (v == null) {
            return type.isPrimitive() ? NO_FIT : null;
        }
        return type.isInstance(v) ? v : NO_FIT;
    }
}
