package dev.fluxion.processor.write;

import dev.fluxion.processor.ir.Type;

/** Numeric literal texts: their values, and their clean Java spelling. */
final class Literals {
    private Literals() {}

    /**
     * The value of an infinite or NaN literal text, as the IR spells it ({@code Infinity},
     * {@code -Infinity}, {@code NaN}) or as {@code Elements.getConstantExpression} does
     * ({@code 1.0/0.0}, {@code -1.0f/0.0f}, {@code 0.0/0.0}); null for any other text.
     */
    static Double special(String text) {
        String t = text.replaceAll("(?<=[0-9])[fFdD]", "").trim();
        return switch (t) {
            case "Infinity", "1.0/0.0", "+Infinity" -> Double.POSITIVE_INFINITY;
            case "-Infinity", "-1.0/0.0" -> Double.NEGATIVE_INFINITY;
            case "NaN", "0.0/0.0" -> Double.NaN;
            default -> null;
        };
    }

    /** The value of a numeric literal text of type {@code type}, or null if it is not one. */
    static Double value(String text, Type type) {
        Double special = special(text);
        if (special != null) {
            return special;
        }
        String s = text.replace("_", "");
        try {
            if (type == Type.Prim.INT || type == Type.Prim.SHORT || type == Type.Prim.BYTE) {
                return (double) Integer.decode(s);
            }
            if (type == Type.Prim.LONG) {
                return (double) Long.decode(s.endsWith("L") || s.endsWith("l") ? s.substring(0, s.length() - 1) : s);
            }
            if (type == Type.Prim.FLOAT) {
                return (double) Float.parseFloat(s);
            }
            if (type == Type.Prim.DOUBLE) {
                return Double.parseDouble(s);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    /** A double literal's text that reads as a double: {@code 2} → {@code 2.0}; others unchanged. */
    static String doubleText(String text) {
        return text.matches("-?[0-9]+") ? text + ".0" : text;
    }

    /** A float literal's text with its {@code f}: {@code 0.5} → {@code 0.5f}. */
    static String floatText(String text) {
        if (text.endsWith("f") || text.endsWith("F")) {
            return text;
        }
        if (text.endsWith("d") || text.endsWith("D")) {
            return text.substring(0, text.length() - 1) + "f";
        }
        return text.matches("-?[0-9.eE+-]+") ? text + "f" : text;
    }
}
