package dev.fluxion.nn;

import dev.fluxion.DType;
import dev.fluxion.F;
import dev.fluxion.FluxionException;
import dev.fluxion.Parameter;
import dev.fluxion.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Batch normalisation over {@code [N, C]} or {@code [N, C, L]} input, as
 * {@code torch.nn.BatchNorm1d(C)}. In training mode it normalises each channel with the batch's
 * mean and (biased) variance and updates the running statistics,
 * {@code running = (1 − momentum)·running + momentum·batch} with the unbiased variance; in
 * evaluation mode ({@link Module#eval()}) it normalises with the running statistics. Then
 * {@code ·weight + bias} per channel ({@link #weight} starts as ones, {@link #bias} as zeros).
 *
 * <p>Buffers, saved in the state dict as PyTorch names them: {@code running_mean} (zeros),
 * {@code running_var} (ones) and {@code num_batches_tracked} (int64, the number of training
 * batches seen). Forward is the known op {@link F#batchNorm}; derivatives in
 * {@link dev.fluxion.NnDerivatives}.
 */
public final class BatchNorm1d extends Module implements Layer {
    /** The per-channel scale {@code [C]}, initially ones; null without affine. */
    public final @Nullable Parameter weight;

    /** The per-channel shift {@code [C]}, initially zeros; null without affine. */
    public final @Nullable Parameter bias;

    private final Tensor runningMean;
    private final Tensor runningVar;
    private long batchesTracked;
    private final double eps;
    private final double momentum;

    /**
     * A float32 layer with ε = 1e-5, momentum 0.1 and a learned scale and shift.
     *
     * @param channels the number of channels C
     */
    public BatchNorm1d(int channels) {
        this(channels, 1e-5, 0.1, true, DType.FLOAT32);
    }

    /**
     * @param channels the number of channels C, ≥ 1
     * @param eps ε, added to the variance
     * @param momentum weight of each new batch in the running statistics, in {@code [0, 1]}
     * @param affine whether to learn a per-channel scale and shift
     * @param dtype {@code FLOAT32} or {@code FLOAT64}
     */
    public BatchNorm1d(int channels, double eps, double momentum, boolean affine, DType dtype) {
        if (channels < 1 || !(momentum >= 0 && momentum <= 1)) {
            throw new FluxionException("BatchNorm1d: invalid channels=" + channels + " or momentum=" + momentum);
        }
        Init.checkFloating("BatchNorm1d", dtype);
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? param(Tensor.ones(dtype, channels)) : null;
        this.bias = affine ? param(Tensor.zeros(dtype, channels)) : null;
        this.runningMean = Tensor.zeros(dtype, channels);
        this.runningVar = Tensor.ones(dtype, channels);
    }

    /** The running mean {@code [C]} (live: changes with each training batch). */
    public Tensor runningMean() {
        return runningMean;
    }

    /** The running (unbiased) variance {@code [C]} (live). */
    public Tensor runningVar() {
        return runningVar;
    }

    /** The number of training batches seen. */
    public long numBatchesTracked() {
        return batchesTracked;
    }

    /** ε. */
    public double eps() {
        return eps;
    }

    /** The momentum of the running statistics. */
    public double momentum() {
        return momentum;
    }

    /**
     * Normalises {@code x}: with batch statistics (recording them) in training mode, with the
     * running statistics in evaluation mode.
     *
     * @param x input {@code [N, C]} or {@code [N, C, L]}; in training, more than one value per channel
     * @return the same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        Tensor y = F.batchNorm(x, runningMean, runningVar, weight, bias, isTraining(), momentum, eps);
        if (isTraining()) {
            batchesTracked++;
        }
        return y;
    }

    /** {@code running_mean}, {@code running_var} and {@code num_batches_tracked}. */
    @Override
    protected Map<String, Tensor> buffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("running_mean", runningMean);
        out.put("running_var", runningVar);
        out.put("num_batches_tracked", Tensor.scalar(batchesTracked, DType.INT64));
        return out;
    }

    @Override
    protected void loadBuffer(String name, Tensor value) {
        if (name.equals("num_batches_tracked")) {
            batchesTracked = (long) value.item();
        } else {
            super.loadBuffer(name, value);
        }
    }

    /** {@code BatchNorm1d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)}. */
    @Override
    public String toString() {
        return "BatchNorm1d(" + runningMean.numel() + ", eps=" + eps + ", momentum=" + momentum + ", affine="
                + (weight != null ? "True" : "False") + ", track_running_stats=True)";
    }
}
