package dev.fluxion;

import java.util.Arrays;

import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.UnaryOp;
import org.jspecify.annotations.Nullable;

/**
 * The derivative rules in executable form: what generated backward code calls.
 *
 * <p>Convention: {@code g} is the cotangent of the op's result (∂L/∂out); then come the op's
 * inputs in order; then {@code out}, the op's result, where the rule needs it; then the op's
 * non-tensor arguments. Each method returns the cotangent of one input, already reduced to that
 * input's shape (summing over broadcast dims) and converted to its dtype.
 */
public final class Derivatives {
    private Derivatives() {}

    // ---------------------------------------------------------------- plumbing

    /** {@code g} summed over the dims along which {@code input} was broadcast, in input's dtype. */
    public static Tensor unbroadcast(Tensor g, Tensor input) {
        Tensor r = sumToShape(g, input.shape);
        return input.dtype.isFloatingPoint() && r.dtype != input.dtype ? r.to(input.dtype) : r;
    }

    /**
     * {@code g} summed down to {@code shape}: over its extra leading dims and over every dim where
     * {@code shape} has size 1 and g does not. The adjoint of broadcasting.
     */
    public static Tensor sumToShape(Tensor g, int[] shape) {
        if (Arrays.equals(g.shape, shape)) {
            return g;
        }
        if (!Shapes.broadcastsTo(shape, g.shape)) {
            throw new FluxionException("sumToShape: a gradient of shape " + Shapes.str(g.shape)
                    + " cannot be reduced to shape " + Shapes.str(shape));
        }
        int lead = g.shape.length - shape.length;
        int count = 0;
        int[] dims = new int[g.shape.length];
        for (int d = 0; d < g.shape.length; d++) {
            if (d < lead || (shape[d - lead] == 1 && g.shape[d] != 1)) {
                dims[count++] = d;
            }
        }
        Tensor r = count == 0 ? g : g.sum(Arrays.copyOf(dims, count), true);
        return r.reshape(shape);
    }

    /**
     * A copy of a primitive array, or null for null: the backward pass of a method that writes into
     * a local array restores its elements in a copy, so the pullback can run more than once.
     */
    public static @Nullable Object copyOfArray(@Nullable Object array) {
        return switch (array) {
            case null -> null;
            case double[] a -> a.clone();
            case float[] a -> a.clone();
            case int[] a -> a.clone();
            case long[] a -> a.clone();
            case boolean[] a -> a.clone();
            case short[] a -> a.clone();
            case byte[] a -> a.clone();
            case char[] a -> a.clone();
            default -> throw new IllegalArgumentException("not a primitive array: " + array.getClass());
        };
    }

    /** {@code acc + g}, or {@code g} when {@code acc} is null (the first contribution). */
    public static Tensor accumulate(@Nullable Tensor acc, Tensor g) {
        return acc == null ? g : acc.plus(g);
    }

    // ---------------------------------------------------------------- binary

    /** out = a + b: returns unbroadcast(g → a). */
    public static Tensor plusGradA(Tensor g, Tensor a, Tensor b) {
        return unbroadcast(g, a);
    }

    /** out = a + b: returns unbroadcast(g → b). */
    public static Tensor plusGradB(Tensor g, Tensor a, Tensor b) {
        return unbroadcast(g, b);
    }

    /** out = a − b: returns unbroadcast(g → a). */
    public static Tensor minusGradA(Tensor g, Tensor a, Tensor b) {
        return unbroadcast(g, a);
    }

    /** out = a − b: returns unbroadcast(−g → b). */
    public static Tensor minusGradB(Tensor g, Tensor a, Tensor b) {
        return unbroadcast(g.neg(), b);
    }

    /** out = a · b: returns unbroadcast(g · b → a). */
    public static Tensor timesGradA(Tensor g, Tensor a, Tensor b) {
        return unbroadcast(g.times(b), a);
    }

    /** out = a · b: returns unbroadcast(g · a → b). */
    public static Tensor timesGradB(Tensor g, Tensor a, Tensor b) {
        return unbroadcast(g.times(a), b);
    }

    /** out = a / b: returns unbroadcast(g / b → a). */
    public static Tensor divGradA(Tensor g, Tensor a, Tensor b) {
        return unbroadcast(cotangentDiv("divGradA", g, b), a);
    }

