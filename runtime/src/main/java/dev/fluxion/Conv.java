package dev.fluxion;

import dev.fluxion.kernel.Parallel;
import org.jspecify.annotations.Nullable;

/**
 * 2-D convolution (NCHW, as {@code torch.nn.functional.conv2d} with dilation 1 and one group) by
 * im2col and the GEMM of {@link Tensor#matmul}, and 2-D max pooling. The derivative rules are in
 * {@link ConvDerivatives}.
 *
 * <p>im2col lays out, for every image {@code n}, the matrix {@code cols[n]} of shape
 * {@code [C·KH·KW, OH·OW]} whose column {@code (oh, ow)} holds the input patch under the kernel at
 * that output position (zeros where the patch hangs over the padding). Then
 * {@code out[n] = W.reshape(OC, C·KH·KW) · cols[n]}, one batched matmul. col2im is its adjoint:
 * it scatter-adds such a matrix back onto the image, which is how the input gradient is formed.
 */
final class Conv {
    private Conv() {}

    /** The sizes of one convolution or pooling. */
    record Geometry(int n, int c, int h, int w, int kh, int kw, int stride, int pad, int oh, int ow) {
        int patch() {
            return c * kh * kw;
        }

        /** The window as a device backend takes it. */
        DeviceBackend.Window window() {
            return new DeviceBackend.Window(kh, kw, stride, pad, oh, ow);
        }

        int positions() {
            return oh * ow;
        }
    }

    static Geometry geometry(String op, int[] x, int kh, int kw, int stride, int pad) {
        if (x.length != 4) {
            throw new FluxionException(op + ": input must be 4-D [N, C, H, W], got shape " + Shapes.str(x));
        }
        if (stride < 1 || pad < 0 || kh < 1 || kw < 1) {
            throw new FluxionException(op + ": stride must be >= 1, padding >= 0 and the kernel non-empty (kernel "
                    + kh + "x" + kw + ", stride " + stride + ", padding " + pad + ")");
        }
        int oh = Math.floorDiv(x[2] + 2 * pad - kh, stride) + 1;
        int ow = Math.floorDiv(x[3] + 2 * pad - kw, stride) + 1;
        if (oh < 1 || ow < 1) {
            throw new FluxionException(op + ": the " + kh + "x" + kw + " kernel is larger than the padded input of shape "
                    + Shapes.str(x) + " (padding " + pad + ")");
        }
        return new Geometry(x[0], x[1], x[2], x[3], kh, kw, stride, pad, oh, ow);
    }

    static Geometry convGeometry(String op, Tensor x, Tensor weight, int stride, int pad) {
        if (weight.shape.length != 4) {
            throw new FluxionException(op + ": weight must be 4-D [OC, C, KH, KW], got shape " + Shapes.str(weight.shape));
        }
        Geometry g = geometry(op, x.shape, weight.shape[2], weight.shape[3], stride, pad);
        if (weight.shape[1] != g.c()) {
            throw new FluxionException(op + ": input of shape " + Shapes.str(x.shape) + " has " + g.c()
                    + " channels, the weight of shape " + Shapes.str(weight.shape) + " expects " + weight.shape[1]);
        }
        return g;
    }

    static DType floating(String op, Tensor... ts) {
        DType dt = DType.FLOAT32;
        for (Tensor t : ts) {
            if (t != null) {
                if (!t.dtype.isFloatingPoint()) {
                    throw new FluxionException(op + ": expected FLOAT32 or FLOAT64 tensors, got " + t.dtype);
                }
                dt = DType.promote(dt, t.dtype);
            }
        }
        return dt;
    }

