package dev.fluxion.processor.parse;

import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Type;
import java.util.List;
import java.util.Optional;

/** Finds the known operation a call names, by spelling and argument types. */
final class OpResolver {
    static final String REDUCTION = "dev.fluxion.Reduction";

    private OpResolver() {}

    /**
     * The operation {@code name(args)} denotes, where {@code args} includes the receiver for
     * tensor methods.
     *
     * @param styles the spellings the call site allows
     */
    static Optional<Op> resolve(String name, List<Op.Style> styles, List<Type> args) {
        for (Op op : Op.values()) {
            if (op.javaName().equals(name) && styles.contains(op.style()) && matches(op.signature(), args)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    /** The result type of {@code op} applied to arguments of these types. */
    static Type resultType(Op op, List<Type> args) {
        return switch (op.result()) {
            case 'T' -> Type.TENSOR;
            case 'D' -> Type.Prim.DOUBLE;
            case 'I' -> Type.Prim.INT;
            case 'L' -> Type.Prim.LONG;
            case 'A' -> new Type.ArrayOf(Type.Prim.INT);
            case 'P' -> args.size() == 1 ? Type.promote(args.get(0), Type.Prim.INT)
                    : Type.promote(args.get(0), args.get(1));
            default -> throw new IllegalStateException("result letter " + op.result());
        };
    }

    private static boolean matches(String signature, List<Type> args) {
        int i = 0;
        for (int s = 0; s < signature.length(); s++) {
            char letter = signature.charAt(s);
            boolean last = s == signature.length() - 1;
            if (letter == 'A' && last) {
                if (args.size() == i + 1 && args.get(i).equals(new Type.ArrayOf(Type.Prim.INT))) {
                    return true;
                }
                return args.subList(i, args.size()).stream().allMatch(OpResolver::isInt);
            }
            if (letter == 'V' && last) {
                return args.size() > i && args.subList(i, args.size()).stream().allMatch(Type::isTensor);
            }
            if (i >= args.size() || !accepts(letter, args.get(i))) {
                return false;
            }
            i++;
        }
        return i == args.size();
    }

    private static boolean accepts(char letter, Type t) {
        return switch (letter) {
            case 'T' -> t.isTensor();
            case 'D' -> t.isNumeric();
            case 'I' -> isInt(t);
            case 'B' -> t == Type.Prim.BOOLEAN;
            case 'R' -> t.equals(new Type.Declared(REDUCTION));
            case 'A' -> t.equals(new Type.ArrayOf(Type.Prim.INT));
            default -> false;
        };
    }

    private static boolean isInt(Type t) {
        return t == Type.Prim.INT || t == Type.Prim.SHORT || t == Type.Prim.BYTE;
    }
}