    /** out = a / b: returns unbroadcast(−g · a / b² → b). */
    public static Tensor divGradB(Tensor g, Tensor a, Tensor b) {
        return unbroadcast(cotangentDiv("divGradB", g.times(a).neg(), b.square()), b);
    }

    /** out = a^b: returns unbroadcast(g · b · a^(b−1) → a), 0 where b = 0 (as PyTorch). */
    public static Tensor powGradA(Tensor g, Tensor a, Tensor b) {
        Tensor local = b.times(a.pow(b.minus(1)));
        local = F.where(b.eq(0), Tensor.zerosLike(local), local);
        return unbroadcast(cotangentTimes("powGradA", g, local), a);
    }

    /** out = a^b: returns unbroadcast(g · out · ln a → b), 0 where a = 0 and b ≥ 0 (as PyTorch). */
    public static Tensor powGradB(Tensor g, Tensor a, Tensor b, Tensor out) {
        Tensor local = out.times(a.log());
        Tensor zeroBase = a.eq(0).times(b.ge(0)).ne(0); // logical and, as a BOOL mask
        local = F.where(zeroBase, Tensor.zerosLike(local), local);
        return unbroadcast(cotangentTimes("powGradB", g, local), b);
    }

    // ---------------------------------------------------------------- tensor–scalar

    /** out = x · c: returns g · c. */
    public static Tensor timesScalarGrad(Tensor g, double c) {
        return g.times(c);
    }

    /** out = x / c: returns g / c. */
    public static Tensor divScalarGrad(Tensor g, double c) {
        return g.div(c);
    }

    /** out = c / x: returns −g · c / x². */
    public static Tensor rdivGrad(Tensor g, Tensor x, double c) {
        return unbroadcast(cotangentDiv("rdivGrad", g.times(-c), x.square()), x);
    }

    /** out = x^p: returns g · p · x^(p−1) (0 for p = 0). */
    public static Tensor powScalarGrad(Tensor g, Tensor x, double p) {
        if (p == 0) {
            return Tensor.zerosLike(unbroadcast(g, x));
        }
        return unbroadcast(cotangentTimes("powScalarGrad", g, x.pow(p - 1).times(p)), x);
    }

    /** out = x + s (or s + x, s − x up to sign): the cotangent of the double s, {@code Σ_i g_i}. */
    public static double sumGrad(Tensor g) {
        return g.sum().item();
    }

    /** out = x · s: the cotangent of the double s, {@code Σ_i g_i · x_i}. */
    public static double dotGrad(Tensor g, Tensor x) {
        return g.times(x).sum().item();
    }

    /** out = x / s: the cotangent of the double s, {@code −Σ_i g_i · x_i / s²}. */
    public static double divScalarOperandGrad(Tensor g, Tensor x, double s) {
        return -g.times(x).sum().item() / (s * s);
    }

    /** out = s / x (rdiv): the cotangent of the double s, {@code Σ_i g_i / x_i}. */
    public static double rdivScalarOperandGrad(Tensor g, Tensor x) {
        return g.div(x).sum().item();
    }

    /** out = x^s: the cotangent of the double exponent s, {@code Σ_i g_i · out_i · ln x_i} (0 terms where out = 0). */
    public static double powExponentGrad(Tensor g, Tensor x, Tensor out) {
        Tensor local = out.times(x.log());
        local = F.where(out.eq(0), Tensor.zerosLike(local), local);
        return g.times(local).sum().item();
    }

    // ---------------------------------------------------------------- unary

    /** out = −x: returns −g. */
    public static Tensor negGrad(Tensor g, Tensor x, Tensor out) {
        return unbroadcast(g.neg(), x);
    }

    /** out = |x|: returns g · sign(x) (0 at x = 0, as PyTorch). */
    public static Tensor absGrad(Tensor g, Tensor x, Tensor out) {
        return unbroadcast(g.times(Pointwise.unary("absGrad", UnaryOp.SIGN, x)), x);
    }

    /** out = exp x: returns g · out. */
    public static Tensor expGrad(Tensor g, Tensor x, Tensor out) {
        return unbroadcast(g.times(out), x);
    }

    /** out = ln x: returns g / x. */
    public static Tensor logGrad(Tensor g, Tensor x, Tensor out) {
        return unbroadcast(cotangentDiv("logGrad", g, x), x);
    }

