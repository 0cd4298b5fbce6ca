package dev.fluxion;

import dev.fluxion.kernel.Gemm;
import org.jspecify.annotations.Nullable;

/**
 * A trainable leaf tensor: the values of a model's weight plus the gradient buffer that backward
 * passes accumulate into, as PyTorch's {@code nn.Parameter}.
 *
 * <p>Shares its storage with the tensor it was made from. Gradients accumulate across backward
 * calls ({@code grad += g}, in place after the first allocation) until {@link #zeroGrad()}.
 * Accumulation is synchronised, so concurrent backward passes into one parameter are safe.
 */
public final class Parameter extends Tensor {
    private @Nullable Tensor grad;
    private volatile boolean requiresGrad = true;

    private Parameter(Tensor initial) {
        super(initial);
        if (!initial.dtype.isFloatingPoint()) {
            throw new FluxionException("Parameter.of: a parameter must be FLOAT32 or FLOAT64, got " + initial.dtype);
        }
    }

    /** A parameter holding {@code initial}'s values (sharing its storage), with no gradient yet. */
    public static Parameter of(Tensor initial) {
        return new Parameter(initial);
    }

    /** The accumulated gradient ∂L/∂this, or null before the first backward pass. */
    public synchronized @Nullable Tensor grad() {
        return grad;
    }

    /**
     * {@code grad += g} (grad starts as a copy of g, then is updated in place). {@code g} must
     * broadcast to this parameter's shape; it is converted to this dtype.
     */
    public synchronized void accumulateGrad(Tensor g) {
        if (!Shapes.broadcastsTo(g.shape, shape)) {
            throw new FluxionException("accumulateGrad: gradient of shape " + Shapes.str(g.shape)
                    + " does not match the parameter of shape " + Shapes.str(shape));
        }
        if (grad == null && (buffer != null || g.buffer != null)) {
            // On a device the buffer is made on the parameter's device; mixing devices fails in add.
            Tensor fresh = Tensor.zerosLike(this);
            InPlace.add(fresh, g, 1.0);
            grad = fresh;
        } else if (grad == null) {
            // A copy, never g itself: g may be shared with the caller or with another gradient.
            grad = g.dtype == dtype && g.isContiguous() && g.numel() > 0 && java.util.Arrays.equals(g.shape, shape)
                    ? Conversions.denseCopy(g)
                    : InPlace.copy(Tensor.empty(dtype, shape.clone()), g);
        } else {
            InPlace.add(grad, g, 1.0);
        }
    }

    /**
     * {@code grad += g} where the caller hands {@code g} over: when there is no gradient yet and
     * {@code g} is a dense tensor of this parameter's dtype and shape that owns its whole storage,
     * {@code g} itself becomes the gradient buffer (no copy); otherwise as {@link #accumulateGrad}.
     * Generated backward code calls it with an adjoint it has just computed and reads no more; the
     * caller must not read or write {@code g} afterwards, since later steps accumulate into it.
     */
    public synchronized void accumulateOwnedGrad(Tensor g) {
        if (grad == null && g.buffer == null && buffer == null && g.dtype == dtype && g.offset == 0
                && g.isContiguous() && java.util.Arrays.equals(g.shape, shape) && g.numel() > 0
                && (g.f != null ? g.f.length == g.numel() && g.f != f : g.d.length == g.numel() && g.d != d)) {
            grad = g;
            return;
        }
        accumulateGrad(g);
    }

