/**
 * Fluxion's runtime: {@link dev.fluxion.Tensor}, the functional API {@link dev.fluxion.F}, the
 * derivative rules that generated code calls ({@link dev.fluxion.Derivatives}), and
 * {@link dev.fluxion.Parameter}, the leaf tensors that models train.
 */
@NullMarked
package dev.fluxion;

import org.jspecify.annotations.NullMarked;
