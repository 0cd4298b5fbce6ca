package dev.fluxion.cuda;

import dev.fluxion.DType;
import dev.fluxion.Device;
import dev.fluxion.DeviceBackend;
import dev.fluxion.Devices;
import dev.fluxion.FusedExpr;
import dev.fluxion.Reduction;
import dev.fluxion.Tensor;
import dev.fluxion.cuda.OpKernels.Operand;
import dev.fluxion.cuda.codegen.ElementwiseKernel;
import dev.fluxion.cuda.codegen.ScalarType;
import dev.fluxion.kernel.BinaryOp;
import dev.fluxion.kernel.ReduceOp;
import dev.fluxion.kernel.UnaryOp;

import java.util.ArrayList;
import java.util.List;

/**
 * The runtime's {@link DeviceBackend} for CUDA, registered for {@link java.util.ServiceLoader}: what
 * {@code tensor.to(Device.cuda())} and every op on the resulting tensors run. Elementwise ops are
 * generated kernels ({@link OpKernels}, in the dtypes the runtime decides as for the CPU), and so
 * are the fused groups of generated code ({@link FusedGroups}); reductions, softmax and
 * cross-entropy use the hand-written kernels of {@link CudaReductions} and {@link CudaNN} (and
 * {@code argmax_dim}); gather, scatter-add and copies into views those of {@link DeviceIndexing};
 * convolution and pooling those of {@link DeviceConv}; matmul is cuBLAS ({@link DeviceMatmul}).
 */
public final class CudaBackend implements DeviceBackend {

    /** For {@link java.util.ServiceLoader}. */
    public CudaBackend() {
    }

    @Override
    public Device.Kind kind() {
        return Device.Kind.CUDA;
    }

    @Override
    public String unavailableReason() {
        return Cuda.unavailableReason();
    }

    @Override
    public Tensor toDevice(Tensor host, Device device) {
        return CudaBuffer.wrap(CudaTensor.toDevice(host, device));
    }

    @Override
    public Tensor toHost(Tensor t) {
        return CudaBuffer.contiguous(t).toHost();
    }

    @Override
    public Tensor full(Device device, DType dtype, double value, int[] shape) {
        Tensor t = CudaBuffer.wrap(CudaTensor.empty(device, dtype, shape));
        ElementwiseKernel fill = OpKernels.inPlace(InPlaceUpdate.FILL, ScalarType.storageOf(dtype), List.of());
        FusedElementwise.applyInto(fill, t, new double[] {value});
        return t;
    }

    @Override
    public Tensor unary(String name, UnaryOp op, double p, double q, Tensor x, DType dtype) {
        ScalarType in = ScalarType.storageOf(x.dtype()), out = ScalarType.storageOf(dtype);
        ElementwiseKernel k = OpKernels.unary(op, p, q, in, out, out);
        return FusedElementwise.apply(k, dtype, new double[0], x);
    }

    @Override
    public Tensor binary(String name, BinaryOp op, Tensor a, Tensor b, DType compute, DType result) {
        Operands ops = new Operands();
        Operand oa = ops.add(a), ob = ops.add(b);
        ElementwiseKernel k = OpKernels.binary(op, oa, ob, ScalarType.storageOf(compute), ScalarType.storageOf(result));
        return ops.apply(k, result);
    }

    @Override
    public Tensor where(Tensor mask, Tensor a, Tensor b) {
        DType dtype = DType.promote(a.dtype(), b.dtype());
        Operands ops = new Operands();
        Operand om = ops.add(mask), oa = ops.add(a), ob = ops.add(b);
        ScalarType s = ScalarType.storageOf(dtype);
        return ops.apply(OpKernels.where(om, oa, ob, s, s), dtype);
    }

    @Override
    public Tensor convert(Tensor x, DType dtype) {
        return FusedElementwise.copy(x, dtype);
    }

    @Override
    public Tensor reduce(String name, ReduceOp op, Tensor x, int[] dims, boolean keepDim) {
        return DeviceReductions.reduce(name, op, x, dims, keepDim);
    }

    @Override
    public Tensor matmul(Tensor a, Tensor b) {
        return DeviceMatmul.matmul(a, b);
    }

    @Override
    public Tensor softmax(Tensor x, int dim, boolean log) {
        int last = x.dim() - 1;
        if (dim != last) {
            // Along another dim: move it last (a view), run the row kernel, move it back (a view).
            Tensor moved = softmax(x.transpose(dim, last), last, log);
            return moved.transpose(dim, last);
        }
        CudaTensor c = CudaBuffer.contiguous(x);
        return CudaBuffer.wrap(log ? CudaNN.logSoftmax(c, -1) : CudaNN.softmax(c, -1));
    }

