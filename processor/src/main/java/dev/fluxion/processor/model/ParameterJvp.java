package dev.fluxion.processor.model;

import java.util.List;

/**
 * The forward mode of a {@code Module} method with respect to its Parameters,
 * {@code fParametersJvp(model, args, w_dot, ...)}: the forward mode of the method's parameter form
 * (its Parameters as inputs, its own arguments held fixed), with the model's Parameters read at
 * {@code paths} into the parameter form's first parameters.
 *
 * @param tangent the parameter form's forward mode; its tangents are one direction per Parameter
 * @param paths each Parameter's path of fields from the model, in the order the parameter form takes them
 */
public record ParameterJvp(TangentMethod tangent, List<List<String>> paths) {
    public ParameterJvp {
        paths = paths.stream().map(List::copyOf).toList();
    }
}
