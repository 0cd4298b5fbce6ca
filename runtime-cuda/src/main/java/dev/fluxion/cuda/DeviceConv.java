package dev.fluxion.cuda;

import dev.fluxion.DeviceBackend.Window;
import dev.fluxion.Tensor;

/**
 * Convolution and pooling on CUDA tensors (the kernels of {@code conv.cu}): im2col and col2im,
 * between which the runtime's convolution runs its GEMMs through cuBLAS, and max pooling with its
 * gradient. Images are read contiguous (a view is copied first).
 */
final class DeviceConv {

    private DeviceConv() {
    }

    /** {@code [N, C·KH·KW, OH·OW]} patches of {@code x} {@code [N, C, H, W]}. */
    static Tensor im2col(Tensor x, Window w) {
        int[] s = x.shape();
        CudaTensor src = CudaBuffer.contiguous(x);
        CudaTensor cols = CudaTensor.empty(src.context(), x.dtype(), s[0], s[1] * w.kh() * w.kw(), w.oh() * w.ow());
        launch("im2col", src, cols, s, w, cols.numel());
        return CudaBuffer.wrap(cols);
    }

    /** The adjoint of {@link #im2col}: images of {@code imageShape} {@code [N, C, H, W]}. */
    static Tensor col2im(Tensor cols, int[] imageShape, Window w) {
        CudaTensor src = CudaBuffer.contiguous(cols);
        CudaTensor img = CudaTensor.empty(src.context(), cols.dtype(), imageShape);
        launch("col2im", src, img, imageShape, w, img.numel());
        return CudaBuffer.wrap(img);
    }

    private static void launch(String kernel, CudaTensor in, CudaTensor out, int[] image, Window w, long n) {
        if (n == 0) {
            return;
        }
        Launch.of(in.context(), KernelSources.CONV, kernel + Checks.suffix(in)).ptr(in).ptr(out)
                .i64(image[0]).i64(image[1]).i64(image[2]).i64(image[3]).i64(w.kh()).i64(w.kw())
                .i64(w.stride()).i64(w.pad()).i64(w.oh()).i64(w.ow())
                .elementwise(n);
    }

    /** Max pooling of {@code x} {@code [N, C, H, W]} with a square window, no padding. */
    static Tensor maxPool2d(Tensor x, Window w) {
        int[] s = x.shape();
        CudaTensor src = CudaBuffer.contiguous(x);
        CudaTensor out = CudaTensor.empty(src.context(), x.dtype(), s[0], s[1], w.oh(), w.ow());
        if (out.numel() > 0) {
            Launch.of(src.context(), KernelSources.CONV, "max_pool" + Checks.suffix(src)).ptr(src).ptr(out)
                    .i64((long) s[0] * s[1]).i64(s[2]).i64(s[3]).i64(w.kh()).i64(w.stride()).i64(w.oh()).i64(w.ow())
                    .elementwise(out.numel());
        }
        return CudaBuffer.wrap(out);
    }

    /** The gradient of {@link #maxPool2d}: {@code g} at each window's first maximum, summed over windows. */
    static Tensor maxPool2dGrad(Tensor g, Tensor x, Window w) {
        int[] s = x.shape();
        CudaTensor src = CudaBuffer.contiguous(x);
        CudaTensor grad = CudaBuffer.contiguous(g, x.dtype());
        CudaTensor dx = CudaTensor.empty(src.context(), x.dtype(), s);
        if (dx.numel() > 0) {
            Launch.of(src.context(), KernelSources.CONV, "max_pool_backward" + Checks.suffix(src)).ptr(grad).ptr(src)
                    .ptr(dx).i64((long) s[0] * s[1]).i64(s[2]).i64(s[3]).i64(w.kh()).i64(w.stride()).i64(w.oh())
                    .i64(w.ow())
                    .elementwise(dx.numel());
        }
        return CudaBuffer.wrap(dx);
    }
}
