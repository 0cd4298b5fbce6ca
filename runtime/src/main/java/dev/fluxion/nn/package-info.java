/**
 * Models with parameters: {@link dev.fluxion.nn.Module}, the base class whose {@code Parameter}
 * fields are found by reflection, and ready-made layers such as {@link dev.fluxion.nn.Linear}.
 *
 * <p>Modules are plain objects. The annotation processor reads their {@code @Differentiable}
 * methods at compile time and generates the backward pass; the runtime never records a graph.
 */
@NullMarked
package dev.fluxion.nn;

import org.jspecify.annotations.NullMarked;
