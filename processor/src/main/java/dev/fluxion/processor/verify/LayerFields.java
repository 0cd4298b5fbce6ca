package dev.fluxion.processor.verify;

import dev.fluxion.DType;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.nn.Module;
import dev.fluxion.processor.model.InputSpec;
import dev.fluxion.processor.model.LayerSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The runtime layers a method calls through fields of its class, built at compile time as the
 * source builds them ({@link LayerSource}), then converted to float64 and put in evaluation mode
 * (dropout passes its input through, batch norm uses its running statistics: the forward pass is a
 * function of the point, as finite differences need). In a {@link Point} a layer field holds a
 * {@link Template}, and each of the layer's parameters is a field of its own under the layer's
 * path ({@code conv1.weight}), so that the verifier perturbs it and compares the gradient the
 * layer's pullback accumulates into it.
 */
final class LayerFields {
    /** The seed of the {@code Random} a layer is built with. */
    private static final long SEED = 1;

    private LayerFields() {}

    /**
     * A layer field's value in a point: how to build the layer, and its parameters' initial values
     * (PyTorch's initialisation, which gives activations of a realistic size).
     */
    record Template(LayerSource source, Map<String, Tensor> initial, Map<String, Object> binding) {
        /** A live layer whose parameters hold the values {@code param} gives by name (tensors are copied in). */
        Object build(Function<String, Object> param) {
            Object layer = instantiate(source, binding);
            if (layer instanceof Module m) {
                m.namedParameters().forEach((name, p) -> {
                    if (param.apply(name) instanceof Tensor value) {
                        p.copyInPlace(value);
                    }
                });
            }
            return layer;
        }

        /** The parameters of {@code layer} (built by {@link #build}), by name. */
        static Map<String, Parameter> parameters(Object layer) {
            return layer instanceof Module m ? m.namedParameters() : Map.of();
        }
    }

    /**
     * A field's value in a {@link Point} where it holds a list, array or {@code ModuleList} of
     * modules: element {@code k} is the value at {@code path} and {@code k} (a runtime layer's
     * {@link Template}, or the fields of one of the user's own modules under that path).
     *
     * @param path the list field's path
     * @param modules for each element, whether it is one of the user's own modules (else a runtime layer)
     * @param classes for each element, its class
     */
    record ListOf(List<String> path, List<Boolean> modules, List<String> classes) {
        ListOf {
            path = List.copyOf(path);
            modules = List.copyOf(modules);
            classes = List.copyOf(classes);
        }

        int size() {
            return modules.size();
        }

        /** The path of element {@code k}. */
        List<String> element(int k) {
            List<String> out = new ArrayList<>(path);
            out.add(Integer.toString(k));
            return List.copyOf(out);
        }
    }

    /** The most combinations of constructor values tried. */
    private static final int MAX_BINDINGS = 24;

    /**
     * The values tried for the constructor parameters the verified class builds its layers from
     * ({@code norm = new LayerNorm(width)}), each combination a binding by name, in order: for an
     * {@code int} or {@code long}, the sizes the method's {@code @Shape}s declare, then 3, 4, 2, 5,
     * 1; for a {@code double}, 1e-5 and 0.5; for a {@code boolean}, true and false. One empty
     * binding where the layers use none.
     */
    static List<Map<String, Object>> constructorValues(InputSpec spec) {
        List<LayerSource.Parameter> params = new ArrayList<>(spec.layers().parameters());
        if (params.isEmpty()) {
            return List.of(Map.of());
        }
        java.util.Set<Integer> sizes = new java.util.LinkedHashSet<>();
        spec.shapes().values().forEach(dims -> dims.forEach(d -> {
            if (d.matches("\\d+")) {
                sizes.add(Integer.parseInt(d));
            }
        }));
        sizes.addAll(List.of(3, 4, 2, 5, 1));
        List<List<Object>> choices = new ArrayList<>();
        for (LayerSource.Parameter p : params) {
            choices.add(switch (p.type()) {
                case "int" -> sizes.stream().limit(5).map(i -> (Object) i).toList();
                case "long" -> sizes.stream().limit(5).map(i -> (Object) (long) i).toList();
                case "boolean" -> List.of(true, false);
                default -> List.of(1e-5, 0.5);
            });
        }
        List<Map<String, Object>> out = new ArrayList<>();
        int[] odometer = new int[params.size()];
        while (out.size() < MAX_BINDINGS) {
            Map<String, Object> b = new LinkedHashMap<>();
            for (int i = 0; i < params.size(); i++) {
                b.put(params.get(i).name(), choices.get(i).get(odometer[i]));
            }
            out.add(b);
            int i = 0;
            while (i < odometer.length && ++odometer[i] == choices.get(i).size()) {
                odometer[i++] = 0;
            }
            if (i == odometer.length) {
                break;
            }
        }
        return out;
    }

