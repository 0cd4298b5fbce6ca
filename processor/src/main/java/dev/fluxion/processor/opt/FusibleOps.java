package dev.fluxion.processor.opt;

import dev.fluxion.processor.ir.Callee;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.Op;
import dev.fluxion.processor.ir.Type;
import java.util.List;
import java.util.function.Function;

/**
 * Which IR expressions are one elementwise op of {@code dev.fluxion.Fused}'s expression language,
 * and how each is written there. A tensor op is written as the runtime computes it
 * ({@code x.rsub(c)} is {@code c - x}, {@code x.pow(2)} is {@code square(x)}), a derivative rule as
 * the body of its {@code Derivatives} method ({@code sigmoidGrad(g, x, out)} is
 * {@code unbroadcast(sigmoidBackward(g, out), x)}), so that the fused group computes the same bits.
 */
final class FusibleOps {
    private FusibleOps() {}

    /** How an operand enters the expression. */
    enum Role {
        /** A tensor: another op of the group, or an operand {@code tK}. */
        TENSOR,
        /** A tensor that must be an operand {@code tK}: the target of an {@code unbroadcast}. */
        TARGET,
        /** A double: a number literal, or an operand {@code sK}. */
        SCALAR,
        /** A double that must be a number literal (an op's parameter: a slope, a bound, an exponent). */
        LITERAL,
        /** An argument the op's body does not read ({@code b} of {@code plusGradA(g, a, b)}). */
        IGNORED
    }

    /** An operand's text and how tightly it binds: 1 for {@code + -}, 2 for {@code * /}, 3 for atoms and calls. */
    record Text(String text, int precedence) {
        static Text atom(String text) {
            return new Text(text, 3);
        }
    }

    /**
     * One op: its operands, their roles, how to write it given the operands' texts, and its name
     * for the generated comment.
     */
    record Form(String name, List<Expr> operands, List<Role> roles, Function<List<Text>, Text> write) {}

    /** The form of {@code e}, or null where it is no elementwise op of the language. */
    static Form of(Expr e) {
        if (!(e instanceof Expr.Call c) || !c.type().isTensor()) {
            return null;
        }
        List<Expr> a = c.args();
        return switch (c.callee()) {
            case Callee.Known k -> known(k.op(), a);
            case Callee.Static s when s.ownerQualifiedName().equals("dev.fluxion.Derivatives") -> rule(s.name(), a);
            default -> null;
        };
    }

    /** The root-only reductions {@code sum()} and {@code mean()} over all elements, or null. */
    static Form reduction(Expr e) {
        if (e instanceof Expr.Call c && c.callee() instanceof Callee.Known k && (k.op() == Op.SUM || k.op() == Op.MEAN)
                && c.args().size() == 1) {
            String name = k.op().javaName();
            return new Form(name, c.args(), List.of(Role.TENSOR), t -> Text.atom(name + "(" + t.get(0).text() + ")"));
        }
        return null;
    }

