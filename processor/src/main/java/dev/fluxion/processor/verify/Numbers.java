package dev.fluxion.processor.verify;

import dev.fluxion.Tensor;
import java.util.Arrays;
import java.util.Locale;

/** Short renderings of values for messages. */
final class Numbers {
    private static final int SHOWN = 4;

    private Numbers() {}

    static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    static String brief(Object v) {
        return switch (v) {
            case Double d -> String.format(Locale.ROOT, "%.4g", d);
            case double[] a -> "[" + a.length + "]" + elements(a);
            case Tensor t -> Arrays.toString(t.shape()) + elements(t.toDoubleArray());
            case null -> "null";
            default -> String.valueOf(v);
        };
    }

    static String elements(double[] a) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < Math.min(a.length, SHOWN); i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4g", a[i]));
        }
        return b.append(a.length > SHOWN ? ", …}" : "}").toString();
    }
}