    /**
     * {@code grad += a·b} for matrices {@code a} [m, k] and {@code b} [k, n] whose product has this
     * parameter's shape [m, n]: the weight gradient of a product, accumulated by the matrix kernel
     * straight into the gradient buffer (allocated as zeros on first use), with no [m, n]
     * temporary and no separate addition. Transposed operands are passed as views
     * ({@code g.t()}), read in place. Generated backward code calls it where a parameter's whole
     * gradient is one product, for example {@code W.accumulateProduct(g.t(), x)} for the weight of
     * {@code x·Wᵀ}. Other dtypes or layouts fall back to {@code accumulateGrad(a.matmul(b))}.
     *
     * @throws FluxionException if the operands are not 2-D or their product's shape is not this
     *     parameter's
     */
    public synchronized void accumulateProduct(Tensor a, Tensor b) {
        if (a.shape.length != 2 || b.shape.length != 2 || shape.length != 2 || a.shape[1] != b.shape[0]
                || a.shape[0] != shape[0] || b.shape[1] != shape[1]) {
            throw new FluxionException("accumulateProduct: the product of shapes " + Shapes.str(a.shape) + " and "
                    + Shapes.str(b.shape) + " does not have the parameter's shape " + Shapes.str(shape));
        }
        if (buffer != null || a.buffer != null || b.buffer != null) { // on a device: its matmul, then accumulate
            accumulateGrad(a.matmul(b));
            return;
        }
        if (grad == null) {
            grad = Tensor.zeros(dtype, shape.clone());
        }
        int m = shape[0], n = shape[1], k = a.shape[1];
        boolean direct = a.dtype == dtype && b.dtype == dtype && grad.dtype == dtype && grad.isContiguous()
                && grad.strides[0] == n && m > 0 && n > 0 && !readsGrad(a) && !readsGrad(b);
        if (!direct) {
            accumulateGrad(a.matmul(b));
            return;
        }
        if (k == 0) {
            return;
        }
        if (dtype == DType.FLOAT32) {
            Gemm.sgemm(m, n, k, a.f, a.offset, a.strides[0], a.strides[1], b.f, b.offset, b.strides[0], b.strides[1],
                    grad.f, grad.offset, n, true);
        } else {
            Gemm.dgemm(m, n, k, a.d, a.offset, a.strides[0], a.strides[1], b.d, b.offset, b.strides[0], b.strides[1],
                    grad.d, grad.offset, n, true);
        }
    }

    /**
     * {@code grad += Derivatives.matmulGradB(g, a, b)} ({@code transposed}: {@code grad +=
     * Derivatives.matmulGradB(g, a, b).t()}), the gradient of this parameter as the right operand
     * {@code b} of a product {@code a·b} (transposed: as {@code b = thisᵀ}, the weight of
     * {@code F.linear}), written by the matrix kernel straight into the gradient buffer: no
     * temporary for the product and no separate addition. Generated backward code calls it where a
     * parameter's whole gradient is that one product.
     *
     * <p>The same bits as the two calls it replaces: the product runs on the kernel {@code matmul}
     * would pick, with the operands in the same roles (the small shapes {@code matmul} gives its own
     * kernel go through a per-thread scratch; other dtypes, devices, batched or 1-D operands take
     * those two calls), its first accumulation is the product itself and later ones add it element
     * by element. Products over
     * more than 256 terms whose kernel sums K in blocks (the packed GEMM) also take the two calls:
     * in place, each block's partial sum would be added into {@code grad} in turn, not their total.
     */
    public synchronized void accumulateMatmulGradB(Tensor g, Tensor a, Tensor b, boolean transposed) {
        if (!productInPlace(g, a, b, transposed)) {
            Tensor gb = Derivatives.matmulGradB(g, a, b);
            accumulateGrad(transposed ? gb.t() : gb);
        }
    }

    /** {@link #accumulateMatmulGradB}'s in-place product; false where it must take the two calls. */
    private boolean productInPlace(Tensor g, Tensor a, Tensor b, boolean transposed) {
        if (buffer != null || g.buffer != null || a.buffer != null || b.buffer != null || g.shape.length != 2
                || a.shape.length != 2 || b.shape.length != 2 || shape.length != 2 || g.dtype != dtype
                || a.dtype != dtype || b.dtype != dtype || (grad != null && grad.dtype != dtype)) {
            return false;
        }
        int k = a.shape[0];
        if (g.shape[0] != k || k == 0 || shape[0] == 0 || shape[1] == 0) {
            return false;
        }
        // matmulGradB computes Wᵀ's gradient as Gᵀ·A, in W's layout, only where it reads b = Wᵀ
        // transposed in place; elsewhere it computes Aᵀ·G (for b = Wᵀ: Wᵀ's gradient, then .t()).
        boolean bTransposedView = b.shape[0] > 1 && b.shape[1] > 1 && b.strides[0] == 1 && b.strides[1] == b.shape[0];
        if (!transposed && bTransposedView) {
            return false;
        }
        boolean gt = transposed && bTransposedView; // grad = Gᵀ·A; else the product is Aᵀ·G
        boolean flipped = transposed && !bTransposedView; // grad = (Aᵀ·G)ᵀ
        int m = gt ? g.shape[1] : a.shape[1];
        int n = gt ? a.shape[1] : g.shape[1];
        if (flipped ? (m != shape[1] || n != shape[0]) : (m != shape[0] || n != shape[1])) {
            return false;
        }
        Tensor left = gt ? g : a;
        Tensor right = gt ? a : g;
        int lrs = left.strides[1], lcs = left.strides[0], rrs = right.strides[0], rcs = right.strides[1];
        if (grad != null && (!grad.isContiguous() || readsGrad(left) || readsGrad(right))) {
            return false;
        }
        if (dev.fluxion.kernel.SmallMatmul.applies(m, n, k)) {
            smallProduct(m, n, k, left, lrs, lcs, right, rrs, rcs, flipped);
            return true;
        }
        // Same bits: the kernels that sum K in blocks (256 terms at the least: GemmPlain's; the packed
        // kernel's 512 by default) would add each block into grad in turn, not their total. The long-sum
        // kernel (float, C at most 16×16, unit column stride, Vector API) sums all of K before it stores.
        boolean longSum = dtype == DType.FLOAT32 && Gemm.vectorized() && m <= 16 && n <= 16 && rcs == 1
                && (long) m * n * k >= 16L * 16 * 16;
        if (flipped || k > 256 && !longSum) {
            return false;
        }
        boolean fresh = grad == null;
        if (fresh) {
            grad = Tensor.empty(dtype, shape.clone());
        }
        if (dtype == DType.FLOAT32) {
            Gemm.sgemm(m, n, k, left.f, left.offset, lrs, lcs, right.f, right.offset, rrs, rcs, grad.f, grad.offset, n,
                    !fresh);
        } else {
            Gemm.dgemm(m, n, k, left.d, left.offset, lrs, lcs, right.d, right.offset, rrs, rcs, grad.d, grad.offset, n,
                    !fresh);
        }
        return true;
    }

