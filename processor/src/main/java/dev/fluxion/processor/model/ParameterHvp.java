package dev.fluxion.processor.model;

import dev.fluxion.processor.ir.Param;
import java.util.List;

/**
 * The Hessian-vector product of a {@code Module} method with respect to its Parameters,
 * {@code fHvp(model, args, w_dot, ...)}: a call of the gradient of {@code directional}, the
 * directional derivative of the method's parameter form (its Parameters as inputs), with the
 * model's Parameters read at {@code paths}.
 *
 * @param directional the name of the directional-derivative method ({@code lossParametersDirectional})
 * @param paths each Parameter's path of fields from the model, in the order the method takes them
 * @param tangents one direction per Parameter ({@code w_dot}, {@code fc1_weight_dot}), in the same order
 */
public record ParameterHvp(String directional, List<List<String>> paths, List<Param> tangents) {
    public ParameterHvp {
        paths = paths.stream().map(List::copyOf).toList();
        tangents = List.copyOf(tangents);
    }
}
