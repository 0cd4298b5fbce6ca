package dev.fluxion.cuda;

import dev.fluxion.DType;
import dev.fluxion.Devices;
import dev.fluxion.Tensor;
import dev.fluxion.cuda.codegen.ElementwiseKernel;

/**
 * Gather, its scatter-add adjoint and copies into views on CUDA tensors (the kernels of
 * {@code indexing.cu}): behind the runtime's {@code index}, {@code gather}, {@code cat}, embedding
 * and the NLL loss. Every operand is read or written in place through its strides (an
 * {@code FxGeometry}, as the generated kernels read theirs), so an index repeated along a dim by
 * {@code expand} costs nothing.
 */
final class DeviceIndexing {

    private DeviceIndexing() {
    }

    /** {@code x.gather(dim, index)}, the runtime having checked the shapes and the index values. */
    static Tensor gather(Tensor x, int dim, Tensor index) {
        Tensor idx = storedAsDoubles(index);
        int[] shape = idx.shape();
        checkRank("gather", shape);
        CudaTensor x0 = CudaBuffer.storage(x);
        CudaTensor out = CudaTensor.empty(x0.context(), x.dtype(), shape);
        long n = out.numel();
        if (n > 0) {
            // x read at index 0 of the gathered dim: the kernel adds index · stride.
            Tensor[] operands = {x.slice(dim, 0, 1), idx};
            Launch.of(x0.context(), KernelSources.INDEXING, "gather" + Checks.suffix(x0))
                    .ptr(x0).ptr(CudaBuffer.storage(idx)).ptr(out).i64(x.size(dim)).i64(x.strides()[dim])
                    .struct(g -> FusedElementwise.geometry(g, shape, n, operands))
                    .elementwise(n);
        }
        return CudaBuffer.wrap(out);
    }

    /** Zeros of {@code shape}, {@code dtype} with {@code g} (index's shape) added at {@code index} along {@code dim}. */
    static Tensor scatterAdd(Tensor g, int[] shape, DType dtype, int dim, Tensor index) {
        Tensor idx = storedAsDoubles(index);
        Tensor grad = g.dtype() == dtype ? g : g.to(dtype);
        Tensor out = new CudaBackend().full(g.device(), dtype, 0, shape);
        int[] columns = idx.shape();
        checkRank("gatherGrad", columns);
        int count = columns[dim];
        columns[dim] = 1;
        long n = CudaTensor.numel(columns);
        if (n > 0 && count > 0) {
            Tensor[] operands = {out.slice(dim, 0, 1), idx.slice(dim, 0, 1), grad.slice(dim, 0, 1)};
            CudaTensor o = CudaBuffer.storage(out);
            Launch.of(o.context(), KernelSources.INDEXING, "scatter_add" + Checks.suffix(o))
                    .ptr(o).ptr(CudaBuffer.storage(idx)).ptr(CudaBuffer.storage(grad)).i64(count).i64(shape[dim])
                    .i64(out.strides()[dim]).i64(idx.strides()[dim]).i64(grad.strides()[dim])
                    .struct(geo -> FusedElementwise.geometry(geo, columns, n, operands))
                    .elementwise(n);
        }
        return out;
    }

    /** {@code dst} (a view) = {@code src} converted to dst's dtype. */
    static void copyInto(Tensor src, Tensor dst) {
        Tensor s = src.dtype() == dst.dtype() ? src : src.to(dst.dtype());
        int[] shape = s.shape();
        checkRank("cat", shape);
        long n = CudaTensor.numel(shape);
        if (n == 0) {
            return;
        }
        CudaTensor d = CudaBuffer.storage(dst);
        Checks.compatibleDevices("copyInto", d, CudaBuffer.storage(s));
        Tensor[] operands = {dst, s};
        Launch.of(d.context(), KernelSources.INDEXING, "copy_into" + Checks.suffix(d))
                .ptr(d).ptr(CudaBuffer.storage(s))
                .struct(geo -> FusedElementwise.geometry(geo, shape, n, operands))
                .elementwise(n);
    }

    /** The geometry holds {@value ElementwiseKernel#MAX_RANK} dims. */
    private static void checkRank(String op, int[] shape) {
        if (shape.length > ElementwiseKernel.MAX_RANK) {
            throw Devices.unsupported(op + " of a " + shape.length + "-dim tensor (at most " + ElementwiseKernel.MAX_RANK
                    + " dims)", dev.fluxion.Device.cuda());
        }
    }

    /** An index as the kernels read it: doubles (INT64 and BOOL already are; a float32 index is converted). */
    private static Tensor storedAsDoubles(Tensor index) {
        return index.dtype() == DType.FLOAT32 ? index.to(DType.INT64) : index;
    }
}