    static Tensor conv2d(Tensor x, Tensor weight, @Nullable Tensor bias, int stride, int pad) {
        Geometry g = convGeometry("conv2d", x, weight, stride, pad);
        Devices.common("conv2d", x, weight);
        int oc = weight.shape[0];
        if (bias != null && (bias.shape.length != 1 || bias.shape[0] != oc)) {
            throw new FluxionException("conv2d: bias must have shape [" + oc + "], got " + Shapes.str(bias.shape));
        }
        DType dt = floating("conv2d", x, weight, bias);
        Tensor w2 = weight.to(dt).reshape(oc, g.patch());
        if (x.buffer == null) {
            // One GEMM over every image's positions: [OC, C·KH·KW] · [C·KH·KW, N·OH·OW].
            Tensor product = w2.matmul(im2colWide(x.to(dt), g));
            Tensor images = product.reshape(oc, g.n(), g.positions()).transpose(0, 1);
            Tensor out = bias != null ? images.plus(bias.to(dt).reshape(1, oc, 1)) : images.contiguous();
            return Tensor.checked("conv2d", out.reshape(g.n(), oc, g.oh(), g.ow()));
        }
        Tensor out = w2.matmul(im2col(x.to(dt), g)).reshape(g.n(), oc, g.oh(), g.ow());
        if (bias != null) {
            out = out.plus(bias.to(dt).reshape(1, oc, 1, 1));
        }
        return Tensor.checked("conv2d", out);
    }

    /**
     * Where im2col's entry for (image n, patch row r, position p) lives: {@code n·image + r·row + p}.
     * Batched ({@code [N, C·KH·KW, OH·OW]}, one matrix per image, the device layout) or wide
     * ({@code [C·KH·KW, N·OH·OW]}, every image side by side, so that a convolution is one GEMM).
     */
    record ColumnLayout(int image, int row) {
        static ColumnLayout batched(Geometry g) {
            return new ColumnLayout(g.patch() * g.positions(), g.positions());
        }

        static ColumnLayout wide(Geometry g) {
            return new ColumnLayout(g.positions(), g.n() * g.positions());
        }
    }

    /** {@code [C·KH·KW, N·OH·OW]} patches of host tensor {@code x}: {@link ColumnLayout#wide}. */
    static Tensor im2colWide(Tensor x, Geometry g) {
        return columns(Conversions.dense(x), g, ColumnLayout.wide(g), new int[] {g.patch(), g.n() * g.positions()});
    }

    /** The adjoint of {@link #im2colWide}: {@code [N, C, H, W]} from host columns {@code [C·KH·KW, N·OH·OW]}. */
    static Tensor col2imWide(Tensor cols, Geometry g) {
        return image(Conversions.dense(cols), g, ColumnLayout.wide(g));
    }

    /** {@code [N, C·KH·KW, OH·OW]} patches of contiguous-or-not {@code x} (converted to its own storage type). */
    static Tensor im2col(Tensor x, Geometry g) {
        if (x.buffer != null) {
            return Devices.backendOf("im2col", x).im2col(x, g.window());
        }
        return columns(Conversions.dense(x), g, ColumnLayout.batched(g), new int[] {g.n(), g.patch(), g.positions()});
    }

    /** im2col of dense host {@code src} into a new tensor of {@code shape}, entries placed by {@code layout}. */
    private static Tensor columns(Tensor src, Geometry g, ColumnLayout layout, int[] shape) {
        Tensor cols = Tensor.empty(src.dtype, shape);
        int rowsPerImage = g.patch();
        Parallel.forRange(g.n() * rowsPerImage, g.positions(), (start, end) -> {
            for (int r = start; r < end; r++) {
                int n = r / rowsPerImage, row = r % rowsPerImage;
                int c = row / (g.kh() * g.kw()), kh = row / g.kw() % g.kh(), kw = row % g.kw();
                int in = src.offset + ((n * g.c() + c) * g.h()) * g.w();
                int out = n * layout.image() + row * layout.row();
                // The output columns whose input column lies inside the image: [owFrom, owTo).
                int owFrom = Math.min(g.ow(), ceilDiv(Math.max(0, g.pad() - kw), g.stride()));
                int owTo = Math.max(owFrom, Math.min(g.ow(), ceilDiv(g.w() + g.pad() - kw, g.stride())));
                for (int oh = 0; oh < g.oh(); oh++, out += g.ow()) {
                    int ih = oh * g.stride() - g.pad() + kh;
                    if (ih < 0 || ih >= g.h()) {
                        fillZero(cols, out, out + g.ow());
                        continue;
                    }
                    fillZero(cols, out, out + owFrom);
                    int from = in + ih * g.w() + owFrom * g.stride() - g.pad() + kw;
                    copyStrided(src, from, g.stride(), cols, out + owFrom, owTo - owFrom);
                    fillZero(cols, out + owTo, out + g.ow());
                }
            }
        });
        return cols;
    }

