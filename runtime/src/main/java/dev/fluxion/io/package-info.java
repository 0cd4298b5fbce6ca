/**
 * Checkpoints: {@link dev.fluxion.io.SafeTensors} reads and writes tensors in the safetensors
 * format of the PyTorch ecosystem (data only, never code), and {@link dev.fluxion.io.Checkpoint}
 * saves and restores a model's state dict together with its optimizer's, so that training resumes
 * exactly.
 *
 * <pre>{@code
 * Checkpoint.save(Path.of("epoch3.safetensors"), model, adam);
 * Checkpoint.load(Path.of("epoch3.safetensors"), model, adam);
 * }</pre>
 */
@NullMarked
package dev.fluxion.io;

import org.jspecify.annotations.NullMarked;
