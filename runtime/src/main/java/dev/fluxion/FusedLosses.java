package dev.fluxion;

import java.util.Arrays;

import dev.fluxion.kernel.BceKernels;
import dev.fluxion.kernel.SoftmaxRows;
import org.jspecify.annotations.Nullable;

/**
 * The losses of {@link Losses} and their gradient rules as one-pass kernels, for the layouts every
 * training step has: contiguous operands of one float dtype, class-index targets, and a 0-dim
 * cotangent (MEAN/SUM) or a contiguous one (NONE). Each method returns null when its case does not
 * apply, and the caller runs the composed ops instead; both give the same values up to rounding.
 */
final class FusedLosses {
    private FusedLosses() {}

    /** {@code mean/sum/none of lse(x_n) − x_{n,t_n}}: log-softmax and NLL in one pass per row. */
    static @Nullable Tensor crossEntropy(Tensor logits, Tensor target, Reduction r) {
        if (onDevice(logits, target)) {
            if (Losses.isProbabilities(logits, target) || r == Reduction.NONE || logits.dim() != 2) {
                return null; // composed from log-softmax, gather and elementwise ops, which run on the device
            }
            Device device = Devices.common("crossEntropy", logits, target);
            return Tensor.checked("crossEntropy", Devices.backend("crossEntropy", device).crossEntropy(logits, target, r));
        }
        if (!logits.dtype.isFloatingPoint() || !logits.isContiguous() || Losses.isProbabilities(logits, target)) {
            return null;
        }
        int[] t = classIndices("crossEntropy", logits, target);
        int rows = t.length, n = logits.shape[logits.shape.length - 1];
        double[] perRow = new double[rows];
        double total = logits.f != null
                ? SoftmaxRows.crossEntropy(logits.f, logits.offset, rows, n, t, perRow)
                : SoftmaxRows.crossEntropy(logits.d, logits.offset, rows, n, t, perRow);
        return reduced("crossEntropy", logits.dtype, perRow, total, rowShape(logits), r);
    }

    /** {@code (softmax(x_n) − onehot(t_n)) · s_n}, s_n = g/N (MEAN), g (SUM) or g_n (NONE). */
    static @Nullable Tensor crossEntropyGrad(Tensor g, Tensor logits, Tensor target, Reduction r) {
        if (onDevice(g, logits) || target.buffer != null) {
            if (Losses.isProbabilities(logits, target) || r == Reduction.NONE || logits.dim() != 2) {
                return null; // composed: softmax minus the one-hot (a scatter), on the device
            }
            Device device = Devices.common("crossEntropyGrad", g, logits, target);
            return Tensor.checked("crossEntropyGrad",
                    Devices.backend("crossEntropyGrad", device).crossEntropyGrad(g, logits, target, r));
        }
        if (!logits.dtype.isFloatingPoint() || !logits.isContiguous() || Losses.isProbabilities(logits, target)
                || !scaleApplies(g, logits.dtype, rowShape(logits), r)) {
            return null;
        }
        int[] t = classIndices("crossEntropyGrad", logits, target);
        int rows = t.length, n = logits.shape[logits.shape.length - 1];
        double scale = scale(g, rows, r);
        int wStep = r == Reduction.NONE && g.dim() == 1 ? g.strides[0] : 0;
        Tensor out = Tensor.empty(logits.dtype, logits.shape.clone());
        if (out.f != null) {
            SoftmaxRows.crossEntropyGrad(logits.f, logits.offset, rows, n, t, scale,
                    r == Reduction.NONE ? g.f : null, g.offset, wStep, out.f);
        } else {
            SoftmaxRows.crossEntropyGrad(logits.d, logits.offset, rows, n, t, scale,
                    r == Reduction.NONE ? g.d : null, g.offset, wStep, out.d);
        }
        return Tensor.checked("crossEntropyGrad", out);
    }