    @Override
    public Tensor argmax(Tensor x, int dim, boolean keepDim) {
        CudaTensor c = CudaBuffer.contiguous(x);
        if (!x.dtype().isFloatingPoint()) {
            c = c.withDtype(DType.FLOAT64); // INT64 and BOOL are stored as doubles
        }
        int[] shape = x.shape();
        long inner = 1;
        for (int d = dim + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        long outer = x.numel() / ((long) shape[dim] * inner);
        CudaTensor out = CudaTensor.empty(c.context(), DType.INT64,
                DeviceReductions.reducedShape(shape, new int[] {dim}, keepDim));
        Launch.of(c.context(), KernelSources.REDUCE, "argmax_dim" + Checks.suffix(c))
                .ptr(c).ptr(out).i64(outer).i64(shape[dim]).i64(inner).elementwise(outer * inner);
        return CudaBuffer.wrap(out);
    }

    @Override
    public Tensor extremumGrad(Tensor g, Tensor x, int dim, boolean min) {
        // The first minimum of x is the first maximum of −x; the kernel places g there.
        CudaTensor xc = CudaBuffer.contiguous(min ? x.neg() : x);
        CudaTensor gc = CudaBuffer.contiguous(g, x.dtype());
        return CudaBuffer.wrap(CudaReductions.maxGrad(gc, xc, dim));
    }

    @Override
    public Tensor crossEntropy(Tensor logits, Tensor target, Reduction reduction) {
        checkCrossEntropy("crossEntropy", logits, reduction);
        return CudaBuffer.wrap(CudaNN.crossEntropy(CudaBuffer.contiguous(logits), classIndices(target), reduction));
    }

    @Override
    public Tensor crossEntropyGrad(Tensor g, Tensor logits, Tensor target, Reduction reduction) {
        checkCrossEntropy("crossEntropyGrad", logits, reduction);
        Tensor gd = g.device().equals(logits.device()) ? g : g.to(logits.device());
        CudaTensor gc = CudaBuffer.contiguous(gd, logits.dtype());
        return CudaBuffer.wrap(CudaNN.crossEntropyGrad(gc, CudaBuffer.contiguous(logits), classIndices(target), reduction));
    }

    @Override
    public void inPlace(String name, InPlaceUpdate update, Tensor dst, Tensor a, Tensor b, double alpha) {
        ScalarType type = ScalarType.storageOf(dst.dtype());
        List<Tensor> inputs = new ArrayList<>();
        List<ScalarType> operandTypes = new ArrayList<>();
        if (update != InPlaceUpdate.COPY && update != InPlaceUpdate.FILL) {
            inputs.add(dst);
        }
        for (Tensor t : new Tensor[] {a, b}) {
            if (t != null) {
                Tensor onDevice = t.device().equals(dst.device()) ? t : t.to(dst.device()); // a CPU 0-dim operand
                inputs.add(onDevice);
                operandTypes.add(ScalarType.storageOf(onDevice.dtype()));
            }
        }
        ElementwiseKernel k = OpKernels.inPlace(update, type, operandTypes);
        double[] params = update == InPlaceUpdate.COPY ? new double[0] : new double[] {alpha};
        FusedElementwise.applyInto(k, dst, params, inputs.toArray(Tensor[]::new));
    }

    @Override
    public Tensor fused(FusedExpr body, double[] scalars, Tensor[] inputs) {
        return FusedGroups.run(body, scalars, inputs);
    }

    @Override
    public Tensor gather(Tensor x, int dim, Tensor index) {
        return DeviceIndexing.gather(x, dim, index);
    }

    @Override
    public Tensor scatterAdd(Tensor g, int[] shape, DType dtype, int dim, Tensor index) {
        return DeviceIndexing.scatterAdd(g, shape, dtype, dim, index);
    }

    @Override
    public void copyInto(Tensor src, Tensor dst) {
        DeviceIndexing.copyInto(src, dst);
    }

    @Override
    public Tensor im2col(Tensor x, Window w) {
        return DeviceConv.im2col(x, w);
    }

    @Override
    public Tensor col2im(Tensor cols, int[] imageShape, Window w) {
        return DeviceConv.col2im(cols, imageShape, w);
    }

    @Override
    public Tensor maxPool2d(Tensor x, Window w) {
        return DeviceConv.maxPool2d(x, w);
    }

    @Override
    public Tensor maxPool2dGrad(Tensor g, Tensor x, Window w) {
        return DeviceConv.maxPool2dGrad(g, x, w);
    }

    // ------------------------------------------------------------------ helpers

    private static void checkCrossEntropy(String op, Tensor logits, Reduction reduction) {
        if (reduction == Reduction.NONE || logits.dim() != 2) {
            throw Devices.unsupported(op + " with " + (logits.dim() != 2 ? "logits of shape "
                    + java.util.Arrays.toString(logits.shape()) : "Reduction.NONE") + " (the device runs [N, C] logits, MEAN or SUM)",
                    logits.device());
        }
    }

    /** Class indices stored as doubles, as the loss kernels read them. */
    private static CudaTensor classIndices(Tensor target) {
        return target.dtype() == DType.FLOAT32 ? CudaBuffer.contiguous(target, DType.FLOAT64) : CudaBuffer.contiguous(target);
    }

    /** An op's operands: device tensors become inputs, CPU 0-dim tensors scalar arguments. */
    private static final class Operands {
        final List<Tensor> inputs = new ArrayList<>();
        final List<Double> params = new ArrayList<>();

        Operand add(Tensor t) {
            if (Devices.buffer(t) == null) {
                params.add(t.item()); // a float32 scalar is read as its float value, as the CPU widens it
                return new OpKernels.Scalar();
            }
            inputs.add(t);
            return new OpKernels.Stored(ScalarType.storageOf(t.dtype()));
        }

        Tensor apply(ElementwiseKernel k, DType result) {
            if (inputs.isEmpty()) {
                throw new IllegalStateException(k.name() + ": no device operand");
            }
            double[] p = new double[params.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = params.get(i);
            }
            return FusedElementwise.apply(k, result, p, inputs.toArray(Tensor[]::new));
        }
    }
}
