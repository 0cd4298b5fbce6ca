package dev.fluxion;

import dev.fluxion.FusedExpr.Binary;
import dev.fluxion.FusedExpr.Input;
import dev.fluxion.FusedExpr.Reduce;
import dev.fluxion.FusedExpr.Scalar;
import dev.fluxion.FusedExpr.Unary;
import dev.fluxion.FusedExpr.Unbroadcast;
import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.UnaryOp;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A recursive-descent parser of {@link FusedExpr}'s grammar, with the parsed expressions cached by text. */
final class FusedExprParser {
    /** Parsed expressions by text (the generated code's string literals: a small, fixed set). */
    private static final Map<String, FusedExpr> CACHE = new ConcurrentHashMap<>();

    private final String s;
    private int i;

    private FusedExprParser(String s) {
        this.s = s;
    }

    FusedExpr expr() {
        FusedExpr left = term();
        while (true) {
            char c = peek();
            if (c == '+' || c == '-') {
                i++;
                FusedExpr right = term();
                left = binary(c == '+' ? BinaryOp.PLUS : BinaryOp.MINUS, left, right);
            } else {
                return left;
            }
        }
    }

    private FusedExpr term() {
        FusedExpr left = unary();
        while (true) {
            char c = peek();
            if (c == '*' || c == '/') {
                i++;
                FusedExpr right = unary();
                left = binary(c == '*' ? BinaryOp.TIMES : BinaryOp.DIV, left, right);
            } else {
                return left;
            }
        }
    }

    private FusedExpr unary() {
        if (peek() == '-') {
            i++;
            FusedExpr x = unary();
            return x instanceof Scalar sc && sc.scalarIndex() < 0 ? new Scalar(-sc.literal(), -1)
                    : new Unary("neg", UnaryOp.NEG, 0, 0, x);
        }
        return atom();
    }

    private FusedExpr atom() {
        char c = peek();
        if (c == '(') {
            i++;
            FusedExpr e = expr();
            expect(')');
            return e;
        }
        if (Character.isDigit(c) || c == '.') {
            int start = i;
            while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.'
                    || (s.charAt(i) == '-' || s.charAt(i) == '+') && (s.charAt(i - 1) == 'E' || s.charAt(i - 1) == 'e'))) {
                i++;
            }
            return new Scalar(Double.parseDouble(s.substring(start, i)), -1);
        }
        if (!Character.isLetter(c)) {
            throw error("an operand");
        }
        int start = i;
        while (i < s.length() && Character.isLetterOrDigit(s.charAt(i))) {
            i++;
        }
        String name = s.substring(start, i);
        if (name.equals("Infinity")) {
            return new Scalar(Double.POSITIVE_INFINITY, -1);
        }
        if (name.equals("NaN")) {
            return new Scalar(Double.NaN, -1);
        }
        if (name.matches("[ts][0-9]+")) {
            int k = Integer.parseInt(name.substring(1));
            return name.charAt(0) == 't' ? new Input(k) : new Scalar(0, k);
        }
        expect('(');
        java.util.List<FusedExpr> args = new java.util.ArrayList<>();
        args.add(expr());
        while (peek() == ',') {
            i++;
            args.add(expr());
        }
        expect(')');
        return call(name, args);
    }

    private FusedExpr call(String name, java.util.List<FusedExpr> a) {
        return switch (name) {
            case "unbroadcast" -> new Unbroadcast(a.get(0), ((Input) a.get(1)).index());
            case "sum" -> new Reduce(false, a.get(0));
            case "mean" -> new Reduce(true, a.get(0));
            case "pow" -> binary(BinaryOp.POW, a.get(0), a.get(1));
            case "sigmoidBackward" -> new Binary("sigmoidGrad", BinaryOp.SIGMOID_BACKWARD, a.get(0), a.get(1));
            case "tanhBackward" -> new Binary("tanhGrad", BinaryOp.TANH_BACKWARD, a.get(0), a.get(1));
            case "reluBackward" -> new Binary("reluGrad", BinaryOp.RELU_BACKWARD, a.get(0), a.get(1));
            case "cotangentDiv" -> new Binary("cotangentDiv", BinaryOp.COTANGENT_DIV, a.get(0), a.get(1));
            case "cotangentTimes" -> new Binary("cotangentTimes", BinaryOp.COTANGENT_TIMES, a.get(0), a.get(1));
            case "leakyRelu" -> new Unary(name, UnaryOp.LEAKY_RELU, constant(a.get(1)), 0, a.get(0));
            case "clamp" -> new Unary(name, UnaryOp.CLAMP, constant(a.get(1)), constant(a.get(2)), a.get(0));
            case "sign" -> new Unary("absGrad", UnaryOp.SIGN, 0, 0, a.get(0));
            case "geluDerivative" -> new Unary("geluGrad", UnaryOp.GELU_DERIVATIVE, 0, 0, a.get(0));
            default -> new Unary(name, unaryOp(name), 0, 0, a.get(0));
        };
    }

    private UnaryOp unaryOp(String name) {
        return switch (name) {
            case "neg" -> UnaryOp.NEG;
            case "abs" -> UnaryOp.ABS;
            case "exp" -> UnaryOp.EXP;
            case "log" -> UnaryOp.LOG;
            case "log1p" -> UnaryOp.LOG1P;
            case "sqrt" -> UnaryOp.SQRT;
            case "square" -> UnaryOp.SQUARE;
            case "sigmoid" -> UnaryOp.SIGMOID;
            case "tanh" -> UnaryOp.TANH;
            case "relu" -> UnaryOp.RELU;
            case "gelu" -> UnaryOp.GELU;
            case "softplus" -> UnaryOp.SOFTPLUS;
            case "sin" -> UnaryOp.SIN;
            case "cos" -> UnaryOp.COS;
            default -> throw new IllegalArgumentException("fused expression: unknown op " + name + " in " + s);
        };
    }

    private double constant(FusedExpr e) {
        if (e instanceof Scalar sc && sc.scalarIndex() < 0) {
            return sc.literal();
        }
        throw new IllegalArgumentException("fused expression: an op's parameter must be a number literal in " + s);
    }

    private static FusedExpr binary(BinaryOp op, FusedExpr a, FusedExpr b) {
        boolean leftScalar = a instanceof Scalar;
        String name = switch (op) {
            case PLUS -> "plus";
            case MINUS -> leftScalar ? "rsub" : "minus";
            case TIMES -> "times";
            case DIV -> leftScalar ? "rdiv" : "div";
            default -> "pow";
        };
        return new Binary(name, op, a, b);
    }

    private char peek() {
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("'" + c + "'");
        }
        i++;
    }

    void expectEnd() {
        if (peek() != '\0') {
            throw error("the end");
        }
    }

    private IllegalArgumentException error(String expected) {
        return new IllegalArgumentException("fused expression: expected " + expected + " at " + i + " in " + s);
    }

    /** The parsed expression of {@code text}. */
    static FusedExpr parse(String text) {
        FusedExpr e = CACHE.get(text);
        if (e == null) {
            FusedExprParser p = new FusedExprParser(text);
            e = p.expr();
            p.expectEnd();
            CACHE.put(text, e);
        }
        return e;
    }
}
