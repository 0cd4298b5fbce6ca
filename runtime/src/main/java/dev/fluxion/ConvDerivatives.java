package dev.fluxion;

/**
 * The derivative rules of {@link F#conv2d} and {@link F#maxPool2d}, in the convention of
 * {@link Derivatives}: {@code g} is the cotangent of the op's result, then the op's inputs, then
 * its non-tensor arguments; each rule returns the cotangent of one input, in that input's shape and
 * dtype.
 */
public final class ConvDerivatives {
    private ConvDerivatives() {}

    /**
     * out = conv2d(x, w, b, stride, padding): returns ∂L/∂x = col2im(W2ᵀ · g2), where
     * {@code W2 = w.reshape(OC, C·KH·KW)} and {@code g2 = g.reshape(N, OC, OH·OW)}: each output
     * position sends {@code Σ_oc g·w} back to the input pixels under the kernel there.
     *
     * @param g cotangent of the output, {@code [N, OC, OH, OW]}
     * @param x the input, {@code [N, C, H, W]}
     * @param w the weight, {@code [OC, C, KH, KW]}
     * @param stride the stride used forward
     * @param padding the zero padding used forward
     * @return the cotangent of {@code x}, shape and dtype of {@code x}
     */
    public static Tensor conv2dGradInput(Tensor g, Tensor x, Tensor w, int stride, int padding) {
        Devices.common("conv2dGradInput", g, x, w);
        Conv.Geometry geo = Conv.convGeometry("conv2dGradInput", x, w, stride, padding);
        checkOutput("conv2dGradInput", g, geo, w.shape[0]);
        DType dt = Conv.floating("conv2dGradInput", g, x, w);
        Tensor w2t = w.to(dt).reshape(w.shape[0], geo.patch()).t();
        if (g.buffer == null) {
            // One GEMM over every image's positions: [C·KH·KW, OC] · [OC, N·OH·OW].
            return Conv.col2imWide(w2t.matmul(channelsFirst(g.to(dt), geo)), geo).to(x.dtype);
        }
        Tensor cols = w2t.matmul(g.to(dt).reshape(geo.n(), w.shape[0], geo.positions()));
        return Conv.col2im(cols, geo).to(x.dtype);
    }

    /** {@code [OC, N·OH·OW]}: the output cotangent {@code [N, OC, OH, OW]} with its channels first. */
    private static Tensor channelsFirst(Tensor g, Conv.Geometry geo) {
        int oc = g.shape[1];
        return g.reshape(geo.n(), oc, geo.positions()).transpose(0, 1).contiguous().reshape(oc, geo.n() * geo.positions());
    }

    /**
     * out = conv2d(x, w, b, stride, padding): returns ∂L/∂w = Σ_n g2[n] · cols[n]ᵀ reshaped to
     * {@code [OC, C, KH, KW]}, with {@code cols = im2col(x)}; on the host one product whose sum runs
     * over the images too.
     *
     * @param g cotangent of the output, {@code [N, OC, OH, OW]}
     * @param x the input, {@code [N, C, H, W]}
     * @param w the weight, {@code [OC, C, KH, KW]}
     * @param stride the stride used forward
     * @param padding the zero padding used forward
     * @return the cotangent of {@code w}, shape and dtype of {@code w}
     */
    public static Tensor conv2dGradWeight(Tensor g, Tensor x, Tensor w, int stride, int padding) {
        Devices.common("conv2dGradWeight", g, x, w);
        Conv.Geometry geo = Conv.convGeometry("conv2dGradWeight", x, w, stride, padding);
        int oc = w.shape[0];
        checkOutput("conv2dGradWeight", g, geo, oc);
        DType dt = Conv.floating("conv2dGradWeight", g, x, w);
        if (x.buffer == null) {
            // One GEMM whose sum runs over every image's positions: [OC, N·OH·OW] · [N·OH·OW, C·KH·KW].
            Tensor cols = Conv.im2colWide(x.to(dt), geo);
            return channelsFirst(g.to(dt), geo).matmul(cols.t()).reshape(w.shape).to(w.dtype);
        }
        Tensor cols = Conv.im2col(x.to(dt), geo);
        Tensor perImage = g.to(dt).reshape(geo.n(), oc, geo.positions()).matmul(cols.transpose(1, 2));
        return perImage.sum(0).reshape(w.shape).to(w.dtype);
    }

    /**
     * out = conv2d(x, w, b, ...): returns ∂L/∂b = Σ over N, OH, OW of g.
     *
     * @param g cotangent of the output, {@code [N, OC, OH, OW]}
     * @param b the bias, {@code [OC]}
     * @return the cotangent of {@code b}, shape and dtype of {@code b}
     */
    public static Tensor conv2dGradBias(Tensor g, Tensor b) {
        if (g.shape.length != 4 || b.shape.length != 1 || g.shape[1] != b.shape[0]) {
            throw new FluxionException("conv2dGradBias: cotangent of shape " + Shapes.str(g.shape)
                    + " does not fit a bias of shape " + Shapes.str(b.shape));
        }
        return g.sum(new int[] {0, 2, 3}, false).to(b.dtype);
    }

    /**
     * out = maxPool2d(x, kernel, stride): returns g routed to the input element each output took
     * (the first maximum of its window), summed where windows overlap; 0 elsewhere.
     *
     * @param g cotangent of the output
     * @param x the input, {@code [N, C, H, W]}
     * @param kernel the window size used forward
     * @param stride the stride used forward
     * @return the cotangent of {@code x}, shape and dtype of {@code x}
     */
    public static Tensor maxPool2dGrad(Tensor g, Tensor x, int kernel, int stride) {
        Device device = Devices.common("maxPool2dGrad", g, x);
        Conv.Geometry geo = Conv.geometry("maxPool2dGrad", x.shape, kernel, kernel, stride, 0);
        checkOutput("maxPool2dGrad", g, geo, geo.c());
        if (device.isCuda()) {
            Conv.floating("maxPool2dGrad", x);
            return Devices.backend("maxPool2dGrad", device).maxPool2dGrad(g.to(x.dtype), x, geo.window());
        }
        int[] argmax = new int[geo.n() * geo.c() * geo.positions()];
        Conv.maxPool2d(x, kernel, stride, argmax);
        Tensor gd = Conversions.dense(g.to(x.dtype));
        Tensor dx = Tensor.empty(x.dtype, x.shape.clone());
        // Each output's window lies in its own (image, channel) plane, so planes can be filled in parallel.
        int perPlane = geo.positions();
        dev.fluxion.kernel.Parallel.forRange(geo.n() * geo.c(), perPlane, (start, end) -> {
            for (int o = start * perPlane; o < end * perPlane; o++) {
                if (dx.f != null) {
                    dx.f[argmax[o]] += gd.f[gd.offset + o];
                } else {
                    dx.d[argmax[o]] += gd.d[gd.offset + o];
                }
            }
        });
        return dx;
    }

    private static void checkOutput(String op, Tensor g, Conv.Geometry geo, int channels) {
        int[] expected = {geo.n(), channels, geo.oh(), geo.ow()};
        if (!java.util.Arrays.equals(g.shape, expected)) {
            throw new FluxionException(op + ": cotangent of shape " + Shapes.str(g.shape) + " does not match the output shape "
                    + Shapes.str(expected));
        }
    }
}
