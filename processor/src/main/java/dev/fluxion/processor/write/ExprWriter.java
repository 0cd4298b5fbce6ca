package dev.fluxion.processor.write;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.Names;
import java.util.List;

/** Prints IR expressions as Java, with the parentheses precedence requires and no others. */
final class ExprWriter {
    private static final int ATOM = 100;
    private static final int UNARY = 14;
    private static final int CAST = 13;
    private static final int CONDITIONAL = 2;

    private ExprWriter() {}

    static CodeBlock write(Expr e) {
        return switch (e) {
            case Expr.Var v -> CodeBlock.of("$N", v.name());
            case Expr.Literal l -> literal(l.text(), l.type());
            case Expr.EnumConst c -> CodeBlock.of("$T.$N", JavaTypes.className(c.ownerQualifiedName()), c.name());
            case Expr.FieldRead f -> CodeBlock.of("$N$L", Names.MODEL,
                    f.path().stream().map(p -> "." + p).reduce("", String::concat));
            case Expr.Binary b -> CodeBlock.of("$L $L $L", operand(b.left(), b.op().precedence(), false),
                    b.op().symbol(), operand(b.right(), b.op().precedence(), true));
            case Expr.Unary u -> CodeBlock.of("$L$L", u.op().symbol(), operand(u.operand(), UNARY, true));
            case Expr.Conditional c -> CodeBlock.of("$L ? $L : $L", operand(c.condition(), CONDITIONAL, true),
                    operand(c.whenTrue(), CONDITIONAL, true), operand(c.whenFalse(), CONDITIONAL, false));
            case Expr.Cast c when widenedConstant(c) != null -> literal(widenedConstant(c), c.type());
            case Expr.Cast c -> CodeBlock.of("($T) $L", JavaTypes.of(c.type()), operand(c.operand(), CAST, false));
            case Expr.ArrayRead a -> CodeBlock.of("$L[$L]", operand(a.array(), ATOM, false), write(a.index()));
            case Expr.ArrayLength a -> CodeBlock.of("$L.length", operand(a.array(), ATOM, false));
            case Expr.NewArray n -> n.length() != null
                    ? CodeBlock.of("new $T[$L]", JavaTypes.of(n.type().element()), write(n.length()))
                    : CodeBlock.of("new $T[] {$L}", JavaTypes.of(n.type().element()), args(n.elements()));
            case Expr.Call c -> call(c);
            case Expr.Unsupported u -> throw new IllegalStateException("unsupported node reached the writer");
        };
    }

    /**
     * A literal as the user would write it: {@code 0.0} for a double, {@code 0.5f} for a float,
     * {@code Double.POSITIVE_INFINITY} (not {@code 1.0/0.0}, which is no atom) for infinities and NaN.
     */
    private static CodeBlock literal(String text, Type type) {
        if (type != Type.Prim.DOUBLE && type != Type.Prim.FLOAT) {
            return CodeBlock.of("$L", text);
        }
        String holder = type == Type.Prim.FLOAT ? "Float" : "Double";
        Double special = Literals.special(text);
        if (special != null) {
            String name = special.isNaN() ? "NaN" : special > 0 ? "POSITIVE_INFINITY" : "NEGATIVE_INFINITY";
            return CodeBlock.of("$T.$N", ClassName.get("java.lang", holder), name);
        }
        return CodeBlock.of("$L", type == Type.Prim.FLOAT ? Literals.floatText(text) : Literals.doubleText(text));
    }

    /** The text of {@code c}'s value where it widens a numeric literal to double or float: {@code (double) 0} → {@code 0}. */
    private static String widenedConstant(Expr.Cast c) {
        if ((c.type() != Type.Prim.DOUBLE && c.type() != Type.Prim.FLOAT) || !(c.operand() instanceof Expr.Literal l)) {
            return null;
        }
        boolean exact = l.type() == Type.Prim.INT || l.type() == Type.Prim.LONG || l.type() == Type.Prim.SHORT
                || l.type() == Type.Prim.BYTE || l.type() == c.type();
        if (!exact) {
            return null;
        }
        Double value = Literals.value(l.text(), l.type());
        if (value == null) {
            return null;
        }
        return c.type() == Type.Prim.FLOAT ? Float.toString(value.floatValue()) : Double.toString(value);
    }

    private static CodeBlock call(Expr.Call c) {
        List<Expr> a = c.args();
        return switch (c.callee()) {
            case Callee.Known k -> switch (k.op().style()) {
                case METHOD -> method(a.get(0), k.op() == Op.UNARY_MINUS ? "neg" : k.op().javaName(), a.subList(1, a.size()));
                case F_ONLY -> CodeBlock.of("$T.$N($L)", JavaTypes.F, k.op().javaName(), args(a));
                case TENSOR_STATIC -> CodeBlock.of("$T.$N($L)", JavaTypes.TENSOR, k.op().javaName(), args(a));
                case MATH -> CodeBlock.of("$T.$N($L)", JavaTypes.MATH, k.op().javaName(), args(a));
            };
            case Callee.User u -> {
                ClassName grad = gradClass(u.method());
                CodeBlock model = CodeBlock.of("$N$L", Names.MODEL,
                        u.receiver().stream().map(p -> "." + p).reduce("", String::concat));
                CodeBlock all = u.method().isStatic() ? args(a)
                        : a.isEmpty() ? model : CodeBlock.of("$L, $L", model, args(a));
                yield CodeBlock.of("$T.$N($L)", grad, u.method().name(), all);
            }
            case Callee.Static s -> CodeBlock.of("$T.$N($L)", JavaTypes.className(s.ownerQualifiedName()), s.name(),
                    args(a));
            case Callee.Instance i -> method(a.get(0), i.name(), a.subList(1, a.size()));
        };
    }

    static ClassName gradClass(Callee.UserMethod m) {
        ClassName owner = JavaTypes.className(m.ownerQualifiedName());
        String simple = String.join(".", owner.simpleNames());
        return ClassName.get(owner.packageName(), Names.gradClass(simple));
    }

    private static CodeBlock method(Expr receiver, String name, List<Expr> rest) {
        return CodeBlock.of("$L.$N($L)", operand(receiver, ATOM, false), name, args(rest));
    }

    private static CodeBlock args(List<Expr> args) {
        return CodeBlock.join(args.stream().map(ExprWriter::write).toList(), ", ");
    }

    /** Prints {@code e} as an operand of a context with precedence {@code outer}. */
    private static CodeBlock operand(Expr e, int outer, boolean rightOfBinary) {
        int p = precedence(e);
        boolean parens = p < outer || (rightOfBinary && p == outer && p != CONDITIONAL);
        if (e instanceof Expr.Literal l && l.text().startsWith("-") && outer >= UNARY
                && Literals.special(l.text()) == null) {
            parens = true;
        }
        return parens ? CodeBlock.of("($L)", write(e)) : write(e);
    }

    private static int precedence(Expr e) {
        return switch (e) {
            case Expr.Binary b -> b.op().precedence();
            case Expr.Unary u -> UNARY;
            case Expr.Cast c -> CAST;
            case Expr.Conditional c -> CONDITIONAL;
            default -> ATOM;
        };
    }
}