    /** out = ln(1 + x): returns g / (1 + x). */
    public static Tensor log1pGrad(Tensor g, Tensor x, Tensor out) {
        return unbroadcast(cotangentDiv("log1pGrad", g, x.plus(1)), x);
    }

    /** out = √x: returns g / (2 · out). */
    public static Tensor sqrtGrad(Tensor g, Tensor x, Tensor out) {
        return unbroadcast(cotangentDiv("sqrtGrad", g, out.times(2)), x);
    }

    /** out = x²: returns 2 · g · x. */
    public static Tensor squareGrad(Tensor g, Tensor x, Tensor out) {
        return unbroadcast(g.times(x).times(2), x);
    }

    /** out = σ(x): returns g · out · (1 − out). */
    public static Tensor sigmoidGrad(Tensor g, Tensor x, Tensor out) {
        return unbroadcast(Pointwise.binary("sigmoidGrad", BinaryOp.SIGMOID_BACKWARD, g, out), x);
    }

    /** out = tanh x: returns g · (1 − out²). */
    public static Tensor tanhGrad(Tensor g, Tensor x, Tensor out) {
        return unbroadcast(Pointwise.binary("tanhGrad", BinaryOp.TANH_BACKWARD, g, out), x);
    }

    /** out = max(x, 0): returns g where x &gt; 0, else 0 (0 at x = 0, as PyTorch). */
    public static Tensor reluGrad(Tensor g, Tensor x, Tensor out) {
        return unbroadcast(Pointwise.binary("reluGrad", BinaryOp.RELU_BACKWARD, g, x), x);
    }

    /** out = x · Φ(x): returns g · (Φ(x) + x · φ(x)). */
    public static Tensor geluGrad(Tensor g, Tensor x, Tensor out) {
        return unbroadcast(g.times(Pointwise.unary("geluGrad", UnaryOp.GELU_DERIVATIVE, x)), x);
    }

    /** out = ln(1 + eˣ): returns g · σ(x). */
    public static Tensor softplusGrad(Tensor g, Tensor x, Tensor out) {
        return unbroadcast(g.times(x.sigmoid()), x);
    }

    /** out = sin x: returns g · cos x. */
    public static Tensor sinGrad(Tensor g, Tensor x, Tensor out) {
        return unbroadcast(g.times(x.cos()), x);
    }

    /** out = cos x: returns −g · sin x. */
    public static Tensor cosGrad(Tensor g, Tensor x, Tensor out) {
        return unbroadcast(g.times(x.sin()).neg(), x);
    }

    /** out = leakyRelu(x, slope): returns g where x &gt; 0, else slope · g. */
    public static Tensor leakyReluGrad(Tensor g, Tensor x, double slope) {
        return unbroadcast(F.where(x.gt(0), g, g.times(slope)), x);
    }

    /** out = clamp(x, lo, hi): returns g where lo ≤ x ≤ hi, else 0. */
    public static Tensor clampGrad(Tensor g, Tensor x, double lo, double hi) {
        Tensor inside = x.ge(lo).times(x.le(hi)).ne(0); // logical and, as a BOOL mask
        return unbroadcast(F.where(inside, g, Pointwise.scalarFor(g, 0)), x);
    }

    /** out = where(mask, a, b): returns g where mask, exactly 0 elsewhere, reduced to a's shape. */
    public static Tensor whereGradA(Tensor g, Tensor mask, Tensor a) {
        return unbroadcast(F.where(mask, g, Pointwise.scalarFor(g, 0)), a);
    }

    /** out = where(mask, a, b): returns g where not mask, exactly 0 elsewhere, reduced to b's shape. */
    public static Tensor whereGradB(Tensor g, Tensor mask, Tensor b) {
        return unbroadcast(F.where(mask, Pointwise.scalarFor(g, 0), g), b);
    }

    // ---------------------------------------------------------------- reductions

    /** out = Σ_i x_i: returns g broadcast to x's shape. */
    public static Tensor sumGrad(Tensor g, Tensor x) {
        return cast(g, x).expand(x.shape);
    }

    /** out = (1/n) Σ_i x_i: returns g / n broadcast to x's shape. */
    public static Tensor meanGrad(Tensor g, Tensor x) {
        return cast(g.div(x.numel()), x).expand(x.shape);
    }

