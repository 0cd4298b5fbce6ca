package dev.fluxion.data;

import dev.fluxion.Tensor;
import java.util.List;

/**
 * The samples of another dataset at the given indices, in that order, as
 * {@code torch.utils.data.Subset}. Sample {@code i} of the subset is sample {@code indices[i]} of the
 * underlying dataset.
 */
public final class Subset implements Dataset {
    private final Dataset dataset;
    private final int[] indices;

    /**
     * @param dataset the underlying dataset
     * @param indices indices into it, each in range (repeats allowed)
     * @throws dev.fluxion.FluxionException if an index is out of range
     */
    public Subset(Dataset dataset, int[] indices) {
        for (int i : indices) {
            Dataset.checkIndex("Subset", i, dataset.size());
        }
        this.dataset = dataset;
        this.indices = indices.clone();
    }

    /** The underlying dataset. */
    public Dataset dataset() {
        return dataset;
    }

    /** The indices into the underlying dataset (a copy). */
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public List<Tensor> get(int index) {
        Dataset.checkIndex("Subset.get", index, indices.length);
        return dataset.get(indices[index]);
    }

    @Override
    public List<Tensor> getBatch(int[] batch) {
        int[] mapped = new int[batch.length];
        for (int k = 0; k < batch.length; k++) {
            Dataset.checkIndex("Subset.getBatch", batch[k], indices.length);
            mapped[k] = indices[batch[k]];
        }
        return dataset.getBatch(mapped);
    }
}
