package dev.fluxion.data;

import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.util.List;

/**
 * One mini-batch from a {@link DataLoader}: the stacked sample tensors and which samples they are.
 *
 * @param tensors one tensor per sample component, each with the batch as dimension 0
 * @param indices the dataset indices of the batch's samples, in batch order
 */
public record Batch(List<Tensor> tensors, int[] indices) {
    /** Copies the list and the indices. */
    public Batch {
        tensors = List.copyOf(tensors);
        indices = indices.clone();
    }

    /** The dataset indices of the batch's samples, in batch order (a copy). */
    @Override
    public int[] indices() {
        return indices.clone();
    }

    /** The number of samples in the batch. */
    public int size() {
        return indices.length;
    }

    /**
     * Component {@code k} of the batch.
     *
     * @param k in {@code [0, tensors().size())}
     * @return the stacked tensor
     */
    public Tensor get(int k) {
        if (k < 0 || k >= tensors.size()) {
            throw new FluxionException("Batch.get: component " + k + " of a batch of " + tensors.size() + " tensors");
        }
        return tensors.get(k);
    }

    /** The first component, typically the input. */
    public Tensor x() {
        return get(0);
    }

    /** The second component, typically the target. */
    public Tensor y() {
        return get(1);
    }
}
