/**
 * Optimizers that update {@code Parameter}s in place from their accumulated gradients, with the
 * update rules of {@code torch.optim}: {@link dev.fluxion.optim.SGD},
 * {@link dev.fluxion.optim.Adam} and {@link dev.fluxion.optim.AdamW}.
 */
@NullMarked
package dev.fluxion.optim;

import org.jspecify.annotations.NullMarked;
