package dev.fluxion.processor.verify;

import dev.fluxion.Tensor;
import dev.fluxion.processor.ir.Expr;
import dev.fluxion.processor.ir.MethodIr;
import dev.fluxion.processor.ir.Param;
import dev.fluxion.processor.ir.Type;
import dev.fluxion.processor.model.InputSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Picks the shapes and values of a method's inputs. Declared {@code @Shape}s bind each symbolic
 * dimension to a small size of its own (3, 4, 5, ...: distinct, so a transposition cannot hide);
 * a tensor with no declared shape (a parameter without {@code @Shape}, a {@code Parameter} field)
 * gets each candidate shape in turn until the method evaluates: the shapes are inferred from the
 * operations that accept them.
 */
final class Inputs {
    /** The size of a dimension no declaration fixes. */
    static final int DEFAULT_SIZE = 3;
    /** The value of an int parameter: a loop count or index valid for every size above. */
    static final int INT_VALUE = 2;
    /** The largest size of a layer's parameter that inferred shapes try (larger ones need a {@code @Shape}). */
    private static final int MAX_LAYER_SIZE = 64;

    private final MethodIr method;
    private final InputSpec spec;
    private final List<Expr.FieldRead> fields;
    /** The layer fields, by path; their parameters take the layer's own initial values. */
    private final Map<List<String>, LayerFields.Template> layers;
    private final Map<List<String>, Tensor> layerParameters = new LinkedHashMap<>();
    /** The list fields of modules, by path. */
    private final Map<List<String>, LayerFields.ListOf> lists;
    private final Map<String, Integer> symbols = new LinkedHashMap<>();
    private final List<String> unknown = new ArrayList<>();
    private final List<int[]> candidates = new ArrayList<>();

    Inputs(MethodIr method, InputSpec spec, List<Expr.FieldRead> fields) {
        this(method, spec, fields, Map.of());
    }

    Inputs(MethodIr method, InputSpec spec, List<Expr.FieldRead> fields, Map<List<String>, LayerFields.Template> layers) {
        this(method, spec, fields, layers, Map.of(), SliceShapes.NONE);
    }

    /**
     * As above, with the lists of modules the method calls elements of ({@link LayerFields.ListOf})
     * and the candidate shapes the method's slices suggest ({@link SliceShapes}): sizes of their
     * constant ends, and sizes tied to the int parameters' value ({@link #TIED}), tried right after
     * the default size.
     */
    Inputs(MethodIr method, InputSpec spec, List<Expr.FieldRead> fields, Map<List<String>, LayerFields.Template> layers,
           Map<List<String>, LayerFields.ListOf> lists, SliceShapes slices) {
        this.method = method;
        this.spec = spec;
        this.fields = fields;
        this.layers = layers;
        this.lists = lists;
        layers.forEach((path, t) -> t.initial().forEach((name, value) ->
                layerParameters.put(LayerFields.parameterPath(path, name), value)));
        Set<Integer> sizes = new LinkedHashSet<>(List.of(DEFAULT_SIZE));
        sizes.addAll(slices.constantEnds());
        for (Param p : method.params()) {
            List<String> dims = spec.shapes().get(p.name());
            if (dims != null) {
                for (String d : dims) {
                    sizes.add(size(d));
                }
            } else if (p.type().isTensor()) {
                unknown.add(p.name());
            }
        }
        // A layer built as its source says fixes its parameters' shapes ([3, 2] for new Linear(2, 3, rng)):
        // the tensors whose shapes are inferred may need those sizes to meet them.
        for (Tensor t : layerParameters.values()) {
            for (int d : t.shape()) {
                if (d <= MAX_LAYER_SIZE) {
                    sizes.add(d);
                }
            }
        }
        for (Expr.FieldRead f : fields) {
            if ((f.parameter() || f.type().isTensor()) && !layerParameters.containsKey(f.path())) {
                unknown.add(key(f.path()));
            }
        }
        for (int s : sizes) {
            candidates.add(new int[] {s});
            if (s == DEFAULT_SIZE && slices.tiedToInts()) {
                candidates.add(new int[] {TIED});
                candidates.add(new int[] {TIED + 1});
                candidates.add(new int[] {DEFAULT_SIZE, TIED});
                candidates.add(new int[] {TIED, DEFAULT_SIZE});
            }
        }
        for (int a : sizes) {
            for (int b : sizes) {
                candidates.add(new int[] {a, b});
            }
        }
        candidates.add(new int[0]);
        candidates.add(new int[] {DEFAULT_SIZE, DEFAULT_SIZE, DEFAULT_SIZE});
    }

