package dev.fluxion.processor.verify;

import java.util.List;

/** Names the differentiable inputs of a check and their elements. */
final class Coordinate {
    private Coordinate() {}

    /**
     * A differentiable input: argument {@code index}, or the model field {@code field} (then
     * {@code index} is unused).
     */
    record Input(String name, int index, List<String> field) {}
}
