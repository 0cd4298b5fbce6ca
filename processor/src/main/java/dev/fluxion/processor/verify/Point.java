package dev.fluxion.processor.verify;

import dev.fluxion.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One evaluation point: the method's arguments and the values of the model's fields it reads.
 * Immutable: a perturbed point is a new one.
 */
record Point(List<Object> args, Map<List<String>, Object> fields) {
    Point {
        args = java.util.Collections.unmodifiableList(new ArrayList<>(args));
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The input a {@link Coordinate} names, as a flat double array (a copy). */
    double[] flat(Coordinate.Input input) {
        return flatten(get(input));
    }

    Object get(Coordinate.Input input) {
        return input.field() == null ? args.get(input.index()) : fields.get(input.field());
    }

    /** This point with element {@code element} of {@code input} moved by {@code delta}. */
    Point moved(Coordinate.Input input, int element, double delta) {
        Object v = get(input);
        Object moved = switch (v) {
            case Double d -> d + delta;
            case double[] a -> {
                double[] c = a.clone();
                c[element] += delta;
                yield c;
            }
            case Tensor t -> {
                double[] c = t.toDoubleArray();
                c[element] += delta;
                yield Tensor.fromArray(c, t.shape());
            }
            default -> throw new EvalException("cannot perturb " + Values.describe(v));
        };
        List<Object> a = new ArrayList<>(args);
        Map<List<String>, Object> f = new LinkedHashMap<>(fields);
        if (input.field() == null) {
            a.set(input.index(), moved);
        } else {
            f.put(input.field(), moved);
        }
        return new Point(a, f);
    }

    static double[] flatten(Object v) {
        return switch (v) {
            case Double d -> new double[] {d};
            case double[] a -> a.clone();
            case Tensor t -> t.toDoubleArray();
            case null -> new double[0];
            default -> throw new EvalException("not a floating value: " + Values.describe(v));
        };
    }

    /** {@code x=0.83, w=[3]{0.91, -1.2, 0.66}}: short enough for a compiler message. */
    String describe(List<Coordinate.Input> inputs) {
        StringBuilder b = new StringBuilder();
        for (Coordinate.Input in : inputs) {
            if (!b.isEmpty()) {
                b.append(", ");
            }
            b.append(in.name()).append('=').append(Numbers.brief(get(in)));
        }
        return b.toString();
    }
}