    /** out = Σ over dims: returns g (dims restored with size 1 if removed) broadcast to x's shape. */
    public static Tensor sumGrad(Tensor g, Tensor x, int[] dims, boolean keepDim) {
        return cast(restore(g, x, dims, keepDim), x).expand(x.shape);
    }

    /** out = mean over dims: returns g / Π shape[dims] broadcast to x's shape. */
    public static Tensor meanGrad(Tensor g, Tensor x, int[] dims, boolean keepDim) {
        return cast(restore(g, x, dims, keepDim).div(Reduce.count(x, dims)), x).expand(x.shape);
    }

    /** out = max_i x_i: returns g / k at the k elements equal to the max, 0 elsewhere (as PyTorch). */
    public static Tensor maxGrad(Tensor g, Tensor x, Tensor out) {
        return extremumGrad(g, x, out);
    }

    /** out = min_i x_i: returns g / k at the k elements equal to the min, 0 elsewhere. */
    public static Tensor minGrad(Tensor g, Tensor x, Tensor out) {
        return extremumGrad(g, x, out);
    }

    private static Tensor extremumGrad(Tensor g, Tensor x, Tensor out) {
        Tensor mask = x.eq(out).to(x.dtype);
        return cast(mask.times(g.div(mask.sum())), x);
    }

    /** out = max over dim: returns g at the first index of each max along dim, 0 elsewhere. */
    public static Tensor maxGrad(Tensor g, Tensor x, Tensor out, int dim, boolean keepDim) {
        if (g.buffer != null || x.buffer != null) {
            return extremumGradOnDevice("maxGrad", g, x, dim, keepDim, false);
        }
        return argGrad(g, x, x.argmax(dim, true), dim, keepDim);
    }

    /** out = min over dim: returns g at the first index of each min along dim, 0 elsewhere. */
    public static Tensor minGrad(Tensor g, Tensor x, Tensor out, int dim, boolean keepDim) {
        if (g.buffer != null || x.buffer != null) {
            return extremumGradOnDevice("minGrad", g, x, dim, keepDim, true);
        }
        return argGrad(g, x, x.neg().argmax(dim, true), dim, keepDim);
    }

    /** {@link #maxGrad}/{@link #minGrad} along a dim on a device: one kernel finds the first extremum and places g. */
    private static Tensor extremumGradOnDevice(String name, Tensor g, Tensor x, int dim, boolean keepDim, boolean min) {
        Device device = Devices.common(name, g, x);
        int d = Shapes.dim(name, dim, x.shape);
        Tensor gk = restore(g, x, new int[] {d}, keepDim);
        return Tensor.checked(name, Devices.backend(name, device).extremumGrad(gk, x, d, min));
    }

    private static Tensor argGrad(Tensor g, Tensor x, Tensor index, int dim, boolean keepDim) {
        Tensor gk = restore(g, x, new int[] {dim}, keepDim);
        return Gather.scatterAdd(gk, x.shape, x.dtype, dim, index);
    }

    /** out = ‖x‖₂: returns g · x / out (0 where out = 0). */
    public static Tensor normGrad(Tensor g, Tensor x, Tensor out) {
        return cast(safeDiv(x.times(g), out), x);
    }

    /** out = ‖x‖₂ over dim: returns g · x / out along dim (0 where out = 0). */
    public static Tensor normGrad(Tensor g, Tensor x, Tensor out, int dim, boolean keepDim) {
        int[] dims = {dim};
        return cast(safeDiv(x.times(restore(g, x, dims, keepDim)), restore(out, x, dims, keepDim)), x);
    }

    private static Tensor safeDiv(Tensor num, Tensor den) {
        Tensor q = num.div(den);
        return F.where(den.eq(0), Pointwise.scalarFor(q, 0), q);
    }

    /** out = ln Σ_i exp(x_i): returns g · exp(x − out) (= g · softmax(x)). */
    public static Tensor logSumExpGrad(Tensor g, Tensor x, Tensor out) {
        return cast(g.times(x.minus(out).exp()), x);
    }

    /** out = ln Σ exp over dim: returns g · exp(x − out) along dim. */
    public static Tensor logSumExpGrad(Tensor g, Tensor x, Tensor out, int dim, boolean keepDim) {
        int[] dims = {dim};
        return cast(restore(g, x, dims, keepDim).times(x.minus(restore(out, x, dims, keepDim)).exp()), x);
    }