    /** {@code mean/sum/none of −logProbs[n, t_n]}. */
    static @Nullable Tensor nll(String name, Tensor logProbs, Tensor target, Reduction r) {
        if (onDevice(logProbs, target)) {
            return null; // the composed rule: a gather (forward) or a scatter (gradient), on the device
        }
        if (!logProbs.dtype.isFloatingPoint() || !logProbs.isContiguous()) {
            return null;
        }
        int[] t = classIndices(name, logProbs, target);
        int rows = t.length, n = logProbs.shape[logProbs.shape.length - 1];
        double[] perRow = new double[rows];
        double total = 0;
        for (int i = 0; i < rows; i++) {
            int at = logProbs.offset + i * n + t[i];
            perRow[i] = -(logProbs.f != null ? logProbs.f[at] : logProbs.d[at]);
            total += perRow[i];
        }
        return reduced(name, logProbs.dtype, perRow, total, rowShape(logProbs), r);
    }

    /** {@code −s_n} at {@code [n, t_n]}, 0 elsewhere. */
    static @Nullable Tensor nllGrad(Tensor g, Tensor logProbs, Tensor target, Reduction r) {
        if (onDevice(logProbs, target)) {
            return null; // the composed rule: a gather (forward) or a scatter (gradient), on the device
        }
        if (!logProbs.dtype.isFloatingPoint() || !scaleApplies(g, logProbs.dtype, rowShape(logProbs), r)) {
            return null;
        }
        int[] t = classIndices("nllLossGrad", logProbs, target);
        int rows = t.length, n = logProbs.shape[logProbs.shape.length - 1];
        double scale = scale(g, rows, r);
        int wStep = r == Reduction.NONE && g.dim() == 1 ? g.strides[0] : 0;
        Tensor out = Tensor.empty(logProbs.dtype, logProbs.shape.clone());
        for (int i = 0; i < rows; i++) {
            double s = r == Reduction.NONE ? scale * (g.f != null ? g.f[g.offset + i * wStep] : g.d[g.offset + i * wStep]) : scale;
            if (out.f != null) {
                out.f[i * n + t[i]] = -(float) s;
            } else {
                out.d[i * n + t[i]] = -s;
            }
        }
        return Tensor.checked("nllLossGrad", out);
    }

    /** BCE (or BCE with logits) forward in one pass; null unless p, y are same-shape contiguous, one float dtype. */
    static @Nullable Tensor bce(String name, Tensor p, Tensor y, Reduction r, boolean logits) {
        if (onDevice(p, y)) {
            return null; // composed from elementwise ops and reductions, which run on the device
        }
        if (!sameLayout(p, y)) {
            return null;
        }
        int n = p.numel();
        Tensor perElement = r == Reduction.NONE ? Tensor.empty(p.dtype, p.shape.clone()) : null;
        double total;
        if (p.f != null) {
            float[] o = perElement == null ? null : perElement.f;
            total = logits ? BceKernels.bceWithLogits(p.f, p.offset, y.f, y.offset, n, o)
                    : BceKernels.bce(p.f, p.offset, y.f, y.offset, n, o);
        } else {
            double[] o = perElement == null ? null : perElement.d;
            total = logits ? BceKernels.bceWithLogits(p.d, p.offset, y.d, y.offset, n, o)
                    : BceKernels.bce(p.d, p.offset, y.d, y.offset, n, o);
        }
        if (perElement != null) {
            return Tensor.checked(name, perElement);
        }
        return Tensor.checked(name, Factories.full(p.dtype, r == Reduction.MEAN ? total / n : total));
    }

    /** The BCE (or BCE-with-logits) gradient in one pass; null where {@link #bce} would not apply. */
    static @Nullable Tensor bceGrad(Tensor g, Tensor p, Tensor y, Reduction r, boolean logits) {
        return bceGrad(g, p, y, r, logits, null);
    }