    /**
     * {@code grad += Derivatives.unbroadcast(g, target)}, the gradient of a bias (the {@code b} of
     * {@code x + b} or of {@code F.linear}): {@code g} summed down to {@code target}'s shape and
     * added into the gradient buffer with no tensor for the sum. Generated backward code calls it
     * where a parameter's whole gradient is that one sum ({@code target} is the parameter as the
     * forward pass read it).
     *
     * <p>The same bits as the two calls: a dense {@code g} [n, c] (n ≥ 2) summed over its rows to this
     * parameter's shape [c] or [1, c] runs the reduction's own order ({@code Reductions.sumRows}),
     * into the new gradient or a per-thread scratch then added element by element, as
     * {@code accumulateGrad} adds; any other shape, layout, dtype or device takes the two calls.
     */
    public synchronized void accumulateSumGrad(Tensor g, Tensor target) {
        if (!sumInPlace(g, target)) {
            accumulateGrad(Derivatives.unbroadcast(g, target));
        }
    }

    /** {@link #accumulateSumGrad}'s in-place sum; false where it must take the two calls. */
    private boolean sumInPlace(Tensor g, Tensor target) {
        if (buffer != null || g.buffer != null || target.buffer != null || g.dtype != dtype || target.dtype != dtype
                || g.shape.length != 2 || !g.isContiguous() || !java.util.Arrays.equals(target.shape, shape)
                || (grad != null && (grad.dtype != dtype || !grad.isContiguous() || readsGrad(g)))) {
            return false;
        }
        int n = g.shape[0], c = g.shape[1];
        boolean row = shape.length == 1 ? shape[0] == c : shape.length == 2 && shape[0] == 1 && shape[1] == c;
        // One row: unbroadcast returns it as it is or reduces one-element rows, whose sum can turn −0 into +0.
        if (!row || n < 2 || c < 1) {
            return false;
        }
        boolean fresh = grad == null;
        if (fresh) {
            grad = Tensor.empty(dtype, shape.clone());
        }
        if (dtype == DType.FLOAT32) {
            float[] o = grad.f;
            float[] sum = fresh ? o : floatScratch(c);
            int at = fresh ? grad.offset : 0;
            dev.fluxion.kernel.Reductions.sumRows(g.f, g.offset, n, c, sum, at);
            if (!fresh) {
                for (int j = 0; j < c; j++) {
                    o[grad.offset + j] = o[grad.offset + j] + sum[j];
                }
            }
        } else {
            double[] o = grad.d;
            double[] sum = fresh ? o : doubleScratch(c);
            int at = fresh ? grad.offset : 0;
            dev.fluxion.kernel.Reductions.sumRows(g.d, g.offset, n, c, sum, at);
            if (!fresh) {
                for (int j = 0; j < c; j++) {
                    o[grad.offset + j] = o[grad.offset + j] + sum[j];
                }
            }
        }
        return true;
    }

    /** This thread's scratch for the small products, kept at the largest size asked for. */
    private static final ThreadLocal<float[]> SMALL_FLOATS = ThreadLocal.withInitial(() -> new float[16]);
    private static final ThreadLocal<double[]> SMALL_DOUBLES = ThreadLocal.withInitial(() -> new double[16]);