    /** {@code t} with the reduced dims reinserted as size 1 when they were removed. */
    private static Tensor restore(Tensor t, Tensor x, int[] dims, boolean keepDim) {
        if (keepDim) {
            return t;
        }
        int[] ds = Shapes.dims("grad", dims, x.shape);
        return t.reshape(Shapes.reduced(x.shape, ds, true));
    }

    private static Tensor cast(Tensor g, Tensor x) {
        return x.dtype.isFloatingPoint() && g.dtype != x.dtype ? g.to(x.dtype) : g;
    }

    // ---------------------------------------------------------------- matmul

    /** out = a @ b (torch.matmul): returns g @ bᵀ, reduced over broadcast batch dims, in a's shape. */
    public static Tensor matmulGradA(Tensor g, Tensor a, Tensor b) {
        Tensor bm = b.dim() == 1 ? b.unsqueeze(1) : b;
        Tensor gm = lift(g, a, b);
        Tensor ga = gm.matmul(bm.transpose(-1, -2));
        int[] aShape = a.dim() == 1 ? new int[] {1, a.shape[0]} : a.shape;
        return cast(sumToShape(ga, aShape).reshape(a.shape), a);
    }

    /** out = a @ b (torch.matmul): returns aᵀ @ g, reduced over broadcast batch dims, in b's shape. */
    public static Tensor matmulGradB(Tensor g, Tensor a, Tensor b) {
        if (readsTransposed(b) && a.dim() == 2 && g.dim() == 2 && a.dtype == b.dtype && g.dtype == b.dtype) {
            // b is a weight W read as Wᵀ (F.linear): produce aᵀ·g in W's layout, so the caller's
            // .t() and the parameter's accumulation read it contiguously.
            return MatMul.matmulColumnMajor(a.transpose(0, 1), g);
        }
        Tensor am = a.dim() == 1 ? a.unsqueeze(0) : a;
        Tensor gm = lift(g, a, b);
        Tensor gb = am.transpose(-1, -2).matmul(gm);
        int[] bShape = b.dim() == 1 ? new int[] {b.shape[0], 1} : b.shape;
        return cast(sumToShape(gb, bShape).reshape(b.shape), b);
    }

    /** Whether 2-D floating {@code t} is the transpose of a contiguous matrix (strides [1, rows]). */
    private static boolean readsTransposed(Tensor t) {
        return t.dim() == 2 && t.dtype.isFloatingPoint() && t.shape[0] > 1 && t.shape[1] > 1
                && t.strides[0] == 1 && t.strides[1] == t.shape[0];
    }

    /** g with the dims that 1-D operands dropped from the product put back. */
    private static Tensor lift(Tensor g, Tensor a, Tensor b) {
        Tensor r = g;
        if (a.dim() == 1) {
            // The row dim of a's 1×k matrix sits just before the column dim (absent when b is 1-D).
            r = r.unsqueeze(b.dim() == 1 ? r.dim() : r.dim() - 1);
        }
        if (b.dim() == 1) {
            r = r.unsqueeze(r.dim());
        }
        return r;
    }

    /** out = linear(x, W, b) = x · Wᵀ + b: returns g · W, in x's shape. */
    public static Tensor linearGradX(Tensor g, Tensor x, Tensor weight) {
        return cast(g.matmul(weight), x);
    }

    /** out = linear(x, W, b): returns gᵀ · x over all leading dims, shape [out, in]. */
    public static Tensor linearGradWeight(Tensor g, Tensor x, Tensor weight) {
        Tensor g2 = g.reshape(-1, weight.shape[0]);
        Tensor x2 = x.reshape(-1, weight.shape[1]);
        return cast(g2.t().matmul(x2), weight);
    }

    /** out = linear(x, W, b): returns g summed over all leading dims, shape [out]. */
    public static Tensor linearGradBias(Tensor g, Tensor bias) {
        return unbroadcast(g, bias);
    }

    // ---------------------------------------------------------------- shape

    /** out = x.transpose(d0, d1): returns g.transpose(d0, d1). */
    public static Tensor transposeGrad(Tensor g, int d0, int d1) {
        return g.transpose(d0, d1);
    }

    /** out = x.t(): returns g.t(). */
    public static Tensor tGrad(Tensor g) {
        return g.t();
    }

    /** out = x.reshape(...) or view: returns g reshaped to x's shape. */
    public static Tensor reshapeGrad(Tensor g, Tensor x) {
        return cast(g.reshape(x.shape), x);
    }

