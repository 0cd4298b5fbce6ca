package dev.fluxion;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Prints tensors as PyTorch does with its default print options (precision 4, linewidth 80,
 * summarised with 3 edge items above 1000 elements): {@code tensor([1., 2.])},
 * {@code tensor(4.5000)}, {@code tensor([[1., 2.],\n        [3., 4.]])}, a dtype suffix only for
 * float64 (PyTorch infers float32, int64 and bool without one).
 */
final class TensorFormat {
    private static final int PRECISION = 4;
    private static final int LINE_WIDTH = 80;
    private static final int THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;
    private static final String PREFIX = "tensor(";

    private TensorFormat() {}

    /** How every element is printed: fixed, integral ("1.") or scientific, padded to one width. */
    private record Formatter(DType dtype, boolean intMode, boolean sciMode, int width) {
        static Formatter of(DType dtype, double[] values) {
            if (!dtype.isFloatingPoint()) {
                int w = 1;
                for (double v : values) {
                    w = Math.max(w, plain(dtype, v).length());
                }
                return new Formatter(dtype, true, false, w);
            }
            boolean intMode = true;
            double min = Double.POSITIVE_INFINITY, max = 0;
            boolean any = false;
            for (double v : values) {
                if (Double.isFinite(v) && v != 0) {
                    any = true;
                    double a = Math.abs(v);
                    min = Math.min(min, a);
                    max = Math.max(max, a);
                    if (v != Math.ceil(v)) {
                        intMode = false;
                    }
                }
            }
            boolean sci = false;
            if (any) {
                sci = intMode ? max / min > 1000.0 || max > 1.0e8
                        : max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4;
            }
            Formatter probe = new Formatter(dtype, intMode, sci, 1);
            int w = 1;
            for (double v : values) {
                w = Math.max(w, probe.raw(v).length());
            }
            return new Formatter(dtype, intMode, sci, w);
        }

        String raw(double v) {
            if (!dtype.isFloatingPoint()) {
                return plain(dtype, v);
            }
            if (Double.isNaN(v)) {
                return "nan";
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? "inf" : "-inf";
            }
            if (sciMode) {
                return String.format(Locale.ROOT, "%." + PRECISION + "e", v);
            }
            if (intMode) {
                return new BigDecimal(v).setScale(0, RoundingMode.HALF_EVEN).toPlainString() + ".";
            }
            String s = new BigDecimal(v).setScale(PRECISION, RoundingMode.HALF_EVEN).toPlainString();
            return v < 0 || (v == 0 && 1 / v < 0) ? (s.startsWith("-") ? s : "-" + s) : s;
        }

        String format(double v) {
            String s = raw(v);
            return " ".repeat(Math.max(0, width - s.length())) + s;
        }

        private static String plain(DType dtype, double v) {
            if (dtype == DType.BOOL) {
                return v != 0 ? "True" : "False";
            }
            return Long.toString((long) v);
        }
    }

    static String format(Tensor t) {
        double[] values = t.toDoubleArray();
        int[] shape = t.shape;
        boolean summarize = values.length > THRESHOLD;
        Formatter fmt = Formatter.of(t.dtype, summarize ? edgeValues(values, shape) : values);
        StringBuilder sb = new StringBuilder(PREFIX);
        if (values.length == 0 && shape.length > 0) {
            sb.append("[]");
            if (shape.length > 1) {
                sb.append(", size=(");
                for (int i = 0; i < shape.length; i++) {
                    sb.append(i > 0 ? ", " : "").append(shape[i]);
                }
                sb.append(')');
            }
        } else if (shape.length == 0) {
            sb.append(fmt.raw(values[0]));
        } else {
            sb.append(block(values, shape, 0, 0, PREFIX.length(), fmt, summarize));
        }
        if (t.dtype == DType.FLOAT64) {
            sb.append(", dtype=").append(t.dtype.torchName());
        }
        return sb.append(')').toString();
    }

    private static String block(double[] values, int[] shape, int dim, int start, int indent, Formatter fmt,
                                boolean summarize) {
        int n = shape[dim];
        int inner = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        boolean cut = summarize && n > 2 * EDGE_ITEMS;
        if (dim == shape.length - 1) {
            StringBuilder items = new StringBuilder();
            int perLine = Math.max(1, (LINE_WIDTH - indent) / (fmt.width() + 2));
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (cut && i == EDGE_ITEMS) {
                    // PyTorch's vector element for the gap is " ..." (a leading space).
                    if (count > 0) {
                        items.append(count % perLine == 0 ? ",\n" + " ".repeat(indent + 1) : ", ");
                    }
                    items.append(" ...");
                    count++;
                    i = n - EDGE_ITEMS - 1;
                    continue;
                }
                if (count > 0) {
                    items.append(count % perLine == 0 ? ",\n" + " ".repeat(indent + 1) : ", ");
                }
                items.append(fmt.format(values[start + i]));
                count++;
            }
            return "[" + items + "]";
        }
        String sep = "," + "\n".repeat(shape.length - dim - 1) + " ".repeat(indent + 1);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            if (cut && i == EDGE_ITEMS) {
                sb.append(sep).append("...");
                i = n - EDGE_ITEMS - 1;
                continue;
            }
            if (i > 0) {
                sb.append(sep);
            }
            sb.append(block(values, shape, dim + 1, start + i * inner, indent + 1, fmt, summarize));
        }
        return sb.append(']').toString();
    }

    /** The values a summarised print shows (the edge items of every dim), for the width. */
    private static double[] edgeValues(double[] values, int[] shape) {
        java.util.List<Double> kept = new java.util.ArrayList<>();
        collect(values, shape, 0, 0, kept);
        double[] r = new double[kept.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = kept.get(i);
        }
        return r;
    }

    private static void collect(double[] values, int[] shape, int dim, int start, java.util.List<Double> out) {
        if (shape.length == 0) {
            out.add(values[0]);
            return;
        }
        int n = shape[dim];
        int inner = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        for (int i = 0; i < n; i++) {
            if (n > 2 * EDGE_ITEMS && i == EDGE_ITEMS) {
                i = n - EDGE_ITEMS - 1;
                continue;
            }
            if (dim == shape.length - 1) {
                out.add(values[start + i]);
            } else {
                collect(values, shape, dim + 1, start + i * inner, out);
            }
        }
    }
}
