package dev.fluxion.processor.model;

import dev.fluxion.annotation.Shape;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;

/**
 * What the verifier knows about a method's inputs before evaluating it: the declared
 * {@code @Shape} of each parameter that has one, as dimension names or sizes, and how the class's
 * fields of runtime layers are built.
 *
 * @param shapes parameter name to its dimensions ({@code ["n", "2"]}; empty for a 0-dim tensor)
 * @param sample the arguments of {@code @Differentiable(verifyWith = ...)}, one per parameter
 *     ({@link SampleArgument}); empty where there is none
 * @param layers the owner's fields of runtime layers
 */
public record InputSpec(Map<String, List<String>> shapes, List<SampleArgument> sample,
                        LayerSource.Fields layers) {
    /** No declared shapes: every tensor's shape is inferred. */
    public static final InputSpec NONE = new InputSpec(Map.of());

    public InputSpec {
        shapes = Map.copyOf(shapes);
        sample = List.copyOf(sample);
    }

    /** Declared shapes only: no sample, no layer fields. */
    public InputSpec(Map<String, List<String>> shapes) {
        this(shapes, List.of(), LayerSource.Fields.NONE);
    }

    /**
     * These shapes with a sample: one argument per parameter ({@link SampleArgument})
     * ({@code @Differentiable(verifyWith = ...)}; empty: none).
     */
    public InputSpec withSample(List<SampleArgument> values) {
        return new InputSpec(shapes, values, layers);
    }

    /** This spec with the owner's layer fields {@code layers}. */
    public InputSpec withLayers(LayerSource.Fields layers) {
        return new InputSpec(shapes, sample, layers);
    }

    /** The {@code @Shape} annotations on {@code method}'s parameters. */
    public static InputSpec of(ExecutableElement method) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (VariableElement p : method.getParameters()) {
            Shape s = p.getAnnotation(Shape.class);
            if (s != null) {
                out.put(p.getSimpleName().toString(), parse(s.value()));
            }
        }
        return new InputSpec(out);
    }

    /** {@code "n, 2"} → {@code [n, 2]}; {@code ""} → {@code []}. */
    public static List<String> parse(String shape) {
        String s = shape.trim();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1).trim();
        }
        return s.isEmpty() ? List.of() : Arrays.stream(s.split(",")).map(String::trim).toList();
    }
}
