package dev.fluxion.data;

import dev.fluxion.F;
import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A finite, indexable collection of samples, the counterpart of a map-style
 * {@code torch.utils.data.Dataset}. A sample is a list of tensors (typically
 * {@code [input, target]}), each without a batch dimension.
 *
 * <p>Implement {@link #size()} and {@link #get(int)}; {@link DataLoader} draws mini-batches through
 * {@link #getBatch(int[])}, which stacks samples and which implementations backed by whole tensors
 * (see {@link TensorDataset}) override with one gather. Implementations used with a prefetching
 * loader are read from a background thread and must be safe to read concurrently with the caller
 * (immutable datasets are).
 */
public interface Dataset {
    /** The number of samples. */
    int size();

    /**
     * Sample {@code index}.
     *
     * @param index in {@code [0, size())}
     * @return the sample's tensors, the same number and shapes for every index
     * @throws FluxionException if the index is out of range
     */
    List<Tensor> get(int index);

    /**
     * The samples {@code indices} as a batch: tensor {@code k} of the result stacks tensor {@code k}
     * of each sample along a new leading dimension, in the order given.
     *
     * @param indices sample indices, each in range; at least one
     * @return one tensor per sample component, each of shape {@code [indices.length, ...]}
     */
    default List<Tensor> getBatch(int[] indices) {
        if (indices.length == 0) {
            throw new FluxionException("Dataset.getBatch: no indices");
        }
        List<List<Tensor>> samples = new ArrayList<>();
        for (int i : indices) {
            samples.add(get(i));
        }
        int width = samples.get(0).size();
        List<Tensor> out = new ArrayList<>();
        for (int k = 0; k < width; k++) {
            Tensor[] column = new Tensor[samples.size()];
            for (int s = 0; s < column.length; s++) {
                if (samples.get(s).size() != width) {
                    throw new FluxionException("Dataset.getBatch: sample " + indices[s] + " has " + samples.get(s).size()
                            + " tensors, sample " + indices[0] + " has " + width);
                }
                column[s] = samples.get(s).get(k);
            }
            out.add(F.stack(0, column));
        }
        return out;
    }

    /** Throws a {@link FluxionException} naming {@code what} unless {@code 0 <= index < size}. */
    static void checkIndex(String what, int index, int size) {
        if (index < 0 || index >= size) {
            throw new FluxionException(what + ": index " + index + " is out of range for a dataset of " + size + " samples");
        }
    }
}