    private static Form known(Op op, List<Expr> a) {
        String name = op.javaName();
        return switch (op) {
            case PLUS -> binary(name, a, "+", Role.TENSOR, Role.TENSOR);
            case MINUS -> binary(name, a, "-", Role.TENSOR, Role.TENSOR);
            case TIMES -> binary(name, a, "*", Role.TENSOR, Role.TENSOR);
            case DIV -> binary(name, a, "/", Role.TENSOR, Role.TENSOR);
            case PLUS_SCALAR -> binary(name, a, "+", Role.TENSOR, Role.SCALAR);
            case MINUS_SCALAR -> binary(name, a, "-", Role.TENSOR, Role.SCALAR);
            case TIMES_SCALAR -> binary(name, a, "*", Role.TENSOR, Role.SCALAR);
            case DIV_SCALAR -> binary(name, a, "/", Role.TENSOR, Role.SCALAR);
            case RSUB -> new Form(name, List.of(a.get(1), a.get(0)), List.of(Role.SCALAR, Role.TENSOR),
                    t -> infix(t.get(0), "-", t.get(1)));
            case RDIV -> new Form(name, List.of(a.get(1), a.get(0)), List.of(Role.SCALAR, Role.TENSOR),
                    t -> infix(t.get(0), "/", t.get(1)));
            case POW -> call(name, "pow", a, Role.TENSOR, Role.TENSOR);
            // Tensor.pow(2) is square(); any other literal exponent is the POW kernel.
            case POW_SCALAR -> literal(a.get(1)) == null ? null : literal(a.get(1)) == 2.0
                    ? call(name, "square", List.of(a.get(0)), Role.TENSOR)
                    : call(name, "pow", a, Role.TENSOR, Role.LITERAL);
            case NEG, UNARY_MINUS -> new Form(name, a, List.of(Role.TENSOR), t -> Text.atom("-" + paren(t.get(0), 3)));
            case ABS, EXP, LOG, LOG1P, SQRT, SQUARE, SIGMOID, TANH, RELU, GELU, SOFTPLUS, SIN, COS ->
                    call(name, name, a, Role.TENSOR);
            case LEAKY_RELU -> call(name, name, a, Role.TENSOR, Role.LITERAL);
            case CLAMP -> call(name, name, a, Role.TENSOR, Role.LITERAL, Role.LITERAL);
            default -> null;
        };
    }

    /** A {@code Derivatives} rule whose body is elementwise ops and an unbroadcast, written as that body. */
    private static Form rule(String name, List<Expr> a) {
        return switch (name) {
            case "plusGradA", "minusGradA" -> form(name, a, "unbroadcast(%1$s, %2$s)", Role.TENSOR, Role.TARGET, Role.IGNORED);
            case "plusGradB" -> form(name, a, "unbroadcast(%1$s, %3$s)", Role.TENSOR, Role.IGNORED, Role.TARGET);
            case "minusGradB" -> form(name, a, "unbroadcast(-%1$s, %3$s)", Role.TENSOR, Role.IGNORED, Role.TARGET);
            case "timesGradA" -> form(name, a, "unbroadcast(%1$s * %3$s, %2$s)", Role.TENSOR, Role.TARGET, Role.TENSOR);
            case "timesGradB" -> form(name, a, "unbroadcast(%1$s * %2$s, %3$s)", Role.TENSOR, Role.TENSOR, Role.TARGET);
            case "divGradA" -> form(name, a, "unbroadcast(cotangentDiv(%1$s, %3$s), %2$s)", Role.TENSOR, Role.TARGET,
                    Role.TENSOR);
            case "divGradB" -> form(name, a, "unbroadcast(cotangentDiv(-(%1$s * %2$s), square(%3$s)), %3$s)",
                    Role.TENSOR, Role.TENSOR, Role.TARGET);
            case "timesScalarGrad" -> binary(name, a, "*", Role.TENSOR, Role.SCALAR);
            case "divScalarGrad" -> binary(name, a, "/", Role.TENSOR, Role.SCALAR);
            case "unbroadcast" -> form(name, a, "unbroadcast(%1$s, %2$s)", Role.TENSOR, Role.TARGET);
            case "negGrad" -> unaryRule(name, a, "unbroadcast(-%1$s, %2$s)");
            case "absGrad" -> unaryRule(name, a, "unbroadcast(%1$s * sign(%2$s), %2$s)");
            case "expGrad" -> form(name, a, "unbroadcast(%1$s * %3$s, %2$s)", Role.TENSOR, Role.TARGET, Role.TENSOR);
            case "logGrad" -> unaryRule(name, a, "unbroadcast(cotangentDiv(%1$s, %2$s), %2$s)");
            case "log1pGrad" -> unaryRule(name, a, "unbroadcast(cotangentDiv(%1$s, %2$s + 1.0), %2$s)");
            case "sqrtGrad" -> form(name, a, "unbroadcast(cotangentDiv(%1$s, %3$s * 2.0), %2$s)", Role.TENSOR,
                    Role.TARGET, Role.TENSOR);
            case "squareGrad" -> unaryRule(name, a, "unbroadcast(%1$s * %2$s * 2.0, %2$s)");
            case "sigmoidGrad" -> form(name, a, "unbroadcast(sigmoidBackward(%1$s, %3$s), %2$s)", Role.TENSOR,
                    Role.TARGET, Role.TENSOR);
            case "tanhGrad" -> form(name, a, "unbroadcast(tanhBackward(%1$s, %3$s), %2$s)", Role.TENSOR,
                    Role.TARGET, Role.TENSOR);
            case "reluGrad" -> unaryRule(name, a, "unbroadcast(reluBackward(%1$s, %2$s), %2$s)");
            case "geluGrad" -> unaryRule(name, a, "unbroadcast(%1$s * geluDerivative(%2$s), %2$s)");
            case "softplusGrad" -> unaryRule(name, a, "unbroadcast(%1$s * sigmoid(%2$s), %2$s)");
            case "sinGrad" -> unaryRule(name, a, "unbroadcast(%1$s * cos(%2$s), %2$s)");
            case "cosGrad" -> unaryRule(name, a, "unbroadcast(-(%1$s * sin(%2$s)), %2$s)");
            default -> null;
        };
    }

