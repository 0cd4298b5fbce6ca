package dev.fluxion.processor.verify;

import dev.fluxion.DType;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import dev.fluxion.nn.Module;
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
    record Template(LayerSource source, Map<String, Tensor> initial) {
        /** A live layer whose parameters hold the values {@code param} gives by name (tensors are copied in). */
        Object build(Function<String, Object> param) {
            Object layer = instantiate(source);
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
     */
    record ListOf(List<String> path, List<Boolean> modules) {
        ListOf {
            path = List.copyOf(path);
            modules = List.copyOf(modules);
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

    /** The template of a layer built as {@code source} says. */
    static Template template(LayerSource source) {
        Object layer = instantiate(source);
        Map<String, Tensor> initial = new LinkedHashMap<>();
        Template.parameters(layer).forEach((name, p) -> initial.put(name, p.data()));
        return new Template(source, initial);
    }

    /** The path of parameter {@code name} of the layer at {@code layer}. */
    static List<String> parameterPath(List<String> layer, String name) {
        List<String> out = new ArrayList<>(layer);
        out.addAll(List.of(name.split("\\.")));
        return List.copyOf(out);
    }

    private static Object instantiate(LayerSource source) {
        List<Object> args = new ArrayList<>();
        for (LayerSource.Arg a : source.args()) {
            args.add(switch (a) {
                case LayerSource.Constant c -> c.value() instanceof int[] v ? v.clone() : c.value();
                case LayerSource.EnumConstant e -> enumConstant(e);
                case LayerSource.Randomness r -> new Random(SEED);
                case LayerSource.Nested n -> instantiate(n.layer());
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
