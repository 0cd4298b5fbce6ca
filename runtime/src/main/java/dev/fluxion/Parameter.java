package dev.fluxion;

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