    private static int ceilDiv(int a, int b) {
        return Math.floorDiv(a + b - 1, b);
    }

    private static void fillZero(Tensor t, int from, int to) {
        if (t.f != null) {
            java.util.Arrays.fill(t.f, from, to, 0f);
        } else {
            java.util.Arrays.fill(t.d, from, to, 0.0);
        }
    }

    /** {@code dst[to + i·step] += src[from + i]} for {@code i < count}. */
    private static void addStrided(Tensor src, int from, Tensor dst, int to, int step, int count) {
        if (count <= 0) {
            return; // no column inside: from may lie outside the array (padding wider than the kernel)
        }
        if (src.f != null) {
            for (int i = 0; i < count; i++) dst.f[to + i * step] += src.f[from + i];
        } else {
            for (int i = 0; i < count; i++) dst.d[to + i * step] += src.d[from + i];
        }
    }

    /** {@code dst[to + i] = src[from + i·step]} for {@code i < count}. */
    private static void copyStrided(Tensor src, int from, int step, Tensor dst, int to, int count) {
        if (count <= 0) {
            return; // no column inside: from may lie outside the array (padding wider than the kernel)
        }
        if (step == 1) {
            System.arraycopy(src.f != null ? src.f : src.d, from, dst.f != null ? dst.f : dst.d, to, count);
        } else if (src.f != null) {
            for (int i = 0; i < count; i++) dst.f[to + i] = src.f[from + i * step];
        } else {
            for (int i = 0; i < count; i++) dst.d[to + i] = src.d[from + i * step];
        }
    }

    /** The adjoint of {@link #im2col}: {@code [N, C, H, W]} with every column entry added back at its pixel. */
    static Tensor col2im(Tensor cols, Geometry g) {
        if (cols.buffer != null) {
            return Devices.backendOf("col2im", cols).col2im(cols, new int[] {g.n(), g.c(), g.h(), g.w()}, g.window());
        }
        return image(Conversions.dense(cols), g, ColumnLayout.batched(g));
    }

    /** col2im of dense host columns {@code src} whose entries are placed by {@code layout}. */
    private static Tensor image(Tensor src, Geometry g, ColumnLayout layout) {
        Tensor img = Tensor.empty(src.dtype, new int[] {g.n(), g.c(), g.h(), g.w()});
        int perChannel = g.kh() * g.kw();
        // One task per (image, channel): the rows of a channel only write that channel's pixels.
        Parallel.forRange(g.n() * g.c(), (long) perChannel * g.positions(), (start, end) -> {
            for (int nc = start; nc < end; nc++) {
                int n = nc / g.c(), c = nc % g.c();
                int base = nc * g.h() * g.w();
                for (int k = 0; k < perChannel; k++) {
                    int kh = k / g.kw(), kw = k % g.kw();
                    int in = src.offset + n * layout.image() + (c * perChannel + k) * layout.row();
                    // The output columns whose input column lies inside the image: [owFrom, owTo).
                    int owFrom = Math.min(g.ow(), ceilDiv(Math.max(0, g.pad() - kw), g.stride()));
                    int owTo = Math.max(owFrom, Math.min(g.ow(), ceilDiv(g.w() + g.pad() - kw, g.stride())));
                    for (int oh = 0; oh < g.oh(); oh++, in += g.ow()) {
                        int ih = oh * g.stride() - g.pad() + kh;
                        if (ih < 0 || ih >= g.h()) {
                            continue;
                        }
                        int to = base + ih * g.w() + owFrom * g.stride() - g.pad() + kw;
                        addStrided(src, in + owFrom, img, to, g.stride(), owTo - owFrom);
                    }
                }
            }
        });
        return img;
    }