    /** out = x.squeeze(...): returns g reshaped to x's shape. */
    public static Tensor squeezeGrad(Tensor g, Tensor x) {
        return cast(g.reshape(x.shape), x);
    }

    /** out = x.unsqueeze(dim): returns g reshaped to x's shape (dim removed). */
    public static Tensor unsqueezeGrad(Tensor g, Tensor x, int dim) {
        return cast(g.reshape(x.shape), x);
    }

    /** out = x.expand(...): returns g summed over the expanded dims. */
    public static Tensor expandGrad(Tensor g, Tensor x) {
        return unbroadcast(g, x);
    }

    /** out = x.slice(dim, start, end, step): returns zeros of x's shape with g in the slice. */
    public static Tensor sliceGrad(Tensor g, Tensor x, int dim, int start, int end, int step) {
        Tensor r = Tensor.zeros(gradType(x), x.shape);
        InPlace.copy(Views.slice(r, dim, start, end, step), g);
        return r;
    }

    /** out = x.get(indices): returns zeros of x's shape with g at the selected position. */
    public static Tensor getGrad(Tensor g, Tensor x, int... indices) {
        Tensor r = Tensor.zeros(gradType(x), x.shape);
        InPlace.copy(Views.get(r, indices), g);
        return r;
    }

    /** out = x.index(dim, indices): returns zeros of x's shape with {@code r[indices[k]] += g[k]} along dim. */
    public static Tensor indexGrad(Tensor g, Tensor x, int dim, int[] indices) {
        return Gather.indexAdd(g, x.shape, gradType(x), dim, indices);
    }

    /** out = x.gather(dim, index): returns zeros of x's shape with g scatter-added at index. */
    public static Tensor gatherGrad(Tensor g, Tensor x, int dim, Tensor index) {
        return Gather.scatterAdd(g, x.shape, gradType(x), dim, index);
    }

    /** out = cat(dim, inputs): returns the slice of g that came from {@code inputs[which]}. */
    public static Tensor catGrad(Tensor g, int dim, int which, Tensor... inputs) {
        int d = Shapes.dim("catGrad", dim, g.shape);
        int start = 0;
        for (int i = 0; i < which; i++) {
            start += inputs[i].shape[d];
        }
        return cast(g.slice(d, start, start + inputs[which].shape[d]), inputs[which]);
    }

    /** out = stack(dim, inputs): returns g at index {@code which} along dim (that dim removed). */
    public static Tensor stackGrad(Tensor g, int dim, int which) {
        int d = Shapes.dim("stackGrad", dim, g.shape);
        return Gather.select(g, d, which);
    }

    /** out = x.toFloat()/toDouble(): returns g converted back to x's dtype. */
    public static Tensor castGrad(Tensor g, Tensor x) {
        return cast(g, x);
    }

    private static DType gradType(Tensor x) {
        return x.dtype.isFloatingPoint() ? x.dtype : DType.FLOAT32;
    }

    // ---------------------------------------------------------------- softmax

    /** out = softmax(x, dim): returns out · (g − Σ_dim g · out). */
    public static Tensor softmaxGrad(Tensor g, Tensor out, int dim) {
        Tensor fused = SoftmaxOps.backward(g, out, dim, false);
        return fused != null ? fused : softmaxGradComposed(g, out, dim);
    }

    /** The composed form of {@link #softmaxGrad} (general path and test reference). */
    static Tensor softmaxGradComposed(Tensor g, Tensor out, int dim) {
        return out.times(g.minus(g.times(out).sum(dim, true)));
    }

    /** out = logSoftmax(x, dim): returns g − exp(out) · Σ_dim g. */
    public static Tensor logSoftmaxGrad(Tensor g, Tensor out, int dim) {
        Tensor fused = SoftmaxOps.backward(g, out, dim, true);
        return fused != null ? fused : logSoftmaxGradComposed(g, out, dim);
    }

    /** The composed form of {@link #logSoftmaxGrad} (general path and test reference). */
    static Tensor logSoftmaxGradComposed(Tensor g, Tensor out, int dim) {
        return g.minus(out.exp().times(g.sum(dim, true)));
    }

    // ---------------------------------------------------------------- losses