    /**
     * A product {@code matmul} gives its small kernel ({@code SmallMatmul}), computed by that kernel
     * into this thread's scratch [m, n] and then copied into a new gradient or added to it element by
     * element (transposed where {@code flipped}), as {@code accumulateGrad} does with the product.
     */
    private void smallProduct(int m, int n, int k, Tensor left, int lrs, int lcs, Tensor right, int rrs, int rcs,
                              boolean flipped) {
        boolean fresh = grad == null;
        if (fresh) {
            grad = Tensor.empty(dtype, shape.clone());
        }
        int cols = shape[1];
        if (dtype == DType.FLOAT32) {
            float[] c = floatScratch(m * n);
            dev.fluxion.kernel.SmallMatmul.sgemm(m, n, k, left.f, left.offset, lrs, lcs, right.f, right.offset, rrs, rcs,
                    c, 0, n);
            float[] o = grad.f;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = grad.offset + (flipped ? j * cols + i : i * cols + j);
                    o[at] = fresh ? c[i * n + j] : o[at] + c[i * n + j];
                }
            }
        } else {
            double[] c = doubleScratch(m * n);
            dev.fluxion.kernel.SmallMatmul.dgemm(m, n, k, left.d, left.offset, lrs, lcs, right.d, right.offset, rrs, rcs,
                    c, 0, n);
            double[] o = grad.d;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = grad.offset + (flipped ? j * cols + i : i * cols + j);
                    o[at] = fresh ? c[i * n + j] : o[at] + c[i * n + j];
                }
            }
        }
    }

    /** This thread's float scratch of at least {@code size} elements. */
    private static float[] floatScratch(int size) {
        float[] c = SMALL_FLOATS.get();
        if (c.length < size) {
            c = new float[size];
            SMALL_FLOATS.set(c);
        }
        return c;
    }

    /** This thread's double scratch of at least {@code size} elements. */
    private static double[] doubleScratch(int size) {
        double[] c = SMALL_DOUBLES.get();
        if (c.length < size) {
            c = new double[size];
            SMALL_DOUBLES.set(c);
        }
        return c;
    }

    /** Whether {@code t} lives in the gradient's storage (then the product must not write there while reading). */
    private boolean readsGrad(Tensor t) {
        return grad != null && (t.f != null ? t.f == grad.f : t.d == grad.d);
    }

    /**
     * This parameter's values on {@code device} as a new parameter (this one when it is already
     * there), keeping {@link #requiresGrad()}; the gradient buffer is not carried over. Used by
     * {@link dev.fluxion.nn.Module#to(Device)}, which puts the new parameter in the module's field.
     */
    public Parameter to(Device device) {
        if (device.equals(device())) {
            return this;
        }
        Parameter moved = new Parameter(super.to(device));
        moved.requiresGrad = requiresGrad;
        return moved;
    }

    /**
     * This parameter's values converted to {@code dtype} as a new parameter (this one when it
     * already is of it), keeping {@link #requiresGrad()}; the gradient buffer is not carried over.
     * Used by {@link dev.fluxion.nn.Module#to(DType)}.
     */
    public Parameter to(DType dtype) {
        if (dtype == this.dtype) {
            return this;
        }
        Parameter cast = new Parameter(super.to(dtype));
        cast.requiresGrad = requiresGrad;
        return cast;
    }

    /** Sets every element of the gradient buffer to 0, keeping the buffer (no-op if there is none). */
    public synchronized void zeroGrad() {
        if (grad != null) {
            grad.fillInPlace(0);
        }
    }

    /** Forgets the gradient buffer (as PyTorch's {@code zero_grad(set_to_none=True)}). */
    public synchronized void clearGrad() {
        grad = null;
    }

    /** Whether backward passes compute and accumulate this parameter's gradient. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Freezes ({@code false}) or unfreezes this parameter; returns this. */
    public Parameter requiresGrad(boolean value) {
        requiresGrad = value;
        return this;
    }

    /** Always true: a parameter is a leaf of every computation. */
    public boolean isLeaf() {
        return true;
    }

    /** The values as a plain tensor sharing storage, for use where a gradient is not wanted. */
    public Tensor data() {
        return view(shape, strides, offset);
    }

    /** {@code Parameter containing:\ntensor(...)}, as PyTorch prints one. */
    @Override
    public String toString() {
        return "Parameter containing:\n" + super.toString();
    }
}
