package dev.fluxion.cuda;

import dev.fluxion.DType;
import dev.fluxion.Devices;
import dev.fluxion.Tensor;
import dev.fluxion.cuda.codegen.CudaSourceGenerator;
import dev.fluxion.cuda.codegen.ElementwiseKernel;
import dev.fluxion.cuda.codegen.Expr;
import dev.fluxion.cuda.codegen.ScalarType;
import dev.fluxion.kernel.UnaryOp;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Runs generated elementwise kernels ({@link ElementwiseKernel}) on CUDA tensors: the entry point
 * of the processor's fused groups, and of the backend's own elementwise ops. The kernel's source
 * ({@link CudaSourceGenerator}) is compiled by NVRTC at its first launch on a device and cached on
 * disk (keyed by the device's compute capability and the source's hash). Inputs are broadcast to
 * the output's shape as the runtime broadcasts; any strides and offsets are read in place (no
 * copies). Work is queued on the calling thread's stream.
 */
public final class FusedElementwise {

    // FxGeometry's layout (kernels/fused.cuh): n, rank, dense, size[8], offset[8], step[8], stride[8][8].
    private static final long N = 0, RANK = 8, DENSE = 12, SIZE = 16, OFFSET = 80, STEP = 144, STRIDE = 208;
    static final long GEOMETRY_BYTES = 720;

    private FusedElementwise() {
    }

    /**
     * {@code kernel} over {@code inputs} (CUDA tensors on one device, stored as the kernel's input
     * types say), broadcast together; a new contiguous tensor of {@code dtype} (stored as the
     * kernel's output type).
     *
     * @param params the kernel's scalar arguments ({@code p0}, …), as many as it declares
     */
    public static Tensor apply(ElementwiseKernel kernel, DType dtype, double[] params, Tensor... inputs) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException(kernel.name() + ": with no inputs the shape is unknown; use applyInto");
        }
        int[] shape = inputs[0].shape();
        for (Tensor t : inputs) {
            shape = broadcast(kernel.name(), shape, t.shape());
        }
        CudaTensor out = CudaTensor.empty(CudaBuffer.storage(inputs[0]).context(), dtype, shape);
        launch(kernel, out, params, inputs);
        return CudaBuffer.wrap(out);
    }

    /** {@code kernel} written into contiguous device tensor {@code out} (which may also be an input). */
    public static void applyInto(ElementwiseKernel kernel, Tensor out, double[] params, Tensor... inputs) {
        if (!out.isContiguous()) {
            throw new IllegalArgumentException(kernel.name() + ": the output must be contiguous, got strides "
                    + Arrays.toString(out.strides()) + " for shape " + Arrays.toString(out.shape()));
        }
        launch(kernel, CudaBuffer.storage(out).window(Devices.offset(out), out.shape()), params, inputs);
    }

    /** A contiguous copy of device tensor {@code t} converted to {@code dtype} (as {@code Tensor.to}). */
    static Tensor copy(Tensor t, DType dtype) {
        ScalarType in = ScalarType.storageOf(t.dtype()), out = ScalarType.storageOf(dtype);
        ScalarType compute = in == ScalarType.F64 || out == ScalarType.F64 ? ScalarType.F64 : ScalarType.F32;
        Expr body = dtype == DType.BOOL || dtype == DType.INT64 && !(t.dtype() == DType.INT64 || t.dtype() == DType.BOOL)
                ? new Expr.Cast(dtype, Expr.input(0)) : new Expr.Unary(UnaryOp.IDENTITY, Expr.input(0), 0, 0);
        String name = "fx_copy_" + in.c() + "_" + out.c() + (body instanceof Expr.Cast ? "_" + dtype.name().toLowerCase() : "");
        ElementwiseKernel k = new ElementwiseKernel(name, java.util.List.of(in), 0, compute, out, body, "");
        return apply(k, dtype, new double[0], t);
    }

    private static void launch(ElementwiseKernel kernel, CudaTensor out, double[] params, Tensor[] inputs) {
        if (inputs.length != kernel.inputs().size() || params.length != kernel.params()) {
            throw new IllegalArgumentException(kernel.name() + ": takes " + kernel.inputs().size() + " inputs and "
                    + kernel.params() + " scalar arguments, got " + inputs.length + " and " + params.length);
        }
        if (ScalarType.storageOf(out.dtype()) != kernel.output()) {
            throw new IllegalArgumentException(kernel.name() + ": writes " + kernel.output().c() + " but the output is "
                    + out.dtype().torchName());
        }
        int[] shape = out.shape();
        if (shape.length > ElementwiseKernel.MAX_RANK) {
            throw new IllegalArgumentException(kernel.name() + ": " + shape.length + " dims, at most "
                    + ElementwiseKernel.MAX_RANK + " on the device");
        }
        CudaTensor[] storages = new CudaTensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            storages[i] = CudaBuffer.storage(inputs[i]);
            Checks.compatibleDevices(kernel.name(), out, storages[i]);
            if (ScalarType.storageOf(inputs[i].dtype()) != kernel.inputs().get(i)) {
                throw new IllegalArgumentException(kernel.name() + ": input " + i + " must be stored as "
                        + kernel.inputs().get(i).c() + ", got " + inputs[i].dtype().torchName());
            }
            broadcast(kernel.name(), inputs[i].shape(), shape); // each input must broadcast to the output
        }
        long n = out.numel();
        if (n == 0) {
            return;
        }
        DeviceContext ctx = out.context();
        MemorySegment function = ctx.generatedFunction(kernel);
        Launch l = Launch.start(ctx, function, kernel.name());
        for (CudaTensor s : storages) {
            l.ptr(s);
        }
        for (double p : params) {
            l.f64(p);
        }
        l.ptr(out);
        l.struct(g -> geometry(g, shape, n, inputs));
        l.elementwise(n);
    }

    /** Writes the FxGeometry of {@code inputs} broadcast to {@code shape}. */
    static void geometry(MemorySegment g, int[] shape, long n, Tensor[] inputs) {
        g.asSlice(0, GEOMETRY_BYTES).fill((byte) 0);
        g.set(JAVA_LONG, N, n);
        g.set(JAVA_INT, RANK, shape.length);
        boolean dense = true;
        for (int d = 0; d < shape.length; d++) {
            g.set(JAVA_LONG, SIZE + 8L * d, shape[d]);
        }
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            g.set(JAVA_LONG, OFFSET + 8L * i, Devices.offset(t));
            int[] ts = t.shape(), st = t.strides();
            int lead = shape.length - ts.length;
            for (int d = 0; d < ts.length; d++) {
                long stride = ts[d] == 1 && shape[lead + d] != 1 ? 0 : st[d];
                g.set(JAVA_LONG, STRIDE + 8L * (i * ElementwiseKernel.MAX_RANK + lead + d), stride);
            }
            boolean same = Arrays.equals(ts, shape) && t.isContiguous();
            if (t.numel() == 1) {
                g.set(JAVA_LONG, STEP + 8L * i, 0);
            } else if (same) {
                g.set(JAVA_LONG, STEP + 8L * i, 1);
            } else {
                dense = false;
            }
        }
        g.set(JAVA_INT, DENSE, dense ? 1 : 0);
    }

    /** The broadcast of two shapes (NumPy's rule), or an error naming both. */
    static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int x = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int y = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (x != y && x != 1 && y != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " cannot be broadcast together");
            }
            out[i] = x == 1 ? y : x;
        }
        return out;
    }
}