    /**
     * A dimension of a candidate shape that is the int parameters' value ({@link Variation#intValue()},
     * which every int parameter takes) plus {@code d - TIED}: a size a slice bounded by an int reads.
     */
    static final int TIED = -1_000;

    /** {@code shape} with its {@link #TIED} dimensions resolved for the int value {@code intValue}. */
    static int[] resolve(int[] shape, int intValue) {
        if (shape == null) {
            return null;
        }
        int[] out = shape.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] < 0) {
                out[i] = Math.max(1, intValue + out[i] - TIED);
            }
        }
        return out;
    }

    static String key(List<String> path) {
        return "this." + String.join(".", path);
    }

    /** The tensors whose shapes are inferred. */
    List<String> unknown() {
        return unknown;
    }

    /** Shape assignments of the unknown tensors, in the order to try them; at most {@code limit}. */
    List<Map<String, int[]>> assignments(int limit) {
        List<Map<String, int[]>> out = new ArrayList<>();
        int[] odometer = new int[unknown.size()];
        while (out.size() < limit) {
            Map<String, int[]> a = new LinkedHashMap<>();
            for (int i = 0; i < unknown.size(); i++) {
                a.put(unknown.get(i), candidates.get(odometer[i]));
            }
            out.add(a);
            int i = 0;
            while (i < odometer.length && ++odometer[i] == candidates.size()) {
                odometer[i++] = 0;
            }
            if (i == odometer.length) {
                break;
            }
        }
        return out;
    }

    /**
     * How a point departs from the plain draw, to reach other paths: floating inputs scaled
     * (differentiable ones by {@code scale}, {@code @NoGrad} ones by {@code constantScale}; only
     * the signed and positive styles, whose values have no fixed domain), {@code int}s set to
     * {@code intValue}, floating arrays without a declared shape given {@code arrayLength}.
     */
    record Variation(double scale, double constantScale, int intValue, int arrayLength) {
        static final Variation PLAIN = new Variation(1, 1, INT_VALUE, DEFAULT_SIZE);
    }

    /** A point: differentiable inputs drawn in {@code diff} style, constant ones in {@code constants}. */
    Point draw(Map<String, int[]> shapes, InputStyle diff, InputStyle constants, Random rng) {
        return draw(shapes, diff, constants, rng, Variation.PLAIN);
    }

    /** As {@link #draw(Map, InputStyle, InputStyle, Random)}, varied by {@code vary}. */
    Point draw(Map<String, int[]> shapes, InputStyle diff, InputStyle constants, Random rng, Variation vary) {
        List<Object> args = new ArrayList<>();
        for (Param p : method.params()) {
            InputStyle style = p.differentiable() ? diff : constants;
            double scale = style.scalable() ? (p.differentiable() ? vary.scale() : vary.constantScale()) : 1;
            List<String> declared = spec.shapes().get(p.name());
            int[] shape = declared != null ? declared.stream().mapToInt(this::size).toArray()
                    : resolve(shapes.get(p.name()), vary.intValue());
            if (shape == null && p.type() instanceof Type.ArrayOf) {
                shape = new int[] {vary.arrayLength()};
            }
            if (shape == null && Type.rowOf(p.type()) != null) {
                shape = new int[] {vary.arrayLength(), vary.arrayLength()};
            }
            args.add(scaled(value(p.type(), shape, style, rng, p.name(), vary.intValue()), scale));
        }
        Map<List<String>, Object> fieldValues = new LinkedHashMap<>();
        for (Expr.FieldRead f : fields) {
            int[] shape = resolve(shapes.get(key(f.path())), vary.intValue());
            if (lists.containsKey(f.path())) {
                fieldValues.put(f.path(), lists.get(f.path()));
                continue;
            }
            if (layers.containsKey(f.path()) || layerParameters.containsKey(f.path())) {
                Object layer = layers.get(f.path());
                fieldValues.put(f.path(), layer != null ? layer : layerParameters.get(f.path()));
                continue;
            }
            fieldValues.put(f.path(), shape != null ? tensor(shape, diff, rng)
                    : value(f.type(), null, InputStyle.POSITIVE, rng, Inputs.key(f.path()), INT_VALUE));
        }
        return new Point(args, fieldValues);
    }

    private static Object scaled(Object v, double scale) {
        if (scale == 1) {
            return v;
        }
        return switch (v) {
            case Double d -> d * scale;
            case double[] a -> {
                for (int i = 0; i < a.length; i++) {
                    a[i] *= scale;
                }
                yield a;
            }
            case Tensor t -> t.times(scale);
            case null, default -> v;
        };
    }

    private Object value(Type t, int[] shape, InputStyle style, Random rng, String name, int intValue) {
        return switch (t) {
            case Type.TensorType tt -> tensor(shape, style, rng);
            case Type.ArrayOf a when a.element().isFloatingScalar() -> {
                double[] v = new double[shape != null && shape.length > 0 ? shape[0] : DEFAULT_SIZE];
                for (int i = 0; i < v.length; i++) {
                    v[i] = style.draw(rng);
                }
                yield v;
            }
            case Type.ArrayOf a when a.element() == Type.Prim.LONG -> new long[] {0, 1};
            case Type.ArrayOf a when a.element() == Type.Prim.BOOLEAN -> new boolean[] {true, false};
            case Type.ArrayOf a -> new int[] {0, 1};
            case Type.Prim p when p.isFloatingScalar() -> style.draw(rng);
            case Type.Prim p when p == Type.Prim.LONG -> (long) intValue;
            case Type.Prim p when p == Type.Prim.BOOLEAN -> intValue % 2 == 0;
            case Type.Prim p when p.isNumeric() -> intValue;
            case Type.Declared d when Type.rowOf(d) != null -> {
                // @NoGrad 2-D data: rows of one length, each drawn as a 1-D array of the element type is
                int rows = shape != null && shape.length > 0 ? shape[0] : DEFAULT_SIZE;
                int cols = shape != null && shape.length > 1 ? shape[1] : DEFAULT_SIZE;
                Object out = java.lang.reflect.Array.newInstance(
                        value(Type.rowOf(d), new int[] {cols}, style, rng, name, intValue).getClass(), rows);
                for (int i = 0; i < rows; i++) {
                    Object row = value(Type.rowOf(d), new int[] {cols}, style, rng, name, intValue);
                    if (row instanceof int[] ints) {
                        int[] sized = new int[cols];
                        for (int j = 0; j < cols; j++) {
                            sized[j] = ints[j % ints.length];
                        }
                        row = sized;
                    }
                    ((Object[]) out)[i] = row;
                }
                yield out;
            }
            case Type.Declared d -> firstEnumConstant(d, name);
            default -> throw new EvalException("cannot choose a value for `" + name + "` of type " + t.javaName());
        };
    }

    private static Tensor tensor(int[] shape, InputStyle style, Random rng) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] data = new double[n];
        for (int i = 0; i < n; i++) {
            data[i] = style.draw(rng);
        }
        return Tensor.fromArray(data, shape);
    }

    private static Object firstEnumConstant(Type.Declared d, String name) {
        try {
            Object[] constants = Class.forName(d.qualifiedName(), true, Inputs.class.getClassLoader())
                    .getEnumConstants();
            if (constants != null && constants.length > 0) {
                return constants[0];
            }
        } catch (ClassNotFoundException | LinkageError e) {
            // not a runtime type: below
        }
        if (name.startsWith("this.")) {
            return null; // a layer object: only its Parameter fields are read
        }
        throw new EvalException("cannot choose a value for `" + name + "` of type " + d.qualifiedName());
    }

    int size(String dim) {
        try {
            return Integer.parseInt(dim);
        } catch (NumberFormatException e) {
            return symbols.computeIfAbsent(dim, k -> DEFAULT_SIZE + symbols.size());
        }
    }
}
