package dev.fluxion.data;

import dev.fluxion.FluxionException;
import dev.fluxion.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A dataset of tensors that share their first dimension: sample {@code i} is
 * {@code [t₀[i], t₁[i], ...]}, as {@code torch.utils.data.TensorDataset}. Batches are gathered with
 * one {@link Tensor#index(int, int[])} per tensor.
 *
 * <pre>{@code
 * var data = new TensorDataset(x, y);   // x [N, 2], y [N]
 * }</pre>
 */
public final class TensorDataset implements Dataset {
    private final List<Tensor> tensors;
    private final int size;

    /**
     * @param tensors at least one tensor of rank ≥ 1, all of the same size along dimension 0
     * @throws FluxionException if there are none, one is a scalar, or the first sizes differ
     */
    public TensorDataset(Tensor... tensors) {
        if (tensors.length == 0) {
            throw new FluxionException("TensorDataset: needs at least one tensor");
        }
        for (Tensor t : tensors) {
            if (t.dim() == 0) {
                throw new FluxionException("TensorDataset: a 0-dim tensor has no samples");
            }
            if (t.size(0) != tensors[0].size(0)) {
                throw new FluxionException("TensorDataset: size mismatch between tensors: shapes "
                        + Arrays.toString(tensors[0].shape()) + " and " + Arrays.toString(t.shape()));
            }
        }
        this.tensors = List.of(tensors);
        this.size = tensors[0].size(0);
    }

    /** The tensors this dataset indexes. */
    public List<Tensor> tensors() {
        return tensors;
    }

    @Override
    public int size() {
        return size;
    }

    /** {@code [t₀[index], t₁[index], ...]}, views into the tensors. */
    @Override
    public List<Tensor> get(int index) {
        Dataset.checkIndex("TensorDataset.get", index, size);
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : tensors) {
            out.add(t.get(index));
        }
        return out;
    }

    /** Each tensor's rows {@code indices}, gathered along dimension 0. */
    @Override
    public List<Tensor> getBatch(int[] indices) {
        for (int i : indices) {
            Dataset.checkIndex("TensorDataset.getBatch", i, size);
        }
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : tensors) {
            out.add(t.index(0, indices));
        }
        return out;
    }
}