    /** {@code width = 3, 4, 2}: the values {@code bindings} gave each parameter, for a note. */
    static String describe(List<Map<String, Object>> bindings) {
        Map<String, java.util.Set<Object>> values = new LinkedHashMap<>();
        bindings.forEach(b -> b.forEach((k, v) -> values.computeIfAbsent(k, x -> new java.util.LinkedHashSet<>()).add(v)));
        List<String> parts = new ArrayList<>();
        values.forEach((k, v) -> parts.add(k + " = " + String.join(", ", v.stream().map(String::valueOf).toList())));
        return String.join("; ", parts);
    }

    /**
     * The binding of a module class's constructor parameters where the module is built in place as
     * {@code element} says ({@code new Block(3, 4)}), its arguments read in {@code outer} (the
     * binding of the class that builds it); parameters whose argument is not known are left out.
     */
    static Map<String, Object> bind(LayerSource.ModuleElement element, LayerSource.Fields ofClass,
                                    Map<String, Object> outer) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (LayerSource.Parameter p : ofClass.parameters()) {
            if (element.args().size() != p.arity()) {
                continue;
            }
            Object v = switch (element.args().get(p.index())) {
                case LayerSource.Constant c -> c.value();
                case LayerSource.Parameter q -> outer.get(q.name());
                default -> null;
            };
            if (v != null) {
                out.put(p.name(), coerce(v, p.type()));
            }
        }
        return out;
    }

    private static Object coerce(Object v, String type) {
        if (!(v instanceof Number n)) {
            return v;
        }
        return switch (type) {
            case "int" -> n.intValue();
            case "long" -> n.longValue();
            case "double", "float" -> n.doubleValue();
            default -> v;
        };
    }

    /** The template of a layer built as {@code source} says. */
    static Template template(LayerSource source) {
        return template(source, Map.of());
    }

    /** The template of a layer built as {@code source} says, its constructor parameters bound by {@code binding}. */
    static Template template(LayerSource source, Map<String, Object> binding) {
        Object layer = instantiate(source, binding);
        Map<String, Tensor> initial = new LinkedHashMap<>();
        Template.parameters(layer).forEach((name, p) -> initial.put(name, p.data()));
        return new Template(source, initial, Map.copyOf(binding));
    }

    /** The path of parameter {@code name} of the layer at {@code layer}. */
    static List<String> parameterPath(List<String> layer, String name) {
        List<String> out = new ArrayList<>(layer);
        out.addAll(List.of(name.split("\\.")));
        return List.copyOf(out);
    }

    private static Object instantiate(LayerSource source, Map<String, Object> binding) {
        List<Object> args = new ArrayList<>();
        for (LayerSource.Arg a : source.args()) {
            args.add(switch (a) {
                case LayerSource.Constant c -> c.value() instanceof int[] v ? v.clone() : c.value();
                case LayerSource.EnumConstant e -> enumConstant(e);
                case LayerSource.Randomness r -> new Random(SEED);
                case LayerSource.Nested n -> instantiate(n.layer(), binding);
                case LayerSource.Parameter p -> {
                    if (!binding.containsKey(p.name())) {
                        throw new EvalException("it builds a " + source.className().substring(source.className()
                                .lastIndexOf('.') + 1) + " from the constructor parameter `" + p.name()
                                + "`, whose value is not known where the module is built");
                    }
                    yield binding.get(p.name());
                }
            });
        }
        Object layer = OpCalls.construct(source.className(), args);
        if (layer instanceof Module m) {
            m.to(DType.FLOAT64);
            m.eval();
        }
        return layer;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(LayerSource.EnumConstant e) {
        try {
            return Enum.valueOf((Class) Class.forName(e.enumClass(), true, LayerFields.class.getClassLoader()), e.name());
        } catch (ClassNotFoundException | IllegalArgumentException ex) {
            throw new EvalException("cannot read " + e.enumClass() + "." + e.name() + " at compile time");
        }
    }
}