    /** {@link #bceGrad(Tensor, Tensor, Tensor, Reduction, boolean)} into {@code into} (dense, p's dtype and shape) where not null. */
    static @Nullable Tensor bceGrad(Tensor g, Tensor p, Tensor y, Reduction r, boolean logits, @Nullable Tensor into) {
        if (onDevice(p, y)) {
            return null; // composed from elementwise ops and reductions, which run on the device
        }
        if (!sameLayout(p, y) || !scaleApplies(g, p.dtype, p.shape, r)
                || (r == Reduction.NONE && !g.isContiguous())) {
            return null;
        }
        int n = p.numel();
        double scale = scale(g, n, r);
        Tensor out = into != null ? into : Tensor.empty(p.dtype, p.shape.clone());
        if (p.f != null) {
            float[] w = r == Reduction.NONE ? g.f : null;
            if (logits) {
                BceKernels.bceWithLogitsGrad(p.f, p.offset, y.f, y.offset, n, scale, w, g.offset, out.f);
            } else {
                BceKernels.bceGrad(p.f, p.offset, y.f, y.offset, n, scale, w, g.offset, out.f);
            }
        } else {
            double[] w = r == Reduction.NONE ? g.d : null;
            if (logits) {
                BceKernels.bceWithLogitsGrad(p.d, p.offset, y.d, y.offset, n, scale, w, g.offset, out.d);
            } else {
                BceKernels.bceGrad(p.d, p.offset, y.d, y.offset, n, scale, w, g.offset, out.d);
            }
        }
        return Tensor.checked(logits ? "bceWithLogitsGrad" : "bceGrad", out);
    }

    /**
     * The target's class indices, validated as {@link Losses#classIndex} does (same messages), read
     * straight from storage: shape [N] for [N, C] input, [] for [C].
     */
    /** Whether either operand is a device tensor: the one-pass CPU kernels do not apply. */
    private static boolean onDevice(Tensor a, Tensor b) {
        return a.buffer != null || b.buffer != null;
    }

    static int[] classIndices(String name, Tensor input, Tensor target) {
        checkClassInput(name, input);
        int[] expected = rowShape(input);
        if (!Arrays.equals(target.shape, expected)) {
            Losses.classIndex(name, input, target); // throws the shape message
        }
        int rows = expected.length == 0 ? 1 : expected[0];
        int step = expected.length == 0 ? 0 : target.strides[0];
        int classes = input.shape[input.shape.length - 1];
        int[] t = new int[rows];
        for (int i = 0; i < rows; i++) {
            int at = target.offset + i * step;
            double v = target.f != null ? target.f[at] : target.d[at];
            if (v != Math.rint(v) || v < 0 || v >= classes) {
                throw new FluxionException(name + ": target value " + v + " is not a class index in [0, " + classes + ")");
            }
            t[i] = (int) v;
        }
        return t;
    }

    private static void checkClassInput(String name, Tensor input) {
        if (input.shape.length != 1 && input.shape.length != 2) {
            throw new FluxionException(name + ": expects input of shape [N, C] or [C], got " + Shapes.str(input.shape));
        }
    }

    /** The shape of the per-sample losses: [N] for [N, C] input, [] for [C]. */
    private static int[] rowShape(Tensor input) {
        return input.shape.length == 2 ? new int[] {input.shape[0]} : new int[0];
    }

    private static Tensor reduced(String name, DType dtype, double[] perRow, double total, int[] shape, Reduction r) {
        return Tensor.checked(name, switch (r) {
            case MEAN -> Factories.full(dtype, total / perRow.length);
            case SUM -> Factories.full(dtype, total);
            case NONE -> dtype == DType.FLOAT32 ? Factories.fromArray(toFloats(perRow), shape)
                    : Factories.fromArray(perRow, dtype, shape);
        });
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return f;
    }

    private static boolean sameLayout(Tensor p, Tensor y) {
        return p.dtype.isFloatingPoint() && p.dtype == y.dtype && Arrays.equals(p.shape, y.shape)
                && p.isContiguous() && y.isContiguous();
    }

    /** Whether g is a cotangent the kernels take: 0-dim for MEAN/SUM, the per-sample shape for NONE, same dtype. */
    private static boolean scaleApplies(Tensor g, DType dtype, int[] perSample, Reduction r) {
        return g.dtype == dtype && (r == Reduction.NONE ? Arrays.equals(g.shape, perSample) : g.dim() == 0);
    }

    /** The common factor of the gradient: g/max(1, count) for MEAN, g for SUM, 1 for NONE (g is per element). */
    private static double scale(Tensor g, int count, Reduction r) {
        return switch (r) {
            case MEAN -> g.item() / Math.max(1, count);
            case SUM -> g.item();
            case NONE -> 1;
        };
    }
}