    /** L = mse(pred, target): returns 2 (pred − target) · s, s = g / n (MEAN), g (SUM) or g_i (NONE). */
    public static Tensor mseGradA(Tensor g, Tensor pred, Tensor target, Reduction reduction) {
        Tensor fused = LossGrads.mseFused(g, pred, target, reduction);
        if (fused != null) {
            return fused;
        }
        Tensor d = pred.minus(target).times(2);
        return unbroadcast(LossGrads.scale(g, d, reduction), pred);
    }

    /** L = mse(pred, target): returns −2 (pred − target) · s, reduced to target's shape. */
    public static Tensor mseGradB(Tensor g, Tensor pred, Tensor target, Reduction reduction) {
        Tensor fused = LossGrads.mseFused(g, target, pred, reduction);
        if (fused != null) {
            return fused;
        }
        Tensor d = target.minus(pred).times(2);
        return unbroadcast(LossGrads.scale(g, d, reduction), target);
    }

    /** L = bce(p, y): returns (p − y) / max(p (1 − p), 1e−12) · s (PyTorch's formula). */
    public static Tensor bceGrad(Tensor g, Tensor p, Tensor y, Reduction reduction) {
        Tensor fused = FusedLosses.bceGrad(g, p, y, reduction, false);
        return fused != null ? fused : bceGradComposed(g, p, y, reduction);
    }

    /** The composed form of {@link #bceGrad} (general path and test reference). */
    static Tensor bceGradComposed(Tensor g, Tensor p, Tensor y, Reduction reduction) {
        return cast(LossGrads.scale(g, LossGrads.bceLocal(p, y), reduction), p);
    }

    /** L = bceWithLogits(z, y): returns (σ(z) − y) · s. */
    public static Tensor bceWithLogitsGrad(Tensor g, Tensor z, Tensor y, Reduction reduction) {
        Tensor fused = FusedLosses.bceGrad(g, z, y, reduction, true);
        return fused != null ? fused : bceWithLogitsGradComposed(g, z, y, reduction);
    }

    /** The composed form of {@link #bceWithLogitsGrad} (general path and test reference). */
    static Tensor bceWithLogitsGradComposed(Tensor g, Tensor z, Tensor y, Reduction reduction) {
        return cast(LossGrads.scale(g, z.sigmoid().minus(y), reduction), z);
    }

    /** L = crossEntropy(logits, target): returns (softmax(logits) − onehot(target)) · s_n per row. */
    public static Tensor crossEntropyGrad(Tensor g, Tensor logits, Tensor target, Reduction reduction) {
        Tensor fused = FusedLosses.crossEntropyGrad(g, logits, target, reduction);
        return fused != null ? fused : crossEntropyGradComposed(g, logits, target, reduction);
    }

    /** The composed form of {@link #crossEntropyGrad} (general path and test reference). */
    static Tensor crossEntropyGradComposed(Tensor g, Tensor logits, Tensor target, Reduction reduction) {
        return cast(LossGrads.crossEntropy(g, logits, target, reduction), logits);
    }

    /** L = nllLoss(logProbs, target): returns −s_n at [n, target_n], 0 elsewhere. */
    public static Tensor nllLossGrad(Tensor g, Tensor logProbs, Tensor target, Reduction reduction) {
        Tensor fused = FusedLosses.nllGrad(g, logProbs, target, reduction);
        return fused != null ? fused : nllLossGradComposed(g, logProbs, target, reduction);
    }

    /** The composed form of {@link #nllLossGrad} (general path and test reference). */
    static Tensor nllLossGradComposed(Tensor g, Tensor logProbs, Tensor target, Reduction reduction) {
        return cast(LossGrads.nll(g, logProbs, target, reduction), logProbs);
    }

    /**
     * g / d elementwise, exactly 0 where g = 0: rules that divide by a local derivative use it, so a
     * zero cotangent (the untaken side of {@code where}) never becomes NaN through 0/0 or 0·∞.
     */
    private static Tensor cotangentDiv(String rule, Tensor g, Tensor d) {
        return Pointwise.binary(rule, BinaryOp.COTANGENT_DIV, g, d);
    }

    /** g · d elementwise, exactly 0 where g = 0 (see {@link #cotangentDiv}). */
    private static Tensor cotangentTimes(String rule, Tensor g, Tensor d) {
        return Pointwise.binary(rule, BinaryOp.COTANGENT_TIMES, g, d);
    }
}