    /** A unary rule {@code (g, x, out)} reading g and x only: x is an operand (it is also the unbroadcast's target). */
    private static Form unaryRule(String name, List<Expr> a, String template) {
        return a.size() != 3 ? null : form(name, a.subList(0, 2), template, Role.TENSOR, Role.TARGET);
    }

    /** A form written by a template whose {@code %k$s} are the operands (each parenthesised as an atom). */
    private static Form form(String name, List<Expr> a, String template, Role... roles) {
        if (a.size() != roles.length) {
            return null;
        }
        return new Form(name, a, List.of(roles), t -> Text.atom(String.format(template,
                t.stream().map(x -> paren(x, 3)).toArray())));
    }

    private static Form binary(String name, List<Expr> a, String symbol, Role left, Role right) {
        return a.size() != 2 ? null : new Form(name, a, List.of(left, right), t -> infix(t.get(0), symbol, t.get(1)));
    }

    private static Form call(String name, String function, List<Expr> a, Role... roles) {
        if (a.size() != roles.length) {
            return null;
        }
        for (int i = 0; i < roles.length; i++) {
            if (roles[i] == Role.LITERAL && literal(a.get(i)) == null) {
                return null;
            }
        }
        return new Form(name, a, List.of(roles), t -> Text.atom(function + "("
                + String.join(", ", t.stream().map(Text::text).toList()) + ")"));
    }

    private static Text infix(Text left, String symbol, Text right) {
        int p = symbol.equals("+") || symbol.equals("-") ? 1 : 2;
        // The language is left-associative: a right operand of the same precedence keeps its parentheses.
        return new Text(paren(left, p) + " " + symbol + " " + paren(right, p + 1), p);
    }

    private static String paren(Text t, int atLeast) {
        return t.precedence() >= atLeast ? t.text() : "(" + t.text() + ")";
    }

    /**
     * The value of a number literal as the runtime receives it (a double parameter), or null where
     * {@code e} is none: {@code 2}, {@code 0.5}, {@code 0.1f} (the float's value, widened),
     * {@code (double) 2}.
     */
    static Double literal(Expr e) {
        if (e instanceof Expr.Cast c && c.type().isNumeric()) {
            Double v = literal(c.operand());
            return v == null ? null : c.type() == Type.Prim.FLOAT ? (double) v.floatValue()
                    : c.type().isIntegral() ? null : v;
        }
        if (!(e instanceof Expr.Literal l) || !l.type().isNumeric()) {
            return null;
        }
        String s = l.text().replace("_", "");
        try {
            return switch (l.type()) {
                case Type.Prim p when p == Type.Prim.FLOAT -> (double) Float.parseFloat(s);
                case Type.Prim p when p == Type.Prim.DOUBLE -> Double.parseDouble(s);
                case Type.Prim p when p == Type.Prim.LONG -> (double) Long.decode(s.replaceAll("[lL]$", ""));
                default -> (double) Integer.decode(s);
            };
        } catch (NumberFormatException ex) {
            return null;
        }
    }
}