    /**
     * Max pooling with a {@code k×k} window and the given stride, no padding; also returns, when
     * {@code argmax} is not null, the flat input index each output took (the first maximum of its
     * window in row-major order; NaN counts as the maximum, as PyTorch).
     */
    static Tensor maxPool2d(Tensor x, int k, int stride, int @Nullable [] argmax) {
        floating("maxPool2d", x);
        Geometry g = geometry("maxPool2d", x.shape, k, k, stride, 0);
        if (x.buffer != null && argmax == null) {
            return Tensor.checked("maxPool2d", Devices.backendOf("maxPool2d", x).maxPool2d(x, g.window()));
        }
        Tensor src = Conversions.dense(x);
        Tensor out = Tensor.empty(src.dtype, new int[] {g.n(), g.c(), g.oh(), g.ow()});
        int[] index = argmax != null ? argmax : new int[out.numel()];
        int h = g.h(), w = g.w(), oh = g.oh(), ow = g.ow();
        Parallel.forRange(g.n() * g.c(), (long) g.positions() * k * k, (start, end) -> {
            for (int p = start; p < end; p++) {
                if (src.f != null) {
                    poolPlane(src.f, src.offset + p * h * w, w, k, stride, oh, ow, out.f, p * oh * ow, index);
                } else {
                    poolPlane(src.d, src.offset + p * h * w, w, k, stride, oh, ow, out.d, p * oh * ow, index);
                }
            }
        });
        if (argmax != null) {
            // Indices relative to the dense input's first element.
            for (int o = 0; o < argmax.length; o++) {
                argmax[o] -= src.offset;
            }
        }
        return Tensor.checked("maxPool2d", out);
    }

    private static void poolPlane(float[] in, int base, int w, int k, int stride, int oh, int ow, float[] out, int outBase,
            int[] argmax) {
        if (k <= 4) {
            poolPlaneByKeys(in, base, w, k, stride, oh, ow, out, outBase, argmax);
            return;
        }
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                int first = base + i * stride * w + j * stride;
                int best = first;
                float max = in[first];
                for (int u = 0; u < k && max == max; u++) { // stop at a NaN: it is the maximum
                    int row = first + u * w;
                    for (int v = 0; v < k; v++) {
                        float val = in[row + v];
                        if (val > max || val != val) {
                            max = val;
                            best = row + v;
                            if (val != val) {
                                break;
                            }
                        }
                    }
                }
                out[outBase + i * ow + j] = max;
                argmax[outBase + i * ow + j] = best;
            }
        }
    }

    /**
     * {@link #poolPlane(float[], int, int, int, int, int, int, float[], int, int[])} without branches
     * (on random data a compare-and-branch mispredicts half the time): each element becomes a long
     * whose high half orders floats as {@code >} does, +0 and −0 equal, NaN above everything, and
     * whose low half is {@code k² − 1 −} its place in the window, so the largest long is the first
     * maximum, or the first NaN, exactly as the branching loop picks it.
     */
    private static void poolPlaneByKeys(float[] in, int base, int w, int k, int stride, int oh, int ow, float[] out,
            int outBase, int[] argmax) {
        int last = k * k - 1;
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                int first = base + i * stride * w + j * stride;
                long best = Long.MIN_VALUE;
                for (int u = 0; u < k; u++) {
                    int row = first + u * w;
                    for (int v = 0; v < k; v++) {
                        best = Math.max(best, ((long) orderKey(in[row + v]) << 32) | (last - (u * k + v)));
                    }
                }
                int place = last - (int) (best & 0xffffffffL);
                int at = first + place / k * w + place % k;
                out[outBase + i * ow + j] = in[at];
                argmax[outBase + i * ow + j] = at;
            }
        }
    }

    /** An int that orders floats as {@code >} does (−0 and +0 equal), with every NaN above +∞. */
    private static int orderKey(float x) {
        int bits = Float.floatToRawIntBits(x);
        int magnitude = bits & 0x7fffffff;
        int sign = bits >> 31;                              // −1 for a negative float, else 0
        int key = (magnitude ^ sign) - sign;                // −magnitude without a branch; −0 → 0
        return magnitude > 0x7f800000 ? Integer.MAX_VALUE : key;
    }

    private static void poolPlane(double[] in, int base, int w, int k, int stride, int oh, int ow, double[] out,
            int outBase, int[] argmax) {
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                int first = base + i * stride * w + j * stride;
                int best = first;
                double max = in[first];
                for (int u = 0; u < k && max == max; u++) {
                    int row = first + u * w;
                    for (int v = 0; v < k; v++) {
                        double val = in[row + v];
                        if (val > max || val != val) {
                            max = val;
                            best = row + v;
                            if (val != val) {
                                break;
                            }
                        }
                    }
                }
                out[outBase + i * ow + j] = max;
                argmax[outBase + i * ow + j] = best;
            }
        }
    }
}
